import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { pushEmailMigrations } from '../../src/push-email/data-sources/schema';
import { loadMigrations, migrate } from '../../src/shared/mysql-migrator';
import { userdataMigrations } from '../../src/userdata/data-sources/schema';
import type { DatabaseEndpoint } from '../environment';
import { eventually } from '../lib/eventually';
import { ManagedProcess } from '../lib/processes';

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
  readonly password: {
    readonly migrator: string;
    readonly userdata: string;
    readonly debezium: string;
    readonly pushEmailMigrator: string;
    readonly pushEmail: string;
  };
}

/**
 * A private MariaDB server: its own datadir, port and socket; binlog in ROW format with full row images, as
 * Debezium requires. Provisioned with database `clients`, its migrations, and one least-privilege user per client.
 */
export async function startMariaDb(
  options: MariaDbOptions,
): Promise<{ process: ManagedProcess; database: DatabaseEndpoint }> {
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
  );
  try {
    await provision(admin, options);
  } finally {
    await admin.end();
  }
  await applyMigrations(options);
  return {
    process,
    database: {
      host: '127.0.0.1',
      port: options.port,
      name: 'clients',
      migrator: { user: 'userdata_migrator', password: options.password.migrator },
      userdata: { user: 'userdata', password: options.password.userdata },
      debezium: { user: 'debezium', password: options.password.debezium },
      pushEmail: {
        name: 'push_email',
        migrator: { user: 'push_email_migrator', password: options.password.pushEmailMigrator },
        service: { user: 'push_email', password: options.password.pushEmail },
      },
    },
  };
}

async function provision(admin: mysql.Connection, options: MariaDbOptions): Promise<void> {
  await admin.query('CREATE DATABASE IF NOT EXISTS clients CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  // push-email keeps its delivery log in a database of its own, which Debezium does not capture.
  await admin.query('CREATE DATABASE IF NOT EXISTS push_email CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  // Each client gets what it needs and no more: the migrator changes the schema of `clients`; the service reads and
  // writes rows; Debezium reads the binlog and snapshots (RELOAD for the snapshot's flush, SHOW DATABASES to find
  // the captured one).
  await admin.query(
    `CREATE OR REPLACE USER 'userdata_migrator'@'127.0.0.1' IDENTIFIED BY ?;
     GRANT CREATE, ALTER, INDEX, DROP, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON clients.* TO 'userdata_migrator'@'127.0.0.1';
     CREATE OR REPLACE USER 'userdata'@'127.0.0.1' IDENTIFIED BY ?;
     GRANT SELECT, INSERT, UPDATE, DELETE ON clients.* TO 'userdata'@'127.0.0.1';
     CREATE OR REPLACE USER 'debezium'@'127.0.0.1' IDENTIFIED BY ?;
     GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'127.0.0.1';
     CREATE OR REPLACE USER 'push_email_migrator'@'127.0.0.1' IDENTIFIED BY ?;
     GRANT CREATE, ALTER, INDEX, DROP, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON push_email.* TO 'push_email_migrator'@'127.0.0.1';
     CREATE OR REPLACE USER 'push_email'@'127.0.0.1' IDENTIFIED BY ?;
     GRANT SELECT, INSERT ON push_email.* TO 'push_email'@'127.0.0.1';`,
    [
      options.password.migrator,
      options.password.userdata,
      options.password.debezium,
      options.password.pushEmailMigrator,
      options.password.pushEmail,
    ],
  );
}

/** Each service's schema comes from its own migrations, applied as its `migrate` command does, by its migrator. */
async function applyMigrations(options: MariaDbOptions): Promise<void> {
  await applyMigrationsOf(options.port, 'clients', userdataMigrations, 'userdata_migrator', options.password.migrator);
  await applyMigrationsOf(
    options.port,
    'push_email',
    pushEmailMigrations,
    'push_email_migrator',
    options.password.pushEmailMigrator,
  );
}

async function applyMigrationsOf(port: number, database: string, folder: string, user: string, password: string) {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    database,
    user,
    password,
    multipleStatements: true,
  });
  try {
    await migrate(connection, loadMigrations(folder));
  } finally {
    await connection.end();
  }
}
