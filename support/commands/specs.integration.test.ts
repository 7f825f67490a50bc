import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../lib/eventually';
import { assertPortFree } from '../lib/free-ports';
import { runningStackDescriptor } from '../stack/stack-descriptor';
import { freePorts, portVariables, type StackPorts } from '../stack/stack-ports';

const root = join(__dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'attached-specs-test-'));
const stackFile = join(folder, 'stack.json');

/** A command of the harness as a person runs it, its output collected. */
function command(name: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'support', 'commands', name), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  return { child, output: () => output };
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  const [code] = (child.exitCode === null ? await once(child, 'exit') : [child.exitCode]) as [number | null];
  return code;
}

/** `CDC_STACK=reuse npm run test:specs -- <args>` against the stack published in `file`. */
function attachedRun(args: readonly string[], file = stackFile) {
  return command('specs.ts', args, { CDC_STACK: 'reuse', CDC_STACK_FILE: file });
}

describe('spec runs attached to the stack npm start keeps (CDC_STACK=reuse)', { timeout: 15 * 60_000 }, () => {
  let ports: StackPorts;
  let start: ReturnType<typeof command> | undefined;

  before(async () => {
    ports = await freePorts();
    const portEnv = Object.fromEntries(
      (Object.keys(portVariables) as (keyof StackPorts)[]).map((key) => [portVariables[key], String(ports[key])]),
    );
    start = command('start.ts', [], { ...portEnv, CDC_STACK_FILE: stackFile, CDC_WATCH: '0' });
    await eventually(
      () => {
        if (start?.child.exitCode !== null) throw new Error(`npm start exited: ${start?.output()}`);
        return runningStackDescriptor(stackFile)?.attach;
      },
      {
        awaiting: 'npm start to publish its stack with an attach endpoint',
        timeoutMs: 10 * 60_000,
        intervalMs: 250,
        lastSeen: () => start?.output().split('\n').slice(-5).join('\n') || 'no output',
      },
    );
  });

  after(async () => {
    if (start && start.child.exitCode === null) {
      start.child.kill('SIGINT');
      await exitOf(start.child);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('fails at once, saying how to start one, when no stack is running', async () => {
    const run = attachedRun(['--name', 'updates their address'], join(folder, 'none.json'));
    assert.equal(await exitOf(run.child), 2);
    assert.match(run.output(), /no stack is running for this checkout to attach to.*\n.*npm start/);
  });

  it('runs scenarios green on the running stack, the mail server taken down and push-email killed included', async () => {
    const run = attachedRun([
      '--name',
      'updates their address|Emails held up while the mail server is down|push-email killed in the middle',
    ]);
    const code = await exitOf(run.child);
    assert.equal(code, 0, run.output());
    assert.match(run.output(), /^Stack ready \(native · .* · attached\) in \d+\.\d s: the stack of npm start/m);
    assert.match(run.output(), /^3 scenarios \(3 passed\)$/m);
  });

  it('runs again with the stack as the scenarios left it, then npm start stops it all on Ctrl-C', async () => {
    const run = attachedRun(['--name', 'updates their address']);
    assert.equal(await exitOf(run.child), 0, run.output());
    assert.match(run.output(), /^1 scenario \(1 passed\)$/m);

    start?.child.kill('SIGINT');
    assert.equal(await exitOf(start?.child as ChildProcess), 130);
    assert.equal(existsSync(stackFile), false, 'the stack descriptor was left behind');
    for (const [key, port] of Object.entries(ports)) await assertPortFree(port, `${key} after npm start stopped`);
  });
});
