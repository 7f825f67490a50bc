import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerEmail } from './ledger';
import { type ChangeAttempt, chaosAddress } from './load';
import { type RecoveredFault, recoveryFrom } from './recovery';

const person = { id: 1, email: 'ana@example.test' };
const change = (seq: number, at: number, status = 200): ChangeAttempt => ({
  seq,
  address: chaosAddress(seq),
  scheduledAt: at,
  person,
  answeredAt: at + 10,
  status,
});
const emailAt = (receivedAt: number): LedgerEmail[] => [{ to: [person.email], text: '', messageId: '<m>', receivedAt }];

describe('recoveryFrom', () => {
  const fault: RecoveredFault = {
    index: 1,
    component: 'kafka',
    kind: 'kill',
    startedAt: 10_000,
    inEffectAt: 10_100,
    endedAt: 14_000,
    readyAt: 20_000,
  };

  it('measures, from the restart, the stack ready, the first email of a change made since, and the backlog gone', () => {
    const changes = [change(1, 9_000), change(2, 12_000), change(3, 12_500, 503), change(4, 15_000), change(5, 16_000)];
    const emails = new Map([
      [1, emailAt(9_100)],
      [2, emailAt(21_000)],
      // Refused, yet applied: not part of the backlog the acknowledged changes make.
      [3, emailAt(30_000)],
      [4, emailAt(22_000)],
      [5, emailAt(21_500)],
    ]);
    assert.deepEqual(recoveryFrom(fault, changes, emails), {
      readyMs: 6_000,
      firstNewEmailMs: 7_500,
      backlogMs: 7_000,
    });
  });

  it('says nothing it could not measure, and a backlog of 0 when everything before was emailed in time', () => {
    const { readyAt: _, ...neverReady } = fault;
    assert.deepEqual(recoveryFrom(neverReady, [change(1, 9_000)], new Map([[1, emailAt(9_500)]])), { backlogMs: 0 });
  });
});
