/**
 * One record of the change topic as a person learning CDC wants to read it: what happened to which row, the fields
 * that changed, where in the binlog Debezium read it and how long after the commit it was read. Pure: `npm run events`
 * prints it, its tests feed it captured events.
 */

/** A record as it came off the topic: its place, key and value bytes, and when it was read. */
export interface TopicRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** When this process read it (ms since the epoch). */
  readonly readAt: number;
}

type Row = Readonly<Record<string, unknown>>;

export interface ChangeEventView {
  readonly partition: number;
  readonly offset: number;
  /** create, update, delete, snapshot read, or tombstone (the null value after a delete, for log compaction). */
  readonly operation: 'create' | 'update' | 'delete' | 'read' | 'tombstone' | 'unreadable';
  /** The row's key as Debezium wrote it (`{"id":1}`). */
  readonly key: Row | null;
  /** The fields as they changed: for an update those whose value differs, for a create or delete every field. */
  readonly changes: Readonly<Record<string, { readonly old?: unknown; readonly new?: unknown }>>;
  /** Where Debezium read it: binlog file and position, and the GTID when the server has them. */
  readonly position: { readonly file?: string; readonly pos?: number; readonly gtid?: string } | null;
  /** The commit's time as the binlog says it (ISO), and how long after it this process read the event. */
  readonly committedAt: string | null;
  readonly readAfterMs: number | null;
  /** Why the value could not be read, for a record that is not Debezium's JSON. */
  readonly problem?: string;
}

const operations: Readonly<Record<string, ChangeEventView['operation']>> = {
  c: 'create',
  u: 'update',
  d: 'delete',
  r: 'read',
};

/** Timestamps that change with every write: shown for a create or a delete, left out of an update's changes. */
const bookkeeping = new Set(['updated_at']);

export function viewOf(record: TopicRecord): ChangeEventView {
  const base = { partition: record.partition, offset: Number(record.offset), key: parseRow(record.key) };
  const nothingToShow = { changes: {}, position: null, committedAt: null, readAfterMs: null };
  const unreadable = (problem: string): ChangeEventView => ({
    ...base,
    ...nothingToShow,
    operation: 'unreadable',
    problem,
  });
  if (record.value === null || record.value.length === 0) return { ...base, ...nothingToShow, operation: 'tombstone' };
  let envelope: Envelope;
  try {
    envelope = JSON.parse(record.value.toString('utf8')) as Envelope;
  } catch (error) {
    return unreadable(`not JSON: ${(error as Error).message}`);
  }
  const operation = operations[envelope.op ?? ''];
  if (!operation) return unreadable(`not a Debezium change event (op ${JSON.stringify(envelope.op ?? null)})`);
  const source = envelope.source ?? {};
  // ts_us (Debezium 2.6 and later) keeps the sub-millisecond part MySQL's original_commit_timestamp gives.
  const committedMs =
    typeof source.ts_us === 'number' ? source.ts_us / 1000 : typeof source.ts_ms === 'number' ? source.ts_ms : null;
  return {
    ...base,
    operation,
    changes: changesOf(operation, envelope.before ?? null, envelope.after ?? null),
    position: {
      ...(typeof source.file === 'string' ? { file: source.file } : {}),
      ...(typeof source.pos === 'number' ? { pos: source.pos } : {}),
      ...(typeof source.gtid === 'string' ? { gtid: source.gtid } : {}),
    },
    committedAt: committedMs === null ? null : new Date(committedMs).toISOString(),
    readAfterMs: committedMs === null ? null : Math.max(0, Math.round(record.readAt - committedMs)),
  };
}

interface Envelope {
  readonly op?: string;
  readonly before?: Row | null;
  readonly after?: Row | null;
  readonly source?: {
    readonly file?: unknown;
    readonly pos?: unknown;
    readonly gtid?: unknown;
    readonly ts_ms?: unknown;
    readonly ts_us?: unknown;
  };
}

function changesOf(operation: ChangeEventView['operation'], before: Row | null, after: Row | null) {
  const changes: Record<string, { old?: unknown; new?: unknown }> = {};
  if (operation === 'update') {
    for (const field of Object.keys({ ...before, ...after })) {
      if (bookkeeping.has(field)) continue;
      const old = before?.[field];
      const now = after?.[field];
      if (JSON.stringify(old) !== JSON.stringify(now)) changes[field] = { old, new: now };
    }
  } else {
    for (const [field, value] of Object.entries((operation === 'delete' ? before : after) ?? {})) {
      changes[field] = operation === 'delete' ? { old: value } : { new: value };
    }
  }
  return changes;
}

function parseRow(bytes: Buffer | null): Row | null {
  if (!bytes || bytes.length === 0) return null;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Row) : { key: parsed };
  } catch {
    return { key: bytes.toString('utf8') };
  }
}

/**
 * The view as one readable block: a heading line, then one line per changed field. Every value is written as JSON,
 * so a person's data cannot move the cursor or colour the terminal (an escape character shows as \u001b).
 */
export function formatView(view: ChangeEventView): string {
  const where = `partition ${view.partition} offset ${view.offset}`;
  const key = view.key ? show(view.key) : 'no key';
  if (view.operation === 'tombstone') return `tombstone ${key}  (${where}: the null value that follows a delete)`;
  if (view.operation === 'unreadable') return `unreadable ${key}  (${where}): ${view.problem}`;
  const heading = [
    `${view.operation === 'read' ? 'snapshot read' : view.operation} ${key}`,
    positionText(view.position),
    view.committedAt ? `committed ${view.committedAt}, read ${view.readAfterMs} ms later` : '',
    `(${where})`,
  ].filter((part) => part !== '');
  const lines = Object.entries(view.changes).map(([field, { old, new: now }]) => {
    if (view.operation === 'update') return `    ${field}: ${show(old)} → ${show(now)}`;
    return `    ${field}: ${show(view.operation === 'delete' ? old : now)}`;
  });
  if (view.operation === 'update' && lines.length === 0) lines.push('    (no field changed)');
  return [heading.join('  '), ...lines].join('\n');
}

function positionText(position: ChangeEventView['position']): string {
  if (!position) return '';
  const binlog = position.file === undefined ? '' : `${position.file}:${position.pos ?? '?'}`;
  return [binlog, position.gtid === undefined ? '' : `gtid ${position.gtid}`].filter((part) => part !== '').join(' ');
}

/** JSON escapes C0 controls; these are left that a terminal may still act on (C1 controls, bidi overrides). */
const stillActive = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  return JSON.stringify(value).replace(stillActive, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
