import { longestClientTimeoutMs } from '../components/client-timeouts';
import type { StackComponent } from '../stack/start-stack';
import { seededRandom } from './random';

export type FaultKind = 'kill' | 'freeze';

/** One fault of a chaos run, as planned before it starts. */
export interface PlannedFault {
  /** 1 for the first fault of the run. */
  readonly index: number;
  /** When it is due, from the start of the load. */
  readonly atMs: number;
  readonly component: StackComponent;
  /** kill: SIGKILL, then a restart after `durationMs`; freeze: SIGSTOP, then SIGCONT after `durationMs`. */
  readonly kind: FaultKind;
  readonly durationMs: number;
}

type Range = readonly [number, number];

/** The shape of a schedule: how many faults, how long each, and how much calm around them. */
export interface ScheduleShape {
  /** Load before the first fault: the pipeline's steady state, to compare with. */
  readonly warmupMs: number;
  /** Load after the last fault's planned recovery: its backlog drains while changes still come. */
  readonly tailMs: number;
  readonly maxFaults: number;
  /** How long a killed component stays down before its restart. */
  readonly downMs: Range;
  readonly frozenMs: Range;
  /** The share of freezes drawn from `longFrozenMs`, which outlast every client's session and request timeout. */
  readonly longFreezeShare: number;
  readonly longFrozenMs: Range;
  /** The calm between one fault's planned recovery and the next fault. */
  readonly gapMs: Range;
}

export const chaosComponents: readonly StackComponent[] = ['database', 'kafka', 'connect', 'userdata', 'push-email'];

/** The full run's faults: some freezes outlast every client timeout (longestClientTimeoutMs). */
export const fullShape: ScheduleShape = {
  warmupMs: 15_000,
  tailMs: 30_000,
  maxFaults: Number.POSITIVE_INFINITY,
  downMs: [2_000, 10_000],
  frozenMs: [2_000, 8_000],
  longFreezeShare: 0.4,
  longFrozenMs: [longestClientTimeoutMs + 2_000, longestClientTimeoutMs + 10_000],
  gapMs: [10_000, 20_000],
};

/** `--short`, the one `npm test` runs: three brief faults in well under a minute. */
export const shortShape: ScheduleShape = {
  warmupMs: 4_000,
  tailMs: 6_000,
  maxFaults: 3,
  downMs: [1_500, 3_000],
  frozenMs: [2_000, 4_000],
  longFreezeShare: 0,
  longFrozenMs: [0, 0],
  gapMs: [3_000, 5_000],
};

/**
 * How long each component is planned to take to be back once restarted or thawed, and changes to be emailed again
 * (its JVM, its group, its connector, Debezium's reconnection to the database at its next keep-alive check): only
 * for spacing the plan. The run waits for the real recovery before the next fault's gap begins.
 */
const plannedRecoveryMs: Readonly<Record<FaultKind, Readonly<Record<StackComponent, number>>>> = {
  kill: { database: 5_000, kafka: 15_000, connect: 8_000, userdata: 1_000, 'push-email': 4_000 },
  freeze: { database: 1_000, kafka: 3_000, connect: 3_000, userdata: 500, 'push-email': 3_000 },
};

/**
 * The faults of a run, drawn from `seed` alone, so that a seed replays its schedule. Components are drawn from a
 * shuffled bag, so every one is hit before any is hit again; one fault at a time, each followed by its recovery and
 * a gap; none planned to end within the tail of the run.
 */
export function planSchedule(seed: number, runMs: number, shape: ScheduleShape): PlannedFault[] {
  const random = seededRandom(seed);
  const between = ([low, high]: Range): number => Math.round(low + random() * (high - low));
  const faults: PlannedFault[] = [];
  let bag: StackComponent[] = [];
  let atMs = shape.warmupMs;
  while (faults.length < shape.maxFaults) {
    if (bag.length === 0) bag = shuffled(chaosComponents, random);
    const [component] = bag as [StackComponent];
    const kind: FaultKind = random() < 0.5 ? 'kill' : 'freeze';
    const long = kind === 'freeze' && random() < shape.longFreezeShare;
    const durationMs = between(kind === 'kill' ? shape.downMs : long ? shape.longFrozenMs : shape.frozenMs);
    const recoveredAtMs = atMs + durationMs + plannedRecoveryMs[kind][component];
    if (recoveredAtMs + shape.tailMs > runMs) break;
    bag.shift();
    faults.push({ index: faults.length + 1, atMs, component, kind, durationMs });
    atMs = recoveredAtMs + between(shape.gapMs);
  }
  return faults;
}

/** Fisher–Yates with the run's generator. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
