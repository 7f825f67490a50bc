import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../lib/eventually';

/**
 * Broker settings of the harness's one combined broker+controller node, the same in every environment (a properties
 * file natively, KAFKA_* variables in a container): one replica of everything, and sized for a fast start.
 */
export const singleNodeKafkaSettings: Readonly<Record<string, string>> = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.listener.names': 'CONTROLLER',
  'num.partitions': '1',
  'default.replication.factor': '1',
  'min.insync.replicas': '1',
  'offsets.topic.replication.factor': '1',
  // The default 50 partitions make the first consumer group wait for 50 partition leaders.
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'transaction.state.log.num.partitions': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  // Saves three seconds each time a consumer group forms.
  'group.initial.rebalance.delay.ms': '0',
  'auto.create.topics.enable': 'true',
};

/** Kafka's cluster ids are 16 random bytes in URL-safe base64, never starting with '-'. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** An open port is not a ready broker: waits until a client call succeeds. */
export async function waitForKafka(brokers: readonly string[], stillAlive: () => void = () => {}): Promise<void> {
  const admin = new Kafka({ clientId: 'harness-readiness', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await eventually(
    async () => {
      stillAlive();
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 ? cluster : undefined;
    },
    { awaiting: `Kafka to answer describeCluster on ${brokers.join(',')}`, timeoutMs: 60_000, intervalMs: 100 },
  ).finally(() => admin.disconnect());
}
