import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectWorkerReplication, connectWorkerSettings } from './connect-worker';

describe('connectWorkerReplication', () => {
  it("replicates Connect's three internal topics as the brokers replicate theirs", () => {
    assert.deepEqual(connectWorkerReplication(3), {
      'config.storage.replication.factor': '3',
      'offset.storage.replication.factor': '3',
      'status.storage.replication.factor': '3',
    });
    assert.equal(connectWorkerReplication(2)['offset.storage.replication.factor'], '2');
  });

  it('is what connectWorkerSettings, for the single broker of every environment, has', () => {
    for (const [property, value] of Object.entries(connectWorkerReplication(1))) {
      assert.equal(connectWorkerSettings[property], value, property);
      assert.equal(value, '1');
    }
  });
});
