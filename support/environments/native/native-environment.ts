import { join } from 'node:path';
import type {
  DatabaseEndpoint,
  DatabaseFlavour,
  Environment,
  InfrastructurePlan,
  RunningInfrastructure,
} from '../../components/environment';
import { defaultJarCache, resolveJars } from '../../components/jars';
import { kafkaReplication } from '../../components/kafka-node';
import { findMySqlServer } from '../../components/mysql-server';
import { newPasswords } from '../../components/provisioning';
import type { DebeziumConnectorKind } from '../../components/versions';
import { ComponentGroup } from '../../lib/component-group';
import { freePortOtherThan } from '../../lib/free-ports';
import type { ManagedProcess } from '../../lib/processes';
import { settleAll } from '../../lib/settle-all';
import { Supervisor } from '../../lib/supervisor';
import { Timings } from '../../lib/timings';
import { startConnect } from './connect';
import { type KafkaNodePorts, NativeKafkaCluster } from './kafka';
import { startMariaDb } from './mariadb';
import { startMySql } from './mysql';

/** Each server with its own Debezium connector: the 3.6 MySQL one fails on MariaDB's binlog status syntax. */
const servers: Record<DatabaseFlavour, { label: string; connector: DebeziumConnectorKind }> = {
  mysql: { label: 'MySQL', connector: 'mysql' },
  mariadb: { label: 'MariaDB', connector: 'mariadb' },
};

export interface NativeEnvironmentOptions {
  readonly database: DatabaseFlavour;
  readonly jarCache?: string;
  /** The process environment: CDC_MYSQLD. */
  readonly env?: NodeJS.ProcessEnv;
  /** How many Kafka nodes (combined broker+controller) to run: 1 by default, 3 for a cluster that loses one. */
  readonly kafkaBrokers?: number;
}

/**
 * The embedded default: a real database server (MySQL or MariaDB), Kafka and Kafka Connect (with the real Debezium
 * connector for that server) as local processes, from the machine's server binaries (or MySQL fetched from Debian's
 * packages into the cache) and jars that Maven resolves. Needs no Docker.
 */
export class NativeEnvironment implements Environment {
  readonly name: string;
  private readonly server: (typeof servers)[DatabaseFlavour];
  private readonly jarCache: string;

  constructor(private readonly options: NativeEnvironmentOptions) {
    this.server = servers[options.database];
    this.name = `native (${this.server.label})`;
    if (options.kafkaBrokers !== undefined) kafkaReplication(options.kafkaBrokers); // refuses a count it cannot run
    this.jarCache = options.jarCache ?? defaultJarCache();
  }

  async start(plan: InfrastructurePlan): Promise<RunningInfrastructure> {
    const timings = new Timings();
    const timed = timings.time.bind(timings);
    const { connector, label } = this.server;

    // The database needs no jars: it starts while Maven (or the cache) provides them and Kafka boots.
    // Each component under a Supervisor: a fault can kill, restart, freeze and thaw it, and a component that dies by
    // itself is started again, as its StatefulSet would. Restarts reuse the port and the data folder.
    const supervise = (name: string, start: () => Promise<ManagedProcess>): Supervisor => {
      const supervisor = new Supervisor({ name, start, log: plan.log });
      plan.onStarted(name, () => supervisor.stop());
      return supervisor;
    };
    const database = timed(label, async () => {
      const started = await this.startDatabase(plan);
      const control = supervise(label, started.launchAgain).adopt(started.process);
      return { ...started, control };
    });
    const kafkaAndConnect = (async () => {
      const jars = await timed('jars', () => resolveJars(this.jarCache, connector, plan.log));
      const kafka = await timed('Kafka', async () => {
        const cluster = new NativeKafkaCluster({
          folder: join(plan.runFolder, 'kafka'),
          kafkaLibs: jars.kafkaLibs,
          nodes: await this.kafkaNodePorts(plan),
        });
        // Each node under its own Supervisor; as `components.kafka`, all of them together.
        const nodes = (await cluster.start()).map((process, index) =>
          supervise(process.name, () => cluster.startNode(index + 1)).adopt(process),
        );
        const control = nodes.length === 1 && nodes[0] ? nodes[0] : new ComponentGroup('Kafka', nodes);
        return { brokers: [...cluster.brokers], nodes, control };
      });
      const connect = await timed('Kafka Connect', async () => {
        const options = {
          folder: join(plan.runFolder, 'connect'),
          kafkaLibs: jars.kafkaLibs,
          pluginPath: jars.pluginPath,
          connector,
          bootstrapServers: kafka.brokers.join(','),
          kafkaBrokers: kafka.brokers.length,
          port: plan.ports.connect,
        };
        const control = supervise('Kafka Connect', async () => (await startConnect(options)).process);
        const started = await startConnect(options);
        control.adopt(started.process);
        return { ...started, control };
      });
      return { kafka, connect };
    })();

    // When one side fails, the other has still finished starting (and registered its stop).
    const [db, rest] = await settleAll([database, kafkaAndConnect]);
    return {
      database: db.database,
      server: db.server,
      databaseForConnect: { host: db.database.host, port: db.database.port },
      kafka: { brokers: rest.kafka.brokers, bootstrapForConnect: rest.kafka.brokers.join(',') },
      connect: { url: rest.connect.url, connector },
      timings: timings.entries,
      components: { database: db.control, kafka: rest.kafka.control, connect: rest.connect.control },
      kafkaBrokers: rest.kafka.nodes,
    };
  }

  /** Node 1 on the plan's Kafka ports; the other nodes of a cluster on ports the kernel says are free. */
  private async kafkaNodePorts(plan: InfrastructurePlan): Promise<KafkaNodePorts[]> {
    const nodes: KafkaNodePorts[] = [{ port: plan.ports.kafka, controllerPort: plan.ports.kafkaController }];
    const taken = new Set<number>(Object.values(plan.ports));
    const another = () => freePortOtherThan(taken);
    while (nodes.length < (this.options.kafkaBrokers ?? 1)) {
      nodes.push({ port: await another(), controllerPort: await another() });
    }
    return nodes;
  }

  private async startDatabase(plan: InfrastructurePlan): Promise<{
    process: ManagedProcess;
    database: DatabaseEndpoint;
    server: string;
    launchAgain: () => Promise<ManagedProcess>;
  }> {
    const password = newPasswords();
    if (this.options.database === 'mariadb') {
      const started = await startMariaDb({
        folder: join(plan.runFolder, 'mariadb'),
        port: plan.ports.database,
        password,
      });
      return started;
    }
    const server = await findMySqlServer(this.jarCache, this.options.env ?? process.env, plan.log);
    const started = await startMySql({
      server,
      folder: join(plan.runFolder, 'mysql'),
      port: plan.ports.database,
      password,
      cacheRoot: this.jarCache,
    });
    return { ...started, server: `MySQL ${started.version}` };
  }
}
