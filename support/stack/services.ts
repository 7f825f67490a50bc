import { join } from 'node:path';
import { eventually } from '../lib/eventually';
import { ManagedProcess } from '../lib/processes';

const root = join(__dirname, '..', '..');

export interface ServiceSpec {
  readonly name: 'userdata' | 'push-email';
  readonly env: Record<string, string>;
  /** Answers 200 once the service does its job. */
  readonly readyUrl: string;
  readonly logFile: string;
  /** Named in the process title, so that `ps` (and the clean-up of an abandoned run) can tell whose service it is. */
  readonly runFolder: string;
}

/**
 * Starts a service the way it runs everywhere: its own process, its composition root, configuration through the
 * environment only. ts-node compiles on the fly (transpile-only: `npm run typecheck` is the type gate).
 */
export async function startService(spec: ServiceSpec): Promise<ManagedProcess> {
  const service = new ManagedProcess({
    name: spec.name,
    command: process.execPath,
    args: [
      `--title=${spec.name} ${spec.runFolder}`,
      '--require',
      'ts-node/register',
      join(root, 'src', spec.name, 'main.ts'),
    ],
    cwd: root,
    // The parent's environment is inherited (PATH, and NODE_V8_COVERAGE so coverage includes the services).
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...spec.env },
    logFile: spec.logFile,
    stopTimeoutMs: 10_000,
  });
  try {
    await eventually(
      async () => {
        service.assertRunning();
        return (await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined;
      },
      { awaiting: `${spec.name} to answer 200 at ${spec.readyUrl}`, timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch (error) {
    // Nobody else holds this process yet: a service that never became ready must not outlive the failed start.
    await service.stop();
    throw error;
  }
  return service;
}
