import assert from 'node:assert/strict';
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
