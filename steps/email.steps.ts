import assert from 'node:assert/strict';
import { type DataTable, defineParameterType, Then } from '@cucumber/cucumber';
import {
  detailsUpdated,
  detailsUpdatedWhateverTheSubjectEnds,
  emailAddressChanged,
  welcome,
} from '../support/specs/mailboxes';
import type { CdcWorld } from '../support/specs/world';

/** Whose emails: `Ana` (the address Ana has now), `Ana's new address` (the same), `Ana's old address`. */
defineParameterType({ name: 'mailbox', regexp: /[A-Z]\w*(?:'s (?:old|new) address)?/, transformer: (text) => text });

Then('{word} receives a welcome email', async function (this: CdcWorld, name: string) {
  const { user } = this.people.person(name);
  const email = await this.mail.waitFor(name, welcome);
  assert.deepEqual(email.to, [user.email.toLowerCase()]);
  assert.equal(email.subject, `Welcome, ${user.name}`);
});

Then('{word} receives an email saying their details were updated', async function (this: CdcWorld, name: string) {
  const { user } = this.people.person(name);
  const email = await this.mail.waitFor(name, detailsUpdated);
  assert.deepEqual(email.to, [user.email.toLowerCase()]);
});

Then(
  'that email shows the {word} changed from {string} to {string}',
  function (this: CdcWorld, field: string, from: string, to: string) {
    assert.match(
      this.mail.thatEmail.text,
      new RegExp(`${field}: "${escapeRegExp(from)}" → "${escapeRegExp(to)}"`, 'i'),
    );
  },
);

Then('that email shows the email address changed from the old one to the new one', function (this: CdcWorld) {
  const email = this.mail.thatEmail;
  const [, oldAddress] = /Email address: "([^"]+)" →/.exec(email.text) ?? [];
  assert.ok(oldAddress, `the email names no old address:\n${email.text}`);
  const newAddress = email.to[0] ?? '';
  assert.match(
    email.text,
    new RegExp(`Email address: "${escapeRegExp(oldAddress)}" → "${escapeRegExp(newAddress)}"`, 'i'),
  );
  assert.notEqual(oldAddress.toLowerCase(), newAddress);
});

Then(
  '{word} receives an email showing both changed to {string}, exactly as typed',
  async function (this: CdcWorld, name: string, value: string) {
    const { previous } = this.people.person(name);
    const email = await this.mail.waitFor(name, detailsUpdatedWhateverTheSubjectEnds);
    const before = previous ?? { name, address: `${name}'s first address, 1` };
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
  },
);

Then('that email lists the address {string}', function (this: CdcWorld, address: string) {
  assert.match(this.mail.thatEmail.text, new RegExp(`Address: ${escapeRegExp(address)}$`, 'm'));
});

Then(
  "{word}'s old address is told that the email address was changed to the new one",
  async function (this: CdcWorld, name: string) {
    const oldAddress = this.people.mailbox(`${name}'s old address`);
    const newAddress = this.people.mailbox(name);
    const email = await this.mail.waitFor(`${name}'s old address`, emailAddressChanged);
    assert.deepEqual(email.to, [oldAddress.toLowerCase()]);
    assert.match(
      email.text,
      new RegExp(`changed from ${escapeRegExp(oldAddress)} to ${escapeRegExp(newAddress)}\\.`, 'i'),
    );
  },
);

/**
 * Exactly these emails, each once, and nothing else: once the pipeline has caught up, push-email has committed
 * every change captured so far, and commits only after the mail server accepted the email, so whatever was going to
 * arrive has arrived.
 */
Then(
  'in the end {mailbox} has received exactly these emails:',
  { timeout: 90_000 },
  async function (this: CdcWorld, mailbox: string, subjects: DataTable) {
    await this.pipeline.untilCaughtUp();
    assert.deepEqual(
      this.mail.subjectsReceivedBy(mailbox),
      subjects
        .raw()
        .map(([subject]) => subject ?? '')
        .sort(),
    );
  },
);

Then(
  'in the end the mailboxes have received exactly these emails:',
  { timeout: 90_000 },
  async function (this: CdcWorld, table: DataTable) {
    await this.pipeline.untilCaughtUp();
    const expected = table.hashes().map(({ mailbox = '', emails = '' }) => ({
      mailbox,
      subjects: emails
        .split(';')
        .map((subject) => subject.trim())
        .filter(Boolean)
        .sort(),
    }));
    const received = expected.map(({ mailbox }) => ({ mailbox, subjects: this.mail.subjectsReceivedBy(mailbox) }));
    assert.deepEqual(received, expected);
  },
);

/** The value as the HTML part must show it: every character that could be markup written as an entity. */
function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#x27;',
    '`': '&#x60;',
    '=': '&#x3D;',
  };
  return text.replace(/[&<>"'`=]/g, (char) => entities[char] ?? char);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
