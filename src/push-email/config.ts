import { z } from 'zod';
import { logLevel, parseConfig, port } from '../shared/config';

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
    KAFKA_GROUP_ID: z.string().min(1).default('push-email'),
    SMTP_HOST: z.string().min(1),
    SMTP_PORT: port.default(25),
    SMTP_SECURE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).default('"User data" <no-reply@userdata.invalid>'),
    LOG_LEVEL: logLevel,
  })
  .transform((env) => ({
    http: { host: env.PUSH_EMAIL_HOST, port: env.PUSH_EMAIL_PORT },
    kafka: { brokers: env.KAFKA_BROKERS, topic: env.KAFKA_TOPIC, groupId: env.KAFKA_GROUP_ID },
    smtp: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE,
      ...(env.SMTP_USER && env.SMTP_PASSWORD ? { auth: { user: env.SMTP_USER, pass: env.SMTP_PASSWORD } } : {}),
    },
    mailFrom: env.MAIL_FROM,
    logLevel: env.LOG_LEVEL,
  }));

export type PushEmailConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv): PushEmailConfig {
  return parseConfig(schema, env, 'push-email');
}
