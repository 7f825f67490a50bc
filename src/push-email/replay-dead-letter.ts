// `npm run replay-dead-letter -- --offset <n> [--partition <p>]`: puts one dead letter back on the change topic, once
// its cause is fixed (the mailbox exists again, the row was corrected…), so that push-email tries its emails again.
// Reads KAFKA_BROKERS, KAFKA_TOPIC and KAFKA_DLQ_TOPIC as push-email does.
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { parseConfig } from '../shared/config';
import { replayDeadLetter } from './transport/kafka/dead-letter-replay';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { offset: { type: 'string' }, partition: { type: 'string', default: '0' } },
  });
  const args = z
    .object({ offset: z.string().regex(/^\d+$/, 'a record offset'), partition: z.coerce.number().int().min(0) })
    .safeParse(values);
  if (!args.success) throw new Error('usage: replay-dead-letter --offset <offset> [--partition <partition>]');
  const env = parseConfig(
    z.object({
      KAFKA_BROKERS: z.string().min(1),
      KAFKA_TOPIC: z.string().min(1).default('cdc.info-user'),
      KAFKA_DLQ_TOPIC: z.string().min(1).optional(),
    }),
    process.env,
    'replay-dead-letter',
  );
  const kafka = new Kafka({
    clientId: 'push-email-replay',
    brokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    logLevel: logLevel.WARN,
  });
  const deadLetterTopic = env.KAFKA_DLQ_TOPIC ?? `${env.KAFKA_TOPIC}.dlq`;
  const replayed = await replayDeadLetter(kafka, {
    deadLetterTopic,
    changeTopic: env.KAFKA_TOPIC,
    partition: args.data.partition,
    offset: args.data.offset,
  });
  console.log(
    `Replayed ${deadLetterTopic}[${args.data.partition}]@${args.data.offset} (set aside as ${replayed.reason}) ` +
      `onto ${env.KAFKA_TOPIC}[${replayed.partition}]@${replayed.offset}.`,
  );
}

main().catch((error: unknown) => {
  console.error(`replay-dead-letter failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
