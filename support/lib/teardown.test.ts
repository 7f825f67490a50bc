import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Teardown } from './teardown';

describe('Teardown', () => {
  it('runs closers in reverse order, all of them even when one fails, then reports the failure', async () => {
    const ran: string[] = [];
    const teardown = new Teardown();
    teardown.add('database', () => {
      ran.push('database');
    });
    teardown.add('broker', () => {
      throw new Error('already stopped');
    });
    teardown.add('service', async () => {
      ran.push('service');
    });
    await assert.rejects(teardown.run(), /broker: already stopped/);
    assert.deepEqual(ran, ['service', 'database']);
  });

  it('runs once however often it is asked', async () => {
    let runs = 0;
    const teardown = new Teardown();
    teardown.add('x', () => {
      runs++;
    });
    await Promise.all([teardown.run(), teardown.run()]);
    assert.equal(runs, 1);
  });
});

describe('stopOnSignals', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`runs the teardown on ${signal} and exits ${code}`, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'cdc-signal-test-'));
      const marker = join(folder, 'stopped');
      try {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join(__dirname, 'fixtures', 'signal-child.ts'), marker],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        const exited = new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
        await new Promise((resolve) => child.stdout.once('data', resolve));
        child.kill(signal);
        assert.equal(await exited, code);
        assert.equal(readFileSync(marker, 'utf8'), 'stopped');
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
