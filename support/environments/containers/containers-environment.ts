import { MySqlContainer, type StartedMySqlContainer } from '@testcontainers/mysql';
import mysql from 'mysql2/promise';
import { getContainerRuntimeClient, Network, type StartedNetwork, Wait } from 'testcontainers';
import { harnessConnectTimeoutSettings } from '../../components/client-timeouts';
import { connectWorkerSettings } from '../../components/connect-worker';
import type {
  DatabaseEndpoint,
  DatabaseFlavour,
  Environment,
  InfrastructurePlan,
  RunningInfrastructure,
} from '../../components/environment';
import { jvmHeap, jvmPerformanceOptions } from '../../components/java';
import { waitForKafka } from '../../components/kafka-node';
import {
  applyMigrations,
  databaseEndpoint,
  newPasswords,
  provisionDatabase,
  serverName,
} from '../../components/provisioning';
import type { DebeziumConnectorKind } from '../../components/versions';
import { eventually } from '../../lib/eventually';
import { settleAll } from '../../lib/settle-all';
import { Timings } from '../../lib/timings';
import { connectImageFor } from './connect-image';
import { ContainerControl } from './container-control';
import { DebeziumConnectContainer } from './debezium-connect-container';
import { imageFor } from './images';
import { KafkaKraftContainer } from './kafka-kraft-container';

export type { DatabaseFlavour };

/** Which server, which Debezium connector, and what the server needs to write a binlog Debezium can read. */
const flavours: Record<
  DatabaseFlavour,
  { label: string; connector: DebeziumConnectorKind; args: string[]; otherPorts: number[] }
> = {
  // MySQL 9.7 writes a ROW binlog with full images by default; MariaDB needs it switched on. The performance schema is
  // off, as in the native environment: nothing reads it, and over the image's three server starts (initialisation,
  // the temporary server, the server) it cost about 4 s of CPU here. The official mysql image (and its podman
  // look-alike) also EXPOSEs the X Protocol's 33060, which podman counts among the bindings to wait for.
  mysql: { label: 'MySQL', connector: 'mysql', args: ['--performance-schema=OFF'], otherPorts: [33060] },
  mariadb: {
    label: 'MariaDB',
    connector: 'mariadb',
    args: ['--log-bin=binlog', '--binlog-format=ROW', '--binlog-row-image=FULL'],
    otherPorts: [],
  },
};
const commonServerArgs = [
  '--server-id=1',
  '--skip-name-resolve',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_unicode_ci',
  '--default-time-zone=+00:00',
];

/** The names the k8s Services use too: the connector config is the same wherever it runs. */
export const networkAliases = { database: 'mysql', kafka: 'kafka', connect: 'connect' } as const;

/** Every container and network of the harness carries these, so a clean-up can find what a killed run left. */
const harnessLabel = { 'cdc-harness': 'true' };
const runLabel = 'cdc-harness.run';

export interface ContainersEnvironmentOptions {
  readonly database: DatabaseFlavour;
  /** The process environment: image overrides (see images.ts). */
  readonly env: NodeJS.ProcessEnv;
  readonly jarCache?: string;
}

/**
 * The database, Kafka and Kafka Connect (with Debezium) as containers through Testcontainers, on one network with the
 * aliases mysql, kafka and connect. For hosts with Docker (or podman's Docker-compatible socket).
 */
export class ContainersEnvironment implements Environment {
  readonly name: string;
  private readonly flavour: (typeof flavours)[DatabaseFlavour];

  constructor(private readonly options: ContainersEnvironmentOptions) {
    this.flavour = flavours[options.database];
    this.name = `containers (${this.flavour.label})`;
  }

  async start(plan: InfrastructurePlan): Promise<RunningInfrastructure> {
    const timings = new Timings();
    const timed = timings.time.bind(timings);
    const runtime = await getContainerRuntimeClient();
    const hostAddress = runtime.info.containerRuntime.host;
    const labels = { ...harnessLabel, [runLabel]: plan.runFolder };

    const network = await new Network().start();
    plan.onStarted('container network', async () => {
      await network.stop();
    });
    // A container whose start failed half-way was created but never handed back: find it by this run's label.
    // (Registered after the network, so it runs before the network is removed.)
    plan.onStarted('containers of a failed start', () => removeContainersOfRun(plan.runFolder));

    const database = timed(this.flavour.label, () => this.startDatabase(plan, network, labels));
    const kafkaAndConnect = (async () => {
      const connectImage = await timed('Connect image', () =>
        connectImageFor(this.options.env, plan.log, this.options.jarCache),
      );
      const kafka = await timed('Kafka', async () => {
        const started = await new KafkaKraftContainer(imageFor('kafka', this.options.env), plan.ports.kafka)
          // podman lists the ports an image EXPOSEs among the bindings, and testcontainers waits until every
          // binding is bound: publish apache/kafka's 9092 too.
          .withExposedPorts(9092)
          .withNetwork(network)
          .withBrokerAlias(networkAliases.kafka)
          .withHostAddress(hostAddress)
          .withEnvironment(jvmVariables('kafka'))
          .withLabels(labels)
          .start();
        const control = new ContainerControl('Kafka', started, [], () => waitForKafka(started.getBrokers()));
        plan.onStarted('Kafka', () => control.stop());
        await waitForKafka(started.getBrokers());
        return Object.assign(started, { control });
      });
      const connect = await timed('Kafka Connect', async () => {
        const container = new DebeziumConnectContainer(connectImage)
          .withExposedPorts(9092) // EXPOSEd by the apache/kafka base: see Kafka above.
          .withNetwork(network)
          .withNetworkAliases(networkAliases.connect)
          .withBootstrapServers(kafka.getInternalBootstrap())
          .withEnvironment(jvmVariables('connect'))
          .withLabels(labels);
        for (const [name, value] of Object.entries({ ...connectWorkerSettings, ...harnessConnectTimeoutSettings })) {
          container.withWorkerProperty(name, value);
        }
        const started = await container.start();
        const control = new ContainerControl('Kafka Connect', started, [8083], () => connectHealthy(started.getUrl()));
        plan.onStarted('Kafka Connect', () => control.stop());
        await started.assertPlugin(this.flavour.connector);
        return Object.assign(started, { control });
      });
      return { kafka, connect };
    })();

    // When one side fails, the other has still finished starting (and registered its stop).
    const [db, rest] = await settleAll([database, kafkaAndConnect]);
    return {
      database: db.database,
      server: db.server,
      databaseForConnect: { host: networkAliases.database, port: 3306 },
      kafka: { brokers: rest.kafka.getBrokers(), bootstrapForConnect: rest.kafka.getInternalBootstrap() },
      connect: { url: rest.connect.getUrl(), connector: this.flavour.connector },
      timings: timings.entries,
      components: { database: db.control, kafka: rest.kafka.control, connect: rest.connect.control },
      kafkaBrokers: [rest.kafka.control],
    };
  }

  private async startDatabase(
    plan: InfrastructurePlan,
    network: StartedNetwork,
    labels: Record<string, string>,
  ): Promise<{ database: DatabaseEndpoint; server: string; control: ContainerControl }> {
    const image = imageFor(this.options.database, this.options.env);
    const passwords = newPasswords();
    const rootPassword = newPasswords().migrator;
    const container: StartedMySqlContainer = await new MySqlContainer(image)
      .withNetwork(network)
      .withNetworkAliases(networkAliases.database)
      .withRootPassword(rootPassword)
      .withDatabase('clients')
      // The image's own user, replaced by the provisioning below with one that has only the migrator's grants.
      .withUsername('userdata_migrator')
      .withUserPassword(passwords.migrator)
      // Both official images load the time zone tables on their first start unless told not to (about 1.4 s of CPU
      // for MySQL here); the servers run on a numeric time zone and nothing reads named ones.
      .withEnvironment({ MYSQL_INITDB_SKIP_TZINFO: '1' })
      .withCommand([...commonServerArgs, ...this.flavour.args])
      .withExposedPorts(...this.flavour.otherPorts)
      .withLabels(labels)
      // Both official images run their initialisation on a server without networking: an open port is the real one.
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    const host = container.getHost();
    const port = container.getPort();
    const control = new ContainerControl(this.flavour.label, container, [3306], () =>
      databaseAnswers(host, port, rootPassword),
    );
    plan.onStarted(this.flavour.label, () => control.stop());

    const admin = await eventually(
      () => mysql.createConnection({ host, port, user: 'root', password: rootPassword, multipleStatements: true }),
      { awaiting: `${this.flavour.label} at ${host}:${port} to accept root`, timeoutMs: 60_000, intervalMs: 200 },
    );
    let server: string;
    try {
      server = await serverName(admin);
      // Kafka Connect and the services reach the server from other addresses than 127.0.0.1.
      await provisionDatabase(admin, passwords, '%');
    } finally {
      await admin.end();
    }
    const database = databaseEndpoint(host, port, passwords);
    await applyMigrations(database);
    return { database, server, control };
  }
}

async function databaseAnswers(host: string, port: number, password: string): Promise<void> {
  await eventually(
    async () => {
      const connection = await mysql.createConnection({ host, port, user: 'root', password });
      await connection.end();
      return true;
    },
    { awaiting: `the database at ${host}:${port} to accept root after a restart`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

async function connectHealthy(url: string): Promise<void> {
  await eventually(
    async () => ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined),
    { awaiting: `Kafka Connect's ${url}/health to answer 200 after a restart`, timeoutMs: 90_000, intervalMs: 200 },
  );
}

async function removeContainersOfRun(runFolder: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  for (;;) {
    const container = await client.container.fetchByLabel(runLabel, runFolder);
    if (!container) return;
    await container.remove({ force: true, v: true });
  }
}

/** The native environment's JVM sizing and start-up flags, through the variables of Kafka's launch scripts. */
function jvmVariables(component: 'kafka' | 'connect'): Record<string, string> {
  const extra = process.env.CDC_JVM_OPTS?.trim();
  return {
    KAFKA_HEAP_OPTS: jvmHeap[component].join(' '),
    // A container started again after a fault may come back at another address under the same alias: the JVM's
    // default 30 s cache of a name's address kept Connect writing to, and reading from, the address that was gone.
    KAFKA_JVM_PERFORMANCE_OPTS: [...jvmPerformanceOptions, '-Dsun.net.inetaddr.ttl=0', ...(extra ? [extra] : [])].join(
      ' ',
    ),
  };
}
