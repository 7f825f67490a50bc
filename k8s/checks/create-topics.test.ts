import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectFolder, k8sTopics } from './render-connector-config';

/**
 * Runs create-topics.sh as the Job does, with a stand-in for kafka-topics.sh that logs its arguments and answers
 * `--list` only from its second call on (Kafka still starting).
 */
function createTopics(): { status: number | null; output: string; calls: string[] } {
  const folder = mkdtempSync(join(tmpdir(), 'create-topics-'));
  try {
    const log = join(folder, 'calls.log');
    const stub = join(folder, 'kafka-topics.sh');
    writeFileSync(
      stub,
      `#!/usr/bin/env bash
echo "$*" >> "${log}"
if [[ " $* " == *" --list "* ]] && [ "$(grep -c -- --list "${log}")" -lt 2 ]; then exit 1; fi
`,
    );
    chmodSync(stub, 0o755);
    const result = spawnSync('bash', [join(connectFolder, 'create-topics.sh')], {
      env: {
        PATH: process.env.PATH,
        KAFKA_TOPICS_COMMAND: stub,
        BOOTSTRAP_SERVERS: 'kafka:9092',
        TOPICS_FILE: join(connectFolder, 'topics.txt'),
        RETRY_INTERVAL_SECONDS: '0',
      },
      encoding: 'utf8',
    });
    return {
      status: result.status,
      output: result.stdout + result.stderr,
      calls: readFileSync(log, 'utf8').trim().split('\n'),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('k8s/base/connect/create-topics.sh', () => {
  it('waits for Kafka, then creates each topic of topics.txt unless it exists, with its partitions', () => {
    const { status, output, calls } = createTopics();
    assert.equal(status, 0, output);
    assert.match(output, /waiting for Kafka at kafka:9092/);
    assert.deepEqual(
      calls.filter((call) => call.includes('--create')),
      k8sTopics.map(
        ({ topic, partitions }) =>
          `--bootstrap-server kafka:9092 --create --if-not-exists --topic ${topic} --partitions ${partitions} --replication-factor 1`,
      ),
    );
    assert.equal(calls.filter((call) => call.includes('--list')).length, 2);
  });
});
