import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { pushEmailMigrations } from '../../src/push-email/data-sources/schema';
import { loadMigrations, migrate } from '../../src/shared/mysql-migrator';
import { userdataMigrations } from '../../src/userdata/data-sources/schema';
import type { Credentials, DatabaseEndpoint } from './environment';

export interface DatabasePasswords {
  readonly migrator: string;
  readonly userdata: string;
  readonly debezium: string;
  readonly pushEmailMigrator: string;
  readonly pushEmail: string;
  readonly operator: string;
}

/** The harness's own database operator (for faults a DBA can cause); the product never deploys it. */
export const operatorUser = 'cdc_operator';

/** The server as it names itself: `MySQL 9.7.4-2`, `MariaDB 10.11.14-MariaDB-…`. */
export async function serverName(admin: mysql.Connection): Promise<string> {
  const [rows] = await admin.query('SELECT VERSION() AS version');
  const version = (rows as { version: string }[])[0]?.version ?? '?';
  return /mariadb/i.test(version) ? `MariaDB ${version}` : `MySQL ${version}`;
}

/** Passwords are made per run and never written to the repository. */
export function newPasswords(): DatabasePasswords {
  const secret = () => randomBytes(18).toString('base64url');
  return {
    migrator: secret(),
    userdata: secret(),
    debezium: secret(),
    pushEmailMigrator: secret(),
    pushEmail: secret(),
    operator: secret(),
  };
}

/**
 * Creates the two databases and one least-privilege user per client, the same on every server the harness runs
 * (MySQL 9.7 or MariaDB 10.11, natively and in containers): the migrators change the schema of their service's
 * database; the services read and write rows; Debezium reads the binlog and snapshots (RELOAD for the snapshot's
 * flush, SHOW DATABASES to find the captured one). `userHost` is where the clients connect from: 127.0.0.1 for local
 * processes, '%' when Kafka Connect runs in a container on its own network address.
 *
 * DROP + CREATE rather than MariaDB's CREATE OR REPLACE USER, which MySQL does not know.
 */
export async function provisionDatabase(
  admin: mysql.Connection,
  passwords: DatabasePasswords,
  userHost: string,
): Promise<void> {
  await admin.query('CREATE DATABASE IF NOT EXISTS clients CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  // push-email keeps its delivery log in a database of its own, which Debezium does not capture.
  await admin.query('CREATE DATABASE IF NOT EXISTS push_email CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  const users: readonly [string, string, string][] = [
    [
      'userdata_migrator',
      passwords.migrator,
      'CREATE, ALTER, INDEX, DROP, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON clients.*',
    ],
    ['userdata', passwords.userdata, 'SELECT, INSERT, UPDATE, DELETE ON clients.*'],
    ['debezium', passwords.debezium, 'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.*'],
    [
      'push_email_migrator',
      passwords.pushEmailMigrator,
      'CREATE, ALTER, INDEX, DROP, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON push_email.*',
    ],
    ['push_email', passwords.pushEmail, 'SELECT, INSERT ON push_email.*'],
    // The harness's database operator, for the faults a DBA can cause (another user's password changed): no data.
    [operatorUser, passwords.operator, 'CREATE USER ON *.*'],
  ];
  for (const [user, password, grant] of users) {
    await admin.query('DROP USER IF EXISTS ?@?', [user, userHost]);
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, userHost, password]);
    await admin.query(`GRANT ${grant} TO ?@?`, [user, userHost]);
  }
}

/** Where the databases are and who may do what, once provisioned. */
export function databaseEndpoint(host: string, port: number, passwords: DatabasePasswords): DatabaseEndpoint {
  const as = (user: string, password: string): Credentials => ({ user, password });
  return {
    host,
    port,
    name: 'clients',
    migrator: as('userdata_migrator', passwords.migrator),
    userdata: as('userdata', passwords.userdata),
    debezium: as('debezium', passwords.debezium),
    pushEmail: {
      name: 'push_email',
      migrator: as('push_email_migrator', passwords.pushEmailMigrator),
      service: as('push_email', passwords.pushEmail),
    },
    operator: as(operatorUser, passwords.operator),
  };
}

/** Each service's schema comes from its own migrations, applied as its `migrate` command does, by its migrator. */
export async function applyMigrations(database: DatabaseEndpoint): Promise<void> {
  await applyMigrationsOf(database, database.name, userdataMigrations, database.migrator);
  await applyMigrationsOf(database, database.pushEmail.name, pushEmailMigrations, database.pushEmail.migrator);
}

async function applyMigrationsOf(
  server: DatabaseEndpoint,
  database: string,
  folder: string,
  migrator: Credentials,
): Promise<void> {
  const connection = await mysql.createConnection({
    host: server.host,
    port: server.port,
    database,
    ...migrator,
    multipleStatements: true,
  });
  try {
    await migrate(connection, loadMigrations(folder));
  } finally {
    await connection.end();
  }
}
