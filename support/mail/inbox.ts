import { once } from 'node:events';
import { init, type MailServer } from 'smtp-tester';
import { eventually } from '../lib/eventually';
import { assertPortFree } from '../lib/free-ports';

export interface ReceivedMessage {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  /** The HTML part as sent; '' when there was none. */
  readonly html: string;
  /** The Message-ID header as sent (with its angle brackets); '' when the message had none. */
  readonly messageId: string;
  /** When the server accepted it (epoch ms): what the benchmark measures latencies to. */
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, unknown>>;
}

/**
 * A real SMTP server (smtp-tester) that keeps every message it accepts, for the specs to read. It can go down (its
 * port refuses connections) and come back on the same port, keeping the messages received before.
 */
export class Inbox {
  private readonly received: ReceivedMessage[] = [];
  /** The server listening now; undefined while the mail server is down. */
  private server: MailServer | undefined;
  /** Errors of client connections, as smtp-server reported them. */
  readonly connectionErrors: string[] = [];
  /** Recipients refused for good, with the reply they get to RCPT TO. */
  private readonly refusals = new Map<string, string>();
  /** How many times each refused recipient was asked for (RCPT TO), to tell whether a sender tried again. */
  private readonly refusedAttempts = new Map<string, number>();

  private constructor(
    readonly port: number,
    private readonly relay: ((message: RawMessage) => void) | undefined,
  ) {}

  /** `relay`, when given, is handed each message as received (MailDev shows them to a person in `npm start`). */
  static async start(port: number, relay?: (message: RawMessage) => void): Promise<Inbox> {
    await assertPortFree(port, 'SMTP_PORT');
    const inbox = new Inbox(port, relay);
    await inbox.listen();
    return inbox;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /**
   * Stops accepting connections, as a mail server that went down: senders get "connection refused". A session in
   * progress may finish (smtp-server's close waits for it), so no message is cut off between acceptance and reply.
   */
  async goDown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.stop(() => resolve()));
  }

  /**
   * From now on answers RCPT TO for `address` with a permanent 550, as a mail server that knows no such mailbox:
   * nothing sent to it is accepted, and a sender that tries again gets the same answer.
   */
  refuse(address: string, reply = '5.1.1 No such user here'): void {
    this.refusals.set(address.toLowerCase(), reply);
  }

  /** Accepts `address` again, as once its mailbox exists. */
  accept(address: string): void {
    this.refusals.delete(address.toLowerCase());
  }

  /** Accepts every recipient again, as after each scenario. */
  refuseNoOne(): void {
    this.refusals.clear();
  }

  /** How many times a refused recipient was asked for. */
  refusedAttemptsFor(address: string): number {
    return this.refusedAttempts.get(address.toLowerCase()) ?? 0;
  }

  /** Listens again on the same port; the messages received before are kept. */
  async comeBack(): Promise<void> {
    if (this.server) return;
    await assertPortFree(this.port, 'SMTP_PORT (the inbox coming back)');
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = init(this.port);
    // Going down closes the connections still open after this grace (smtp-server's default is 30 s): a transaction
    // in progress finishes well within it, an idle pooled connection of push-email's is dropped, as a real outage would.
    (server.smtpServer as unknown as { options: { closeTimeout: number } }).options.closeTimeout = 500;
    // smtp-server re-emits a client's connection errors (a sender killed mid-transaction resets the connection):
    // unheard, such an 'error' would end the whole test run. They are the sender's trouble, kept for diagnosis.
    server.smtpServer.on('error', (error: Error) => this.connectionErrors.push(error.message));
    const listening = server.smtpServer.server;
    if (!listening.listening) {
      // 'error' (the port was taken meanwhile) rejects: once() turns it into a thrown error.
      await once(listening, 'listening');
    }
    // smtp-tester accepts every recipient; a refused one is answered here, before the message is sent at all.
    server.smtpServer.onRcptTo = (address, _session, callback) => {
      const wanted = address.address.toLowerCase();
      const reply = this.refusals.get(wanted);
      if (reply === undefined) return callback();
      this.refusedAttempts.set(wanted, (this.refusedAttempts.get(wanted) ?? 0) + 1);
      callback(Object.assign(new Error(reply), { responseCode: 550 }));
    };
    server.bind((_address, id, email) => {
      // smtp-tester would keep each message for the life of the process: it is kept here, parsed, once.
      server.remove(id);
      this.received.push(toMessage(email));
      this.relay?.({ from: email.sender, to: Object.keys(email.receivers), raw: email.data });
    });
    this.server = server;
  }

  /** Every message accepted so far, in order. */
  all(): readonly ReceivedMessage[] {
    return this.received;
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
    return this.goDown();
  }
}

/** A message as it came over SMTP: its envelope and its bytes. */
export interface RawMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
}

/** The part of smtp-tester's parsed email that the specs read (its bundled types name fields oddly). */
interface ParsedEmail {
  readonly data: string;
  readonly sender: string;
  readonly receivers: object;
  readonly headers: Record<string, unknown>;
  readonly body?: string;
  readonly html?: string | false;
}

function toMessage(email: ParsedEmail): ReceivedMessage {
  return {
    to: Object.keys(email.receivers).map((address) => address.toLowerCase()),
    from: email.sender,
    subject: String(email.headers.subject ?? ''),
    text: email.body ?? '',
    html: typeof email.html === 'string' ? email.html : '',
    messageId: String(email.headers['message-id'] ?? ''),
    receivedAt: Date.now(),
    headers: email.headers,
  };
}
