import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryUserRepository } from '../data-sources/in-memory-user.repository';
import { EmailAlreadyInUse, StaleVersion, UserNotFound } from '../entities/errors';
import { pageLimits } from '../entities/user';
import { CreateUser } from './create-user.interactor';
import { DeleteUser } from './delete-user.interactor';
import { GetUser } from './get-user.interactor';
import { ListUsers } from './list-users.interactor';
import { UpdateUser } from './update-user.interactor';

const ana = { name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };

function interactors() {
  const users = new InMemoryUserRepository();
  return {
    users,
    create: new CreateUser(users),
    get: new GetUser(users),
    list: new ListUsers(users),
    update: new UpdateUser(users),
    delete: new DeleteUser(users),
  };
}

describe('user interactors', () => {
  it('creates a user at version 1 and reads it back', async () => {
    const { create, get } = interactors();
    const created = await create.execute(ana);
    assert.equal(created.version, 1);
    assert.deepEqual(await get.execute(created.id), created);
  });

  it('refuses a second user with the same email, whatever its case', async () => {
    const { create } = interactors();
    await create.execute(ana);
    await assert.rejects(create.execute({ ...ana, email: 'ANA@example.test' }), EmailAlreadyInUse);
  });

  it('changes only the fields given, and counts a version per real change', async () => {
    const { create, update } = interactors();
    const { id } = await create.execute(ana);
    const updated = await update.execute(id, { address: 'Rua B, 2' });
    assert.deepEqual([updated.address, updated.name, updated.version], ['Rua B, 2', 'Ana', 2]);
    const unchanged = await update.execute(id, { address: 'Rua B, 2', name: 'Ana' });
    assert.equal(unchanged.version, 2);
  });

  it('applies a change only at an expected version, and refuses a stale one without writing', async () => {
    const { create, update, users } = interactors();
    const { id } = await create.execute(ana);
    await update.execute(id, { name: 'Ana S' }, [1]);
    await assert.rejects(update.execute(id, { name: 'Other' }, [1]), StaleVersion);
    assert.equal(users.snapshot()[0]?.name, 'Ana S');
  });

  it('deletes a user, but not at a stale version', async () => {
    const { create, update, delete: remove, get } = interactors();
    const { id } = await create.execute(ana);
    await update.execute(id, { name: 'Ana S' });
    await assert.rejects(remove.execute(id, [1]), StaleVersion);
    await remove.execute(id, [2]);
    await assert.rejects(get.execute(id), UserNotFound);
  });

  it('lists pages in id order, never more than the cap', async () => {
    const { create, list } = interactors();
    for (let i = 0; i < pageLimits.max + 5; i++) await create.execute({ ...ana, email: `u${i}@example.test` });
    const first = await list.execute({ limit: 1_000 });
    assert.equal(first.users.length, pageLimits.max);
    assert.equal(first.nextAfterId, pageLimits.max);
    const rest = await list.execute({ afterId: first.nextAfterId ?? 0 });
    assert.deepEqual(
      rest.users.map((user) => user.id),
      [101, 102, 103, 104, 105],
    );
    assert.equal(rest.nextAfterId, undefined);
    assert.equal((await list.execute()).users.length, pageLimits.default);
  });

  it('reports an unknown user as UserNotFound', async () => {
    const { get, update, delete: remove } = interactors();
    await assert.rejects(get.execute(42), UserNotFound);
    await assert.rejects(update.execute(42, { name: 'X' }), UserNotFound);
    await assert.rejects(remove.execute(42), UserNotFound);
  });
});
