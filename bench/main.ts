/**
 * `npm run bench [-- --quick]`: how fast a change becomes an email and how much the pipeline carries, on the native
 * stack, with the baselines measured in the same run. Prints a table; writes reports/bench/results.json and
 * reports/bench/summary.md. Targets are reported, never asserted.
 */

import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { silenceKafkajsTimeoutWarning } from '../src/shared/known-warnings';
import { UserdataClient } from '../support/drivers/userdata-client';
import { environmentFromEnv } from '../support/environments/select-environment';
import { freePorts } from '../support/stack/stack-ports';
import { type RunningStack, startStack } from '../support/stack/start-stack';
import { measureBacklog } from './backlog';
import { ChangeTimes } from './change-times';
import { writeCharts } from './charts';
import { httpLoad } from './http';
import { LightSmtpSink } from './light-sink/light-smtp-sink';
import { cpuSeconds, cpuShare, peak, residentMemory } from './memory';
import { inboxMail, lightSinkMail, type PipelineRun, runThroughPipeline } from './pipeline';
import { rawUpdateRate } from './raw-mysql';
import { reconfigurePolling } from './reconfigure';
import { median, round } from './stats';
import { summaryMarkdown } from './summary';
import { measureUserdataVsRaw } from './userdata-vs-raw';

// kafkajs's TimeoutNegativeWarning on Node 24 is noise (see known-warnings.ts).
silenceKafkajsTimeoutWarning();

const quick = process.argv.includes('--quick');
/** `--out <folder>`: where the results go (reports/bench by default). */
const outIndex = process.argv.indexOf('--out');
const outputFolder = outIndex > 0 ? (process.argv[outIndex + 1] ?? '') : join(__dirname, '..', 'reports', 'bench');

/** The sizes of a full run and of the quick run that `npm test` makes so the benchmark code cannot rot. */
const plan = quick
  ? {
      coldStarts: 1,
      users: 10,
      latencyUpdates: 10,
      latencyRate: 20,
      rates: [50],
      rateMs: 2_000,
      rawMs: 1_000,
      backlog: 100,
      httpSeconds: 1,
      warmNpmTest: false,
    }
  : {
      coldStarts: 3,
      users: 200,
      latencyUpdates: 300,
      latencyRate: 50,
      rates: [100, 250, 500, 1000, 2000],
      rateMs: 20_000,
      rawMs: 10_000,
      backlog: 20_000,
      httpSeconds: 10,
      warmNpmTest: true,
    };
const connections = 16;

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const startedAt = Date.now();

  // Start-up: the last cold start is the stack the rest of the benchmark runs on.
  const startups: Record<string, number>[] = [];
  let stack: RunningStack | undefined;
  for (let i = 0; i < plan.coldStarts; i++) {
    const started = Date.now();
    const candidate = await startStack({
      environment: await environmentFromEnv(process.env, log),
      ports: await freePorts(),
      mailSink: 'inbox',
      keepData: process.env.CDC_KEEP_DATA === '1',
      log: () => undefined,
    });
    startups.push({
      total: Date.now() - started,
      ...Object.fromEntries(candidate.timings.map((timing) => [timing.component, timing.ms])),
    });
    if (i < plan.coldStarts - 1) await candidate.stop();
    else stack = candidate;
  }
  if (!stack?.inbox) throw new Error('the benchmark needs the inbox mail sink');
  const { inbox } = stack;
  const running = stack;
  log(`Stack ready; cold starts measured: ${startups.length}`);

  /** The light SMTP sink's process, once started: stopped with the stack, whatever happens. */
  let stopSink: (() => Promise<void>) | undefined;
  try {
    const userdata = new UserdataClient(running.userdataUrl);
    const users = [];
    for (let i = 0; i < plan.users; i++) {
      users.push(await userdata.register({ name: `Bench ${i}`, email: `bench${i}@bench.test`, address: 'start' }));
    }
    const userIds = users.map((user) => user.id);
    const changeTimes = await ChangeTimes.start(running.infrastructure.kafka.brokers, running.changeTopic);
    const memoryIdle = residentMemory(running.runFolder);
    const inboxAccepted = inboxMail(inbox);
    const through = (label: string, ratePerSecond: number, durationMs: number, mail = inboxAccepted) =>
      runThroughPipeline({
        label,
        userdataUrl: running.userdataUrl,
        userIds,
        mail,
        changeTimes,
        ratePerSecond,
        durationMs,
        connections,
        quietMs: quick ? 5_000 : 15_000,
      });
    const latencyRun = async (label: string): Promise<PipelineRun> => {
      await through(`${label}-warmup`, plan.latencyRate, Math.max(1_000, (20 * 1000) / plan.latencyRate));
      return through(label, plan.latencyRate, (plan.latencyUpdates * 1000) / plan.latencyRate);
    };

    log('Latency with the tuned connector settings…');
    const tuned = await latencyRun('tuned');
    log("Latency with Debezium's default polling (500 ms)…");
    await reconfigurePolling(running, 500);
    const defaults = await latencyRun('defaults');
    await reconfigurePolling(running, undefined);
    // The connector restarted with its tuned settings: let it settle before the throughput runs measure it.
    await through('retuned-warmup', plan.latencyRate, Math.max(1_000, (20 * 1000) / plan.latencyRate));

    // The ladder's emails go to the light sink, in its own process and parsing no MIME, so that the mail server is
    // not what limits the rate (the specs' inbox answers each message only once it has parsed it, in this process).
    const sink = await LightSmtpSink.start();
    stopSink = () => sink.stop();
    await running.killPushEmail();
    const ladderPushEmail = await running.addPushEmailInstance({ SMTP_PORT: String(sink.port) });
    const sinkAccepted = lightSinkMail(sink, changeTimes);
    const throughput: PipelineRun[] = [];
    /** Per offered rate: each component's CPU use, in % of one core, over the run and its drain. */
    const cpuPercent: Record<number, Record<string, number>> = {};
    let memoryLoaded = memoryIdle;
    /** Per offered rate: each component's peak resident memory, so that a rate compares with the same rate. */
    const memoryPerRate: Record<number, Record<string, number>> = {};
    for (const rate of plan.rates) {
      log(`Throughput at ${rate} updates/s…`);
      memoryPerRate[rate] = memoryIdle;
      const sampler = setInterval(() => {
        const now = residentMemory(running.runFolder);
        memoryLoaded = peak(memoryLoaded, now);
        memoryPerRate[rate] = peak(memoryPerRate[rate] ?? now, now);
      }, 500);
      const cpuNow = () => ({
        ...cpuSeconds(running.runFolder),
        harness: cpuOfThisProcess(),
        'mail sink': sink.cpuSeconds(),
      });
      const cpuBefore = cpuNow();
      const begun = Date.now();
      try {
        throughput.push(await through(`rate${rate}`, rate, plan.rateMs, sinkAccepted));
      } finally {
        clearInterval(sampler);
      }
      const cpuAfter = cpuNow();
      cpuPercent[rate] = cpuShare(cpuBefore, cpuAfter, (Date.now() - begun) / 1000);
      const last = throughput.at(-1) as PipelineRun;
      if (last.lost > 0 || last.responseToAccepted.p99 > 1_000) {
        log(`  not sustained (lost ${last.lost}, p99 ${last.responseToAccepted.p99} ms): higher rates skipped`);
        break;
      }
    }
    await ladderPushEmail.stop();
    await running.restartPushEmail();
    const sustained = throughput.filter((run) => run.lost === 0 && run.responseToAccepted.p99 <= 1_000).at(-1);

    log('A backlog: capture and delivery, each beside its bare baseline…');
    const backlog = await measureBacklog({ stack: running, sink, changeTimes, userIds, changes: plan.backlog, log });
    await sink.stop();

    log('Raw mysql2 updates…');
    const rawRate = await rawUpdateRate(running.infrastructure.database, {
      concurrency: connections,
      durationMs: plan.rawMs,
      rows: plan.users,
    });
    log('userdata over HTTP (autocannon)…');
    let reads = 0;
    const read = await httpLoad({
      url: running.userdataUrl,
      request: () => ({ path: `/users/${userIds[reads++ % userIds.length]}` }),
      method: 'GET',
      connections,
      durationSeconds: plan.httpSeconds,
    });
    let patched = 0;
    // Updates spread over every user, as the raw baseline's are: no two connections queue on one row's lock.
    const update = await httpLoad({
      url: running.userdataUrl,
      method: 'PATCH',
      connections,
      durationSeconds: plan.httpSeconds,
      request: () => {
        const index = patched++;
        return { path: `/users/${userIds[index % userIds.length]}`, body: { address: `http ${index}` } };
      },
    });
    log('userdata beside raw mysql2 running its statements, the pipeline idle and running…');
    const userdataVsRaw = await measureUserdataVsRaw({
      stack: running,
      userIds,
      connections,
      seconds: plan.httpSeconds,
      log,
    });
    await changeTimes.stop();

    const results = {
      quick,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? '?',
        memoryGiB: round(totalmem() / 2 ** 30),
        node: process.version,
      },
      startup: {
        coldStarts: startups.length,
        medianMs: Object.fromEntries(
          Object.keys(startups[0] ?? {}).map((key) => [key, median(startups.map((s) => s[key] ?? NaN))]),
        ),
      },
      latency: { tuned, defaults, p50Ratio: round(defaults.responseToAccepted.p50 / tuned.responseToAccepted.p50, 2) },
      throughput: {
        runs: throughput,
        cpuPercent,
        highestSustainedRate: sustained?.ratePerSecond ?? 0,
        rawMysqlUpdatesPerSecond: round(rawRate),
        sustainedToRawRatio: round((sustained?.ratePerSecond ?? 0) / rawRate, 3),
      },
      http: { read, update, updateToRawRatio: round(update.requestsPerSecond / rawRate, 3) },
      backlog,
      userdataVsRaw,
      memoryMiB: { idle: memoryIdle, underLoad: memoryLoaded, perRate: memoryPerRate },
      warmNpmTestSeconds: undefined as number | undefined,
      warmNpmTestExit: undefined as number | string | undefined,
    };
    await running.stop();
    stack = undefined;
    if (plan.warmNpmTest) {
      log('A warm npm test…');
      const begun = Date.now();
      // Its output goes to a file: a failure is reported in the summary with where to read why.
      const output = join(outputFolder, 'warm-npm-test.log');
      mkdirSync(outputFolder, { recursive: true });
      const outputFd = openSync(output, 'w');
      const child = spawnSync('npm', ['run', 'test:all'], {
        stdio: ['ignore', outputFd, outputFd],
        env: { ...process.env, CDC_BENCH_NESTED: '1' },
      });
      closeSync(outputFd);
      results.warmNpmTestSeconds = round((Date.now() - begun) / 1000);
      results.warmNpmTestExit = child.status ?? child.signal ?? undefined;
    }
    mkdirSync(outputFolder, { recursive: true });
    writeFileSync(join(outputFolder, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = summaryMarkdown(results);
    writeFileSync(join(outputFolder, 'summary.md'), markdown);
    const charts = await writeCharts(results, outputFolder);
    console.log(`\n${markdown}`);
    log(
      `Benchmark done in ${round((Date.now() - startedAt) / 1000)} s: ${join(outputFolder, 'results.json')}, summary.md, ${charts.map((chart) => basename(chart)).join(', ')}`,
    );
  } finally {
    await stopSink?.();
    await stack?.stop();
  }
}

/** The benchmark process itself: the load generator and the SMTP server that receives every email. */
function cpuOfThisProcess(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

main().catch((error: unknown) => {
  console.error(`npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
