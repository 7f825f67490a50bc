import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { DatabaseEndpoint } from '../../support/components/environment';
import { eventually, GiveUp } from '../../support/lib/eventually';
import { freePort } from '../../support/lib/free-ports';
import { startTestMariaDb } from '../../support/service-tests/test-database';

const repoRoot = join(__dirname, '..', '..');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface LogLine {
  msg?: string;
  level?: number;
  signal?: string;
}

/** Rejects with `message` unless `promise` settles within `ms`; the timer never outlives the answer. */
async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error code behind a failed fetch (undici wraps it: TypeError('fetch failed') with the socket error as cause). */
function codeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code;
}

describe('userdata main: graceful shutdown on SIGTERM', { timeout: 120_000 }, () => {
  let stopDatabase: (() => Promise<void>) | undefined;
  let database: DatabaseEndpoint;
  let child: ChildProcess | undefined;
  let exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  let baseUrl: string;
  const stdout: string[] = [];
  const stderr: string[] = [];
  /** Holds the row lock during the test; closed in `after` if the test failed while holding it. */
  let holder: Connection | undefined;
  /** Looks at userdata's sessions from outside: the userdata user sees its own sessions in the process list. */
  let observer: Connection | undefined;

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const output = () => `stdout:\n${stdout.slice(-20).join('\n')}\nstderr:\n${stderr.slice(-20).join('\n')}`;
  const logs = (): LogLine[] =>
    stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  const connect = (credentials: { user: string; password: string }) =>
    mysql.createConnection({ host: database.host, port: database.port, database: database.name, ...credentials });

  before(async () => {
    const started = await startTestMariaDb();
    stopDatabase = started.stop;
    database = started.database;
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;

    const spawned = spawn(process.execPath, ['--import', 'tsx', 'src/userdata/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        USERDATA_PORT: String(port),
        DATABASE_HOST: database.host,
        DATABASE_PORT: String(database.port),
        DATABASE_NAME: database.name,
        DATABASE_USER: database.userdata.user,
        DATABASE_PASSWORD: database.userdata.password,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    exited = new Promise((resolve) => spawned.once('exit', (code, signal) => resolve({ code, signal })));
    if (spawned.stdout) createInterface({ input: spawned.stdout }).on('line', (line) => stdout.push(line));
    if (spawned.stderr) createInterface({ input: spawned.stderr }).on('line', (line) => stderr.push(line));

    let lastStatus = 'no answer yet';
    await eventually(
      async () => {
        if (!alive()) throw new GiveUp(`userdata exited before answering /health\n${output()}`);
        const response = await fetch(`${baseUrl}/health`);
        await response.arrayBuffer();
        lastStatus = `status ${response.status}`;
        return response.status === 200 ? true : undefined;
      },
      { awaiting: 'userdata to answer GET /health with 200', timeoutMs: 30_000, lastSeen: () => lastStatus },
    );
  });

  after(async () => {
    if (alive()) child?.kill('SIGKILL');
    await exited;
    await holder?.destroy();
    await observer?.end().catch(() => undefined);
    await stopDatabase?.();
  });

  it('stops accepting connections, finishes the request in flight, closes its pool and exits 0', async () => {
    // 1. A user to change.
    const created = await fetch(`${baseUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Graceful', email: 'graceful@example.test', address: 'Rua Velha, 1' }),
    });
    const createdBody = (await created.json()) as { id: number; version: number };
    assert.equal(created.status, 201, JSON.stringify(createdBody));
    const { id } = createdBody;
    assert.ok(Number.isInteger(id) && id > 0, `no id in ${JSON.stringify(createdBody)}`);

    // 2. Another session holds the row, so the PATCH stays in flight, waiting inside the database.
    holder = await connect(database.migrator);
    await holder.query('BEGIN');
    await holder.execute('SELECT * FROM users WHERE id = ? FOR UPDATE', [id]);
    observer = await connect(database.userdata);

    let patchSettled = false;
    const patch = fetch(`${baseUrl}/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'Rua Nova, 2' }),
    }).then(async (response) => ({
      status: response.status,
      connection: response.headers.get('connection'),
      body: (await response.json()) as { address?: string; version?: number },
    }));
    patch.then(
      () => {
        patchSettled = true;
      },
      () => {
        patchSettled = true;
      },
    );

    // Blocked = a row lock wait exists (a global status counter any user may read; nothing else uses this private
    // server) AND one of userdata's sessions is running its UPDATE of the users table (the migrator cannot see other
    // users' sessions, nor INNODB_TRX without PROCESS; the userdata user sees its own sessions).
    let blockedSeen = 'nothing yet';
    await eventually(
      async () => {
        if (patchSettled) throw new GiveUp('the PATCH finished although the row was locked');
        const [waits] = await (holder as Connection).query<RowDataPacket[]>(
          "SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_current_waits'",
        );
        const [sessions] = await (observer as Connection).query<RowDataPacket[]>(
          `SELECT ID, STATE, TIME_MS, INFO FROM information_schema.PROCESSLIST
            WHERE USER = ? AND ID <> CONNECTION_ID() AND INFO LIKE 'UPDATE users%'`,
          [database.userdata.user],
        );
        const lockWaits = Number(waits[0]?.Value);
        blockedSeen = `Innodb_row_lock_current_waits=${lockWaits}; userdata sessions locking: ${JSON.stringify(sessions)}`;
        return lockWaits >= 1 && sessions.length === 1 ? true : undefined;
      },
      { awaiting: "userdata's PATCH to wait on the row lock", timeoutMs: 10_000, lastSeen: () => blockedSeen },
    );

    // 3. SIGTERM: the listener closes, so new connections are refused, while the request in flight goes on.
    assert.ok(child?.kill('SIGTERM'), 'could not signal userdata');
    let refusedSeen = 'nothing yet';
    await eventually(
      async () => {
        try {
          const response = await fetch(`${baseUrl}/health`);
          await response.arrayBuffer();
          refusedSeen = `answered ${response.status}`;
          return undefined;
        } catch (error) {
          refusedSeen = `${String(error)} (${codeOf(error)})`;
          // A kept-alive socket that the server closed fails otherwise: only a refused new connection counts.
          return codeOf(error) === 'ECONNREFUSED' ? true : undefined;
        }
      },
      { awaiting: 'a new connection to userdata to be refused', timeoutMs: 5_000, lastSeen: () => refusedSeen },
    );
    assert.equal(patchSettled, false, 'the PATCH finished before the lock was released');
    assert.ok(alive(), `userdata exited with a request in flight\n${output()}`);

    // 4. Release the lock: the request in flight completes, and is answered.
    await holder.query('ROLLBACK');
    await holder.end();
    holder = undefined;
    const patched = await withDeadline(patch, 10_000, 'the PATCH in flight was never answered');
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.address, 'Rua Nova, 2');
    assert.equal(patched.body.version, 2);

    // 5. Once it is done, userdata closes its pool and exits 0, well within its 10 s grace period.
    const exit = await withDeadline(exited, 15_000, `userdata did not exit after its request finished\n${output()}`);
    assert.deepEqual(exit, { code: 0, signal: null }, output());
    const messages = logs().map((line) => line.msg);
    const stopping = messages.indexOf('stopping: no new connections, finishing requests in flight');
    const stopped = messages.indexOf('stopped');
    assert.ok(stopping >= 0, `no "stopping" log line\n${output()}`);
    assert.ok(stopped > stopping, `no "stopped" log line after "stopping"\n${output()}`);
    assert.equal(logs()[stopping]?.signal, 'SIGTERM');
    assert.ok(
      !messages.includes('requests still in flight after the grace period: exiting anyway'),
      `the grace period ran out\n${output()}`,
    );

    // 6. The change was committed, not lost with the process.
    const reader = await connect(database.migrator);
    try {
      const [rows] = await reader.execute<RowDataPacket[]>('SELECT address, version FROM users WHERE id = ?', [id]);
      assert.deepEqual({ ...rows[0] }, { address: 'Rua Nova, 2', version: 2 });
    } finally {
      await reader.end();
    }
  });
});
