import { z } from 'zod';
import { databaseLocation, logLevel, parseConfig, port } from '../shared/config';

const schema = z
  .object({
    USERDATA_HOST: z.string().min(1).default('127.0.0.1'),
    USERDATA_PORT: port.default(3000),
    ...databaseLocation('clients'),
    DATABASE_USER: z.string().min(1),
    DATABASE_PASSWORD: z.string().min(1),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    LOG_LEVEL: logLevel,
  })
  .transform((env) => ({
    http: { host: env.USERDATA_HOST, port: env.USERDATA_PORT },
    database: {
      host: env.DATABASE_HOST,
      port: env.DATABASE_PORT,
      database: env.DATABASE_NAME,
      user: env.DATABASE_USER,
      password: env.DATABASE_PASSWORD,
      connectionLimit: env.DATABASE_POOL_SIZE,
      // A server that does not answer a new connection is unavailable as soon as a statement would be.
      connectTimeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
  }));

export type UserdataConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv): UserdataConfig {
  return parseConfig(schema, env, 'userdata');
}

/** The environment variables userdata reads, with their defaults: k8s/ checks its ConfigMaps and Secrets against it. */
export const userdataEnvironment = schema.in;
