import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../lib/eventually';
import { startTestKafka } from '../service-tests/test-kafka';

const root = join(__dirname, '..', '..');
const fixture = (name: string) =>
  readFileSync(join(root, 'src', 'push-email', 'transport', 'kafka', 'fixtures', name), 'utf8');

/** `npm run events` as a person runs it, its output collected; no stack descriptor, so only --brokers counts. */
function events(args: readonly string[]): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'support', 'commands', 'events.ts'), ...args], {
    cwd: root,
    env: { ...process.env, CDC_STACK_FILE: join(root, 'no-such-stack.json') },
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

describe('npm run events', { timeout: 120_000 }, () => {
  let kafka: Awaited<ReturnType<typeof startTestKafka>>;
  before(async () => {
    kafka = await startTestKafka();
    const client = new Kafka({ clientId: 'events-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = client.admin();
    const producer = client.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic: 'cdc.info-user', numPartitions: 1 }], waitForLeaders: true });
      await producer.send({
        topic: 'cdc.info-user',
        messages: [
          { key: '{"id":1}', value: fixture('mysql-create.json') },
          { key: '{"id":1}', value: fixture('mysql-update.json') },
          { key: '{"id":1}', value: null },
        ],
      });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
  after(async () => {
    await kafka?.stop();
  });

  it('shows each event of the topic readably from its beginning, and stops on Ctrl-C', async () => {
    const { child, output } = events(['--brokers', kafka.brokers.join(','), '--from-beginning']);
    try {
      await eventually(() => (output().includes('tombstone {"id":1}') ? true : undefined), {
        awaiting: 'the three events in the output',
        timeoutMs: 60_000,
        lastSeen: () => output() || 'no output',
      });
      assert.match(output(), /Watching cdc\.info-user on .*: every event it holds, then new ones/);
      assert.match(output(), /^create \{"id":1\} {2}binlog\.000001:\d+ gtid \S+ {2}committed /m);
      assert.match(output(), /^update \{"id":1\}.*\n {4}address: "Rua A, 1" → "Rua B, 2"\n {4}version: 1 → 2$/m);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  it('writes one JSON object per event with --json', async () => {
    const { child, output } = events(['--brokers', kafka.brokers.join(','), '--from-beginning', '--json']);
    try {
      await eventually(() => (output().includes('"operation":"tombstone"') ? true : undefined), {
        awaiting: 'the tombstone as JSON',
        timeoutMs: 60_000,
        lastSeen: () => output() || 'no output',
      });
      const views = output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { operation: string; changes: Record<string, unknown> });
      assert.deepEqual(
        views.map((view) => view.operation),
        ['create', 'update', 'tombstone'],
      );
      assert.deepEqual(views[1]?.changes.address, { old: 'Rua A, 1', new: 'Rua B, 2' });
    } finally {
      child.kill('SIGINT');
    }
    await once(child, 'exit');
  });

  it('says within seconds that no Kafka answers, and how to point it at one', async () => {
    const { child, output } = events(['--brokers', '127.0.0.1:9']);
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(
      output(),
      /cannot read cdc\.info-user from Kafka at 127\.0\.0\.1:9 .*Is the stack running \(npm start\)\?/,
    );
  });
});
