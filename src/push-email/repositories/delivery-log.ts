/** One email that a mail server accepted. */
export interface Delivery {
  readonly id: string;
  readonly messageId: string;
  readonly recipient: string;
  readonly kind: string;
}

/**
 * What has been delivered, by delivery id (one per change and kind of notification): a replayed change finds its
 * emails here and sends nothing again.
 */
export interface DeliveryLog {
  wasDelivered(id: string): Promise<boolean>;
  /** Idempotent: recording the same delivery twice keeps one. */
  record(delivery: Delivery): Promise<void>;
}
