import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { startTestMariaDb } from '../../../support/service-tests/test-database';
import { userRepositoryContract } from '../../../support/service-tests/userdata/user-repository.contract';
import { StaleVersion } from '../entities/errors';
import type { NewUser, User } from '../entities/user';
import { MySqlUserRepository } from './mysql-user.repository';

interface StoredRow extends RowDataPacket {
  id: number;
  name: string;
  email: string;
  address: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

describe('MySqlUserRepository on a private MariaDB', { timeout: 120_000 }, () => {
  let stopServer: (() => Promise<void>) | undefined;
  let pool: Pool | undefined;
  let users: MySqlUserRepository;

  before(async () => {
    const started = await startTestMariaDb();
    stopServer = started.stop;
    const { database } = started;
    // The service's own least-privilege user, configured as main.ts configures its pool.
    pool = mysql.createPool({
      host: database.host,
      port: database.port,
      database: database.name,
      ...database.userdata,
      timezone: 'Z',
      connectionLimit: 5,
    });
    users = new MySqlUserRepository(pool);
  });

  after(async () => {
    await pool?.end();
    await stopServer?.();
  });

  let counter = 0;
  /** A user whose email no other test uses. */
  const newUser = (label: string, overrides: Partial<NewUser> = {}): NewUser => {
    counter += 1;
    return {
      name: `${label} ${counter}`,
      email: `${label}-${counter}@example.test`,
      address: `Rua ${counter}`,
      ...overrides,
    };
  };

  /** The row as the database holds it, read outside the repository. */
  const storedRow = async (id: number): Promise<StoredRow | undefined> => {
    if (!pool) throw new Error('no pool');
    const [rows] = await pool.execute<StoredRow[]>(
      'SELECT id, name, email, address, version, created_at, updated_at FROM users WHERE id = ?',
      [id],
    );
    return rows[0];
  };

  // The shared behaviour, on an emptied table for each test: a fresh repository, as the contract wants.
  userRepositoryContract(async () => {
    await (pool as Pool).query('DELETE FROM users');
    return users;
  });

  // What follows only MySQL can show: statements racing inside the server, and values as the table stores them.
  describe('optimistic concurrency under races', () => {
    /** Exactly one of two settled updates at version `v` won; the other failed with StaleVersion. */
    const assertOneWinner = async (id: number, v: number, results: PromiseSettledResult<User | undefined>[]) => {
      const fulfilled = results.filter((result) => result.status === 'fulfilled');
      const rejected = results.filter((result) => result.status === 'rejected');
      assert.equal(fulfilled.length, 1, `expected one winner, got ${JSON.stringify(results)}`);
      assert.equal(rejected.length, 1);
      assert.ok(rejected[0]?.reason instanceof StaleVersion, `loser failed with ${String(rejected[0]?.reason)}`);
      assert.equal(rejected[0].reason.currentVersion, v + 1);

      const winner = fulfilled[0]?.value;
      assert.ok(winner);
      assert.equal(winner.version, v + 1);
      const stored = await users.findById(id);
      assert.equal(stored?.version, v + 1);
      assert.equal(stored?.name, winner.name);
    };

    it('lets exactly one of two concurrent updates at the same version win', async () => {
      const user = await users.create(newUser('occ-race'));
      const v = user.version;

      const results = await Promise.allSettled([
        users.update(user.id, { name: 'Writer A' }, [v]),
        users.update(user.id, { name: 'Writer B' }, [v]),
      ]);

      await assertOneWinner(user.id, v, results);
    });

    it('lets exactly one win even when both updates are surely in flight at once', async () => {
      const user = await users.create(newUser('occ-overlap'));
      const v = user.version;
      // Another session holds the row, so both updates are waiting inside the database before either can proceed.
      const holder = await (pool as Pool).getConnection();
      let results: PromiseSettledResult<User | undefined>[];
      try {
        await holder.beginTransaction();
        await holder.execute('SELECT id FROM users WHERE id = ? FOR UPDATE', [user.id]);
        const racing = Promise.allSettled([
          users.update(user.id, { name: 'Overlap A' }, [v]),
          users.update(user.id, { name: 'Overlap B' }, [v]),
        ]);
        // The userdata user sees its own sessions in the process list: wait until two others run a statement.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [rows] = await holder.query<RowDataPacket[]>(
            `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
              WHERE USER = 'userdata' AND ID <> CONNECTION_ID() AND INFO LIKE '%users%'`,
          );
          if (Number(rows[0]?.n) >= 2) break;
          assert.ok(Date.now() < deadline, 'the two updates never both reached the database');
          await sleep(10);
        }
        await holder.commit();
        results = await racing;
      } finally {
        // Only matters when something above failed: never return the pool a connection holding the lock.
        await holder.rollback().catch(() => undefined);
        holder.release();
      }

      await assertOneWinner(user.id, v, results);
    });
  });

  describe('awkward values', () => {
    it('stores a name that looks like SQL verbatim', async () => {
      const name = "Robert'); DROP TABLE users;--";
      const address = '1" OR "1"="1; \\ back\\slash %_';
      const user = await users.create(newUser('sql', { name, address }));

      assert.equal(user.name, name);
      assert.equal(user.address, address);
      assert.equal((await users.findById(user.id))?.name, name);
      assert.equal((await storedRow(user.id))?.name, name);

      const renamed = await users.update(user.id, { name: `${name} again` }, [user.version]);
      assert.equal(renamed?.name, `${name} again`);
      assert.ok((await users.list({ limit: 1 })).users.length === 1, 'the users table is still there');
    });

    it('stores a 200-character unicode name verbatim', async () => {
      const name = 'ç'.repeat(200);
      const user = await users.create(newUser('unicode', { name }));

      assert.equal(user.name, name);
      assert.equal(user.name.length, 200);
      assert.equal((await users.findById(user.id))?.name, name);
      assert.equal((await storedRow(user.id))?.name, name);

      const other = 'ãéîõü ñ ß Ωμέγα 漢字 '.repeat(10).slice(0, 200);
      const updated = await users.update(user.id, { name: other }, undefined);
      assert.equal(updated?.name, other);
      assert.equal((await storedRow(user.id))?.name, other);
    });
  });
});
