import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import { DeliveryFailure } from './delivery-failure';
import type { Email } from './email';
import { recipientAddress } from './email-address';
import type { Notification, NotificationKind } from './notification-policy';
import type { TrackedField } from './user-change';

/** The wording of one kind of email, as written in the template files: a subject line, a text part, an HTML part. */
export interface EmailTemplateSource {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

type Render = (values: TemplateValues) => string;
type TemplateValues = Readonly<Record<string, unknown>>;

/** The templates of every kind of email, compiled once and checked at start-up. */
export type EmailTemplates = Readonly<Record<NotificationKind, { subject: Render; text: Render; html: Render }>>;

const fieldLabels: Record<TrackedField, string> = { name: 'Name', email: 'Email address', address: 'Address' };

// An engine of our own, so that no helper or partial registered elsewhere can reach these templates.
const engine = Handlebars.create();

/**
 * Compiles the templates with Handlebars: one pass over the template, so a value is inserted and never read again
 * as template syntax (a name of `{{email}}` stays `{{email}}`); every value escaped in the HTML part and none in the
 * text parts; a value the template names but the notification lacks is an error (strict), never an empty string.
 * Each template is rendered once here with a sample of its kind, so a broken template stops push-email at start-up
 * rather than setting aside every email of that kind.
 */
export function compileEmailTemplates(
  sources: Readonly<Record<NotificationKind, EmailTemplateSource>>,
): EmailTemplates {
  const compile = (source: string, html: boolean): Render =>
    engine.compile(source, { strict: true, knownHelpersOnly: true, noEscape: !html, preventIndent: true });
  const templates = Object.fromEntries(
    Object.entries(sources).map(([kind, source]) => [
      kind,
      { subject: compile(source.subject, false), text: compile(source.text, false), html: compile(source.html, true) },
    ]),
  ) as unknown as EmailTemplates;
  for (const sample of samples) {
    for (const part of ['subject', 'text', 'html'] as const) {
      try {
        templates[sample.kind][part](valuesOf(sample));
      } catch (error) {
        throw new Error(
          `The ${part} template of "${sample.kind}" emails cannot be rendered: ${(error as Error).message}`,
        );
      }
    }
  }
  return templates;
}

/**
 * Renders a notification about one change as the email the person receives. Its Message-ID is derived from the
 * change's identity and the kind of notification, so every replay of the change yields the same Message-ID.
 * Throws a permanent DeliveryFailure when the recipient is not one plain address or the templates cannot render it.
 */
export function renderEmail(
  notification: Notification,
  templates: EmailTemplates,
  identity: { readonly changeId: string; readonly domain: string },
): Email {
  const to = recipientAddress(notification.to);
  const template = templates[notification.kind];
  try {
    const values = valuesOf(notification);
    return {
      to,
      // A header is one line, whatever a value holds: every run of white space (CR and LF included) becomes a space.
      subject: template.subject(values).replace(/\s+/g, ' ').trim(),
      text: template.text(values),
      html: template.html(values),
      messageId: messageIdOf(identity.changeId, notification.kind, identity.domain),
    };
  } catch (error) {
    throw new DeliveryFailure('unrenderable', 'render', (error as Error).message, { cause: error });
  }
}

/** The Message-ID of the email of this kind about this change: the same on every replay, unique per email. */
export function messageIdOf(changeId: string, kind: NotificationKind, domain: string): string {
  return `<${deliveryId(changeId, kind).slice(0, 40)}@${domain}>`;
}

/** One email per change and kind of notification: the key of the delivery log. */
export function deliveryId(changeId: string, kind: NotificationKind): string {
  return createHash('sha256').update(`${changeId}:${kind}`).digest('hex');
}

/** The values a template may show: text only, so a missing value is an error and not the word "undefined" or "". */
function valuesOf(notification: Notification): TemplateValues {
  const values = unchecked(notification);
  const check = (value: unknown, name: string): void => {
    if (typeof value === 'string') return;
    if (!Array.isArray(value)) throw new Error(`the value "${name}" is missing`);
    for (const item of value) for (const [key, field] of Object.entries(item)) check(field, `${name}.${key}`);
  };
  for (const [name, value] of Object.entries(values)) check(value, name);
  return values;
}

function unchecked(notification: Notification): TemplateValues {
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

const sampleUser = { id: 1, name: 'Sample', email: 'sample@example.invalid', address: 'Sample street, 1' };
const samples: readonly Notification[] = [
  { kind: 'welcome', to: sampleUser.email, user: sampleUser },
  {
    kind: 'details-changed',
    to: sampleUser.email,
    user: sampleUser,
    changes: [{ field: 'address', from: 'Old street, 1', to: sampleUser.address }],
  },
  { kind: 'email-replaced', to: 'old@example.invalid', user: sampleUser, previousEmail: 'old@example.invalid' },
];
