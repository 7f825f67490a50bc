import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationsFor } from './notification-policy';
import type { ChangePosition, UserRow } from './user-change';

const position: ChangePosition = { connector: 'mysql', database: 'clients', table: 'users', committedAt: new Date(0) };
const ana: UserRow = { id: 7, name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };

describe('notification policy', () => {
  it('welcomes a created user at their address', () => {
    assert.deepEqual(notificationsFor({ kind: 'created', after: ana, position }), [
      { kind: 'welcome', to: 'ana@example.test', user: ana },
    ]);
  });

  it('tells an updated user which tracked fields changed, old to new', () => {
    const after = { ...ana, address: 'Rua B, 2', name: 'Ana Maria' };
    assert.deepEqual(notificationsFor({ kind: 'updated', before: ana, after, position }), [
      {
        kind: 'details-changed',
        to: 'ana@example.test',
        user: after,
        changes: [
          { field: 'name', from: 'Ana', to: 'Ana Maria' },
          { field: 'address', from: 'Rua A, 1', to: 'Rua B, 2' },
        ],
      },
    ]);
  });

  it('tells both addresses when the email address changed: the new one the change, the old one a notice', () => {
    const after = { ...ana, email: 'ana.new@example.test' };
    assert.deepEqual(
      notificationsFor({ kind: 'updated', before: ana, after, position }).map((n) => [n.kind, n.to]),
      [
        ['details-changed', 'ana.new@example.test'],
        ['email-replaced', 'ana@example.test'],
      ],
    );
  });

  it('sends no notice to the old address when only the letter case of the email changed', () => {
    const after = { ...ana, email: 'ANA@example.test' };
    assert.deepEqual(
      notificationsFor({ kind: 'updated', before: ana, after, position }).map((n) => n.kind),
      ['details-changed'],
    );
  });

  it('tells nobody about an update that changed no tracked field', () => {
    assert.deepEqual(notificationsFor({ kind: 'updated', before: ana, after: { ...ana }, position }), []);
  });

  it('tells nobody about deletes and snapshot reads', () => {
    assert.deepEqual(notificationsFor({ kind: 'deleted', before: ana, position }), []);
    assert.deepEqual(notificationsFor({ kind: 'snapshot', after: ana, position }), []);
  });
});
