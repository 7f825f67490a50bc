/**
 * `npm run capture-fixtures`: starts the stack, makes a create, an update and a delete through userdata, and writes
 * the change events Debezium put on the topic to push-email's parser fixtures, so that the parser is tested on what
 * the real connector writes rather than on hand-written JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
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
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: stack.changeTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const event = JSON.parse(message.value.toString()) as { op: string };
        const name = opNames[event.op];
        if (name && !captured.has(name)) captured.set(name, event);
      },
    });
    const userdata = new UserdataClient(stack.userdataUrl);
    const ana = await userdata.register({ name: 'Ana', email: 'ana@example.com', address: 'Rua A, 1' });
    await userdata.change(ana.id, { address: 'Rua B, 2' });
    await userdata.delete(ana.id);
    await eventually(() => (captured.size === 3 ? true : undefined), {
      awaiting: 'a create, an update and a delete event',
      timeoutMs: 30_000,
      lastSeen: () => [...captured.keys()].join(', ') || 'none',
    });
    const connector = stack.infrastructure.connect.connector;
    for (const [name, event] of captured) {
      const file = join(fixtureFolder, `${connector}-${name}.json`);
      writeFileSync(file, `${JSON.stringify(event, null, 2)}\n`);
      console.log(`Wrote ${file}`);
    }
  } finally {
    await consumer.disconnect();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
