import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentedRefusal, keepLedger, type LedgerEmail, type LedgerFault } from './ledger';
import { type ChangeAttempt, chaosAddress } from './load';

const ana = { id: 1, email: 'ana@example.test' };
const bo = { id: 2, email: 'bo@example.test' };
const options = { pushEmailDuplicateWindow: 2, lateAfterMs: 10_000 };

/** A change answered at `answeredAt` (its seq's second by default) with `status`. */
function change(seq: number, person = ana, answer: Partial<ChangeAttempt> = {}): ChangeAttempt {
  return {
    seq,
    address: chaosAddress(seq),
    scheduledAt: seq * 1000,
    person,
    answeredAt: seq * 1000 + 50,
    status: 200,
    ...answer,
  };
}

function email(seq: number, receivedAt: number, to = ana.email, messageId = `<${seq}@push-email>`): LedgerEmail {
  return { to: [to], messageId, receivedAt, text: `Hello,\n- Address: "before" → "${chaosAddress(seq)}"\n` };
}

const unavailable = {
  status: 503,
  contentType: 'application/problem+json',
  retryAfter: '1',
  code: 'DATABASE_UNAVAILABLE',
};

/** push-email killed at 10 s (gone at 10.1 s) and restarted at 13 s. */
const crash: LedgerFault = {
  index: 1,
  component: 'push-email',
  kind: 'kill',
  startedAt: 10_000,
  inEffectAt: 10_100,
  endedAt: 13_000,
};

describe('the chaos ledger', () => {
  it('counts an acknowledged change with one email as emailed, one with none as lost, and one never sent apart', () => {
    const ledger = keepLedger(
      [change(1), change(2, bo), { seq: 3, address: chaosAddress(3), scheduledAt: 3000 }],
      [email(1, 1_200)],
      [],
      options,
    );
    assert.equal(ledger.planned, 3);
    assert.equal(ledger.notSent, 1);
    assert.equal(ledger.acknowledged, 2);
    assert.equal(ledger.emailed, 1);
    assert.deepEqual(ledger.lost, [2]);
    assert.match(ledger.failures.join('\n'), /1 acknowledged change\(s\) never emailed: 2/);
  });

  it('matches an email by recipient and address: the same address sent to someone else is about no change made', () => {
    const ledger = keepLedger([change(1)], [email(1, 1_200, bo.email)], [], options);
    assert.deepEqual(ledger.lost, [1]);
    assert.equal(ledger.unmatchedEmails.length, 1);
    assert.match(ledger.unmatchedEmails[0] ?? '', /^to bo@example.test/);
  });

  it('keeps second copies up to the duplicate window per push-email crash within the bound, when the crash explains them', () => {
    const changes = [change(5), change(6, bo), change(7, { id: 3, email: 'cy@example.test' })];
    const emails = [
      email(5, 9_900),
      email(5, 14_000),
      email(6, 10_050, bo.email),
      email(6, 14_100, bo.email),
      email(7, 10_080, 'cy@example.test'),
      email(7, 14_200, 'cy@example.test'),
    ];
    const ledger = keepLedger(changes, emails, [crash], options);
    assert.deepEqual(
      ledger.duplicated.withinBound.map((d) => [d.seq, d.explainedBy]),
      [
        [5, 1],
        [6, 1],
      ],
    );
    assert.deepEqual(
      ledger.duplicated.beyondBound.map((d) => d.seq),
      [7],
      'a third copy in the same crash is one more than the duplicate window (2 here)',
    );
    assert.match(ledger.failures.join('\n'), /1 change\(s\) emailed more than once beyond the documented bound/);
  });

  it('counts a first copy accepted while push-email was down as the crash’s: the server read it after its sender died', () => {
    const later = { ...crash, startedAt: 30_000, inEffectAt: 30_100, endedAt: 33_000 };
    const emails = [email(5, 30_400), email(5, 34_000), email(6, 19_000, bo.email), email(6, 34_000, bo.email)];
    const ledger = keepLedger([change(5), change(6, bo)], emails, [later], options);
    assert.deepEqual(
      ledger.duplicated.withinBound.map((d) => d.seq),
      [5],
    );
    assert.deepEqual(
      ledger.duplicated.beyondBound.map((d) => [d.seq, d.acceptedAt]),
      [[6, [19_000, 34_000]]],
      'a first copy accepted more than 10 s before the crash is no part of its window',
    );
  });

  it('allows the same window to a fault of the database (the delivery log), and to no other component', () => {
    const frozenDatabase: LedgerFault = { ...crash, component: 'database', kind: 'freeze' };
    const killedKafka: LedgerFault = {
      ...crash,
      index: 2,
      component: 'kafka',
      startedAt: 20_000,
      inEffectAt: 20_100,
      endedAt: 23_000,
    };
    const emails = [email(5, 10_500), email(5, 13_500), email(6, 20_500, bo.email), email(6, 23_500, bo.email)];
    const ledger = keepLedger([change(5), change(6, bo)], emails, [frozenDatabase, killedKafka], options);
    assert.deepEqual(
      ledger.duplicated.withinBound.map((d) => [d.seq, d.explainedBy]),
      [[5, 1]],
    );
    assert.deepEqual(
      ledger.duplicated.beyondBound.map((d) => d.seq),
      [6],
    );
  });

  it('counts as beyond the bound a second copy no crash explains, a third copy, and a second Message-ID', () => {
    const changes = [change(1), change(2, bo), change(11), change(12, bo)];
    const emails = [
      // No crash between the copies.
      email(1, 1_100),
      email(1, 1_200),
      // Both copies after the crash.
      email(2, 13_500, bo.email),
      email(2, 14_000, bo.email),
      // Three copies around the crash.
      email(11, 9_000),
      email(11, 13_500),
      email(11, 14_000),
      // Two Message-IDs around the crash.
      email(12, 9_000, bo.email, '<one@push-email>'),
      email(12, 14_000, bo.email, '<two@push-email>'),
    ];
    const ledger = keepLedger(changes, emails, [crash], options);
    assert.deepEqual(ledger.duplicated.withinBound, []);
    assert.deepEqual(
      ledger.duplicated.beyondBound.map((d) => [d.seq, d.copies, d.messageIds.length]),
      [
        [1, 2, 1],
        [2, 2, 1],
        [11, 3, 1],
        [12, 2, 2],
      ],
    );
  });

  it('tells refusals apart: the documented 503, no answer at all, and unexpected answers, which fail the run', () => {
    const changes = [
      change(1, ana, unavailable),
      change(2, bo, { status: 0, error: 'ECONNREFUSED' }),
      change(3, ana, { status: 500, contentType: 'application/problem+json' }),
      change(4, bo, { ...unavailable, retryAfter: undefined }),
    ];
    const ledger = keepLedger(changes, [], [], options);
    assert.equal(ledger.acknowledged, 0);
    assert.deepEqual(ledger.lost, [], 'a refused change is not lost');
    assert.equal(ledger.refused.total, 4);
    assert.deepEqual(ledger.refused.byReason, {
      [documentedRefusal]: 1,
      'no answer: ECONNREFUSED': 1,
      'HTTP 500': 1,
      '503 without Retry-After': 1,
    });
    assert.deepEqual(
      ledger.refused.unexpected.map((u) => u.seq),
      [3, 4],
    );
    assert.match(ledger.failures.join('\n'), /2 unexpected answer\(s\): #3 HTTP 500; #4 503 without Retry-After/);
  });

  it('counts a refused change that was emailed as applied despite refusal, not as lost, and holds it to one email', () => {
    const changes = [change(1, ana, unavailable), change(2, bo, { status: 0, error: 'ECONNRESET' })];
    const ledger = keepLedger(
      changes,
      [email(1, 1_500), email(2, 2_500, bo.email), email(2, 2_600, bo.email)],
      [],
      options,
    );
    assert.deepEqual(ledger.refused.appliedDespiteRefusal, [1, 2]);
    assert.deepEqual(ledger.lost, []);
    assert.deepEqual(
      ledger.duplicated.beyondBound.map((d) => d.seq),
      [2],
    );
  });

  it('measures from the answer to the first copy, and counts as late what took longer than the bound', () => {
    const changes = [change(1), change(2), change(3)];
    const emails = [email(1, 1_050 + 200), email(2, 2_050 + 9_000), email(3, 3_050 + 12_000), email(3, 3_050 + 20_000)];
    const ledger = keepLedger(changes, emails, [], options);
    assert.deepEqual([ledger.latency.count, ledger.latency.p50, ledger.latency.max], [3, 9_000, 12_000]);
    assert.deepEqual(ledger.late, { afterMs: 10_000, seqs: [3] });
    assert.ok(!ledger.failures.some((failure) => /late/.test(failure)), 'late is reported, not a failure');
  });
});
