import type { UserdataClient } from '../drivers/userdata-client';
import { openLoop } from '../lib/open-loop';
import { PersonPool } from './person-pool';

/** Someone whose address the load keeps changing. */
export interface ChaosPerson {
  readonly id: number;
  /** Where their emails go (lower case, as the inbox keeps recipients). */
  readonly email: string;
}

/** One change the load meant to make, and what userdata answered. Times are epoch milliseconds. */
export interface ChangeAttempt {
  /** 1 for the first change of the run. */
  readonly seq: number;
  /** The change's new address, unique in the run: what its email shows. */
  readonly address: string;
  /** When it was due to leave (open loop). */
  readonly scheduledAt: number;
  /** Absent when everyone had a change in flight: the change was not made (an open loop does not send it later). */
  readonly person?: ChaosPerson;
  readonly answeredAt?: number;
  /** The HTTP status; 0 when no answer came (the connection was refused or dropped, or the client gave up). */
  readonly status?: number;
  /** Why no answer came: the socket error's code, or the client's message. */
  readonly error?: string;
  readonly contentType?: string;
  readonly retryAfter?: string;
  /** The problem document's `code`, when the answer was one. */
  readonly code?: string;
}

/** The address a change of the run sets: unique per change, so its email can be told from every other. */
export function chaosAddress(seq: number): string {
  return `Chaos street ${seq}`;
}

/** The change an address of the run belongs to; undefined for any other address. */
export function seqOfAddress(address: string): number | undefined {
  const match = /^Chaos street (\d+)$/.exec(address);
  return match ? Number(match[1]) : undefined;
}

/** The first change due at or after `time` in a load that started at `startedAt` (the open loop's schedule). */
export function firstSeqDueFrom(time: number, startedAt: number, ratePerSecond: number): number {
  return Math.max(0, Math.ceil(((time - startedAt) * ratePerSecond) / 1000)) + 1;
}

/**
 * Changes people's addresses through userdata at a steady rate (open loop: a slow or absent userdata does not slow
 * the load down), one change per person at a time, and records every answer. A change due while everyone has one in
 * flight is recorded as not sent. Resolves once every request sent has its answer or gave up.
 */
export function changeAddresses(options: {
  readonly userdata: UserdataClient;
  readonly people: readonly ChaosPerson[];
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly stopped?: () => boolean;
}): Promise<ChangeAttempt[]> {
  const pool = new PersonPool(options.people);
  return openLoop({
    ratePerSecond: options.ratePerSecond,
    durationMs: options.durationMs,
    ...(options.stopped ? { stopped: options.stopped } : {}),
    send: async (index): Promise<Omit<ChangeAttempt, 'scheduledAt'>> => {
      const seq = index + 1;
      const address = chaosAddress(seq);
      const person = pool.take();
      if (!person) return { seq, address };
      try {
        const response = await options.userdata.tryToChange(person.id, { address });
        const retryAfter = response.headers.get('retry-after');
        const code = (response.body as { code?: unknown } | null)?.code;
        return {
          seq,
          address,
          person,
          answeredAt: Date.now(),
          status: response.status,
          contentType: response.contentType,
          ...(retryAfter === null ? {} : { retryAfter }),
          ...(typeof code === 'string' ? { code } : {}),
        };
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        return { seq, address, person, answeredAt: Date.now(), status: 0, error: code ?? message ?? String(error) };
      } finally {
        pool.give(person);
      }
    },
  });
}
