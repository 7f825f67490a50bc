import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { singleNodeKafkaSettings } from '../../support/components/kafka-node';
import { kafkaVariable } from '../../support/environments/containers/kafka-kraft-container';
import { connectWorkerProperties, kafkaBrokerProperties } from './image-contracts';
import { container, environmentOf, workload } from './objects';
import { production } from './overlays';
import { renderOverlay } from './render';

const entrypoint = join(__dirname, '..', '..', 'connect-image', 'docker-entrypoint.sh');

/** Runs connect-image's entrypoint with a stand-in `java` that prints the worker properties file it was given. */
function workerFileOf(env: Record<string, string>): Record<string, string> {
  const folder = mkdtempSync(join(tmpdir(), 'connect-entrypoint-'));
  try {
    const java = join(folder, 'java');
    writeFileSync(java, '#!/bin/sh\nfor last; do :; done\ncat "$last"\n');
    chmodSync(java, 0o755);
    const result = spawnSync('sh', [entrypoint], {
      env: { ...env, PATH: `${folder}:${process.env.PATH}`, TMPDIR: folder },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    // Later lines win, as in a properties file.
    return Object.fromEntries(
      readFileSync(join(folder, 'connect-worker.properties'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('the image contracts the checks rely on', () => {
  it("reads the Connect worker's properties from the rendered environment as connect-image's entrypoint does", async (t) => {
    // The entrypoint would start the real worker there instead of the stand-in.
    if (existsSync('/opt/kafka/bin/connect-distributed.sh')) return t.skip('this machine has /opt/kafka');
    const objects = await renderOverlay(production.folder);
    const env = {
      ...environmentOf(objects, container(workload(objects, 'Deployment', 'connect').pod, 'connect')),
      // A property with an underscore in its name, spelled with `__`.
      CONNECT_CONSUMER_CLIENT__RACK: 'rack-1',
    };
    const written = workerFileOf(env);
    const expected = connectWorkerProperties(env);
    assert.ok(Object.keys(expected).length > 10);
    assert.equal(expected['consumer.client_rack'], 'rack-1');
    for (const [property, value] of Object.entries(expected)) assert.equal(written[property], value, property);
  });

  it("reads the broker's properties as the containers environment names them", () => {
    const env = Object.fromEntries(
      Object.entries(singleNodeKafkaSettings).map(([property, value]) => [kafkaVariable(property), value]),
    );
    assert.deepEqual(kafkaBrokerProperties({ ...env, KAFKA_HEAP_OPTS: '-Xmx1g' }), singleNodeKafkaSettings);
    const odd = { 'log.flush_interval-ms': '1' };
    assert.deepEqual(kafkaBrokerProperties({ [kafkaVariable('log.flush_interval-ms')]: '1' }), odd);
  });
});
