import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

/** How one topic is kept: on how many replicas, how many of them in sync, and how many a write needs. */
export interface TopicReplication {
  readonly topic: string;
  /** The fewest replicas of any of its partitions, and the fewest of them in sync. */
  readonly replicas: number;
  readonly inSync: number;
  readonly minInSyncReplicas: number;
  /** The node id leading each partition, partition 0 first. */
  readonly leaders: readonly number[];
}

/** The cluster's topics as an operator sees them through the admin API: replication, sync, leadership. */
export class KafkaTopics {
  private readonly kafka: Kafka;

  constructor(brokers: readonly string[]) {
    this.kafka = new Kafka({ clientId: 'harness-topics-view', brokers: [...brokers], logLevel: logLevel.NOTHING });
  }

  async replicationOf(topics: readonly string[]): Promise<TopicReplication[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas'],
        })),
      });
      return metadata.map(({ name, partitions }) => {
        const sorted = [...partitions].sort((a, b) => a.partitionId - b.partitionId);
        const minIsr = resources
          .find((resource) => resource.resourceName === name)
          ?.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue;
        return {
          topic: name,
          replicas: Math.min(...sorted.map((partition) => partition.replicas.length)),
          inSync: Math.min(...sorted.map((partition) => partition.isr.length)),
          minInSyncReplicas: Number(minIsr),
          leaders: sorted.map((partition) => partition.leader),
        };
      });
    } finally {
      await admin.disconnect();
    }
  }
}
