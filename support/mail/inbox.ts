import { init, type MailServer } from 'smtp-tester';
import { eventually } from '../lib/eventually';
import { assertPortFree } from '../lib/ports';

export interface ReceivedMessage {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, unknown>>;
}

/** A real SMTP server (smtp-tester) that keeps every message it accepts, for the specs to read. */
export class Inbox {
  private readonly received: ReceivedMessage[] = [];

  private constructor(
    private readonly server: MailServer,
    readonly port: number,
  ) {
    server.bind((_address, _id, email) => this.received.push(toMessage(email)));
  }

  static async start(port: number): Promise<Inbox> {
    await assertPortFree(port, 'SMTP_PORT');
    return new Inbox(init(port), port);
  }

  messagesTo(address: string): ReceivedMessage[] {
    const wanted = address.toLowerCase();
    return this.received.filter((message) => message.to.includes(wanted));
  }

  /** Waits for a message to `address` that `matches`; on timeout, says what did arrive for that address. */
  waitFor(
    address: string,
    what: string,
    matches: (message: ReceivedMessage) => boolean,
    timeoutMs = 30_000,
  ): Promise<ReceivedMessage> {
    return eventually(() => this.messagesTo(address).find(matches), {
      awaiting: `${what} to arrive for ${address}`,
      timeoutMs,
      intervalMs: 25,
      lastSeen: () => {
        const subjects = this.messagesTo(address).map((message) => `"${message.subject}"`);
        return subjects.length
          ? `${subjects.length} message(s): ${subjects.join(', ')}`
          : 'no message for that address';
      },
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.stop(() => resolve()));
  }
}

/** The part of smtp-tester's parsed email that the specs read (its bundled types name fields oddly). */
interface ParsedEmail {
  readonly sender: string;
  readonly receivers: object;
  readonly headers: Record<string, unknown>;
  readonly body?: string;
}

function toMessage(email: ParsedEmail): ReceivedMessage {
  return {
    to: Object.keys(email.receivers).map((address) => address.toLowerCase()),
    from: email.sender,
    subject: String(email.headers.subject ?? ''),
    text: email.body ?? '',
    headers: email.headers,
  };
}
