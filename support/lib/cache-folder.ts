import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Fills a cache folder once: `fill` writes into a staging folder of this process, which becomes `folder` (with a
 * `.complete` marker) only when it succeeded. Later calls, and other runs, find it complete and skip the work; a run
 * that was killed half-way leaves no half-filled folder behind.
 */
export async function fillOnce(folder: string, fill: (staging: string) => Promise<void> | void): Promise<boolean> {
  if (isComplete(folder)) return false;
  const staging = `${folder}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await fill(staging);
    writeFileSync(`${staging}/.complete`, `${new Date().toISOString()}\n`);
    try {
      renameSync(staging, folder);
    } catch (error) {
      // Another run filled the same folder first: its content is as good as ours.
      if (!isComplete(folder)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return true;
}

function isComplete(folder: string): boolean {
  return existsSync(`${folder}/.complete`);
}
