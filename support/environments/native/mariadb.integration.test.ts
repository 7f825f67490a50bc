import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { DatabaseEndpoint } from '../../components/environment';
import { isPortFree } from '../../lib/free-ports';
import type { ManagedProcess } from '../../lib/processes';
import { startTestMariaDb } from '../../service-tests/test-mariadb';

describe('the harness MariaDB', { timeout: 60_000 }, () => {
  let stopServer: (() => Promise<void>) | undefined;
  let server: ManagedProcess | undefined;
  let database: DatabaseEndpoint;

  before(async () => {
    ({ database, process: server, stop: stopServer } = await startTestMariaDb());
  });

  after(async () => {
    await stopServer?.();
  });

  const connect = (who: 'userdata' | 'debezium') =>
    mysql.createConnection({ host: database.host, port: database.port, ...database[who], database: database.name });

  it('writes a binlog of full row images, as Debezium needs', async () => {
    const connection = await connect('debezium');
    try {
      const [rows] = await connection.query<RowDataPacket[]>(
        'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS image, @@server_id AS serverId',
      );
      assert.deepEqual(rows[0], { logBin: 1, format: 'ROW', image: 'FULL', serverId: 1 });
    } finally {
      await connection.end();
    }
  });

  it('lets userdata read and write users, and nothing more', async () => {
    const connection = await connect('userdata');
    try {
      await connection.execute("INSERT INTO users (name, email, address) VALUES ('Ana', 'ana@example.test', 'Rua A')");
      await assert.rejects(connection.query('DROP TABLE users'), /command denied/);
      await assert.rejects(connection.query('SELECT * FROM mysql.user'), /command denied/);
    } finally {
      await connection.end();
    }
  });

  it('lets debezium read and replicate, but not write', async () => {
    const connection = await connect('debezium');
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT email FROM users');
      assert.ok(rows.length >= 0);
      await assert.rejects(
        connection.query("INSERT INTO users (name, email, address) VALUES ('x', 'x@x.test', 'x')"),
        /command denied/,
      );
    } finally {
      await connection.end();
    }
  });

  it('enforces unique email addresses regardless of case', async () => {
    const connection = await connect('userdata');
    try {
      await connection.execute("INSERT INTO users (name, email, address) VALUES ('Bia', 'bia@example.test', 'Rua B')");
      await assert.rejects(
        connection.execute("INSERT INTO users (name, email, address) VALUES ('Bia 2', 'BIA@example.test', 'Rua B')"),
        /Duplicate entry/,
      );
    } finally {
      await connection.end();
    }
  });

  it('is gone, with its port, once stopped', async () => {
    await server?.stop();
    assert.equal(server?.isRunning, false);
    assert.equal(await isPortFree(database.port), true);
  });
});
