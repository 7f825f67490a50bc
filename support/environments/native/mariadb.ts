import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { DatabaseEndpoint } from '../../components/environment';
import {
  applyMigrations,
  type DatabasePasswords,
  databaseEndpoint,
  provisionDatabase,
  serverName,
} from '../../components/provisioning';
import { eventually } from '../../lib/eventually';
import { ManagedProcess } from '../../lib/processes';

const run = promisify(execFile);

/** Where Debian and most distributions put the server binaries, which are often not on a user's PATH. */
const binaryFolders = ['', '/usr/sbin/', '/usr/local/sbin/', '/usr/local/mysql/bin/', '/usr/local/bin/'];

async function findBinary(name: string): Promise<string> {
  for (const folder of binaryFolders) {
    const candidate = `${folder}${name}`;
    try {
      await run(candidate, ['--version']);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  throw new Error(
    `${name} was not found (PATH, /usr/sbin, /usr/local/sbin, /usr/local/mysql/bin). Install the MariaDB server ` +
      'binaries (Debian: apt-get install mariadb-server); the harness starts its own instance and does not use a ' +
      'running one.',
  );
}

export interface MariaDbOptions {
  readonly folder: string;
  readonly port: number;
  readonly password: DatabasePasswords;
}

/**
 * A private MariaDB server: its own datadir, port and socket; binlog in ROW format with full row images, as
 * Debezium requires. Provisioned with database `clients`, its migrations, and one least-privilege user per client.
 */
export async function startMariaDb(options: MariaDbOptions): Promise<{
  process: ManagedProcess;
  database: DatabaseEndpoint;
  server: string;
  launchAgain: () => Promise<ManagedProcess>;
}> {
  const [server, installDb] = await Promise.all([findBinary('mariadbd'), findBinary('mariadb-install-db')]);
  const dataDir = join(options.folder, 'data');
  const socket = join(options.folder, 'mariadbd.sock');
  mkdirSync(options.folder, { recursive: true });
  if (!existsSync(join(dataDir, 'mysql'))) {
    await run(installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`mariadb-install-db failed: ${error.stderr || error.message}`);
    });
  }

  const args = [
    '--no-defaults',
    '--user=root',
    `--datadir=${dataDir}`,
    `--port=${options.port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${join(options.folder, 'mariadbd.pid')}`,
    '--server-id=1',
    `--log-bin=${join(dataDir, 'binlog')}`,
    // 10.11 defaults to MIXED: Debezium needs every change as a full row image.
    '--binlog-format=ROW',
    '--binlog-row-image=FULL',
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--default-time-zone=+00:00',
    '--innodb-buffer-pool-size=64M',
  ];
  // Also how a fault starts it again: the same datadir and port, already provisioned.
  const launch = async (): Promise<{ process: ManagedProcess; admin: mysql.Connection }> => {
    const process = new ManagedProcess({
      name: 'MariaDB',
      command: server,
      args,
      logFile: join(options.folder, 'mariadbd.log'),
    });
    const admin = await eventually(
      async () => {
        process.assertRunning();
        return mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
      },
      { awaiting: `MariaDB to accept connections on ${socket}`, timeoutMs: 30_000 },
    ).catch(async (error: unknown) => {
      await process.stop();
      throw error;
    });
    return { process, admin };
  };
  const { process, admin } = await launch();
  let serverIs: string;
  try {
    serverIs = await serverName(admin);
    await provisionDatabase(admin, options.password, '127.0.0.1');
  } finally {
    await admin.end();
  }
  const database = databaseEndpoint('127.0.0.1', options.port, options.password);
  await applyMigrations(database);
  const launchAgain = async (): Promise<ManagedProcess> => {
    const again = await launch();
    await again.admin.end();
    return again.process;
  };
  return { process, database, server: serverIs, launchAgain };
}
