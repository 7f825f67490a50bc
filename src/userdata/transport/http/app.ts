import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../../../shared/logger';
import { DomainError } from '../../entities/errors';
import { problem } from './problem';
import { type UserUseCases, usersRoutes } from './users.routes';

export interface AppDependencies extends UserUseCases {
  readonly logger: Logger;
}

/** Domain error codes and the HTTP status each one means; the only place that decides it. */
const statusOfCode: Record<string, ContentfulStatusCode> = {
  USER_NOT_FOUND: 404,
  EMAIL_ALREADY_IN_USE: 409,
};

/** The userdata HTTP API. Free of side effects, so tests build it with in-memory dependencies. */
export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/users', usersRoutes(deps));

  app.notFound((c) =>
    problem(c, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `No route for ${c.req.method} ${c.req.path}`,
    }),
  );
  app.onError((error, c) => {
    if (error instanceof DomainError) {
      const status = statusOfCode[error.code] ?? 422;
      return problem(c, {
        type: `/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
        title: error.message,
        status,
        code: error.code,
      });
    }
    if (error instanceof HTTPException) {
      return problem(c, { type: 'about:blank', title: error.message || 'Request refused', status: error.status });
    }
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    return problem(c, { type: 'about:blank', title: 'Internal Server Error', status: 500 });
  });
  return app;
}
