import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin, Consumer, Producer } from 'kafkajs';
import pino from 'pino';
import type { NotifyUserOfChange } from '../../interactors/notify-user-of-change.interactor';
import { ChangeConsumer, type ConsumerMetrics } from './change-consumer';

/** Just enough of a kafkajs consumer to raise its instrumentation events. */
function fakeConsumer() {
  const listeners = new Map<string, (event: { payload: unknown }) => void>();
  const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  const consumer = {
    events,
    on: (name: string, listener: (event: { payload: unknown }) => void) => void listeners.set(name, listener),
  } as unknown as Consumer;
  const emit = (name: keyof typeof events, payload: unknown) => listeners.get(events[name])?.({ payload });
  return { consumer, emit };
}

const metrics: ConsumerMetrics = {
  consumed: () => {},
  delivered: () => {},
  retried: () => {},
  deadLettered: () => {},
  stalled: () => {},
  endToEndLag: () => {},
};

function changeConsumer() {
  const { consumer, emit } = fakeConsumer();
  const fatal: Error[] = [];
  const changes = new ChangeConsumer({
    consumer,
    admin: {} as Admin,
    deadLetters: { producer: {} as Producer, topic: 'cdc.info-user.dlq' },
    topic: 'cdc.info-user',
    capturedTable: { database: 'clients', table: 'users' },
    notify: {} as NotifyUserOfChange,
    logger: pino({ level: 'silent' }),
    metrics,
    onFatal: (error) => fatal.push(error),
  });
  return { changes, emit, fatal };
}

describe('ChangeConsumer liveness', () => {
  it('is live and ready once in its group', () => {
    const { changes, emit } = changeConsumer();
    assert.equal(changes.isLive, true);
    assert.equal(changes.isReady, false);
    emit('GROUP_JOIN', { memberAssignment: { 'cdc.info-user': [0, 1] } });
    assert.deepEqual([changes.isLive, changes.isReady, changes.status], [true, true, 'running']);
  });

  it('stays live while kafkajs restarts it after a crash, but is not ready', () => {
    const { changes, emit, fatal } = changeConsumer();
    emit('GROUP_JOIN', { memberAssignment: {} });
    emit('CRASH', { error: new Error('KafkaJSNumberOfRetriesExceeded'), restart: true });
    assert.deepEqual([changes.isLive, changes.isReady, changes.status], [true, false, 'restarting']);
    assert.deepEqual(fatal, []);
  });

  it('is no longer live, and says it must end, when kafkajs will not restart it: no zombie consumer', () => {
    const { changes, emit, fatal } = changeConsumer();
    emit('GROUP_JOIN', { memberAssignment: {} });
    const error = new Error('KafkaJSNonRetriableError: the group coordinator is gone');
    emit('CRASH', { error, restart: false });
    assert.deepEqual([changes.isLive, changes.isReady, changes.status], [false, false, 'failed']);
    assert.deepEqual(fatal, [error]);
  });
});
