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

  it('writes to the new address when the email address changed', () => {
    const after = { ...ana, email: 'ana.new@example.test' };
    const [notification] = notificationsFor({ kind: 'updated', before: ana, after, position });
    assert.equal(notification?.to, 'ana.new@example.test');
  });

  it('tells nobody about an update that changed no tracked field', () => {
    assert.deepEqual(notificationsFor({ kind: 'updated', before: ana, after: { ...ana }, position }), []);
  });

  it('tells nobody about deletes and snapshot reads', () => {
    assert.deepEqual(notificationsFor({ kind: 'deleted', before: ana, position }), []);
    assert.deepEqual(notificationsFor({ kind: 'snapshot', after: ana, position }), []);
  });
});
