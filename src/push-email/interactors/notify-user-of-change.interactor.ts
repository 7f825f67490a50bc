import { renderEmail } from '../entities/email-templates';
import { notificationsFor } from '../entities/notification-policy';
import type { UserChange } from '../entities/user-change';
import type { EmailSender } from '../repositories/email-sender';

/** Tells a person about a change of their data, as the notification policy says; returns how many emails went. */
export class NotifyUserOfChange {
  constructor(private readonly sender: EmailSender) {}

  async execute(change: UserChange): Promise<number> {
    const emails = notificationsFor(change).map(renderEmail);
    for (const email of emails) await this.sender.send(email);
    return emails.length;
  }
}
