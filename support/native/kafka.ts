import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../lib/eventually';
import { ManagedProcess } from '../lib/processes';
import { javaCommand, jvmOptions, properties } from './java';

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
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${options.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${options.port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': join(options.folder, 'data'),
      'num.partitions': '1',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      // The default 50 partitions make the first consumer group wait for 50 partition leaders.
      'offsets.topic.num.partitions': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      // Saves three seconds each time a consumer group forms.
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'true',
    }),
  );
  const classpath = join(options.kafkaLibs, '*');
  const log = join(options.folder, 'kafka.log');
  // A static voter set (controller.quorum.voters) is formatted without --standalone.
  await run(javaCommand(), [
    ...jvmOptions('kafka-storage'),
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId(),
    '-c',
    config,
    '--ignore-formatted',
  ]).catch((error: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`Formatting Kafka's storage failed: ${error.stderr || error.stdout || error.message}`);
  });

  const process = new ManagedProcess({
    name: 'Kafka',
    command: javaCommand(),
    args: [...jvmOptions('kafka'), '-cp', classpath, 'kafka.Kafka', config],
    logFile: log,
  });
  const brokers = [`127.0.0.1:${options.port}`];
  // An open port is not a ready broker: wait until a client call succeeds.
  const admin = new Kafka({ clientId: 'harness-readiness', brokers, logLevel: logLevel.NOTHING }).admin();
  await eventually(
    async () => {
      process.assertRunning();
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 ? cluster : undefined;
    },
    { awaiting: `Kafka to answer describeCluster on ${brokers[0]}`, timeoutMs: 60_000, intervalMs: 100 },
  ).finally(() => admin.disconnect());
  return { process, brokers };
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64, never starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
