import { changedFields, type FieldChange, type UserChange, type UserRow } from './user-change';

/** What a person is told about a change of their data. */
export type Notification =
  | { readonly kind: 'welcome'; readonly to: string; readonly user: UserRow }
  | {
      readonly kind: 'details-changed';
      readonly to: string;
      readonly user: UserRow;
      readonly changes: readonly FieldChange[];
    }
  | {
      /** A security notice to the address that was replaced, naming the new one. */
      readonly kind: 'email-replaced';
      readonly to: string;
      readonly user: UserRow;
      readonly previousEmail: string;
    };

export type NotificationKind = Notification['kind'];

/**
 * The notification policy, in one place:
 * - a created user is welcomed at their address;
 * - an updated user is told which tracked fields changed (old → new), at the address in the new row;
 * - when the email address itself changed, the old address is told too, as a security notice;
 * - an update that changed no tracked field, a delete, a snapshot read tell nobody anything.
 */
export function notificationsFor(change: UserChange): Notification[] {
  switch (change.kind) {
    case 'created':
      return [{ kind: 'welcome', to: change.after.email, user: change.after }];
    case 'updated': {
      const changes = changedFields(change.before, change.after);
      if (changes.length === 0) return [];
      const notifications: Notification[] = [
        { kind: 'details-changed', to: change.after.email, user: change.after, changes },
      ];
      if (change.before.email.toLowerCase() !== change.after.email.toLowerCase()) {
        notifications.push({
          kind: 'email-replaced',
          to: change.before.email,
          user: change.after,
          previousEmail: change.before.email,
        });
      }
      return notifications;
    }
    case 'deleted':
    case 'snapshot':
      return [];
  }
}
