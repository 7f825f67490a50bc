import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentFromEnv, type RuntimeProbe } from './select-environment';

const answering = async (): Promise<RuntimeProbe> => ({ answered: true, detail: 'podman 4.3.1 at /run/podman.sock' });
const silent = async (): Promise<RuntimeProbe> => ({ answered: false, detail: 'no Docker socket found' });
const unused = async (): Promise<RuntimeProbe> => assert.fail('only auto asks for a container runtime');

describe('CDC_ENVIRONMENT', () => {
  it('is native when unset or empty', async () => {
    assert.equal((await environmentFromEnv({}, () => {}, unused)).name, 'native');
    assert.equal((await environmentFromEnv({ CDC_ENVIRONMENT: ' ' }, () => {}, unused)).name, 'native');
  });

  it('runs containers with MySQL 8.4 unless CDC_DATABASE says mariadb', async () => {
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
    assert.equal((await environmentFromEnv({ CDC_ENVIRONMENT: 'auto' }, log, silent)).name, 'native');
    assert.deepEqual(lines, [
      'CDC_ENVIRONMENT=auto: containers, because a container runtime answered (podman 4.3.1 at /run/podman.sock).',
      'CDC_ENVIRONMENT=auto: native, because no container runtime answered (no Docker socket found).',
    ]);
  });

  it('refuses names it does not know, listing the ones it does', async () => {
    await assert.rejects(
      environmentFromEnv({ CDC_ENVIRONMENT: 'docker' }),
      /CDC_ENVIRONMENT=docker .* native, containers, auto/,
    );
    await assert.rejects(
      environmentFromEnv({ CDC_ENVIRONMENT: 'containers', CDC_DATABASE: 'postgres' }),
      /CDC_DATABASE=postgres .* mysql or mariadb/,
    );
  });
});
