import type { Distribution } from '../support/lib/distribution';
import type { BacklogRun } from './backlog';
import type { HttpRun } from './http';
import type { PipelineRun } from './pipeline';
import type { SideBySide, UserdataVsRaw } from './userdata-vs-raw';

export interface BenchResults {
  readonly quick: boolean;
  readonly finishedAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
  };
  readonly startup: { readonly coldStarts: number; readonly medianMs: Record<string, number> };
  readonly latency: { readonly tuned: PipelineRun; readonly defaults: PipelineRun; readonly p50Ratio: number };
  readonly throughput: {
    readonly runs: readonly PipelineRun[];
    readonly cpuPercent: Readonly<Record<number, Record<string, number>>>;
    readonly highestSustainedRate: number;
    readonly rawMysqlUpdatesPerSecond: number;
    readonly sustainedToRawRatio: number;
  };
  readonly http: { readonly read: HttpRun; readonly update: HttpRun; readonly updateToRawRatio: number };
  readonly backlog: BacklogRun;
  readonly userdataVsRaw: UserdataVsRaw;
  readonly memoryMiB: {
    readonly idle: Record<string, number>;
    readonly underLoad: Record<string, number>;
    /** The peak during each offered rate's run. */
    readonly perRate: Record<number, Record<string, number>>;
  };
  readonly warmNpmTestSeconds: number | undefined;
  /** Its exit status (0: passed), or the signal that ended it; its output is warm-npm-test.log beside. */
  readonly warmNpmTestExit?: number | string | undefined;
}

const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)}` : '–');
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
const percentiles = (d: Distribution): string[] => [ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max)];

/** The Markdown summary: the tables the README's Performance section shows. */
export function summaryMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `Measured ${r.finishedAt} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}${r.quick ? ' (quick mode: tiny samples, not figures to quote)' : ''}.`,
    '',
  );
  lines.push('**End-to-end latency** (ms), one update at a time at a steady rate:', '');
  lines.push(row(['connector polling', 'from', 'p50', 'p90', 'p99', 'max', 'changes']));
  lines.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const [label, run] of [
    ['tuned (20 ms)', r.latency.tuned],
    ['Debezium default (500 ms)', r.latency.defaults],
  ] as const) {
    lines.push(row([label, 'HTTP answer → SMTP accepted', ...percentiles(run.responseToAccepted), run.updates]));
    lines.push(row([label, 'Debezium read → SMTP accepted', ...percentiles(run.capturedToAccepted), run.updates]));
    lines.push(
      row([label, 'commit (source.ts_ms, whole s) → SMTP', ...percentiles(run.committedToAccepted), run.updates]),
    );
  }
  lines.push('', `Default polling ÷ tuned, p50: **${r.latency.p50Ratio}×**.`, '');
  lines.push(
    '**Throughput**, open-loop updates through userdata, the emails into the light SMTP sink (its own process):',
    '',
  );
  lines.push(row(['offered /s', 'updates', 'emails /s', 'p50 ms', 'p99 ms', 'lost', 'duplicated', 'refused']));
  lines.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const run of r.throughput.runs) {
    lines.push(
      row([
        run.ratePerSecond,
        run.updates,
        run.emailsPerSecond,
        ms(run.scheduledToAccepted.p50),
        ms(run.scheduledToAccepted.p99),
        run.lost,
        run.duplicated,
        run.refused,
      ]),
    );
  }
  const cpuRates = Object.keys(r.throughput.cpuPercent);
  if (cpuRates.length > 0) {
    const parts = [...new Set(cpuRates.flatMap((rate) => Object.keys(r.throughput.cpuPercent[Number(rate)] ?? {})))];
    lines.push('', `CPU per component during each run (% of one core; the machine has ${r.machine.cpus}):`, '');
    lines.push(row(['offered /s', ...parts]));
    lines.push(row(['---:', ...parts.map(() => '---:')]));
    for (const rate of cpuRates) {
      lines.push(row([rate, ...parts.map((part) => r.throughput.cpuPercent[Number(rate)]?.[part] ?? 0)]));
    }
  }
  lines.push(
    '',
    `Highest rate sustained with no loss and p99 ≤ 1 s: **${r.throughput.highestSustainedRate}/s**; raw mysql2 single-row UPDATEs at 16 connections: **${Math.round(r.throughput.rawMysqlUpdatesPerSecond)}/s** (ratio ${r.throughput.sustainedToRawRatio}).`,
    '',
  );
  lines.push(...backlogLines(r.backlog));
  lines.push('**userdata over HTTP** (autocannon, 16 connections):', '');
  lines.push(row(['request', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx']));
  lines.push(row(['---', '---:', '---:', '---:', '---:']));
  lines.push(
    row([
      'GET /users/{id}',
      Math.round(r.http.read.requestsPerSecond),
      r.http.read.p50Ms,
      r.http.read.p99Ms,
      r.http.read.non2xx,
    ]),
  );
  lines.push(
    row([
      'PATCH /users/{id}',
      Math.round(r.http.update.requestsPerSecond),
      r.http.update.p50Ms,
      r.http.update.p99Ms,
      r.http.update.non2xx,
    ]),
  );
  lines.push('', `PATCH ÷ raw mysql2 UPDATE: **${r.http.updateToRawRatio}**.`, '');
  lines.push(...sideBySideLines(r.userdataVsRaw));
  lines.push(`**Start-up** (median of ${r.startup.coldStarts} cold start(s), s):`, '');
  const components = Object.keys(r.startup.medianMs);
  lines.push(row(components));
  lines.push(row(components.map(() => '---:')));
  lines.push(row(components.map((key) => ((r.startup.medianMs[key] ?? NaN) / 1000).toFixed(1))));
  if (r.warmNpmTestSeconds !== undefined) {
    const failed = r.warmNpmTestExit !== 0 && r.warmNpmTestExit !== undefined;
    lines.push(
      '',
      failed
        ? `A warm \`npm test\`: **failed** (${r.warmNpmTestExit}) after ${r.warmNpmTestSeconds} s; its output is warm-npm-test.log, beside this summary.`
        : `A warm \`npm test\`: ${r.warmNpmTestSeconds} s.`,
    );
  }
  lines.push('', '**Resident memory** (MiB):', '');
  const names = [...new Set([...Object.keys(r.memoryMiB.idle), ...Object.keys(r.memoryMiB.underLoad)])];
  lines.push(row(['', ...names, 'total']));
  lines.push(row(['---', ...names.map(() => '---:'), '---:']));
  for (const [label, reading] of [
    ['idle', r.memoryMiB.idle],
    ...Object.entries(r.memoryMiB.perRate).map(([rate, peakMiB]) => [`peak at ${rate} updates/s`, peakMiB] as const),
  ] as const) {
    const values = names.map((name) => reading[name] ?? 0);
    lines.push(row([label, ...values, values.reduce((a, b) => a + b, 0)]));
  }
  return `${lines.join('\n')}\n`;
}

/** The backlog tables: capture and delivery, each beside its bare baseline. */
function backlogLines(b: BacklogRun): string[] {
  const { capture, delivery } = b;
  return [
    `**A backlog of ${b.changes} changes** made by SQL while push-email was stopped, each part beside its bare baseline:`,
    '',
    row(['part', 'what', 'count', 's', 'per s']),
    row(['---', '---', '---:', '---:', '---:']),
    row(['capture', 'Debezium onto the change topic', ...rateCells(capture.debezium)]),
    row(['capture', 'raw kafkajs producer, as many records of that size', ...rateCells(capture.rawProducer)]),
    row(['delivery', 'push-email draining the backlog into the light SMTP sink', ...rateCells(delivery.pushEmail)]),
    row([
      'delivery',
      'bare nodemailer, same pool, as many emails into the same sink',
      ...rateCells(delivery.bareNodemailer),
    ]),
    '',
    `push-email ÷ bare nodemailer: **${delivery.ratio}**. The light sink (its own process) used ${delivery.sinkCpuPercent.pushEmail}% and ${delivery.sinkCpuPercent.bareNodemailer}% of one core during them.`,
    '',
  ];
}

function rateCells(rate: {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
}): (string | number)[] {
  return [rate.count, rate.seconds, rate.perSecond];
}

/** userdata beside raw mysql2 running the same statements, the pipeline idle and running. */
function sideBySideLines(u: UserdataVsRaw): string[] {
  const line = (phase: string, request: string, side: SideBySide) =>
    row([
      phase,
      request,
      Math.round(side.userdata.requestsPerSecond),
      Math.round(side.raw.requestsPerSecond),
      `**${side.ratio}**`,
      `${side.userdata.p50Ms} / ${side.raw.p50Ms}`,
      `${side.userdata.p99Ms} / ${side.raw.p99Ms}`,
    ]);
  return [
    `**userdata beside its driver** (${u.connections} connections; raw mysql2 runs the repository's statements for the request on an uncaptured copy of the table):`,
    '',
    row(['pipeline', 'request', 'userdata /s', 'raw mysql2 /s', 'userdata ÷ raw', 'p50 ms (userdata / raw)', 'p99 ms']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:']),
    line('idle', 'GET /users/{id}: SELECT', u.idle.get),
    line('idle', 'PATCH /users/{id}: START TRANSACTION, UPDATE, SELECT, COMMIT', u.idle.patch),
    line('running', 'GET', u.running.get),
    line('running', 'PATCH', u.running.patch),
    '',
  ];
}
