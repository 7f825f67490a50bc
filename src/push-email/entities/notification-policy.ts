import { changedFields, type FieldChange, type UserChange, type UserRow } from './user-change';

/** What a person is told about a change of their data. */
export type Notification =
  | { readonly kind: 'welcome'; readonly to: string; readonly user: UserRow }
  | {
      readonly kind: 'details-changed';
      readonly to: string;
      readonly user: UserRow;
      readonly changes: readonly FieldChange[];
    };

/**
 * The notification policy, in one place:
 * - a created user is welcomed;
 * - an updated user is told which tracked fields changed (old → new), at the address in the new row;
 * - an update that changed no tracked field, a delete, and a snapshot read tell nobody anything.
 */
export function notificationsFor(change: UserChange): Notification[] {
  switch (change.kind) {
    case 'created':
      return [{ kind: 'welcome', to: change.after.email, user: change.after }];
    case 'updated': {
      const changes = changedFields(change.before, change.after);
      if (changes.length === 0) return [];
      return [{ kind: 'details-changed', to: change.after.email, user: change.after, changes }];
    }
    case 'deleted':
    case 'snapshot':
      return [];
  }
}
