import assert from 'node:assert/strict';
import type { CapturedRecord } from '../../drivers/change-feed';
import type { Mailboxes } from '../mailboxes';
import type { Pipeline } from '../pipeline';

/** The captured change is a change of the row's `updated_at` only: name, email and address are as they were. */
export function assertChangesNoDetail(record: CapturedRecord): void {
  const before = (record.value?.before ?? {}) as Record<string, unknown>;
  const after = (record.value?.after ?? {}) as Record<string, unknown>;
  const details = (row: Record<string, unknown>) => ({ name: row.name, email: row.email, address: row.address });
  assert.deepEqual(details(after), details(before), 'the captured change changed a detail of the person');
  assert.notEqual(after.updated_at, before.updated_at, 'the captured change is not the one of updated_at');
}

/**
 * Exactly these operations (c, u, d, tombstone) were captured about `name`, in order, and the only email they
 * received is their welcome. Meaningful once the pipeline has caught up.
 */
export function assertOnlyCapturedAndWelcomed(
  { pipeline, mail }: { readonly pipeline: Pipeline; readonly mail: Mailboxes },
  name: string,
  operations: readonly string[],
): void {
  assert.deepEqual(pipeline.operationsCapturedAbout(name), operations, `changes captured about ${name}`);
  assert.deepEqual(mail.subjectsReceivedBy(name), [`Welcome, ${name}`], `emails to ${name}`);
}
