/**
 * `npm run events [-- --from-beginning] [-- --json]`: a live, readable view of the change topic of a running stack
 * (`npm start`): per event the operation, the key, the fields that changed (old → new), the binlog position or GTID,
 * and how long after the commit it was read. `--json` writes one JSON object per line instead, for piping.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { silenceKafkajsTimeoutWarning } from '../../src/shared/known-warnings';
import { changeTopic } from '../components/debezium-connector';
import { formatView, viewOf } from '../drivers/change-events';
import { runningStackDescriptor } from '../stack/stack-descriptor';
import { defaultPorts, portVariables } from '../stack/stack-ports';

// kafkajs's TimeoutNegativeWarning on Node 24 is noise (see known-warnings.ts).
silenceKafkajsTimeoutWarning();

const usage = `Usage: npm run events [-- --from-beginning] [-- --json] [-- --brokers host:port,...] [-- --topic name]

Shows each change event of the running stack's change topic as it arrives: the operation, the key, the fields that
changed (old → new), the binlog position or GTID, and how long after the commit it was read.
  --from-beginning  every event the topic holds, then the new ones (default: only new ones)
  --json            one JSON object per line, for piping (the status lines go to stderr)
  --brokers         where Kafka listens (default: the running npm start's, from .cdc-stack.json; else 127.0.0.1 on
                    ${portVariables.kafka}, or ${defaultPorts.kafka})
  --topic           the change topic (default: ${changeTopic})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'from-beginning': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      brokers: { type: 'string' },
      topic: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  // The stack `npm start` runs in this checkout publishes its Kafka; without one, npm start's documented port.
  const running = runningStackDescriptor();
  const brokers = (
    values.brokers ??
    running?.kafkaBrokers.join(',') ??
    `127.0.0.1:${process.env[portVariables.kafka] || defaultPorts.kafka}`
  ).split(',');
  const topic = values.topic ?? running?.changeTopic ?? changeTopic;
  const kafka = new Kafka({
    clientId: 'cdc-events-view',
    brokers,
    logLevel: logLevel.NOTHING,
    // A stack that is not running should be said so in seconds, not after kafkajs's minute of retries.
    connectionTimeout: 2_000,
    retry: { retries: 2 },
  });
  // A group of its own that commits nothing: watching changes nothing for push-email, nor for the next watcher.
  const consumer = kafka.consumer({ groupId: `cdc-events-view-${randomUUID()}`, maxWaitTimeInMs: 100 });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: values['from-beginning'] });
  } catch (error) {
    throw new Error(
      `cannot read ${topic} from Kafka at ${brokers.join(',')} (${(error as Error).message}). ` +
        'Is the stack running (npm start)? Another address: --brokers host:port.',
    );
  }
  console.error(
    `Watching ${topic} on ${brokers.join(',')}: ${values['from-beginning'] ? 'every event it holds, then new ones' : 'new events'}. Ctrl-C to stop.`,
  );
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const view = viewOf({
        partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        readAt: Date.now(),
      });
      console.log(values.json ? JSON.stringify(view) : `${formatView(view)}\n`);
    },
  });
}

main().catch((error: unknown) => {
  console.error(`npm run events failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
