import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentedRefusal, type Ledger } from './ledger';
import { appliedLines, ledgerLines, plannedLines } from './report';

const fault = { index: 1, atMs: 15_000, component: 'push-email', kind: 'kill', durationMs: 5_400 } as const;

describe('the chaos report', () => {
  it('prints the plan as a table, one fault a line', () => {
    assert.deepEqual(plannedLines([fault]), [
      '  #  at       component   fault  for',
      '  1  +15.0 s  push-email  kill   5.4 s down',
    ]);
  });

  it('prints each fault as run with its recovery, what was skipped, and what was still in progress', () => {
    const started = 1_000_000;
    const applied = {
      ...fault,
      planned: fault,
      startedAt: started + 15_000,
      inEffectAt: started + 15_100,
      endedAt: started + 20_400,
      readyAt: started + 24_000,
    };
    const lines = appliedLines(
      {
        applied: [applied],
        skipped: [{ fault: { ...fault, index: 3 }, why: 'no time left' }],
        inProgress: { fault: { ...fault, index: 2, component: 'kafka' }, startedAt: started + 40_000 },
      },
      started,
      new Map([[1, { readyMs: 3_600, firstNewEmailMs: 4_000, backlogMs: 4_500 }]]),
    );
    assert.deepEqual(lines, [
      '  #  at       component   fault  for    ready  first new email  backlog emailed',
      '  1  +15.0 s  push-email  kill   5.4 s  3.6 s  4.0 s            4.5 s',
      '  #3 kill push-email skipped: no time left',
      '  #2 kill kafka (+40.0 s) still in progress: not recovered',
    ]);
  });

  it('sums the ledger up: counts, refusals by kind, duplicates per crash, latency', () => {
    const ledger: Ledger = {
      planned: 100,
      notSent: 2,
      acknowledged: 90,
      emailed: 90,
      lost: [],
      duplicated: {
        withinBound: [
          { seq: 7, recipient: 'a@example.test', copies: 2, messageIds: ['<m>'], acceptedAt: [1, 2], explainedBy: 1 },
        ],
        beyondBound: [
          { seq: 9, recipient: 'b@example.test', copies: 2, messageIds: ['<n>'], acceptedAt: [1_500, 9_250] },
        ],
      },
      latency: { count: 90, p50: 120, p90: 900, p99: 4_200, max: 9_800 },
      late: { afterMs: 40_000, seqs: [] },
      refused: {
        total: 8,
        byReason: { [documentedRefusal]: 5, 'no answer: ECONNREFUSED': 3 },
        appliedDespiteRefusal: [4],
        unexpected: [],
      },
      unmatchedEmails: [],
      failures: [],
    };
    assert.deepEqual(ledgerLines(ledger, 8, 1_000), [
      '  changes due 100, sent 98 (2 not sent: every person had a change in flight)',
      '  acknowledged (2xx) 90, emailed 90, lost 0',
      '  refused 8: 5 503 problem+json, Retry-After · 3 no answer: ECONNREFUSED; applied despite refusal 1',
      '  duplicated within the documented bound 1 (fault #1: 1 of at most 8, same Message-ID), beyond it 1',
      '  latency from the 2xx to the email: p50 120 ms, p90 900 ms, p99 4.2 s, max 9.8 s; late (over 40.0 s) 0',
      '    #9 to b@example.test: 2 copies accepted at +0.500 s, +8.250 s; Message-ID <n>',
    ]);
  });
});
