/** One email that a mail server accepted. */
export interface Delivery {
  readonly id: string;
  readonly messageId: string;
  readonly recipient: string;
  readonly kind: string;
}

/** One email that will never be sent as it is, set aside as a dead letter with the reason. */
export interface SetAside {
  readonly id: string;
  readonly recipient: string;
  readonly kind: string;
  readonly reason: string;
}

/** What became of an email before: sent, set aside, or nothing yet. */
export type PastOutcome = 'sent' | 'set-aside' | undefined;

/**
 * What has been done, by delivery id (one per change and kind of notification): a replayed change finds its emails
 * here, sent or set aside, and does nothing again. Batch-first: a batch of changes costs one lookup and one write.
 */
export interface DeliveryLog {
  /** The past outcome of each of these ids that has one; an id absent from the map has none yet. */
  outcomesOf(ids: readonly string[]): Promise<ReadonlyMap<string, Exclude<PastOutcome, undefined>>>;
  /** Idempotent: recording the same delivery twice keeps one. */
  record(deliveries: readonly Delivery[]): Promise<void>;
  /** Idempotent, like record(). */
  recordSetAside(entries: readonly SetAside[]): Promise<void>;
}
