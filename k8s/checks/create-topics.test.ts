import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kafkaReplication } from '../../support/components/kafka-node';
import { container, environmentOf, workload } from './objects';
import { brokersOf, overlays } from './overlays';
import { renderOverlay } from './render';
import { connectFolder, k8sTopics } from './render-connector-config';

/**
 * Runs create-topics.sh as the Job does, with a stand-in for kafka-topics.sh that logs its arguments, answers
 * `--list` only from its second call on (Kafka still starting) and refuses the first `refusedCreates` creations (too
 * few brokers up yet).
 */
function createTopics(
  env: Readonly<Record<string, string>>,
  refusedCreates = 0,
): { status: number | null; output: string; calls: string[] } {
  const folder = mkdtempSync(join(tmpdir(), 'create-topics-'));
  try {
    const log = join(folder, 'calls.log');
    const stub = join(folder, 'kafka-topics.sh');
    writeFileSync(
      stub,
      `#!/usr/bin/env bash
echo "$*" >> "${log}"
if [[ " $* " == *" --list "* ]] && [ "$(grep -c -- --list "${log}")" -lt 2 ]; then exit 1; fi
if [[ " $* " == *" --create "* ]] && [ "$(grep -c -- --create "${log}")" -le ${refusedCreates} ]; then
  echo "Replication factor: 3 larger than available brokers: 2." >&2; exit 1
fi
`,
    );
    chmodSync(stub, 0o755);
    const result = spawnSync('bash', [join(connectFolder, 'create-topics.sh')], {
      env: {
        PATH: process.env.PATH,
        ...env,
        KAFKA_TOPICS_COMMAND: stub,
        TOPICS_FILE: join(connectFolder, 'topics.txt'),
        RETRY_INTERVAL_SECONDS: '0',
      },
      encoding: 'utf8',
    });
    return {
      status: result.status,
      output: result.stdout + result.stderr,
      calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const creations = (calls: readonly string[]) => calls.filter((call) => call.includes('--create'));

/** The `--create` calls for every topic of topics.txt, with that replication. */
function expectedCreations(replicationFactor: number | string, minInSyncReplicas: number | string): string[] {
  return k8sTopics.map(({ topic, partitions, config = {} }) =>
    [
      `--bootstrap-server kafka:9092 --create --if-not-exists --topic ${topic} --partitions ${partitions}`,
      `--replication-factor ${replicationFactor} --config min.insync.replicas=${minInSyncReplicas}`,
      ...Object.entries(config).map(([name, value]) => `--config ${name}=${value}`),
    ].join(' '),
  );
}

const replicated = { BOOTSTRAP_SERVERS: 'kafka:9092', REPLICATION_FACTOR: '3', MIN_INSYNC_REPLICAS: '2' };

describe('k8s/base/connect/create-topics.sh', () => {
  it('waits for Kafka, then creates each topic of topics.txt unless it exists, with the replication it is given', () => {
    const { status, output, calls } = createTopics(replicated);
    assert.equal(status, 0, output);
    assert.match(output, /waiting for Kafka at kafka:9092/);
    assert.deepEqual(creations(calls), expectedCreations(3, 2));
    assert.equal(calls.filter((call) => call.includes('--list')).length, 2);
  });

  it('tries a topic again while Kafka has fewer brokers than copies, and gives up in the end', () => {
    const patient = createTopics(replicated, 2);
    assert.equal(patient.status, 0, patient.output);
    assert.match(patient.output, /not created yet \(attempt 2\), trying again: are 3 brokers up\?/);
    assert.equal(creations(patient.calls).length, k8sTopics.length + 2);
    const given = createTopics({ ...replicated, CREATE_ATTEMPTS: '3' }, 99);
    assert.notEqual(given.status, 0);
    assert.equal(creations(given.calls).length, 3);
  });

  it('refuses to guess the replication', () => {
    const { status, output, calls } = createTopics({ BOOTSTRAP_SERVERS: 'kafka:9092', MIN_INSYNC_REPLICAS: '1' });
    assert.notEqual(status, 0);
    assert.match(output, /REPLICATION_FACTOR: the number of copies of each topic/);
    assert.deepEqual(calls, []);
  });

  for (const overlay of overlays) {
    const { replicationFactor, minInSyncReplicas } = kafkaReplication(brokersOf(overlay));
    it(`runs in k8s/${overlay.folder}'s Job: REPLICATION_FACTOR ${replicationFactor}, MIN_INSYNC_REPLICAS ${minInSyncReplicas}`, async () => {
      const objects = await renderOverlay(overlay.folder);
      const env = environmentOf(
        objects,
        container(workload(objects, 'Job', 'connector-registration').pod, 'create-topics'),
      );
      const { status, output, calls } = createTopics(env);
      assert.equal(status, 0, output);
      assert.deepEqual(creations(calls), expectedCreations(replicationFactor, minInSyncReplicas));
    });
  }
});
