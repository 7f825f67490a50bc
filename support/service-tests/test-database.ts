import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseEndpoint, DatabaseFlavour } from '../components/environment';
import { defaultJarCache } from '../components/jars';
import { findMySqlServer } from '../components/mysql-server';
import type { DatabasePasswords } from '../components/provisioning';
import { startMariaDb } from '../environments/native/mariadb';
import { startMySql } from '../environments/native/mysql';
import { freePort } from '../lib/free-ports';
import { type ManagedProcess, untilStopped } from '../lib/processes';

export interface TestDatabase {
  readonly database: DatabaseEndpoint;
  /** `MySQL 9.7.4-2`, `MariaDB 10.11.…`. */
  readonly server: string;
  readonly process: ManagedProcess;
  /** Stops the server and starts it again on the same data and port, as a real restart does. */
  restart(): Promise<void>;
  /** Stops the server, keeping its data and port for startAgain(). */
  stopServer(): Promise<void>;
  startAgain(): Promise<void>;
  /** SIGSTOP, SIGCONT: a server that holds its connections and answers nothing, then carries on. */
  /** Resolves once every thread of the server is stopped. */
  freeze(): Promise<void>;
  thaw(): void;
  stop(): Promise<void>;
}

const passwords: DatabasePasswords = {
  migrator: 'm-pass',
  userdata: 'u-pass',
  debezium: 'd-pass',
  pushEmailMigrator: 'pm-pass',
  pushEmail: 'p-pass',
  operator: 'o-pass',
};

/**
 * A private database server of the harness for one integration test file, provisioned and migrated as the stack's
 * is: MariaDB or MySQL (found or fetched as the native environment does). Started in `before`, stopped (and its
 * folder removed) in `after`.
 */
export async function startTestDatabase(flavour: DatabaseFlavour): Promise<TestDatabase> {
  const folder = mkdtempSync(join(tmpdir(), `cdc-${flavour}-test-`));
  const port = await freePort();
  const start = async () => {
    if (flavour === 'mariadb') return startMariaDb({ folder, port, password: passwords });
    const server = await findMySqlServer(defaultJarCache(), process.env, (line) => console.log(line));
    const started = await startMySql({ server, folder, port, password: passwords, cacheRoot: defaultJarCache() });
    return { ...started, server: `MySQL ${started.version}` };
  };
  try {
    let current = await start();
    return {
      database: current.database,
      server: current.server,
      get process() {
        return current.process;
      },
      restart: async () => {
        await current.process.stop();
        current = await start();
      },
      stopServer: () => current.process.stop(),
      startAgain: async () => {
        current = await start();
      },
      freeze: async () => {
        signal(current.process, 'SIGSTOP');
        if (current.process.pid !== undefined) await untilStopped(current.process.pid, 'the test database');
      },
      thaw: () => signal(current.process, 'SIGCONT'),
      stop: async () => {
        // A frozen server would never act on the stop's SIGTERM.
        signal(current.process, 'SIGCONT');
        await current.process.stop();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Signals the server's process, if it still runs. */
function signal(server: ManagedProcess, name: NodeJS.Signals): void {
  if (!server.isRunning || server.pid === undefined) return;
  try {
    process.kill(server.pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The MariaDB flavour, for the tests that run on MariaDB only. */
export function startTestMariaDb(): Promise<TestDatabase> {
  return startTestDatabase('mariadb');
}
