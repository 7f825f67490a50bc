import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  /** What is being awaited, in words: it opens the failure message. */
  readonly awaiting: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /**
   * How long one attempt may take before it counts as failed and the next one begins (by default, until the
   * deadline): for a client that can hang on one request and answer the next (kafkajs after a broker was frozen).
   */
  readonly attemptTimeoutMs?: number;
}

/** Thrown when a poll's deadline passes: says what was awaited and what the last attempt saw. */
export class EventuallyTimeout extends Error {
  constructor(
    readonly awaiting: string,
    readonly timeoutMs: number,
    readonly lastSeen: string,
  ) {
    super(`Timed out after ${timeoutMs} ms awaiting ${awaiting}; last seen: ${lastSeen}`);
    this.name = 'EventuallyTimeout';
  }
}

const stillPending = Symbol('still pending');

/** A probe throws this when waiting longer cannot help (a process died, a task FAILED): polling stops at once. */
export class GiveUp extends Error {
  override name = 'GiveUp';
}

/**
 * Polls `probe` until it returns a value other than `undefined`, then returns that value. A probe that throws, or
 * returns `undefined`, is retried after `intervalMs`; its error message (or `describe()` of the undefined case)
 * becomes "last seen" in the timeout error. Replaces sleeps when waiting for asynchronous effects.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: EventuallyOptions & { readonly lastSeen?: () => string },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastSeen = 'nothing yet';
  for (;;) {
    try {
      // A probe that hangs (a socket that accepts but never answers) must not outlive the deadline.
      const left = deadline - Date.now();
      const attemptMs = Math.min(left, options.attemptTimeoutMs ?? left);
      const value = await settleBefore(Promise.resolve(probe()), attemptMs);
      if (value === stillPending && attemptMs < left) throw new Error(`an attempt had no answer in ${attemptMs} ms`);
      if (value === stillPending) throw new Error('the last attempt was still pending at the deadline');
      if (value !== undefined) return value as T;
      lastSeen = options.lastSeen ? options.lastSeen() : 'no value';
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastSeen = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new EventuallyTimeout(options.awaiting, timeoutMs, lastSeen);
    await delay(intervalMs);
  }
}

/**
 * Resolves with `promise`'s value, or with `stillPending` once `ms` have passed. The timer is cleared either way, so
 * a long deadline does not keep the process alive after the answer came.
 */
async function settleBefore<T>(promise: Promise<T>, ms: number): Promise<T | typeof stillPending> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof stillPending>((resolve) => {
    timer = setTimeout(() => resolve(stillPending), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
