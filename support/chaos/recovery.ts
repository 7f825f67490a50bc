import type { LedgerEmail, LedgerFault } from './ledger';
import type { ChangeAttempt } from './load';

/** A fault as it happened, with when the stack was whole again. */
export interface RecoveredFault extends LedgerFault {
  /** Every component running and the stack's readiness checks passing again; absent if it never was. */
  readonly readyAt?: number;
  /** A change made since the fault ended was emailed, as the run saw it (it polls); absent if none was. */
  readonly flowingAt?: number;
}

/** How long the pipeline took to recover from one fault, each from the moment the restart or thaw was asked for. */
export interface Recovery {
  /** Until the component was back and the whole stack ready (readiness checks of userdata, push-email, connector). */
  readonly readyMs?: number;
  /** Until the first email of a change sent after the fault ended: changes flow end to end again. */
  readonly firstNewEmailMs?: number;
  /** Until every change acknowledged before the fault ended was emailed: the backlog is gone (0 when there was none). */
  readonly backlogMs?: number;
}

/** Measures a fault's recovery from the run's changes and each change's emails (earliest first). */
export function recoveryFrom(
  fault: RecoveredFault,
  changes: readonly ChangeAttempt[],
  emailsBySeq: ReadonlyMap<number, readonly LedgerEmail[]>,
): Recovery {
  const firstEmailAt = (change: ChangeAttempt) => emailsBySeq.get(change.seq)?.[0]?.receivedAt;
  const after = changes
    .filter((change) => change.person && change.scheduledAt >= fault.endedAt)
    .map(firstEmailAt)
    .filter((at): at is number => at !== undefined);
  const before = changes
    .filter(
      (change) =>
        change.status !== undefined &&
        change.status >= 200 &&
        change.status < 300 &&
        change.answeredAt !== undefined &&
        change.answeredAt < fault.endedAt,
    )
    .map(firstEmailAt)
    .filter((at): at is number => at !== undefined);
  return {
    ...(fault.readyAt === undefined ? {} : { readyMs: fault.readyAt - fault.endedAt }),
    ...(after.length === 0 ? {} : { firstNewEmailMs: Math.min(...after) - fault.endedAt }),
    ...(before.length === 0 ? {} : { backlogMs: Math.max(0, Math.max(...before) - fault.endedAt) }),
  };
}
