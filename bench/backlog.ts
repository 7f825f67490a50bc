/**
 * The backlog measurements, each beside its bare baseline in the same run:
 * - capture: a backlog of changes made by SQL (push-email stopped); Debezium's rate onto the change topic, beside a
 *   raw kafkajs producer writing as many records of the same size;
 * - delivery: a push-email instance draining that backlog into the light SMTP sink, beside bare nodemailer with the
 *   same pool sending as many emails of the same size into the same sink.
 */
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import nodemailer from 'nodemailer';
import { loadEmailTemplates } from '../src/push-email/data-sources/file-email-templates';
import { renderEmail } from '../src/push-email/entities/email-templates';
import { eventually } from '../support/lib/eventually';
import type { RunningStack } from '../support/stack/start-stack';
import type { ChangeTimes } from './change-times';
import type { AcceptedMessage, LightSmtpSink } from './light-sink/light-smtp-sink';
import { pushEmailDefaults } from './push-email-defaults';
import { round } from './stats';

/** push-email's SMTP pool, as the stacks the harness starts run it: the bare baseline uses the very same pool. */
const { maxConnections, maxMessages } = pushEmailDefaults.smtp;

export interface RateMeasurement {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface BacklogRun {
  readonly changes: number;
  readonly capture: { readonly debezium: RateMeasurement; readonly rawProducer: RateMeasurement };
  readonly delivery: {
    readonly pushEmail: RateMeasurement;
    readonly bareNodemailer: RateMeasurement;
    /** push-email's rate as a share of bare nodemailer's. */
    readonly ratio: number;
    /** The light sink's own CPU over each run, in % of one core: it must not be what limits them. */
    readonly sinkCpuPercent: { readonly pushEmail: number; readonly bareNodemailer: number };
  };
}

export async function measureBacklog(options: {
  readonly stack: RunningStack;
  readonly sink: LightSmtpSink;
  readonly changeTimes: ChangeTimes;
  readonly userIds: readonly number[];
  readonly changes: number;
  readonly log: (line: string) => void;
}): Promise<BacklogRun> {
  const { stack, sink, changeTimes, userIds, log } = options;
  const rounds = Math.max(1, Math.round(options.changes / userIds.length));
  const changes = rounds * userIds.length;

  log(`  bare nodemailer: ${changes} emails into the light sink…`);
  const bareNodemailer = await sendBare(sink, changes);

  log(`  capture: ${changes} changes by SQL, push-email stopped…`);
  await stack.killPushEmail();
  const tokens = await updateBySql(stack, userIds, rounds);
  const produced = await eventually(
    () => {
      const times = tokens.map((token) => changeTimes.byToken.get(token)?.producedAt);
      return times.every((time) => time !== undefined) ? (times as number[]) : undefined;
    },
    {
      awaiting: `all ${changes} changes on the change topic`,
      timeoutMs: 300_000,
      intervalMs: 200,
      lastSeen: () => `${tokens.filter((token) => changeTimes.byToken.has(token)).length} of them`,
    },
  );
  const debezium = rate(changes, Math.max(...produced) - Math.min(...produced));
  log(`  raw kafkajs producer: ${changes} records…`);
  const rawProducer = await produceRaw(stack.infrastructure.kafka.brokers, changes);

  log(`  delivery: a push-email instance drains the backlog into the light sink…`);
  await sink.take();
  const cpuBefore = sink.cpuSeconds();
  const drainer = await stack.addPushEmailInstance({ SMTP_PORT: String(sink.port) });
  const accepted: AcceptedMessage[] = [];
  try {
    await eventually(
      async () => {
        accepted.push(...(await sink.take()));
        return accepted.length >= changes ? true : undefined;
      },
      {
        awaiting: `push-email to email all ${changes} changes of the backlog`,
        timeoutMs: 600_000,
        intervalMs: 500,
        lastSeen: () => `${accepted.length} accepted by the sink`,
      },
    );
  } finally {
    await drainer.stop();
    await stack.restartPushEmail();
  }
  const times = accepted.map((message) => message.acceptedAt);
  const drainMs = Math.max(...times) - Math.min(...times);
  const pushEmail = rate(accepted.length, drainMs);
  return {
    changes,
    capture: { debezium, rawProducer },
    delivery: {
      pushEmail,
      bareNodemailer: bareNodemailer.rate,
      ratio: round(pushEmail.perSecond / bareNodemailer.rate.perSecond, 3),
      sinkCpuPercent: {
        pushEmail: Math.round(((sink.cpuSeconds() - cpuBefore) / Math.max(drainMs / 1000, 0.001)) * 100),
        bareNodemailer: bareNodemailer.sinkCpuPercent,
      },
    },
  };
}

/** `rounds` UPDATEs of every bench user, by SQL as userdata's database user; returns each change's token. */
async function updateBySql(stack: RunningStack, userIds: readonly number[], rounds: number): Promise<string[]> {
  const { database } = stack.infrastructure;
  const connection = await mysql.createConnection({
    host: database.host,
    port: database.port,
    database: database.name,
    ...database.userdata,
  });
  const tokens: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // One statement per round: a transaction of one row event per user, as a batch job would write.
      await connection.query("UPDATE users SET address = CONCAT('bench backlog-', ?, '-', id) WHERE id IN (?)", [
        round,
        userIds,
      ]);
      for (const id of userIds) tokens.push(`bench backlog-${round}-${id}`);
    }
  } finally {
    await connection.end();
  }
  return tokens;
}

/** Bare nodemailer, with push-email's pool settings, sending `count` emails of the size push-email sends. */
async function sendBare(
  sink: LightSmtpSink,
  count: number,
): Promise<{ rate: RateMeasurement; sinkCpuPercent: number }> {
  const templates = loadEmailTemplates();
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    pool: true,
    maxConnections,
    maxMessages,
  });
  await sink.take();
  const cpuBefore = sink.cpuSeconds();
  const started = Date.now();
  try {
    await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const user = { id: i, name: `Bench ${i}`, email: `bench${i}@bench.test`, address: `bench bare-${i}` };
        const email = renderEmail(
          {
            kind: 'details-changed',
            to: user.email,
            user,
            changes: [{ field: 'address', from: 'a', to: user.address }],
          },
          templates,
          { changeId: `bare-${i}`, domain: 'userdata.invalid' },
        );
        return transporter.sendMail({
          from: '"User data" <no-reply@userdata.invalid>',
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
        });
      }),
    );
  } finally {
    transporter.close();
  }
  const elapsedMs = Date.now() - started;
  const accepted = await sink.take();
  return {
    rate: rate(accepted.length, elapsedMs),
    sinkCpuPercent: Math.round(((sink.cpuSeconds() - cpuBefore) / (elapsedMs / 1000)) * 100),
  };
}

/** A raw kafkajs producer (acks all, batches of 500) writing `count` records of a change event's size. */
async function produceRaw(brokers: readonly string[], count: number): Promise<RateMeasurement> {
  const kafka = new Kafka({ clientId: 'bench-raw-producer', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const topic = `bench.raw-producer.${Date.now()}`;
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    // About the size of one change event of the users table, as Debezium writes it (plain JSON).
    const value = JSON.stringify({ before: { padding: 'x'.repeat(300) }, after: { padding: 'y'.repeat(300) } });
    const started = Date.now();
    for (let sent = 0; sent < count; sent += 500) {
      const messages = Array.from({ length: Math.min(500, count - sent) }, (_, i) => ({
        key: String((sent + i) % 200),
        value,
      }));
      await producer.send({ topic, acks: -1, messages });
    }
    return rate(count, Date.now() - started);
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}

function rate(count: number, elapsedMs: number): RateMeasurement {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  return { count, seconds: round(seconds, 2), perSecond: Math.round(count / seconds) };
}
