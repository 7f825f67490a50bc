import { serve } from '@hono/node-server';
import mysql from 'mysql2/promise';
import { createLogger } from '../shared/logger';
import { loadConfig } from './config';
import { MySqlUserRepository } from './data-sources/mysql-user.repository';
import { CreateUser } from './interactors/create-user.interactor';
import { GetUser } from './interactors/get-user.interactor';
import { UpdateUser } from './interactors/update-user.interactor';
import { createApp } from './transport/http/app';

// The composition root: the only place that reads the environment and picks concrete adapters.
const config = loadConfig(process.env);
const logger = createLogger('userdata', config.logLevel);
const pool = mysql.createPool({ ...config.database, timezone: 'Z' });
const users = new MySqlUserRepository(pool);
const app = createApp({
  createUser: new CreateUser(users),
  getUser: new GetUser(users),
  updateUser: new UpdateUser(users),
  logger,
});

const server = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port }, (info) =>
  logger.info({ port: info.port }, `userdata listening on http://${config.http.host}:${info.port}`),
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    server.close(() => {
      pool.end().finally(() => process.exit(0));
    });
  });
}
