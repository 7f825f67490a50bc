import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { messageIdOf } from '../src/push-email/entities/email-templates';
import { changeIdentity } from '../src/push-email/entities/user-change';
import { parseChangeRecord } from '../src/push-email/transport/kafka/debezium-envelope';
import { pushEmailDefaults as pushEmail } from './push-email-defaults';

/**
 * When the database committed a change (`source.ts_ms`), when Debezium read it (the envelope's `ts_ms`), and when
 * Connect's producer wrote it onto the topic (the record's CreateTime).
 */
export interface ChangeTime {
  readonly committedAt: number;
  readonly capturedAt: number;
  readonly producedAt: number;
}

/**
 * Reads the change topic during a benchmark and remembers, per benchmark token (the new address), its times; and
 * the Message-ID push-email gives the email about it, so that a sink which parses no MIME still tells whose it is.
 */
export class ChangeTimes {
  readonly byToken = new Map<string, ChangeTime>();
  readonly tokenByMessageId = new Map<string, string>();

  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: readonly string[], topic: string): Promise<ChangeTimes> {
    const kafka = new Kafka({ clientId: 'bench-change-times', brokers: [...brokers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({
      groupId: `bench-change-times-${process.pid}-${Date.now()}`,
      maxWaitTimeInMs: 50,
    });
    const times = new ChangeTimes(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const event = JSON.parse(message.value.toString()) as {
          after?: { address?: string } | null;
          source?: { ts_ms?: number };
          ts_ms?: number;
        };
        const token = event.after?.address;
        if (token?.startsWith('bench ') && event.source?.ts_ms && event.ts_ms) {
          times.byToken.set(token, {
            committedAt: event.source.ts_ms,
            capturedAt: event.ts_ms,
            producedAt: Number(message.timestamp),
          });
          const parsed = parseChangeRecord(message.value, pushEmail.capturedTable);
          if (parsed.type === 'change') {
            const messageId = messageIdOf(changeIdentity(parsed.change), 'details-changed', pushEmail.messageIdDomain);
            times.tokenByMessageId.set(messageId, token);
          }
        }
      },
    });
    return times;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
