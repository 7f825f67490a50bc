import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface HealthDependencies {
  /** Each check resolves when its dependency answers and rejects, saying why, when it does not. */
  readonly readiness: Readonly<Record<string, () => Promise<void>>>;
  readonly metrics: Registry;
}

/**
 * Liveness, readiness and Prometheus metrics, for orchestrators and for the harness, which waits for /ready before a
 * scenario runs.
 */
export function createHealthApp(deps: HealthDependencies): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
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
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.metrics(), 200, { 'content-type': deps.metrics.contentType }),
  );
  return app;
}
