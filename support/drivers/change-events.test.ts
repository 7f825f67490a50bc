import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatView, type TopicRecord, viewOf } from './change-events';

const fixtures = join(__dirname, '..', '..', 'src', 'push-email', 'transport', 'kafka', 'fixtures');
const fixture = (name: string): Buffer => readFileSync(join(fixtures, name));

function record(value: Buffer | null, readAt: number, key = Buffer.from('{"id":1}')): TopicRecord {
  return { partition: 3, offset: '17', key, value, readAt };
}

describe('viewOf / formatView: a change event as a person reads it', () => {
  it("shows an update's changed fields old → new, the binlog position and GTID, and the time since the commit", () => {
    const value = fixture('mysql-update.json');
    const committedUs = (JSON.parse(value.toString()) as { source: { ts_us: number } }).source.ts_us;
    const view = viewOf(record(value, committedUs / 1000 + 19));
    assert.equal(view.operation, 'update');
    assert.deepEqual(view.changes, {
      address: { old: 'Rua A, 1', new: 'Rua B, 2' },
      version: { old: 1, new: 2 },
    });
    assert.deepEqual(view.position, {
      file: 'binlog.000001',
      pos: 10563,
      gtid: 'a421f5e3-edd7-11f1-97d1-02fc00000001:29',
    });
    assert.equal(view.readAfterMs, 19);
    assert.equal(
      formatView(view),
      [
        'update {"id":1}  binlog.000001:10563 gtid a421f5e3-edd7-11f1-97d1-02fc00000001:29  ' +
          'committed 2026-12-01T22:36:36.573Z, read 19 ms later  (partition 3 offset 17)',
        '    address: "Rua A, 1" → "Rua B, 2"',
        '    version: 1 → 2',
      ].join('\n'),
    );
  });

  it("shows every field of a create (after) and of a delete (before), on MariaDB's envelope too", () => {
    for (const server of ['mysql', 'mariadb']) {
      const created = viewOf(record(fixture(`${server}-create.json`), Date.now()));
      assert.equal(created.operation, 'create', server);
      assert.equal(created.changes.address?.new, 'Rua A, 1', server);
      assert.equal(created.changes.email?.old, undefined, server);
      const deleted = viewOf(record(fixture(`${server}-delete.json`), Date.now()));
      assert.equal(deleted.operation, 'delete', server);
      assert.equal(typeof deleted.changes.email?.old, 'string', server);
      assert.match(formatView(deleted), /^delete \{"id":1\} {2}binlog\.\d+:\d+ gtid \S+ {2}committed /, server);
    }
  });

  it("names a snapshot read, the tombstone after a delete, and a record that is not Debezium's", () => {
    assert.match(formatView(viewOf(record(fixture('mysql-snapshot.json'), Date.now()))), /^snapshot read /);
    assert.equal(
      formatView(viewOf(record(null, Date.now()))),
      'tombstone {"id":1}  (partition 3 offset 17: the null value that follows a delete)',
    );
    assert.match(formatView(viewOf(record(Buffer.from('not json'), Date.now()))), /^unreadable .*not JSON/);
    assert.match(formatView(viewOf(record(Buffer.from('{"op":"x"}'), Date.now()))), /not a Debezium change event/);
  });

  it("prints a person's data as data: no control character, C1 control or bidi override reaches the terminal", () => {
    const hostile = 'Rua \u001b[2J\u009b31m\u202eA\r\n';
    const value = Buffer.from(
      JSON.stringify({
        op: 'u',
        before: { id: 1, address: 'Rua A' },
        after: { id: 1, address: hostile },
        source: { ts_ms: 1 },
      }),
    );
    const text = formatView(viewOf(record(value, 2)));
    assert.equal(text.split('\n').length, 2, 'one heading and one changed field, whatever the address holds');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: what the test looks for is exactly those characters
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.match(text, /"Rua A" → "Rua \\u001b\[2J\\u009b31m\\u202eA\\r\\n"/);
  });
});
