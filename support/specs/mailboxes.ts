import type { Inbox, ReceivedMessage } from '../mail/inbox';
import type { People, Person } from './people';

/** A kind of email a step waits for: how it is named in a timeout, and how it is recognised. */
export interface EmailKind {
  readonly what: string;
  readonly matches: (message: ReceivedMessage) => boolean;
}

export const welcome: EmailKind = { what: 'a welcome email', matches: (m) => m.subject.startsWith('Welcome') };
export const detailsUpdated: EmailKind = {
  what: 'an email about updated details',
  matches: (m) => m.subject === 'Your details were updated',
};
/** Recognised by how the subject starts, so that a subject garbled by what a person typed is reported, not awaited. */
export const detailsUpdatedWhateverTheSubjectEnds: EmailKind = {
  what: 'an email about updated details',
  matches: (m) => m.subject.startsWith('Your details were updated'),
};
export const emailAddressChanged: EmailKind = {
  what: 'an email saying the email address was changed',
  matches: (m) => m.subject === 'Your email address was changed',
};

/** An email of a quiet pipeline arrives in well under a second; past this, it is not coming. */
export const mailWithinMs = 10_000;

/**
 * What the mail server received, read by mailbox reference (`Ana`, `Ana's old address`, see People.mailbox). The
 * email the last wait found is "that email" of the steps that look into it.
 */
export class Mailboxes {
  private lastFound: ReceivedMessage | undefined;

  constructor(
    private readonly inbox: Inbox,
    private readonly people: People,
  ) {}

  /**
   * Waits for an email of this kind to arrive in the mailbox; it becomes "that email". Within the step's timeout
   * (hooks.ts), so that a missing email fails naming what did arrive, not as a step that timed out.
   */
  async waitFor(mailbox: string, kind: EmailKind): Promise<ReceivedMessage> {
    this.lastFound = await this.inbox.waitFor(this.people.mailbox(mailbox), kind.what, kind.matches, mailWithinMs);
    return this.lastFound;
  }

  /** Waits for the welcome email of each of `people`, exactly as addressed to their name. */
  async welcomeOfEach(people: readonly Person[]): Promise<void> {
    await Promise.all(
      people.map(({ user }) =>
        this.inbox.waitFor(user.email, welcome.what, (message) => message.subject === `Welcome, ${user.name}`),
      ),
    );
  }

  get thatEmail(): ReceivedMessage {
    if (!this.lastFound) throw new Error('No email was received yet in this scenario');
    return this.lastFound;
  }

  /** Every email the mailbox received so far, of a kind or of any. */
  received(mailbox: string, kind?: EmailKind): ReceivedMessage[] {
    const messages = this.inbox.messagesTo(this.people.mailbox(mailbox));
    return kind ? messages.filter(kind.matches) : messages;
  }

  /** The subjects of the emails the mailbox received, sorted: the order between different emails is not the point. */
  subjectsReceivedBy(mailbox: string, kind?: EmailKind): string[] {
    return this.received(mailbox, kind)
      .map((message) => message.subject)
      .sort();
  }

  /** How many of `people` have received at least one email of this kind. */
  howManyReceived(people: readonly Person[], kind: EmailKind): number {
    return people.filter(({ name }) => this.received(name, kind).length > 0).length;
  }

  /** How many times the mail server refused the mailbox as a recipient (RCPT TO). */
  timesRefused(mailbox: string): number {
    return this.inbox.refusedAttemptsFor(this.people.mailbox(mailbox));
  }
}
