import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEmailTemplates } from '../data-sources/file-email-templates';
import { deliveryId, renderEmail } from './email-templates';

const ana = { id: 7, name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };
const templates = loadEmailTemplates();
const identity = { changeId: 'c0ffee', domain: 'userdata.invalid' };

describe('email templates', () => {
  it('renders a welcome with every detail kept, in text and HTML', () => {
    const email = renderEmail({ kind: 'welcome', to: ana.email, user: ana }, templates, identity);
    assert.equal(email.to, 'ana@example.test');
    assert.equal(email.subject, 'Welcome, Ana');
    assert.match(email.text, /^- Address: Rua A, 1$/m);
    assert.match(email.text, /^- Email address: ana@example.test$/m);
    assert.match(email.html, /<li>Address: Rua A, 1<\/li>/);
  });

  it('renders each changed field as old → new, and only those', () => {
    const email = renderEmail(
      {
        kind: 'details-changed',
        to: ana.email,
        user: { ...ana, address: 'Rua B, 2' },
        changes: [{ field: 'address', from: 'Rua A, 1', to: 'Rua B, 2' }],
      },
      templates,
      identity,
    );
    assert.equal(email.subject, 'Your details were updated');
    assert.match(email.text, /^- Address: "Rua A, 1" → "Rua B, 2"$/m);
    assert.doesNotMatch(email.text, /Name:/);
    assert.match(email.html, /Address: &ldquo;Rua A, 1&rdquo; &rarr; &ldquo;Rua B, 2&rdquo;/);
  });

  it('tells the replaced address which address replaced it', () => {
    const email = renderEmail(
      { kind: 'email-replaced', to: 'old@example.test', user: ana, previousEmail: 'old@example.test' },
      templates,
      identity,
    );
    assert.equal(email.to, 'old@example.test');
    assert.equal(email.subject, 'Your email address was changed');
    assert.match(email.text, /from old@example\.test to ana@example\.test/);
  });

  it('escapes what a person typed in the HTML part, and keeps the subject on one line', () => {
    const mallory = { ...ana, name: '<script>alert("x")</script>\nBcc: all@example.test' };
    const email = renderEmail({ kind: 'welcome', to: ana.email, user: mallory }, templates, identity);
    assert.doesNotMatch(email.html, /<script>/);
    assert.match(email.html, /&#60;script&#62;alert\(&#34;x&#34;\)&#60;\/script&#62;/);
    assert.doesNotMatch(email.subject, /\n/);
  });

  it('derives the Message-ID from the change and the kind of email, the same on every replay', () => {
    const welcome = () => renderEmail({ kind: 'welcome', to: ana.email, user: ana }, templates, identity);
    assert.equal(welcome().messageId, welcome().messageId);
    assert.match(welcome().messageId, /^<[0-9a-f]{40}@userdata\.invalid>$/);
    assert.notEqual(deliveryId('c0ffee', 'details-changed'), deliveryId('c0ffee', 'email-replaced'));
    assert.notEqual(deliveryId('c0ffee', 'welcome'), deliveryId('c0ffef', 'welcome'));
  });
});
