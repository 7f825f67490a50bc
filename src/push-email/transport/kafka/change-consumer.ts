import type { Consumer, EachMessagePayload } from 'kafkajs';
import type { Logger } from '../../../shared/logger';
import type { NotifyUserOfChange } from '../../interactors/notify-user-of-change.interactor';
import { MalformedChangeEvent, parseChangeRecord } from './debezium-envelope';

export interface ChangeConsumerDependencies {
  readonly consumer: Consumer;
  readonly topic: string;
  readonly notify: NotifyUserOfChange;
  readonly logger: Logger;
}

/**
 * The driving adapter from Kafka: each record of the change topic is parsed, handed to the interactor, and its offset
 * committed only afterwards, so a crash before the mail server accepted an email replays the change instead of
 * losing it. A handler error leaves the offset where it was and kafkajs retries the record.
 */
export class ChangeConsumer {
  private joined = false;

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
    const { consumer, topic } = this.deps;
    await consumer.connect();
    // A new group starts at the beginning of the topic: a change made before the first start is still told.
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: (payload) => this.handle(payload) });
  }

  async stop(): Promise<void> {
    await this.deps.consumer.disconnect();
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const where = { topic, partition, offset: message.offset };
    try {
      const record = parseChangeRecord(message.value);
      if (record.type === 'change') {
        const sent = await this.deps.notify.execute(record.change);
        this.deps.logger.info(
          { ...where, kind: record.change.kind, userId: changedUserId(record.change), sent },
          'change handled',
        );
      }
    } catch (error) {
      if (!(error instanceof MalformedChangeEvent)) throw error;
      // Skipped so that one bad record cannot stop every later change; it stays in the topic and the log.
      this.deps.logger.error({ ...where, reason: error.message }, 'malformed record skipped');
    }
    await this.deps.consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }
}

function changedUserId(change: { kind: string; after?: { id: number }; before?: { id: number } }): number | undefined {
  return change.after?.id ?? change.before?.id;
}
