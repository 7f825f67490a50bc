import { eventually } from '../lib/eventually';
import type { ChangeFeed } from './change-feed';
import type { DatabaseMaintenance } from './database';
import type { UserdataClient } from './userdata-client';

export interface CatchUpParts {
  readonly userdata: UserdataClient;
  readonly changeFeed: ChangeFeed;
  /** Touches rows as a maintenance job would: the marker changes. */
  readonly database: DatabaseMaintenance;
  /** The consumer group whose progress is the pipeline's end (push-email's). */
  readonly groupId: string;
}

/**
 * Waits until the pipeline has caught up with everything done so far: after it, every change made before is on the
 * change topic and push-email has committed every record there (it commits only once SMTP accepted the email), so an
 * email that has not arrived will not.
 *
 * One marker change is not enough: it lands after the changes made before it on *its* partition only. Connect keeps
 * each partition's records in order (one request in flight per connection), but one partition can lag behind the
 * others: after a broker came back, a retried batch reached its partition a second after a later change reached
 * another, and a check that trusted the later change alone looked for emails not yet sent (four times in about 150
 * runs of the fault specs). So the marker is a change on every partition: one bystander user per partition, their
 * `updated_at` touched together in one transaction (no detail changes, so no one is emailed), each touch awaited.
 * The bystanders ("Specs marker", registered once per stack, about three dozen) get their welcome like anyone.
 */
export class CatchUp {
  private bystanders: Promise<readonly number[]> | undefined;

  constructor(private readonly parts: CatchUpParts) {}

  async untilCaughtUp(timeoutMs = 30_000): Promise<void> {
    const { changeFeed, database, groupId } = this.parts;
    const bystanders = await this.bystandersOnEveryPartition();
    const before = new Map(bystanders.map((id) => [id, changeFeed.about(id).length]));
    await database.touchEachInOneTransaction(bystanders);
    let last = 'nothing yet';
    await eventually(
      () => {
        const waiting = bystanders.filter((id) => changeFeed.about(id).length <= (before.get(id) ?? 0));
        last = `still waiting for the touch of user(s) ${waiting.join(', ')}`;
        return waiting.length === 0 ? true : undefined;
      },
      {
        awaiting: `the marker change on each of the ${bystanders.length} partitions of the change topic`,
        timeoutMs,
        intervalMs: 20,
        lastSeen: () => last,
      },
    );
    await changeFeed.waitUntilConsumed(groupId, timeoutMs);
  }

  /** Registers bystanders (once) until one was created on each partition; keeps one per partition. */
  private bystandersOnEveryPartition(): Promise<readonly number[]> {
    this.bystanders ??= this.registerBystanders().catch((error: unknown) => {
      this.bystanders = undefined;
      throw error;
    });
    return this.bystanders;
  }

  private async registerBystanders(maxUsers = 200): Promise<number[]> {
    const { userdata, changeFeed } = this.parts;
    const partitions = await changeFeed.partitionCount();
    const byPartition = new Map<number, number>();
    for (let registered = 0; byPartition.size < partitions; registered += partitions) {
      if (registered >= maxUsers) {
        throw new Error(`${maxUsers} bystanders registered, on ${byPartition.size} of ${partitions} partitions only`);
      }
      const users = await Promise.all(
        Array.from({ length: partitions }, (_, i) =>
          userdata.register({
            name: 'Specs marker',
            email: `bystander.${Date.now().toString(36)}.${registered + i}@example.test`,
            address: 'Rua do Marcador, 0',
          }),
        ),
      );
      const created = await Promise.all(users.map(({ id }) => changeFeed.creationOf(id, `bystander ${id}'s creation`)));
      created.forEach(({ partition }, i) => {
        const user = users[i];
        if (user && !byPartition.has(partition)) byPartition.set(partition, user.id);
      });
    }
    return [...byPartition.values()];
  }
}
