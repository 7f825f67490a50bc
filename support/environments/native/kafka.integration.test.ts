import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../../lib/eventually';
import { startTestKafka } from '../../service-tests/test-kafka';

/**
 * kafkajs 2.2.4 predates Kafka 4, which removed old protocol versions (KIP-896). These are the calls the project
 * makes with it, against the real broker the harness runs.
 */
describe('kafkajs against the harness Kafka broker', { timeout: 180_000 }, () => {
  let kafka: Awaited<ReturnType<typeof startTestKafka>> | undefined;
  let client: Kafka;

  before(async () => {
    kafka = await startTestKafka();
    client = new Kafka({ clientId: 'kafkajs-compatibility', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  });

  after(() => kafka?.stop());

  it('creates topics, produces with keys, and consumes in a group with manual commits', async () => {
    const admin = client.admin();
    await admin.connect();
    assert.equal(
      await admin.createTopics({ topics: [{ topic: 'compat', numPartitions: 3 }], waitForLeaders: true }),
      true,
    );
    const metadata = await admin.fetchTopicMetadata({ topics: ['compat'] });
    assert.equal(metadata.topics[0]?.partitions.length, 3);

    const producer = client.producer();
    await producer.connect();
    const sent = Array.from({ length: 20 }, (_, i) => ({ key: `user-${i % 4}`, value: `change-${i}` }));
    await producer.send({ topic: 'compat', messages: sent });
    await producer.disconnect();

    const consumer = client.consumer({ groupId: 'compat-group' });
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'compat', fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        received.push(message.value?.toString() ?? '');
      },
    });
    await eventually(() => (received.length === sent.length ? true : undefined), {
      awaiting: `${sent.length} records consumed and committed`,
      timeoutMs: 30_000,
      lastSeen: () => `${received.length} records`,
    });
    await consumer.disconnect();
    assert.deepEqual([...received].sort(), sent.map((m) => m.value).sort());

    const offsets = await admin.fetchOffsets({ groupId: 'compat-group', topics: ['compat'] });
    // A partition without records has no commit: kafkajs reports it as -1.
    const committed = offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    assert.equal(committed, sent.length, 'committed offsets add up to every record');
    await admin.disconnect();
  });
});
