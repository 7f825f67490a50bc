import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patchedSource } from './debezium-binlog-patch';

// The parts of Debezium's BinlogOffsetContext (3.5.0.Final and 3.6.1.Final alike) the patch edits.
const upstream = [
  '    private int restartRowsToSkip = 0;',
  '    private long restartEventsToSkip = 0;',
  '',
  '    public void startGtid(String gtid, String gtidSet) {',
  '        sourceInfo.startGtid(gtid);',
  '        if (gtidSet != null && !gtidSet.trim().isEmpty()) {',
  '            this.restartGtidSet = Strings.defaultIfBlank(this.currentGtidSet, trimmedGtidSet);',
  '        }',
  '    }',
  '',
  '    public void commitTransaction() {',
  '        this.restartGtidSet = this.currentGtidSet;',
  '    }',
  '',
].join('\n');

describe('patchedSource', () => {
  const patched = patchedSource(upstream, '3.6.1.Final');

  it('keeps the restart GTID set when the GTID of the transaction under way comes again', () => {
    const startGtid = patched.slice(patched.indexOf('public void startGtid'), patched.indexOf('public void commit'));
    const sentAgain = startGtid.indexOf('if (sentAgain)');
    assert.ok(sentAgain > 0, 'startGtid returns early for a GTID sent again');
    assert.ok(sentAgain < startGtid.indexOf('this.restartGtidSet ='), 'before it moves the restart GTID set');
    assert.match(startGtid, /gtid\.equals\(gtidUnderWay\)[\s\S]*gtidUnderWay = gtid;/);
  });

  it('forgets the transaction under way at its commit, and declares the field once', () => {
    assert.match(patched, /public void commitTransaction\(\) \{\n {8}gtidUnderWay = null;/);
    assert.equal(patched.split('private String gtidUnderWay;').length - 1, 1);
  });

  it('changes nothing else', () => {
    const removed = upstream.split('\n').filter((line) => !patched.split('\n').includes(line));
    assert.deepEqual(removed, []);
  });

  it('refuses a source that no longer has what it edits, naming it and the version', () => {
    assert.throws(
      () => patchedSource(upstream.replace('sourceInfo.startGtid(gtid);', 'sourceInfo.beginGtid(gtid);'), '9.9.9'),
      /Debezium 9\.9\.9's .*BinlogOffsetContext\.java has 0 places matching the patch's anchor/,
    );
  });
});
