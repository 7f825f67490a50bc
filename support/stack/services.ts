import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
 * Builds the services exactly as their image does (`npm run build`: tsc to dist/, then the files the code reads
 * beside it), so that what the specs run is what ships: a file the build leaves out fails a scenario. Incremental:
 * a build with nothing changed takes a few seconds.
 */
export async function buildServices(signal?: AbortSignal): Promise<void> {
  try {
    await promisify(execFile)('npm', ['run', '--silent', 'build'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run build failed: ${`${stdout}\n${stderr}`.trim() || message}`);
  }
}

/**
 * Starts a built service the way its image does (`node dist/<service>/main.js`, see buildServices): its own
 * process, its composition root, configuration through the environment only.
 */
export async function startService(spec: ServiceSpec): Promise<ManagedProcess> {
  const service = new ManagedProcess({
    name: spec.name,
    command: process.execPath,
    args: [
      `--title=${spec.name} ${spec.runFolder}`,
      // Stack traces name the TypeScript sources; c8 maps the services' coverage back to them the same way.
      '--enable-source-maps',
      join(root, 'dist', spec.name, 'main.js'),
    ],
    cwd: root,
    // The parent's environment is inherited (PATH, and NODE_V8_COVERAGE so coverage includes the services).
    env: { ...process.env, ...spec.env },
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
