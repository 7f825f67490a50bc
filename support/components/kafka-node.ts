import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../lib/eventually';

/**
 * How a cluster of `brokers` nodes replicates: three copies of every partition (fewer on fewer brokers), and acks=all
 * writes need two of them in sync once there are three, so that one broker can be down (a node drained, a pod
 * restarted) without refusing writes or losing one that was acknowledged.
 */
export function kafkaReplication(brokers: number): {
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
} {
  if (!Number.isInteger(brokers) || brokers < 1) {
    throw new Error(`A Kafka cluster has 1 broker or more, not ${brokers}`);
  }
  return { replicationFactor: Math.min(3, brokers), minInSyncReplicas: brokers >= 3 ? 2 : 1 };
}

/**
 * kafkaReplication() as broker settings: for the default of new topics and for the offsets, transaction and share
 * coordinator topics. The single node has it for one broker; k8s/overlays/production for three.
 */
export function replicatedKafkaSettings(brokers: number): Readonly<Record<string, string>> {
  const { replicationFactor, minInSyncReplicas } = kafkaReplication(brokers);
  const [factor, minIsr] = [String(replicationFactor), String(minInSyncReplicas)];
  return {
    'default.replication.factor': factor,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': factor,
    'transaction.state.log.replication.factor': factor,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': factor,
    'share.coordinator.state.topic.min.isr': minIsr,
  };
}

/**
 * Broker settings of the harness's one combined broker+controller node, the same in every environment (a properties
 * file natively, KAFKA_* variables in a container): one replica of everything, and sized for a fast start.
 */
export const singleNodeKafkaSettings: Readonly<Record<string, string>> = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.listener.names': 'CONTROLLER',
  'num.partitions': '1',
  ...replicatedKafkaSettings(1),
  // The default 50 partitions make the first consumer group wait for 50 partition leaders.
  'offsets.topic.num.partitions': '1',
  'transaction.state.log.num.partitions': '1',
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
