import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { javaCommand, jvmOptions, properties } from '../../components/java';
import { kafkaClusterId, kafkaNodeSettings, waitForKafka } from '../../components/kafka-node';
import { ManagedProcess } from '../../lib/processes';

const run = promisify(execFile);

/** Where one node of the cluster listens: for clients (PLAINTEXT) and for the controller quorum. */
export interface KafkaNodePorts {
  readonly port: number;
  readonly controllerPort: number;
}

export interface KafkaClusterOptions {
  /** The cluster's folder: each node keeps its configuration, data and log in `node-<id>` under it (one node: in it). */
  readonly folder: string;
  readonly kafkaLibs: string;
  /** One entry per node; node ids are 1, 2, 3… in this order. */
  readonly nodes: readonly KafkaNodePorts[];
}

/**
 * A KRaft cluster of combined broker+controller nodes on this machine, every node a voter of the controller quorum
 * (so three nodes survive the loss of any one), replicated as kafkaReplication() says for that many brokers. One
 * node is the harness's default.
 */
export class NativeKafkaCluster {
  /** Every node's client address, node 1 first: the bootstrap list of every client. */
  readonly brokers: readonly string[];
  private readonly clusterId = kafkaClusterId();

  constructor(private readonly options: KafkaClusterOptions) {
    if (options.nodes.length === 0) throw new Error('A Kafka cluster has at least one node');
    this.brokers = options.nodes.map(({ port }) => `127.0.0.1:${port}`);
  }

  get size(): number {
    return this.options.nodes.length;
  }

  /**
   * Starts every node at once (a node is ready only once a majority of the quorum is up) and resolves when each of
   * them answers and the cluster lists all of them; returns the processes, node 1 first.
   */
  async start(): Promise<ManagedProcess[]> {
    const starting = this.options.nodes.map((_, index) => this.startNode(index + 1));
    const settled = await Promise.allSettled(starting);
    const failed = settled.find((result) => result.status === 'rejected');
    const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (failed) {
      await Promise.allSettled(started.map((process) => process.stop()));
      throw failed.reason;
    }
    return started;
  }

  /**
   * Starts node `nodeId` (again, after a fault: its storage is kept) and resolves once it answers and the cluster
   * lists it among its brokers.
   */
  async startNode(nodeId: number): Promise<ManagedProcess> {
    const folder = this.size === 1 ? this.options.folder : join(this.options.folder, `node-${nodeId}`);
    mkdirSync(folder, { recursive: true });
    const config = join(folder, 'server.properties');
    const { port, controllerPort } = this.node(nodeId);
    writeFileSync(
      config,
      properties({
        ...kafkaNodeSettings(nodeId, this.size),
        'controller.quorum.voters': this.options.nodes
          .map((node, index) => `${index + 1}@127.0.0.1:${node.controllerPort}`)
          .join(','),
        listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
        'inter.broker.listener.name': 'PLAINTEXT',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'log.dirs': join(folder, 'data'),
      }),
    );
    const classpath = join(this.options.kafkaLibs, '*');
    // A static voter set (controller.quorum.voters) is formatted without --standalone, every node under the same
    // cluster id. A restart after a fault keeps its storage: formatting it again, under a new cluster id, fails.
    if (!existsSync(join(folder, 'data', 'meta.properties'))) await this.formatStorage(config, classpath);

    const name = this.size === 1 ? 'Kafka' : `Kafka broker ${nodeId}`;
    const process = new ManagedProcess({
      name,
      command: javaCommand(),
      args: [...jvmOptions('kafka'), '-cp', classpath, 'kafka.Kafka', config],
      logFile: join(folder, 'kafka.log'),
    });
    try {
      await waitForKafka(
        [`127.0.0.1:${port}`],
        () => process.assertRunning(),
        (cluster) => cluster.brokers.some((broker) => broker.nodeId === nodeId),
        `${name} to answer on 127.0.0.1:${port} and be listed by the cluster`,
      );
    } catch (error) {
      await process.stop();
      throw error;
    }
    return process;
  }

  private node(nodeId: number): KafkaNodePorts {
    const node = this.options.nodes[nodeId - 1];
    if (!node) throw new Error(`The Kafka cluster has nodes 1 to ${this.size}, not ${nodeId}`);
    return node;
  }

  private async formatStorage(config: string, classpath: string): Promise<void> {
    await run(javaCommand(), [
      ...jvmOptions('kafka-storage'),
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      this.clusterId,
      '-c',
      config,
      '--ignore-formatted',
    ]).catch((error: { stderr?: string; stdout?: string; message: string }) => {
      throw new Error(`Formatting Kafka's storage failed: ${error.stderr || error.stdout || error.message}`);
    });
  }
}
