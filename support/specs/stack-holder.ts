import { deadLetterTopic } from '../components/debezium-connector';
import { CatchUp } from '../drivers/caught-up';
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
  /** The barrier after which every change made before is on the change topic and handled by push-email. */
  readonly catchUp: CatchUp;
  readonly operator: DatabaseOperator;
  readonly pushEmailMetrics: PushEmailMetrics;
}

/**
 * Who holds the stack: a spec run that started it for itself (BeforeAll), or the process that keeps it running and
 * runs the specs against it on request (`npm start`, attached runs). Kept on the process, not in this module: an
 * attached run loads the specs' support code again for each run (so that edited steps take effect), and each load
 * must find the same stack.
 */
interface Holding {
  readonly held: HeldStack;
  readonly by: 'this run' | 'the stack process';
  /** An attached run whose client went away: the scenarios not yet started are skipped. */
  abandoned: boolean;
}

const slot = Symbol.for('cdc-harness.held-stack');
const processWide = globalThis as { [slot]?: Holding };

/** Holds `stack` for the World: `by` says whether this spec run started it or a long-lived process lends it. */
export async function holdStack(stack: RunningStack, by: Holding['by'] = 'this run'): Promise<void> {
  const { kafka, database } = stack.infrastructure;
  const changeFeed = await ChangeFeed.start(kafka.brokers, stack.changeTopic);
  const deadLetters = await DeadLetters.start(kafka.brokers, stack.changeTopic, deadLetterTopic).catch(
    async (error: unknown) => {
      await changeFeed.stop();
      throw error;
    },
  );
  const userdata = new UserdataClient(stack.userdataUrl);
  const maintenance = new DatabaseMaintenance({
    host: database.host,
    port: database.port,
    name: database.name,
    credentials: database.userdata,
  });
  const held: HeldStack = {
    stack,
    userdata,
    inbox: stack.inbox,
    changeFeed,
    deadLetters,
    database: maintenance,
    catchUp: new CatchUp({ userdata, changeFeed, database: maintenance, groupId: stack.pushEmailGroupId }),
    operator: new DatabaseOperator({
      host: database.host,
      port: database.port,
      name: database.name,
      operator: database.operator,
      migrator: database.migrator,
    }),
    pushEmailMetrics: new PushEmailMetrics(`http://127.0.0.1:${stack.ports.pushEmail}/metrics`),
  };
  processWide[slot] = { held, by, abandoned: false };
}

/** True when a long-lived process holds the stack and lends it to this run: the run neither starts nor stops it. */
export function isStackLent(): boolean {
  return processWide[slot]?.by === 'the stack process';
}

/** An attached run's client went away (`abandoned`), or a new run begins (`false`). */
export function markRunAbandoned(abandoned: boolean): void {
  const holding = processWide[slot];
  if (holding) holding.abandoned = abandoned;
}

export function isRunAbandoned(): boolean {
  return processWide[slot]?.abandoned === true;
}

/** How long the specs' own Kafka clients may take to leave before the stack is stopped regardless. */
const clientsLeaveWithinMs = 15_000;

/**
 * Lets go of the stack: the specs' Kafka clients leave (each within clientsLeaveWithinMs: kafkajs can hang
 * disconnecting from a broker a failed fault scenario left down), and the stack is returned for stopping.
 */
export async function releaseStack(log: (line: string) => void = console.error): Promise<RunningStack | undefined> {
  const held = processWide[slot]?.held;
  processWide[slot] = undefined;
  if (!held) return undefined;
  const pending = await settleWithin(
    { 'the change feed': held.changeFeed.stop(), 'the dead-letter reader': held.deadLetters.stop() },
    clientsLeaveWithinMs,
  );
  if (pending.length > 0) log(`Stopping the stack although ${pending.join(' and ')} had not disconnected.`);
  return held.stack;
}

export function runningStack(): HeldStack {
  const holding = processWide[slot];
  if (!holding) throw new Error('The stack is not running: did BeforeAll fail?');
  return holding.held;
}
