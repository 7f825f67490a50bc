import { changeTopic, deadLetterTopic, notificationTopic, schemaHistoryTopic } from '../components/debezium-connector';
import type { ComponentControl } from '../components/environment';
import type { KafkaTopics, TopicReplication } from '../drivers/kafka-topics';
import { eventually } from '../lib/eventually';

/** Every topic a change goes through or the pipeline keeps its state in: none of them may lose a write. */
export const pipelineTopics: readonly string[] = [
  changeTopic,
  deadLetterTopic,
  notificationTopic,
  schemaHistoryTopic,
  'connect-configs',
  'connect-offsets',
  'connect-status',
  '__consumer_offsets',
];

/** The stack's Kafka brokers as a scenario about the cluster sees them: how its topics are kept, who leads them. */
export class KafkaCluster {
  constructor(
    private readonly topics: KafkaTopics,
    /** Node id 1 first. */
    private readonly brokers: readonly ComponentControl[],
  ) {}

  get size(): number {
    return this.brokers.length;
  }

  /**
   * Waits until every pipeline topic has `replicas` replicas, all of them in sync, and needs `minInSync` of them for
   * a write; fails naming the topics that do not.
   */
  async untilEveryPipelineTopicIs(replicas: number, minInSync: number): Promise<readonly TopicReplication[]> {
    let last: readonly TopicReplication[] = [];
    const short = (topic: TopicReplication) =>
      topic.replicas !== replicas || topic.inSync !== replicas || topic.minInSyncReplicas !== minInSync;
    return eventually(
      async () => {
        last = await this.topics.replicationOf(pipelineTopics);
        return last.some(short) ? undefined : last;
      },
      {
        awaiting: `every pipeline topic on ${replicas} replicas in sync, writes needing ${minInSync}`,
        timeoutMs: 30_000,
        intervalMs: 500,
        lastSeen: () =>
          last
            .filter(short)
            .map((t) => `${t.topic}: ${t.replicas} replicas, ${t.inSync} in sync, min ${t.minInSyncReplicas}`)
            .join('; ') || 'no answer',
      },
    );
  }

  /** The broker leading the most partitions of the change topic (the lowest node id on a tie), and how many. */
  async leaderOfMostChangePartitions(): Promise<{ nodeId: number; broker: ComponentControl; partitions: number }> {
    const [topic] = await this.topics.replicationOf([changeTopic]);
    const counts = new Map<number, number>();
    for (const leader of topic?.leaders ?? []) counts.set(leader, (counts.get(leader) ?? 0) + 1);
    const [nodeId, partitions] = [...counts].sort(([a, m], [b, n]) => n - m || a - b)[0] ?? [];
    const broker = nodeId === undefined ? undefined : this.brokers[nodeId - 1];
    if (nodeId === undefined || partitions === undefined || !broker) {
      throw new Error(`No broker of ${this.size} leads a partition of ${changeTopic}: ${JSON.stringify(topic)}`);
    }
    return { nodeId, broker, partitions };
  }

  /** The node ids leading the change topic's partitions now. */
  async changeTopicLeaders(): Promise<readonly number[]> {
    const [topic] = await this.topics.replicationOf([changeTopic]);
    return topic?.leaders ?? [];
  }
}
