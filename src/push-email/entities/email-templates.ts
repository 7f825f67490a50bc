import type { Email } from './email';
import type { Notification } from './notification-policy';
import type { TrackedField } from './user-change';

const fieldLabels: Record<TrackedField, string> = { name: 'Name', email: 'Email address', address: 'Address' };

/** Renders a notification as the email the person receives. */
export function renderEmail(notification: Notification): Email {
  switch (notification.kind) {
    case 'welcome':
      return {
        to: notification.to,
        subject: `Welcome, ${notification.user.name}`,
        text: [
          `Hello ${notification.user.name},`,
          '',
          'Your registration is complete. These are the details we keep for you:',
          `- ${fieldLabels.name}: ${notification.user.name}`,
          `- ${fieldLabels.email}: ${notification.user.email}`,
          `- ${fieldLabels.address}: ${notification.user.address}`,
          '',
          'We will write to you whenever they change.',
        ].join('\n'),
      };
    case 'details-changed':
      return {
        to: notification.to,
        subject: 'Your details were updated',
        text: [
          `Hello ${notification.user.name},`,
          '',
          'These details of yours were changed:',
          ...notification.changes.map(({ field, from, to }) => `- ${fieldLabels[field]}: "${from}" → "${to}"`),
          '',
          'If you did not make this change, reply to this email at once.',
        ].join('\n'),
      };
  }
}
