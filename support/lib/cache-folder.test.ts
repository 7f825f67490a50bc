import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fillOnce } from './cache-folder';

describe('fillOnce', () => {
  const root = mkdtempSync(join(tmpdir(), 'fill-once-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('fills a folder the first time only', async () => {
    const folder = join(root, 'a');
    let fills = 0;
    const fill = (staging: string) => {
      fills++;
      writeFileSync(join(staging, 'content'), 'x');
    };
    assert.equal(await fillOnce(folder, fill), true);
    assert.equal(await fillOnce(folder, fill), false);
    assert.equal(fills, 1);
    assert.equal(readFileSync(join(folder, 'content'), 'utf8'), 'x');
  });

  it('leaves neither the folder nor its staging behind when filling fails, and fills it on the next call', async () => {
    const folder = join(root, 'b');
    await assert.rejects(
      fillOnce(folder, (staging) => {
        writeFileSync(join(staging, 'half'), 'x');
        throw new Error('Maven failed');
      }),
      /Maven failed/,
    );
    assert.equal(existsSync(folder), false);
    assert.deepEqual(
      readdirSync(root).filter((name) => name.startsWith('b')),
      [],
    );
    assert.equal(await fillOnce(folder, () => {}), true);
  });
});
