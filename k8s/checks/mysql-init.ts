import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { k8sFolder } from './render';

export const usersScript = join(k8sFolder, 'base', 'mysql', '10-users.sh');

/**
 * The SQL 10-users.sh hands the mysql image's entrypoint, by sourcing it in bash as the entrypoint does, with the
 * entrypoint's functions stubbed: docker_process_sql prints what it would run.
 */
export function initSql(env: Readonly<Record<string, string>>): { sql: string; status: number | null; stderr: string } {
  const result = spawnSync(
    'bash',
    [
      '-c',
      `set -eo pipefail
       docker_process_sql() { cat; }
       mysql_note() { :; }
       mysql_error() { echo "$*" >&2; exit 1; }
       . "$0"`,
      usersScript,
    ],
    { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
  );
  return { sql: result.stdout, status: result.status, stderr: result.stderr };
}

export interface DatabaseUser {
  readonly host: string;
  readonly plugin?: string;
  /** The SQL literal of its password, as written. */
  readonly password: string;
  /** `<privileges> ON <scope>`, one per GRANT. */
  readonly grants: string[];
}

/** The users that SQL creates, with their GRANTs: `CREATE USER 'u'@'h' [IDENTIFIED WITH p] BY '<literal>'`. */
export function usersOf(sql: string): Map<string, DatabaseUser> {
  const users = new Map<string, DatabaseUser>();
  for (const match of sql.matchAll(
    /CREATE USER '(\w+)'@'([^']+)' IDENTIFIED (?:WITH (\w+) )?BY ('(?:[^'\\]|''|\\.)*')/g,
  )) {
    const [, name, host, plugin, password] = match as unknown as [string, string, string, string | undefined, string];
    users.set(name, { host, password, grants: [], ...(plugin ? { plugin } : {}) });
  }
  for (const match of sql.matchAll(/GRANT ([A-Z ,]+) ON (\S+) TO '(\w+)'@'([^']+)'/g)) {
    const [, privileges, scope, name] = match as unknown as [string, string, string, string];
    const normalised = privileges
      .split(',')
      .map((p) => p.trim())
      .sort()
      .join(', ');
    users.get(name)?.grants.push(`${normalised} ON ${scope}`);
  }
  return users;
}
