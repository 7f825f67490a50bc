import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEmailTemplates } from '../data-sources/file-email-templates';
import { InMemoryDeliveryLog } from '../data-sources/in-memory-delivery-log';
import { DeliveryFailure } from '../entities/delivery-failure';
import type { Email } from '../entities/email';
import type { ChangePosition, UserChange } from '../entities/user-change';
import type { EmailSender } from '../repositories/email-sender';
import { NotifyUserOfChange, type RefusedEmail } from './notify-user-of-change.interactor';

/** Accepts every email, except those to an address it refuses, or all of them while it fails. */
class RecordingEmailSender implements EmailSender {
  readonly sent: Email[] = [];
  failure: Error | undefined;
  readonly refused = new Map<string, Error>();
  async send(email: Email): Promise<void> {
    if (this.failure) throw this.failure;
    const refusal = this.refused.get(email.to);
    if (refusal) throw refusal;
    this.sent.push(email);
  }
}

/** An error shaped as nodemailer reports a 5xx to RCPT TO. */
const recipientRefused = () =>
  Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 No such user"), {
    code: 'EENVELOPE',
    command: 'RCPT TO',
    responseCode: 550,
  });
const serverDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1025'), { code: 'ESOCKET' });

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
const newEmail: UserChange = { kind: 'updated', before: ana, after: { ...ana, email: 'ana@new.test' }, position };

function notifier() {
  const sender = new RecordingEmailSender();
  const deliveries = new InMemoryDeliveryLog();
  const notify = new NotifyUserOfChange(sender, deliveries, loadEmailTemplates(), 'userdata.invalid');
  const deadLetters: (readonly RefusedEmail[])[] = [];
  const options = { setAside: async (refused: readonly RefusedEmail[]) => void deadLetters.push(refused) };
  return { sender, deliveries, notify, deadLetters, options };
}

describe('NotifyUserOfChange', () => {
  it('sends the email the policy asks for, records it, and counts it', async () => {
    const { sender, deliveries, notify, options } = notifier();
    assert.deepEqual(await notify.execute(moved, options), {
      sent: 1,
      alreadyDelivered: 0,
      alreadySetAside: 0,
      setAside: [],
    });
    assert.equal(sender.sent[0]?.to, 'ana@example.test');
    assert.match(sender.sent[0]?.text ?? '', /Rua B, 2/);
    assert.equal([...deliveries.deliveries.values()][0]?.messageId, sender.sent[0]?.messageId);
  });

  it('sends nothing again when the same change is replayed', async () => {
    const { sender, notify, options } = notifier();
    await notify.execute(moved, options);
    const replay = await notify.execute({ ...moved, position: { ...position } }, options);
    assert.deepEqual([replay.sent, replay.alreadyDelivered], [0, 1]);
    assert.equal(sender.sent.length, 1);
  });

  it('tells apart two changes that differ only in their position or their rows', async () => {
    const { sender, notify, options } = notifier();
    await notify.execute(moved, options);
    await notify.execute({ ...moved, position: { ...position, binlogPosition: 4999 } }, options);
    await notify.execute({ ...moved, after: { ...ana, address: 'Rua C, 3' } }, options);
    assert.equal(sender.sent.length, 3);
  });

  it('writes to both addresses when the email address changed, and replays neither', async () => {
    const { sender, notify, options } = notifier();
    assert.equal((await notify.execute(newEmail, options)).sent, 2);
    assert.deepEqual(
      sender.sent.map((email) => [email.to, email.subject]),
      [
        ['ana@new.test', 'Your details were updated'],
        ['ana@example.test', 'Your email address was changed'],
      ],
    );
    assert.equal((await notify.execute(newEmail, options)).alreadyDelivered, 2);
  });

  it('sends only what is missing when a replay follows a failure between two emails', async () => {
    const { sender, notify, options } = notifier();
    const original = sender.send.bind(sender);
    let calls = 0;
    sender.send = async (email) => {
      if (++calls === 2) throw Object.assign(new Error('421 try again later'), { responseCode: 421, command: 'DATA' });
      return original(email);
    };
    await assert.rejects(notify.execute(newEmail, options), /421/);
    const replay = await notify.execute(newEmail, options);
    assert.deepEqual([replay.sent, replay.alreadyDelivered], [1, 1]);
    assert.deepEqual(
      sender.sent.map((email) => email.to),
      ['ana@new.test', 'ana@example.test'],
    );
  });

  it('sends nothing for a snapshot read or a delete', async () => {
    const { sender, notify, options } = notifier();
    assert.equal((await notify.execute({ kind: 'snapshot', after: ana, position }, options)).sent, 0);
    assert.equal((await notify.execute({ kind: 'deleted', before: ana, position }, options)).sent, 0);
    assert.deepEqual(sender.sent, []);
  });

  it('lets a transient failure through, classified, and records nothing, so that the change is tried again', async () => {
    const { sender, deliveries, notify, options, deadLetters } = notifier();
    sender.failure = serverDown();
    await assert.rejects(notify.execute({ kind: 'created', after: ana, position }, options), (error: unknown) => {
      assert.ok(error instanceof DeliveryFailure);
      assert.deepEqual([error.permanent, error.reason, error.step], [false, 'mail-server-unavailable', 'send']);
      return true;
    });
    assert.equal(deliveries.deliveries.size, 0);
    assert.equal(deliveries.setAside.size, 0);
    assert.deepEqual(deadLetters, []);
  });

  it('sets aside an email the mail server refuses for good, sends the others of the change, and records why', async () => {
    const { sender, deliveries, notify, options, deadLetters } = notifier();
    sender.refused.set('ana@new.test', recipientRefused());
    const outcome = await notify.execute(newEmail, options);
    assert.equal(outcome.sent, 1, 'the notice to the old address still goes');
    assert.deepEqual(
      outcome.setAside.map((r) => [r.kind, r.recipient, r.failure.reason, r.failure.step]),
      [['details-changed', 'ana@new.test', 'recipient-refused', 'send']],
    );
    assert.deepEqual(deadLetters, [outcome.setAside], 'the refused email was handed to the dead letters');
    assert.deepEqual(
      [...deliveries.setAside.values()].map((entry) => [entry.kind, entry.reason]),
      [['details-changed', 'recipient-refused']],
    );
  });

  it('neither sends nor sets aside again an email set aside before, unless an operator replays it', async () => {
    const { sender, notify, options, deadLetters } = notifier();
    sender.refused.set('ana@example.test', recipientRefused());
    await notify.execute(moved, options);
    const replay = await notify.execute(moved, options);
    assert.deepEqual([replay.sent, replay.alreadySetAside, replay.setAside.length], [0, 1, 0]);
    assert.equal(deadLetters.length, 1, 'set aside once only');
    sender.refused.clear();
    const fixed = await notify.execute(moved, { ...options, replay: true });
    assert.equal(fixed.sent, 1, 'the operator replay sends it once its cause is fixed');
    assert.equal((await notify.execute(moved, { ...options, replay: true })).alreadyDelivered, 1);
  });

  it('sets aside, without trying to send, an email to a value that is not one plain address', async () => {
    const { sender, notify, options } = notifier();
    for (const email of [
      'ana@example.test, eve@example.test',
      'Eve <eve@example.test>',
      'ana@example.test\r\nBcc: x@y',
    ]) {
      const outcome = await notify.execute({ kind: 'created', after: { ...ana, email }, position }, options);
      assert.deepEqual(
        outcome.setAside.map((r) => [r.failure.reason, r.failure.step]),
        [['invalid-recipient', 'policy']],
        email,
      );
    }
    assert.deepEqual(sender.sent, []);
  });

  it('sets aside a change only once the dead letters took it: if they fail, the change is tried again', async () => {
    const { sender, deliveries, notify } = notifier();
    sender.refused.set('ana@example.test', recipientRefused());
    const failingDeadLetters = {
      setAside: async () => {
        throw new Error('KafkaJSConnectionError: Connection timeout');
      },
    };
    await assert.rejects(notify.execute(moved, failingDeadLetters), (error: unknown) => {
      assert.ok(error instanceof DeliveryFailure);
      assert.deepEqual([error.permanent, error.reason], [false, 'dead-letter-topic-unavailable']);
      return true;
    });
    assert.equal(deliveries.setAside.size, 0);
  });

  it('lets a failure of the delivery log through as transient', async () => {
    const { deliveries, notify, options } = notifier();
    deliveries.outcomeOf = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    };
    await assert.rejects(notify.execute(moved, options), (error: unknown) => {
      assert.ok(error instanceof DeliveryFailure);
      assert.deepEqual([error.permanent, error.reason, error.step], [false, 'database-unavailable', 'delivery-log']);
      return true;
    });
  });
});
