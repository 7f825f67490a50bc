import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { StalledPartition } from '../kafka/change-consumer';

/** A partition held up by a record that keeps failing for now, as /ready reports it. */
export type StalledPartitionReport = StalledPartition;

export interface HealthDependencies {
  /** Each check returns quietly while its part of the process works, and throws, saying why, once it never will. */
  readonly liveness: Readonly<Record<string, () => void>>;
  /** Each check resolves when its dependency answers and rejects, saying why, when it does not. */
  readonly readiness: Readonly<Record<string, () => Promise<void>>>;
  /** The partitions held up now by a record that keeps failing for now. */
  readonly stalled?: () => readonly StalledPartitionReport[];
  readonly metrics: Registry;
}

/**
 * Liveness, readiness and Prometheus metrics, for orchestrators and for the harness, which waits for /ready before a
 * scenario runs. /health fails only for what a restart mends (a consumer kafkajs gave up on); /ready also fails
 * while a dependency is down, which waiting mends, and lists the partitions held up and since when.
 */
export function createHealthApp(deps: HealthDependencies): Hono {
  const app = new Hono();
  app.get('/health', (c) => {
    const checks: Record<string, string> = {};
    let live = true;
    for (const [name, check] of Object.entries(deps.liveness)) {
      try {
        check();
        checks[name] = 'ok';
      } catch (error) {
        live = false;
        checks[name] = (error as Error).message;
      }
    }
    return c.json({ status: live ? 'ok' : 'unhealthy', checks }, live ? 200 : 503);
  });
  app.get('/ready', async (c) => {
    const names = Object.keys(deps.readiness);
    const results = await Promise.allSettled(names.map((name) => deps.readiness[name]?.()));
    const checks = Object.fromEntries(
      names.map((name, i) => {
        const result = results[i];
        return [
          name,
          result?.status === 'fulfilled' ? 'ok' : String((result as PromiseRejectedResult).reason?.message),
        ];
      }),
    );
    const ready = results.every((result) => result.status === 'fulfilled');
    const stalled = (deps.stalled?.() ?? []).map((stall) => ({ ...stall, since: stall.since.toISOString() }));
    return c.json({ status: ready ? 'ready' : 'not ready', checks, stalled }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.metrics(), 200, { 'content-type': deps.metrics.contentType }),
  );
  return app;
}
