import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config';

const required = { DATABASE_USER: 'userdata', DATABASE_PASSWORD: 'secret' };

describe('userdata configuration', () => {
  it('fills in the documented defaults', () => {
    const config = loadConfig(required);
    assert.deepEqual(config.http, { host: '127.0.0.1', port: 3000 });
    assert.deepEqual(
      { host: config.database.host, port: config.database.port, database: config.database.database },
      { host: '127.0.0.1', port: 3306, database: 'clients' },
    );
    assert.equal(config.database.connectionLimit, 10);
    assert.equal(config.logLevel, 'info');
  });

  it('stops with a message naming each missing variable', () => {
    assert.throws(
      () => loadConfig({}),
      (error: Error) => {
        assert.match(error.message, /^userdata: invalid configuration/);
        assert.match(error.message, /DATABASE_USER/);
        assert.match(error.message, /DATABASE_PASSWORD/);
        return true;
      },
    );
  });

  it('stops with a message naming a malformed variable', () => {
    assert.throws(() => loadConfig({ ...required, USERDATA_PORT: 'eighty' }), /USERDATA_PORT/);
    assert.throws(() => loadConfig({ ...required, DATABASE_POOL_SIZE: '0' }), /DATABASE_POOL_SIZE/);
    assert.throws(() => loadConfig({ ...required, LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  });
});
