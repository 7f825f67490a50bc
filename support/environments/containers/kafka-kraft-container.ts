import { AbstractStartedContainer, GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { kafkaClusterId, singleNodeKafkaSettings } from '../../components/kafka-node';

const BROKER_PORT = 9092;
const HOST_PORT = 9093;
const CONTROLLER_PORT = 9094;

/**
 * One combined broker+controller Kafka node in KRaft mode, configured through the official apache/kafka image's
 * variables (KAFKA_FOO_BAR for foo.bar). @testcontainers/kafka 11 drives Confluent's images only (it rewrites
 * /etc/confluent/docker/run), so this small class takes its place for the Apache image and look-alikes of it.
 *
 * Two listeners: BROKER for containers on the network (`<alias>:9092`), HOST for the host, whose advertised address
 * must be known before the broker starts: hence a fixed host port.
 */
export class KafkaKraftContainer extends GenericContainer {
  private alias = 'kafka';
  private hostAddress = '127.0.0.1';

  constructor(
    image: string,
    private readonly hostPort: number,
  ) {
    super(image);
    this.withExposedPorts({ container: HOST_PORT, host: hostPort })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000);
  }

  /** The network alias other containers reach the broker by; call with withNetwork(). */
  withBrokerAlias(alias: string): this {
    this.alias = alias;
    return this.withNetworkAliases(alias);
  }

  /** Where the host reaches the container runtime's published ports (127.0.0.1 for a local engine). */
  withHostAddress(address: string): this {
    this.hostAddress = address;
    return this;
  }

  override async start(): Promise<StartedKafkaKraftContainer> {
    const settings: Record<string, string> = {
      ...singleNodeKafkaSettings,
      listeners: `BROKER://0.0.0.0:${BROKER_PORT},HOST://0.0.0.0:${HOST_PORT},CONTROLLER://0.0.0.0:${CONTROLLER_PORT}`,
      'advertised.listeners': `BROKER://${this.alias}:${BROKER_PORT},HOST://${this.hostAddress}:${this.hostPort}`,
      'listener.security.protocol.map': 'BROKER:PLAINTEXT,HOST:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'BROKER',
      'controller.quorum.voters': `1@localhost:${CONTROLLER_PORT}`,
      'log.dirs': '/tmp/kraft-combined-logs',
    };
    this.withEnvironment({
      CLUSTER_ID: kafkaClusterId(),
      ...Object.fromEntries(Object.entries(settings).map(([name, value]) => [kafkaVariable(name), value])),
    });
    return new StartedKafkaKraftContainer(await super.start(), this.alias, `${this.hostAddress}:${this.hostPort}`);
  }
}

export class StartedKafkaKraftContainer extends AbstractStartedContainer {
  constructor(
    started: StartedTestContainer,
    private readonly alias: string,
    private readonly hostBootstrap: string,
  ) {
    super(started);
  }

  /** Bootstrap servers for clients on the host. */
  getBrokers(): string[] {
    return [this.hostBootstrap];
  }

  /** Bootstrap servers for containers on the same network. */
  getInternalBootstrap(): string {
    return `${this.alias}:${BROKER_PORT}`;
  }
}

/** The official image's convention: `.` becomes `_`, `_` becomes `__`, `-` becomes `___`, upper case, KAFKA_ first. */
export function kafkaVariable(property: string): string {
  return `KAFKA_${property.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase()}`;
}
