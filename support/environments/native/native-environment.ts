import { join } from 'node:path';
import type { Environment, InfrastructurePlan, RunningInfrastructure } from '../../components/environment';
import { defaultJarCache, resolveJars } from '../../components/jars';
import { newPasswords } from '../../components/provisioning';
import type { DebeziumConnectorKind } from '../../components/versions';
import { settleAll } from '../../lib/settle-all';
import { Timings } from '../../lib/timings';
import { startConnect } from './connect';
import { startKafka } from './kafka';
import { startMariaDb } from './mariadb';

/** MariaDB's own Debezium connector: the 3.6 MySQL one fails on MariaDB's binlog status syntax. */
export const nativeConnector: DebeziumConnectorKind = 'mariadb';

/**
 * The embedded default: real MariaDB, Kafka and Kafka Connect (with the real Debezium connector) as local processes
 * from the machine's MariaDB binaries and jars that Maven resolves. Needs no Docker.
 */
export class NativeEnvironment implements Environment {
  readonly name = 'native';
  private readonly connector = nativeConnector;

  constructor(private readonly jarCache: string = defaultJarCache()) {}

  async start(plan: InfrastructurePlan): Promise<RunningInfrastructure> {
    const timings = new Timings();
    const timed = timings.time.bind(timings);

    // The database needs no jars: it starts while Maven (or the cache) provides them and Kafka boots.
    const database = timed('MariaDB', async () => {
      const started = await startMariaDb({
        folder: join(plan.runFolder, 'mariadb'),
        port: plan.ports.database,
        password: newPasswords(),
      });
      plan.onStarted('MariaDB', () => started.process.stop());
      return started.database;
    });
    const kafkaAndConnect = (async () => {
      const jars = await timed('jars', () => resolveJars(this.jarCache, this.connector, plan.log));
      const kafka = await timed('Kafka', async () => {
        const started = await startKafka({
          folder: join(plan.runFolder, 'kafka'),
          kafkaLibs: jars.kafkaLibs,
          port: plan.ports.kafka,
          controllerPort: plan.ports.kafkaController,
        });
        plan.onStarted('Kafka', () => started.process.stop());
        return started;
      });
      const connect = await timed('Kafka Connect', async () => {
        const started = await startConnect({
          folder: join(plan.runFolder, 'connect'),
          kafkaLibs: jars.kafkaLibs,
          pluginPath: jars.pluginPath,
          connector: this.connector,
          bootstrapServers: kafka.brokers.join(','),
          port: plan.ports.connect,
        });
        plan.onStarted('Kafka Connect', () => started.process.stop());
        return started;
      });
      return { kafka, connect };
    })();

    // When one side fails, the other has still finished starting (and registered its stop).
    const [db, rest] = await settleAll([database, kafkaAndConnect]);
    return {
      database: db,
      databaseForConnect: { host: db.host, port: db.port },
      kafka: { brokers: rest.kafka.brokers, bootstrapForConnect: rest.kafka.brokers.join(',') },
      connect: { url: rest.connect.url, connector: this.connector },
      timings: timings.entries,
    };
  }
}
