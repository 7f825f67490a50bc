import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config';

const required = {
  KAFKA_BROKERS: 'k1:9092, k2:9092',
  SMTP_HOST: 'smtp',
  DATABASE_USER: 'push_email',
  DATABASE_PASSWORD: 'secret',
};

describe('push-email configuration', () => {
  it('fills in the documented defaults', () => {
    const config = loadConfig(required);
    assert.deepEqual(config.kafka, {
      brokers: ['k1:9092', 'k2:9092'],
      topic: 'cdc.info-user',
      groupId: 'push-email',
      deadLetterTopic: 'cdc.info-user.dlq',
      concurrency: 8,
      batchSize: 32,
      sessionTimeoutMs: 30_000,
      requestTimeoutMs: 30_000,
    });
    assert.deepEqual([config.smtp.pool, config.smtp.maxConnections, config.smtp.maxMessages], [true, 8, 1_000]);
    assert.deepEqual(config.retry, { initialMs: 500, maxMs: 30_000 });
    assert.equal(config.database.database, 'push_email');
    assert.equal(config.messageIdDomain, 'userdata.invalid');
    assert.deepEqual(config.capturedTable, { database: 'clients', table: 'users' });
  });

  it('reads the captured table as <database>.<table>', () => {
    assert.deepEqual(loadConfig({ ...required, CAPTURED_TABLE: 'crm.people' }).capturedTable, {
      database: 'crm',
      table: 'people',
    });
    assert.throws(() => loadConfig({ ...required, CAPTURED_TABLE: 'users' }), /CAPTURED_TABLE/);
  });

  it('takes the Message-ID domain from the From address', () => {
    assert.equal(
      loadConfig({ ...required, MAIL_FROM: 'Team <team@mail.example.org>' }).messageIdDomain,
      'mail.example.org',
    );
  });

  it('stops with a message naming each missing or malformed variable', () => {
    assert.throws(
      () => loadConfig({}),
      (error: Error) => {
        for (const name of ['KAFKA_BROKERS', 'SMTP_HOST', 'DATABASE_USER', 'DATABASE_PASSWORD']) {
          assert.match(error.message, new RegExp(name));
        }
        return true;
      },
    );
    assert.throws(() => loadConfig({ ...required, SMTP_SECURE: 'yes' }), /SMTP_SECURE/);
    assert.throws(() => loadConfig({ ...required, RETRY_INITIAL_MS: '0' }), /RETRY_INITIAL_MS/);
    assert.throws(() => loadConfig({ ...required, KAFKA_SESSION_TIMEOUT_MS: '1000' }), /KAFKA_SESSION_TIMEOUT_MS/);
    assert.throws(() => loadConfig({ ...required, KAFKA_REQUEST_TIMEOUT_MS: '10' }), /KAFKA_REQUEST_TIMEOUT_MS/);
  });
});
