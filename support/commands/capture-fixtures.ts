/**
 * `npm run capture-fixtures` (with `CDC_DATABASE=mysql` or `mariadb`): starts the stack, makes a create, an update
 * and a delete through userdata, and writes the change events Debezium put on the topic to push-email's parser
 * fixtures, with the key of the tombstone that follows the delete; then registers a second connector on the same
 * database, whose initial snapshot reads the row that exists by then, for a snapshot read (`op: "r"`). The parser is
 * tested on what the real connectors write rather than on hand-written JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { connectorConfigFor } from '../components/debezium-connector';
import { UserdataClient } from '../drivers/userdata-client';
import { environmentFromEnv } from '../environments/select-environment';
import { eventually } from '../lib/eventually';
import { freePorts } from '../stack/stack-ports';
import { startStack } from '../stack/start-stack';

const fixtureFolder = join(__dirname, '../../src/push-email/transport/kafka/fixtures');
const opNames: Record<string, string> = { c: 'create', u: 'update', d: 'delete' };

async function main(): Promise<void> {
  const stack = await startStack({
    environment: await environmentFromEnv(process.env, console.log),
    ports: await freePorts(),
    mailSink: 'inbox',
  });
  const kafka = new Kafka({
    clientId: 'capture-fixtures',
    brokers: [...stack.infrastructure.kafka.brokers],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `capture-fixtures-${process.pid}`, maxWaitTimeInMs: 100 });
  const captured = new Map<string, unknown>();
  const snapshotTopic = 'capture-fixtures.snapshot';
  const snapshotConsumer = kafka.consumer({
    groupId: `capture-fixtures-snapshot-${process.pid}`,
    maxWaitTimeInMs: 100,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: stack.changeTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) {
          // The tombstone after a delete: its key is all there is.
          if (!captured.has('tombstone-key')) captured.set('tombstone-key', JSON.parse(String(message.key)));
          return;
        }
        const event = JSON.parse(message.value.toString()) as { op: string };
        const name = opNames[event.op];
        if (name && !captured.has(name)) captured.set(name, event);
      },
    });
    const userdata = new UserdataClient(stack.userdataUrl);
    const ana = await userdata.register({ name: 'Ana', email: 'ana@example.com', address: 'Rua A, 1' });
    await userdata.change(ana.id, { address: 'Rua B, 2' });
    await userdata.delete(ana.id);
    await eventually(() => (captured.size === 4 ? true : undefined), {
      awaiting: 'a create, an update, a delete event and its tombstone',
      timeoutMs: 30_000,
      lastSeen: () => [...captured.keys()].join(', ') || 'none',
    });
    // A second connector, whose initial snapshot reads the row that exists now: a snapshot read of the real thing.
    const bia = await userdata.register({ name: 'Bia', email: 'bia@example.com', address: 'Rua C, 3' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: snapshotTopic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await snapshotConsumer.connect();
    await snapshotConsumer.subscribe({ topic: snapshotTopic, fromBeginning: true });
    await snapshotConsumer.run({
      eachMessage: async ({ message }) => {
        const event =
          message.value && (JSON.parse(message.value.toString()) as { op: string; after?: { id?: number } });
        if (event?.op === 'r' && event.after?.id === bia.id) captured.set('snapshot', event);
      },
    });
    const config = {
      ...connectorConfigFor(stack.infrastructure),
      'topic.prefix': 'capture-fixtures',
      'database.server.id': '184055',
      'schema.history.internal.kafka.topic': 'capture-fixtures.schema-history',
      'notification.sink.topic.name': 'capture-fixtures.notifications',
      'transforms.route.regex': 'capture-fixtures\\.clients\\.users',
      'transforms.route.replacement': snapshotTopic,
      'snapshot.mode': 'initial',
    };
    const registered = await fetch(`${stack.infrastructure.connect.url}/connectors/capture-fixtures-snapshot/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    if (!registered.ok) throw new Error(`The snapshot connector was refused: ${await registered.text()}`);
    await eventually(() => (captured.has('snapshot') ? true : undefined), {
      awaiting: "the second connector's snapshot read of Bia",
      timeoutMs: 60_000,
    });
    const connector = stack.infrastructure.connect.connector;
    for (const [name, event] of captured) {
      const file = join(fixtureFolder, `${connector}-${name}.json`);
      writeFileSync(file, `${JSON.stringify(event, null, 2)}\n`);
      console.log(`Wrote ${file}`);
    }
  } finally {
    await Promise.allSettled([consumer.disconnect(), snapshotConsumer.disconnect()]);
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
