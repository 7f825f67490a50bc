import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFailure, DeliveryFailure, type FailureStep } from './delivery-failure';

/** An error as nodemailer reports it: its code, the SMTP command in flight, and the server's reply code. */
const smtpError = (fields: { code?: string; command?: string; responseCode?: number }, message = 'smtp failed') =>
  Object.assign(new Error(message), fields);

const classified = (error: unknown, step: FailureStep) => {
  const failure = classifyFailure(error, step);
  return [failure.permanent ? 'permanent' : 'transient', failure.reason, failure.step];
};

describe('classifyFailure: permanent, set aside', () => {
  it('a 5xx reply to RCPT TO: the recipient is refused for good', () => {
    for (const responseCode of [550, 551, 553]) {
      const error = smtpError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode });
      assert.deepEqual(classified(error, 'send'), ['permanent', 'recipient-refused', 'send']);
    }
  });

  it('a 5xx reply to DATA or to the message: the message is refused for good', () => {
    assert.deepEqual(classified(smtpError({ code: 'EMESSAGE', command: 'DATA', responseCode: 554 }), 'send'), [
      'permanent',
      'message-refused',
      'send',
    ]);
    assert.deepEqual(classified(smtpError({ code: 'EENVELOPE', command: 'DATA', responseCode: 552 }), 'send'), [
      'permanent',
      'message-refused',
      'send',
    ]);
  });

  it('an email the SMTP client refuses before sending it: an invalid recipient, a message over the size limit', () => {
    assert.deepEqual(classified(smtpError({ code: 'EENVELOPE', command: 'API' }), 'send')[1], 'invalid-recipient');
    assert.deepEqual(classified(smtpError({ code: 'EMESSAGE', command: 'MAIL FROM' }), 'send')[1], 'message-refused');
  });

  it('whatever fails while reading a record, applying the policy or rendering: the same on every try', () => {
    assert.deepEqual(classified(new Error('Unexpected token'), 'read'), ['permanent', 'not-a-change-event', 'read']);
    assert.deepEqual(classified(Object.assign(new Error('x'), { reason: 'other-table' }), 'read')[1], 'other-table');
    assert.deepEqual(classified(new Error('x'), 'policy'), ['permanent', 'invalid-recipient', 'policy']);
    assert.deepEqual(classified(new Error('"name" not defined'), 'render'), ['permanent', 'unrenderable', 'render']);
  });
});

describe('classifyFailure: transient, retried', () => {
  it('no mail server: refused, reset or timed-out connections, DNS', () => {
    for (const code of ['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED']) {
      assert.deepEqual(classified(smtpError({ code }), 'send'), ['transient', 'mail-server-unavailable', 'send']);
    }
  });

  it('a 4xx reply to anything, and 503 (bad sequence of commands), which a new session may not get', () => {
    for (const [command, responseCode] of [
      ['RCPT TO', 450],
      ['DATA', 451],
      ['MAIL FROM', 421],
      ['RCPT TO', 503],
    ] as const) {
      assert.deepEqual(classified(smtpError({ command, responseCode }), 'send'), [
        'transient',
        'mail-server-deferred',
        'send',
      ]);
    }
  });

  it('a 5xx reply to the session itself (greeting, EHLO, AUTH, MAIL FROM): it would refuse everyone alike', () => {
    for (const command of ['CONN', 'EHLO', 'AUTH PLAIN', 'MAIL FROM']) {
      assert.deepEqual(classified(smtpError({ command, responseCode: 554 }), 'send'), [
        'transient',
        'mail-server-refused-session',
        'send',
      ]);
    }
    assert.deepEqual(
      classified(smtpError({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }), 'send')[0],
      'transient',
    );
  });

  it('the delivery log, the dead-letter topic, or anything unrecognised', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.deepEqual(classified(down, 'delivery-log'), ['transient', 'database-unavailable', 'delivery-log']);
    assert.deepEqual(classified(new Error('KafkaJSConnectionError'), 'dead-letter'), [
      'transient',
      'dead-letter-topic-unavailable',
      'dead-letter',
    ]);
    assert.deepEqual(classified('a string thrown', 'consume'), ['transient', 'unexpected', 'consume']);
  });
});

describe('classifyFailure: an already classified failure', () => {
  it('is kept as it is, whatever step passes it on', () => {
    const failure = new DeliveryFailure('invalid-recipient', 'policy', 'not one address');
    assert.equal(classifyFailure(failure, 'send'), failure);
  });
});
