import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The MySQL release line the project runs and tests: 9.7 LTS. */
export const mysqlLine = '9.7';

/** A MySQL server binary, and how to run it. */
export interface MySqlServer {
  /** What to execute: mysqld itself, or the loader of the tree mysqld came with. */
  readonly command: string;
  /** Arguments before mysqld's own: the loader's, then mysqld's path (empty for a mysqld run directly). */
  readonly prefix: readonly string[];
  /** Flags that say where the tree's files are, for a tree outside the usual places (none for an installed mysqld). */
  readonly locations: readonly string[];
  /** As `mysqld --version` says it, e.g. `9.7.4-2`. */
  readonly version: string;
  /** How it was found, for messages: `CDC_MYSQLD`, `/usr/sbin/mysqld`, `fetched from Debian into …`. */
  readonly source: string;
}

/** Where MySQL server binaries live when installed by a package manager, Homebrew or Oracle's tarball. */
const usualPlaces = [
  '/usr/sbin/mysqld',
  '/usr/local/sbin/mysqld',
  '/usr/local/mysql/bin/mysqld',
  '/opt/homebrew/opt/mysql/bin/mysqld',
  '/usr/local/opt/mysql/bin/mysqld',
  '/opt/homebrew/bin/mysqld',
  '/usr/local/bin/mysqld',
];

const fetchScript = join(__dirname, 'mysql-server', 'fetch-mysql.sh');
const treeLibraries = 'usr/lib/x86_64-linux-gnu';

/**
 * Finds a MySQL server, in this order: `CDC_MYSQLD` (a path to mysqld); a mysqld on the PATH or in the usual places
 * that is MySQL (Debian's /usr/sbin/mysqld is often MariaDB's); the cache folder, which on Debian and Ubuntu x86_64
 * is filled on first use from Debian's own MySQL 9.7 packages (with progress lines, like the jars). Fails with a
 * message naming the three ways.
 */
export async function findMySqlServer(
  cacheRoot: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<MySqlServer> {
  if (env.CDC_MYSQLD) {
    const server = await installed(env.CDC_MYSQLD, 'CDC_MYSQLD');
    if (!server)
      throw new Error(`CDC_MYSQLD=${env.CDC_MYSQLD} is not a MySQL server (mysqld --version says otherwise)`);
    return server;
  }
  for (const candidate of ['mysqld', ...usualPlaces]) {
    const server = await installed(candidate, candidate === 'mysqld' ? 'mysqld on the PATH' : candidate);
    if (server) return server;
  }
  const tree = cachedTree(cacheRoot);
  if (!existsSync(join(tree, '.fetch-mysql-complete'))) {
    const why = cannotFetchHere();
    if (why) throw new Error(noServerMessage(why));
    log(`Fetching MySQL ${mysqlLine} from Debian's packages into ${tree} (first run only, about 50 MB)…`);
    await fetchInto(tree, log);
  }
  return treeServer(tree);
}

/** Whether a MySQL server can be had here at all, without fetching it; and why not. */
export async function mySqlAvailability(cacheRoot: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.CDC_MYSQLD) return undefined;
  for (const candidate of ['mysqld', ...usualPlaces]) if (await installed(candidate, candidate)) return undefined;
  if (existsSync(join(cachedTree(cacheRoot), '.fetch-mysql-complete'))) return undefined;
  return cannotFetchHere();
}

function cachedTree(cacheRoot: string): string {
  return join(cacheRoot, `mysql-${mysqlLine}`);
}

async function installed(path: string, source: string): Promise<MySqlServer | undefined> {
  try {
    const { stdout } = await run(path, ['--no-defaults', '--version']);
    // MariaDB's mysqld says "… Ver 10.11.x-MariaDB …"; MySQL's "… Ver 9.7.4 for Linux …".
    if (/mariadb/i.test(stdout)) return undefined;
    const version = /Ver\s+(\S+)/.exec(stdout)?.[1] ?? 'unknown';
    return { command: path, prefix: [], locations: [], version, source };
  } catch {
    return undefined;
  }
}

async function treeServer(tree: string): Promise<MySqlServer> {
  const libraries = join(tree, treeLibraries);
  const loader = join(libraries, 'ld-linux-x86-64.so.2');
  const mysqld = join(tree, 'usr', 'sbin', 'mysqld');
  const prefix = ['--library-path', libraries, mysqld];
  const { stdout } = await run(loader, [...prefix, '--no-defaults', '--version']);
  return {
    command: loader,
    prefix,
    locations: [
      `--basedir=${join(tree, 'usr')}`,
      `--lc-messages-dir=${join(tree, 'usr', 'share', 'mysql')}`,
      `--character-sets-dir=${join(tree, 'usr', 'share', 'mysql', 'charsets')}`,
      `--plugin-dir=${join(tree, 'usr', 'lib', 'mysql', 'plugin')}`,
    ],
    version: /Ver\s+(\S+)/.exec(stdout)?.[1] ?? 'unknown',
    source: `fetched from Debian into ${tree}`,
  };
}

/** Why the fetch from Debian's packages cannot run here; undefined when it can. */
function cannotFetchHere(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `this is ${process.platform} ${process.arch}`;
  for (const tool of ['/usr/bin/apt-get', '/usr/bin/dpkg-deb', '/usr/share/keyrings/debian-archive-keyring.gpg']) {
    if (!existsSync(tool)) return `${tool} is missing (not a Debian or Ubuntu machine)`;
  }
  return undefined;
}

function noServerMessage(why: string): string {
  return (
    `No MySQL server was found, and none can be fetched here (${why}). Either set CDC_MYSQLD to a MySQL ` +
    `${mysqlLine} mysqld; or install MySQL so that mysqld is on the PATH or in /usr/sbin or /usr/local/mysql/bin ` +
    "(macOS: brew install mysql); or, on Debian or Ubuntu x86_64, let the harness fetch Debian's MySQL packages into " +
    'its cache (it does so by itself). CDC_DATABASE=mariadb runs MariaDB instead.'
  );
}

async function fetchInto(tree: string, log: (line: string) => void): Promise<void> {
  const child = spawn('bash', [fetchScript, tree], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    lines.push(line);
    if (line.startsWith('fetch-mysql: ')) log(`  ${line.slice('fetch-mysql: '.length)}`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`Fetching MySQL failed:\n${lines.slice(-15).join('\n')}`);
}
