import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { eventually } from '../../../../support/lib/eventually';
import { freePort } from '../../../../support/lib/free-ports';
import { Inbox } from '../../../../support/mail/inbox';
import { startTestKafka } from '../../../../support/service-tests/test-kafka';
import { loadEmailTemplates } from '../../data-sources/file-email-templates';
import { InMemoryDeliveryLog } from '../../data-sources/in-memory-delivery-log';
import { NodemailerEmailSender } from '../../data-sources/nodemailer-email-sender';
import type { Email } from '../../entities/email';
import { NotifyUserOfChange } from '../../interactors/notify-user-of-change.interactor';
import type { EmailSender } from '../../repositories/email-sender';
import { ChangeConsumer, type ConsumerMetrics } from './change-consumer';

class CountingMetrics implements ConsumerMetrics {
  retries = 0;
  deadLetters = 0;
  readonly stalls: string[] = [];
  consumed(): void {}
  delivered(): void {}
  retried(): void {
    this.retries++;
  }
  deadLettered(): void {
    this.deadLetters++;
  }
  stalled(_topic: string, partition: number, since: Date | undefined): void {
    this.stalls.push(`${partition}:${since ? 'stalled' : 'moving'}`);
  }
  endToEndLag(): void {}
}

/** Counts the attempts to send through the real sender, so the test knows the SMTP server refused some. */
class CountingEmailSender implements EmailSender {
  attempts = 0;
  /** While set, every send waits for it: an email held "in hand". */
  hold: Promise<void> | undefined;
  constructor(private readonly inner: EmailSender) {}
  async send(email: Email): Promise<void> {
    this.attempts++;
    await this.hold;
    return this.inner.send(email);
  }
}

const updateEvent = readFileSync(join(__dirname, 'fixtures', 'mariadb-update.json'), 'utf8');

describe('ChangeConsumer with a real broker and a real SMTP server', { timeout: 120_000 }, () => {
  let kafka: Awaited<ReturnType<typeof startTestKafka>> | undefined;
  let client: Kafka;

  before(async () => {
    kafka = await startTestKafka();
    client = new Kafka({ clientId: 'change-consumer-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  });
  after(() => kafka?.stop());

  async function committedOffset(groupId: string, topic: string): Promise<number> {
    const admin = client.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return Number(offsets?.partitions[0]?.offset ?? -1);
    } finally {
      await admin.disconnect();
    }
  }

  async function consumerFor(topic: string, groupId: string, smtpPort: number) {
    const transporter = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false });
    const sender = new CountingEmailSender(new NodemailerEmailSender(transporter, 'test@userdata.invalid'));
    const metrics = new CountingMetrics();
    const consumer = new ChangeConsumer({
      consumer: client.consumer({ groupId, maxWaitTimeInMs: 100 }),
      admin: client.admin(),
      deadLetters: { producer: client.producer(), topic: `${topic}.dlq` },
      topic,
      capturedTable: { database: 'clients', table: 'users' },
      notify: new NotifyUserOfChange(sender, new InMemoryDeliveryLog(), loadEmailTemplates(), 'userdata.invalid'),
      logger: pino({ level: 'silent' }),
      metrics,
      retry: { initialMs: 100, maxMs: 400 },
    });
    return { consumer, sender, transporter, metrics };
  }

  async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    const reader = client.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
    try {
      return await eventually(() => (seen.length >= count ? seen : undefined), {
        awaiting: `${count} record(s) on ${topic}`,
        lastSeen: () => `${seen.length} record(s)`,
      });
    } finally {
      await reader.disconnect();
    }
  }

  async function createTopics(...topics: string[]): Promise<void> {
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: topics.map((topic) => ({ topic })), waitForLeaders: true });
    await admin.disconnect();
  }

  async function produce(topic: string, values: string[]): Promise<void> {
    await createTopics(topic, `${topic}.dlq`);
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: '{"id":1}', value })) });
    await producer.disconnect();
  }

  it('commits a change only after the SMTP server accepted its email', async () => {
    const topic = 'changes-smtp-down';
    await produce(topic, [updateEvent]);
    const smtpPort = await freePort(); // nothing listens there yet: the mail server is down
    const { consumer, sender, transporter, metrics } = await consumerFor(topic, 'smtp-down', smtpPort);
    let inbox: Inbox | undefined;
    try {
      await consumer.start();
      await eventually(() => (sender.attempts >= 3 ? true : undefined), {
        awaiting: 'three refused attempts to send',
        lastSeen: () => `${sender.attempts} attempt(s)`,
      });
      assert.equal(await committedOffset('smtp-down', topic), -1, 'nothing is committed while sending fails');
      assert.ok(metrics.retries >= 2, `${metrics.retries} retries counted`);

      inbox = await Inbox.start(smtpPort);
      const email = await inbox.waitFor('ana@example.com', 'the email about the update', () => true);
      assert.match(email.text, /Address: "Rua A, 1" → "Rua B, 2"/);
      await eventually(async () => ((await committedOffset('smtp-down', topic)) === 1 ? true : undefined), {
        awaiting: 'the offset past the update to be committed',
      });
    } finally {
      await consumer.stop();
      transporter.close();
      await inbox?.stop();
    }
  });

  it('sends a record that is not a change event to the dead-letter topic and goes on with the next', async () => {
    const topic = 'changes-malformed';
    await produce(topic, ['{not json', updateEvent]);
    const smtpPort = await freePort();
    const inbox = await Inbox.start(smtpPort);
    const { consumer, transporter, metrics } = await consumerFor(topic, 'malformed', smtpPort);
    try {
      await consumer.start();
      await inbox.waitFor('ana@example.com', 'the email about the update after the malformed record', () => true);
      await eventually(async () => ((await committedOffset('malformed', topic)) === 2 ? true : undefined), {
        awaiting: 'both records committed',
      });
      assert.equal(inbox.messagesTo('ana@example.com').length, 1);
      const [dead] = await readAll(`${topic}.dlq`, 1);
      assert.equal(dead?.value?.toString(), '{not json');
      assert.match(String(dead?.headers?.['dlq.error']), /not JSON/);
      assert.equal(String(dead?.headers?.['dlq.source.offset']), '0');
      assert.equal(metrics.deadLetters, 1);
    } finally {
      await consumer.stop();
      transporter.close();
      await inbox.stop();
    }
  });

  it('sets aside a change whose recipient the mail server refuses for good, and goes on with the next', async () => {
    const topic = 'changes-refused';
    const other = JSON.parse(updateEvent);
    other.before = { ...other.before, id: 2, email: 'bruno@example.com' };
    other.after = { ...other.after, id: 2, email: 'bruno@example.com' };
    other.source = { ...other.source, pos: other.source.pos + 1000 };
    await produce(topic, [updateEvent, JSON.stringify(other)]);
    const smtpPort = await freePort();
    const inbox = await Inbox.start(smtpPort);
    inbox.refuse('ana@example.com');
    const { consumer, transporter, metrics } = await consumerFor(topic, 'refused', smtpPort);
    try {
      await consumer.start();
      await inbox.waitFor('bruno@example.com', 'the email of the change after the refused one', () => true);
      await eventually(async () => ((await committedOffset('refused', topic)) === 2 ? true : undefined), {
        awaiting: 'both records committed',
      });
      const [dead] = await readAll(`${topic}.dlq`, 1);
      assert.equal(dead?.value?.toString(), updateEvent, 'the dead letter is the record as it was');
      const header = (name: string) => String(dead?.headers?.[name]);
      assert.equal(header('dlq.reason'), 'recipient-refused');
      assert.equal(header('dlq.step'), 'send');
      assert.equal(header('dlq.attempts'), '1');
      assert.equal(header('dlq.emails'), 'details-changed');
      assert.match(header('dlq.error'), /550 5\.1\.1 No such user here/);
      assert.match(header('dlq.delivery.ids'), /^[0-9a-f]{64}$/);
      assert.equal(header('dlq.source.offset'), '0');
      assert.equal(inbox.refusedAttemptsFor('ana@example.com'), 1, 'a refusal for good is not retried');
      assert.deepEqual([metrics.retries, metrics.deadLetters], [0, 1]);
    } finally {
      await consumer.stop();
      transporter.close();
      await inbox.stop();
    }
  });

  it('says which partition is held up while the mail server is down, and that it moves once it is back', async () => {
    const topic = 'changes-stalled';
    await produce(topic, [updateEvent]);
    const smtpPort = await freePort();
    const { consumer, sender, transporter, metrics } = await consumerFor(topic, 'stalled', smtpPort);
    let inbox: Inbox | undefined;
    try {
      await consumer.start();
      await eventually(() => (sender.attempts >= 2 ? true : undefined), {
        awaiting: 'two refused attempts to send',
        lastSeen: () => `${sender.attempts} attempt(s)`,
      });
      const [stall] = consumer.stalled;
      assert.deepEqual([stall?.partition, stall?.offset, stall?.reason], [0, '0', 'mail-server-unavailable']);
      assert.ok((stall?.attempts ?? 0) >= 1);
      inbox = await Inbox.start(smtpPort);
      await inbox.waitFor('ana@example.com', 'the email once the mail server is back', () => true);
      await eventually(() => (consumer.stalled.length === 0 ? true : undefined), {
        awaiting: 'the partition to move again',
        lastSeen: () => JSON.stringify(consumer.stalled),
      });
      assert.deepEqual([metrics.stalls[0], metrics.stalls.at(-1)], ['0:stalled', '0:moving']);
    } finally {
      await consumer.stop();
      transporter.close();
      await inbox?.stop();
    }
  });

  it('waits for a change topic that does not exist yet, then reads it from its beginning', async () => {
    const topic = 'changes-created-later';
    const smtpPort = await freePort();
    const inbox = await Inbox.start(smtpPort);
    const { consumer, transporter } = await consumerFor(topic, 'created-later', smtpPort);
    try {
      const started = consumer.start();
      await produce(topic, [updateEvent]);
      await started;
      await inbox.waitFor('ana@example.com', 'the email about the update', () => true);
      const admin = client.admin();
      await admin.connect();
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      await admin.disconnect();
      assert.equal(metadata?.partitions.length, 1, 'the consumer did not create the topic itself');
    } finally {
      await consumer.stop();
      transporter.close();
      await inbox.stop();
    }
  });

  it('on stop, finishes the email in hand, commits it, and leaves the group', async () => {
    const topic = 'changes-stopping';
    await produce(topic, [updateEvent]);
    const smtpPort = await freePort();
    const inbox = await Inbox.start(smtpPort);
    const { consumer, sender, transporter } = await consumerFor(topic, 'stopping', smtpPort);
    let release: () => void = () => undefined;
    sender.hold = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await consumer.start();
      await eventually(() => (sender.attempts >= 1 ? true : undefined), {
        awaiting: 'the email about the update to be in hand',
        lastSeen: () => `${sender.attempts} attempt(s)`,
      });
      const stopped = consumer.stop();
      release();
      await stopped;
      assert.equal(inbox.messagesTo('ana@example.com').length, 1, 'the email in hand was not sent');
      assert.equal(await committedOffset('stopping', topic), 1, 'the email in hand was not committed');
      const admin = client.admin();
      await admin.connect();
      const { groups } = await admin.describeGroups(['stopping']);
      await admin.disconnect();
      assert.deepEqual(groups[0]?.members, [], 'the consumer did not leave its group');
    } finally {
      transporter.close();
      await inbox.stop();
    }
  });
});
