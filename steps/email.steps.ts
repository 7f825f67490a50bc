import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import type { CdcWorld } from '../support/cucumber/world';

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

Then('that email lists the address {string}', function (this: CdcWorld, address: string) {
  assert.match(this.email.text, new RegExp(`Address: ${escapeRegExp(address)}$`, 'm'));
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
