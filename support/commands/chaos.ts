/**
 * `npm run chaos [-- --seed N --duration 5m --rate 20 --people 50 --short --json]`: a steady load of address changes
 * through userdata while a seeded schedule kills and freezes the stack's components, one at a time; then, once the
 * pipeline has caught up, a ledger of every change userdata answered against every email the mail sink accepted.
 * Prints the seed and the schedule before and after. Exits 1 when a change was lost, emailed more than once beyond
 * the documented bound, answered unexpectedly (a 500), or the stack did not recover.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { silenceKafkajsTimeoutWarning } from '../../src/shared/known-warnings';
import { type AppliedFault, type FaultRun, runFaults } from '../chaos/fault-runner';
import { untilEmailedFrom } from '../chaos/flow';
import { emailsOfChanges, keepLedger, type Ledger } from '../chaos/ledger';
import { type ChangeAttempt, type ChaosPerson, changeAddresses, firstSeqDueFrom } from '../chaos/load';
import { type ChaosOptions, parseChaosOptions, usage } from '../chaos/options';
import { type Recovery, recoveryFrom } from '../chaos/recovery';
import { appliedLines, ledgerLines, plannedLines } from '../chaos/report';
import { type PlannedFault, planSchedule } from '../chaos/schedule';
import { untilStackReady } from '../chaos/stack-readiness';
import { CatchUp } from '../drivers/caught-up';
import { ChangeFeed } from '../drivers/change-feed';
import { DatabaseMaintenance } from '../drivers/database';
import { UserdataClient } from '../drivers/userdata-client';
import { environmentFromEnv } from '../environments/select-environment';
import type { Inbox } from '../mail/inbox';
import { freePorts } from '../stack/stack-ports';
import { type RunningStack, stackDescription, startStack } from '../stack/start-stack';

// kafkajs's TimeoutNegativeWarning on Node 24 is noise (see known-warnings.ts).
silenceKafkajsTimeoutWarning();

/**
 * An email is late when it came more than this after its change's 2xx, beyond the longest fault's whole length (from
 * the kill or freeze until changes made since were emailed again): a change answered just before a fault may wait
 * for all of it.
 */
const lateMarginMs = 30_000;
/** How long the pipeline may take to catch up once the load is over. */
const catchUpTimeoutMs = 300_000;
/**
 * How long after a fault changes may take to be emailed again before the run gives up on the stack: well past
 * Debezium's reconnection to a restarted database, which its default keep-alive check (a minute) would delay.
 */
const flowingTimeoutMs = 240_000;

async function main(): Promise<number> {
  const options = parseChaosOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(usage);
    return 0;
  }
  const log = (line: string) => console.log(line);
  const schedule = planSchedule(options.seed, options.runMs, options.shape);
  log(`${header(options, schedule)}\n${plannedLines(schedule).join('\n')}\n`);

  const environment = await environmentFromEnv(process.env, log);
  const stack = await startStack({
    environment,
    ports: await freePorts(),
    mailSink: 'inbox',
    keepData: process.env.CDC_KEEP_DATA === '1',
    log,
  });
  const { inbox } = stack;
  if (!inbox) throw new Error('the chaos run reads the inbox mail sink');
  const run: FaultRun = { applied: [], skipped: [] };
  const stopping = new AbortController();
  let loadStartedAt = Date.now();
  // The stack's own handlers stop everything and exit; this one only keeps the faults and the load from going on
  // meanwhile (a restart during the teardown), and says what had been done, for a replay.
  let signalled = false;
  const interrupted = () => {
    signalled = true;
    stopping.abort();
    log(`\nInterrupted. Seed ${options.seed}; the faults made so far:`);
    log(appliedLines(run, loadStartedAt, recoveriesSoFar(run)).join('\n'));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, interrupted);
  let changeFeed: ChangeFeed | undefined;
  try {
    const userdata = new UserdataClient(stack.userdataUrl);
    log(`Registering ${options.people} people and waiting for their welcomes…`);
    const people = await registerPeople(userdata, inbox, options.people);
    log(
      `Load: ${options.ratePerSecond} address changes/s for ${options.runMs / 1000} s; faults as planned above (times from now).`,
    );
    loadStartedAt = Date.now();
    const faults = runFaults(
      schedule,
      {
        components: stack.components,
        loadStartedAt,
        runMs: options.runMs,
        shape: options.shape,
        untilReady: () => untilStackReady(stack),
        untilFlowing: (since) =>
          untilEmailedFrom(
            () => inbox.all(),
            firstSeqDueFrom(since, loadStartedAt, options.ratePerSecond),
            flowingTimeoutMs,
          ),
        log,
        signal: stopping.signal,
      },
      run,
    ).catch((error: unknown) => {
      stopping.abort();
      throw error;
    });
    const load = changeAddresses({
      userdata,
      people,
      ratePerSecond: options.ratePerSecond,
      durationMs: options.runMs,
      stopped: () => stopping.signal.aborted,
    });
    const [changes] = await Promise.all([load, faults]);
    log(`+${((Date.now() - loadStartedAt) / 1000).toFixed(1)} s load done; waiting for the pipeline to catch up…`);
    const caughtUpFrom = Date.now();
    await untilStackReady(stack);
    changeFeed = await ChangeFeed.start(stack.infrastructure.kafka.brokers, stack.changeTopic);
    const { database } = stack.infrastructure;
    await new CatchUp({
      userdata,
      changeFeed,
      database: new DatabaseMaintenance({ ...database, credentials: database.userdata }),
      groupId: stack.pushEmailGroupId,
    }).untilCaughtUp(catchUpTimeoutMs);
    log(`Caught up in ${((Date.now() - caughtUpFrom) / 1000).toFixed(1)} s.`);

    const longestFaultMs = Math.max(
      0,
      ...run.applied.map((fault) => (fault.flowingAt ?? fault.readyAt ?? fault.endedAt) - fault.startedAt),
    );
    const ledger = keepLedger(changes, inbox.all(), run.applied, {
      pushEmailDuplicateWindow: stack.pushEmailDuplicateWindow,
      lateAfterMs: longestFaultMs + lateMarginMs,
    });
    const recoveries = recoveriesOf(run.applied, changes, inbox);
    log(`\n${header(options, schedule)}`);
    log(`Stack: ${stackDescription(environment, stack.infrastructure)}; machine: ${cpus().length} cores`);
    log('Schedule as run (recovery times from the restart or thaw):');
    log(appliedLines(run, loadStartedAt, recoveries).join('\n'));
    log('Ledger:');
    log(ledgerLines(ledger, stack.pushEmailDuplicateWindow, loadStartedAt).join('\n'));
    log(
      ledger.failures.length === 0
        ? '\nChaos run passed: nothing lost, nothing emailed twice beyond the documented bound, no unexpected answer.'
        : `\nChaos run FAILED:\n  ${ledger.failures.join('\n  ')}`,
    );
    if (options.json) {
      const file = writeResults(options, { stack, environment, schedule, run, loadStartedAt, recoveries, ledger });
      log(`Results: ${file}`);
    }
    return ledger.failures.length === 0 ? 0 : 1;
  } catch (error) {
    // Interrupted: the stack's handler stops everything and exits 130; what the run was doing ends here, unreported.
    if (signalled) return 130;
    log(`\nThe chaos run could not finish. Seed ${options.seed}; the faults made:`);
    log(appliedLines(run, loadStartedAt, recoveriesSoFar(run)).join('\n'));
    throw error;
  } finally {
    stopping.abort();
    await changeFeed?.stop();
    await stack.stop();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, interrupted);
  }
}

function header(options: ChaosOptions, schedule: readonly PlannedFault[]): string {
  const replay = [
    'npm run chaos --',
    ...(options.short ? ['--short'] : []),
    `--seed ${options.seed}`,
    `--duration ${options.runMs / 1000}s`,
    `--rate ${options.ratePerSecond}`,
    `--people ${options.people}`,
  ].join(' ');
  return (
    `Chaos run${options.short ? ' (short)' : ''}: seed ${options.seed} (replay: ${replay}); ` +
    `${options.runMs / 1000} s of ${options.ratePerSecond} changes/s over ${options.people} people; ${schedule.length} faults planned:`
  );
}

/** Registers the people the load changes, and waits for each one's welcome: the pipeline works before any fault. */
async function registerPeople(userdata: UserdataClient, inbox: Inbox, count: number): Promise<ChaosPerson[]> {
  const run = randomUUID().slice(0, 8);
  const people: ChaosPerson[] = [];
  for (let i = 1; i <= count; i++) {
    const email = `chaos-${i}.${run}@example.test`;
    const user = await userdata.register({ name: `Chaos ${i}`, email, address: `Chaos home ${i}` });
    people.push({ id: user.id, email });
  }
  await Promise.all(
    people.map((person) =>
      inbox.waitFor(person.email, 'the welcome', (message) => message.subject.startsWith('Welcome'), 60_000),
    ),
  );
  return people;
}

/** What the run saw of each fault's recovery as it went (no ledger yet): for a run that stopped half-way. */
function recoveriesSoFar(run: FaultRun): Map<number, Recovery> {
  const since = (fault: AppliedFault, time: number | undefined) =>
    time === undefined ? undefined : time - fault.endedAt;
  return new Map(
    run.applied.map((fault) => [
      fault.index,
      { readyMs: since(fault, fault.readyAt), firstNewEmailMs: since(fault, fault.flowingAt) },
    ]),
  );
}

function recoveriesOf(
  applied: readonly AppliedFault[],
  changes: readonly ChangeAttempt[],
  inbox: Inbox,
): Map<number, Recovery> {
  const { bySeq } = emailsOfChanges(changes, inbox.all());
  return new Map(applied.map((fault) => [fault.index, recoveryFrom(fault, changes, bySeq)]));
}

function writeResults(
  options: ChaosOptions,
  results: {
    stack: RunningStack;
    environment: Parameters<typeof stackDescription>[0];
    schedule: readonly PlannedFault[];
    run: FaultRun;
    loadStartedAt: number;
    recoveries: ReadonlyMap<number, Recovery>;
    ledger: Ledger;
  },
): string {
  const { ledger, run, loadStartedAt } = results;
  const folder = join(__dirname, '..', '..', 'reports', 'chaos');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${options.short ? 'short' : 'full'}-seed-${options.seed}.json`);
  const relative = (time: number | undefined) => (time === undefined ? undefined : time - loadStartedAt);
  const json = {
    finishedAt: new Date().toISOString(),
    seed: options.seed,
    short: options.short,
    runMs: options.runMs,
    ratePerSecond: options.ratePerSecond,
    people: options.people,
    stack: stackDescription(results.environment, results.stack.infrastructure),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?' },
    /** The times below count from here (epoch ms); the emails' acceptedAt are epoch ms. */
    loadStartedAt,
    planned: results.schedule,
    applied: run.applied.map((fault) => ({
      index: fault.index,
      component: fault.component,
      kind: fault.kind,
      startedMs: relative(fault.startedAt),
      inEffectMs: relative(fault.inEffectAt),
      endedMs: relative(fault.endedAt),
      readyMs: relative(fault.readyAt),
      flowingMs: relative(fault.flowingAt),
      recovery: results.recoveries.get(fault.index),
    })),
    skipped: run.skipped,
    ledger: {
      ...ledger,
      lost: ledger.lost.length,
      lostSeqs: ledger.lost,
      late: { afterMs: ledger.late.afterMs, count: ledger.late.seqs.length, seqs: ledger.late.seqs },
    },
    passed: ledger.failures.length === 0,
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Whatever client might still hold the event loop (a socket closing), the run is over.
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    console.error(`\nnpm run chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
