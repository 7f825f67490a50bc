import { serve } from '@hono/node-server';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import { createLogger } from '../shared/logger';
import { loadConfig } from './config';
import { NodemailerEmailSender } from './data-sources/nodemailer-email-sender';
import { NotifyUserOfChange } from './interactors/notify-user-of-change.interactor';
import { createHealthApp } from './transport/http/app';
import { ChangeConsumer } from './transport/kafka/change-consumer';

// The composition root: the only place that reads the environment and picks concrete adapters.
const config = loadConfig(process.env);
const logger = createLogger('push-email', config.logLevel);
const transporter = nodemailer.createTransport(config.smtp);
const notify = new NotifyUserOfChange(new NodemailerEmailSender(transporter, config.mailFrom));
const kafka = new Kafka({ clientId: 'push-email', brokers: config.kafka.brokers, logLevel: logLevel.WARN });
const changes = new ChangeConsumer({
  // A stop waits for the fetch in flight; kafkajs's default 5 s long-poll would make every shutdown that long.
  consumer: kafka.consumer({ groupId: config.kafka.groupId, maxWaitTimeInMs: 500 }),
  topic: config.kafka.topic,
  notify,
  logger,
});

const server = serve(
  {
    fetch: createHealthApp({ isReady: () => changes.isReady }).fetch,
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
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the record in hand, then leaving the group');
    changes
      .stop()
      .catch((error: unknown) => logger.error({ err: error }, 'error while leaving the group'))
      .finally(() => {
        transporter.close();
        server.close(() => process.exit(0));
      });
  });
}
