import { type IHeaders, type Kafka, type KafkaMessage, Partitioners } from 'kafkajs';
import { replayHeader } from './change-consumer';

export interface DeadLetterReplay {
  readonly deadLetterTopic: string;
  readonly changeTopic: string;
  /** Where the dead letter is on its topic. */
  readonly partition: number;
  readonly offset: string;
}

export interface ReplayedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
}

/**
 * Puts a dead letter back on the change topic, as it was first written there (key, value and its own headers), in
 * the partition it came from, with a header saying it is a replay: push-email then tries again the emails it had set
 * aside for that change (the operator has fixed their cause), and still sends none it had sent.
 */
export async function replayDeadLetter(kafka: Kafka, replay: DeadLetterReplay): Promise<ReplayedRecord> {
  const letter = await readOne(kafka, replay);
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(letter.headers ?? {})) {
    if (!name.startsWith('dlq.') && value !== undefined) headers[name] = value;
  }
  headers[replayHeader] = `${replay.deadLetterTopic}:${replay.partition}:${replay.offset}`;
  const header = (name: string) => letter.headers?.[name]?.toString();
  const sourcePartition =
    header('dlq.source.topic') === replay.changeTopic ? header('dlq.source.partition') : undefined;
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const [written] = await producer.send({
      topic: replay.changeTopic,
      acks: -1,
      messages: [
        {
          key: letter.key,
          value: letter.value,
          headers,
          ...(sourcePartition !== undefined ? { partition: Number(sourcePartition) } : {}),
        },
      ],
    });
    return {
      partition: written?.partition ?? -1,
      offset: written?.baseOffset ?? '?',
      reason: header('dlq.reason') ?? '(no dlq.reason header)',
    };
  } finally {
    await producer.disconnect();
  }
}

async function readOne(kafka: Kafka, { deadLetterTopic: topic, partition, offset }: DeadLetterReplay) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const bounds = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition);
    if (!bounds || BigInt(offset) < BigInt(bounds.low) || BigInt(offset) >= BigInt(bounds.high)) {
      throw new Error(
        `${topic} has no record at partition ${partition}, offset ${offset}` +
          (bounds ? ` (it holds offsets ${bounds.low} to ${BigInt(bounds.high) - 1n})` : ''),
      );
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `push-email-replay-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const found = new Promise<KafkaMessage>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition: at, message }) => {
          if (at === partition && message.offset === offset) resolve(message);
        },
      });
    });
    consumer.seek({ topic, partition, offset });
    return await found;
  } finally {
    await consumer.disconnect();
  }
}
