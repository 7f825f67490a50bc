import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MalformedChangeEvent, parseChangeRecord } from './debezium-envelope';

const users = { database: 'clients', table: 'users' };

const fixtureOf = (connector: string, op: string): Buffer =>
  readFileSync(join(__dirname, 'fixtures', `${connector}-${op}.json`));
const fixture = (op: string): Buffer => fixtureOf('mariadb', op);

for (const connector of ['mariadb', 'mysql'] as const) {
  describe(`parseChangeRecord on events the ${connector} connector wrote`, () => {
    const fixture = (op: string): Buffer => fixtureOf(connector, op);

    it('reads a create with its row and binlog position', () => {
      const record = parseChangeRecord(fixture('create'), users);
      assert.equal(record.type, 'change');
      assert.ok(record.type === 'change' && record.change.kind === 'created');
      assert.deepEqual(record.change.after, { id: 1, name: 'Ana', email: 'ana@example.com', address: 'Rua A, 1' });
      assert.equal(record.change.position.connector, connector);
      assert.equal(record.change.position.binlogFile, 'binlog.000001');
      assert.equal(typeof record.change.position.binlogPosition, 'number');
      assert.equal(record.change.position.row, 0);
      assert.equal(record.change.position.table, 'users');
      // MySQL's GTID names the server and the transaction, and is part of the change's identity.
      if (connector === 'mysql') assert.match(record.change.position.gtid ?? '', /^[0-9a-f-]{36}:\d+$/);
    });

    it('reads an update with both versions of the row', () => {
      const record = parseChangeRecord(fixture('update'), users);
      assert.ok(record.type === 'change' && record.change.kind === 'updated');
      assert.equal(record.change.before.address, 'Rua A, 1');
      assert.equal(record.change.after.address, 'Rua B, 2');
    });

    it('reads a snapshot read as a row that existed before capture began, telling no one', () => {
      const record = parseChangeRecord(fixture('snapshot'), users);
      assert.ok(record.type === 'change' && record.change.kind === 'snapshot');
      assert.equal(record.change.after.name, 'Bia');
    });

    it("reads the tombstone after a delete as nothing to tell; its key is the deleted user's", () => {
      const key = JSON.parse(readFileSync(join(__dirname, 'fixtures', `${connector}-tombstone-key.json`), 'utf8'));
      const deleted = JSON.parse(fixture('delete').toString()) as { before: { id: number } };
      assert.deepEqual(key, { id: deleted.before.id });
      assert.deepEqual(parseChangeRecord(null, users), { type: 'tombstone' });
    });

    it('reads a delete with the row as it was', () => {
      const record = parseChangeRecord(fixture('delete'), users);
      assert.ok(record.type === 'change' && record.change.kind === 'deleted');
      assert.equal(record.change.before.id, 1);
    });
  });
}

describe("parseChangeRecord on the MySQL connector's documented update event", () => {
  it('reads the change and its position, GTID included', () => {
    const record = parseChangeRecord(fixtureOf('mysql', 'documented-update'), users);
    assert.ok(record.type === 'change' && record.change.kind === 'updated');
    assert.deepEqual([record.change.before.name, record.change.after.name], ['Anne', 'Anne Marie']);
    assert.deepEqual(record.change.position, {
      connector: 'mysql',
      database: 'clients',
      table: 'users',
      committedAt: new Date(1465581029100),
      binlogFile: 'mysql-bin.000003',
      binlogPosition: 484,
      row: 0,
      gtid: '3E11FA47-71CA-11E1-9E33-C80AA9429562:23',
    });
  });
});

describe('parseChangeRecord on a tombstone and a truncate', () => {
  it('reads a truncate as nothing to tell anyone', () => {
    const event = JSON.parse(fixture('update').toString());
    event.op = 't';
    event.before = null;
    event.after = null;
    assert.deepEqual(parseChangeRecord(Buffer.from(JSON.stringify(event)), users), { type: 'truncate' });
  });

  it('reads a null value as the tombstone that follows a delete', () => {
    assert.deepEqual(parseChangeRecord(null, users), { type: 'tombstone' });
  });
});

describe('parseChangeRecord on records that are not change events', () => {
  it('refuses an unknown op, naming it', () => {
    const event = JSON.parse(fixture('update').toString());
    event.op = 'x';
    assert.throws(() => parseChangeRecord(Buffer.from(JSON.stringify(event)), users), /op/);
  });

  it('refuses JSON that is not an object', () => {
    assert.throws(() => parseChangeRecord(Buffer.from('[1,2]'), users), MalformedChangeEvent);
  });

  it('refuses text that is not JSON', () => {
    assert.throws(() => parseChangeRecord(Buffer.from('{oops'), users), MalformedChangeEvent);
  });

  it('names the missing field', () => {
    const event = JSON.parse(fixture('update').toString());
    delete event.after.email;
    assert.throws(() => parseChangeRecord(Buffer.from(JSON.stringify(event)), users), /after\.email/);
  });

  it('sets apart the reasons: not JSON, not a change event, another table, a row missing fields', () => {
    const reasonOf = (value: string | object): string => {
      try {
        parseChangeRecord(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), users);
      } catch (error) {
        return (error as MalformedChangeEvent).reason;
      }
      return 'parsed';
    };
    const event = JSON.parse(fixture('update').toString());
    assert.equal(reasonOf('{oops'), 'not-json');
    assert.equal(reasonOf({ hello: 'world' }), 'not-a-change-event');
    assert.equal(reasonOf({ ...event, source: { ...event.source, table: 'orders' } }), 'other-table');
    assert.equal(reasonOf({ ...event, source: { ...event.source, db: 'billing' } }), 'other-table');
    assert.equal(reasonOf({ ...event, after: { id: 1, name: 'Ana', address: 'Rua A, 1' } }), 'missing-fields');
    assert.equal(reasonOf({ ...event, after: { ...event.after, name: null } }), 'missing-fields');
    assert.equal(reasonOf(event), 'parsed');
  });

  it('names the other table a change event came from', () => {
    const event = JSON.parse(fixture('create').toString());
    event.source.table = 'orders';
    event.after = { id: 1, total: 10 };
    assert.throws(
      () => parseChangeRecord(Buffer.from(JSON.stringify(event)), users),
      /a change of clients\.orders, not of clients\.users/,
    );
  });

  it('refuses an update without its before image', () => {
    const event = JSON.parse(fixture('update').toString());
    event.before = null;
    assert.throws(() => parseChangeRecord(Buffer.from(JSON.stringify(event)), users), /without "before"/);
  });
});
