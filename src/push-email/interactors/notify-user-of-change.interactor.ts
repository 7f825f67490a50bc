import { classifyFailure, type DeliveryFailure, type FailureStep } from '../entities/delivery-failure';
import { deliveryId, type EmailTemplates, renderEmail } from '../entities/email-templates';
import { type Notification, type NotificationKind, notificationsFor } from '../entities/notification-policy';
import { changeIdentity, type UserChange, userIdOf } from '../entities/user-change';
import type { Delivery, DeliveryLog, PastOutcome, SetAside } from '../repositories/delivery-log';
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

/** One change of a batch, with what to do with the emails of it that can never be sent. */
export interface ChangeToNotify {
  readonly change: UserChange;
  readonly options: NotifyOptions;
}

/** What became of one change of a batch. */
export type BatchResult =
  | { readonly status: 'done'; readonly outcome: NotificationOutcome }
  /** Not done, and to be tried again (or set aside, when the failure is permanent). */
  | { readonly status: 'failed'; readonly failure: DeliveryFailure }
  /** Not tried: an earlier change of the same person, at index `behind`, failed, and must not be overtaken. */
  | { readonly status: 'held-back'; readonly behind: number };

/** The emails accepted and set aside while a batch runs, written to the delivery log in one go at its end. */
interface Accepted {
  readonly sent: Delivery[];
  readonly setAside: SetAside[];
}

/**
 * Tells people about changes of their data, as the notification policy says, exactly once per change and kind of
 * email as far as the delivery log can tell. A batch of changes costs one delivery-log lookup (every email of every
 * change) and one write (every email accepted or set aside), and the emails of different people go out concurrently
 * (up to `concurrency` people at a time), while each person's changes are told in the order given.
 *
 * The gap: an email the mail server accepted is recorded at the end of its batch, so a crash (or a delivery log that
 * fails) in between sends the batch's emails again on replay, with the same Message-IDs. A batch is the caller's
 * choice of size: that is the bound.
 *
 * An email that fails for good (classifyFailure) is set aside and the others of the change still go; a transient
 * failure fails the change (and holds back that person's later changes), so that it is tried again later, and what
 * was already sent is found in the delivery log then.
 */
export class NotifyUserOfChange {
  constructor(
    private readonly sender: EmailSender,
    private readonly deliveries: DeliveryLog,
    private readonly templates: EmailTemplates,
    private readonly messageIdDomain: string,
  ) {}

  /** One change: its outcome, or the failure thrown. */
  async execute(change: UserChange, options: NotifyOptions): Promise<NotificationOutcome> {
    const [result] = await this.executeAll([{ change, options }]);
    if (result?.status !== 'done') throw (result as { failure: DeliveryFailure }).failure;
    return result.outcome;
  }

  /** A batch of changes, in the order they were made: one result per change, in the same order. */
  async executeAll(items: readonly ChangeToNotify[], { concurrency = 1 } = {}): Promise<BatchResult[]> {
    const plans = items.map(({ change }) => planOf(change));
    const failAll = (failure: DeliveryFailure): BatchResult[] => items.map(() => ({ status: 'failed', failure }));
    let known: Map<string, PastOutcome>;
    try {
      known = new Map(
        await step('delivery-log', () =>
          this.deliveries.outcomesOf(plans.flatMap((plan) => plan.notifications.map(({ id }) => id))),
        ),
      );
    } catch (error) {
      return failAll(classifyFailure(error, 'delivery-log'));
    }
    const accepted: Accepted = { sent: [], setAside: [] };
    const results: BatchResult[] = new Array(items.length);
    // One person's changes are told in order, never two at once.
    const people = new Map<number, number[]>();
    items.forEach(({ change }, index) => {
      const indexes = people.get(userIdOf(change)) ?? [];
      indexes.push(index);
      people.set(userIdOf(change), indexes);
    });
    await eachLimited([...people.values()], concurrency, async (indexes) => {
      for (const [position, index] of indexes.entries()) {
        try {
          const item = items[index] as ChangeToNotify;
          const outcome = await this.notify(plans[index] as Plan, item.options, known, accepted);
          results[index] = { status: 'done', outcome };
        } catch (error) {
          results[index] = { status: 'failed', failure: classifyFailure(error, 'consume') };
          for (const later of indexes.slice(position + 1)) results[later] = { status: 'held-back', behind: index };
          return;
        }
      }
    });
    try {
      await step('delivery-log', async () => {
        await this.deliveries.record(accepted.sent);
        await this.deliveries.recordSetAside(accepted.setAside);
      });
    } catch (error) {
      // Nothing of the batch counts as done: it is tried again, and what was sent is sent again (the gap above).
      return failAll(classifyFailure(error, 'delivery-log'));
    }
    return results;
  }

  /** One change's emails: what the delivery log does not know of yet is sent, or set aside. */
  private async notify(
    { changeId, notifications }: Plan,
    options: NotifyOptions,
    known: Map<string, PastOutcome>,
    accepted: Accepted,
  ): Promise<NotificationOutcome> {
    let sent = 0;
    let alreadyDelivered = 0;
    let alreadySetAside = 0;
    const refused: RefusedEmail[] = [];
    for (const { id, notification } of notifications) {
      const before = known.get(id);
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
      accepted.sent.push({ id, messageId: email.messageId, recipient: email.to, kind: notification.kind });
      // The same change twice in one batch (a replay that caught up with its original) sends once.
      known.set(id, 'sent');
      sent++;
    }
    if (refused.length > 0) {
      await step('dead-letter', () => options.setAside(refused));
      for (const r of refused) {
        accepted.setAside.push({ id: r.deliveryId, recipient: r.recipient, kind: r.kind, reason: r.failure.reason });
        if (!known.has(r.deliveryId)) known.set(r.deliveryId, 'set-aside');
      }
    }
    return { sent, alreadyDelivered, alreadySetAside, setAside: refused };
  }
}

/** A change's identity and the emails the policy asks for, each with its delivery id. */
interface Plan {
  readonly changeId: string;
  readonly notifications: readonly { readonly id: string; readonly notification: Notification }[];
}

function planOf(change: UserChange): Plan {
  const changeId = changeIdentity(change);
  return {
    changeId,
    notifications: notificationsFor(change).map((notification) => ({
      id: deliveryId(changeId, notification.kind),
      notification,
    })),
  };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Runs one I/O step, turning whatever it throws into a classified failure that names the step. */
async function step<T>(name: FailureStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classifyFailure(error, name);
  }
}
