import type { AppliedFault, FaultRun } from './fault-runner';
import type { Ledger } from './ledger';
import type { Recovery } from './recovery';
import type { PlannedFault } from './schedule';

const seconds = (ms: number | undefined): string => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
/** Milliseconds below a second, seconds above: a latency's precision where it matters. */
const latency = (ms: number): string => (Number.isNaN(ms) ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));
const offset = (ms: number): string => `+${(ms / 1000).toFixed(1)} s`;
const duration = (fault: PlannedFault): string =>
  `${seconds(fault.durationMs)}${fault.kind === 'kill' ? ' down' : ' frozen'}`;

/** Rows of cells as aligned columns, indented. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd());
}

/** The schedule as planned, before the run. */
export function plannedLines(schedule: readonly PlannedFault[]): string[] {
  if (schedule.length === 0) return ['  (no fault fits in this run)'];
  return table([
    ['#', 'at', 'component', 'fault', 'for'],
    ...schedule.map((fault) => [String(fault.index), offset(fault.atMs), fault.component, fault.kind, duration(fault)]),
  ]);
}

/** The schedule as it ran, with each fault's measured recovery. */
export function appliedLines(
  run: FaultRun,
  loadStartedAt: number,
  recoveries: ReadonlyMap<number, Recovery>,
): string[] {
  const rows = run.applied.map((fault: AppliedFault) => {
    const recovery = recoveries.get(fault.index) ?? {};
    return [
      String(fault.index),
      offset(fault.startedAt - loadStartedAt),
      fault.component,
      fault.kind,
      seconds(fault.endedAt - fault.startedAt),
      seconds(recovery.readyMs),
      seconds(recovery.firstNewEmailMs),
      seconds(recovery.backlogMs),
    ];
  });
  const header = ['#', 'at', 'component', 'fault', 'for', 'ready', 'first new email', 'backlog emailed'];
  return [
    ...(rows.length > 0 ? table([header, ...rows]) : []),
    ...run.skipped.map(({ fault, why }) => `  #${fault.index} ${fault.kind} ${fault.component} skipped: ${why}`),
    ...(run.inProgress
      ? [
          `  #${run.inProgress.fault.index} ${run.inProgress.fault.kind} ${run.inProgress.fault.component} (${offset(run.inProgress.startedAt - loadStartedAt)}) still in progress: not recovered`,
        ]
      : []),
  ];
}

/** What the ledger found, in a few lines; each duplicate beyond the bound on a line of its own, for a diagnosis. */
export function ledgerLines(ledger: Ledger, pushEmailDuplicateWindow: number, loadStartedAt: number): string[] {
  const { duplicated, refused } = ledger;
  const byFault = new Map<number, number>();
  for (const duplicate of duplicated.withinBound) {
    if (duplicate.explainedBy !== undefined)
      byFault.set(duplicate.explainedBy, (byFault.get(duplicate.explainedBy) ?? 0) + 1);
  }
  const reasons = Object.entries(refused.byReason)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]) => `${count} ${reason}`);
  return [
    `  changes due ${ledger.planned}, sent ${ledger.planned - ledger.notSent}` +
      (ledger.notSent > 0 ? ` (${ledger.notSent} not sent: every person had a change in flight)` : ''),
    `  acknowledged (2xx) ${ledger.acknowledged}, emailed ${ledger.emailed}, lost ${ledger.lost.length}`,
    `  refused ${refused.total}${reasons.length > 0 ? `: ${reasons.join(' · ')}` : ''}; applied despite refusal ${refused.appliedDespiteRefusal.length}` +
      (refused.unexpected.length > 0 ? `; unexpected ${refused.unexpected.length}` : ''),
    `  duplicated within the documented bound ${duplicated.withinBound.length}` +
      (byFault.size > 0
        ? ` (${[...byFault].map(([index, count]) => `fault #${index}: ${count} of at most ${pushEmailDuplicateWindow}`).join(', ')}, same Message-ID)`
        : '') +
      `, beyond it ${duplicated.beyondBound.length}`,
    `  latency from the 2xx to the email: p50 ${latency(ledger.latency.p50)}, p90 ${latency(ledger.latency.p90)}, p99 ${latency(ledger.latency.p99)}, max ${latency(ledger.latency.max)}; late (over ${seconds(ledger.late.afterMs)}) ${ledger.late.seqs.length}`,
    ...duplicated.beyondBound.map(
      (d) =>
        `    #${d.seq} to ${d.recipient}: ${d.copies} copies accepted at ${d.acceptedAt.map((at) => `+${((at - loadStartedAt) / 1000).toFixed(3)} s`).join(', ')}; Message-ID ${d.messageIds.join(', ')}`,
    ),
    ...(ledger.unmatchedEmails.length > 0 ? [`  emails about no change made ${ledger.unmatchedEmails.length}`] : []),
  ];
}
