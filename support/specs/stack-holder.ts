import { deadLetterTopic } from '../components/debezium-connector';
import { ChangeFeed } from '../drivers/change-feed';
import { DatabaseMaintenance } from '../drivers/database';
import { DatabaseOperator } from '../drivers/database-operator';
import { DeadLetters } from '../drivers/dead-letters';
import { PushEmailMetrics } from '../drivers/push-email-metrics';
import { UserdataClient } from '../drivers/userdata-client';
import { settleWithin } from '../lib/settle-all';
import type { Inbox } from '../mail/inbox';
import type { RunningStack } from '../stack/start-stack';

/** What every scenario's World reads: the stack, started once for the whole run (BeforeAll), and its drivers. */
export interface HeldStack {
  readonly stack: RunningStack;
  readonly userdata: UserdataClient;
  readonly inbox: Inbox;
  readonly changeFeed: ChangeFeed;
  readonly deadLetters: DeadLetters;
  readonly database: DatabaseMaintenance;
  readonly operator: DatabaseOperator;
  readonly pushEmailMetrics: PushEmailMetrics;
}

let current: HeldStack | undefined;

export async function holdStack(stack: RunningStack): Promise<void> {
  if (!stack.inbox) throw new Error('The specs need the inbox mail sink');
  const { kafka, database } = stack.infrastructure;
  const changeFeed = await ChangeFeed.start(kafka.brokers, stack.changeTopic);
  const deadLetters = await DeadLetters.start(kafka.brokers, stack.changeTopic, deadLetterTopic).catch(
    async (error: unknown) => {
      await changeFeed.stop();
      throw error;
    },
  );
  current = {
    stack,
    userdata: new UserdataClient(stack.userdataUrl),
    inbox: stack.inbox,
    changeFeed,
    deadLetters,
    database: new DatabaseMaintenance({
      host: database.host,
      port: database.port,
      name: database.name,
      credentials: database.userdata,
    }),
    operator: new DatabaseOperator({
      host: database.host,
      port: database.port,
      name: database.name,
      operator: database.operator,
      migrator: database.migrator,
    }),
    pushEmailMetrics: new PushEmailMetrics(`http://127.0.0.1:${stack.ports.pushEmail}/metrics`),
  };
}

/** How long the specs' own Kafka clients may take to leave before the stack is stopped regardless. */
const clientsLeaveWithinMs = 15_000;

/**
 * Lets go of the stack: the specs' Kafka clients leave (each within clientsLeaveWithinMs: kafkajs can hang
 * disconnecting from a broker a failed fault scenario left down), and the stack is returned for stopping.
 */
export async function releaseStack(log: (line: string) => void = console.error): Promise<RunningStack | undefined> {
  const held = current;
  current = undefined;
  if (!held) return undefined;
  const pending = await settleWithin(
    { 'the change feed': held.changeFeed.stop(), 'the dead-letter reader': held.deadLetters.stop() },
    clientsLeaveWithinMs,
  );
  if (pending.length > 0) log(`Stopping the stack although ${pending.join(' and ')} had not disconnected.`);
  return held.stack;
}

export function runningStack(): HeldStack {
  if (!current) throw new Error('The stack is not running: did BeforeAll fail?');
  return current;
}
