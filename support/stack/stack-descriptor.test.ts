import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { publishStack, runningStackDescriptor } from './stack-descriptor';
import type { RunningStack } from './start-stack';

const folder = mkdtempSync(join(tmpdir(), 'stack-descriptor-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const stack = {
  runFolder: '/tmp/cdc-harness-x',
  userdataUrl: 'http://127.0.0.1:3000',
  changeTopic: 'cdc.info-user',
  mailUiUrl: 'http://127.0.0.1:1080',
  infrastructure: { kafka: { brokers: ['127.0.0.1:9092'] }, connect: { url: 'http://127.0.0.1:8083' } },
} as unknown as RunningStack;

describe('the running stack descriptor', () => {
  it('is published for its owner only, read back while its process lives, and removed by it', () => {
    const path = join(folder, 'stack.json');
    const attach = { url: 'http://127.0.0.1:40000', token: 'secret' };
    const unpublish = publishStack(stack, 'native · MariaDB', attach, path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const read = runningStackDescriptor(path);
    assert.deepEqual(read?.kafkaBrokers, ['127.0.0.1:9092']);
    assert.deepEqual(read?.attach, attach);
    assert.equal(read?.pid, process.pid);
    unpublish();
    assert.equal(runningStackDescriptor(path), undefined);
  });

  it("is stale once its process is gone, and absent or malformed it is none; another process's is never removed", () => {
    const path = join(folder, 'other.json');
    assert.equal(runningStackDescriptor(path), undefined);
    writeFileSync(path, 'not json');
    assert.equal(runningStackDescriptor(path), undefined);
    const unpublish = publishStack(stack, 'native', undefined, path);
    // A later npm start published over it: the first one's exit must leave the new one's descriptor alone.
    writeFileSync(path, JSON.stringify({ ...runningStackDescriptor(path), pid: process.ppid }));
    unpublish();
    assert.equal(runningStackDescriptor(path)?.pid, process.ppid);
    writeFileSync(path, JSON.stringify({ ...runningStackDescriptor(path), pid: 2 ** 22 + 7 }));
    assert.equal(runningStackDescriptor(path), undefined, 'no process has that pid');
  });
});
