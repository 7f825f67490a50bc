import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settleAll, settleWithin } from './settle-all';

describe('settleAll', () => {
  it('waits for every promise before failing with the first rejection', async () => {
    let lateDone = false;
    const late = new Promise<void>((resolve) =>
      setTimeout(() => {
        lateDone = true;
        resolve();
      }, 20),
    );
    await assert.rejects(settleAll([Promise.reject(new Error('first')), late]), /first/);
    assert.equal(lateDone, true);
  });
});

describe('settleWithin', () => {
  it('names what is still pending at the deadline, and does not wait for it', async () => {
    const started = Date.now();
    const pending = await settleWithin(
      { quick: Promise.resolve(), failed: Promise.reject(new Error('x')), hung: new Promise(() => {}) },
      50,
    );
    assert.deepEqual(pending, ['hung']);
    assert.ok(Date.now() - started < 5_000, 'returned at the deadline');
  });

  it('returns as soon as everything has settled', async () => {
    const started = Date.now();
    assert.deepEqual(await settleWithin({ quick: Promise.resolve() }, 60_000), []);
    assert.ok(Date.now() - started < 5_000, 'did not wait for the deadline');
  });
});
