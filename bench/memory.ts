import { readFileSync } from 'node:fs';
import { processesMentioning } from '../support/lib/abandoned-runs';

/** Resident memory (MiB) of each component of a run, found by the run folder its command line names. */
export function residentMemory(runFolder: string): Record<string, number> {
  const byComponent: Record<string, number> = {};
  for (const pid of processesMentioning(runFolder)) {
    const component = componentOf(pid);
    if (!component) continue;
    byComponent[component] = (byComponent[component] ?? 0) + rssMiB(pid);
  }
  return byComponent;
}

/** CPU time (seconds, user + system) each component of a run has used so far. */
export function cpuSeconds(runFolder: string): Record<string, number> {
  const byComponent: Record<string, number> = {};
  for (const pid of processesMentioning(runFolder)) {
    const component = componentOf(pid);
    if (!component) continue;
    byComponent[component] = (byComponent[component] ?? 0) + cpuSecondsOf(pid);
  }
  return byComponent;
}

/** CPU time (seconds, user + system) one process has used so far; 0 once it has exited. */
export function cpuSecondsOf(pid: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** CPU used per component between two readings, as a share of one core over `seconds`. */
export function cpuShare(
  before: Record<string, number>,
  after: Record<string, number>,
  seconds: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([component, used]) => [
      component,
      Math.round(((used - (before[component] ?? 0)) / seconds) * 100),
    ]),
  );
}

/** The larger of each component's two readings: memory under load is the peak seen while sampling. */
export function peak(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const merged = { ...a };
  for (const [component, mib] of Object.entries(b)) merged[component] = Math.max(merged[component] ?? 0, mib);
  return merged;
}

function componentOf(pid: number): string | undefined {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
  if (cmdline.includes('mariadbd')) return 'MariaDB';
  // MySQL fetched from Debian runs through its own loader: its command line names mysqld after the loader's.
  if (/\/mysqld( |$)/.test(cmdline) || cmdline.startsWith('mysqld ')) return 'MySQL';
  if (cmdline.includes('ConnectDistributed')) return 'Kafka Connect';
  if (cmdline.includes('kafka.Kafka')) return 'Kafka';
  // The services' process title (--title) replaces their command line: "userdata <run folder>".
  if (cmdline.startsWith('userdata ')) return 'userdata';
  if (cmdline.startsWith('push-email ')) return 'push-email';
  return undefined;
}

function rssMiB(pid: number): number {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kib / 1024);
  } catch {
    return 0;
  }
}
