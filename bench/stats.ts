import { distribution } from '../support/lib/distribution';

export function median(values: readonly number[]): number {
  return distribution(values).p50;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
