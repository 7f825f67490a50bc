import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openLoop } from './open-loop';

describe('openLoop', () => {
  it('sends rate × duration requests, each due 1/rate after the one before, whatever the answers take', async () => {
    const started = Date.now();
    const sent = await openLoop({
      ratePerSecond: 100,
      durationMs: 100,
      // Slower answers than the schedule: an open loop does not wait for them before sending the next.
      send: async (index) => {
        const sentAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { index, sentAt };
      },
    });
    assert.deepEqual(
      sent.map((request) => request.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const gaps = sent.slice(1).map((request, i) => request.scheduledAt - (sent[i]?.scheduledAt ?? 0));
    assert.ok(
      gaps.every((gap) => Math.abs(gap - 10) < 0.001),
      `due every 10 ms: ${gaps.join(', ')}`,
    );
    assert.ok((sent[0]?.scheduledAt ?? 0) >= started);
    for (const request of sent)
      assert.ok(request.sentAt >= Math.floor(request.scheduledAt), 'none leaves before it is due');
  });

  it('stops scheduling once stopped() says so, and still returns what was sent', async () => {
    let calls = 0;
    const sent = await openLoop({
      ratePerSecond: 1000,
      durationMs: 10_000,
      send: async (index) => {
        calls++;
        return { index };
      },
      stopped: () => calls >= 5,
    });
    assert.equal(sent.length, 5);
  });
});
