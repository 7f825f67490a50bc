import { setTimeout as delay } from 'node:timers/promises';
import type { ComponentControl } from '../lib/supervisor';
import type { StackComponent } from '../stack/start-stack';
import type { RecoveredFault } from './recovery';
import type { PlannedFault, ScheduleShape } from './schedule';

/** A fault as it was made: its plan, and when each step of it happened (epoch ms). */
export interface AppliedFault extends RecoveredFault {
  readonly planned: PlannedFault;
}

export interface FaultRun {
  readonly applied: AppliedFault[];
  /** Planned faults there was no time left for, once the ones before had recovered. */
  readonly skipped: { readonly fault: PlannedFault; readonly why: string }[];
  /** The fault being made now, until its component is back and changes are emailed again. */
  inProgress?: { readonly fault: PlannedFault; readonly startedAt: number };
}

export interface FaultRunnerOptions {
  readonly components: Readonly<Record<StackComponent, ComponentControl>>;
  /** When the load started: the plan's times count from it. */
  readonly loadStartedAt: number;
  readonly runMs: number;
  readonly shape: ScheduleShape;
  /** Resolves once the whole stack is ready again; rejects if it does not become so. */
  readonly untilReady: () => Promise<void>;
  /** Resolves once a change due after `since` has been emailed: changes flow end to end again. */
  readonly untilFlowing: (since: number) => Promise<void>;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Makes the planned faults one at a time: kill (SIGKILL), then restart after the planned downtime; or freeze
 * (SIGSTOP), then thaw after the planned time. Each next fault waits until the one before is over (the stack ready
 * again, and a change made since emailed) and for the shortest gap after that, so its plan may slip; a fault that
 * would then end within the run's tail is skipped.
 * `run.applied` grows as the faults happen, so a failed run still says what was done.
 */
export async function runFaults(
  schedule: readonly PlannedFault[],
  options: FaultRunnerOptions,
  run: FaultRun,
): Promise<void> {
  const { loadStartedAt, shape, signal } = options;
  let calmFrom = loadStartedAt;
  for (const planned of schedule) {
    const dueAt = Math.max(loadStartedAt + planned.atMs, calmFrom);
    if (dueAt + planned.durationMs > loadStartedAt + options.runMs - shape.tailMs) {
      const slipped = ((dueAt - loadStartedAt - planned.atMs) / 1000).toFixed(1);
      run.skipped.push({
        fault: planned,
        why: `no time left: the faults before it recovered ${slipped} s later than planned`,
      });
      continue;
    }
    await delay(Math.max(0, dueAt - Date.now()), undefined, { signal });
    const control = options.components[planned.component];
    const at = (time: number) => `+${((time - loadStartedAt) / 1000).toFixed(1)} s`;
    const startedAt = Date.now();
    run.inProgress = { fault: planned, startedAt };
    options.log(
      `${at(startedAt)} fault #${planned.index}: ${planned.kind} ${planned.component} for ${(planned.durationMs / 1000).toFixed(1)} s`,
    );
    await (planned.kind === 'kill' ? control.kill() : control.freeze());
    const inEffectAt = Date.now();
    await delay(Math.max(0, startedAt + planned.durationMs - Date.now()), undefined, { signal });
    const endedAt = Date.now();
    const fault = {
      index: planned.index,
      component: planned.component,
      kind: planned.kind,
      planned,
      startedAt,
      inEffectAt,
      endedAt,
    };
    run.applied.push(fault);
    await (planned.kind === 'kill' ? control.restart() : control.thaw());
    await options.untilReady();
    const readyAt = Date.now();
    run.applied[run.applied.length - 1] = { ...fault, readyAt };
    await options.untilFlowing(endedAt);
    const flowingAt = Date.now();
    run.applied[run.applied.length - 1] = { ...fault, readyAt, flowingAt };
    run.inProgress = undefined;
    const after = (time: number) => `${((time - endedAt) / 1000).toFixed(1)} s`;
    options.log(
      `${at(flowingAt)} fault #${planned.index}: ${planned.component} back; the stack ready ${after(readyAt)} and changes emailed again ${after(flowingAt)} after its ${planned.kind === 'kill' ? 'restart' : 'thaw'}`,
    );
    calmFrom = flowingAt + shape.gapMs[0];
  }
}
