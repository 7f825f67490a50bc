import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapturedRecord } from '../drivers/change-feed';
import type { ReceivedMessage } from '../mail/inbox';
import { type ChangeWitnesses, storyOfEachChange } from './change-story';
import type { Person } from './people';

const ana: Person = {
  name: 'Ana',
  user: {
    id: 7,
    name: 'Ana',
    email: 'ana@example.test',
    address: 'Rua B',
    version: 2,
    createdAt: '2026-12-05T10:00:00.000Z',
    updatedAt: '2026-12-05T10:00:01.000Z',
  },
  formerEmails: [],
};

const created: CapturedRecord = {
  partition: 3,
  offset: 10,
  userId: 7,
  value: {
    op: 'c',
    before: null,
    after: { id: 7, email: 'ana@example.test', address: 'Rua A', version: 1 } as never,
    source: { gtid: '0-1-105', file: 'binlog.000002', pos: 4711 },
  },
};
const moved: CapturedRecord = {
  partition: 3,
  offset: 11,
  userId: 7,
  value: {
    op: 'u',
    before: { id: 7, email: 'ana@example.test', address: 'Rua A', version: 1 } as never,
    after: { id: 7, email: 'ana@example.test', address: 'Rua B', version: 2 } as never,
    source: { gtid: null, file: 'binlog.000002', pos: 5120 },
  },
};

function witnesses(overrides: Partial<ChangeWitnesses> = {}): ChangeWitnesses {
  return {
    changeTopic: 'cdc.info-user',
    answersAbout: () => ['2026-12-05T10:00:00.000Z POST /users → 201, user 7 version 1'],
    rowOf: async () => ({ id: 7, address: 'Rua B', version: 2 }),
    recordsAbout: () => [created, moved],
    pushEmailLog: [
      JSON.stringify({ level: 30, time: 't1', partition: 3, offset: '10', userId: 7, sent: 1, msg: 'change handled' }),
      'not JSON, skipped',
    ],
    lettersFrom: () => [],
    messagesTo: () => [
      {
        to: ['ana@example.test'],
        from: 'no-reply@userdata.invalid',
        text: '',
        html: '',
        headers: {},
        subject: 'Welcome, Ana',
        messageId: '<c-1@userdata.invalid>',
        receivedAt: Date.parse('2026-12-05T10:00:00.500Z'),
      } satisfies ReceivedMessage,
    ],
    ...overrides,
  };
}

describe('storyOfEachChange: where each change of a failed scenario was last seen', () => {
  it('follows a change from userdata to the mail server, and says where it stopped', async () => {
    const story = await storyOfEachChange([ana], witnesses());
    assert.equal(
      story,
      [
        'Ana (user 7)',
        '  userdata answered:',
        '    2026-12-05T10:00:00.000Z POST /users → 201, user 7 version 1',
        '  in the database now: {"id":7,"address":"Rua B","version":2}',
        '  on cdc.info-user:',
        '    3:10 c version 1 gtid 0-1-105',
        '      push-email t1 change handled: userId=7 sent=1',
        '    3:11 u version 2 at binlog.000002:5120',
        '      push-email: no log line about this record',
        '  mail server accepted:',
        '    2026-12-05T10:00:00.500Z to ana@example.test: "Welcome, Ana" <c-1@userdata.invalid>',
      ].join('\n'),
    );
  });

  it('says what is absent: no record captured, no email, a row gone, a dead letter and its reason', async () => {
    const story = await storyOfEachChange(
      [ana],
      witnesses({
        answersAbout: () => [],
        rowOf: async () => undefined,
        recordsAbout: () => [moved],
        lettersFrom: () => [{ partition: 0, offset: 4, key: null, value: null, headers: { 'dlq.reason': 'template' } }],
        messagesTo: () => [],
      }),
    );
    assert.match(story, /userdata answered: nothing asked/);
    assert.match(story, /in the database now: no row/);
    assert.match(
      story,
      /3:11 u version 2 at binlog.000002:5120\n {6}push-email: no log line about this record\n {6}on the dead-letter topic at 0:4: template/,
    );
    assert.match(story, /mail server accepted: nothing$/);
    let asked = 0;
    const rowOf = () => {
      asked++;
      return Promise.reject(new Error('refused'));
    };
    const unreadable = await storyOfEachChange([ana, { ...ana, name: 'Bia' }], witnesses({ rowOf }));
    assert.equal(unreadable.match(/in the database now: unreadable \(refused\)/g)?.length, 2);
    assert.equal(asked, 1, 'a database that failed once is not asked again for the next person');
  });
});
