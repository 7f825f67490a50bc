import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { harnessConnectTimeoutSettings } from '../../components/client-timeouts';
import { connectWorkerReplication, connectWorkerSettings } from '../../components/connect-worker';
import { javaCommand, jvmOptions, properties } from '../../components/java';
import { type DebeziumConnectorKind, debeziumConnectors } from '../../components/versions';
import { eventually, GiveUp } from '../../lib/eventually';
import { ManagedProcess } from '../../lib/processes';

export interface ConnectOptions {
  readonly folder: string;
  readonly kafkaLibs: string;
  readonly pluginPath: string;
  /** The connector the plugin path holds: start-up fails at once, naming it, if the worker cannot load it. */
  readonly connector: DebeziumConnectorKind;
  readonly bootstrapServers: string;
  /** How many brokers the cluster has: Connect's internal topics are replicated to match. */
  readonly kafkaBrokers: number;
  readonly port: number;
}

/** A Kafka Connect worker in distributed mode, its internal topics replicated as the cluster's size says. */
export async function startConnect(options: ConnectOptions): Promise<{ process: ManagedProcess; url: string }> {
  mkdirSync(options.folder, { recursive: true });
  const config = join(options.folder, 'worker.properties');
  writeFileSync(
    config,
    properties({
      'bootstrap.servers': options.bootstrapServers,
      ...connectWorkerSettings,
      ...connectWorkerReplication(options.kafkaBrokers),
      ...harnessConnectTimeoutSettings,
      listeners: `http://127.0.0.1:${options.port}`,
      'rest.advertised.host.name': '127.0.0.1',
      'rest.advertised.port': String(options.port),
      'plugin.path': options.pluginPath,
    }),
  );
  const process = new ManagedProcess({
    name: 'Kafka Connect',
    command: javaCommand(),
    args: [
      ...jvmOptions('connect'),
      '-cp',
      join(options.kafkaLibs, '*'),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      config,
    ],
    logFile: join(options.folder, 'connect.log'),
  });
  const url = `http://127.0.0.1:${options.port}`;
  await eventually(
    async () => {
      process.assertRunning();
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      return response.ok ? true : undefined;
    },
    { awaiting: `Kafka Connect's ${url}/health to answer 200`, timeoutMs: 90_000, intervalMs: 200 },
  );
  await assertPluginInstalled(url, debeziumConnectors[options.connector].connectorClass);
  return { process, url };
}

async function assertPluginInstalled(url: string, expected: string): Promise<void> {
  const plugins = (await (await fetch(`${url}/connector-plugins`)).json()) as { class: string; version: string }[];
  if (!plugins.some((plugin) => plugin.class === expected)) {
    throw new GiveUp(
      `Kafka Connect at ${url} has no ${expected}; it lists: ${plugins.map((p) => p.class).join(', ') || 'nothing'}`,
    );
  }
}
