import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ownerFile = 'owner.pid';
const keptFile = 'kept';

/** Marks `folder` as belonging to this process, so that a later run can tell whether its owner is still alive. */
export function claimRunFolder(folder: string): void {
  writeFileSync(join(folder, ownerFile), `${process.pid}\n`);
}

/** Marks a folder kept on purpose (CDC_KEEP_DATA): it is never cleaned up as abandoned. */
export function markKept(folder: string): void {
  writeFileSync(join(folder, keptFile), `${new Date().toISOString()}\n`);
}

/**
 * A harness killed with SIGKILL cannot stop its children. The next run finds its folder (owner dead, not kept),
 * kills every process whose command line names that folder (the JVMs, mariadbd, and the services, whose process
 * title carries it), and removes the folder. Returns what it cleaned, for the log.
 */
export function cleanAbandonedRuns(parent: string, prefix: string): string[] {
  const cleaned: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const folder = join(parent, name);
    if (existsSync(join(folder, keptFile)) || !existsSync(join(folder, ownerFile))) continue;
    const owner = Number(readFileSync(join(folder, ownerFile), 'utf8'));
    if (isAlive(owner)) continue;
    const killed = processesMentioning(folder);
    for (const pid of killed) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(folder, { recursive: true, force: true });
    cleaned.push(`${folder} (owner ${owner} gone; killed ${killed.length} process(es))`);
  }
  return cleaned;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids whose command line contains `text`, read from /proc (Linux); none elsewhere. */
export function processesMentioning(text: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)) pids.push(pid);
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return pids;
}
