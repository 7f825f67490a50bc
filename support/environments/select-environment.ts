import type { Environment } from '../components/environment';
import type { ContainersEnvironment, DatabaseFlavour } from './containers/containers-environment';
import { NativeEnvironment } from './native/native-environment';

const names = ['native', 'containers', 'auto'] as const;
const flavours: readonly DatabaseFlavour[] = ['mysql', 'mariadb'];

/**
 * The environment CDC_ENVIRONMENT names: `native` (the default: processes on this machine), `containers`
 * (Testcontainers, with the database CDC_DATABASE names: `mysql` 8.4 by default, or `mariadb`), or `auto`
 * (containers when a container runtime answers, native otherwise; it says which and why).
 */
export async function environmentFromEnv(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => {},
  probe: () => Promise<RuntimeProbe> = containerRuntime,
): Promise<Environment> {
  const name = env.CDC_ENVIRONMENT?.trim() || 'native';
  if (!(names as readonly string[]).includes(name)) {
    throw new Error(
      `CDC_ENVIRONMENT=${name} is not an environment this harness knows; use one of: ${names.join(', ')}.`,
    );
  }
  const database = env.CDC_DATABASE?.trim() || 'mysql';
  if (!(flavours as readonly string[]).includes(database)) {
    throw new Error(
      `CDC_DATABASE=${database} is not a database the containers environment runs; use mysql or mariadb.`,
    );
  }
  const containers = async (): Promise<ContainersEnvironment> => {
    // Loaded on demand: the native environment never loads testcontainers (most of a second).
    const { ContainersEnvironment } =
      require('./containers/containers-environment') as typeof import('./containers/containers-environment');
    return new ContainersEnvironment({ database: database as DatabaseFlavour, env });
  };
  switch (name) {
    case 'native':
      return new NativeEnvironment();
    case 'containers':
      return containers();
    default: {
      const runtime = await probe();
      if (runtime.answered) {
        log(`CDC_ENVIRONMENT=auto: containers, because a container runtime answered (${runtime.detail}).`);
        return containers();
      }
      log(`CDC_ENVIRONMENT=auto: native, because no container runtime answered (${runtime.detail}).`);
      return new NativeEnvironment();
    }
  }
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
