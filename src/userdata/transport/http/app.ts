import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../../../shared/logger';
import { DomainError } from '../../entities/errors';
import { docsRoutes } from './docs';
import { InvalidRequest, invalidRequest, problem } from './problem';
import { problemResponses, retryAfterSeconds } from './problem-responses';
import { HealthSchema } from './schemas';
import { type UserUseCases, usersRoutes } from './users.routes';
import { validationHook } from './validation';

export interface AppDependencies extends UserUseCases {
  readonly logger: Logger;
  /** Resolves when the database answers; rejects otherwise. */
  readonly checkDatabase: () => Promise<void>;
}

/** Bodies are a few small fields: anything larger is refused before it is read. */
export const maxBodyBytes = 16 * 1024;

export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'userdata',
    version: '1.0.0',
    description:
      'The people whose data changes are captured. Every error is an RFC 9457 application/problem+json document.',
  },
};

/** Domain error codes and the HTTP status each one means; the only place that decides it. */
const statusOfCode: Record<string, ContentfulStatusCode> = {
  USER_NOT_FOUND: 404,
  EMAIL_ALREADY_IN_USE: 409,
  STALE_VERSION: 412,
  DATABASE_UNAVAILABLE: 503,
};

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['operations'],
  summary: 'Readiness: the database is reachable',
  responses: {
    200: { description: 'Ready to serve', content: { 'application/json': { schema: HealthSchema } } },
    ...problemResponses(503),
  },
});

/** The userdata HTTP API. Free of side effects, so tests build it with in-memory dependencies. */
export function createApp(deps: AppDependencies): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use(requestId());
  app.use(accessLog(deps.logger));
  app.use('/users/*', limitBody(maxBodyBytes));
  app.use('/users/*', requireJsonBody);

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
  // Registered by hand: its 503 is a problem document, which the typed handler of app.openapi() cannot return.
  app.openAPIRegistry.registerPath(readyRoute);
  app.get('/ready', async (c) => {
    try {
      await deps.checkDatabase();
      return c.json({ status: 'ok' }, 200);
    } catch (error) {
      deps.logger.warn({ err: error, requestId: c.get('requestId') }, 'not ready: the database does not answer');
      c.header('Retry-After', String(retryAfterSeconds));
      return problem(c, { type: '/problems/not-ready', title: 'The database is unreachable', status: 503 });
    }
  });
  app.route('/users', usersRoutes(deps));
  app.doc31('/openapi.json', openApiInfo);
  app.route('/docs', docsRoutes('/openapi.json'));

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
      if (error.code === 'DATABASE_UNAVAILABLE') {
        deps.logger.warn({ err: error.cause ?? error, requestId: c.get('requestId') }, 'the database is unreachable');
        c.header('Retry-After', String(retryAfterSeconds));
      }
      return problem(c, {
        type: `/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
        title: error.message,
        status: statusOfCode[error.code] ?? 422,
        code: error.code,
      });
    }
    if (error instanceof InvalidRequest) return invalidRequest(c, error.status, 'request', error.errors);
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's JSON validator throws this for a body that does not parse.
      return invalidRequest(c, error.status as ContentfulStatusCode, 'body', [
        { field: '(body)', message: error.message || 'Malformed request' },
      ]);
    }
    deps.logger.error(
      { err: error, requestId: c.get('requestId'), method: c.req.method, path: c.req.path },
      'unhandled error',
    );
    return problem(c, { type: 'about:blank', title: 'Internal Server Error', status: 500 });
  });
  return app;
}

/** One JSON log line per request, with the request id the response carries in X-Request-Id. */
function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}

/** The methods whose body userdata reads: any other request's body is never read, so never limited. */
const withBody = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Refuses a body over `maxSize` bytes (413). A declared Content-Length is checked as it is (Node's HTTP parser
 * delivers exactly that many bytes); only a body of unknown length (chunked) is counted as it is read, by Hono's
 * bodyLimit. Hono's alone would touch `c.req.raw.body` on every request, which makes @hono/node-server build a
 * full web Request with its streams: 13% of userdata's CPU under load, measured (README, Performance).
 */
function limitBody(maxSize: number): MiddlewareHandler {
  const countingAsRead = bodyLimit({ maxSize, onError: (c) => tooLarge(c) });
  return async (c, next) => {
    if (!withBody.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return countingAsRead(c, next);
    return Number(length) > maxSize ? tooLarge(c) : next();
  };
}

/** A body that is not JSON is refused as such (415) rather than read as an empty object. */
const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (!withBody.has(c.req.method)) return next();
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json' || /^application\/[\w.-]+\+json$/.test(mediaType)) return next();
  return invalidRequest(c, 415, 'request', [
    { field: 'Content-Type', message: `must be application/json, not ${mediaType || 'absent'}` },
  ]);
};

/**
 * The rest of the oversized body is never read, so the connection cannot carry another request: `Connection: close`
 * tells the client so, rather than letting it send its next request into a socket the server is closing.
 */
function tooLarge(c: Context): Response {
  c.header('connection', 'close');
  return invalidRequest(c, 413, 'body', [{ field: '(body)', message: `must be at most ${maxBodyBytes} bytes` }]);
}
