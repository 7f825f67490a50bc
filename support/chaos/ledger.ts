import { type Distribution, distribution } from '../lib/distribution';
import type { StackComponent } from '../stack/start-stack';
import type { ChangeAttempt } from './load';
import type { FaultKind } from './schedule';

/** An email as the mail sink accepted it: the part of the inbox's messages the ledger reads. */
export interface LedgerEmail {
  readonly to: readonly string[];
  readonly text: string;
  readonly messageId: string;
  /** When the mail server accepted it (epoch ms). */
  readonly receivedAt: number;
}

/** A fault as it happened (epoch ms): what the ledger needs to tell the duplicates a fault explains from others. */
export interface LedgerFault {
  readonly index: number;
  readonly component: StackComponent;
  readonly kind: FaultKind;
  /** The kill or freeze was asked for. */
  readonly startedAt: number;
  /** The process was gone (kill) or stopped (freeze). */
  readonly inEffectAt: number;
  /** The restart or thaw was asked for. */
  readonly endedAt: number;
}

export interface LedgerOptions {
  /** push-email's KAFKA_CONCURRENCY × KAFKA_BATCH_SIZE: how many changes one fault of push-email or its database may email twice. */
  readonly pushEmailDuplicateWindow: number;
  /** An email accepted later than this after its change's answer is late. */
  readonly lateAfterMs: number;
}

/** A change whose email came more than once. */
export interface Duplicate {
  readonly seq: number;
  readonly recipient: string;
  readonly copies: number;
  readonly messageIds: readonly string[];
  /** When the mail server accepted each copy (epoch ms). */
  readonly acceptedAt: readonly number[];
  /** The fault (of push-email or the database) whose documented window explains it; absent when none does. */
  readonly explainedBy?: number;
}

export interface Ledger {
  /** Changes due in the run (the load's schedule). */
  readonly planned: number;
  /** Due while every person had a change in flight: never sent. */
  readonly notSent: number;
  /** Answered 2xx. */
  readonly acknowledged: number;
  /** Acknowledged and emailed at least once. */
  readonly emailed: number;
  /** Acknowledged, never emailed: the sequence numbers. */
  readonly lost: readonly number[];
  readonly duplicated: {
    /** Same Message-ID, two copies around a fault of push-email or its database, at most KAFKA_CONCURRENCY × KAFKA_BATCH_SIZE per fault: the documented window. */
    readonly withinBound: readonly Duplicate[];
    readonly beyondBound: readonly Duplicate[];
  };
  /** From a change's 2xx answer to its (first) email's acceptance. */
  readonly latency: Distribution;
  readonly late: { readonly afterMs: number; readonly seqs: readonly number[] };
  readonly refused: {
    readonly total: number;
    /** How many of each kind of refusal: `503 problem+json, Retry-After`, `no answer: ECONNREFUSED`, `HTTP 500`… */
    readonly byReason: Readonly<Record<string, number>>;
    /** Refused, yet emailed: the statement had reached the database. Not a loss. */
    readonly appliedDespiteRefusal: readonly number[];
    /** Answers that are neither a 2xx, the documented 503 nor no answer at all: a 500, a 503 without its headers, a 4xx. */
    readonly unexpected: readonly { readonly seq: number; readonly reason: string }[];
  };
  /** Emails about a change the load did not make, or sent to someone else than the person changed. */
  readonly unmatchedEmails: readonly string[];
  /** Why the run fails; empty when it passes. */
  readonly failures: readonly string[];
}

/** The documented refusal while userdata cannot reach its database. */
export const documentedRefusal = '503 problem+json, Retry-After';

const addressChange = /Address: "[^"]*" → "([^"]*)"/g;

/** The new addresses an email tells of ("Address: "old" → "new""); none for an email about anything else. */
export function newAddressesIn(email: LedgerEmail): string[] {
  return [...email.text.matchAll(addressChange)].map((match) => match[1] ?? '');
}

/**
 * Every change's emails, found by recipient and by the change's unique new address in the email's text; and the
 * emails that match no change made.
 */
export function emailsOfChanges(
  changes: readonly ChangeAttempt[],
  emails: readonly LedgerEmail[],
): { bySeq: Map<number, LedgerEmail[]>; unmatched: LedgerEmail[] } {
  const seqOf = new Map<string, number>();
  for (const change of changes) if (change.person) seqOf.set(`${change.person.email} ${change.address}`, change.seq);
  const bySeq = new Map<number, LedgerEmail[]>();
  const unmatched: LedgerEmail[] = [];
  for (const email of [...emails].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const addresses = newAddressesIn(email);
    if (addresses.length === 0) continue;
    const seqs = email.to.flatMap((recipient) => addresses.map((address) => seqOf.get(`${recipient} ${address}`)));
    const seq = seqs.find((found) => found !== undefined);
    if (seq === undefined) {
      unmatched.push(email);
      continue;
    }
    bySeq.set(seq, [...(bySeq.get(seq) ?? []), email]);
  }
  return { bySeq, unmatched };
}

/**
 * Compares every change userdata answered with every email the mail sink accepted. Fails the run for a lost change,
 * a duplicate beyond the documented bound, an unexpected answer (a 500 above all) or an email about no change made.
 */
export function keepLedger(
  changes: readonly ChangeAttempt[],
  emails: readonly LedgerEmail[],
  faults: readonly LedgerFault[],
  options: LedgerOptions,
): Ledger {
  const { bySeq, unmatched } = emailsOfChanges(changes, emails);
  const sent = changes.filter((change) => change.person);
  const acknowledged = sent.filter(isAcknowledged);
  const refused = sent.filter((change) => !isAcknowledged(change));
  const lost = acknowledged.filter((change) => !bySeq.has(change.seq)).map((change) => change.seq);
  const duplicated = duplicates(sent, bySeq, faults, options.pushEmailDuplicateWindow);
  const latencies = acknowledged.flatMap((change) => {
    const first = bySeq.get(change.seq)?.[0];
    return first && change.answeredAt !== undefined
      ? [{ seq: change.seq, ms: first.receivedAt - change.answeredAt }]
      : [];
  });
  const byReason: Record<string, number> = {};
  const unexpected: { seq: number; reason: string }[] = [];
  for (const change of refused) {
    const reason = refusalReason(change);
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    if (change.status !== 0 && reason !== documentedRefusal) unexpected.push({ seq: change.seq, reason });
  }
  const ledger = {
    planned: changes.length,
    notSent: changes.length - sent.length,
    acknowledged: acknowledged.length,
    emailed: acknowledged.length - lost.length,
    lost,
    duplicated,
    latency: distribution(latencies.map((latency) => latency.ms)),
    late: {
      afterMs: options.lateAfterMs,
      seqs: latencies.filter((latency) => latency.ms > options.lateAfterMs).map((latency) => latency.seq),
    },
    refused: {
      total: refused.length,
      byReason,
      appliedDespiteRefusal: refused.filter((change) => bySeq.has(change.seq)).map((change) => change.seq),
      unexpected,
    },
    unmatchedEmails: unmatched.map((email) => `to ${email.to.join(', ')} (${email.messageId}): ${oneLine(email.text)}`),
  };
  return { ...ledger, failures: failuresOf(ledger) };
}

function isAcknowledged(change: ChangeAttempt): boolean {
  return change.status !== undefined && change.status >= 200 && change.status < 300;
}

/** How userdata refused a change, in a few stable words. */
export function refusalReason(change: ChangeAttempt): string {
  if (change.status === 0) return `no answer: ${change.error ?? 'unknown'}`;
  if (change.status === 503) {
    const missing = [
      change.contentType?.startsWith('application/problem+json') ? undefined : 'problem+json',
      change.retryAfter ? undefined : 'Retry-After',
    ].filter((what) => what !== undefined);
    return missing.length === 0 ? documentedRefusal : `503 without ${missing.join(' or ')}`;
  }
  return `HTTP ${change.status}${change.code ? ` ${change.code}` : ''}`;
}

/** How long before a fault the first copy of an email sent again because of it may have been accepted. */
export const resendWindowLeadMs = 10_000;

/**
 * The components whose faults may send an email twice, as documented (README, "The limits of at-least-once"):
 * push-email records each email in its delivery log, in the database, right after the mail server accepted it; if
 * push-email dies or its database goes away in between, the retry sends the email again, with the same Message-ID.
 */
const resendingComponents: readonly StackComponent[] = ['push-email', 'database'];

/**
 * The changes emailed more than once. Two copies with one Message-ID, the first accepted shortly before a fault of
 * push-email or the database or during it (the mail server may finish reading a message after its sender died:
 * push-email never heard the 250, nor recorded the delivery), and the second after the fault ended, are the
 * documented window: up to KAFKA_CONCURRENCY × KAFKA_BATCH_SIZE per fault. Anything else is beyond the bound: a third copy, a second
 * Message-ID, a copy no such fault explains.
 */
function duplicates(
  sent: readonly ChangeAttempt[],
  bySeq: ReadonlyMap<number, readonly LedgerEmail[]>,
  faults: readonly LedgerFault[],
  concurrency: number,
): Ledger['duplicated'] {
  const windows = faults.filter((fault) => resendingComponents.includes(fault.component));
  const explained = new Map<number, number>();
  const withinBound: Duplicate[] = [];
  const beyondBound: Duplicate[] = [];
  for (const change of sent) {
    const copies = bySeq.get(change.seq) ?? [];
    if (copies.length < 2) continue;
    const messageIds = [...new Set(copies.map((copy) => copy.messageId))];
    const duplicate = {
      seq: change.seq,
      recipient: change.person?.email ?? '?',
      copies: copies.length,
      messageIds,
      acceptedAt: copies.map((copy) => copy.receivedAt),
    };
    const [first, second] = copies as [LedgerEmail, LedgerEmail];
    const fault =
      copies.length === 2 && messageIds.length === 1
        ? windows.find(
            (fault) =>
              first.receivedAt >= fault.startedAt - resendWindowLeadMs &&
              first.receivedAt < fault.endedAt &&
              second.receivedAt >= fault.endedAt &&
              (explained.get(fault.index) ?? 0) < concurrency,
          )
        : undefined;
    if (!fault) {
      beyondBound.push(duplicate);
      continue;
    }
    explained.set(fault.index, (explained.get(fault.index) ?? 0) + 1);
    withinBound.push({ ...duplicate, explainedBy: fault.index });
  }
  return { withinBound, beyondBound };
}

function failuresOf(ledger: Omit<Ledger, 'failures'>): string[] {
  const failures: string[] = [];
  const some = (seqs: readonly number[]) => `${seqs.slice(0, 20).join(', ')}${seqs.length > 20 ? ', …' : ''}`;
  if (ledger.lost.length > 0)
    failures.push(`${ledger.lost.length} acknowledged change(s) never emailed: ${some(ledger.lost)}`);
  const beyond = ledger.duplicated.beyondBound;
  if (beyond.length > 0) {
    failures.push(
      `${beyond.length} change(s) emailed more than once beyond the documented bound: ${beyond
        .slice(0, 20)
        .map((d) => `#${d.seq} ${d.copies} copies, ${d.messageIds.length} Message-ID(s)`)
        .join('; ')}`,
    );
  }
  const unexpected = ledger.refused.unexpected;
  if (unexpected.length > 0) {
    failures.push(
      `${unexpected.length} unexpected answer(s): ${unexpected
        .slice(0, 20)
        .map((u) => `#${u.seq} ${u.reason}`)
        .join('; ')}`,
    );
  }
  if (ledger.unmatchedEmails.length > 0) {
    failures.push(`${ledger.unmatchedEmails.length} email(s) about no change made: ${ledger.unmatchedEmails[0]}`);
  }
  return failures;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 160);
}
