import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { connectWorkerSettings } from '../../components/connect-worker';
import { connectImageFolder } from './connect-image';
import { connectVariable } from './debezium-connect-container';

const run = promisify(execFile);

/**
 * connect-image/'s entrypoint, run with `sh` on this machine and a stand-in `java` that records its arguments: the
 * variables DebeziumConnectContainer sets must become exactly the worker properties the harness means.
 */
describe('connect-image entrypoint', () => {
  let folder: string;
  const required = {
    BOOTSTRAP_SERVERS: 'kafka:9092',
    GROUP_ID: 'g',
    CONFIG_STORAGE_TOPIC: 'c',
    OFFSET_STORAGE_TOPIC: 'o',
    STATUS_STORAGE_TOPIC: 's',
  };

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'connect-entrypoint-'));
    writeFileSync(join(folder, 'java'), '#!/bin/sh\necho "java $*"\n');
    chmodSync(join(folder, 'java'), 0o755);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  const entrypoint = (env: Record<string, string>) =>
    run('sh', [join(connectImageFolder, 'docker-entrypoint.sh')], {
      env: { PATH: `${folder}:/usr/bin:/bin`, TMPDIR: folder, ...env },
    });

  /** Java's properties: the last line for a key wins. */
  const workerProperties = (): Map<string, string> => {
    const lines = readFileSync(join(folder, 'connect-worker.properties'), 'utf8').trim().split('\n');
    return new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  };

  it('turns every CONNECT_ variable into the worker property it names, overriding the defaults', async () => {
    const settings = { ...connectWorkerSettings, 'a_b.c': 'x=y', 'key.converter': 'my.Converter' };
    const env = Object.fromEntries(Object.entries(settings).map(([name, value]) => [connectVariable(name), value]));
    const { stdout } = await entrypoint({ ...required, ...env });

    const properties = workerProperties();
    for (const [name, value] of Object.entries(settings)) assert.equal(properties.get(name), value, name);
    assert.equal(properties.get('bootstrap.servers'), 'kafka:9092');
    assert.equal(properties.get('listeners'), 'http://0.0.0.0:8083');
    assert.match(stdout, /java .*-cp \/opt\/kafka\/libs\/\* org\.apache\.kafka\.connect\.cli\.ConnectDistributed /);
  });

  it('refuses to start without a required variable, naming it', async () => {
    const { BOOTSTRAP_SERVERS: _, ...withoutBootstrap } = required;
    await assert.rejects(entrypoint(withoutBootstrap), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 64);
      assert.match(error.stderr, /BOOTSTRAP_SERVERS is required/);
      return true;
    });
  });
});
