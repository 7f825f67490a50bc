import { type FSWatcher, watch } from 'node:fs';
import { join, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export type ServiceName = 'userdata' | 'push-email';

/**
 * Which services a change of these files (relative to `src/`) affects: a service's own folder is that service's;
 * anything else the build takes (src/shared, the build's own files) is both's. Tests and captured fixtures change
 * no running code.
 */
export function servicesAffectedBy(paths: readonly string[]): ServiceName[] {
  const affected = new Set<ServiceName>();
  for (const path of paths) {
    const parts = path.split(/[\\/]/);
    if (/\.test\.ts$/.test(path) || parts.includes('fixtures')) continue;
    if (parts[0] === 'userdata' || parts[0] === 'push-email') affected.add(parts[0]);
    else {
      affected.add('userdata');
      affected.add('push-email');
    }
  }
  return (['userdata', 'push-email'] as const).filter((service) => affected.has(service));
}

export interface SourceWatchOptions {
  /** The repository's root: `src/` under it is watched. */
  readonly root: string;
  /** Builds the services as their image does; rejects with the compiler's message. */
  readonly build: () => Promise<void>;
  /** Stops a service gracefully and starts it again from the new build. */
  readonly restart: (service: ServiceName) => Promise<void>;
  readonly log: (line: string) => void;
  /** Quiet time after the last change before a rebuild: an editor's save touches several files. */
  readonly debounceMs?: number;
}

/**
 * Rebuilds and restarts the services whose source changed, a round at a time: changes made during a round make
 * the next one. A build that fails leaves the services running their previous code and says why. Restarting a
 * service loses no change: push-email commits an offset only after the email, userdata answers every request in
 * flight before it stops.
 */
export interface SourceWatch {
  /** Resolves once the services run the code on disk: no change waiting, no round under way. */
  settled(): Promise<void>;
  /** True while a change waits for its round or a round is under way. */
  readonly busy: boolean;
  /** The compiler's message when the last build failed (the services run their previous code); else undefined. */
  readonly buildFailure: string | undefined;
  close(): void;
}

export function watchServiceSources(options: SourceWatchOptions): SourceWatch {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let closed = false;
  let buildFailure: string | undefined;

  const runRound = async (): Promise<void> => {
    const paths = [...pending];
    pending.clear();
    const services = servicesAffectedBy(paths);
    if (services.length === 0 || closed) return;
    const what = paths.length === 1 ? `src${sep}${paths[0]}` : `${paths.length} files in src${sep}`;
    const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
    const built = Date.now();
    try {
      await options.build();
      buildFailure = undefined;
    } catch (error) {
      const message = (error as Error).message.split('\n').slice(0, 20).join('\n');
      buildFailure = message;
      options.log(`${what} changed: the build failed, the services keep running their previous code.\n${message}`);
      return;
    }
    const restarts: string[] = [];
    for (const service of services) {
      if (closed) return;
      const started = Date.now();
      await options.restart(service);
      restarts.push(`${service} restarted in ${seconds(started)}`);
    }
    options.log(`${what} changed: built in ${seconds(built)}; ${restarts.join(', ')}.`);
  };

  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (round) return schedule();
      round = runRound()
        .catch((error: unknown) => options.log(`Restarting the services failed: ${(error as Error).message}`))
        .finally(() => {
          round = undefined;
          if (pending.size > 0) schedule();
        });
    }, options.debounceMs ?? 300);
  };

  const watcher: FSWatcher = watch(join(options.root, 'src'), { recursive: true }, (_event, filename) => {
    if (!filename || closed) return;
    pending.add(filename.toString());
    schedule();
  });
  return {
    async settled() {
      while (!closed && (timer || round)) await (round ?? delay(50));
    },
    get busy() {
      return timer !== undefined || round !== undefined;
    },
    get buildFailure() {
      return buildFailure;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      watcher.close();
    },
  };
}
