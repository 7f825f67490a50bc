import { serve } from '@hono/node-server';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import mysql from 'mysql2/promise';
import nodemailer from 'nodemailer';
import { silenceKafkajsTimeoutWarning } from '../shared/known-warnings';
import { createLogger } from '../shared/logger';
import { loadConfig } from './config';
import { loadEmailTemplates } from './data-sources/file-email-templates';
import { MySqlDeliveryLog } from './data-sources/mysql-delivery-log';
import { NodemailerEmailSender } from './data-sources/nodemailer-email-sender';
import { NotifyUserOfChange } from './interactors/notify-user-of-change.interactor';
import { createHealthApp } from './transport/http/app';
import { PrometheusMetrics } from './transport/http/prometheus-metrics';
import { ChangeConsumer } from './transport/kafka/change-consumer';

// The composition root: the only place that reads the environment and picks concrete adapters.
silenceKafkajsTimeoutWarning();
const config = loadConfig(process.env);
const logger = createLogger('push-email', config.logLevel);
const transporter = nodemailer.createTransport(config.smtp);
// trace: false: no stack trace captured for every statement (see userdata's main.ts); failures carry their cause.
const pool = mysql.createPool({ ...config.database, trace: false });
const metrics = new PrometheusMetrics();
const notify = new NotifyUserOfChange(
  new NodemailerEmailSender(transporter, config.mailFrom),
  new MySqlDeliveryLog(pool),
  loadEmailTemplates(),
  config.messageIdDomain,
);
const kafka = new Kafka({
  clientId: 'push-email',
  brokers: config.kafka.brokers,
  requestTimeout: config.kafka.requestTimeoutMs,
  logLevel: logLevel.WARN,
});
const changes = new ChangeConsumer({
  // A stop waits for the fetch in flight; kafkajs's default 5 s long-poll would make every shutdown that long.
  consumer: kafka.consumer({
    groupId: config.kafka.groupId,
    maxWaitTimeInMs: 500,
    sessionTimeout: config.kafka.sessionTimeoutMs,
    // A third of the session timeout, as Kafka advises: a member is declared dead only after several missed beats.
    heartbeatInterval: Math.floor(config.kafka.sessionTimeoutMs / 3),
  }),
  concurrency: config.kafka.concurrency,
  batchSize: config.kafka.batchSize,
  // As many people's emails at once as the SMTP pool has connections.
  sendConcurrency: config.smtp.maxConnections,
  admin: kafka.admin(),
  deadLetters: {
    producer: kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner }),
    topic: config.kafka.deadLetterTopic,
  },
  topic: config.kafka.topic,
  capturedTable: config.capturedTable,
  notify,
  logger,
  metrics,
  retry: config.retry,
  // A consumer kafkajs gave up on consumes nothing: end the process, so that its supervisor starts a new one.
  onFatal: () => shutDown('consumer crashed', 1),
});

const server = serve(
  {
    fetch: createHealthApp({
      liveness: {
        consumer: () => {
          if (!changes.isLive) throw new Error(`the consumer is ${changes.status} and will not consume again`);
        },
      },
      stalled: () => changes.stalled,
      readiness: {
        kafka: async () => {
          if (!changes.isReady) throw new Error('not in the consumer group yet');
        },
        smtp: async () => {
          await transporter.verify();
        },
        database: async () => {
          await pool.query('SELECT 1');
        },
      },
      metrics: metrics.registry,
    }).fetch,
    hostname: config.http.host,
    port: config.http.port,
  },
  (info) => logger.info({ port: info.port }, 'push-email health endpoints listening'),
);

changes.start().then(
  () => logger.info({ topic: config.kafka.topic, groupId: config.kafka.groupId }, 'consuming change events'),
  (error: unknown) => {
    logger.fatal({ err: error }, 'could not start consuming');
    process.exit(1);
  },
);

let stopping = false;
/** Finishes the email in hand, commits, leaves the group, closes every connection, and exits with `code`. */
function shutDown(why: string, code: number): void {
  if (stopping) return;
  stopping = true;
  logger.info({ why, exitCode: code }, 'stopping: finishing the email in hand, committing, then leaving the group');
  changes
    .stop()
    .catch((error: unknown) => logger.error({ err: error }, 'error while leaving the group'))
    .finally(async () => {
      transporter.close();
      await pool.end().catch(() => undefined);
      server.close(() => process.exit(code));
    });
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => shutDown(signal, 0));
