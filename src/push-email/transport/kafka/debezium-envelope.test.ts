import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MalformedChangeEvent, parseChangeRecord } from './debezium-envelope';

const fixtureOf = (connector: string, op: string): Buffer =>
  readFileSync(join(__dirname, 'fixtures', `${connector}-${op}.json`));
const fixture = (op: string): Buffer => fixtureOf('mariadb', op);

for (const connector of ['mariadb', 'mysql'] as const) {
  describe(`parseChangeRecord on events the ${connector} connector wrote`, () => {
    const fixture = (op: string): Buffer => fixtureOf(connector, op);

    it('reads a create with its row and binlog position', () => {
      const record = parseChangeRecord(fixture('create'));
      assert.equal(record.type, 'change');
      assert.ok(record.type === 'change' && record.change.kind === 'created');
      assert.deepEqual(record.change.after, { id: 1, name: 'Ana', email: 'ana@example.com', address: 'Rua A, 1' });
      assert.equal(record.change.position.connector, connector);
      assert.equal(record.change.position.binlogFile, 'binlog.000001');
      assert.equal(typeof record.change.position.binlogPosition, 'number');
      assert.equal(record.change.position.row, 0);
      assert.equal(record.change.position.table, 'users');
    });

    it('reads an update with both versions of the row', () => {
      const record = parseChangeRecord(fixture('update'));
      assert.ok(record.type === 'change' && record.change.kind === 'updated');
      assert.equal(record.change.before.address, 'Rua A, 1');
      assert.equal(record.change.after.address, 'Rua B, 2');
    });

    it('reads a delete with the row as it was', () => {
      const record = parseChangeRecord(fixture('delete'));
      assert.ok(record.type === 'change' && record.change.kind === 'deleted');
      assert.equal(record.change.before.id, 1);
    });
  });
}

describe('parseChangeRecord on a tombstone', () => {
  it('reads a null value as the tombstone that follows a delete', () => {
    assert.deepEqual(parseChangeRecord(null), { type: 'tombstone' });
  });
});

describe('parseChangeRecord on records that are not change events', () => {
  it('refuses text that is not JSON', () => {
    assert.throws(() => parseChangeRecord(Buffer.from('{oops')), MalformedChangeEvent);
  });

  it('names the missing field', () => {
    const event = JSON.parse(fixture('update').toString());
    delete event.after.email;
    assert.throws(() => parseChangeRecord(Buffer.from(JSON.stringify(event))), /after\.email/);
  });

  it('refuses an update without its before image', () => {
    const event = JSON.parse(fixture('update').toString());
    event.before = null;
    assert.throws(() => parseChangeRecord(Buffer.from(JSON.stringify(event))), /without "before"/);
  });
});
