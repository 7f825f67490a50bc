/**
 * Why a record could not be handled, and whether trying again can help. Every failure push-email meets is one of
 * these, decided in one place (classifyFailure), so that the consumer only asks "permanent or transient?":
 * transient failures are retried without limit while the partition waits; permanent ones are set aside as dead
 * letters, and the partition goes on.
 */
export type FailureStep = 'read' | 'policy' | 'render' | 'delivery-log' | 'send' | 'dead-letter' | 'consume';

export const permanentReasons = [
  /** The record is not JSON. */
  'not-json',
  /** JSON, but not a Debezium change event. */
  'not-a-change-event',
  /** A change event of another table than the captured users table. */
  'other-table',
  /** A users row without a field the notification policy needs. */
  'missing-fields',
  /** The address to write to is not one plain email address. */
  'invalid-recipient',
  /** The templates cannot render this notification. */
  'unrenderable',
  /** The mail server refused the recipient for good (5xx to RCPT TO). */
  'recipient-refused',
  /** The mail server refused the message for good (5xx to DATA or to the message). */
  'message-refused',
] as const;

export const transientReasons = [
  /** No connection, a dropped connection, or a timeout. */
  'mail-server-unavailable',
  /** A 4xx reply: the mail server asks to try again later. */
  'mail-server-deferred',
  /** A 5xx reply to the session itself (greeting, EHLO, AUTH, MAIL FROM): it would refuse everyone's email alike. */
  'mail-server-refused-session',
  /** push-email's own database did not answer or refused the statement. */
  'database-unavailable',
  /** The dead-letter topic could not be written. */
  'dead-letter-topic-unavailable',
  /** Anything not recognised: retried, because setting it aside could lose an email that retrying would send. */
  'unexpected',
] as const;

export type PermanentReason = (typeof permanentReasons)[number];
export type TransientReason = (typeof transientReasons)[number];
export type FailureReason = PermanentReason | TransientReason;

export class DeliveryFailure extends Error {
  override name = 'DeliveryFailure';
  readonly permanent: boolean;

  constructor(
    readonly reason: FailureReason,
    readonly step: FailureStep,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.permanent = (permanentReasons as readonly string[]).includes(reason);
  }
}

/** What the SMTP client tells of a failure: the reply code and the command it answered, when there was a reply. */
interface SmtpErrorShape {
  readonly code?: string;
  readonly command?: string;
  readonly responseCode?: number;
}

/**
 * The one place where a failure is judged permanent or transient. Reading, applying the policy and rendering are
 * deterministic: whatever failed there fails again on every try, so it is permanent. Sending and the databases are
 * I/O: only a refusal of this very email (a 5xx to its recipient or its content, RFC 5321's "permanent negative
 * completion") is permanent; anything else, unknown errors included, is transient.
 */
export function classifyFailure(error: unknown, step: FailureStep): DeliveryFailure {
  if (error instanceof DeliveryFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const wrap = (reason: FailureReason) => new DeliveryFailure(reason, step, message, { cause: error });
  switch (step) {
    case 'read':
      return wrap(readReason(error));
    case 'policy':
      return wrap('invalid-recipient');
    case 'render':
      return wrap('unrenderable');
    case 'send':
      return wrap(smtpReason((error ?? {}) as SmtpErrorShape));
    case 'delivery-log':
      return wrap('database-unavailable');
    case 'dead-letter':
      return wrap('dead-letter-topic-unavailable');
    case 'consume':
      return wrap('unexpected');
  }
}

function readReason(error: unknown): PermanentReason {
  const reason = (error as { reason?: unknown } | null)?.reason;
  return (permanentReasons as readonly unknown[]).includes(reason) ? (reason as PermanentReason) : 'not-a-change-event';
}

function smtpReason({ code, command, responseCode }: SmtpErrorShape): FailureReason {
  // Refused by the client before anything was sent: the same email would be refused again.
  if (command === 'API') return code === 'EENVELOPE' ? 'invalid-recipient' : 'message-refused';
  if (responseCode === undefined) {
    // Larger than the size the server announced: known before sending, and the same on every try.
    return code === 'EMESSAGE' ? 'message-refused' : 'mail-server-unavailable';
  }
  // 503 is "bad sequence of commands": the session's state, not this email, so a new session may succeed.
  const refusedForGood = responseCode >= 500 && responseCode !== 503;
  if (!refusedForGood) return responseCode >= 400 ? 'mail-server-deferred' : 'mail-server-unavailable';
  if (command === 'RCPT TO') return 'recipient-refused';
  if (command === 'DATA') return 'message-refused';
  return 'mail-server-refused-session';
}
