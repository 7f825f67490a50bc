import { setTimeout as delay } from 'node:timers/promises';

/**
 * Open-loop load: requests leave on a fixed schedule whatever the answers do, so a slow system is measured as slow
 * (latency counts from the scheduled time) rather than slowing the load down. Each result carries the time its
 * request was due to leave (epoch milliseconds). `stopped()` ends the schedule early; the requests sent still settle.
 */
export async function openLoop<T>(options: {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly send: (index: number) => Promise<T>;
  readonly stopped?: () => boolean;
}): Promise<(T & { readonly scheduledAt: number })[]> {
  const total = Math.max(1, Math.round((options.ratePerSecond * options.durationMs) / 1000));
  const start = Date.now();
  const dueAt = (index: number): number => start + (index * 1000) / options.ratePerSecond;
  const inFlight: Promise<T & { readonly scheduledAt: number }>[] = [];
  let next = 0;
  const going = (): boolean => next < total && !options.stopped?.();
  while (going()) {
    const now = Date.now();
    while (going() && dueAt(next) <= now) {
      const scheduledAt = dueAt(next);
      inFlight.push(options.send(next).then((sent) => ({ ...sent, scheduledAt })));
      next++;
    }
    // The schedule's tick, not a wait for an effect: the next request is due at a known time.
    if (going()) await delay(Math.max(1, Math.floor(dueAt(next) - Date.now())));
  }
  return Promise.all(inFlight);
}
