import { type Distribution, distribution } from '../support/lib/distribution';
import { eventually } from '../support/lib/eventually';
import { openLoop } from '../support/lib/open-loop';
import type { Inbox } from '../support/mail/inbox';
import type { ChangeTimes } from './change-times';
import type { AcceptedMessage, LightSmtpSink } from './light-sink/light-smtp-sink';
import { HttpLoadClient, type Sent } from './load';
import { round } from './stats';

/** What one load run through the whole pipeline measured. */
export interface PipelineRun {
  readonly ratePerSecond: number;
  readonly updates: number;
  readonly refused: number;
  readonly emailsPerSecond: number;
  readonly lost: number;
  readonly duplicated: number;
  /** From userdata's HTTP answer to the mail server's acceptance of the email. */
  readonly responseToAccepted: Distribution;
  /** The same latencies, counted in buckets of `bucketMs` (the latency-distribution chart). */
  readonly responseToAcceptedHistogram: { readonly bucketMs: number; readonly counts: readonly number[] };
  /** From the time the update was due to leave (open loop) to the mail server's acceptance. */
  readonly scheduledToAccepted: Distribution;
  /** From Debezium's reading of the change (envelope ts_ms) to the mail server's acceptance. */
  readonly capturedToAccepted: Distribution;
  /** From the database's commit (source.ts_ms; MariaDB's binlog keeps whole seconds) to the acceptance. */
  readonly committedToAccepted: Distribution;
}

const tokenInEmail = /→ "(bench [^"]+)"/;

/** Where the benchmark learns which change's email the mail server accepted, and when. */
export interface AcceptedMail {
  /** Every acceptance so far of an email about one of `tokens`: token → the times (epoch ms) it was accepted. */
  acceptedByToken(tokens: ReadonlySet<string>): Promise<Map<string, number[]>>;
}

/** The specs' inbox (smtp-tester, in this process): reads each email's text for the change's token. */
export function inboxMail(inbox: Inbox): AcceptedMail {
  return {
    async acceptedByToken(tokens) {
      const byToken = new Map<string, number[]>();
      for (const message of inbox.all()) {
        const token = tokenInEmail.exec(message.text)?.[1];
        if (token && tokens.has(token)) byToken.set(token, [...(byToken.get(token) ?? []), message.receivedAt]);
      }
      return byToken;
    },
  };
}

/**
 * The light SMTP sink, in a process of its own and parsing no MIME: an email is known by its Message-ID, which
 * ChangeTimes computed from the change event as push-email does.
 */
export function lightSinkMail(sink: LightSmtpSink, changeTimes: ChangeTimes): AcceptedMail {
  const accepted: AcceptedMessage[] = [];
  return {
    async acceptedByToken(tokens) {
      accepted.push(...(await sink.take()));
      const byToken = new Map<string, number[]>();
      for (const message of accepted) {
        const token = changeTimes.tokenByMessageId.get(message.messageId);
        if (token && tokens.has(token)) byToken.set(token, [...(byToken.get(token) ?? []), message.acceptedAt]);
      }
      return byToken;
    },
  };
}

/**
 * Sends `ratePerSecond` address changes for `durationMs` (open loop, over `users` round-robin), then waits until
 * every change's email arrived or nothing arrived for `quietMs`, and measures.
 */
export async function runThroughPipeline(options: {
  readonly label: string;
  readonly userdataUrl: string;
  readonly userIds: readonly number[];
  readonly mail: AcceptedMail;
  readonly changeTimes: ChangeTimes;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly connections: number;
  readonly quietMs?: number;
}): Promise<PipelineRun> {
  const client = new HttpLoadClient(options.userdataUrl, options.connections);
  const tokenOf = (index: number) => `bench ${options.label}-${index}`;
  let sent: Sent[];
  try {
    sent = await openLoop({
      ratePerSecond: options.ratePerSecond,
      durationMs: options.durationMs,
      send: async (index) => {
        const userId = options.userIds[index % options.userIds.length];
        const answer = await client.patch(`/users/${userId}`, { address: tokenOf(index) });
        return { token: tokenOf(index), ...answer };
      },
    });
  } finally {
    client.close();
  }
  const accepted = sent.filter((request) => request.status === 200);
  const wanted = new Set(accepted.map((request) => request.token));
  const emailsOf = () => options.mail.acceptedByToken(wanted);
  // Wait for the pipeline to drain: done when every change has its email, or when nothing new came for a while.
  let lastCount = -1;
  let lastProgress = Date.now();
  await eventually(
    async () => {
      const count = (await emailsOf()).size;
      if (count !== lastCount) {
        lastCount = count;
        lastProgress = Date.now();
      }
      return count === wanted.size || Date.now() - lastProgress > (options.quietMs ?? 15_000) ? true : undefined;
    },
    {
      awaiting: `the emails of ${wanted.size} changes (${options.label})`,
      timeoutMs: 10 * 60_000,
      intervalMs: 100,
      lastSeen: () => `${lastCount} of ${wanted.size}`,
    },
  );
  await eventually(() => ([...wanted].every((token) => options.changeTimes.byToken.has(token)) ? true : undefined), {
    awaiting: `the change events of ${wanted.size} changes (${options.label})`,
    timeoutMs: 60_000,
    lastSeen: () => `${[...wanted].filter((token) => options.changeTimes.byToken.has(token)).length} read`,
  });
  const emails = await emailsOf();
  const first = (token: string): number | undefined => emails.get(token)?.[0];
  const delivered = accepted.filter((request) => first(request.token) !== undefined);
  const latencies = (from: (request: Sent) => number) =>
    distribution(delivered.map((request) => (first(request.token) as number) - from(request)));
  const times = (request: Sent) => options.changeTimes.byToken.get(request.token);
  const lastEmail = Math.max(...delivered.map((request) => first(request.token) as number));
  const firstSend = Math.min(...sent.map((request) => request.scheduledAt));
  return {
    ratePerSecond: options.ratePerSecond,
    updates: sent.length,
    refused: sent.length - accepted.length,
    emailsPerSecond: round((delivered.length * 1000) / Math.max(1, lastEmail - firstSend)),
    lost: accepted.length - delivered.length,
    duplicated: [...emails.values()].filter((received) => received.length > 1).length,
    responseToAccepted: latencies((request) => request.respondedAt),
    responseToAcceptedHistogram: histogram(
      delivered.map((request) => (first(request.token) as number) - request.respondedAt),
      10,
    ),
    scheduledToAccepted: latencies((request) => request.scheduledAt),
    capturedToAccepted: latencies((request) => times(request)?.capturedAt ?? NaN),
    committedToAccepted: latencies((request) => times(request)?.committedAt ?? NaN),
  };
}

/** Counts of `samples` (ms) in buckets of `bucketMs`, from 0 to the largest. */
function histogram(samples: readonly number[], bucketMs: number): { bucketMs: number; counts: number[] } {
  const counts: number[] = [];
  for (const sample of samples) {
    const bucket = Math.max(0, Math.floor(sample / bucketMs));
    while (counts.length <= bucket) counts.push(0);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return { bucketMs, counts };
}
