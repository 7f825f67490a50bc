import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { eventually, GiveUp } from './eventually';

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How long a graceful stop may take before SIGKILL. */
  readonly stopTimeoutMs?: number;
}

const running = new Set<ChildProcess>();

/**
 * Last resort for paths that skip teardown (an uncaught error ending the process): kill every child still running,
 * synchronously, as Node exits. Orderly stops go through ManagedProcess.stop().
 */
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Children lead their own process group (detached), so a signal reaches anything they forked too.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** A child process of the harness: its output goes to a log file, and stop() always ends it. */
export class ManagedProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(readonly spec: ProcessSpec) {
    const log = openSync(spec.logFile, 'a');
    // detached: the harness decides the stop order on Ctrl-C, instead of the terminal signalling everyone at once.
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    running.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        resolve({ code, signal });
      });
      this.child.once('error', (error) => {
        running.delete(this.child);
        resolve({ code: -1, signal: null });
        this.spawnError = error;
      });
    });
  }

  private spawnError: Error | undefined;

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return running.has(this.child);
  }

  /** Stopped with SIGSTOP (and everything it forked): alive, holding its sockets, answering nothing. */
  get isFrozen(): boolean {
    return this.frozen && this.isRunning;
  }

  private frozen = false;

  /**
   * Freezes the process group (SIGSTOP), as a machine that stalls or a long GC pause would: its connections stay
   * open and its peers see only silence, until thaw().
   */
  async freeze(): Promise<void> {
    if (!this.isRunning) throw new Error(`${this.name} is not running: it cannot be frozen`);
    killGroup(this.child, 'SIGSTOP');
    this.frozen = true;
    if (this.pid !== undefined) await untilStopped(this.pid, this.name);
  }

  /** Lets a frozen process group go on (SIGCONT). */
  thaw(): void {
    killGroup(this.child, 'SIGCONT');
    this.frozen = false;
  }

  /** The end of the process's log, for error messages. */
  tail(lines = 25): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** For readiness probes: a process that died will never become ready, so stop polling with its log's tail. */
  assertRunning(): void {
    if (this.isRunning) return;
    const how = this.spawnError ? `could not start (${this.spawnError.message})` : 'exited';
    throw new GiveUp(`${this.name} ${how} before it was ready. Last lines of ${this.spec.logFile}:\n${this.tail()}`);
  }

  /** SIGTERM, then SIGKILL after the stop timeout; resolves once the process is gone. */
  async stop(): Promise<void> {
    if (!this.isRunning) return;
    killGroup(this.child, 'SIGTERM');
    // A frozen process would not see SIGTERM before its stop timeout: let it go on, to stop in order.
    if (this.frozen) this.thaw();
    const timeoutMs = this.spec.stopTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!stopped) {
      killGroup(this.child, 'SIGKILL');
      await this.exited;
    }
    // Reap anything the process forked that outlived it.
    killGroup(this.child, 'SIGKILL');
  }

  /** Ends the process abruptly, as a crash would. */
  async kill(): Promise<void> {
    killGroup(this.child, 'SIGKILL');
    await this.exited;
  }
}

/**
 * A signal is delivered asynchronously: a server thread may still answer a query after kill() returned. Resolves once
 * every thread of the process is stopped, as Linux's /proc tells (elsewhere at once).
 */
export async function untilStopped(pid: number, name = `process ${pid}`): Promise<void> {
  const states = (): string[] | undefined => {
    try {
      return readdirSync(`/proc/${pid}/task`).map((task) => {
        const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      });
    } catch {
      return undefined; // no /proc, or the process is gone
    }
  };
  let last: string[] | undefined;
  await eventually(
    () => {
      last = states();
      return !last || last.every((state) => state === 'T' || state === 't') ? true : undefined;
    },
    { awaiting: `every thread of ${name} to be stopped`, timeoutMs: 5_000, intervalMs: 5, lastSeen: () => `${last}` },
  );
}
