import { UserdataClient } from '../drivers/userdata-client';
import type { Inbox } from '../mail/inbox';
import type { RunningStack } from '../stack/start-stack';

/** The stack is started once for the whole run (BeforeAll) and read by every scenario's World. */
let current: { stack: RunningStack; userdata: UserdataClient; inbox: Inbox } | undefined;

export function holdStack(stack: RunningStack): void {
  if (!stack.inbox) throw new Error('The specs need the inbox mail sink');
  current = { stack, userdata: new UserdataClient(stack.userdataUrl), inbox: stack.inbox };
}

export function releaseStack(): RunningStack | undefined {
  const stack = current?.stack;
  current = undefined;
  return stack;
}

export function runningStack(): { stack: RunningStack; userdata: UserdataClient; inbox: Inbox } {
  if (!current) throw new Error('The stack is not running: did BeforeAll fail?');
  return current;
}
