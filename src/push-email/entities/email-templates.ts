import { createHash } from 'node:crypto';
import type { Email } from './email';
import type { Notification, NotificationKind } from './notification-policy';
import { escapeHtml, noEscape, renderTemplate, type TemplateValues } from './template';
import type { TrackedField } from './user-change';

/** The wording of one kind of email: a subject line, a plain text part and an HTML part. */
export interface EmailTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export type EmailTemplates = Readonly<Record<NotificationKind, EmailTemplate>>;

const fieldLabels: Record<TrackedField, string> = { name: 'Name', email: 'Email address', address: 'Address' };

/**
 * Renders a notification about one change as the email the person receives. Its Message-ID is derived from the
 * change's identity and the kind of notification, so every replay of the change yields the same Message-ID.
 */
export function renderEmail(
  notification: Notification,
  templates: EmailTemplates,
  identity: { readonly changeId: string; readonly domain: string },
): Email {
  const template = templates[notification.kind];
  const values = valuesOf(notification);
  return {
    to: notification.to,
    // A subject is one line, whatever a value holds.
    subject: renderTemplate(template.subject, values, noEscape).replace(/\s+/g, ' ').trim(),
    text: renderTemplate(template.text, values, noEscape),
    html: renderTemplate(template.html, values, escapeHtml),
    messageId: `<${deliveryId(identity.changeId, notification.kind).slice(0, 40)}@${identity.domain}>`,
  };
}

/** One email per change and kind of notification: the key of the delivery log. */
export function deliveryId(changeId: string, kind: NotificationKind): string {
  return createHash('sha256').update(`${changeId}:${kind}`).digest('hex');
}

function valuesOf(notification: Notification): TemplateValues {
  const { user } = notification;
  const common = { name: user.name, email: user.email, address: user.address };
  switch (notification.kind) {
    case 'welcome':
      return common;
    case 'details-changed':
      return {
        ...common,
        changes: notification.changes.map(({ field, from, to }) => ({ label: fieldLabels[field], from, to })),
      };
    case 'email-replaced':
      return { ...common, previousEmail: notification.previousEmail };
  }
}
