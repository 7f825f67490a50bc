import { eventually } from '../lib/eventually';
import { type LedgerEmail, newAddressesIn } from './ledger';
import { seqOfAddress } from './load';

/**
 * Waits until an email tells of a change numbered `firstSeq` or later: changes made since a fault ended flow end to
 * end again (userdata, the database's binlog, Debezium, Kafka, push-email, SMTP). `emails()` only grows: each poll
 * reads the emails that came since the one before.
 */
export async function untilEmailedFrom(
  emails: () => readonly LedgerEmail[],
  firstSeq: number,
  timeoutMs: number,
): Promise<void> {
  let read = 0;
  let newest = 0;
  await eventually(
    () => {
      const all = emails();
      for (; read < all.length; read++) {
        for (const address of newAddressesIn(all[read] as LedgerEmail))
          newest = Math.max(newest, seqOfAddress(address) ?? 0);
      }
      return newest >= firstSeq ? true : undefined;
    },
    {
      awaiting: `an email about change ${firstSeq} or later`,
      timeoutMs,
      intervalMs: 100,
      lastSeen: () => `the newest change emailed: ${newest}`,
    },
  );
}
