import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { After, AfterAll, Before, BeforeAll, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { silenceKafkajsTimeoutWarning } from '../../src/shared/known-warnings';
import { environmentFromEnv } from '../environments/select-environment';
import { freePorts } from '../stack/stack-ports';
import { startStack } from '../stack/start-stack';
import { storyOfEachChange } from './change-story';
import { mailWithinMs } from './mailboxes';
import { holdStack, isRunAbandoned, isStackLent, releaseStack, runningStack } from './stack-holder';
import type { CdcWorld } from './world';

// kafkajs's TimeoutNegativeWarning on Node 24 is noise (see known-warnings.ts).
silenceKafkajsTimeoutWarning();

// Longer than the specs' own waits for an email (cucumber's default is 5 s): a step fails with what it awaited and
// what it saw instead, not "function timed out".
setDefaultTimeout(mailWithinMs + 5_000);

// The first run resolves jars with Maven (minutes on a slow network); later runs start in seconds. A run attached to
// the stack `npm start` keeps (CDC_STACK=reuse) finds it held already, and leaves it running at the end.
BeforeAll({ timeout: 15 * 60_000 }, async () => {
  if (isStackLent()) return;
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
  if (isStackLent()) return;
  await (await releaseStack())?.stop();
});

/** The client of an attached run went away (Ctrl-C): the scenarios not yet begun are skipped, not run for no one. */
Before(() => (isRunAbandoned() ? 'skipped' : undefined));

/**
 * Whatever a scenario did to the stack is undone, even when it failed half-way, so later scenarios find the stack
 * whole. (Defined before the hook below, so it runs after it: cucumber runs After hooks in reverse order.)
 */
After({ timeout: 90_000 }, async function (this: CdcWorld) {
  for (const repaired of await this.faults.repair()) this.note(repaired);
});

/**
 * A failed scenario carries the end of each service's log, which usually says why; and, natively, what Kafka Connect
 * and Debezium did with the binlog (the task's starts and stops, the offsets it resumed from, the binlog
 * connection): a change never captured is explained there, and the run's folder is gone once the run ends.
 */
After({ timeout: 30_000 }, async function (this: CdcWorld, { result }) {
  if (result?.status !== Status.FAILED) return;
  const { stack, changeFeed, deadLetters, inbox, database } = runningStack();
  const people = this.people.everyone;
  if (people.length > 0) {
    const story = await storyOfEachChange(people, {
      changeTopic: stack.changeTopic,
      answersAbout: (name) => this.people.answersAbout(name),
      rowOf: (userId) => database.row(userId),
      recordsAbout: (userId) => changeFeed.about(userId),
      pushEmailLog: pushEmailLog(stack.runFolder),
      lettersFrom: (source) => deadLetters.lettersFrom(source),
      messagesTo: (address) => inbox.messagesTo(address),
    });
    this.attach(`The story of each change this scenario made:\n${story}`, 'text/plain');
  }
  for (const service of [stack.services.userdata, stack.services.pushEmail]) {
    this.attach(`${service.name} log (last lines):\n${service.tail(30)}`, 'text/plain');
  }
  const capture = captureStory(join(stack.runFolder, 'connect', 'connect.log'));
  if (capture) this.attach(`Kafka Connect's log, the capture's story (last lines):\n${capture}`, 'text/plain');
});

/** Every push-email instance's log lines (push-email.log, push-email-2.log, …). */
function pushEmailLog(runFolder: string): string[] {
  return readdirSync(runFolder)
    .filter((file) => /^push-email(-\d+)?\.log$/.test(file))
    .flatMap((file) => readFileSync(join(runFolder, file), 'utf8').split('\n'));
}

const captureLines =
  /Keepalive|Requesting streaming|Stopped reading binlog|Connected to binlog|Skip \d+ (events|rows)|Found previous offset|Starting task|Stopping task|Committing offsets for [1-9]|Rebalance started|ERROR|WARN .*(binlog|offset)/;

/** The lines of Connect's log about capture and its restarts, the last 60; undefined without a log file. */
function captureStory(logFile: string): string | undefined {
  if (!existsSync(logFile)) return undefined;
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => captureLines.test(line))
    .map((line) => line.slice(0, 400));
  return lines.slice(-60).join('\n');
}
