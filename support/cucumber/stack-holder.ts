import { ChangeFeed } from '../drivers/change-feed';
import { UserdataClient } from '../drivers/userdata-client';
import type { Inbox } from '../mail/inbox';
import type { RunningStack } from '../stack/start-stack';

/** What every scenario's World reads: the stack, started once for the whole run (BeforeAll), and its drivers. */
export interface HeldStack {
  readonly stack: RunningStack;
  readonly userdata: UserdataClient;
  readonly inbox: Inbox;
  readonly changes: ChangeFeed;
}

let current: HeldStack | undefined;

export async function holdStack(stack: RunningStack): Promise<void> {
  if (!stack.inbox) throw new Error('The specs need the inbox mail sink');
  const changes = await ChangeFeed.start(stack.infrastructure.kafka.brokers, stack.changeTopic);
  current = { stack, userdata: new UserdataClient(stack.userdataUrl), inbox: stack.inbox, changes };
}

export async function releaseStack(): Promise<RunningStack | undefined> {
  const held = current;
  current = undefined;
  await held?.changes.stop();
  return held?.stack;
}

export function runningStack(): HeldStack {
  if (!current) throw new Error('The stack is not running: did BeforeAll fail?');
  return current;
}
