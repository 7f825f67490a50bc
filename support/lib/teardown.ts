/**
 * Closers registered as things start, run in reverse order. Each runs even when an earlier one failed; failures are
 * collected and reported together.
 */
export class Teardown {
  private readonly steps: { readonly name: string; readonly close: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  add(name: string, close: () => Promise<void> | void): void {
    this.steps.push({ name, close });
  }

  /** Idempotent: a second call (a signal during a normal teardown) waits for the first. */
  run(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    const failures: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.close();
      } catch (error) {
        failures.push(`${step.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`Teardown had failures:\n  ${failures.join('\n  ')}`);
  }
}

const signalExitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * On SIGINT, SIGTERM or SIGHUP, runs `teardown` and exits with the conventional code. A second Ctrl-C while tearing
 * down is ignored so that the stop completes; the child processes' own stop timeouts bound how long it takes.
 */
export function stopOnSignals(teardown: () => Promise<void>, log: (line: string) => void = console.error): () => void {
  let stopping = false;
  const handlers = Object.entries(signalExitCodes).map(([signal, code]) => {
    const handler = (): void => {
      if (stopping) return;
      stopping = true;
      log(`\n${signal} received: stopping everything the harness started…`);
      teardown()
        .catch((error: unknown) => log(String(error)))
        .finally(() => process.exit(code));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
