import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEmailTemplates } from '../data-sources/file-email-templates';
import { DeliveryFailure } from './delivery-failure';
import { compileEmailTemplates, deliveryId, renderEmail } from './email-templates';
import type { Notification } from './notification-policy';

const ana = { id: 7, name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };
const templates = loadEmailTemplates();
const identity = { changeId: 'c0ffee', domain: 'userdata.invalid' };
const render = (notification: Notification) => renderEmail(notification, templates, identity);
const welcome = (user: typeof ana) => render({ kind: 'welcome', to: user.email, user });
const moved = (from: string, to: string) =>
  render({
    kind: 'details-changed',
    to: ana.email,
    user: { ...ana, address: to },
    changes: [{ field: 'address', from, to }],
  });

/** What a person may type, that a template engine could read as its own syntax or a replacement pattern. */
const hostileValues = [
  '{{nope}}',
  '{{email}} {{address}}',
  '{{{name}}}',
  '{{#changes}}x{{/changes}}',
  '{{/changes}}',
  '{{#each}}',
  '{{> partial}}',
  '{{! comment }}',
  '{{',
  '}}',
  '{{{{raw}}}}',
  '{{lookup . "constructor"}}',
  '{{#with}}{{/with}}',
  "$& $1 $$ $` $'",
  '\\{{name}}',
  '<b>bold</b> & "quotes" \'single\' `tick` =',
];

describe('email templates', () => {
  it('renders a welcome with every detail kept, in text and HTML', () => {
    const email = welcome(ana);
    assert.equal(email.to, 'ana@example.test');
    assert.equal(email.subject, 'Welcome, Ana');
    assert.match(email.text, /^- Address: Rua A, 1$/m);
    assert.match(email.text, /^- Email address: ana@example.test$/m);
    assert.match(email.html, /<li>Address: Rua A, 1<\/li>/);
  });

  it('renders each changed field as old → new, and only those, with the paragraph after them apart', () => {
    const email = moved('Rua A, 1', 'Rua B, 2');
    assert.equal(email.subject, 'Your details were updated');
    assert.match(email.text, /^- Address: "Rua A, 1" → "Rua B, 2"\n\nIf you did not/m);
    assert.doesNotMatch(email.text, /Name:/);
    assert.match(email.html, /<li>Address: &ldquo;Rua A, 1&rdquo; &rarr; &ldquo;Rua B, 2&rdquo;<\/li>/);
  });

  it('tells the replaced address which address replaced it', () => {
    const email = render({
      kind: 'email-replaced',
      to: 'old@example.test',
      user: ana,
      previousEmail: 'old@example.test',
    });
    assert.equal(email.to, 'old@example.test');
    assert.equal(email.subject, 'Your email address was changed');
    assert.match(email.text, /from old@example\.test to ana@example\.test/);
  });

  for (const value of hostileValues) {
    it(`shows ${JSON.stringify(value)} exactly as typed: subject and text literally, HTML escaped`, () => {
      const email = welcome({ ...ana, name: value, address: value });
      assert.equal(email.subject, `Welcome, ${value}`);
      assert.ok(email.text.includes(`- Name: ${value}\n`), email.text);
      assert.ok(email.text.includes(`- Address: ${value}\n`), email.text);
      assert.ok(email.html.includes(`<li>Name: ${escapeHtml(value)}</li>`), email.html);
      const change = moved('Rua A, 1', value);
      assert.ok(change.text.includes(`- Address: "Rua A, 1" → "${value}"\n`), change.text);
      assert.ok(change.html.includes(`&ldquo;${escapeHtml(value)}&rdquo;`), change.html);
    });
  }

  it('never lets a value change the markup: no tag, no attribute, no entity of its own', () => {
    const email = welcome({ ...ana, name: '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;' });
    assert.doesNotMatch(email.html, /<script|<img/);
    assert.match(
      email.html,
      /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;&amp;amp;/,
    );
  });

  it('keeps the subject on one line, whatever line breaks a value holds', () => {
    for (const name of ['Ana\r\nBcc: all@example.test', 'Ana\nBcc: x', 'Ana\rX', 'Ana\u2028X', 'Ana\t\vX']) {
      const { subject } = welcome({ ...ana, name });
      assert.doesNotMatch(subject, /[\r\n\u2028\u2029\t\v]/, JSON.stringify(subject));
      assert.match(subject, /^Welcome, Ana /);
    }
  });

  it('sets aside, as unrenderable, a notification that lacks a value the template names', () => {
    const strict = compileEmailTemplates({
      welcome: { subject: 'Hi {{name}}', text: '{{name}}', html: '{{name}}' },
      'details-changed': { subject: 'x', text: '{{#changes}}{{label}}{{/changes}}', html: 'x' },
      'email-replaced': { subject: 'x', text: '{{previousEmail}}', html: 'x' },
    });
    const unrenderable = (error: unknown) =>
      error instanceof DeliveryFailure && error.permanent && error.reason === 'unrenderable';
    const noChanges = { kind: 'details-changed', to: ana.email, user: ana };
    assert.throws(() => renderEmail(noChanges as unknown as Notification, strict, identity), unrenderable);
    const noPrevious = { kind: 'email-replaced', to: ana.email, user: ana };
    assert.throws(() => renderEmail(noPrevious as unknown as Notification, strict, identity), unrenderable);
  });

  it('refuses at start-up a template that names a value no notification has, or does not parse', () => {
    const sources = {
      welcome: { subject: 'Hi {{name}}', text: '{{name}}', html: '{{name}}' },
      'details-changed': { subject: 'x', text: 'x', html: 'x' },
      'email-replaced': { subject: 'x', text: 'x', html: 'x' },
    };
    assert.throws(
      () => compileEmailTemplates({ ...sources, welcome: { ...sources.welcome, text: 'Hi {{nickname}}' } }),
      /The text template of "welcome" emails cannot be rendered: "nickname" not defined/,
    );
    for (const broken of ['{{#changes}}unclosed', '{{/changes}}', '{{', '{{#changes}}{{/other}}']) {
      assert.throws(
        () => compileEmailTemplates({ ...sources, 'details-changed': { ...sources['details-changed'], html: broken } }),
        /The html template of "details-changed" emails cannot be rendered/,
        broken,
      );
    }
  });

  it('derives the Message-ID from the change and the kind of email, the same on every replay', () => {
    assert.equal(welcome(ana).messageId, welcome(ana).messageId);
    assert.match(welcome(ana).messageId, /^<[0-9a-f]{40}@userdata\.invalid>$/);
    assert.notEqual(deliveryId('c0ffee', 'details-changed'), deliveryId('c0ffee', 'email-replaced'));
    assert.notEqual(deliveryId('c0ffee', 'welcome'), deliveryId('c0ffef', 'welcome'));
  });
});

/** Handlebars' escaping, written out: what the HTML part must show for a value. */
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
