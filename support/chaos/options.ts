import { parseArgs } from 'node:util';
import { fullShape, type ScheduleShape, shortShape } from './schedule';

export interface ChaosOptions {
  readonly seed: number;
  /** How long the load runs; the faults fall within it. */
  readonly runMs: number;
  readonly ratePerSecond: number;
  /** How many people the load changes, one change of each in flight at most. */
  readonly people: number;
  readonly short: boolean;
  /** Write the results under reports/chaos/. */
  readonly json: boolean;
  readonly shape: ScheduleShape;
}

/** The seed of a run without --seed: its schedule hits every component, with kills and long freezes. */
export const defaultSeed = 25;
/** The short run's seed: a Connect freeze, a push-email crash and a database crash, each brief. */
export const shortSeed = 164;

export const usage = `npm run chaos -- [--seed N] [--duration 5m] [--rate 20] [--people 50] [--short] [--json]

  --seed N        the schedule's seed (default ${defaultSeed}; ${shortSeed} with --short): the same seed, the same schedule
  --duration D    how long the load runs: seconds, or with a unit (90s, 5m); default 5m, 40s with --short
  --rate R        changes per second (default 20)
  --people P      people changed (default 50); never two changes of one person in flight
  --short         three brief faults in well under a minute (what npm test runs)
  --json          also write the results to reports/chaos/`;

/** Reads the command line; an unknown option or a malformed value is an error that names it. */
export function parseChaosOptions(argv: readonly string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      seed: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      people: { type: 'string' },
      short: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const short = values.short ?? false;
  return {
    seed: values.seed === undefined ? (short ? shortSeed : defaultSeed) : wholeNumber('--seed', values.seed, 0),
    runMs: values.duration === undefined ? (short ? 40_000 : 300_000) : durationMs(values.duration),
    ratePerSecond: values.rate === undefined ? 20 : positiveNumber('--rate', values.rate),
    people: values.people === undefined ? 50 : wholeNumber('--people', values.people, 1),
    short,
    json: values.json ?? false,
    shape: short ? shortShape : fullShape,
  };
}

function durationMs(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(raw.trim());
  if (!match) throw new Error(`--duration ${raw}: give seconds (300), or a number with s or m (90s, 5m)`);
  const ms = Number(match[1]) * (match[2] === 'm' ? 60_000 : 1_000);
  if (ms < 10_000) throw new Error(`--duration ${raw}: at least 10 s`);
  return ms;
}

function wholeNumber(option: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > 2 ** 32 - 1) {
    throw new Error(`${option} ${raw}: a whole number from ${min} to ${2 ** 32 - 1}`);
  }
  return value;
}

function positiveNumber(option: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${option} ${raw}: a number above 0`);
  return value;
}
