import assert from 'node:assert/strict';
import type { DataTable } from '@cucumber/cucumber';
import type { UserDetails } from '../../drivers/userdata-client';
import type { ReceivedMessage } from '../../mail/inbox';
import type { Mailboxes } from '../mailboxes';
import { escapeHtml, escapeRegExp } from './text';

/** The email went to this address and to no one else. */
export function assertAddressedTo(email: ReceivedMessage, address: string): void {
  assert.deepEqual(email.to, [address.toLowerCase()]);
}

/** A welcome to this person alone, greeting them by the name they registered with. */
export function assertWelcomes(email: ReceivedMessage, person: UserDetails): void {
  assertAddressedTo(email, person.email);
  assert.equal(email.subject, `Welcome, ${person.name}`);
}

/** The text part shows the detail (`address`, `name`) going from one value to the other, in any case. */
export function assertShowsChange(email: ReceivedMessage, detail: string, from: string, to: string): void {
  assert.match(email.text, new RegExp(`${detail}: "${escapeRegExp(from)}" → "${escapeRegExp(to)}"`, 'i'));
}

/** The text part shows the email address going from some other address to the one the email was sent to. */
export function assertShowsEmailAddressChange(email: ReceivedMessage): void {
  const [, oldAddress] = /Email address: "([^"]+)" →/.exec(email.text) ?? [];
  assert.ok(oldAddress, `the email names no old address:\n${email.text}`);
  const newAddress = email.to[0] ?? '';
  assertShowsChange(email, 'Email address', oldAddress, newAddress);
  assert.notEqual(oldAddress.toLowerCase(), newAddress);
}

/** The text part lists the address as the one kept for the person. */
export function assertListsAddress(email: ReceivedMessage, address: string): void {
  assert.match(email.text, new RegExp(`Address: ${escapeRegExp(address)}$`, 'm'));
}

/**
 * The email about a change of both name and address to `value` shows `value` exactly as typed: in the greeting and
 * both lines of the text part, character for character, and in the HTML part escaped, so never read as markup.
 */
export function assertShowsBothAsTyped(email: ReceivedMessage, before: UserDetails, value: string): void {
  assert.equal(email.subject, 'Your details were updated');
  assert.ok(email.text.startsWith(`Hello ${value},\n`), `the greeting is not "Hello ${value},":\n${email.text}`);
  for (const line of [`- Name: "${before.name}" → "${value}"`, `- Address: "${before.address}" → "${value}"`]) {
    assert.ok(email.text.includes(`${line}\n`), `the text part lacks the line ${line}:\n${email.text}`);
  }
  const escaped = escapeHtml(value);
  assert.ok(
    email.html.includes(`<p>Hello ${escaped},</p>`) && email.html.includes(`&rarr; &ldquo;${escaped}&rdquo;`),
    `the HTML part does not show ${JSON.stringify(value)} escaped, as ${JSON.stringify(escaped)}:\n${email.html}`,
  );
}

/** The notice went to the old address alone, and names both the old and the new address. */
export function assertTellsOfEmailAddressChange(email: ReceivedMessage, oldAddress: string, newAddress: string): void {
  assertAddressedTo(email, oldAddress);
  assert.match(
    email.text,
    new RegExp(`changed from ${escapeRegExp(oldAddress)} to ${escapeRegExp(newAddress)}\\.`, 'i'),
  );
}

/** The mailbox received exactly the emails the table lists, one subject a row, each once: in any order. */
export function assertHasReceivedExactly(mail: Mailboxes, mailbox: string, subjects: DataTable): void {
  const expected = subjects.raw().map(([subject]) => subject ?? '');
  assert.deepEqual(mail.subjectsReceivedBy(mailbox), expected.sort());
}

/**
 * Each mailbox of the table (columns `mailbox` and `emails`, the subjects separated by `;`) received exactly those
 * emails, each once, in any order; all mailboxes are compared at once so that a failure shows every one of them.
 */
export function assertMailboxesHaveReceivedExactly(mail: Mailboxes, table: DataTable): void {
  const expected = table.hashes().map(({ mailbox = '', emails = '' }) => ({
    mailbox,
    subjects: emails
      .split(';')
      .map((subject) => subject.trim())
      .filter(Boolean)
      .sort(),
  }));
  const received = expected.map(({ mailbox }) => ({ mailbox, subjects: mail.subjectsReceivedBy(mailbox) }));
  assert.deepEqual(received, expected);
}
