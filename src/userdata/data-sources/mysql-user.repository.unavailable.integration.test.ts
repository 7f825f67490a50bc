import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql, { type Pool } from 'mysql2/promise';
import { eventually } from '../../../support/lib/eventually';
import { startTestDatabase, type TestDatabase } from '../../../support/service-tests/test-database';
import { DatabaseUnavailable } from '../entities/errors';
import { MySqlUserRepository } from './mysql-user.repository';

describe('MySqlUserRepository while its database is down or frozen', { timeout: 120_000 }, () => {
  let server: TestDatabase;
  let pool: Pool;
  let users: MySqlUserRepository;
  const statementTimeoutMs = 600;

  before(async () => {
    server = await startTestDatabase('mariadb');
    const { database } = server;
    pool = mysql.createPool({
      host: database.host,
      port: database.port,
      database: database.name,
      ...database.userdata,
      timezone: 'Z',
      connectionLimit: 2,
      connectTimeout: statementTimeoutMs,
    });
    users = new MySqlUserRepository(pool, statementTimeoutMs);
  });

  after(async () => {
    await pool?.end().catch(() => undefined);
    await server?.stop();
  });

  const unavailable = (error: unknown) => {
    assert.ok(error instanceof DatabaseUnavailable, `${error} is not DatabaseUnavailable`);
    return true;
  };
  const works = () =>
    eventually(async () => ((await users.list({ limit: 1 })) ? true : undefined), {
      awaiting: 'the repository to work again',
      timeoutMs: 30_000,
    });

  it('says the database is unavailable while the server is down, and works again once it is back', async () => {
    const ana = await users.create({ name: 'Ana', email: 'ana@example.test', address: 'Rua A' });
    await server.stopServer();
    await assert.rejects(users.findById(ana.id), unavailable);
    await assert.rejects(users.update(ana.id, { address: 'Rua B' }, undefined), unavailable);
    await server.startAgain();
    await works();
    assert.equal((await users.update(ana.id, { address: 'Rua B' }, undefined))?.address, 'Rua B');
  });

  it('gives up on a frozen server after the statement timeout, instead of hanging, and works once it thaws', async () => {
    await works();
    await server.freeze();
    try {
      const started = Date.now();
      await assert.rejects(users.list({ limit: 5 }), unavailable);
      const waited = Date.now() - started;
      assert.ok(waited < 10 * statementTimeoutMs, `the statement was abandoned after ${waited} ms`);
    } finally {
      server.thaw();
    }
    await works();
  });
});
