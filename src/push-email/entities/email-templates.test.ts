import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderEmail } from './email-templates';

const ana = { id: 7, name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };

describe('email templates', () => {
  it('renders a welcome with every detail kept', () => {
    const email = renderEmail({ kind: 'welcome', to: ana.email, user: ana });
    assert.equal(email.to, 'ana@example.test');
    assert.equal(email.subject, 'Welcome, Ana');
    assert.match(email.text, /^- Address: Rua A, 1$/m);
    assert.match(email.text, /^- Email address: ana@example.test$/m);
  });

  it('renders each changed field as old → new', () => {
    const email = renderEmail({
      kind: 'details-changed',
      to: ana.email,
      user: { ...ana, address: 'Rua B, 2' },
      changes: [{ field: 'address', from: 'Rua A, 1', to: 'Rua B, 2' }],
    });
    assert.equal(email.subject, 'Your details were updated');
    assert.match(email.text, /^- Address: "Rua A, 1" → "Rua B, 2"$/m);
    assert.doesNotMatch(email.text, /Name:/);
  });
});
