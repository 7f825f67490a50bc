import { existsSync } from 'node:fs';
import { type DatabaseFlavour, databaseFlavours, type Environment } from '../components/environment';
import { defaultJarCache } from '../components/jars';
import { kafkaBrokersFromEnv } from '../components/kafka-node';
import { mySqlAvailability } from '../components/mysql-server';
import type { ContainersEnvironment } from './containers/containers-environment';
import { NativeEnvironment } from './native/native-environment';

const names = ['native', 'containers', 'auto'] as const;

/** What the native environment can run here, for the choice of a default database. */
export interface DatabaseProbe {
  /** Why no MySQL server can be had here (found, cached, or fetched from Debian); undefined when one can. */
  mySqlMissing(): Promise<string | undefined>;
  hasMariaDb(): boolean;
}

/**
 * The environment CDC_ENVIRONMENT names: `native` (the default: processes on this machine), `containers`
 * (Testcontainers), or `auto` (containers when a container runtime answers, native otherwise; it says which and
 * why); on the database CDC_DATABASE names, `mysql` or `mariadb`. Unset, it is MySQL, the design's database,
 * wherever MySQL can run: in containers always, natively when a mysqld is found or can be fetched from Debian's
 * packages; otherwise MariaDB, saying so and why. CDC_KAFKA_BROKERS (natively) runs a Kafka cluster of that many
 * brokers instead of one.
 */
export async function environmentFromEnv(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => {},
  probe: () => Promise<RuntimeProbe> = containerRuntime,
  databases: DatabaseProbe = machineDatabases(env),
): Promise<Environment> {
  const name = env.CDC_ENVIRONMENT?.trim() || 'native';
  if (!(names as readonly string[]).includes(name)) {
    throw new Error(
      `CDC_ENVIRONMENT=${name} is not an environment this harness knows; use one of: ${names.join(', ')}.`,
    );
  }
  const chosen = env.CDC_DATABASE?.trim();
  if (chosen && !(databaseFlavours as readonly string[]).includes(chosen)) {
    throw new Error(`CDC_DATABASE=${chosen} is not a database this harness runs; use mysql or mariadb.`);
  }
  const kafkaBrokers = kafkaBrokersFromEnv(env);
  const containers = async (): Promise<ContainersEnvironment> => {
    if (kafkaBrokers !== 1) {
      throw new Error(
        `CDC_KAFKA_BROKERS=${kafkaBrokers}: the containers environment runs one Kafka broker; a cluster runs natively ` +
          '(CDC_ENVIRONMENT=native), and on k8s in k8s/overlays/production.',
      );
    }
    // Loaded on demand: the native environment never loads testcontainers (most of a second).
    const { ContainersEnvironment } =
      require('./containers/containers-environment') as typeof import('./containers/containers-environment');
    return new ContainersEnvironment({ database: (chosen as DatabaseFlavour | undefined) ?? 'mysql', env });
  };
  const native = async (): Promise<NativeEnvironment> =>
    new NativeEnvironment({
      database: (chosen as DatabaseFlavour | undefined) ?? (await nativeDefault(databases, log)),
      env,
      kafkaBrokers,
    });
  switch (name) {
    case 'native':
      return native();
    case 'containers':
      return containers();
    default: {
      const runtime = await probe();
      if (runtime.answered) {
        log(`CDC_ENVIRONMENT=auto: containers, because a container runtime answered (${runtime.detail}).`);
        return containers();
      }
      log(`CDC_ENVIRONMENT=auto: native, because no container runtime answered (${runtime.detail}).`);
      return native();
    }
  }
}

async function nativeDefault(databases: DatabaseProbe, log: (line: string) => void): Promise<DatabaseFlavour> {
  const missing = await databases.mySqlMissing();
  if (!missing) return 'mysql';
  if (!databases.hasMariaDb()) return 'mysql'; // and its start says how to get MySQL
  log(`CDC_DATABASE unset: mariadb, because no MySQL server can be had here (${missing}); set CDC_DATABASE to choose.`);
  return 'mariadb';
}

function machineDatabases(env: NodeJS.ProcessEnv): DatabaseProbe {
  return {
    mySqlMissing: () => mySqlAvailability(defaultJarCache(), env),
    hasMariaDb: () =>
      [
        '/usr/sbin/mariadbd',
        '/usr/local/sbin/mariadbd',
        '/usr/local/mysql/bin/mariadbd',
        '/opt/homebrew/bin/mariadbd',
      ].some((path) => existsSync(path)) ||
      (env.PATH ?? '').split(':').some((folder) => folder && existsSync(`${folder}/mariadbd`)),
  };
}

export interface RuntimeProbe {
  readonly answered: boolean;
  readonly detail: string;
}

/** Asks testcontainers, which tries DOCKER_HOST, ~/.testcontainers.properties, the Docker and podman sockets. */
async function containerRuntime(): Promise<RuntimeProbe> {
  try {
    const { getContainerRuntimeClient } = require('testcontainers') as typeof import('testcontainers');
    const client = await getContainerRuntimeClient();
    const { operatingSystem, serverVersion, remoteSocketPath } = client.info.containerRuntime;
    return { answered: true, detail: `${operatingSystem} ${serverVersion} at ${remoteSocketPath}` };
  } catch (error) {
    return { answered: false, detail: (error as Error).message.split('\n')[0] ?? 'no answer' };
  }
}
