import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { eventually } from '../../../../support/lib/eventually';
import { freePort } from '../../../../support/lib/ports';
import { Inbox } from '../../../../support/mail/inbox';
import { startTestKafka } from '../../../../support/native/test-kafka';
import { NodemailerEmailSender } from '../../data-sources/nodemailer-email-sender';
import type { Email } from '../../entities/email';
import { NotifyUserOfChange } from '../../interactors/notify-user-of-change.interactor';
import type { EmailSender } from '../../repositories/email-sender';
import { ChangeConsumer } from './change-consumer';

/** Counts the attempts to send through the real sender, so the test knows the SMTP server refused some. */
class CountingEmailSender implements EmailSender {
  attempts = 0;
  constructor(private readonly inner: EmailSender) {}
  send(email: Email): Promise<void> {
    this.attempts++;
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
    const consumer = new ChangeConsumer({
      consumer: client.consumer({ groupId, maxWaitTimeInMs: 100, retry: { initialRetryTime: 100, retries: 30 } }),
      topic,
      notify: new NotifyUserOfChange(sender),
      logger: pino({ level: 'silent' }),
    });
    return { consumer, sender, transporter };
  }

  async function produce(topic: string, values: string[]): Promise<void> {
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ key: '{"id":1}', value })) });
    await producer.disconnect();
  }

  it('commits a change only after the SMTP server accepted its email', async () => {
    const topic = 'changes-smtp-down';
    await produce(topic, [updateEvent]);
    const smtpPort = await freePort(); // nothing listens there yet: the mail server is down
    const { consumer, sender, transporter } = await consumerFor(topic, 'smtp-down', smtpPort);
    let inbox: Inbox | undefined;
    try {
      await consumer.start();
      await eventually(() => (sender.attempts >= 2 ? true : undefined), {
        awaiting: 'two refused attempts to send',
        lastSeen: () => `${sender.attempts} attempt(s)`,
      });
      assert.equal(await committedOffset('smtp-down', topic), -1, 'nothing is committed while sending fails');

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

  it('skips a record that is not a change event and goes on with the next', async () => {
    const topic = 'changes-malformed';
    await produce(topic, ['{not json', updateEvent]);
    const smtpPort = await freePort();
    const inbox = await Inbox.start(smtpPort);
    const { consumer, transporter } = await consumerFor(topic, 'malformed', smtpPort);
    try {
      await consumer.start();
      await inbox.waitFor('ana@example.com', 'the email about the update after the malformed record', () => true);
      await eventually(async () => ((await committedOffset('malformed', topic)) === 2 ? true : undefined), {
        awaiting: 'both records committed',
      });
      assert.equal(inbox.messagesTo('ana@example.com').length, 1);
    } finally {
      await consumer.stop();
      transporter.close();
      await inbox.stop();
    }
  });
});
