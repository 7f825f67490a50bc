import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningStack } from './start-stack';

/**
 * How to reach the stack `npm start` runs, published while it runs so that other commands of this checkout find it
 * (`npm run events` reads its Kafka from here; `CDC_STACK=reuse npm run test:specs` its attach endpoint). No database
 * credentials; the file is its owner's only, since the endpoint's token lets a run drive the stack.
 */
export interface StackDescriptor {
  readonly version: 1;
  /** The `npm start` process: the descriptor of a process that is gone is stale. */
  readonly pid: number;
  readonly startedAt: string;
  /** As the first line says it: `native · MySQL 9.7.4-2 · Debezium MySqlConnector 3.6.1.Final`. */
  readonly description: string;
  readonly runFolder: string;
  readonly userdataUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly changeTopic: string;
  readonly connectUrl: string;
  readonly mailUiUrl: string | undefined;
  /** Where spec runs attach (loopback only), and the token they show. */
  readonly attach: { readonly url: string; readonly token: string } | undefined;
}

const root = join(__dirname, '..', '..');

/** Where the descriptor of this checkout's running stack is: `.cdc-stack.json` at its root (CDC_STACK_FILE). */
export function descriptorPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CDC_STACK_FILE || join(root, '.cdc-stack.json');
}

/** Writes the descriptor of `stack` (readable by its owner only) and returns what removes it. */
export function publishStack(
  stack: RunningStack,
  description: string,
  attach: StackDescriptor['attach'],
  path = descriptorPath(),
): () => void {
  const descriptor: StackDescriptor = {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    description,
    runFolder: stack.runFolder,
    userdataUrl: stack.userdataUrl,
    kafkaBrokers: stack.infrastructure.kafka.brokers,
    changeTopic: stack.changeTopic,
    connectUrl: stack.infrastructure.connect.url,
    mailUiUrl: stack.mailUiUrl,
    attach,
  };
  writeFileSync(path, `${JSON.stringify(descriptor, null, 2)}\n`, { mode: 0o600 });
  return () => {
    // Only its own: a later `npm start` may have published since.
    if (runningStackDescriptor(path)?.pid === process.pid) rmSync(path, { force: true });
  };
}

/** The descriptor of the stack running now, or undefined when there is none (no file, or its process is gone). */
export function runningStackDescriptor(path = descriptorPath()): StackDescriptor | undefined {
  let descriptor: StackDescriptor;
  try {
    descriptor = JSON.parse(readFileSync(path, 'utf8')) as StackDescriptor;
  } catch {
    return undefined;
  }
  return descriptor.version === 1 && isAlive(descriptor.pid) ? descriptor : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
