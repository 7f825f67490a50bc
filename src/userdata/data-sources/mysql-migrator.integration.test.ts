import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { DatabaseEndpoint } from '../../../support/components/environment';
import { startTestMariaDb } from '../../../support/service-tests/test-database';
import { loadMigrations as loadMigrationsFrom, migrate as migrateWith } from '../../shared/mysql-migrator';
import { userdataMigrations as migrationsFolder } from './schema';

const loadMigrations = (folder: string = migrationsFolder) => loadMigrationsFrom(folder);
const migrate = (connection: Connection, migrations = loadMigrations()) => migrateWith(connection, migrations);

interface MigrationRow extends RowDataPacket {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

describe('migrate on a private MariaDB', { timeout: 120_000 }, () => {
  let stopServer: (() => Promise<void>) | undefined;
  let database: DatabaseEndpoint;
  /** Temp folders of migration files made by the tests, removed in `after`. */
  const scratch: string[] = [];

  before(async () => {
    ({ database, stop: stopServer } = await startTestMariaDb());
  });

  after(async () => {
    await stopServer?.();
    for (const made of scratch) rmSync(made, { recursive: true, force: true });
  });

  /** A connection as `npm run migrate` opens it (or as the service's user), ended after `use`. */
  const withConnection = async <T>(
    use: (connection: Connection) => Promise<T>,
    credentials = database.migrator,
  ): Promise<T> => {
    const connection = await mysql.createConnection({
      host: database.host,
      port: database.port,
      database: database.name,
      ...credentials,
      multipleStatements: true,
    });
    try {
      return await use(connection);
    } finally {
      await connection.end();
    }
  };

  const recorded = (connection: Connection) =>
    connection
      .query<MigrationRow[]>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')
      .then(([rows]) => rows);

  const tableExists = async (connection: Connection, table: string): Promise<boolean> => {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    );
    return Number(rows[0]?.n) === 1;
  };

  /** A temp folder holding copies of the real migration files, plus `extra` files (name -> content). */
  const migrationsCopy = (extra: Record<string, string> = {}): string => {
    const copy = mkdtempSync(join(tmpdir(), 'cdc-migrations-'));
    scratch.push(copy);
    for (const file of readdirSync(migrationsFolder)) copyFileSync(join(migrationsFolder, file), join(copy, file));
    for (const [file, content] of Object.entries(extra)) writeFileSync(join(copy, file), content);
    return copy;
  };

  const nextVersion = (): number => Math.max(...loadMigrations().map((migration) => migration.version)) + 1;
  const padded = (version: number): string => String(version).padStart(4, '0');

  /** Removes what a test migration created, so that other tests see the schema as the project's migrations leave it. */
  const undo = async (connection: Connection, table: string, version: number): Promise<void> => {
    await connection.query(`DROP TABLE IF EXISTS ${table}`);
    await connection.query('DELETE FROM schema_migrations WHERE version = ?', [version]);
  };

  it("records one row per migration file at start-up, and builds the users table with all of the migrations' columns", async () => {
    const loaded = loadMigrations();
    assert.ok(loaded.length >= 2, 'the project has its migrations');

    await withConnection(async (connection) => {
      const rows = await recorded(connection);
      assert.deepEqual(
        rows.map(({ version, name, checksum }) => ({ version, name, checksum })),
        loaded.map(({ version, name, checksum }) => ({ version, name, checksum })),
      );
      for (const row of rows) {
        assert.match(row.checksum, /^[0-9a-f]{64}$/);
        assert.ok(row.applied_at instanceof Date && !Number.isNaN(row.applied_at.getTime()));
      }

      const [columns] = await connection.query<RowDataPacket[]>(
        `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION`,
      );
      assert.deepEqual(
        columns.map((column) => column.name),
        ['id', 'name', 'email', 'address', 'version', 'created_at', 'updated_at'],
      );
    });
  });

  it('applies nothing when run again, and leaves schema_migrations as it was', async () => {
    await withConnection(async (connection) => {
      const before = await recorded(connection);
      assert.ok(before.length > 0);

      assert.deepEqual(await migrate(connection), []);
      assert.deepEqual(await migrate(connection, loadMigrations()), []);

      const after = await recorded(connection);
      assert.deepEqual(after, before);
      assert.deepEqual(
        after.map((row) => row.applied_at.getTime()),
        before.map((row) => row.applied_at.getTime()),
      );
    });
  });

  it('applies a new migration once, records it, and applies nothing the second time', async () => {
    const version = nextVersion();
    const file = `${padded(version)}_add_test_table.sql`;
    const copy = migrationsCopy({ [file]: 'CREATE TABLE migrator_test (id INT PRIMARY KEY);\n' });

    await withConnection(async (connection) => {
      try {
        const before = await recorded(connection);
        assert.equal(await tableExists(connection, 'migrator_test'), false);

        assert.deepEqual(await migrate(connection, loadMigrations(copy)), [`${padded(version)}_add_test_table`]);

        assert.equal(await tableExists(connection, 'migrator_test'), true);
        const after = await recorded(connection);
        assert.equal(after.length, before.length + 1);
        assert.deepEqual(after.slice(0, before.length), before);
        const added = after.at(-1);
        assert.equal(added?.version, version);
        assert.equal(added?.name, 'add_test_table');
        assert.equal(added?.checksum, loadMigrations(copy).at(-1)?.checksum);

        assert.deepEqual(await migrate(connection, loadMigrations(copy)), []);
        assert.deepEqual(await recorded(connection), after);
      } finally {
        await undo(connection, 'migrator_test', version);
      }
      assert.equal(await tableExists(connection, 'migrator_test'), false);
      assert.equal((await recorded(connection)).length, loadMigrations().length);
    });
  });

  it('refuses an applied migration whose file changed since, and records nothing new', async () => {
    const first = readdirSync(migrationsFolder).find((file) => file.startsWith('0001_'));
    assert.ok(first, 'the project has a migration 0001');
    const version = nextVersion();
    // A new migration after the changed one: the refusal must stop before it.
    const copy = migrationsCopy({
      [first]: `${readFileSync(join(migrationsFolder, first), 'utf8')}\n-- edited after it was applied\n`,
      [`${padded(version)}_add_test_table.sql`]: 'CREATE TABLE migrator_refused (id INT PRIMARY KEY);\n',
    });

    await withConnection(async (connection) => {
      try {
        const before = await recorded(connection);

        await assert.rejects(migrate(connection, loadMigrations(copy)), /changed after it was applied/);

        assert.deepEqual(await recorded(connection), before);
        assert.equal(await tableExists(connection, 'migrator_refused'), false);
        // The lock was released: the project's own migrations still run (and find nothing to do).
        assert.deepEqual(await migrate(connection), []);
      } finally {
        await undo(connection, 'migrator_refused', version);
      }
    });
  });

  describe('loadMigrations', () => {
    it('refuses a file not named NNNN_description.sql', () => {
      for (const bad of ['create_things.sql', '0003-create-things.sql', '0003_create things.sql', '0003_.sql']) {
        const copy = migrationsCopy({ [bad]: 'SELECT 1;\n' });
        assert.throws(
          () => loadMigrations(copy),
          (error: unknown) => {
            assert.ok(error instanceof Error);
            assert.match(error.message, /not named NNNN_description\.sql/);
            assert.ok(error.message.includes(bad), `the message names ${bad}: ${error.message}`);
            return true;
          },
        );
      }
    });

    it('refuses two files with the same version', () => {
      const version = nextVersion();
      const copy = migrationsCopy({
        [`${padded(version)}_one.sql`]: 'SELECT 1;\n',
        [`${padded(version)}_two.sql`]: 'SELECT 2;\n',
      });
      assert.throws(() => loadMigrations(copy), new RegExp(`Two migrations have version ${version}\\b`));

      // The same version spelled differently is still the same version.
      const respelled = migrationsCopy({ [`${version}_again.sql`]: 'SELECT 3;\n' });
      writeFileSync(join(respelled, `${padded(version)}_first.sql`), 'SELECT 4;\n');
      assert.throws(() => loadMigrations(respelled), /Two migrations have version/);
    });

    it('loads the files in version order with the sha-256 of their content', () => {
      const copy = migrationsCopy({ '0010_later.sql': 'SELECT 10;\n', '0009_earlier.sql': 'SELECT 9;\n' });
      const loaded = loadMigrations(copy);
      const versions = loaded.map((migration) => migration.version);
      assert.deepEqual(
        versions,
        [...versions].sort((a, b) => a - b),
      );
      assert.deepEqual(
        loaded.slice(-2).map((migration) => migration.name),
        ['earlier', 'later'],
      );
      assert.equal(loaded.at(-1)?.checksum, createHash('sha256').update('SELECT 10;\n').digest('hex'));
      assert.equal(loaded.at(-1)?.sql, 'SELECT 10;\n');
    });
  });

  it("denies the service's own user any change of the schema", async () => {
    await withConnection(async (connection) => {
      await assert.rejects(connection.query('CREATE TABLE x (id INT)'), /command denied/);
      await assert.rejects(connection.query('ALTER TABLE users ADD COLUMN y INT'), /command denied/);
      // It still reads, so the refusals are about privileges, not about the connection.
      const [rows] = await connection.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM users');
      assert.ok(Number(rows[0]?.n) >= 0);
    }, database.userdata);

    await withConnection(async (connection) => {
      assert.equal(await tableExists(connection, 'x'), false);
      const [columns] = await connection.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'y'`,
      );
      assert.equal(Number(columns[0]?.n), 0);
    });
  });

  it('serialises two migrators started together: one applies the new migration, the other finds nothing to do', async () => {
    const version = nextVersion();
    // No IF NOT EXISTS, and a pause after the DDL: without the lock both would run it and one would fail.
    const copy = migrationsCopy({
      [`${padded(version)}_add_test_table.sql`]: 'CREATE TABLE migrator_race (id INT PRIMARY KEY);\nDO SLEEP(0.5);\n',
    });
    const migrations = loadMigrations(copy);

    await withConnection(async (first) => {
      await withConnection(async (second) => {
        try {
          const results = await Promise.all([migrate(first, migrations), migrate(second, migrations)]);

          assert.deepEqual(
            [...results].sort((a, b) => a.length - b.length),
            [[], [`${padded(version)}_add_test_table`]],
          );
          assert.equal(await tableExists(first, 'migrator_race'), true);
          const rows = (await recorded(first)).filter((row) => row.version === version);
          assert.equal(rows.length, 1);
        } finally {
          await undo(first, 'migrator_race', version);
        }
      });
    });
  });
});
