import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEmailTemplates } from '../data-sources/file-email-templates';
import { InMemoryDeliveryLog } from '../data-sources/in-memory-delivery-log';
import type { Email } from '../entities/email';
import type { ChangePosition, UserChange } from '../entities/user-change';
import type { EmailSender } from '../repositories/email-sender';
import { NotifyUserOfChange } from './notify-user-of-change.interactor';

class RecordingEmailSender implements EmailSender {
  readonly sent: Email[] = [];
  failure: Error | undefined;
  async send(email: Email): Promise<void> {
    if (this.failure) throw this.failure;
    this.sent.push(email);
  }
}

const position: ChangePosition = {
  connector: 'mariadb',
  database: 'clients',
  table: 'users',
  binlogFile: 'binlog.000001',
  binlogPosition: 4631,
  row: 0,
  committedAt: new Date(0),
};
const ana = { id: 1, name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };
const moved: UserChange = { kind: 'updated', before: ana, after: { ...ana, address: 'Rua B, 2' }, position };

function notifier() {
  const sender = new RecordingEmailSender();
  const deliveries = new InMemoryDeliveryLog();
  const notify = new NotifyUserOfChange(sender, deliveries, loadEmailTemplates(), 'userdata.invalid');
  return { sender, deliveries, notify };
}

describe('NotifyUserOfChange', () => {
  it('sends the email the policy asks for, records it, and counts it', async () => {
    const { sender, deliveries, notify } = notifier();
    assert.deepEqual(await notify.execute(moved), { sent: 1, alreadyDelivered: 0 });
    assert.equal(sender.sent[0]?.to, 'ana@example.test');
    assert.match(sender.sent[0]?.text ?? '', /Rua B, 2/);
    assert.equal([...deliveries.deliveries.values()][0]?.messageId, sender.sent[0]?.messageId);
  });

  it('sends nothing again when the same change is replayed', async () => {
    const { sender, notify } = notifier();
    await notify.execute(moved);
    assert.deepEqual(await notify.execute({ ...moved, position: { ...position } }), { sent: 0, alreadyDelivered: 1 });
    assert.equal(sender.sent.length, 1);
  });

  it('tells apart two changes that differ only in their position or their rows', async () => {
    const { sender, notify } = notifier();
    await notify.execute(moved);
    await notify.execute({ ...moved, position: { ...position, binlogPosition: 4999 } });
    await notify.execute({ ...moved, after: { ...ana, address: 'Rua C, 3' } });
    assert.equal(sender.sent.length, 3);
  });

  it('writes to both addresses when the email address changed, and replays neither', async () => {
    const { sender, notify } = notifier();
    const change: UserChange = { kind: 'updated', before: ana, after: { ...ana, email: 'ana@new.test' }, position };
    assert.deepEqual(await notify.execute(change), { sent: 2, alreadyDelivered: 0 });
    assert.deepEqual(
      sender.sent.map((email) => [email.to, email.subject]),
      [
        ['ana@new.test', 'Your details were updated'],
        ['ana@example.test', 'Your email address was changed'],
      ],
    );
    assert.deepEqual(await notify.execute(change), { sent: 0, alreadyDelivered: 2 });
  });

  it('sends only what is missing when a replay follows a failure between two emails', async () => {
    const { sender, notify } = notifier();
    const change: UserChange = { kind: 'updated', before: ana, after: { ...ana, email: 'ana@new.test' }, position };
    const original = sender.send.bind(sender);
    let calls = 0;
    sender.send = async (email) => {
      if (++calls === 2) throw new Error('421 try again later');
      return original(email);
    };
    await assert.rejects(notify.execute(change), /421/);
    assert.deepEqual(await notify.execute(change), { sent: 1, alreadyDelivered: 1 });
    assert.deepEqual(
      sender.sent.map((email) => email.to),
      ['ana@new.test', 'ana@example.test'],
    );
  });

  it('sends nothing for a snapshot read or a delete', async () => {
    const { sender, notify } = notifier();
    assert.deepEqual(await notify.execute({ kind: 'snapshot', after: ana, position }), {
      sent: 0,
      alreadyDelivered: 0,
    });
    assert.deepEqual(await notify.execute({ kind: 'deleted', before: ana, position }), {
      sent: 0,
      alreadyDelivered: 0,
    });
    assert.deepEqual(sender.sent, []);
  });

  it('lets a sending failure through and records nothing, so that the change is tried again', async () => {
    const { sender, deliveries, notify } = notifier();
    sender.failure = new Error('421 try again later');
    await assert.rejects(notify.execute({ kind: 'created', after: ana, position }), /421/);
    assert.equal(deliveries.deliveries.size, 0);
  });
});
