import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileEmailTemplates, type EmailTemplateSource, type EmailTemplates } from '../entities/email-templates';
import type { NotificationKind } from '../entities/notification-policy';

export const templatesFolder = join(__dirname, '..', 'templates');

const kinds: readonly NotificationKind[] = ['welcome', 'details-changed', 'email-replaced'];

/**
 * Reads `<kind>.subject.txt`, `<kind>.txt` and `<kind>.html` for every kind of notification, once, at start-up, and
 * compiles them; a template that is missing or cannot render stops the start with a message naming it.
 */
export function loadEmailTemplates(folder: string = templatesFolder): EmailTemplates {
  const read = (file: string): string => readFileSync(join(folder, file), 'utf8');
  const sources = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      { subject: read(`${kind}.subject.txt`), text: read(`${kind}.txt`), html: read(`${kind}.html`) },
    ]),
  ) as Record<NotificationKind, EmailTemplateSource>;
  return compileEmailTemplates(sources);
}
