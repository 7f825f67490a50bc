import { z } from 'zod';
import { databaseLocation, logLevel, parseConfig, port } from '../shared/config';

const schema = z
  .object({
    PUSH_EMAIL_HOST: z.string().min(1).default('127.0.0.1'),
    PUSH_EMAIL_PORT: port.default(3001),
    KAFKA_BROKERS: z
      .string()
      .min(1)
      .transform((value) =>
        value
          .split(',')
          .map((broker) => broker.trim())
          .filter(Boolean),
      ),
    KAFKA_TOPIC: z.string().min(1).default('cdc.info-user'),
    CAPTURED_TABLE: z
      .string()
      .regex(/^[^.\s]+\.[^.\s]+$/, 'must be <database>.<table>')
      .default('clients.users'),
    KAFKA_GROUP_ID: z.string().min(1).default('push-email'),
    KAFKA_DLQ_TOPIC: z.string().min(1).optional(),
    KAFKA_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    KAFKA_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(32),
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
    KAFKA_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
    RETRY_INITIAL_MS: z.coerce.number().int().min(1).default(500),
    RETRY_MAX_MS: z.coerce.number().int().min(1).default(30_000),
    ...databaseLocation('push_email'),
    DATABASE_USER: z.string().min(1),
    DATABASE_PASSWORD: z.string().min(1),
    SMTP_HOST: z.string().min(1),
    SMTP_PORT: port.default(25),
    SMTP_SECURE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(8),
    SMTP_MAX_MESSAGES_PER_CONNECTION: z.coerce.number().int().min(1).default(1_000),
    MAIL_FROM: z.string().min(3).default('"User data" <no-reply@userdata.invalid>'),
    LOG_LEVEL: logLevel,
  })
  .transform((env) => ({
    http: { host: env.PUSH_EMAIL_HOST, port: env.PUSH_EMAIL_PORT },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      topic: env.KAFKA_TOPIC,
      groupId: env.KAFKA_GROUP_ID,
      deadLetterTopic: env.KAFKA_DLQ_TOPIC ?? `${env.KAFKA_TOPIC}.dlq`,
      concurrency: env.KAFKA_CONCURRENCY,
      batchSize: env.KAFKA_BATCH_SIZE,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      requestTimeoutMs: env.KAFKA_REQUEST_TIMEOUT_MS,
    },
    capturedTable: {
      database: env.CAPTURED_TABLE.split('.')[0] as string,
      table: env.CAPTURED_TABLE.split('.')[1] as string,
    },
    retry: { initialMs: env.RETRY_INITIAL_MS, maxMs: env.RETRY_MAX_MS },
    database: {
      host: env.DATABASE_HOST,
      port: env.DATABASE_PORT,
      database: env.DATABASE_NAME,
      user: env.DATABASE_USER,
      password: env.DATABASE_PASSWORD,
      connectionLimit: 4,
    },
    smtp: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE,
      // Pooled connections: an email costs one SMTP transaction, not a connection set up and torn down.
      pool: true,
      maxConnections: env.SMTP_MAX_CONNECTIONS,
      // nodemailer's default, 100, ends every pooled connection after 100 emails; the connections then reconnect
      // together, which held every email back ~200 ms every 8 s at 50 changes/s (measured; README, Performance). A
      // server that wants fewer per connection says so by closing it, and the pool connects again.
      maxMessages: env.SMTP_MAX_MESSAGES_PER_CONNECTION,
      ...(env.SMTP_USER && env.SMTP_PASSWORD ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASSWORD } } : {}),
    },
    mailFrom: env.MAIL_FROM,
    /** Message-IDs are made in the domain of the From address. */
    messageIdDomain: /@([^>\s]+)>?\s*$/.exec(env.MAIL_FROM)?.[1] ?? 'push-email.invalid',
    logLevel: env.LOG_LEVEL,
  }));

export type PushEmailConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv): PushEmailConfig {
  return parseConfig(schema, env, 'push-email');
}

/** The environment variables push-email reads, with their defaults: k8s/ checks its ConfigMaps and Secrets against it. */
export const pushEmailEnvironment = schema.in;
