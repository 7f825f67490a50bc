import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryUserRepository } from '../data-sources/in-memory-user.repository';
import { EmailAlreadyInUse, UserNotFound } from '../entities/errors';
import { CreateUser } from './create-user.interactor';
import { GetUser } from './get-user.interactor';
import { UpdateUser } from './update-user.interactor';

const ana = { name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };

describe('user interactors', () => {
  it('creates a user and reads it back', async () => {
    const users = new InMemoryUserRepository();
    const created = await new CreateUser(users).execute(ana);
    assert.deepEqual(await new GetUser(users).execute(created.id), created);
  });

  it('refuses a second user with the same email, whatever its case', async () => {
    const users = new InMemoryUserRepository();
    await new CreateUser(users).execute(ana);
    await assert.rejects(new CreateUser(users).execute({ ...ana, email: 'ANA@example.test' }), EmailAlreadyInUse);
  });

  it('changes only the fields given', async () => {
    const users = new InMemoryUserRepository();
    const { id } = await new CreateUser(users).execute(ana);
    const updated = await new UpdateUser(users).execute(id, { address: 'Rua B, 2' });
    assert.equal(updated.address, 'Rua B, 2');
    assert.equal(updated.name, 'Ana');
  });

  it('reports an unknown user as UserNotFound', async () => {
    const users = new InMemoryUserRepository();
    await assert.rejects(new GetUser(users).execute(42), UserNotFound);
    await assert.rejects(new UpdateUser(users).execute(42, { name: 'X' }), UserNotFound);
  });
});
