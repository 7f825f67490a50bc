import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { DatabaseEndpoint } from '../../components/environment';
import type { MySqlServer } from '../../components/mysql-server';
import {
  applyMigrations,
  type DatabasePasswords,
  databaseEndpoint,
  provisionDatabase,
  serverName,
} from '../../components/provisioning';
import { fillOnce } from '../../lib/cache-folder';
import { eventually } from '../../lib/eventually';
import { ManagedProcess } from '../../lib/processes';

const run = promisify(execFile);

export interface MySqlOptions {
  readonly server: MySqlServer;
  readonly folder: string;
  readonly port: number;
  readonly password: DatabasePasswords;
  /** Where the initialised datadir is kept between runs. */
  readonly cacheRoot: string;
}

// Routine notes of a private server, not problems: a self-signed CA, a pid file under /tmp, root without a password
// (it listens on its socket and 127.0.0.1 only), and the new server UUID of a copied datadir.
const quietNotes = '--log-error-suppression-list=MY-010068,MY-011810,MY-010453,MY-010075';

/**
 * A private MySQL server: its own datadir (a copy of one initialised once and cached, which saves about 4 s a
 * start), port and socket; binlog in ROW format with full row images (MySQL's defaults) and GTIDs on, as Debezium
 * reads them. Provisioned like MariaDB: databases `clients` and `push_email`, their migrations, one least-privilege
 * user per client.
 */
export async function startMySql(options: MySqlOptions): Promise<{
  process: ManagedProcess;
  database: DatabaseEndpoint;
  version: string;
  launchAgain: () => Promise<ManagedProcess>;
}> {
  const { server, folder } = options;
  const dataDir = join(folder, 'data');
  const socket = join(folder, 'mysqld.sock');
  const files = join(folder, 'files');
  mkdirSync(files, { recursive: true });
  // MySQL refuses a secure-file-priv folder that others may read.
  chmodSync(files, 0o700);
  if (!existsSync(dataDir)) {
    const template = await initialisedDataDir(options);
    cpSync(template, dataDir, { recursive: true });
    // Each copy makes its own server UUID, so GTIDs of two runs never claim to be the same server's.
    rmSync(join(dataDir, 'auto.cnf'), { force: true });
  }
  // Also how a fault starts it again: the same datadir and port, already provisioned.
  const launch = async (): Promise<{ process: ManagedProcess; admin: mysql.Connection }> => {
    const process = new ManagedProcess({
      name: 'MySQL',
      command: server.command,
      args: [
        ...server.prefix,
        ...commonFlags(server, dataDir, files),
        `--port=${options.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        `--pid-file=${join(folder, 'mysqld.pid')}`,
        '--skip-name-resolve',
        '--server-id=1',
        '--log-bin=binlog',
        '--binlog-row-image=FULL',
        '--gtid-mode=ON',
        '--enforce-gtid-consistency=ON',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        '--default-time-zone=+00:00',
        '--innodb-buffer-pool-size=64M',
        // Nothing here reads it, and it costs about a second of start-up and 250 MB.
        '--performance-schema=OFF',
      ],
      logFile: join(folder, 'mysqld.log'),
    });
    const admin = await eventually(
      async () => {
        process.assertRunning();
        return mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
      },
      { awaiting: `MySQL to accept connections on ${socket}`, timeoutMs: 60_000, intervalMs: 100 },
    ).catch(async (error: unknown) => {
      await process.stop();
      throw error;
    });
    return { process, admin };
  };
  const { process, admin } = await launch();
  let version: string;
  try {
    version = (await serverName(admin)).replace(/^MySQL /, '');
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
  return { process, database, version, launchAgain };
}

function commonFlags(server: MySqlServer, dataDir: string, files: string): string[] {
  return [
    // First, or mysqld reads the machine's /etc/mysql/my.cnf (which may well be MariaDB's).
    '--no-defaults',
    ...server.locations,
    `--datadir=${dataDir}`,
    `--secure-file-priv=${files}`,
    '--mysqlx=OFF',
    quietNotes,
    // mysqld refuses to run as root unless told to; as anyone else it must not be told.
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
  ];
}

/** An initialised datadir for this server, made once (3–6 s) and kept in the cache; never started itself. */
async function initialisedDataDir({ server, cacheRoot }: MySqlOptions): Promise<string> {
  const key = server.version.replace(/[^\w.-]/g, '_');
  const folder = join(cacheRoot, `mysql-datadir-${key}`);
  await fillOnce(folder, async (staging) => {
    const files = join(staging, 'files');
    mkdirSync(files, { recursive: true });
    chmodSync(files, 0o700);
    // No binlog while initialising: every copy would carry the template's GTIDs.
    await run(server.command, [
      ...server.prefix,
      ...commonFlags(server, join(staging, 'data'), files),
      '--initialize-insecure',
      '--skip-log-bin',
    ]).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`mysqld --initialize-insecure failed: ${error.stderr || error.message}`);
    });
  });
  return join(folder, 'data');
}
