import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { DatabaseEndpoint, DatabaseFlavour } from '../../components/environment';
import { isPortFree } from '../../lib/free-ports';
import { startTestDatabase, type TestDatabase } from '../../service-tests/test-database';

for (const flavour of ['mariadb', 'mysql'] as const satisfies readonly DatabaseFlavour[]) {
  describe(`the harness ${flavour === 'mysql' ? 'MySQL' : 'MariaDB'}`, { timeout: 180_000 }, () => {
    let server: TestDatabase | undefined;
    let database: DatabaseEndpoint;

    before(async () => {
      server = await startTestDatabase(flavour);
      database = server.database;
    });

    after(async () => {
      await server?.stop();
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

    it('names itself as the server it is', () => {
      assert.match(server?.server ?? '', flavour === 'mysql' ? /^MySQL 9\.7\.\d+/ : /^MariaDB 10\.11\.\d+/);
    });

    it("gives Debezium the replication grants in the server's own words", async () => {
      const connection = await connect('debezium');
      try {
        const [rows] = await connection.query<RowDataPacket[]>('SHOW GRANTS');
        const grants = rows.map((row) => String(Object.values(row)[0])).join('\n');
        // MariaDB 10.11 shows REPLICATION CLIENT as BINLOG MONITOR; MySQL keeps both names of the grant.
        const expected =
          flavour === 'mysql'
            ? /GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON \*\.\*/
            : /GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON \*\.\*/;
        assert.match(grants, expected);
      } finally {
        await connection.end();
      }
    });

    it('lets userdata read and write users, and nothing more', async () => {
      const connection = await connect('userdata');
      try {
        await connection.execute(
          "INSERT INTO users (name, email, address) VALUES ('Ana', 'ana@example.test', 'Rua A')",
        );
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
        await connection.execute(
          "INSERT INTO users (name, email, address) VALUES ('Bia', 'bia@example.test', 'Rua B')",
        );
        await assert.rejects(
          connection.execute("INSERT INTO users (name, email, address) VALUES ('Bia 2', 'BIA@example.test', 'Rua B')"),
          /Duplicate entry/,
        );
      } finally {
        await connection.end();
      }
    });

    if (flavour === 'mysql') {
      it('logs the services in with caching_sha2_password and GTIDs on, also once a restart emptied its login cache', async () => {
        const login = async () => {
          const connection = await connect('userdata');
          try {
            const [rows] = await connection.query<RowDataPacket[]>('SHOW CREATE USER CURRENT_USER()');
            assert.match(String(Object.values(rows[0] ?? {})[0]), /IDENTIFIED WITH 'caching_sha2_password'/);
            const [[mode]] = (await connection.query('SELECT @@gtid_mode AS gtid')) as unknown as [{ gtid: string }[]];
            assert.equal(mode?.gtid, 'ON');
          } finally {
            await connection.end();
          }
        };
        await login();
        await server?.restart();
        // The first login after a restart misses the server's cache: a full caching_sha2_password exchange without TLS.
        await login();
      });
    }

    it('is gone, with its port, once stopped', async () => {
      const process = server?.process;
      await process?.stop();
      assert.equal(process?.isRunning, false);
      assert.equal(await isPortFree(database.port), true);
    });
  });
}
