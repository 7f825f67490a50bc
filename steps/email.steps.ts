import assert from 'node:assert/strict';
import { type DataTable, defineParameterType, Then } from '@cucumber/cucumber';
import type { CdcWorld } from '../support/specs/world';

/** Whose emails: `Ana` (the address Ana has now), `Ana's new address` (the same), `Ana's old address`. */
defineParameterType({ name: 'mailbox', regexp: /[A-Z]\w*(?:'s (?:old|new) address)?/, transformer: (text) => text });

Then('{word} receives a welcome email', async function (this: CdcWorld, name: string) {
  const { user } = this.person(name);
  this.lastEmail = await this.inbox.waitFor(user.email, 'a welcome email', (m) => m.subject.startsWith('Welcome'));
  assert.deepEqual(this.lastEmail.to, [user.email.toLowerCase()]);
  assert.equal(this.lastEmail.subject, `Welcome, ${user.name}`);
});

Then('{word} receives an email saying their details were updated', async function (this: CdcWorld, name: string) {
  const { user } = this.person(name);
  this.lastEmail = await this.inbox.waitFor(
    user.email,
    'an email about updated details',
    (m) => m.subject === 'Your details were updated',
  );
  assert.deepEqual(this.lastEmail.to, [user.email.toLowerCase()]);
});

Then(
  'that email shows the {word} changed from {string} to {string}',
  function (this: CdcWorld, field: string, from: string, to: string) {
    assert.match(this.email.text, new RegExp(`${field}: "${escapeRegExp(from)}" → "${escapeRegExp(to)}"`, 'i'));
  },
);

Then('that email shows the email address changed from the old one to the new one', function (this: CdcWorld) {
  const [, oldAddress] = /Email address: "([^"]+)" →/.exec(this.email.text) ?? [];
  assert.ok(oldAddress, `the email names no old address:\n${this.email.text}`);
  const newAddress = this.email.to[0] ?? '';
  assert.match(
    this.email.text,
    new RegExp(`Email address: "${escapeRegExp(oldAddress)}" → "${escapeRegExp(newAddress)}"`, 'i'),
  );
  assert.notEqual(oldAddress.toLowerCase(), newAddress);
});

Then(
  '{word} receives an email showing both changed to {string}, exactly as typed',
  async function (this: CdcWorld, name: string, value: string) {
    const { user, readBefore } = this.person(name);
    const email = await this.inbox.waitFor(user.email, 'an email about updated details', (m) =>
      m.subject.startsWith('Your details were updated'),
    );
    const before = readBefore ?? { name, address: `${name}'s first address, 1` };
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
  assert.match(this.email.text, new RegExp(`Address: ${escapeRegExp(address)}$`, 'm'));
});

Then(
  "{word}'s old address is told that the email address was changed to the new one",
  async function (this: CdcWorld, name: string) {
    const oldAddress = this.mailbox(`${name}'s old address`);
    const newAddress = this.person(name).user.email;
    this.lastEmail = await this.inbox.waitFor(
      oldAddress,
      'an email saying the email address was changed',
      (m) => m.subject === 'Your email address was changed',
    );
    assert.deepEqual(this.lastEmail.to, [oldAddress.toLowerCase()]);
    assert.match(
      this.email.text,
      new RegExp(`changed from ${escapeRegExp(oldAddress)} to ${escapeRegExp(newAddress)}\\.`, 'i'),
    );
  },
);

/**
 * Exactly these emails, each once, and nothing else: once the pipeline has caught up (settle), push-email has
 * committed every change captured so far, and commits only after the mail server accepted the email, so whatever
 * was going to arrive has arrived.
 */
Then(
  'in the end {mailbox} has received exactly these emails:',
  { timeout: 90_000 },
  async function (this: CdcWorld, mailbox: string, subjects: DataTable) {
    await this.settle();
    assert.deepEqual(
      receivedSubjects(this, mailbox),
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
    await this.settle();
    const expected = table.hashes().map(({ mailbox = '', emails = '' }) => ({
      mailbox,
      subjects: emails
        .split(';')
        .map((subject) => subject.trim())
        .filter(Boolean)
        .sort(),
    }));
    const received = expected.map(({ mailbox }) => ({ mailbox, subjects: receivedSubjects(this, mailbox) }));
    assert.deepEqual(received, expected);
  },
);

/** The subjects of every email the mailbox received, sorted (the order between different emails is not the point). */
function receivedSubjects(world: CdcWorld, mailbox: string): string[] {
  return world.inbox
    .messagesTo(world.mailbox(mailbox))
    .map((message) => message.subject)
    .sort();
}

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
