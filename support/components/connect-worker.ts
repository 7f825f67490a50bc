import { kafkaReplication } from './kafka-node';

/**
 * The replication factor of Connect's internal topics (configuration, offsets, status) on a cluster of `brokers`:
 * kafkaReplication()'s. The worker sets no min.insync.replicas on them: they keep the broker's default, which
 * replicatedKafkaSettings() makes kafkaReplication()'s too.
 */
export function connectWorkerReplication(brokers: number): Readonly<Record<string, string>> {
  const replicationFactor = String(kafkaReplication(brokers).replicationFactor);
  return {
    'config.storage.replication.factor': replicationFactor,
    'offset.storage.replication.factor': replicationFactor,
    'status.storage.replication.factor': replicationFactor,
  };
}

/**
 * Kafka Connect worker settings of the harness, the same in every environment (a properties file natively, CONNECT_*
 * variables of the Connect image in containers and k8s): plain JSON events, internal topics sized for one broker.
 */
export const connectWorkerSettings: Readonly<Record<string, string>> = {
  'group.id': 'cdc-harness-connect',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  // Plain JSON events: consumers read `{before, after, source, op}` without a schema wrapper.
  'key.converter.schemas.enable': 'false',
  'value.converter.schemas.enable': 'false',
  'config.storage.topic': 'connect-configs',
  'offset.storage.topic': 'connect-offsets',
  'status.storage.topic': 'connect-status',
  ...connectWorkerReplication(1),
  'offset.storage.partitions': '1',
  'status.storage.partitions': '1',
  // The default 60 s means a minute of events replayed after a crash.
  'offset.flush.interval.ms': '1000',
  'scheduled.rebalance.max.delay.ms': '0',
  // plugin.path holds only the Debezium folders, and service_load skips the scan of every class: seconds saved.
  'plugin.discovery': 'service_load',
};
