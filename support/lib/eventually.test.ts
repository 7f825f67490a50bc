import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventuallyTimeout, eventually, GiveUp } from './eventually';

describe('eventually', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    const value = await eventually(() => (++calls >= 3 ? 'ready' : undefined), { awaiting: 'a value', intervalMs: 1 });
    assert.equal(value, 'ready');
    assert.equal(calls, 3);
  });

  it('fails naming what was awaited and what was last seen', async () => {
    await assert.rejects(
      eventually(
        () => {
          throw new Error('connection refused');
        },
        { awaiting: 'the broker', timeoutMs: 30, intervalMs: 5 },
      ),
      (error: unknown) =>
        error instanceof EventuallyTimeout && /awaiting the broker; last seen: connection refused/.test(error.message),
    );
  });

  it('stops at once on GiveUp', async () => {
    let calls = 0;
    await assert.rejects(
      eventually(
        () => {
          calls++;
          throw new GiveUp('the process died');
        },
        { awaiting: 'x', timeoutMs: 5_000, intervalMs: 1 },
      ),
      GiveUp,
    );
    assert.equal(calls, 1);
  });
});

describe('eventually with a probe that never settles', () => {
  it('still fails at the deadline', async () => {
    await assert.rejects(
      eventually(() => new Promise<string>(() => {}), { awaiting: 'an answer', timeoutMs: 50 }),
      /awaiting an answer; last seen: the last attempt was still pending at the deadline/,
    );
  });

  it('with attemptTimeoutMs, gives up on a hung attempt and tries again', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls++;
        return calls === 1 ? new Promise<string>(() => {}) : 'answered';
      },
      { awaiting: 'an answer', timeoutMs: 5_000, intervalMs: 1, attemptTimeoutMs: 20 },
    );
    assert.equal(value, 'answered');
    assert.equal(calls, 2);
    await assert.rejects(
      eventually(() => new Promise<string>(() => {}), { awaiting: 'an answer', timeoutMs: 100, attemptTimeoutMs: 20 }),
      /awaiting an answer; last seen: (an attempt had no answer in \d+ ms|the last attempt was still pending)/,
    );
  });
});
