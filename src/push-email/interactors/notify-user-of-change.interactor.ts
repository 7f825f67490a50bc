import { classifyFailure, type DeliveryFailure, type FailureStep } from '../entities/delivery-failure';
import { deliveryId, type EmailTemplates, renderEmail } from '../entities/email-templates';
import { type NotificationKind, notificationsFor } from '../entities/notification-policy';
import { changeIdentity, type UserChange } from '../entities/user-change';
import type { DeliveryLog } from '../repositories/delivery-log';
import type { EmailSender } from '../repositories/email-sender';

/** An email of a change that can never be sent as it is, with the reason. */
export interface RefusedEmail {
  readonly deliveryId: string;
  readonly kind: NotificationKind;
  readonly recipient: string;
  readonly failure: DeliveryFailure;
}

export interface NotificationOutcome {
  /** Emails a mail server accepted now. */
  readonly sent: number;
  /** Emails of this change that the delivery log says were accepted before: a replay. */
  readonly alreadyDelivered: number;
  /** Emails of this change that were set aside before: a replay sends them no more than the first time. */
  readonly alreadySetAside: number;
  /** Emails refused for good now, and set aside. */
  readonly setAside: readonly RefusedEmail[];
}

export interface NotifyOptions {
  /**
   * Keeps the change, with the refused emails and why, where an operator finds it (the dead-letter topic). Called
   * before the delivery log records them as set aside: a crash in between sets the change aside twice, never loses it.
   */
  readonly setAside: (refused: readonly RefusedEmail[]) => Promise<void>;
  /** A dead letter replayed by an operator: the emails set aside before are tried again. */
  readonly replay?: boolean;
}

/**
 * Tells a person about a change of their data, as the notification policy says, exactly once per change and kind of
 * email as far as the delivery log can tell: each accepted email is recorded at once, and a replayed change finds
 * its emails there. The one gap: a crash after the mail server accepted an email and before it was recorded sends
 * that email again on replay, with the same Message-ID.
 *
 * An email that fails for good (classifyFailure) is set aside and the others of the change still go; a transient
 * failure rejects with a transient DeliveryFailure, so that the whole change is tried again later, and what was
 * already sent is found in the delivery log then.
 */
export class NotifyUserOfChange {
  constructor(
    private readonly sender: EmailSender,
    private readonly deliveries: DeliveryLog,
    private readonly templates: EmailTemplates,
    private readonly messageIdDomain: string,
  ) {}

  async execute(change: UserChange, options: NotifyOptions): Promise<NotificationOutcome> {
    const changeId = changeIdentity(change);
    let sent = 0;
    let alreadyDelivered = 0;
    let alreadySetAside = 0;
    const refused: RefusedEmail[] = [];
    for (const notification of notificationsFor(change)) {
      const id = deliveryId(changeId, notification.kind);
      const before = await step('delivery-log', () => this.deliveries.outcomeOf(id));
      if (before === 'sent') {
        alreadyDelivered++;
        continue;
      }
      if (before === 'set-aside' && !options.replay) {
        alreadySetAside++;
        continue;
      }
      const refuse = (failure: DeliveryFailure) =>
        refused.push({ deliveryId: id, kind: notification.kind, recipient: notification.to, failure });
      let email: ReturnType<typeof renderEmail>;
      try {
        email = renderEmail(notification, this.templates, { changeId, domain: this.messageIdDomain });
      } catch (error) {
        refuse(classifyFailure(error, 'render'));
        continue;
      }
      try {
        await this.sender.send(email);
      } catch (error) {
        const failure = classifyFailure(error, 'send');
        if (!failure.permanent) throw failure;
        refuse(failure);
        continue;
      }
      await step('delivery-log', () =>
        this.deliveries.record({ id, messageId: email.messageId, recipient: email.to, kind: notification.kind }),
      );
      sent++;
    }
    if (refused.length > 0) {
      await step('dead-letter', () => options.setAside(refused));
      await step('delivery-log', () =>
        this.deliveries.recordSetAside(
          refused.map((r) => ({ id: r.deliveryId, recipient: r.recipient, kind: r.kind, reason: r.failure.reason })),
        ),
      );
    }
    return { sent, alreadyDelivered, alreadySetAside, setAside: refused };
  }
}

/** Runs one I/O step, turning whatever it throws into a classified failure that names the step. */
async function step<T>(name: FailureStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classifyFailure(error, name);
  }
}
