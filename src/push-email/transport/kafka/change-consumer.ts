import type { Admin, Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '../../../shared/logger';
import { classifyFailure, type DeliveryFailure } from '../../entities/delivery-failure';
import { userIdOf } from '../../entities/user-change';
import type {
  BatchResult,
  ChangeToNotify,
  NotificationOutcome,
  NotifyUserOfChange,
  RefusedEmail,
} from '../../interactors/notify-user-of-change.interactor';
import { type CapturedTable, parseChangeRecord } from './debezium-envelope';

/** What the consumer reports as it goes: counted by the Prometheus adapter, ignored by tests that do not care. */
export interface ConsumerMetrics {
  consumed(kind: string): void;
  delivered(outcome: NotificationOutcome): void;
  retried(reason: string): void;
  deadLettered(reason: string): void;
  /** A partition waits for a record to succeed since `since`; `undefined` once it moves again. */
  stalled(topic: string, partition: number, since: Date | undefined): void;
  /** Seconds from the database's commit of a change to the mail server's acceptance of its email. */
  endToEndLag(seconds: number): void;
}

export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface ChangeConsumerDependencies {
  readonly consumer: Consumer;
  readonly admin: Admin;
  readonly deadLetters: { readonly producer: Producer; readonly topic: string };
  readonly topic: string;
  /** The table whose changes are told; a change of any other table is set aside. */
  readonly capturedTable: CapturedTable;
  readonly notify: NotifyUserOfChange;
  readonly logger: Logger;
  readonly metrics: ConsumerMetrics;
  readonly retry?: RetryPolicy;
  /** How many partitions are handled at once; each partition's records stay in order. */
  readonly concurrency?: number;
  /**
   * How many records of a partition are handled as one batch (one delivery-log lookup and write, one commit): the
   * most emails a crash can send twice per partition, times two (a change of email address writes to both).
   */
  readonly batchSize?: number;
  /** How many people's emails of a batch are sent at once (the SMTP pool's connections). */
  readonly sendConcurrency?: number;
  /**
   * Called when kafkajs gave up on the consumer and will not restart it: the process must end, so that its
   * supervisor starts a new one, instead of living on as a consumer that consumes nothing.
   */
  readonly onFatal?: (error: Error) => void;
  /** For tests: the jitter's source of randomness. */
  readonly random?: () => number;
}

/** A partition held up by a record that keeps failing for now: since when, how often, and why, last. */
export interface StalledPartition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly since: Date;
  readonly attempts: number;
  readonly reason: string;
  readonly error: string;
}

/** The header an operator's replay of a dead letter carries (see `npm run replay-dead-letter`). */
export const replayHeader = 'push-email.replay-of';

const defaultRetry: RetryPolicy = { initialMs: 500, maxMs: 30_000 };
const defaultBatchSize = 1;

/** The failure of the change that held this one back (the same person's, earlier in the batch). */
function blockerFailure(results: readonly BatchResult[], behind: number): DeliveryFailure {
  const blocker = results[behind];
  if (blocker?.status === 'failed') return blocker.failure;
  return classifyFailure(new Error('held back behind a change that failed'), 'consume');
}

/**
 * The driving adapter from Kafka. Each record of the change topic is parsed and handed to the interactor; an offset
 * is committed only once every email of every record before it was accepted or set aside, so a crash replays
 * changes rather than losing them, and the delivery log keeps a replay from sending twice.
 *
 * Every failure is classified (classifyFailure). A transient one (mail server or database down) pauses the
 * record's partition, rewinds it to that record, and resumes it after an exponential backoff with jitter, without
 * limit: nothing later in the partition overtakes it, nothing spins, and the other partitions go on. A permanent one
 * (a record that is not a change of the users table, a recipient the mail server refuses for good, a row the
 * templates cannot render) sends the record to the dead-letter topic, with headers naming the reason, the step and
 * the attempts, and the partition goes on.
 */
export class ChangeConsumer {
  private state: 'starting' | 'running' | 'restarting' | 'failed' | 'stopped' = 'starting';
  private joined = false;
  private stopping = false;
  private readonly stalls = new Map<number, StalledPartition>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: ChangeConsumerDependencies) {
    const { events } = deps.consumer;
    deps.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.state = 'running';
      // A partition that went to another member is no longer held up here.
      const assigned = new Set(payload.memberAssignment[deps.topic] ?? []);
      for (const { topic, partition } of this.stalls.values()) {
        if (assigned.has(partition)) continue;
        this.stalls.delete(partition);
        deps.metrics.stalled(topic, partition, undefined);
      }
    });
    deps.consumer.on(events.CRASH, ({ payload }) => {
      this.joined = false;
      if (payload.restart) {
        this.state = 'restarting';
        deps.logger.error({ err: payload.error }, 'consumer crashed: kafkajs restarts it');
        return;
      }
      this.state = 'failed';
      deps.logger.fatal({ err: payload.error }, 'consumer crashed and will not be restarted: push-email must exit');
      deps.onFatal?.(payload.error);
    });
  }

  /** True once the consumer is in its group and has partitions to read. */
  get isReady(): boolean {
    return this.joined;
  }

  /**
   * False once the consumer is gone for good (crashed without a restart, or stopped): the process then consumes
   * nothing, and a liveness probe should say so.
   */
  get isLive(): boolean {
    return this.state !== 'failed' && (this.state !== 'stopped' || this.stopping);
  }

  get status(): string {
    return this.state;
  }

  /** The partitions held up now by a record that keeps failing for now, oldest first. */
  get stalled(): readonly StalledPartition[] {
    return [...this.stalls.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
  }

  async start(): Promise<void> {
    const { consumer, admin, deadLetters, topic } = this.deps;
    await Promise.all([consumer.connect(), admin.connect(), deadLetters.producer.connect()]);
    await this.topicToExist();
    if (this.stopping) return;
    // A new group starts at the beginning of the topic: a change made before the first start is still told.
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.deps.concurrency ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Finishes the record in hand, leaves the group, and closes the connections; commits nothing it did not finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.state = 'stopped';
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.deps.consumer.disconnect();
    await Promise.allSettled([this.deps.deadLetters.producer.disconnect(), this.deps.admin.disconnect()]);
  }

  /**
   * Subscribing to a topic that does not exist yet would let the broker create it with its defaults (or fail): wait
   * for the operator (or the harness) to create it, saying so once.
   */
  private async topicToExist(): Promise<void> {
    let told = false;
    while (!this.stopping) {
      const topics = await this.deps.admin.listTopics();
      if (topics.includes(this.deps.topic)) return;
      if (!told) this.deps.logger.info({ topic: this.deps.topic }, 'waiting for the change topic to exist');
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * Handles a partition's batch in slices of `batchSize` records, each slice as one batch of the interactor (one
   * delivery-log lookup and write, people's emails sent concurrently, each person's in order), and commits after
   * each slice, up to the last record before the first one not done. Stops at a record that must be tried again (its
   * partition is paused and rewound to it by then; the records after it that were done are found in the delivery log
   * when they come again), or when the consumer stops or the batch went stale in a rebalance.
   */
  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const size = this.deps.batchSize ?? defaultBatchSize;
    let handled: string | undefined;
    try {
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!isRunning() || isStale()) break;
        const slice = batch.messages.slice(start, start + size);
        const done = await this.handleSlice(topic, partition, slice);
        for (const message of slice.slice(0, done)) {
          resolveOffset(message.offset);
          handled = message.offset;
        }
        if (done < slice.length) break;
        // Throws when the group rebalances or the consumer stops: what was handled is still committed below.
        await heartbeat();
      }
    } finally {
      if (handled !== undefined) {
        // The batch's own commit, not consumer.commitOffsets(), which does nothing once the consumer is stopping: the
        // emails in hand when SIGTERM came are committed before push-email leaves its group.
        await commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: (BigInt(handled) + 1n).toString() }] }],
        });
      }
    }
  }

  /**
   * Handles consecutive records of one partition; returns how many of them, from the first, are done. The first
   * record not done is scheduled to be tried again.
   */
  private async handleSlice(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<number> {
    const headAttempts = (this.stalls.get(partition)?.attempts ?? 0) + 1;
    const attemptsOf = (index: number) => (index === 0 ? headAttempts : 1);
    const where = (message: KafkaMessage) => ({ topic, partition, offset: message.offset });
    /** Per record: done, or the failure that keeps it from being done now. */
    const states: (true | DeliveryFailure)[] = messages.map(() => true);
    const changes: { index: number; change: ChangeToNotify['change'] }[] = [];
    for (const [index, message] of messages.entries()) {
      try {
        const record = parseChangeRecord(message.value, this.deps.capturedTable);
        this.deps.metrics.consumed(record.type === 'change' ? record.change.kind : record.type);
        if (record.type === 'change') changes.push({ index, change: record.change });
      } catch (error) {
        const failure = classifyFailure(error, 'read');
        states[index] = await this.setAsideAfterAll(where(message), message, attemptsOf(index), failure);
      }
    }
    const results = await this.deps.notify.executeAll(
      changes.map(({ index, change }) => {
        const message = messages[index] as KafkaMessage;
        return {
          change,
          options: {
            setAside: (refused: readonly RefusedEmail[]) =>
              this.deadLetter(where(message), message, attemptsOf(index), refused),
            replay: message.headers?.[replayHeader] !== undefined,
          },
        };
      }),
      { concurrency: this.deps.sendConcurrency ?? 1 },
    );
    for (const [position, { index, change }] of changes.entries()) {
      const result = results[position] as BatchResult;
      const message = messages[index] as KafkaMessage;
      if (result.status === 'done') {
        this.report(where(message), change, result.outcome);
        continue;
      }
      const failure = result.status === 'failed' ? result.failure : blockerFailure(results, result.behind);
      states[index] =
        result.status === 'failed' && failure.permanent
          ? await this.setAsideAfterAll(where(message), message, attemptsOf(index), failure)
          : failure;
    }
    const firstNotDone = states.findIndex((state) => state !== true);
    // The head of the partition moved on, unless it is the record that failed again.
    if (firstNotDone !== 0) this.moveOn(topic, partition);
    if (firstNotDone === -1) return messages.length;
    const message = messages[firstNotDone] as KafkaMessage;
    this.retryLater(topic, partition, message, attemptsOf(firstNotDone), states[firstNotDone] as DeliveryFailure);
    return firstNotDone;
  }

  /** Counts and logs what became of one change. */
  private report(
    where: { topic: string; partition: number; offset: string },
    change: ChangeToNotify['change'],
    outcome: NotificationOutcome,
  ): void {
    this.deps.metrics.delivered(outcome);
    if (outcome.sent > 0) this.deps.metrics.endToEndLag((Date.now() - change.position.committedAt.getTime()) / 1000);
    const { setAside, ...counts } = outcome;
    const userId = userIdOf(change);
    this.deps.logger.info({ ...where, kind: change.kind, userId, ...counts }, 'change handled');
    for (const refused of setAside) {
      this.deps.logger.error(
        { ...where, userId, email: refused.kind, reason: refused.failure.reason, error: refused.failure.message },
        'email set aside: it can never be sent as it is',
      );
    }
  }

  /**
   * Sets a record aside for a permanent failure: true once the dead-letter topic took it, else the failure to write
   * it there (transient: the record is tried again).
   */
  private async setAsideAfterAll(
    where: { topic: string; partition: number; offset: string },
    message: KafkaMessage,
    attempts: number,
    failure: DeliveryFailure,
  ): Promise<true | DeliveryFailure> {
    try {
      await this.deadLetter(where, message, attempts, [failure]);
    } catch (error) {
      return classifyFailure(error, 'dead-letter');
    }
    this.deps.logger.error({ ...where, reason: failure.reason, error: failure.message }, 'record set aside');
    return true;
  }

  private moveOn(topic: string, partition: number): void {
    if (this.stalls.delete(partition)) this.deps.metrics.stalled(topic, partition, undefined);
  }

  /**
   * Writes the record, unchanged, to the dead-letter topic, with headers saying where it came from and why it was
   * set aside: `dlq.reason` (a stable code), `dlq.step`, `dlq.attempts`, `dlq.error`, and for refused emails
   * `dlq.emails` and `dlq.delivery.ids`.
   */
  private async deadLetter(
    where: { topic: string; partition: number; offset: string },
    message: KafkaMessage,
    attempts: number,
    failures: readonly (DeliveryFailure | RefusedEmail)[],
  ): Promise<void> {
    const refused = failures.filter((f): f is RefusedEmail => 'deliveryId' in f);
    const reasons = failures.map((f) => ('deliveryId' in f ? f.failure : f));
    const join = (values: readonly string[]) => [...new Set(values)].join(',');
    const headers: IHeaders = {
      ...message.headers,
      'dlq.reason': join(reasons.map((r) => r.reason)),
      'dlq.step': join(reasons.map((r) => r.step)),
      'dlq.attempts': String(attempts),
      'dlq.error': reasons
        .map((r) => r.message)
        .join('; ')
        .slice(0, 1000),
      'dlq.source.topic': where.topic,
      'dlq.source.partition': String(where.partition),
      'dlq.source.offset': where.offset,
      'dlq.failed.at': new Date().toISOString(),
      ...(refused.length > 0
        ? { 'dlq.emails': join(refused.map((r) => r.kind)), 'dlq.delivery.ids': join(refused.map((r) => r.deliveryId)) }
        : {}),
    };
    try {
      await this.deps.deadLetters.producer.send({
        topic: this.deps.deadLetters.topic,
        messages: [{ key: message.key, value: message.value, headers }],
      });
    } catch (error) {
      throw classifyFailure(error, 'dead-letter');
    }
    for (const reason of reasons) this.deps.metrics.deadLettered(reason.reason);
  }

  /** Pauses the partition, rewinds it to this record, and resumes it after a backoff: the record is tried again. */
  private retryLater(
    topic: string,
    partition: number,
    message: KafkaMessage,
    attempt: number,
    failure: DeliveryFailure,
  ): void {
    const stall: StalledPartition = {
      topic,
      partition,
      offset: message.offset,
      since: this.stalls.get(partition)?.since ?? new Date(),
      attempts: attempt,
      reason: failure.reason,
      error: failure.message,
    };
    if (!this.stalls.has(partition)) this.deps.metrics.stalled(topic, partition, stall.since);
    this.stalls.set(partition, stall);
    const { initialMs, maxMs } = this.deps.retry ?? defaultRetry;
    const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the backoff, so retries never bunch up at zero.
    const delayMs = Math.round(ceiling / 2 + (ceiling / 2) * (this.deps.random ?? Math.random)());
    this.deps.metrics.retried(failure.reason);
    this.deps.logger.warn(
      {
        topic,
        partition,
        offset: message.offset,
        attempt,
        retryInMs: delayMs,
        stalledSince: stall.since.toISOString(),
        reason: failure.reason,
        step: failure.step,
        error: failure.message,
      },
      'could not handle the change for now: will retry',
    );
    const partitions = [{ topic, partitions: [partition] }];
    this.deps.consumer.pause(partitions);
    this.deps.consumer.seek({ topic, partition, offset: message.offset });
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      if (!this.stopping) this.deps.consumer.resume(partitions);
    }, delayMs);
    this.resumeTimers.add(timer);
  }
}
