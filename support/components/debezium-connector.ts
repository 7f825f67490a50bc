import { Kafka, logLevel } from 'kafkajs';
import { eventually, GiveUp } from '../lib/eventually';
import type { RunningInfrastructure } from './environment';
import { kafkaReplication } from './kafka-node';
import { type DebeziumConnectorKind, debeziumConnectors } from './versions';

export const connectorName = 'userdata-cdc';
/** Where change events of `clients.users` land, for push-email and anyone else who cares. */
export const changeTopic = 'cdc.info-user';
/**
 * Partitions of the change topic: the unit of push-email's parallelism (a user's changes share a key, so stay in one
 * partition and in order). 12 lets a few consumers, each handling several partitions at once, keep up with hundreds of
 * changes per second.
 */
export const changeTopicPartitions = 12;
/** Where push-email puts records of the change topic that are not change events. */
export const deadLetterTopic = `${changeTopic}.dlq`;
const topicPrefix = 'userdata';
export const notificationTopic = `${topicPrefix}.notifications`;
/** Where Debezium keeps the DDL of the captured table; it creates it itself, replicated as the broker's default. */
export const schemaHistoryTopic = `${topicPrefix}.schema-history`;

export interface ConnectorSettings {
  readonly connector: DebeziumConnectorKind;
  readonly databaseHost: string;
  readonly databasePort: number;
  readonly user: string;
  readonly password: string;
  readonly kafkaBootstrap: string;
  /** How long Debezium waits for new binlog events before handing over a batch. Debezium's default is 500 ms. */
  readonly pollIntervalMs?: number;
}

/**
 * The Debezium connector configuration, the same for every environment (native, containers, k8s): capture
 * `clients.users`, route its events to `cdc.info-user`, report the snapshot's end as a notification.
 */
export function connectorConfig(settings: ConnectorSettings): Record<string, string> {
  const connector = debeziumConnectors[settings.connector];
  return {
    'connector.class': connector.connectorClass,
    'tasks.max': '1',
    'database.hostname': settings.databaseHost,
    'database.port': String(settings.databasePort),
    'database.user': settings.user,
    'database.password': settings.password,
    'database.ssl.mode': connector.sslModeDisabled,
    // Any id no other replica of this server uses.
    'database.server.id': '184054',
    'topic.prefix': topicPrefix,
    'database.include.list': 'clients',
    'table.include.list': 'clients\\.users',
    'schema.history.internal.kafka.bootstrap.servers': settings.kafkaBootstrap,
    'schema.history.internal.kafka.topic': schemaHistoryTopic,
    'schema.history.internal.store.only.captured.tables.ddl': 'true',
    // Debezium writes its schema history with acks=1 by default: a record the leader took and then lost with its
    // broker (a cluster losing one) would be missing at the connector's next start. Every replica in sync, instead.
    'schema.history.internal.producer.acks': 'all',
    'include.schema.changes': 'false',
    'decimal.handling.mode': 'string',
    'poll.interval.ms': String(settings.pollIntervalMs ?? 20),
    // How often the binlog connection is checked and, once lost (the database restarted), opened again. The default
    // minute holds every change made meanwhile back for that long.
    'connect.keep.alive.interval.ms': '2000',
    'notification.enabled.channels': 'sink',
    'notification.sink.topic.name': notificationTopic,
    // `topic.delimiter` cannot produce `cdc.info-user`; the router renames exactly the table's topic and nothing else.
    transforms: 'route',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': `${topicPrefix}\\.clients\\.users`,
    'transforms.route.replacement': changeTopic,
    ...connector.extraProperties,
  };
}

/** The connector configuration for an environment's running infrastructure: where Connect finds the database and Kafka. */
export function connectorConfigFor(
  infrastructure: RunningInfrastructure,
  pollIntervalMs?: number,
): Record<string, string> {
  const { database, databaseForConnect, kafka, connect } = infrastructure;
  return connectorConfig({
    connector: connect.connector,
    databaseHost: databaseForConnect.host,
    databasePort: databaseForConnect.port,
    user: database.debezium.user,
    password: database.debezium.password,
    kafkaBootstrap: kafka.bootstrapForConnect,
    ...(pollIntervalMs ? { pollIntervalMs } : {}),
  });
}

/**
 * Creates the topics the connector writes to, as an operator would, rather than leaving them to broker auto-creation:
 * the change topic gets partitions for parallel consumers (events of one user share a key, so stay in order). Each
 * is replicated as kafkaReplication() says for a cluster of `brokers.length` brokers: `brokers` lists all of them.
 */
export async function createTopics(brokers: readonly string[]): Promise<void> {
  const { replicationFactor, minInSyncReplicas } = kafkaReplication(brokers.length);
  const configEntries = [{ name: 'min.insync.replicas', value: String(minInSyncReplicas) }];
  const admin = new Kafka({ clientId: 'harness-topics', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: changeTopic, numPartitions: changeTopicPartitions, replicationFactor, configEntries },
        { topic: deadLetterTopic, numPartitions: 1, replicationFactor, configEntries },
        { topic: notificationTopic, numPartitions: 1, replicationFactor, configEntries },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Creates or updates the connector (PUT is idempotent); retries while the worker group rebalances (409). */
export async function registerConnector(connectUrl: string, config: Record<string, string>): Promise<void> {
  const url = `${connectUrl}/connectors/${connectorName}/config`;
  await eventually(
    async () => {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(config),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return true;
      const body = await response.text();
      if (response.status === 409) throw new Error(`409 (rebalancing): ${body}`);
      const invalid = await invalidFields(connectUrl, config);
      throw new GiveUp(
        `Kafka Connect refused the connector config (${response.status}): ${body}` +
          (invalid.length ? `\nInvalid fields:\n${invalid.map((field) => `  ${field}`).join('\n')}` : ''),
      );
    },
    { awaiting: `Kafka Connect to accept PUT ${url}`, timeoutMs: 30_000, intervalMs: 200 },
  );
}

interface ConfigInfos {
  configs: { value: { name: string; errors: string[] } }[];
}

/**
 * The fields Connect's validation finds wrong, each with its errors. Asked separately because a refused PUT does not
 * always list them: Kafka Connect 4.3 answers 500 with a NullPointerException instead when a Debezium connector's
 * validation has any error (KAFKA-20693).
 */
export async function invalidFields(connectUrl: string, config: Record<string, string>): Promise<string[]> {
  const plugin = config['connector.class']?.split('.').pop();
  if (!plugin) return [];
  try {
    const response = await fetch(`${connectUrl}/connector-plugins/${plugin}/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ...config, name: connectorName }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) return [];
    const infos = (await response.json()) as ConfigInfos;
    return infos.configs
      .filter(({ value }) => value?.errors.length)
      .map(({ value }) => `${value.name}: ${value.errors.join('; ')}`);
  } catch {
    return []; // The refusal itself is still reported.
  }
}

export interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

/** The connector can say RUNNING before its task exists: wait for the task, and stop at once if it FAILED. */
export async function waitForTaskRunning(connectUrl: string): Promise<ConnectorStatus> {
  const url = `${connectUrl}/connectors/${connectorName}/status`;
  let last = 'no answer';
  return eventually(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      last = `${response.status} ${await response.text()}`;
      if (!response.ok) return undefined;
      const status = JSON.parse(last.slice(4)) as ConnectorStatus;
      const failed = [status.connector, ...status.tasks].find((part) => part.state === 'FAILED');
      if (failed)
        throw new GiveUp(`The Debezium connector FAILED: ${failed.trace?.split('\n').slice(0, 8).join('\n')}`);
      return status.tasks[0]?.state === 'RUNNING' ? status : undefined;
    },
    {
      awaiting: `task 0 of ${connectorName} to be RUNNING (${url})`,
      timeoutMs: 60_000,
      intervalMs: 100,
      lastSeen: () => last,
    },
  );
}

/**
 * Waits for Debezium's "Initial Snapshot" notification (COMPLETED, or SKIPPED when an earlier run's offsets say it is
 * done). From then on every change is streamed from the binlog as it happens.
 */
export async function waitForInitialSnapshot(brokers: readonly string[], timeoutMs = 60_000): Promise<string> {
  const kafka = new Kafka({ clientId: 'harness-snapshot-watch', brokers: [...brokers], logLevel: logLevel.NOTHING });
  // disconnect() waits for the fetch in flight: a short long-poll keeps that from adding seconds to the start.
  const consumer = kafka.consumer({
    groupId: `harness-snapshot-watch-${process.pid}-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  const seen: string[] = [];
  let outcome: string | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: notificationTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value?.toString() ?? 'null') as {
          aggregate_type?: string;
          type?: string;
        } | null;
        if (value?.aggregate_type !== 'Initial Snapshot') return;
        seen.push(value.type ?? '?');
        if (value.type === 'COMPLETED' || value.type === 'SKIPPED' || value.type === 'ABORTED') outcome = value.type;
      },
    });
    const result = await eventually(() => outcome, {
      awaiting: `Debezium's "Initial Snapshot" notification on ${notificationTopic}`,
      timeoutMs,
      lastSeen: () => (seen.length ? seen.join(', ') : 'no notification'),
    });
    if (result === 'ABORTED') throw new Error('Debezium reports its initial snapshot ABORTED');
    return result;
  } finally {
    await consumer.disconnect();
  }
}
