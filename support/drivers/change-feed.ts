import { type Admin, AssignerProtocol, type Consumer, Kafka, logLevel } from 'kafkajs';
import { harnessClientTimeouts } from '../components/client-timeouts';
import { EventuallyTimeout, eventually } from '../lib/eventually';

/** A record of the change topic as the specs see it: its place in the topic, its key and its parsed value. */
export interface CapturedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly userId: number | undefined;
  /** Debezium's envelope; null for the tombstone that follows a delete, and for a value that is not JSON. */
  readonly value: { op: string; before: Row | null; after: Row | null; source?: Source } | null;
  /** Why the value could not be read, when it is not JSON (a record someone else put on the topic). */
  readonly unreadable?: string;
}
/** Where in the binlog Debezium read the change: what tells a change skipped on a restart from one never read. */
interface Source {
  readonly gtid?: string | null;
  readonly file?: string;
  readonly pos?: number;
}
interface Row {
  readonly id: number;
  readonly email: string;
  readonly address?: string;
}

/**
 * Reads the change topic from its beginning for the whole run, so that a spec can say what was, or was not,
 * captured; and asks Kafka how far a consumer group (push-email) has got.
 */
export class ChangeFeed {
  private readonly records: CapturedRecord[] = [];

  /** Each record once, by partition and offset: a consumer started again after a crash reads some a second time. */
  private readonly seen = new Set<string>();
  private stopping = false;
  /** Why the feed's consumer crashed without kafkajs restarting it (it was started again), for a failure's story. */
  readonly crashes: string[] = [];

  private constructor(
    private readonly topic: string,
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private consumer: Consumer,
    private readonly admin: Admin,
  ) {}

  static async start(brokers: readonly string[], topic: string): Promise<ChangeFeed> {
    const kafka = new Kafka({
      clientId: 'spec-change-feed',
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      // Shorter than kafkajs's 30 s, which is as long as a spec waits for a change: a request to a broker a fault
      // just killed is given up on in seconds.
      requestTimeout: 5_000,
      connectionTimeout: 2_000,
    });
    const groupId = `spec-change-feed-${process.pid}-${Date.now()}`;
    const admin = kafka.admin();
    const feed = new ChangeFeed(topic, kafka, groupId, feedConsumer(kafka, groupId), admin);
    await admin.connect();
    await feed.consume();
    feed.watchdog = setInterval(() => void feed.restartIfStalled(), stallCheckMs);
    feed.watchdog.unref();
    return feed;
  }

  private watchdog: NodeJS.Timeout | undefined;
  private lastReadAt = Date.now();
  private checking = false;

  /**
   * kafkajs's consumer can stop fetching without crashing after a broker of the cluster is killed (seen in CI: the
   * topic held records the feed never read for over 30 s). When the feed has read nothing for stalledAfterMs while
   * the topic holds records past what it read, it starts a new consumer in the same group, as after a crash.
   */
  private async restartIfStalled(): Promise<void> {
    if (this.checking || this.stopping || Date.now() - this.lastReadAt < stalledAfterMs) return;
    this.checking = true;
    try {
      const read = this.readUpTo();
      const ends = await this.admin.fetchTopicOffsets(this.topic);
      const behind = ends.some(({ partition, high }) => Number(high) - 1 > (read.get(partition) ?? -1));
      if (!behind || this.stopping || Date.now() - this.lastReadAt < stalledAfterMs) return;
      this.lastReadAt = Date.now();
      this.replaceConsumer(`read nothing for ${stalledAfterMs} ms with records to read`);
    } catch {
      // The cluster cannot say now (a broker down): the next check asks again.
    } finally {
      this.checking = false;
    }
  }

  /** The highest offset read of each partition. */
  private readUpTo(): Map<number, number> {
    const read = new Map<number, number>();
    for (const { partition, offset } of this.records) read.set(partition, Math.max(read.get(partition) ?? -1, offset));
    return read;
  }

  /**
   * Reads the topic with the feed's consumer. A crash kafkajs does not restart (a broker of a cluster gone, with
   * the group's coordinator on it) ends that consumer for good: the feed starts a new one in the same group, which
   * goes on from the offsets committed, so that the specs never wait on a feed that stopped reading.
   */
  private async consume(): Promise<void> {
    const consumer = this.consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping || consumer !== this.consumer) return;
      this.replaceConsumer(payload.error.message);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      // A record that is not JSON must not stop the feed (a throw here would be retried forever): it is kept as such.
      eachMessage: async ({ partition, message }) => {
        this.lastReadAt = Date.now();
        const place = `${partition}:${message.offset}`;
        if (this.seen.has(place)) return;
        this.seen.add(place);
        const key = readJson(message.key).parsed as { id?: number } | null | undefined;
        const value = readJson(message.value);
        this.records.push({
          partition,
          offset: Number(message.offset),
          userId: key?.id,
          value: (value.parsed ?? null) as CapturedRecord['value'],
          ...(value.error ? { unreadable: value.error } : {}),
        });
      },
    });
  }

  /** Leaves the consumer in use behind (noting why) and reads on with a new one in the same group. */
  private replaceConsumer(why: string): void {
    this.crashes.push(`${new Date().toISOString()} ${why}`);
    const old = this.consumer;
    this.consumer = feedConsumer(this.kafka, this.groupId);
    void old.disconnect().catch(() => {});
    void this.consumeUntilItRuns();
  }

  /** Starts the new consumer, trying again every second while the cluster cannot take it yet. */
  private async consumeUntilItRuns(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.consume();
        return;
      } catch (error) {
        this.crashes.push(`${new Date().toISOString()} starting again: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** How many partitions the change topic has. */
  async partitionCount(): Promise<number> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [this.topic] });
    return topics[0]?.partitions.length ?? 0;
  }

  /** Waits for the creation of a user (op c) on the topic, and says in which partition it landed. */
  async creationOf(userId: number, what = `the creation of user ${userId}`): Promise<CapturedRecord> {
    return this.waitFor(what, (record) => record.userId === userId && record.value?.op === 'c');
  }

  /** Every record captured about one user, in order. */
  about(userId: number): CapturedRecord[] {
    return this.records.filter((record) => record.userId === userId);
  }

  /** Records whose row, before or after, has this email address (whatever its case). */
  withEmail(email: string): CapturedRecord[] {
    const wanted = email.toLowerCase();
    return this.records.filter((record) =>
      [record.value?.before?.email, record.value?.after?.email].some((seen) => seen?.toLowerCase() === wanted),
    );
  }

  async waitFor(
    what: string,
    matches: (record: CapturedRecord) => boolean,
    timeoutMs = 30_000,
  ): Promise<CapturedRecord> {
    try {
      return await eventually(() => this.records.find(matches), {
        awaiting: `${what} on ${this.topic}`,
        timeoutMs,
        intervalMs: 25,
        lastSeen: () =>
          `${this.records.length} record(s), the last: ${JSON.stringify(this.records.at(-1)?.value ?? null)}`,
      });
    } catch (error) {
      if (!(error instanceof EventuallyTimeout)) throw error;
      throw new EventuallyTimeout(error.awaiting, error.timeoutMs, `${error.lastSeen}; ${await this.progress()}`);
    }
  }

  /**
   * How far the feed has read each partition beside how far the topic goes: tells a change never written to the
   * topic (Debezium's side) from one the feed did not read (the specs' own consumer stalled), and the feed's crashes.
   */
  async progress(): Promise<string> {
    const read = this.readUpTo();
    let topicEnds: string;
    try {
      const ends = await Promise.race([
        this.admin.fetchTopicOffsets(this.topic),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5_000).unref()),
      ]);
      topicEnds = ends
        .map(({ partition, high }) => `${partition}: read up to ${read.get(partition) ?? 'none'} of ${high}`)
        .join(', ');
    } catch (error) {
      topicEnds = `the topic's ends unknown (${(error as Error).message})`;
    }
    const crashes = this.crashes.length > 0 ? `; the feed's consumer crashed: ${this.crashes.join(' | ')}` : '';
    return `the feed per partition (highest offset read, of the topic's end offset) ${topicEnds}${crashes}`;
  }

  /**
   * Waits until the consumer group has committed every record the topic holds now: from then on, whatever it was
   * going to do about them (an email accepted by SMTP, push-email commits only after that) is done.
   */
  async waitUntilConsumed(groupId: string, timeoutMs = 30_000): Promise<void> {
    // Asked again while the cluster cannot answer: a leader election after a broker was killed takes seconds.
    const ends = await eventually(() => this.admin.fetchTopicOffsets(this.topic), {
      awaiting: `the end offsets of ${this.topic}`,
      timeoutMs,
      intervalMs: 200,
      attemptTimeoutMs: adminAttemptMs,
    });
    let last = 'nothing committed';
    await eventually(
      async () => {
        const [committed] = await this.admin.fetchOffsets({ groupId, topics: [this.topic] });
        const behind = ends.filter((end) => {
          // -1: nothing committed yet, which is up to date only for an empty partition.
          const done = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
          return Math.max(done, 0) < Number(end.high);
        });
        last = `partitions behind: ${behind.map((end) => end.partition).join(', ')}`;
        return behind.length === 0 ? true : undefined;
      },
      {
        awaiting: `${groupId} to commit every record of ${this.topic}`,
        timeoutMs,
        intervalMs: 50,
        attemptTimeoutMs: adminAttemptMs,
        lastSeen: () => last,
      },
    );
  }

  /** Waits until the consumer group is stable with `members` members, each holding partitions of the topic. */
  async untilSharedBy(groupId: string, members: number, timeoutMs = 30_000): Promise<void> {
    let last = 'not described yet';
    await eventually(
      async () => {
        const { groups } = await this.admin.describeGroups([groupId]);
        const group = groups[0];
        const holding = (group?.members ?? []).map((member) => {
          const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          return assignment?.assignment[this.topic]?.length ?? 0;
        });
        last = `${group?.state}: partitions per member ${JSON.stringify(holding)}`;
        return group?.state === 'Stable' && holding.length === members && holding.every((n) => n > 0)
          ? true
          : undefined;
      },
      {
        awaiting: `${groupId} to share ${this.topic} between ${members} members`,
        timeoutMs,
        intervalMs: 200,
        attemptTimeoutMs: adminAttemptMs,
        lastSeen: () => last,
      },
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    await Promise.allSettled([this.consumer.disconnect(), this.admin.disconnect()]);
  }
}

function readJson(bytes: Buffer | null): { parsed?: unknown; error?: string } {
  if (!bytes || bytes.length === 0) return {};
  try {
    return { parsed: JSON.parse(bytes.toString('utf8')) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * How long one request of the feed's admin may take before it is asked again: after a broker was frozen (podman
 * pause), one fetchOffsets of kafkajs's admin (its own retries included) was seen to outlast the 30 s a spec waits,
 * though push-email had committed everything. Each attempt is bounded, so a later one can answer.
 */
const adminAttemptMs = 5_000;
/** How often the feed checks that it is still reading, and after how long without a record it may have stalled. */
const stallCheckMs = 2_000;
const stalledAfterMs = 8_000;

function feedConsumer(kafka: Kafka, groupId: string): Consumer {
  // push-email's session in the harness, and a short rebalance: the feed's group gets over a coordinator lost with
  // its broker in seconds.
  const sessionTimeout = harnessClientTimeouts.pushEmailKafkaSessionMs;
  return kafka.consumer({
    groupId,
    maxWaitTimeInMs: 50,
    sessionTimeout,
    heartbeatInterval: Math.floor(sessionTimeout / 3),
    rebalanceTimeout: 10_000,
  });
}
