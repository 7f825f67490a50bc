import { randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { Writable } from 'node:stream';
import { type IRunEnvironment, loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { isRunAbandoned, isStackLent, markRunAbandoned } from './stack-holder';

/**
 * Spec runs attached to a stack that stays up (`CDC_STACK=reuse npm run test:specs`): the process that holds the
 * stack (`npm start`) runs Cucumber in itself, on request, beside the stack, so that every step and every fault
 * control works exactly as in a run that started its own stack. The endpoint listens on loopback only and answers
 * only who shows the token, which is published in an owner-only file (the stack descriptor).
 */
export interface AttachedRunsEndpoint {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** What a client asks for: Cucumber's command-line arguments, and when its command began (for the attach time). */
export interface RunRequest {
  readonly args: readonly string[];
  readonly commandStartedAt: number;
}

/** One line of the answer (NDJSON): Cucumber's output as it comes, then the run's exit code. */
export type RunOutput = { readonly out: string } | { readonly err: string } | { readonly exit: number };

/** The folders whose code is loaded afresh for each run: what a developer edits between two runs. */
const reloadedFolders = ['steps', join('support', 'specs')];

export interface AttachedRunsOptions {
  /** The checkout: Cucumber's configuration (cucumber.js) and the features are read from here. */
  readonly root: string;
  /** The stack as its ready line names it: `native · MySQL 9.7.4-2 · Debezium MySqlConnector 3.6.1.Final`. */
  readonly description: string;
  readonly log: (line: string) => void;
  /** Before each run, once it has attached: waits for what the run must not race (a rebuild of the services). */
  readonly beforeRun?: (say: (line: string) => void) => Promise<void>;
}

export async function serveAttachedRuns(options: AttachedRunsOptions): Promise<AttachedRunsEndpoint> {
  if (!isStackLent()) throw new Error('Attached runs need the stack held for them (holdStack(…, "the stack process"))');
  const token = randomBytes(24).toString('base64url');
  /** The run under way: one at a time, since scenarios put faults on the one stack. */
  let running: Promise<void> | undefined;

  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/runs') return answer(response, 404, 'POST /runs only');
    if (!hasToken(request, token)) return answer(response, 401, 'the token of the stack descriptor is required');
    // A run whose client went away only finishes its scenario under way: the next run waits for it, any other is
    // someone else's run, and is not interrupted.
    if (running && !isRunAbandoned()) {
      return answer(response, 409, 'another spec run is under way on this stack: run again once it has finished');
    }
    const previous = running;
    const run = readRequest(request)
      .then(async (request) => {
        response.writeHead(200, { 'content-type': 'application/x-ndjson' });
        if (previous) {
          sendTo(response, { out: 'Waiting for the scenario an interrupted run had under way to finish…\n' });
          await previous;
        }
        await attachedRun(request, response, options);
      })
      .catch((error: unknown) => answer(response, 400, error instanceof Error ? error.message : String(error)))
      .finally(() => {
        if (running === run) running = undefined;
      });
    running = run;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function attachedRun(run: RunRequest, response: ServerResponse, options: AttachedRunsOptions): Promise<void> {
  if (response.destroyed) return; // its client went away while an earlier run finished
  const send = (line: RunOutput) => sendTo(response, line);
  // The client gone (Ctrl-C): the scenario under way finishes and its After hooks put the stack back; the rest skip.
  response.on('close', () => {
    if (!response.writableFinished) markRunAbandoned(true);
  });
  markRunAbandoned(false);
  const attachedInMs = Date.now() - run.commandStartedAt;
  // The same ready line as a run that starts its stack: CI's summary and a reader find the stack named there.
  send({
    out: `Stack ready (${options.description} · attached) in ${(attachedInMs / 1000).toFixed(1)} s: the stack of npm start (pid ${process.pid})\n`,
  });
  options.log(`A spec run attached: cucumber-js ${run.args.join(' ')}`);
  let exit: number;
  try {
    await options.beforeRun?.((line) => send({ out: `${line}\n` }));
    exit = await runCucumberOnce(run.args, options.root, send);
  } catch (error) {
    send({ err: `${error instanceof Error ? error.message : String(error)}\n` });
    exit = 2;
  }
  const how = isRunAbandoned() ? 'its client went away, the scenarios after that were skipped' : '';
  options.log(`The attached spec run ended: ${how || (exit === 0 ? 'passed' : 'failed')}.`);
  send({ exit });
  response.end();
}

async function runCucumberOnce(
  args: readonly string[],
  root: string,
  send: (line: RunOutput) => void,
): Promise<number> {
  forgetSupportCode(root);
  const environment: IRunEnvironment = {
    cwd: root,
    stdout: lineStream((text) => send({ out: text })),
    stderr: lineStream((text) => send({ err: text })),
    env: process.env,
  };
  const { runConfiguration } = await loadConfiguration({ provided: [...args] }, environment);
  // tsx compiles TypeScript in this process already: registering it a second time would compile twice.
  const support = { ...runConfiguration.support, requireModules: [] };
  const { success } = await runCucumber({ ...runConfiguration, support }, environment);
  return success ? 0 : 1;
}

/**
 * Drops the steps and the specs' support code from Node's module cache, so that this run loads them as they are on
 * disk now. What they hold across runs (the stack) is kept on the process (stack-holder.ts), not in a module.
 */
function forgetSupportCode(root: string): void {
  const folders = reloadedFolders.map((folder) => join(root, folder) + sep);
  for (const file of Object.keys(require.cache)) {
    if (folders.some((folder) => file.startsWith(folder))) delete require.cache[file];
  }
}

function sendTo(response: ServerResponse, line: RunOutput): void {
  if (!response.destroyed) response.write(`${JSON.stringify(line)}\n`);
}

function lineStream(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });
}

function hasToken(request: IncomingMessage, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readRequest(request: IncomingMessage): Promise<RunRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<RunRequest>;
  if (!Array.isArray(body.args) || !body.args.every((arg) => typeof arg === 'string')) {
    throw new Error('args: an array of strings (cucumber-js arguments) is required');
  }
  return { args: body.args, commandStartedAt: Number(body.commandStartedAt) || Date.now() };
}

function answer(response: ServerResponse, status: number, detail: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ status, detail }));
}
