import type { CapturedRecord } from '../drivers/change-feed';
import type { DeadLetter, RecordPosition } from '../drivers/dead-letters';
import type { ReceivedMessage } from '../mail/inbox';
import type { Person } from './people';

/** Where each part of the pipeline keeps its trace of a change, as a failed scenario's report reads them. */
export interface ChangeWitnesses {
  readonly changeTopic: string;
  /** What userdata answered to each request made for a person. */
  answersAbout(name: string): readonly string[];
  /** The user's row as the database holds it now. */
  rowOf(userId: number): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** Every record of the change topic about the user (the specs' change feed). */
  recordsAbout(userId: number): readonly CapturedRecord[];
  /** push-email's log lines (JSON), every instance's. */
  readonly pushEmailLog: readonly string[];
  lettersFrom(source: RecordPosition): readonly DeadLetter[];
  messagesTo(address: string): readonly ReceivedMessage[];
}

/**
 * For each person of a failed scenario, where each of their changes was last seen: userdata's answers, the row in
 * the database now, each change event (partition, offset, op, version) with push-email's log lines and dead letters
 * about that record, and the emails the mail server accepted. The missing step shows without reading any log.
 */
export async function storyOfEachChange(people: readonly Person[], witnesses: ChangeWitnesses): Promise<string> {
  const handling = pushEmailLinesByRecord(witnesses.pushEmailLog);
  const stories: string[] = [];
  let databaseProblem: string | undefined;
  for (const person of people) {
    const { id } = person.user;
    const lines = [`${person.name} (user ${id})`];
    const answers = witnesses.answersAbout(person.name);
    lines.push(`  userdata answered: ${answers.length === 0 ? 'nothing asked' : ''}`);
    lines.push(...answers.map((answer) => `    ${answer}`));
    // One failure to read the database says it for everyone: a database a fault left down is not asked per person.
    const row =
      databaseProblem ??
      (await witnesses.rowOf(id).catch((error: Error) => {
        databaseProblem = `unreadable (${error.message})`;
        return databaseProblem;
      }));
    lines.push(
      `  in the database now: ${row === undefined ? 'no row' : typeof row === 'string' ? row : JSON.stringify(row)}`,
    );
    const records = witnesses.recordsAbout(id);
    lines.push(`  on ${witnesses.changeTopic}: ${records.length === 0 ? 'no record' : ''}`);
    for (const record of records) {
      const place = `${record.partition}:${record.offset}`;
      const version = (record.value?.after ?? record.value?.before) as { version?: number } | null | undefined;
      const source = record.value?.source;
      const read = source?.gtid ? ` gtid ${source.gtid}` : source?.file ? ` at ${source.file}:${source.pos}` : '';
      lines.push(
        `    ${place} ${record.value?.op ?? 'tombstone'}${version?.version ? ` version ${version.version}` : ''}${read}`,
      );
      const handled = handling.get(place) ?? [];
      lines.push(
        ...(handled.length > 0 ? handled : record.value ? ['push-email: no log line about this record'] : []).map(
          (line) => `      ${line}`,
        ),
      );
      const letters = witnesses.lettersFrom({ topic: witnesses.changeTopic, ...record });
      for (const letter of letters) {
        const why = [letter.headers['dlq.reason'], letter.headers['dlq.error']].filter(Boolean).join(': ');
        lines.push(
          `      on the dead-letter topic at ${letter.partition}:${letter.offset}: ${why || 'no reason given'}`,
        );
      }
    }
    const addresses = [...person.formerEmails, person.user.email];
    const mail = addresses.flatMap((address) => witnesses.messagesTo(address));
    lines.push(`  mail server accepted: ${mail.length === 0 ? 'nothing' : ''}`);
    for (const message of mail) {
      lines.push(
        `    ${new Date(message.receivedAt).toISOString()} to ${message.to.join(', ')}: "${message.subject}" ${message.messageId}`,
      );
    }
    stories.push(lines.map((line) => line.trimEnd()).join('\n'));
  }
  return stories.join('\n');
}

/** The fields every log line has, or that the story shows otherwise. */
const routine = new Set(['time', 'msg', 'level', 'pid', 'hostname', 'service', 'name', 'topic', 'partition', 'offset']);

/** push-email's log lines about each record of the change topic, by `partition:offset`, shortened. */
function pushEmailLinesByRecord(log: readonly string[]): Map<string, string[]> {
  const byRecord = new Map<string, string[]>();
  for (const line of log) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (entry.partition === undefined || entry.offset === undefined) continue;
    const place = `${entry.partition}:${entry.offset}`;
    const detail = Object.entries(entry)
      .filter(([key]) => !routine.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    const said = `push-email ${entry.time ?? ''} ${entry.msg}${detail ? `: ${detail}` : ''}`;
    byRecord.set(place, [...(byRecord.get(place) ?? []), said]);
  }
  return byRecord;
}
