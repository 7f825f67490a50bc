/**
 * `npm run test:specs [-- cucumber-js arguments]`: the executable specification. By default Cucumber starts a stack
 * of its own for the run and stops it at the end. With `CDC_STACK=reuse` the run attaches to the stack `npm start`
 * keeps running in this checkout instead: that process runs the scenarios beside its stack and streams their output
 * here, so one scenario takes seconds, not the stack's start.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunOutput, RunRequest } from '../specs/attached-runs';
import { runningStackDescriptor } from '../stack/stack-descriptor';

const args = process.argv.slice(2);
const mode = process.env.CDC_STACK || 'fresh';

/** Cucumber as `cucumber-js` would run it, with a stack of its own; this process only passes its exit on. */
function runWithAStackOfItsOwn(): void {
  // Its package exports no path to the command: the one npm links, as `npm run` would find it.
  const command = join(__dirname, '..', '..', 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
  const cucumber = spawn(process.execPath, [command, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches Cucumber too (same process group): it stops its stack, and its exit is this one's.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => cucumber.kill(signal));
  cucumber.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}

async function runAttached(): Promise<number> {
  const stack = runningStackDescriptor();
  if (!stack?.attach) {
    console.error(
      'CDC_STACK=reuse: no stack is running for this checkout to attach to (no .cdc-stack.json of a live `npm start`).\n' +
        'Start one with `npm start` in another terminal, or leave CDC_STACK unset to start a stack for this run.',
    );
    return 2;
  }
  const request: RunRequest = { args, commandStartedAt: Math.round(performance.timeOrigin) };
  const abort = new AbortController();
  // Ctrl-C: the connection closes, the stack's process finishes the scenario under way and skips the rest.
  process.once('SIGINT', () => {
    console.error(
      '\nInterrupted: the stack finishes the scenario under way (its After hooks put the stack back), and skips the rest.',
    );
    abort.abort();
  });
  let response: Response;
  try {
    response = await fetch(`${stack.attach.url}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.attach.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: abort.signal,
    });
  } catch (error) {
    console.error(
      `CDC_STACK=reuse: the stack of npm start (pid ${stack.pid}) did not answer at ${stack.attach.url}: ${String(error)}`,
    );
    return 2;
  }
  if (!response.ok || !response.body) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    console.error(
      `CDC_STACK=reuse: the stack of npm start refused the run (${response.status}): ${problem.detail ?? ''}`,
    );
    return 2;
  }
  try {
    return await relay(response.body);
  } catch (error) {
    if (abort.signal.aborted) return 130;
    console.error(`CDC_STACK=reuse: the stack of npm start went away during the run: ${String(error)}`);
    return 2;
  }
}

/** Writes the run's output as it comes; resolves to its exit code. */
async function relay(body: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const output = JSON.parse(line) as RunOutput;
      if ('out' in output) process.stdout.write(output.out);
      else if ('err' in output) process.stderr.write(output.err);
      else return output.exit;
    }
  }
  throw new Error('the output ended without the run exit code');
}

if (mode === 'fresh') {
  runWithAStackOfItsOwn();
} else if (mode === 'reuse') {
  runAttached().then((code) => {
    process.exitCode = code;
  });
} else {
  console.error(`CDC_STACK=${mode} is not a mode: reuse attaches to the running npm start; unset, a stack of its own.`);
  process.exitCode = 2;
}
