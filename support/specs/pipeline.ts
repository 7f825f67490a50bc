import type { CatchUp } from '../drivers/caught-up';
import type { CapturedRecord, ChangeFeed } from '../drivers/change-feed';
import type { RecordPosition } from '../drivers/dead-letters';
import type { PushEmailMetrics } from '../drivers/push-email-metrics';
import { eventually } from '../lib/eventually';
import type { Inbox } from '../mail/inbox';
import type { People, Person } from './people';

/** Which change topic, and which consumer group reads it to send the emails. */
export interface PipelineTopology {
  readonly changeTopic: string;
  readonly pushEmailGroupId: string;
}

/**
 * What the pipeline did with the people's changes: what Debezium captured onto the change topic (the change feed),
 * how push-email is doing with it, and when it has caught up with everything done so far.
 */
export class Pipeline {
  constructor(
    private readonly changeFeed: ChangeFeed,
    private readonly people: People,
    private readonly catchUp: CatchUp,
    private readonly pushEmailMetrics: PushEmailMetrics,
    private readonly inbox: Inbox,
    private readonly topology: PipelineTopology,
  ) {}

  /**
   * Waits until the pipeline has caught up with everything done so far (see drivers/caught-up.ts): a marker change
   * on every partition of the change topic (of bystanders, no person of the scenario) is captured, and push-email has
   * committed every record.
   */
  async untilCaughtUp(): Promise<void> {
    await this.catchUp.untilCaughtUp();
  }

  /** Waits until push-email's consumer group has `instances` members, each handling some of the partitions. */
  async untilSharedBy(instances: number): Promise<void> {
    await this.changeFeed.untilSharedBy(this.topology.pushEmailGroupId, instances);
  }

  /** Every record about these people that Debezium read from a snapshot (op `r`) rather than from the binlog. */
  snapshotReadsAbout(people: readonly Person[]): string[] {
    return people.flatMap(({ name }) =>
      this.operationsCapturedAbout(name)
        .filter((op) => op === 'r')
        .map(() => name),
    );
  }

  /** Waits until the change feed holds a record of `name`'s user with this operation (c, u, d). */
  captured(name: string, op: 'c' | 'u' | 'd', what: string): Promise<CapturedRecord> {
    const { id } = this.people.person(name).user;
    return this.changeFeed.waitFor(`${what} (user ${id}, op ${op})`, (r) => r.userId === id && r.value?.op === op);
  }

  /**
   * Where the change that gave `name` this address was captured (partition and offset of the change topic), or that
   * it was not: tells a change Debezium never captured from one push-email did not email.
   */
  whereCaptured(name: string, address: string): string {
    const records = this.changeFeed.about(this.people.person(name).user.id);
    const found = records.filter((record) => record.value?.after?.address === address);
    if (found.length === 0) return `not captured (${records.length} other records about ${name})`;
    return `captured at ${found.map((record) => `${record.partition}:${record.offset}`).join(', ')}`;
  }

  /** How many records the change feed holds about each of `people` now: what a later change is counted from. */
  recordCounts(people: readonly Person[]): ReadonlyMap<number, number> {
    return new Map(people.map(({ user }) => [user.id, this.changeFeed.about(user.id).length]));
  }

  /**
   * Waits until each of `people` has a record more than in `before` (the change of one transaction about all of them)
   * and some two more: Debezium read the transaction a second time. Returns how many were captured twice.
   */
  async untilReadAgain(people: readonly Person[], before: ReadonlyMap<number, number>): Promise<number> {
    let last = 'nothing yet';
    return eventually(
      () => {
        const added = people.map(({ user }) => this.changeFeed.about(user.id).length - (before.get(user.id) ?? 0));
        const captured = added.filter((count) => count > 0).length;
        const twice = added.filter((count) => count > 1).length;
        last = `${captured} of the ${people.length} changes captured, ${twice} of them twice`;
        return captured === people.length && twice > 0 ? twice : undefined;
      },
      {
        awaiting:
          'Debezium to capture the whole transaction, part of it a second time (read again on a new connection)',
        timeoutMs: 30_000,
        intervalMs: 100,
        lastSeen: () => last,
      },
    );
  }

  /** The operation of every record captured about `name` so far, in order; a tombstone (null value) as `tombstone`. */
  operationsCapturedAbout(name: string): string[] {
    return this.changeFeed.about(this.people.person(name).user.id).map((record) => record.value?.op ?? 'tombstone');
  }

  /** Records whose row, before or after, has one of these email addresses (whatever their case). */
  capturedWithAnyEmailOf(emails: readonly string[]): CapturedRecord[] {
    const distinct = new Set(emails.map((email) => email.toLowerCase()));
    return [...distinct].flatMap((email) => this.changeFeed.withEmail(email));
  }

  /** Where the latest change of `name`'s record landed on the change topic. */
  async latestChangeOf(name: string): Promise<RecordPosition> {
    const record = await this.asItIsNow(this.people.person(name));
    return { topic: this.topology.changeTopic, partition: record.partition, offset: record.offset };
  }

  /** Waits until the change feed holds each person's details as they are now (their latest version). */
  async capturedAsTheyAreNow(people: readonly Person[]): Promise<void> {
    await Promise.all(people.map((person) => this.asItIsNow(person)));
  }

  /**
   * Waits until every change of `people` is on the change topic, and then until push-email has tried to deliver,
   * failed and scheduled a retry: the mail server was down while push-email had these changes in hand.
   */
  async untilDeliveryFailed(people: readonly Person[], timeoutMs = 20_000): Promise<void> {
    if (this.inbox.isUp) throw new Error('The mail server is up: nothing can fail to be delivered');
    await this.capturedAsTheyAreNow(people);
    const baseline = await this.pushEmailMetrics.retries();
    let last = baseline;
    await eventually(
      async () => {
        last = await this.pushEmailMetrics.retries();
        return last > baseline ? last : undefined;
      },
      {
        awaiting: `push-email to fail a delivery and retry (push_email_retries_total above ${baseline})`,
        timeoutMs,
        intervalMs: 50,
        lastSeen: () => `push_email_retries_total ${last}`,
      },
    );
  }

  private asItIsNow({ name, user }: Person): Promise<CapturedRecord> {
    return this.changeFeed.waitFor(
      `${name}'s details as they are now (user ${user.id}, version ${user.version})`,
      (r) => r.userId === user.id && (r.value?.after as { version?: number } | null)?.version === user.version,
    );
  }
}
