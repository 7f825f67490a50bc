import type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '../../../shared/logger';
import type { NotifyUserOfChange } from '../../interactors/notify-user-of-change.interactor';
import { MalformedChangeEvent, parseChangeRecord } from './debezium-envelope';

/** What the consumer reports as it goes: counted by the Prometheus adapter, ignored by tests that do not care. */
export interface ConsumerMetrics {
  consumed(kind: string): void;
  delivered(sent: number, alreadyDelivered: number): void;
  retried(): void;
  deadLettered(): void;
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
  readonly notify: NotifyUserOfChange;
  readonly logger: Logger;
  readonly metrics: ConsumerMetrics;
  readonly retry?: RetryPolicy;
  /** How many partitions are handled at once; each partition's records stay in order. */
  readonly concurrency?: number;
  /** For tests: the jitter's source of randomness. */
  readonly random?: () => number;
}

const defaultRetry: RetryPolicy = { initialMs: 500, maxMs: 30_000 };

/**
 * The driving adapter from Kafka. Each record of the change topic is parsed and handed to the interactor; an offset
 * is committed only once every email of every record before it was accepted (or the record was deliberately
 * skipped), so a crash replays changes rather than losing them, and the delivery log keeps a replay from sending
 * twice.
 *
 * When sending fails (mail server or database down), the record's partition is paused and rewound to that record,
 * and resumed after an exponential backoff with jitter: nothing later in the partition overtakes it, nothing spins,
 * and the other partitions go on. A record that is not a change event goes to the dead-letter topic, with headers
 * naming the error, and the partition goes on.
 */
export class ChangeConsumer {
  private joined = false;
  private stopping = false;
  private readonly attempts = new Map<number, number>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: ChangeConsumerDependencies) {
    deps.consumer.on(deps.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    deps.consumer.on(deps.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      deps.logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    });
  }

  /** True once the consumer is in its group and has partitions to read. */
  get isReady(): boolean {
    return this.joined;
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
   * Handles a partition's batch in order and commits once, after the last record handled: a burst costs one offset
   * commit, not one per record. Stops at a record that must be tried again (its partition is paused and rewound by
   * then), or when the consumer stops or the batch went stale in a rebalance; what was handled is still committed.
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
    let handled: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        if (!(await this.handle(topic, partition, message))) break;
        resolveOffset(message.offset);
        handled = message.offset;
        // Throws when the group rebalances or the consumer stops: what was handled is still committed below.
        await heartbeat();
      }
    } finally {
      if (handled !== undefined) {
        // The batch's own commit, not consumer.commitOffsets(), which does nothing once the consumer is stopping: the
        // email in hand when SIGTERM came is committed before push-email leaves its group.
        await commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: (BigInt(handled) + 1n).toString() }] }],
        });
      }
    }
  }

  /** Handles one record; false when it could not be, and is scheduled to be tried again. */
  private async handle(topic: string, partition: number, message: KafkaMessage): Promise<boolean> {
    const where = { topic, partition, offset: message.offset };
    try {
      const record = parseChangeRecord(message.value);
      this.deps.metrics.consumed(record.type === 'change' ? record.change.kind : record.type);
      if (record.type === 'change') {
        const outcome = await this.deps.notify.execute(record.change);
        this.deps.metrics.delivered(outcome.sent, outcome.alreadyDelivered);
        if (outcome.sent > 0) {
          this.deps.metrics.endToEndLag((Date.now() - record.change.position.committedAt.getTime()) / 1000);
        }
        this.deps.logger.info(
          { ...where, kind: record.change.kind, userId: changedUserId(record.change), ...outcome },
          'change handled',
        );
      }
    } catch (error) {
      if (error instanceof MalformedChangeEvent) {
        try {
          await this.deadLetter(topic, partition, message, error);
        } catch (dlqError) {
          this.retryLater(topic, partition, message, dlqError);
          return false;
        }
      } else {
        this.retryLater(topic, partition, message, error);
        return false;
      }
    }
    this.attempts.delete(partition);
    return true;
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: Error): Promise<void> {
    await this.deps.deadLetters.producer.send({
      topic: this.deps.deadLetters.topic,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'dlq.error': error.message.slice(0, 1000),
            'dlq.source.topic': topic,
            'dlq.source.partition': String(partition),
            'dlq.source.offset': message.offset,
            'dlq.failed.at': new Date().toISOString(),
          },
        },
      ],
    });
    this.deps.metrics.deadLettered();
    this.deps.logger.error(
      { topic, partition, offset: message.offset, deadLetterTopic: this.deps.deadLetters.topic, reason: error.message },
      'malformed record sent to the dead-letter topic',
    );
  }

  /** Pauses the partition, rewinds it to this record, and resumes it after a backoff: the record is tried again. */
  private retryLater(topic: string, partition: number, message: KafkaMessage, error: unknown): void {
    const attempt = (this.attempts.get(partition) ?? 0) + 1;
    this.attempts.set(partition, attempt);
    const { initialMs, maxMs } = this.deps.retry ?? defaultRetry;
    const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the backoff, so retries never bunch up at zero.
    const delayMs = Math.round(ceiling / 2 + (ceiling / 2) * (this.deps.random ?? Math.random)());
    this.deps.metrics.retried();
    this.deps.logger.warn(
      { topic, partition, offset: message.offset, attempt, retryInMs: delayMs, err: error },
      'could not handle the change: will retry',
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

function changedUserId(change: { kind: string; after?: { id: number }; before?: { id: number } }): number | undefined {
  return change.after?.id ?? change.before?.id;
}
