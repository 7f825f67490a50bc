import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from './eventually';
import { ManagedProcess } from './processes';
import { Supervisor } from './supervisor';

const folder = mkdtempSync(join(tmpdir(), 'supervisor-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** A real child process that runs for `lifeMs`, then exits with code 3 by itself (0: runs until stopped). */
function child(lifeMs: number): () => Promise<ManagedProcess> {
  return async () =>
    new ManagedProcess({
      name: 'child',
      command: process.execPath,
      args: ['-e', lifeMs ? `setTimeout(() => process.exit(3), ${lifeMs})` : 'setInterval(() => {}, 1000)'],
      logFile: join(folder, 'child.log'),
    });
}

describe('Supervisor', { timeout: 30_000 }, () => {
  it('starts again a process that exits by itself, and says so', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({ start: child(100), log: (line) => lines.push(line), initialBackoffMs: 50 });
    await supervisor.start();
    try {
      await eventually(() => (supervisor.restarts >= 2 ? true : undefined), {
        awaiting: 'two restarts of a process that keeps exiting',
        lastSeen: () => `${supervisor.restarts} restart(s)`,
      });
      assert.match(lines[0] ?? '', /child exited by itself \(code 3\): starting it again in 50 ms/);
      assert.match(lines[1] ?? '', /in 100 ms/, 'a crash loop backs off');
    } finally {
      await supervisor.stop();
    }
    assert.equal(supervisor.isRunning, false);
  });

  it('leaves down a process killed on purpose until it is started again, and stops it for good', async () => {
    const supervisor = new Supervisor({ start: child(0), log: () => {}, initialBackoffMs: 10 });
    const first = await supervisor.start();
    await supervisor.kill();
    assert.equal(first.isRunning, false);
    const second = await supervisor.start();
    assert.notEqual(second, first);
    assert.equal(supervisor.isRunning, true);
    await supervisor.stop();
    assert.equal(second.isRunning, false);
    assert.equal(supervisor.restarts, 0, 'nothing was started again by itself');
  });

  it('replaces a process by a new one gracefully, and a stop during the replacement leaves nothing running', async () => {
    const supervisor = new Supervisor({ start: child(0), log: () => {}, initialBackoffMs: 10 });
    const first = await supervisor.start();
    await supervisor.replace();
    const second = supervisor.process;
    assert.notEqual(second, first);
    assert.equal(first.isRunning, false);
    assert.equal(second?.isRunning, true);
    assert.equal(supervisor.restarts, 0, 'a replacement is not a crash');
    const replacing = supervisor.replace();
    await supervisor.stop();
    await replacing;
    assert.equal(supervisor.isRunning, false, 'what the replacement started was stopped with the rest');
  });

  it('stops at once while it waits to start again a process that died', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({ start: child(50), log: (line) => lines.push(line), initialBackoffMs: 60_000 });
    await supervisor.start();
    await eventually(() => (lines.length > 0 ? true : undefined), { awaiting: 'the child to exit by itself' });
    const started = Date.now();
    await supervisor.stop();
    assert.ok(Date.now() - started < 5_000, 'stop() waited for the backoff');
    assert.equal(supervisor.restarts, 0);
  });
});
