import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmailAlreadyInUse, StaleVersion } from '../../../src/userdata/entities/errors';
import type { NewUser, User } from '../../../src/userdata/entities/user';
import type { UserRepository } from '../../../src/userdata/repositories/user-repository';

const ana: NewUser = { name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };
const bia: NewUser = { name: 'Bia', email: 'bia@example.test', address: 'Rua B, 2' };

/** Long enough for a write to show in updatedAt (millisecond timestamps): a "nothing written" check then means it. */
const letTheClockMove = () => sleep(5);

const staleVersion = (userId: number, currentVersion: number) => (error: unknown) => {
  assert.ok(error instanceof StaleVersion, `expected StaleVersion, got ${String(error)}`);
  assert.deepEqual({ userId: error.userId, currentVersion: error.currentVersion }, { userId, currentVersion });
  return true;
};

const emailAlreadyInUse = (email: string) => (error: unknown) => {
  assert.ok(error instanceof EmailAlreadyInUse, `expected EmailAlreadyInUse, got ${String(error)}`);
  assert.equal(error.email, email);
  return true;
};

/** Every user stored, in id order; the repositories under test are fresh, so these are the test's own. */
async function everyone(users: UserRepository): Promise<readonly User[]> {
  return (await users.list({ limit: 1_000 })).users;
}

/**
 * The behaviour every UserRepository shares, as node:test suites: run it against each implementation. `fresh` gives
 * an empty repository for each test. MySqlUserRepository is the reference; the in-memory fake that the interactor
 * and HTTP tests use must pass it too, so that those tests prove something about the real service.
 */
export function userRepositoryContract(fresh: () => Promise<UserRepository>): void {
  describe('UserRepository contract', () => {
    describe('create and read', () => {
      it('stores a new user at version 1, with the given fields and the current time, and finds it by id', async () => {
        const users = await fresh();
        const created = await users.create(ana);

        assert.ok(Number.isInteger(created.id) && created.id > 0);
        assert.deepEqual(
          { name: created.name, email: created.email, address: created.address, version: created.version },
          { ...ana, version: 1 },
        );
        assert.ok(created.createdAt instanceof Date && created.updatedAt instanceof Date);
        assert.equal(created.updatedAt.getTime(), created.createdAt.getTime());
        // "Now", not hours off: a database read in another time zone than it writes would fail this.
        assert.ok(Math.abs(created.createdAt.getTime() - Date.now()) < 60_000, `createdAt ${created.createdAt}`);
        assert.deepEqual(await users.findById(created.id), created);
      });

      it('gives each new user a greater id than the ones before', async () => {
        const users = await fresh();
        const first = await users.create(ana);
        await users.delete(first.id, undefined);
        const second = await users.create(bia);
        const third = await users.create(ana);
        assert.ok(first.id < second.id && second.id < third.id, `ids ${first.id}, ${second.id}, ${third.id}`);
      });

      it('finds nothing for an unknown id', async () => {
        const users = await fresh();
        assert.equal(await users.findById(987_654_321), undefined);
      });
    });

    describe('email uniqueness, whatever the letter case', () => {
      it('refuses a new user whose email differs from a taken one only in letter case, and stores nothing', async () => {
        const users = await fresh();
        const taken = await users.create(ana);
        const shouted = ana.email.toUpperCase();

        await assert.rejects(users.create({ ...bia, email: shouted }), emailAlreadyInUse(shouted));
        await assert.rejects(users.create({ ...bia, email: ana.email }), emailAlreadyInUse(ana.email));
        assert.deepEqual(await everyone(users), [taken]);
      });

      it("refuses changing an email to a case variant of another user's, and changes nothing", async () => {
        const users = await fresh();
        const owner = await users.create(ana);
        const other = await users.create(bia);
        const variant = 'Ana@Example.TEST';

        await assert.rejects(users.update(other.id, { email: variant }, undefined), emailAlreadyInUse(variant));
        await assert.rejects(
          users.update(other.id, { name: 'Renamed too', email: variant }, [other.version]),
          emailAlreadyInUse(variant),
        );
        assert.deepEqual(await everyone(users), [owner, other]);
      });

      it('frees the email of a deleted user', async () => {
        const users = await fresh();
        const gone = await users.create(ana);
        await users.delete(gone.id, undefined);

        const again = await users.create({ ...bia, email: ana.email });
        assert.equal(again.email, ana.email);
      });
    });

    describe('versions', () => {
      it('changes only the given fields, and increments the version by one on each real change', async () => {
        const users = await fresh();
        const user = await users.create(ana);
        await letTheClockMove();

        const renamed = await users.update(user.id, { name: 'Ana S' }, undefined);
        assert.deepEqual(
          { ...renamed, updatedAt: undefined },
          { ...user, name: 'Ana S', version: 2, updatedAt: undefined },
        );
        assert.ok(renamed && renamed.updatedAt.getTime() > user.updatedAt.getTime(), 'updatedAt did not move');
        assert.deepEqual(await users.findById(user.id), renamed);

        const moved = await users.update(user.id, { address: 'Rua Nova', email: undefined }, [2]);
        assert.deepEqual(
          { name: moved?.name, email: moved?.email, address: moved?.address, version: moved?.version },
          { name: 'Ana S', email: ana.email, address: 'Rua Nova', version: 3 },
        );
        assert.equal(moved?.createdAt.getTime(), user.createdAt.getTime());
      });

      it("counts a change of only the letter case of the user's own email as a real change", async () => {
        const users = await fresh();
        const user = await users.create(ana);

        const shouted = await users.update(user.id, { email: 'ANA@example.test' }, [user.version]);

        assert.equal(shouted?.email, 'ANA@example.test');
        assert.equal(shouted?.version, 2);
        assert.deepEqual(await users.findById(user.id), shouted);
      });

      it('applies a change whose expected versions include the current one', async () => {
        const users = await fresh();
        const user = await users.create(ana);

        assert.equal((await users.update(user.id, { name: 'Expected' }, [user.version]))?.version, 2);
        // Any of several will do, as with an If-Match header that lists several entity tags.
        assert.equal((await users.update(user.id, { name: 'One of many' }, [1, 2, 7]))?.version, 3);
      });

      it('refuses a change at a stale expected version, naming the current one, and writes nothing', async () => {
        const users = await fresh();
        const user = await users.create(ana);
        const current = await users.update(user.id, { address: 'Moved' }, undefined);
        assert.equal(current?.version, 2);
        await letTheClockMove();

        await assert.rejects(users.update(user.id, { name: 'Too late' }, [1]), staleVersion(user.id, 2));
        await assert.rejects(users.update(user.id, { name: 'Too late' }, [1, 3]), staleVersion(user.id, 2));
        // No version at all expected (an If-Match of weak tags only) matches none.
        await assert.rejects(users.update(user.id, { name: 'Too late' }, []), staleVersion(user.id, 2));
        // Stale is stale even when the change would change nothing, or collides with another user's email.
        await assert.rejects(users.update(user.id, { address: 'Moved' }, [1]), staleVersion(user.id, 2));
        await assert.rejects(users.update(user.id, {}, [1]), staleVersion(user.id, 2));
        const other = await users.create(bia);
        await assert.rejects(users.update(user.id, { email: bia.email }, [1]), staleVersion(user.id, 2));

        assert.deepEqual(await everyone(users), [current, other]);
      });

      it('refuses a delete at a stale expected version, and keeps the user', async () => {
        const users = await fresh();
        const user = await users.create(ana);
        const current = await users.update(user.id, { name: 'Changed' }, undefined);

        await assert.rejects(users.delete(user.id, [1]), staleVersion(user.id, 2));
        await assert.rejects(users.delete(user.id, []), staleVersion(user.id, 2));

        assert.deepEqual(await everyone(users), [current]);
      });
    });

    describe('a change that changes nothing', () => {
      it('writes nothing: the same version, the same updatedAt, the user returned as stored', async () => {
        const users = await fresh();
        const user = await users.create(ana);
        await letTheClockMove();

        const noOps = [
          await users.update(user.id, { ...ana }, [user.version]),
          await users.update(user.id, { name: ana.name }, undefined),
          await users.update(user.id, { name: undefined, email: undefined }, undefined),
          await users.update(user.id, {}, [user.version]),
        ];

        for (const same of noOps) assert.deepEqual(same, user);
        assert.deepEqual(await everyone(users), [user]);
      });
    });

    describe('list', () => {
      it('pages through every user in id order, at most `limit` a page, each page after the cursor', async () => {
        const users = await fresh();
        const created: User[] = [];
        for (let i = 0; i < 7; i += 1) created.push(await users.create({ ...ana, email: `list-${i}@example.test` }));

        const pages: number[][] = [];
        let afterId: number | undefined;
        do {
          const page = await users.list({ ...(afterId === undefined ? {} : { afterId }), limit: 3 });
          pages.push(page.users.map((user) => user.id));
          // The cursor is the last user of a page that has a next one.
          if (page.nextAfterId !== undefined) assert.equal(page.nextAfterId, page.users.at(-1)?.id);
          afterId = page.nextAfterId;
          assert.ok(pages.length < 10, 'paging does not end');
        } while (afterId !== undefined);

        const ids = created.map((user) => user.id);
        assert.deepEqual(pages, [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
      });

      it('ends on a full page when no user follows it', async () => {
        const users = await fresh();
        const created = [await users.create(ana), await users.create(bia)];

        assert.deepEqual(await users.list({ limit: 2 }), { users: created, nextAfterId: undefined });
        assert.deepEqual(await users.list({ limit: 1 }), { users: [created[0]], nextAfterId: created[0]?.id });
      });

      it('starts after the given id, also one that no user has any more, and returns users as stored', async () => {
        const users = await fresh();
        const first = await users.create(ana);
        const gone = await users.create(bia);
        const last = await users.create({ ...bia, email: 'cai@example.test' });
        await users.delete(gone.id, undefined);

        assert.deepEqual(await users.list({ afterId: first.id, limit: 10 }), { users: [last], nextAfterId: undefined });
        assert.deepEqual(await users.list({ afterId: gone.id, limit: 10 }), { users: [last], nextAfterId: undefined });
        assert.deepEqual(await users.list({ afterId: last.id, limit: 10 }), { users: [], nextAfterId: undefined });
      });

      it('lists nobody when there is nobody', async () => {
        const users = await fresh();
        assert.deepEqual(await users.list({ limit: 10 }), { users: [], nextAfterId: undefined });
      });
    });

    describe('delete', () => {
      it('removes a user, unconditionally or at its version; then finds nothing to delete', async () => {
        const users = await fresh();
        const kept = await users.create(ana);
        const atVersion = await users.create(bia);
        const unconditional = await users.create({ ...bia, email: 'cai@example.test' });

        assert.equal(await users.delete(atVersion.id, [atVersion.version]), true);
        assert.equal(await users.delete(unconditional.id, undefined), true);

        assert.equal(await users.findById(atVersion.id), undefined);
        assert.deepEqual(await everyone(users), [kept]);
        assert.equal(await users.delete(atVersion.id, undefined), false);
        assert.equal(await users.delete(atVersion.id, [1]), false);
      });

      it('finds nothing to change or delete for an unknown id, with or without an expected version', async () => {
        const users = await fresh();
        assert.equal(await users.update(987_654_321, { name: 'Nobody' }, undefined), undefined);
        assert.equal(await users.update(987_654_321, { name: 'Nobody' }, [1]), undefined);
        assert.equal(await users.update(987_654_321, {}, [1]), undefined);
        assert.equal(await users.delete(987_654_321, undefined), false);
        assert.equal(await users.delete(987_654_321, [1]), false);
      });
    });
  });
}
