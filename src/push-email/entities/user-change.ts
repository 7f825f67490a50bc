import { createHash } from 'node:crypto';

/** The fields of a user that a person is told about when they change. */
export const trackedFields = ['name', 'email', 'address'] as const;
export type TrackedField = (typeof trackedFields)[number];

/** A user's row as the change event carries it. */
export interface UserRow {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly address: string;
}

/** Where in the database's log a change happened: identifies one change, whatever replays it. */
export interface ChangePosition {
  readonly connector: string;
  readonly database: string;
  readonly table: string;
  readonly binlogFile?: string;
  readonly binlogPosition?: number;
  readonly row?: number;
  readonly gtid?: string;
  /** When the database committed the change. */
  readonly committedAt: Date;
}

/** One captured change of the users table, independent of the tool that captured it. */
export type UserChange =
  | { readonly kind: 'created'; readonly after: UserRow; readonly position: ChangePosition }
  | { readonly kind: 'updated'; readonly before: UserRow; readonly after: UserRow; readonly position: ChangePosition }
  | { readonly kind: 'deleted'; readonly before: UserRow; readonly position: ChangePosition }
  /** A row read by the connector's initial snapshot: it existed before capture began, nothing changed. */
  | { readonly kind: 'snapshot'; readonly after: UserRow; readonly position: ChangePosition };

export interface FieldChange {
  readonly field: TrackedField;
  readonly from: string;
  readonly to: string;
}

/** The tracked fields whose values differ between two versions of a row, in a stable order. */
export function changedFields(before: UserRow, after: UserRow): FieldChange[] {
  return trackedFields
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ field, from: before[field], to: after[field] }));
}

/** Whose row changed: the user's id, in the row after the change or, for a delete, before it. */
export function userIdOf(change: UserChange): number {
  return 'after' in change ? change.after.id : change.before.id;
}

/**
 * The identity of one change, the same however often it is replayed: where the database logged it (binlog file,
 * position, row within the event, and GTID when there is one) and what it did. Debezium's `pos` can be shared by the
 * row events of one transaction, so the rows' contents are part of the identity too.
 */
export function changeIdentity(change: UserChange): string {
  const { position } = change;
  const rows = [change.kind, 'before' in change ? change.before : null, 'after' in change ? change.after : null];
  const where = [position.binlogFile, position.binlogPosition, position.row, position.gtid];
  return createHash('sha256')
    .update(JSON.stringify([where, rows]))
    .digest('hex');
}
