import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { javaCommand, jvmOptions, properties } from '../../components/java';
import { kafkaClusterId, singleNodeKafkaSettings, waitForKafka } from '../../components/kafka-node';
import { ManagedProcess } from '../../lib/processes';

const run = promisify(execFile);

export interface KafkaOptions {
  readonly folder: string;
  readonly kafkaLibs: string;
  readonly port: number;
  readonly controllerPort: number;
}

/** One combined broker+controller node in KRaft mode, sized for a fast start and for one replica of everything. */
export async function startKafka(options: KafkaOptions): Promise<{ process: ManagedProcess; brokers: string[] }> {
  mkdirSync(options.folder, { recursive: true });
  const config = join(options.folder, 'server.properties');
  writeFileSync(
    config,
    properties({
      ...singleNodeKafkaSettings,
      'controller.quorum.voters': `1@127.0.0.1:${options.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${options.port}`,
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': join(options.folder, 'data'),
    }),
  );
  const classpath = join(options.kafkaLibs, '*');
  const log = join(options.folder, 'kafka.log');
  // A static voter set (controller.quorum.voters) is formatted without --standalone. A restart after a fault keeps
  // its storage: formatting it again, under a new cluster id, fails.
  if (!existsSync(join(options.folder, 'data', 'meta.properties'))) await formatStorage(config, classpath);

  const process = new ManagedProcess({
    name: 'Kafka',
    command: javaCommand(),
    args: [...jvmOptions('kafka'), '-cp', classpath, 'kafka.Kafka', config],
    logFile: log,
  });
  const brokers = [`127.0.0.1:${options.port}`];
  await waitForKafka(brokers, () => process.assertRunning());
  return { process, brokers };
}

async function formatStorage(config: string, classpath: string): Promise<void> {
  await run(javaCommand(), [
    ...jvmOptions('kafka-storage'),
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    kafkaClusterId(),
    '-c',
    config,
    '--ignore-formatted',
  ]).catch((error: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`Formatting Kafka's storage failed: ${error.stderr || error.stdout || error.message}`);
  });
}
