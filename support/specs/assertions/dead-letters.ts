import assert from 'node:assert/strict';
import type { DeadLetter } from '../../drivers/dead-letters';

/** What a dead letter must say about why it was set aside; a part left out is not checked. */
export interface SetAsideAs {
  /** The `dlq.reason` header: the class of failure (`recipient-refused`, `invalid-recipient`, …). */
  readonly reason?: string;
  /** The `dlq.step` header: where in push-email's handling it failed (`policy`, `send`, …). */
  readonly step?: string;
  /** The `dlq.attempts` header: how many times it was tried. */
  readonly attempts?: number;
  /** The `dlq.emails` header: which emails the change would have sent. */
  readonly emails?: string;
  /** What the `dlq.error` header must say. */
  readonly error?: RegExp;
  /** The record as it was on the change topic, which the dead letter must carry unchanged. */
  readonly record?: { readonly key: string; readonly value: string };
}

/** The dead letter says what `expected` says; the `dlq.*` headers given are compared together, so all show at once. */
export function assertSetAsideAs(letter: DeadLetter, expected: SetAsideAs): void {
  const { error, record, ...headers } = expected;
  if (record) {
    assert.equal(letter.value, record.value, 'the dead letter does not carry the record as it was');
    assert.equal(letter.key, record.key, 'the dead letter does not carry the key as it was');
  }
  const names = Object.keys(headers) as (keyof typeof headers)[];
  assert.deepEqual(
    Object.fromEntries(names.map((name) => [name, letter.headers[`dlq.${name}`]])),
    Object.fromEntries(names.map((name) => [name, String(headers[name])])),
  );
  if (error) assert.match(letter.headers['dlq.error'] ?? '(no dlq.error header)', error);
}
