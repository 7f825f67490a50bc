import type { ManagedProcess } from './processes';

/**
 * What a fault can do to a component of the stack, the same for a local process and a container: crash it, start it
 * again as it was (its port, its data), freeze it and let it go on.
 */
export interface ComponentControl {
  readonly name: string;
  /** `down` after kill() until restart(); `frozen` between freeze() and thaw(). */
  readonly state: 'running' | 'frozen' | 'down';
  /** Ends it abruptly (SIGKILL), as a crash or a lost machine would; it stays down until restart(). */
  kill(): Promise<void>;
  /** Starts it again with its configuration, port and data; resolves once it is ready. */
  restart(): Promise<void>;
  /** Stops it dead (SIGSTOP, or a paused container): connections stay open, nothing answers. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
}

export interface SupervisorOptions {
  /** Starts the process and resolves once it is ready. */
  readonly start: () => Promise<ManagedProcess>;
  readonly log: (line: string) => void;
  /** How the component is named in messages; the process's name otherwise. */
  readonly name?: string;
  /** The first wait before starting again a process that keeps dying; it doubles up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * Keeps one process running, as k8s' restartPolicy would: a process that ends without having been asked to is
 * started again, after a backoff that grows while it keeps dying soon after its start (a crash loop). kill() ends it
 * on purpose, as a spec's crash does, and it stays down until start(); stop() ends it for good.
 */
export class Supervisor implements ComponentControl {
  private current: ManagedProcess | undefined;
  /** The process ended on purpose (kill or stop): not started again by itself. */
  private held = true;
  private stopped = false;
  private backoffMs: number;
  /** Ends the wait before a restart at once (the restart then sees why and does nothing). */
  private wake: (() => void) | undefined;
  private restarting: Promise<void> | undefined;
  private replacing: Promise<void> | undefined;
  /** How many times a process was started again after ending by itself. */
  restarts = 0;

  constructor(private readonly options: SupervisorOptions) {
    this.backoffMs = options.initialBackoffMs ?? 500;
  }

  get process(): ManagedProcess | undefined {
    return this.current;
  }

  get name(): string {
    return this.options.name ?? this.current?.name ?? 'a supervised process';
  }

  get state(): ComponentControl['state'] {
    if (!this.current?.isRunning) return 'down';
    return this.current.isFrozen ? 'frozen' : 'running';
  }

  /** Watches a process started elsewhere (the first start may differ from a restart: a database is provisioned). */
  adopt(process: ManagedProcess): this {
    if (this.isRunning) throw new Error(`${this.name} already runs: it cannot adopt ${process.name}`);
    this.current = process;
    this.held = false;
    this.watch(process, Date.now());
    return this;
  }

  async restart(): Promise<void> {
    await this.start();
  }

  async freeze(): Promise<void> {
    if (!this.current?.isRunning) throw new Error(`${this.name} is not running: it cannot be frozen`);
    await this.current.freeze();
  }

  async thaw(): Promise<void> {
    this.current?.thaw();
  }

  get isRunning(): boolean {
    return this.current?.isRunning ?? false;
  }

  /** Starts the process (again) and watches it; resolves once it is ready. */
  async start(): Promise<ManagedProcess> {
    if (this.isRunning) throw new Error('the process is still running: kill or stop it before starting it again');
    await this.restarting;
    if (this.isRunning && this.current) return this.current;
    const process = await this.options.start();
    this.current = process;
    this.held = false;
    this.watch(process, Date.now());
    return process;
  }

  /** Ends the process abruptly (SIGKILL), as a crash would; it stays down until start(). */
  async kill(): Promise<void> {
    this.held = true;
    this.wake?.();
    await this.restarting;
    await this.current?.kill();
  }

  /** Stops the process gracefully, for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.held = true;
    this.wake?.();
    await this.restarting;
    // A replacement under way finishes first: what it started is then stopped here, never left behind.
    await this.replacing?.catch(() => undefined);
    await this.current?.stop();
  }

  /**
   * Stops the process gracefully and starts a new one (new code to run): no crash, so no backoff, and nothing
   * started once stop() was called. Resolves once the new one is ready.
   */
  replace(): Promise<void> {
    const replacing = (async () => {
      this.held = true;
      this.wake?.();
      await this.restarting;
      await this.current?.stop();
      if (this.stopped) return;
      await this.start();
    })();
    this.replacing = replacing.finally(() => {
      if (this.replacing === tracked) this.replacing = undefined;
    });
    const tracked = this.replacing;
    return replacing;
  }

  private watch(process: ManagedProcess, startedAt: number): void {
    void process.exited.then(({ code, signal }) => {
      if (this.held || this.stopped || process !== this.current) return;
      // A process that ran a while before dying is not in a crash loop: its next start is not delayed long.
      const ranMs = Date.now() - startedAt;
      if (ranMs > 4 * (this.options.maxBackoffMs ?? 30_000)) this.backoffMs = this.options.initialBackoffMs ?? 500;
      const waitMs = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
      this.options.log(
        `${process.name} exited by itself (${signal ?? `code ${code}`}): starting it again in ${waitMs} ms. ` +
          `Last lines of its log:\n${process.tail(10)}`,
      );
      this.restarting = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }).then(async () => {
        this.wake = undefined;
        if (this.held || this.stopped) {
          this.restarting = undefined;
          return;
        }
        try {
          const next = await this.options.start();
          this.restarts++;
          this.current = next;
          this.watch(next, Date.now());
          if (this.held) await next.stop();
        } catch (error) {
          this.options.log(`${process.name} could not be started again: ${(error as Error).message}`);
        } finally {
          this.restarting = undefined;
        }
      });
    });
  }
}
