import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import mysql from 'mysql2/promise';
import { createLogger } from '../shared/logger';
import { createUserdataApp } from './compose';
import { loadConfig } from './config';
import { MySqlUserRepository } from './data-sources/mysql-user.repository';

// The composition root: the only place that reads the environment and picks concrete adapters.
const config = loadConfig(process.env);
const logger = createLogger('userdata', config.logLevel);
// trace: false: mysql2 otherwise captures a stack trace for every statement, to graft onto an error that may come
// (8% of userdata's CPU under load, measured); the repository wraps a failure with its own cause and context.
const pool = mysql.createPool({ ...config.database, timezone: 'Z', trace: false });
// TIMESTAMP columns are read in the session's time zone: make it UTC, as the driver's `timezone: 'Z'` assumes.
pool.on('connection', (connection) => {
  connection.query("SET time_zone = '+00:00'");
});
const app = createUserdataApp({
  users: new MySqlUserRepository(pool, config.statementTimeoutMs),
  checkDatabase: async () => {
    // Bounded like every statement: a frozen server makes /ready answer 503, not hang.
    await pool.query({ sql: 'SELECT 1', timeout: Math.min(config.statementTimeoutMs, 2_000) });
  },
  logger,
});

// An HTTP/1.1 server (serve() makes one unless told to make HTTP/2).
const server = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port }, (info) =>
  logger.info({ port: info.port }, `userdata listening on http://${config.http.host}:${info.port}`),
) as Server;

/** Requests in flight get this long to finish after SIGTERM; then the process exits anyway. */
const shutdownGraceMs = 10_000;
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    setTimeout(() => {
      logger.warn('requests still in flight after the grace period: exiting anyway');
      process.exit(1);
    }, shutdownGraceMs).unref();
    // close() stops accepting and closes idle keep-alive connections, but a connection busy now would stay open after
    // its response and could carry more requests: tell its client to hang up, and close it as soon as it is idle.
    server.on('request', (_request, response) => response.setHeader('connection', 'close'));
    setInterval(() => server.closeIdleConnections(), 100).unref();
    server.close(() => {
      pool.end().finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
  });
}
