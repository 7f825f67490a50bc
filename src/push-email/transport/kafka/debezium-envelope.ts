import { z } from 'zod';
import type { PermanentReason } from '../../entities/delivery-failure';
import type { UserChange } from '../../entities/user-change';

/** A record of the change topic that is not a change event of the users table; the reason names what is wrong. */
export class MalformedChangeEvent extends Error {
  override name = 'MalformedChangeEvent';
  constructor(
    readonly reason: Extract<PermanentReason, 'not-json' | 'not-a-change-event' | 'other-table' | 'missing-fields'>,
    message: string,
  ) {
    super(message);
  }
}

/** The table whose changes push-email tells people about, as Debezium's `source.db` and `source.table` name it. */
export interface CapturedTable {
  readonly database: string;
  readonly table: string;
}

const userRow = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  address: z.string(),
});

// Debezium's JSON envelope (converter without schemas), as the MariaDB and the MySQL connectors write it. The rows
// are checked apart, once the table is known to be the users table.
const envelope = z.object({
  op: z.enum(['c', 'u', 'd', 'r', 't']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  source: z.object({
    connector: z.string(),
    db: z.string(),
    table: z.string().nullable().optional(),
    ts_ms: z.number(),
    file: z.string().nullable().optional(),
    pos: z.number().nullable().optional(),
    row: z.number().nullable().optional(),
    gtid: z.string().nullable().optional(),
  }),
});

export type ParsedRecord =
  | { readonly type: 'tombstone' }
  | { readonly type: 'change'; readonly change: UserChange }
  | { readonly type: 'truncate' };

/**
 * Turns one record value of the change topic into a UserChange. A null value is the tombstone Debezium writes after
 * a delete (for log compaction): there is nothing to tell anyone, but it is not an error either.
 */
export function parseChangeRecord(value: Buffer | null, captured: CapturedTable): ParsedRecord {
  if (value === null || value.length === 0) return { type: 'tombstone' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new MalformedChangeEvent('not-json', `not JSON: ${(error as Error).message}`);
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    throw new MalformedChangeEvent('not-a-change-event', `not a Debezium change event: ${problemsOf(parsed.error)}`);
  }
  const { op, source } = parsed.data;
  if (source.db !== captured.database || (source.table != null && source.table !== captured.table)) {
    throw new MalformedChangeEvent(
      'other-table',
      `a change of ${source.db}.${source.table ?? '?'}, not of ${captured.database}.${captured.table}`,
    );
  }
  const row = (name: 'before' | 'after') => {
    const value = parsed.data[name];
    if (value == null) return value;
    const checked = userRow.safeParse(value);
    if (!checked.success) {
      throw new MalformedChangeEvent(
        'missing-fields',
        `"${name}" is not a users row: ${problemsOf(checked.error, name)}`,
      );
    }
    return checked.data;
  };
  const before = row('before');
  const after = row('after');
  const position = {
    connector: source.connector,
    database: source.db,
    table: source.table ?? '',
    committedAt: new Date(source.ts_ms),
    ...(source.file ? { binlogFile: source.file } : {}),
    ...(source.pos != null ? { binlogPosition: source.pos } : {}),
    ...(source.row != null ? { row: source.row } : {}),
    ...(source.gtid ? { gtid: source.gtid } : {}),
  };
  const need = <T>(row: T | null | undefined, name: string): T => {
    if (!row) throw new MalformedChangeEvent('missing-fields', `op "${op}" without "${name}"`);
    return row;
  };
  switch (op) {
    case 'c':
      return { type: 'change', change: { kind: 'created', after: need(after, 'after'), position } };
    case 'u':
      return {
        type: 'change',
        change: { kind: 'updated', before: need(before, 'before'), after: need(after, 'after'), position },
      };
    case 'd':
      return { type: 'change', change: { kind: 'deleted', before: need(before, 'before'), position } };
    case 'r':
      return { type: 'change', change: { kind: 'snapshot', after: need(after, 'after'), position } };
    case 't':
      return { type: 'truncate' };
  }
}

function problemsOf(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map(
      (issue) =>
        `${[prefix, ...issue.path].filter((part) => part !== undefined).join('.') || '(value)'}: ${issue.message}`,
    )
    .join('; ');
}
