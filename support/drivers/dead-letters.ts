import { type Consumer, type IHeaders, Kafka, logLevel, type Producer } from 'kafkajs';
import { replayDeadLetter } from '../../src/push-email/transport/kafka/dead-letter-replay';
import { eventually } from '../lib/eventually';

/** A record of the dead-letter topic: what push-email set aside, and the headers saying why and from where. */
export interface DeadLetter {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where a record was written. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Writes raw records onto the change topic, as a misbehaving producer would, and reads the dead-letter topic from
 * its beginning for the whole run, so that a spec can say what push-email set aside.
 */
export class DeadLetters {
  private readonly letters: DeadLetter[] = [];

  private constructor(
    private readonly changeTopic: string,
    private readonly deadLetterTopic: string,
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly kafka: Kafka,
  ) {}

  static async start(brokers: readonly string[], changeTopic: string, deadLetterTopic: string): Promise<DeadLetters> {
    const kafka = new Kafka({ clientId: 'spec-dead-letters', brokers: [...brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `spec-dead-letters-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 50 });
    const driver = new DeadLetters(changeTopic, deadLetterTopic, producer, consumer, kafka);
    try {
      await Promise.all([producer.connect(), consumer.connect()]);
      await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          driver.letters.push({
            partition,
            offset: Number(message.offset),
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            headers: textHeaders(message.headers),
          });
        },
      });
    } catch (error) {
      await driver.stop();
      throw error;
    }
    return driver;
  }

  /** Writes one record, exactly as given, to a partition of the change topic; says where it landed. */
  async writeToChangeTopic(record: { partition: number; key: string; value: string }): Promise<RecordPosition> {
    const [metadata] = await this.producer.send({
      topic: this.changeTopic,
      acks: -1,
      messages: [{ partition: record.partition, key: record.key, value: record.value }],
    });
    if (!metadata?.baseOffset)
      throw new Error(`Kafka did not say where the record landed: ${JSON.stringify(metadata)}`);
    return { topic: this.changeTopic, partition: metadata.partition, offset: Number(metadata.baseOffset) };
  }

  /** Waits for the dead letter that came from `source`; on timeout, says which dead letters there are. */
  waitForLetterFrom(source: RecordPosition, timeoutMs = 30_000): Promise<DeadLetter> {
    const from = (letter: DeadLetter): boolean =>
      letter.headers['dlq.source.topic'] === source.topic &&
      letter.headers['dlq.source.partition'] === String(source.partition) &&
      letter.headers['dlq.source.offset'] === String(source.offset);
    return eventually(() => this.letters.find(from), {
      awaiting: `the dead letter of ${source.topic}[${source.partition}]@${source.offset} on ${this.deadLetterTopic}`,
      timeoutMs,
      intervalMs: 25,
      lastSeen: () =>
        `${this.letters.length} dead letter(s)${this.letters.length ? `, the last: ${JSON.stringify(this.letters.at(-1))}` : ''}`,
    });
  }

  /** Puts a dead letter back on the change topic as an operator does (`npm run replay-dead-letter`). */
  async replay(letter: DeadLetter): Promise<void> {
    await replayDeadLetter(this.kafka, {
      deadLetterTopic: this.deadLetterTopic,
      changeTopic: this.changeTopic,
      partition: letter.partition,
      offset: String(letter.offset),
    });
  }

  /** Every dead letter that came from this partition and offset of the change topic. */
  lettersFrom(source: RecordPosition): DeadLetter[] {
    return this.letters.filter(
      (letter) =>
        letter.headers['dlq.source.topic'] === source.topic &&
        letter.headers['dlq.source.partition'] === String(source.partition) &&
        letter.headers['dlq.source.offset'] === String(source.offset),
    );
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
  }
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = (Array.isArray(value) ? value : [value]).map((part) => part.toString()).join(', ');
  }
  return text;
}
