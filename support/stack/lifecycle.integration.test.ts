import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NativeEnvironment } from '../environments/native/native-environment';
import { eventually, GiveUp } from '../lib/eventually';
import { isPortFree } from '../lib/free-ports';
import { freePorts, portVariables, type StackPorts } from './stack-ports';
import { startStack } from './start-stack';

const root = join(__dirname, '..', '..');

/** Processes whose command line mentions `folder`: the harness's MariaDB, Kafka and Connect all do. */
function processesUsing(folder: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(folder) && !line.includes('ps -eo'));
}

/**
 * After a failed assertion the stack is still up: stop it as a user would (Ctrl-C), and kill whatever still names
 * the run's folder, so that a failing test leaves no orphan behind.
 */
async function stopLeavingNothing(child: ChildProcess, exited: Promise<unknown>, scratch: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
    child.kill('SIGKILL');
  }
  for (const line of processesUsing(scratch)) {
    try {
      process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  rmSync(scratch, { recursive: true, force: true });
}

async function assertNothingLeft(ports: StackPorts, folder: string): Promise<void> {
  const busy: string[] = [];
  for (const [key, port] of Object.entries(ports)) if (!(await isPortFree(port))) busy.push(`${key}:${port}`);
  assert.deepEqual(busy, [], 'every port is released');
  assert.deepEqual(processesUsing(folder), [], 'no process of the stack is left');
  // Only the harness's folders count: caches such as tsx's compile cache may rightly stay.
  const leftovers = readdirSync(folder).filter((name) => /^(cdc-harness|maildev)-/.test(name));
  assert.deepEqual(leftovers, [], 'no temporary folder of the stack is left');
}

describe('npm start', { timeout: 300_000 }, () => {
  it('serves the stack with MailDev, then stops everything on Ctrl-C (SIGINT)', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cdc-start-test-'));
    const ports = await freePorts();
    const env = { ...process.env, TMPDIR: scratch } as NodeJS.ProcessEnv;
    for (const [key, variable] of Object.entries(portVariables)) env[variable] = String(ports[key as keyof StackPorts]);
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'support', 'commands', 'start.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(
        () => {
          if (child.exitCode !== null) throw new GiveUp(`npm start exited early:\n${output}`);
          return output.includes('Press Ctrl-C') ? true : undefined;
        },
        {
          awaiting: 'npm start to print its endpoints',
          timeoutMs: 240_000,
          intervalMs: 200,
          lastSeen: () => output.slice(-500),
        },
      );
      assert.match(output, new RegExp(`userdata API +http://127\\.0\\.0\\.1:${ports.userdata}`));
      assert.match(output, new RegExp(`emails \\(MailDev\\) +http://127\\.0\\.0\\.1:${ports.mailUi}`));
      assert.match(
        output,
        /^Stack ready \([^)]+\) in [\d.]+ s: .*(MariaDB|MySQL) [\d.]+ s.*Kafka Connect [\d.]+ s.*connector [\d.]+ s/m,
      );

      const created = await fetch(`http://127.0.0.1:${ports.userdata}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Eva', email: 'eva@example.test', address: 'Rua E, 5' }),
      });
      assert.equal(created.status, 201);
      const mails = await eventually(
        async () => {
          const list = (await (await fetch(`http://127.0.0.1:${ports.mailUi}/email`)).json()) as { subject: string }[];
          return list.length > 0 ? list : undefined;
        },
        { awaiting: 'the welcome email in MailDev', timeoutMs: 30_000 },
      );
      assert.deepEqual(
        mails.map((mail) => mail.subject),
        ['Welcome, Eva'],
      );

      // Every process of the stack names its run folder (the services in their title): what lets a later run clean
      // up after a harness killed with SIGKILL.
      const named = processesUsing(scratch).join('\n');
      for (const part of ['(mariadbd|mysqld)', 'kafka.Kafka', 'ConnectDistributed', 'userdata', 'push-email'])
        assert.match(named, new RegExp(part));

      child.kill('SIGINT');
      assert.equal(await exited, 130, 'exits with the conventional code for SIGINT');
      await assertNothingLeft(ports, scratch);
    } finally {
      await stopLeavingNothing(child, exited, scratch);
    }
  });
});

describe('a stack that fails to start', { timeout: 300_000 }, () => {
  it('stops what had started and reports the failure', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cdc-failed-start-test-'));
    const previousTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    const ports = await freePorts();
    // Connect cannot listen on a port someone else holds: the stack fails after MariaDB and Kafka are up.
    const blocker = createServer().listen(ports.connect, '127.0.0.1');
    try {
      await assert.rejects(
        startStack({
          environment: new NativeEnvironment({ database: 'mariadb' }),
          ports,
          mailSink: 'inbox',
          log: () => {},
        }),
        /Kafka Connect/,
      );
      blocker.close();
      await assertNothingLeft(ports, scratch);
    } finally {
      blocker.close();
      process.env.TMPDIR = previousTmp;
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
