/** An email ready to hand to a mail server. */
export interface Email {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Derived from the change and the notification: a replay of the same change carries the same Message-ID. */
  readonly messageId: string;
}
