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
 * Broker settings of node `nodeId` of the harness's cluster of `nodes` combined broker+controller nodes (one by
 * default), the same in every environment (a properties file natively, KAFKA_* variables in a container):
 * kafkaReplication()'s copies of everything, and sized for a fast start.
 */
export function kafkaNodeSettings(nodeId: number, nodes: number): Readonly<Record<string, string>> {
  return {
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    'controller.listener.names': 'CONTROLLER',
    'num.partitions': '1',
    ...replicatedKafkaSettings(nodes),
    // The default 50 partitions make the first consumer group wait for 50 partition leaders.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.num.partitions': '1',
    // Saves three seconds each time a consumer group forms.
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'true',
  };
}

/** The harness's default: one node, one replica of everything. */
export const singleNodeKafkaSettings: Readonly<Record<string, string>> = kafkaNodeSettings(1, 1);

/** How many Kafka nodes CDC_KAFKA_BROKERS asks for: 1 (the default) to 5. */
export function kafkaBrokersFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.CDC_KAFKA_BROKERS?.trim();
  if (!raw) return 1;
  const brokers = Number(raw);
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 5) {
    throw new Error(
      `CDC_KAFKA_BROKERS=${raw} is not a number of Kafka brokers the harness starts: use 1 (the default) to 5, ` +
        '3 for a cluster that survives the loss of one broker.',
    );
  }
  return brokers;
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64, never starting with '-'. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** What describeCluster answered: the nodes the controller knows as registered brokers. */
export interface ClusterView {
  readonly brokers: readonly { readonly nodeId: number }[];
}

/**
 * An open port is not a ready broker: waits until a client call through `brokers` succeeds and `ready` accepts what
 * the cluster says (by default, that it has a broker at all).
 */
export async function waitForKafka(
  brokers: readonly string[],
  stillAlive: () => void = () => {},
  ready: (cluster: ClusterView) => boolean = (cluster) => cluster.brokers.length > 0,
  awaiting = `Kafka to answer describeCluster on ${brokers.join(',')}`,
): Promise<void> {
  const admin = new Kafka({ clientId: 'harness-readiness', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  let last = 'no answer';
  await eventually(
    async () => {
      stillAlive();
      await admin.connect();
      const cluster = await admin.describeCluster();
      last = `brokers ${cluster.brokers.map((broker) => broker.nodeId).join(', ') || 'none'}`;
      return ready(cluster) ? cluster : undefined;
    },
    { awaiting, timeoutMs: 60_000, intervalMs: 100, lastSeen: () => last },
  ).finally(() => admin.disconnect());
}
