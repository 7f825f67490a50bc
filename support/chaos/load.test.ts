import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { untilEmailedFrom } from './flow';
import type { LedgerEmail } from './ledger';
import { chaosAddress, firstSeqDueFrom, seqOfAddress } from './load';

describe('the load’s numbering', () => {
  it('reads a change’s number back from its address, and nothing from any other address', () => {
    assert.equal(seqOfAddress(chaosAddress(42)), 42);
    assert.equal(seqOfAddress('Chaos home 42'), undefined);
    assert.equal(seqOfAddress('Chaos street 42b'), undefined);
  });

  it('says which change is the first due at or after a moment, at the load’s rate', () => {
    const startedAt = 1_000_000;
    assert.equal(firstSeqDueFrom(startedAt - 5_000, startedAt, 20), 1);
    assert.equal(firstSeqDueFrom(startedAt, startedAt, 20), 1);
    assert.equal(firstSeqDueFrom(startedAt + 1, startedAt, 20), 2);
    assert.equal(firstSeqDueFrom(startedAt + 50, startedAt, 20), 2);
    assert.equal(firstSeqDueFrom(startedAt + 10_000, startedAt, 20), 201);
  });
});

describe('untilEmailedFrom', () => {
  const about = (seq: number): LedgerEmail => ({
    to: ['ana@example.test'],
    messageId: `<${seq}>`,
    receivedAt: seq,
    text: `- Address: "before" → "${chaosAddress(seq)}"`,
  });

  it('resolves once an email tells of that change or a later one, whatever came before it', async () => {
    const emails: LedgerEmail[] = [about(1), about(7)];
    setTimeout(() => emails.push(about(3), { ...about(0), text: 'Welcome' }), 50);
    setTimeout(() => emails.push(about(12)), 150);
    const started = Date.now();
    await untilEmailedFrom(() => emails, 10, 5_000);
    assert.ok(Date.now() - started >= 140, 'not before the email about change 12');
  });

  it('says the newest change emailed when none new enough comes in time', async () => {
    await assert.rejects(
      untilEmailedFrom(() => [about(4), about(9)], 10, 300),
      /the newest change emailed: 9/,
    );
  });
});
