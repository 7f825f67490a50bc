import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { startTestMariaDb } from '../../../support/service-tests/test-mariadb';
import { EmailAlreadyInUse, StaleVersion } from '../entities/errors';
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

  const staleVersion = (id: number, currentVersion: number) => (error: unknown) => {
    assert.ok(error instanceof StaleVersion, `expected StaleVersion, got ${String(error)}`);
    assert.equal(error.userId, id);
    assert.equal(error.currentVersion, currentVersion);
    return true;
  };

  const emailAlreadyInUse = (email: string) => (error: unknown) => {
    assert.ok(error instanceof EmailAlreadyInUse, `expected EmailAlreadyInUse, got ${String(error)}`);
    assert.equal(error.email, email);
    return true;
  };

  describe('create and findById', () => {
    it('stores a new user at version 1 and finds it by id', async () => {
      const input = newUser('create');
      const created = await users.create(input);

      assert.ok(Number.isInteger(created.id) && created.id > 0);
      assert.equal(created.name, input.name);
      assert.equal(created.email, input.email);
      assert.equal(created.address, input.address);
      assert.equal(created.version, 1);
      assert.ok(created.createdAt instanceof Date && !Number.isNaN(created.createdAt.getTime()));
      assert.ok(created.updatedAt instanceof Date && !Number.isNaN(created.updatedAt.getTime()));
      // The server runs in UTC and the pool reads in UTC: the timestamps are "now", not hours off.
      assert.ok(Math.abs(created.createdAt.getTime() - Date.now()) < 60_000);

      assert.deepEqual(await users.findById(created.id), created);
    });

    it('finds nothing for an unknown id', async () => {
      assert.equal(await users.findById(987_654_321), undefined);
    });
  });

  describe('email uniqueness, whatever the letter case', () => {
    it('rejects creating a user whose email differs from a taken one only in case', async () => {
      const taken = await users.create(newUser('unique-create'));
      const upper = taken.email.toUpperCase();

      await assert.rejects(users.create(newUser('unique-create', { email: upper })), emailAlreadyInUse(upper));
      const [rows] = await (pool as Pool).execute<RowDataPacket[]>('SELECT COUNT(*) AS n FROM users WHERE email = ?', [
        taken.email,
      ]);
      assert.equal(Number(rows[0]?.n), 1);
    });

    it("rejects changing a user's email to a case variant of another user's, and leaves the user unchanged", async () => {
      const owner = await users.create(newUser('unique-owner'));
      const other = await users.create(newUser('unique-other'));
      const variant = owner.email.toUpperCase();
      const before = await storedRow(other.id);

      await assert.rejects(users.update(other.id, { email: variant }, undefined), emailAlreadyInUse(variant));
      await assert.rejects(
        users.update(other.id, { name: 'Renamed too', email: variant }, [other.version]),
        emailAlreadyInUse(variant),
      );

      assert.deepEqual(await users.findById(other.id), other);
      assert.deepEqual(await storedRow(other.id), before);
      assert.deepEqual(await users.findById(owner.id), owner);
    });
  });

  describe('update', () => {
    it('applies only the given fields and increments the version', async () => {
      const user = await users.create(newUser('update-fields'));
      await sleep(5);

      const updated = await users.update(user.id, { name: 'New Name' }, undefined);

      assert.ok(updated);
      assert.equal(updated.id, user.id);
      assert.equal(updated.name, 'New Name');
      assert.equal(updated.email, user.email);
      assert.equal(updated.address, user.address);
      assert.equal(updated.version, 2);
      assert.equal(updated.createdAt.getTime(), user.createdAt.getTime());
      assert.ok(updated.updatedAt.getTime() > user.updatedAt.getTime());
      assert.deepEqual(await users.findById(user.id), updated);

      const again = await users.update(user.id, { address: 'Rua Nova', email: undefined }, [2]);
      assert.ok(again);
      assert.equal(again.name, 'New Name');
      assert.equal(again.email, user.email);
      assert.equal(again.address, 'Rua Nova');
      assert.equal(again.version, 3);
    });

    it('writes nothing when the changes change nothing', async () => {
      const user = await users.create(newUser('update-noop'));
      const before = await storedRow(user.id);
      await sleep(5);

      const same = await users.update(user.id, { name: user.name, email: user.email, address: user.address }, [
        user.version,
      ]);
      const empty = await users.update(user.id, {}, undefined);

      assert.deepEqual(same, user);
      assert.deepEqual(empty, user);
      const after = await storedRow(user.id);
      assert.ok(before && after);
      assert.equal(after.version, 1);
      assert.equal(after.updated_at.getTime(), before.updated_at.getTime());
      assert.deepEqual(after, before);
    });

    it("stores a change of only the letter case of the user's own email", async () => {
      const user = await users.create(newUser('update-case', { email: `ana-${Date.now()}@x.test` }));
      const shouted = user.email.replace('ana', 'ANA');

      const updated = await users.update(user.id, { email: shouted }, [user.version]);

      assert.ok(updated);
      assert.equal(updated.email, shouted);
      assert.equal(updated.version, 2);
      assert.equal((await storedRow(user.id))?.email, shouted);
      assert.equal((await users.findById(user.id))?.email, shouted);
    });
  });

  describe('optimistic concurrency', () => {
    it('applies an update whose expected version is the current one', async () => {
      const user = await users.create(newUser('occ-ok'));
      const updated = await users.update(user.id, { name: 'Expected' }, [user.version]);
      assert.equal(updated?.name, 'Expected');
      assert.equal(updated?.version, 2);

      // Any of several expected versions will do, as with If-Match listing several ETags.
      const next = await users.update(user.id, { name: 'One of many' }, [1, 2, 7]);
      assert.equal(next?.version, 3);
    });

    it('rejects an update based on a stale version and changes nothing', async () => {
      const user = await users.create(newUser('occ-stale-update'));
      const current = await users.update(user.id, { address: 'Moved' }, undefined);
      assert.equal(current?.version, 2);
      const before = await storedRow(user.id);

      await assert.rejects(users.update(user.id, { name: 'Too late' }, [1]), staleVersion(user.id, 2));

      assert.deepEqual(await storedRow(user.id), before);
      assert.deepEqual(await users.findById(user.id), current);
    });

    it('rejects a delete based on a stale version and keeps the user', async () => {
      const user = await users.create(newUser('occ-stale-delete'));
      const current = await users.update(user.id, { name: 'Changed' }, undefined);

      await assert.rejects(users.delete(user.id, [1]), staleVersion(user.id, 2));

      assert.deepEqual(await users.findById(user.id), current);
    });

    it('deletes at the expected version', async () => {
      const user = await users.create(newUser('occ-delete'));

      assert.equal(await users.delete(user.id, [user.version]), true);

      assert.equal(await users.findById(user.id), undefined);
      assert.equal(await storedRow(user.id), undefined);
      assert.equal(await users.delete(user.id, undefined), false);
    });

    it('finds nothing to update or delete for an unknown id', async () => {
      assert.equal(await users.update(987_654_321, { name: 'Nobody' }, undefined), undefined);
      assert.equal(await users.update(987_654_321, { name: 'Nobody' }, [1]), undefined);
      assert.equal(await users.delete(987_654_321, undefined), false);
      assert.equal(await users.delete(987_654_321, [1]), false);
    });

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

  describe('list', () => {
    it('pages through all users in strictly increasing id order, without repeats', async () => {
      const created: User[] = [];
      for (let i = 0; i < 7; i += 1) created.push(await users.create(newUser('list')));

      const seen: number[] = [];
      let afterId: number | undefined;
      let pages = 0;
      let lastPageSize = -1;
      do {
        const page = await users.list({ afterId, limit: 3 });
        pages += 1;
        assert.ok(page.users.length <= 3);
        seen.push(...page.users.map((user) => user.id));
        if (page.nextAfterId !== undefined) {
          assert.equal(page.users.length, 3);
          assert.equal(page.nextAfterId, page.users.at(-1)?.id);
        }
        lastPageSize = page.users.length;
        afterId = page.nextAfterId;
        assert.ok(pages < 1_000, 'paging does not end');
      } while (afterId !== undefined);

      assert.ok(lastPageSize >= 1, 'the last page is not empty when there are users');
      for (let i = 1; i < seen.length; i += 1) {
        assert.ok((seen[i] as number) > (seen[i - 1] as number), `ids not strictly increasing: ${seen.join(',')}`);
      }
      assert.equal(new Set(seen).size, seen.length);
      for (const user of created) assert.ok(seen.includes(user.id), `user ${user.id} was never listed`);

      const [rows] = await (pool as Pool).query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM users');
      assert.equal(seen.length, Number(rows[0]?.n));
    });

    it('starts after the given id and returns users as stored', async () => {
      const first = await users.create(newUser('list-after'));
      const second = await users.create(newUser('list-after'));

      const page = await users.list({ afterId: first.id, limit: 1 });

      assert.deepEqual(page.users, [second]);
      // Nothing was created after `second` within this test, but other tests may have: only a full page continues.
      const tail = await users.list({ afterId: second.id, limit: 100 });
      assert.equal(tail.nextAfterId, undefined);
      assert.ok(tail.users.every((user) => user.id > second.id));
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
