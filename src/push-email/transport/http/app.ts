import { Hono } from 'hono';

export interface HealthDependencies {
  /** True once the service reads the change topic. */
  readonly isReady: () => boolean;
}

/** Liveness and readiness for orchestrators and for the harness, which waits for /ready before a scenario runs. */
export function createHealthApp(deps: HealthDependencies): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', (c) => (deps.isReady() ? c.json({ status: 'ready' }) : c.json({ status: 'starting' }, 503)));
  return app;
}
