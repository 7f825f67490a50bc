import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { InMemoryUserRepository } from '../../data-sources/in-memory-user.repository';
import { CreateUser } from '../../interactors/create-user.interactor';
import { GetUser } from '../../interactors/get-user.interactor';
import { UpdateUser } from '../../interactors/update-user.interactor';
import type { UserRepository } from '../../repositories/user-repository';
import { createApp } from './app';

function appWith(users: UserRepository = new InMemoryUserRepository()) {
  const logger = pino({ level: 'silent' });
  return createApp({
    createUser: new CreateUser(users),
    getUser: new GetUser(users),
    updateUser: new UpdateUser(users),
    logger,
  });
}

const json = (body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const ana = { name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };

/** The fields these tests read from user and problem documents. */
interface Body {
  id: number;
  name: string;
  email: string;
  address: string;
  code: string;
  errors: { field: string }[];
}
const bodyOf = async (response: Response): Promise<Body> => (await response.json()) as Body;

describe('userdata HTTP API', () => {
  it('answers /health', async () => {
    const response = await appWith().request('/health');
    assert.equal(response.status, 200);
  });

  it('creates a user: 201, its location, and the stored representation', async () => {
    const response = await appWith().request('/users', json(ana));
    assert.equal(response.status, 201);
    const body = await bodyOf(response);
    assert.equal(response.headers.get('location'), `/users/${body.id}`);
    assert.deepEqual({ name: body.name, email: body.email, address: body.address }, ana);
  });

  it('reads and partially updates a user', async () => {
    const app = appWith();
    const { id } = await bodyOf(await app.request('/users', json(ana)));
    const updated = await app.request(`/users/${id}`, json({ address: 'Rua B, 2' }, 'PATCH'));
    assert.equal(updated.status, 200);
    assert.equal((await bodyOf(updated)).address, 'Rua B, 2');
    assert.equal((await bodyOf(await app.request(`/users/${id}`))).address, 'Rua B, 2');
  });

  it('refuses invalid input with problem+json naming each field, and stores nothing', async () => {
    const users = new InMemoryUserRepository();
    const response = await appWith(users).request(
      '/users',
      json({ name: '', email: 'not-an-email', address: 'x', extra: 1 }),
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    const problem = await bodyOf(response);
    const fields = problem.errors.map((error) => error.field).sort();
    assert.deepEqual(fields, ['(body)', 'email', 'name']);
    assert.equal(await users.findById(1), undefined);
  });

  it('refuses an update that changes nothing', async () => {
    const app = appWith();
    const { id } = await bodyOf(await app.request('/users', json(ana)));
    const response = await app.request(`/users/${id}`, json({}, 'PATCH'));
    assert.equal(response.status, 400);
  });

  it('answers 404 problem+json for an unknown user and a malformed id', async () => {
    const app = appWith();
    const unknown = await app.request('/users/99');
    assert.equal(unknown.status, 404);
    assert.equal((await bodyOf(unknown)).code, 'USER_NOT_FOUND');
    const malformed = await app.request('/users/abc');
    assert.equal(malformed.status, 400);
    assert.equal((await bodyOf(malformed)).errors[0]?.field, 'id');
  });

  it('answers 409 for a duplicate email', async () => {
    const app = appWith();
    await app.request('/users', json(ana));
    const response = await app.request('/users', json({ ...ana, name: 'Other' }));
    assert.equal(response.status, 409);
    assert.equal((await bodyOf(response)).code, 'EMAIL_ALREADY_IN_USE');
  });

  it('answers 400 problem+json for a body that is not JSON', async () => {
    const response = await appWith().request('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
  });

  it('answers 500 without internals when something unexpected fails', async () => {
    const broken = new InMemoryUserRepository();
    broken.findById = async () => {
      throw new Error('connection lost to 10.0.0.1');
    };
    const response = await appWith(broken).request('/users/1');
    assert.equal(response.status, 500);
    assert.doesNotMatch(await response.text(), /10\.0\.0\.1/);
  });
});
