import { After, AfterAll, BeforeAll, Status } from '@cucumber/cucumber';
import { environmentFromEnv } from '../environments/select-environment';
import { freePorts } from '../stack/stack-ports';
import { startStack } from '../stack/start-stack';
import { holdStack, releaseStack, runningStack } from './stack-holder';
import type { CdcWorld } from './world';

// The first run resolves jars with Maven (minutes on a slow network); later runs start in seconds.
BeforeAll({ timeout: 15 * 60_000 }, async () => {
  const log = (line: string) => console.log(line);
  const stack = await startStack({
    environment: await environmentFromEnv(process.env, log),
    ports: await freePorts(),
    mailSink: 'inbox',
    keepData: process.env.CDC_KEEP_DATA === '1',
    log,
  });
  try {
    await holdStack(stack);
  } catch (error) {
    await stack.stop();
    throw error;
  }
});

AfterAll({ timeout: 2 * 60_000 }, async () => {
  await (await releaseStack())?.stop();
});

/**
 * Whatever a scenario did to the stack is undone, even when it failed half-way, so later scenarios find the stack
 * whole. (Defined before the hook below, so it runs after it: cucumber runs After hooks in reverse order.)
 */
After({ timeout: 90_000 }, async function (this: CdcWorld) {
  for (const repaired of await this.faults.repair()) this.note(repaired);
});

/** A failed scenario carries the end of each service's log, which usually says why. */
After(function (this: CdcWorld, { result }) {
  if (result?.status !== Status.FAILED) return;
  const { services } = runningStack().stack;
  for (const service of [services.userdata, services.pushEmail]) {
    this.attach(`${service.name} log (last lines):\n${service.tail(30)}`, 'text/plain');
  }
});
