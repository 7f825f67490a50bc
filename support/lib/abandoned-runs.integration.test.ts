import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cleanAbandonedRuns, markKept } from './abandoned-runs';
import { eventually } from './eventually';

describe('cleanAbandonedRuns', () => {
  it('kills the processes of a run whose owner died, and removes its folder; leaves live and kept runs alone', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'cdc-abandoned-test-'));
    try {
      const abandoned = join(parent, 'cdc-harness-dead');
      const live = join(parent, 'cdc-harness-live');
      const kept = join(parent, 'cdc-harness-kept');
      for (const folder of [abandoned, live, kept]) mkdirSync(folder);
      // An owner pid that cannot exist, a live owner (this process), and a kept run with a dead owner.
      writeFileSync(join(abandoned, 'owner.pid'), '2147483646');
      writeFileSync(join(live, 'owner.pid'), String(process.pid));
      writeFileSync(join(kept, 'owner.pid'), '2147483646');
      markKept(kept);
      // An orphan of the dead run: its command line names the run's folder, as the stack's processes do.
      const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', abandoned], { stdio: 'ignore' });
      const orphanGone = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
      await eventually(
        () => (readFileSync(`/proc/${orphan.pid}/cmdline`, 'utf8').includes(abandoned) ? true : undefined),
        {
          awaiting: 'the orphan to run',
        },
      );

      const cleaned = cleanAbandonedRuns(parent, 'cdc-harness-');

      assert.equal(cleaned.length, 1);
      assert.match(cleaned[0] ?? '', /cdc-harness-dead/);
      assert.equal(await orphanGone, 'SIGKILL');
      assert.equal(existsSync(abandoned), false);
      assert.equal(existsSync(live), true);
      assert.equal(existsSync(kept), true);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
