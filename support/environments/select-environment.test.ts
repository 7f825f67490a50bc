import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentFromEnv, type RuntimeProbe } from './select-environment';

const answering = async (): Promise<RuntimeProbe> => ({ answered: true, detail: 'podman 4.3.1 at /run/podman.sock' });
const silent = async (): Promise<RuntimeProbe> => ({ answered: false, detail: 'no Docker socket found' });
const unused = async (): Promise<RuntimeProbe> => assert.fail('only auto asks for a container runtime');
const withMySql = { mySqlMissing: async () => undefined, hasMariaDb: () => true };
const withMariaDbOnly = { mySqlMissing: async () => 'this is darwin arm64', hasMariaDb: () => true };

describe('CDC_ENVIRONMENT', () => {
  it('is native when unset or empty, on MySQL where MySQL can run', async () => {
    assert.equal((await environmentFromEnv({}, () => {}, unused, withMySql)).name, 'native (MySQL)');
    assert.equal(
      (await environmentFromEnv({ CDC_ENVIRONMENT: ' ' }, () => {}, unused, withMySql)).name,
      'native (MySQL)',
    );
  });

  it('runs MariaDB natively when CDC_DATABASE says so, or when no MySQL can be had, and then says why', async () => {
    assert.equal(
      (await environmentFromEnv({ CDC_DATABASE: 'mariadb' }, () => {}, unused, withMySql)).name,
      'native (MariaDB)',
    );
    const lines: string[] = [];
    assert.equal(
      (await environmentFromEnv({}, (line) => lines.push(line), unused, withMariaDbOnly)).name,
      'native (MariaDB)',
    );
    assert.deepEqual(lines, [
      'CDC_DATABASE unset: mariadb, because no MySQL server can be had here (this is darwin arm64); set CDC_DATABASE to choose.',
    ]);
    assert.equal(
      (await environmentFromEnv({ CDC_DATABASE: 'mysql' }, () => {}, unused, withMariaDbOnly)).name,
      'native (MySQL)',
      'a database chosen is run, or fails saying how to get it',
    );
  });

  it('runs containers with MySQL unless CDC_DATABASE says mariadb', async () => {
    const env = { CDC_ENVIRONMENT: 'containers' };
    assert.equal((await environmentFromEnv(env, () => {}, unused)).name, 'containers (MySQL)');
    assert.equal(
      (await environmentFromEnv({ ...env, CDC_DATABASE: 'mariadb' }, () => {}, unused)).name,
      'containers (MariaDB)',
    );
  });

  it('auto chooses containers when a runtime answers, native otherwise, and says why', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    assert.equal((await environmentFromEnv({ CDC_ENVIRONMENT: 'auto' }, log, answering)).name, 'containers (MySQL)');
    assert.equal(
      (await environmentFromEnv({ CDC_ENVIRONMENT: 'auto' }, log, silent, withMySql)).name,
      'native (MySQL)',
    );
    assert.deepEqual(lines, [
      'CDC_ENVIRONMENT=auto: containers, because a container runtime answered (podman 4.3.1 at /run/podman.sock).',
      'CDC_ENVIRONMENT=auto: native, because no container runtime answered (no Docker socket found).',
    ]);
  });

  it('runs a Kafka cluster natively only', async () => {
    const cluster = { CDC_KAFKA_BROKERS: '3', CDC_DATABASE: 'mysql' };
    assert.equal((await environmentFromEnv(cluster, () => {}, unused)).name, 'native (MySQL)');
    await assert.rejects(
      environmentFromEnv({ ...cluster, CDC_ENVIRONMENT: 'containers' }, () => {}, unused),
      /CDC_KAFKA_BROKERS=3: the containers environment runs one Kafka broker; a cluster runs natively/,
    );
    await assert.rejects(environmentFromEnv({ CDC_KAFKA_BROKERS: 'many' }), /CDC_KAFKA_BROKERS=many/);
  });

  it('refuses names it does not know, listing the ones it does', async () => {
    await assert.rejects(
      environmentFromEnv({ CDC_ENVIRONMENT: 'docker' }),
      /CDC_ENVIRONMENT=docker .* native, containers, auto/,
    );
    await assert.rejects(
      environmentFromEnv({ CDC_ENVIRONMENT: 'containers', CDC_DATABASE: 'postgres' }),
      /CDC_DATABASE=postgres is not a database this harness runs; use mysql or mariadb/,
    );
  });
});
