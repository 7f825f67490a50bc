import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MySqlContainer, type StartedMySqlContainer } from '@testcontainers/mysql';
import mysql from 'mysql2/promise';
import { Wait } from 'testcontainers';
import { imageFor } from './images';

/**
 * The database images' entrypoint contract, as far as the containers environment, Testcontainers' MySqlContainer and
 * k8s/base/mysql rely on it, in the containers environment only: the official mysql and mariadb images on a Docker
 * host, their look-alikes through podman (support/environments/containers/podman/images/). Both images initialise on
 * their first start from MYSQL_* variables and /docker-entrypoint-initdb.d, then run the server with the container's
 * arguments.
 */
const skip = process.env.CDC_ENVIRONMENT === 'containers' ? false : 'runs with CDC_ENVIRONMENT=containers';

for (const flavour of ['mysql', 'mariadb'] as const) {
  describe(`the ${flavour} image (${imageFor(flavour, process.env)})`, { skip, timeout: 180_000 }, () => {
    // A quote in each password: the entrypoint must escape it in SQL.
    const rootPassword = `root'${flavour}`;
    const userPassword = "checker's";
    // An underscore, a wildcard in a GRANT's database name: the user's grant must be on this database only.
    const database = 'cdc_check';
    let container: StartedMySqlContainer;
    let root: mysql.Connection;

    before(async () => {
      container = await new MySqlContainer(imageFor(flavour, process.env))
        .withRootPassword(rootPassword)
        .withDatabase(database)
        .withUsername('checker')
        .withUserPassword(userPassword)
        .withCommand(['--server-id=7', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci'])
        .withCopyContentToContainer([
          {
            content: 'CREATE TABLE runs (id INT PRIMARY KEY);\nINSERT INTO runs VALUES (1);\n',
            target: '/docker-entrypoint-initdb.d/10-first.sql',
          },
          { content: 'INSERT INTO runs VALUES (2);\n', target: '/docker-entrypoint-initdb.d/20-second.sql' },
          // Not executable: sourced by the entrypoint.
          { content: 'echo sourced > /tmp/init-script-ran\n', target: '/docker-entrypoint-initdb.d/30-third.sh' },
          { content: 'not SQL, and not run\n', target: '/docker-entrypoint-initdb.d/40-ignored.txt' },
        ])
        // The official mysql image EXPOSEs the X Protocol's port too: see containers-environment.ts.
        .withExposedPorts(...(flavour === 'mysql' ? [33060] : []))
        .withLabels({ 'cdc-harness': 'true' })
        .withWaitStrategy(Wait.forListeningPorts())
        .start();
      root = await connect('root', rootPassword);
    });

    after(async () => {
      await root?.end();
      await container?.stop();
    });

    function connect(user: string, password: string, databaseName?: string): Promise<mysql.Connection> {
      return mysql.createConnection({
        host: container.getHost(),
        port: container.getPort(),
        user,
        password,
        ...(databaseName ? { database: databaseName } : {}),
      });
    }

    async function value(connection: mysql.Connection, sql: string): Promise<unknown> {
      const [rows] = await connection.query({ sql, rowsAsArray: true });
      return (rows as unknown[][])[0]?.[0];
    }

    it('lets root log in over TCP from anywhere with MYSQL_ROOT_PASSWORD', async () => {
      assert.equal(await value(root, 'SELECT CURRENT_USER()'), 'root@%');
    });

    it('gives MYSQL_USER all privileges on MYSQL_DATABASE, and on no other', async () => {
      const checker = await connect('checker', userPassword, database);
      try {
        await checker.query('CREATE TABLE made_by_checker (id INT)');
        await checker.query('DROP TABLE made_by_checker');
        await assert.rejects(checker.query('CREATE DATABASE cdcXcheck'), /access denied/i);
        const [rows] = await checker.query({ sql: 'SHOW DATABASES', rowsAsArray: true });
        assert.deepEqual(
          (rows as [string][]).map(([name]) => name).filter((name) => !/^(information|performance)_schema$/.test(name)),
          [database],
        );
      } finally {
        await checker.end();
      }
    });

    it('runs /docker-entrypoint-initdb.d in name order, the SQL in MYSQL_DATABASE, sourcing *.sh', async () => {
      const [rows] = await root.query({ sql: `SELECT id FROM ${database}.runs ORDER BY id`, rowsAsArray: true });
      assert.deepEqual(rows, [[1], [2]]);
      const result = await container.exec(['cat', '/tmp/init-script-ran']);
      assert.equal(result.output.trim(), 'sourced');
    });

    it('drops the test database', async () => {
      assert.equal(await value(root, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'test'"), 0);
    });

    it("runs the server with the container's arguments", async () => {
      assert.equal(await value(root, 'SELECT @@server_id'), 7);
      assert.equal(await value(root, 'SELECT @@character_set_server'), 'utf8mb4');
    });

    it('has the mysql client Testcontainers runs in the container', async () => {
      const output = await container.executeQuery('SELECT 40 + 2 AS answer', [], true);
      assert.match(output, /answer\s+42/);
    });

    if (flavour === 'mysql') {
      it('writes the binlog Debezium reads without being told: ROW format, full row images', async () => {
        assert.equal(await value(root, 'SELECT @@log_bin'), 1);
        assert.equal(await value(root, 'SELECT @@binlog_format'), 'ROW');
        assert.equal(await value(root, 'SELECT @@binlog_row_image'), 'FULL');
      });

      it('loads the time zone tables, MYSQL_INITDB_SKIP_TZINFO being unset', async () => {
        assert.equal(
          await value(root, "SELECT COUNT(*) > 0 FROM mysql.time_zone_name WHERE name = 'Europe/Lisbon'"),
          1,
        );
      });
    }
  });
}
