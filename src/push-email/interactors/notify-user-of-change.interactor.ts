import { deliveryId, type EmailTemplates, renderEmail } from '../entities/email-templates';
import { notificationsFor } from '../entities/notification-policy';
import { changeIdentity, type UserChange } from '../entities/user-change';
import type { DeliveryLog } from '../repositories/delivery-log';
import type { EmailSender } from '../repositories/email-sender';

export interface NotificationOutcome {
  /** Emails a mail server accepted now. */
  readonly sent: number;
  /** Emails of this change that the delivery log says were accepted before: a replay. */
  readonly alreadyDelivered: number;
}

/**
 * Tells a person about a change of their data, as the notification policy says, exactly once per change and kind of
 * email as far as the delivery log can tell: each accepted email is recorded at once, and a replayed change finds
 * its emails there. The one gap: a crash after the mail server accepted an email and before it was recorded sends
 * that email again on replay, with the same Message-ID.
 */
export class NotifyUserOfChange {
  constructor(
    private readonly sender: EmailSender,
    private readonly deliveries: DeliveryLog,
    private readonly templates: EmailTemplates,
    private readonly messageIdDomain: string,
  ) {}

  async execute(change: UserChange): Promise<NotificationOutcome> {
    const changeId = changeIdentity(change);
    let sent = 0;
    let alreadyDelivered = 0;
    for (const notification of notificationsFor(change)) {
      const id = deliveryId(changeId, notification.kind);
      if (await this.deliveries.wasDelivered(id)) {
        alreadyDelivered++;
        continue;
      }
      const email = renderEmail(notification, this.templates, { changeId, domain: this.messageIdDomain });
      await this.sender.send(email);
      await this.deliveries.record({ id, messageId: email.messageId, recipient: email.to, kind: notification.kind });
      sent++;
    }
    return { sent, alreadyDelivered };
  }
}
