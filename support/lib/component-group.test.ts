import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComponentGroup } from './component-group';
import type { ComponentControl } from './supervisor';

/** A member that records what was done to it. */
function member(name: string, done: string[]): ComponentControl & { state: ComponentControl['state'] } {
  return {
    name,
    state: 'running',
    async kill() {
      done.push(`kill ${name}`);
      this.state = 'down';
    },
    async restart() {
      done.push(`restart ${name}`);
      this.state = 'running';
    },
    async freeze() {
      done.push(`freeze ${name}`);
      this.state = 'frozen';
    },
    async thaw() {
      done.push(`thaw ${name}`);
      this.state = 'running';
    },
  };
}

describe('ComponentGroup', () => {
  it('kills and freezes every member, and is down or frozen while any member is', async () => {
    const done: string[] = [];
    const group = new ComponentGroup('Kafka', [member('1', done), member('2', done)]);
    assert.equal(group.state, 'running');
    await group.freeze();
    assert.equal(group.state, 'frozen');
    await group.thaw();
    await group.kill();
    assert.equal(group.state, 'down');
    assert.deepEqual(done, ['freeze 1', 'freeze 2', 'thaw 1', 'thaw 2', 'kill 1', 'kill 2']);
  });

  it('restarts and thaws only the members that need it: one broker of three killed', async () => {
    const done: string[] = [];
    const members = [member('1', done), member('2', done), member('3', done)];
    const group = new ComponentGroup('Kafka', members);
    await members[1]?.kill();
    assert.equal(group.state, 'down');
    await group.restart();
    await members[2]?.freeze();
    await group.thaw();
    assert.equal(group.state, 'running');
    assert.deepEqual(done, ['kill 2', 'restart 2', 'freeze 3', 'thaw 3']);
  });

  it('waits for every member before failing with the first failure', async () => {
    const done: string[] = [];
    const failing = { ...member('1', done), kill: async () => Promise.reject(new Error('no such process')) };
    const group = new ComponentGroup('Kafka', [failing, member('2', done)]);
    await assert.rejects(group.kill(), /no such process/);
    assert.deepEqual(done, ['kill 2']);
  });
});
