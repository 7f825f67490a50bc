import { spawnSync } from 'node:child_process';
import { kafkaBrokerProperties } from './image-contracts';
import type { KubernetesObject } from './kubernetes-schema';
import { container, environmentOf, replicasOf, workload } from './objects';

/** The apache/kafka image's own start (its CMD), which a command of the kafka container must end by running. */
export const kafkaImageStart = '/etc/kafka/docker/run';

/** A pod of the kafka StatefulSet as it starts: the environment the image's start gets, and the broker it renders. */
export interface KafkaNode {
  /** `kafka-0`: its name, and so its host name. */
  readonly pod: string;
  readonly ordinal: number;
  readonly env: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Each pod of the kafka StatefulSet. Where the container has a command (nodes that derive their id from their pod's
 * name), the command runs here in bash with the pod's HOSTNAME, up to its final `exec /etc/kafka/docker/run`, which
 * prints the environment instead. Throws when the command is not of that shape or fails.
 */
export function kafkaNodes(objects: readonly KubernetesObject[]): KafkaNode[] {
  const statefulSet = workload(objects, 'StatefulSet', 'kafka');
  const kafka = container(statefulSet.pod, 'kafka');
  const env = environmentOf(objects, kafka);
  return Array.from({ length: replicasOf(statefulSet) }, (_, ordinal) => {
    const pod = `${statefulSet.object.metadata.name}-${ordinal}`;
    const started = kafka.command ? environmentAtStart(kafka.command, env, pod) : env;
    return { pod, ordinal, env: started, properties: kafkaBrokerProperties(started) };
  });
}

function environmentAtStart(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  pod: string,
): Record<string, string> {
  const [shell, flag, script, ...rest] = command;
  if (shell !== 'bash' || flag !== '-c' || script === undefined || rest.length > 0) {
    throw new Error(`StatefulSet/kafka: its command is not \`bash -c <script>\`: ${command.join(' ')}`);
  }
  const lines = script.trimEnd().split('\n');
  if (lines.at(-1)?.trim() !== `exec ${kafkaImageStart}`) {
    throw new Error(`StatefulSet/kafka: its command does not end with \`exec ${kafkaImageStart}\`, the image's start`);
  }
  const result = spawnSync('bash', ['-c', [...lines.slice(0, -1), 'exec env -0'].join('\n')], {
    env: { ...env, HOSTNAME: pod, PATH: process.env.PATH },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`StatefulSet/kafka: its command fails in ${pod}: ${result.stderr.trim()}`);
  return Object.fromEntries(
    result.stdout
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}
