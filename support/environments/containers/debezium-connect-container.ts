import { AbstractStartedContainer, GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { type ConnectorStatus, registerConnector, waitForTaskRunning } from '../../components/debezium-connector';
import { type DebeziumConnectorKind, debeziumConnectors } from '../../components/versions';

const REST_PORT = 8083;

/**
 * Kafka Connect in distributed mode with Debezium's plugins, in the style of the testcontainers modules: fluent
 * `withX()` settings, then `start()` gives a started container that registers connectors and waits on their status.
 * It drives any image that reads the Debezium Connect image's variables: connect-image/ (built by the harness) or
 * quay.io/debezium/connect.
 */
export class DebeziumConnectContainer extends GenericContainer {
  private bootstrapServers?: string;
  private groupId = 'cdc-harness-connect';
  private storageTopicPrefix = 'connect';
  /** A test container talks to one broker: Connect's default of 3 replicas would keep it from ever being healthy. */
  private readonly workerProperties: Record<string, string> = {
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
  };

  constructor(image: string) {
    super(image);
    this.withExposedPorts(REST_PORT)
      // 4.x answers /health 200 once the worker has joined its group and read its configuration topics.
      .withWaitStrategy(Wait.forHttp('/health', REST_PORT).forStatusCode(200))
      .withStartupTimeout(180_000);
  }

  /** Kafka as seen from inside the container network, e.g. `kafka:9092`. */
  withBootstrapServers(servers: string): this {
    this.bootstrapServers = servers;
    return this;
  }

  withGroupId(groupId: string): this {
    this.groupId = groupId;
    return this;
  }

  /** The worker's three internal topics are `<prefix>-configs`, `-offsets` and `-status`. */
  withStorageTopicPrefix(prefix: string): this {
    this.storageTopicPrefix = prefix;
    return this;
  }

  /** Any worker property, e.g. `offset.flush.interval.ms`. */
  withWorkerProperty(name: string, value: string): this {
    this.workerProperties[name] = value;
    return this;
  }

  override async start(): Promise<StartedDebeziumConnectContainer> {
    if (!this.bootstrapServers) throw new Error('DebeziumConnectContainer needs withBootstrapServers(...)');
    this.withEnvironment({
      BOOTSTRAP_SERVERS: this.bootstrapServers,
      GROUP_ID: this.groupId,
      CONFIG_STORAGE_TOPIC: `${this.storageTopicPrefix}-configs`,
      OFFSET_STORAGE_TOPIC: `${this.storageTopicPrefix}-offsets`,
      STATUS_STORAGE_TOPIC: `${this.storageTopicPrefix}-status`,
      ...Object.fromEntries(
        Object.entries(this.workerProperties).map(([name, value]) => [connectVariable(name), value]),
      ),
    });
    return new StartedDebeziumConnectContainer(await super.start());
  }
}

export class StartedDebeziumConnectContainer extends AbstractStartedContainer {
  constructor(started: StartedTestContainer) {
    super(started);
  }

  /** Kafka Connect's REST API as seen from the host. */
  getUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(REST_PORT)}`;
  }

  /** Fails, naming what the worker has, unless it can load this Debezium connector. */
  async assertPlugin(kind: DebeziumConnectorKind): Promise<void> {
    const expected = debeziumConnectors[kind].connectorClass;
    const response = await fetch(`${this.getUrl()}/connector-plugins`);
    const plugins = (await response.json()) as { class: string }[];
    if (!plugins.some((plugin) => plugin.class === expected)) {
      throw new Error(
        `Kafka Connect in ${this.getId().slice(0, 12)} has no ${expected}; it lists: ${plugins.map((p) => p.class).join(', ')}`,
      );
    }
  }

  /** Creates or updates the harness's connector (idempotent PUT) and waits until its task runs. */
  async registerConnector(config: Record<string, string>): Promise<ConnectorStatus> {
    await registerConnector(this.getUrl(), config);
    return this.waitForTaskRunning();
  }

  waitForTaskRunning(): Promise<ConnectorStatus> {
    return waitForTaskRunning(this.getUrl());
  }
}

/** The Debezium Connect image's convention: `.` becomes `_`, `_` becomes `__`, upper case, CONNECT_ first. */
export function connectVariable(property: string): string {
  return `CONNECT_${property.replaceAll('_', '__').replaceAll('.', '_').toUpperCase()}`;
}
