import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Email } from '../entities/email';
import type { ChangePosition } from '../entities/user-change';
import type { EmailSender } from '../repositories/email-sender';
import { NotifyUserOfChange } from './notify-user-of-change.interactor';

class RecordingEmailSender implements EmailSender {
  readonly sent: Email[] = [];
  constructor(private readonly failure?: Error) {}
  async send(email: Email): Promise<void> {
    if (this.failure) throw this.failure;
    this.sent.push(email);
  }
}

const position: ChangePosition = {
  connector: 'mariadb',
  database: 'clients',
  table: 'users',
  committedAt: new Date(0),
};
const ana = { id: 1, name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' };

describe('NotifyUserOfChange', () => {
  it('sends the email the policy asks for and counts it', async () => {
    const sender = new RecordingEmailSender();
    const sent = await new NotifyUserOfChange(sender).execute({
      kind: 'updated',
      before: ana,
      after: { ...ana, address: 'Rua B, 2' },
      position,
    });
    assert.equal(sent, 1);
    assert.equal(sender.sent[0]?.to, 'ana@example.test');
    assert.match(sender.sent[0]?.text ?? '', /Rua B, 2/);
  });

  it('sends nothing for a snapshot read', async () => {
    const sender = new RecordingEmailSender();
    assert.equal(await new NotifyUserOfChange(sender).execute({ kind: 'snapshot', after: ana, position }), 0);
    assert.deepEqual(sender.sent, []);
  });

  it('lets a sending failure through, so that the change is not marked as handled', async () => {
    const sender = new RecordingEmailSender(new Error('421 try again later'));
    await assert.rejects(new NotifyUserOfChange(sender).execute({ kind: 'created', after: ana, position }), /421/);
  });
});
