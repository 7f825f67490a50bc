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
