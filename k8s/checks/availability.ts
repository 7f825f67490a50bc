/**
 * How an overlay's pods survive one of them, or a node, going away: how many of each run, how Kafka and Kafka Connect
 * replicate (against support/components' shared settings), how the topics are created, what PodDisruptionBudgets
 * allow and how pods spread over nodes. Each function lists what is wrong, as `Kind/name: …`.
 */
import { connectWorkerReplication, connectWorkerSettings } from '../../support/components/connect-worker';
import { changeTopic } from '../../support/components/debezium-connector';
import {
  kafkaReplication,
  replicatedKafkaSettings,
  singleNodeKafkaSettings,
} from '../../support/components/kafka-node';
import { connectImageVariables, connectWorkerProperties } from './image-contracts';
import { type KafkaNode, kafkaNodes } from './kafka-nodes';
import { type KubernetesObject, objectId } from './kubernetes-schema';
import {
  configMapData,
  container,
  environmentOf,
  hostAndPort,
  type PodAffinityTerm,
  replicasOf,
  resolveAddress,
  selectedWorkloads,
  services,
  workload,
  workloads,
} from './objects';
import { brokersOf, type OverlayUnderTest } from './overlays';

const longRunning = (objects: readonly KubernetesObject[]) => workloads(objects).filter((w) => w.object.kind !== 'Job');

/** Every long-running workload runs the pods the overlay says, and none is missing. */
export function replicaProblems(objects: readonly KubernetesObject[], overlay: OverlayUnderTest): string[] {
  const running = new Map(longRunning(objects).map((w) => [objectId(w.object), replicasOf(w)]));
  const ids = [...new Set([...running.keys(), ...Object.keys(overlay.replicas)])].sort();
  return ids
    .filter((id) => running.get(id) !== overlay.replicas[id])
    .map((id) => `${id}: runs ${running.get(id) ?? 'no'} pods, ${overlay.folder} ${overlay.replicas[id] ?? 'none'}`);
}

/**
 * The brokers: the shared broker settings with replicatedKafkaSettings() for the overlay's brokers, node ids 1 to n
 * by pod ordinal, every node a voter that the others reach at its controller port, each advertising its own pod.
 */
export function kafkaProblems(objects: readonly KubernetesObject[], overlay: OverlayUnderTest): string[] {
  const brokers = brokersOf(overlay);
  let nodes: KafkaNode[];
  try {
    nodes = kafkaNodes(objects);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  const { 'node.id': _, ...expected } = { ...singleNodeKafkaSettings, ...replicatedKafkaSettings(brokers) };
  const problems: string[] = [];
  for (const node of nodes) {
    const where = `StatefulSet/kafka pod ${node.pod}`;
    for (const [property, value] of Object.entries({ ...expected, 'node.id': String(node.ordinal + 1) })) {
      const actual = node.properties[property];
      if (actual !== value) problems.push(`${where}: ${property} is ${actual ?? 'not set'}, not ${value}`);
    }
    problems.push(...voterProblems(objects, nodes, node), ...advertisedProblems(objects, nodes, node));
  }
  if (new Set(nodes.map((node) => node.env.CLUSTER_ID)).size !== 1) {
    problems.push('StatefulSet/kafka: its pods do not share one CLUSTER_ID');
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(nodes[0]?.env.CLUSTER_ID ?? '')) {
    problems.push('StatefulSet/kafka: CLUSTER_ID is not a fixed cluster id (16 bytes, base64url)');
  }
  if (nodes.length > 1) problems.push(...quorumStartProblems(objects));
  return problems;
}

/** `1@kafka-0.kafka-headless:9093` → its parts. */
function parseVoters(voters: string | undefined): { id: string; host: string; port: number }[] {
  return (voters ?? '').split(',').flatMap((voter) => {
    const match = /^(\d+)@(.+)$/.exec(voter.trim());
    if (!match) return [];
    const [host, port] = hostAndPort(match[2] ?? '');
    return [{ id: match[1] ?? '', host, port }];
  });
}

/** The port of a listener by name, from `listeners` (`CONTROLLER://0.0.0.0:9093`). */
function listenerPort(properties: Readonly<Record<string, string>>, name: string | undefined): number | undefined {
  const listener = properties.listeners?.split(',').find((l) => l.startsWith(`${name}://`));
  return listener ? Number(listener.split(':').pop()) : undefined;
}

function voterProblems(objects: readonly KubernetesObject[], nodes: readonly KafkaNode[], node: KafkaNode): string[] {
  const where = `StatefulSet/kafka pod ${node.pod}`;
  const voters = parseVoters(node.properties['controller.quorum.voters']);
  const ids = voters.map((v) => v.id).sort();
  const nodeIds = nodes.map((n) => n.properties['node.id'] ?? '?').sort();
  const problems: string[] = [];
  if (ids.join() !== nodeIds.join()) {
    problems.push(`${where}: the voters are nodes ${ids.join(', ') || 'none'}, not every node (${nodeIds.join(', ')})`);
  }
  const controllerPort = listenerPort(node.properties, node.properties['controller.listener.names']);
  for (const voter of voters) {
    const address = `${voter.id}@${voter.host}:${voter.port}`;
    if (voter.port !== controllerPort) {
      problems.push(`${where}: voter ${address} is not at the controller port ${controllerPort}`);
    }
    let target: KafkaNode | undefined;
    try {
      target = voter.host === 'localhost' ? node : kafkaPodAt(objects, nodes, voter.host, voter.port);
    } catch (error) {
      problems.push(`${where}: voter ${address}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (target?.properties['node.id'] !== voter.id) {
      problems.push(
        `${where}: voter ${address} leads to ${target?.pod ?? 'no one kafka pod'}, not to node ${voter.id}`,
      );
    }
  }
  return problems;
}

/** A client must reach the leader of each partition: each broker advertises an address of its own pod. */
function advertisedProblems(objects: readonly KubernetesObject[], nodes: readonly KafkaNode[], node: KafkaNode) {
  const where = `StatefulSet/kafka pod ${node.pod}`;
  const advertised = node.properties['advertised.listeners'];
  if (!advertised) return [`${where}: advertises no listener`];
  return advertised.split(',').flatMap((listener) => {
    const address = listener.split('://')[1] ?? '';
    try {
      const target = kafkaPodAt(objects, nodes, ...hostAndPort(address));
      return target === node ? [] : [`${where}: advertises ${address}, which does not lead to ${node.pod} alone`];
    } catch (error) {
      return [`${where}: advertises ${address}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

/** The one kafka pod an address leads to: a pod's own name, or a Service in front of a single broker. */
function kafkaPodAt(
  objects: readonly KubernetesObject[],
  nodes: readonly KafkaNode[],
  host: string,
  port: number,
): KafkaNode | undefined {
  const { workload: target, ordinal } = resolveAddress(objects, host, port);
  if (target.object.kind !== 'StatefulSet' || target.object.metadata.name !== 'kafka') return undefined;
  return ordinal === undefined ? (nodes.length === 1 ? nodes[0] : undefined) : nodes[ordinal];
}

/**
 * A broker is ready only once a majority of the voters has elected a leader: the pods must start together, and find
 * each other by name before any is ready.
 */
function quorumStartProblems(objects: readonly KubernetesObject[]): string[] {
  const statefulSet = workload(objects, 'StatefulSet', 'kafka').object.spec as {
    podManagementPolicy?: string;
    serviceName?: string;
  };
  const problems: string[] = [];
  if (statefulSet.podManagementPolicy !== 'Parallel') {
    problems.push(
      'StatefulSet/kafka: podManagementPolicy is not Parallel: kafka-0 waits for a quorum that kafka-1 never joins',
    );
  }
  const headless = services(objects).find((s) => s.name === statefulSet.serviceName);
  if (!headless?.spec.publishNotReadyAddresses) {
    problems.push(
      `Service/${statefulSet.serviceName}: without publishNotReadyAddresses the voters cannot find each other`,
    );
  }
  return problems;
}

/**
 * The Connect workers: the shared worker settings with connectWorkerReplication() through the image's variables only,
 * in one group, reaching Kafka and each other.
 */
export function connectProblems(objects: readonly KubernetesObject[], overlay: OverlayUnderTest): string[] {
  const connect = workload(objects, 'Deployment', 'connect');
  const c = container(connect.pod, 'connect');
  const env = environmentOf(objects, c);
  const worker = connectWorkerProperties(env);
  const brokers = brokersOf(overlay);
  const problems = Object.keys(env)
    .filter((variable) => !variable.startsWith('CONNECT_') && !connectImageVariables.includes(variable))
    .map((variable) => `Deployment/connect: ${variable} is no variable of the Connect image's entrypoint`);
  for (const [property, value] of Object.entries({ ...connectWorkerSettings, ...connectWorkerReplication(brokers) })) {
    if (worker[property] !== value) {
      problems.push(`Deployment/connect: ${property} is ${worker[property] ?? 'not set'}, not ${value}`);
    }
  }
  for (const topic of ['config', 'offset', 'status']) {
    const minIsr = worker[`${topic}.storage.min.insync.replicas`];
    if (minIsr !== undefined && Number(minIsr) < kafkaReplication(brokers).minInSyncReplicas) {
      problems.push(`Deployment/connect: ${topic}.storage.min.insync.replicas ${minIsr} is below the brokers' default`);
    }
  }
  try {
    const kafka = resolveAddress(objects, ...hostAndPort(worker['bootstrap.servers'] ?? ''));
    if (kafka.workload.object.metadata.name !== 'kafka')
      problems.push('Deployment/connect: bootstrap.servers is not Kafka');
  } catch (error) {
    problems.push(`Deployment/connect: bootstrap.servers: ${error instanceof Error ? error.message : String(error)}`);
  }
  const advertised = c.env?.find((v) => v.name === 'ADVERTISED_HOST_NAME')?.valueFrom?.fieldRef?.fieldPath;
  if (replicasOf(connect) > 1 && advertised !== 'status.podIP') {
    problems.push("Deployment/connect: workers forward requests to each other's ADVERTISED_HOST_NAME: the pod's IP");
  }
  return problems;
}

/** The Job creates the topics with the overlay's replication; push-email has no more consumers than partitions. */
export function topicProblems(objects: readonly KubernetesObject[], overlay: OverlayUnderTest): string[] {
  const job = workload(objects, 'Job', 'connector-registration');
  const env = environmentOf(objects, container(job.pod, 'create-topics'));
  const { replicationFactor, minInSyncReplicas } = kafkaReplication(brokersOf(overlay));
  const problems: string[] = [];
  for (const [variable, value] of [
    ['REPLICATION_FACTOR', replicationFactor],
    ['MIN_INSYNC_REPLICAS', minInSyncReplicas],
  ] as const) {
    if (env[variable] !== String(value)) {
      problems.push(
        `Job/connector-registration container create-topics: ${variable} is ${env[variable]}, not ${value}`,
      );
    }
  }
  const files = configMapData(objects, job.pod.volumes?.find((v) => v.name === 'connector')?.configMap?.name ?? '');
  const topics = files[env.TOPICS_FILE?.replace(/^\/etc\/connector\//, '') ?? ''] ?? '';
  const partitions = Number(
    topics
      .split('\n')
      .find((line) => line.startsWith(`${changeTopic} `))
      ?.split(' ')[1],
  );
  const consumers = replicasOf(workload(objects, 'Deployment', 'push-email'));
  if (!partitions) {
    problems.push(`Job/connector-registration: creates no ${changeTopic}`);
  } else if (consumers > partitions) {
    problems.push(
      `Deployment/push-email: ${consumers} consumers share the ${partitions} partitions of ${changeTopic}: ${consumers - partitions} would idle`,
    );
  }
  return problems;
}

interface DisruptionBudget {
  readonly id: string;
  readonly spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: { matchLabels?: Record<string, string> };
  };
}

/**
 * Every workload of several pods has a PodDisruptionBudget, each budget covers the pods of one workload and lets a
 * drain take at least one and not all of them; Kafka's no more brokers than its topics have copies to spare.
 */
export function disruptionProblems(objects: readonly KubernetesObject[], overlay: OverlayUnderTest): string[] {
  const budgets: DisruptionBudget[] = objects
    .filter((object) => object.kind === 'PodDisruptionBudget')
    .map((object) => ({ id: objectId(object), spec: object.spec as DisruptionBudget['spec'] }));
  const problems: string[] = [];
  const covered = new Set<KubernetesObject>();
  for (const { id, spec } of budgets) {
    const picked = selectedWorkloads(objects, spec.selector?.matchLabels ?? {});
    const [target] = picked;
    if (picked.length !== 1 || !target) {
      problems.push(`${id}: selects the pods of ${picked.length} workloads, not one`);
      continue;
    }
    covered.add(target.object);
    const replicas = replicasOf(target);
    const down = spec.maxUnavailable ?? replicas - Number(spec.minAvailable);
    if (typeof down !== 'number' || Number.isNaN(down)) {
      problems.push(`${id}: give minAvailable or maxUnavailable as a number of pods`);
    } else if (down < 1) {
      problems.push(`${id}: lets no pod of ${objectId(target.object)} go: a node drain would wait for ever`);
    } else if (down >= replicas) {
      problems.push(`${id}: lets all ${replicas} pods of ${objectId(target.object)} go at once`);
    } else if (target.object.metadata.name === 'kafka') {
      const { replicationFactor, minInSyncReplicas } = kafkaReplication(brokersOf(overlay));
      if (down > replicationFactor - minInSyncReplicas) {
        problems.push(
          `${id}: lets ${down} brokers go, but an acks=all write needs ${minInSyncReplicas} of ${replicationFactor} copies`,
        );
      }
    }
  }
  for (const w of longRunning(objects)) {
    if (replicasOf(w) > 1 && !covered.has(w.object)) {
      problems.push(`${objectId(w.object)}: runs ${replicasOf(w)} pods and no PodDisruptionBudget keeps them up`);
    }
  }
  return problems;
}

/**
 * The pods of a workload of several spread over nodes: a podAntiAffinity by kubernetes.io/hostname that selects its
 * own pods, required for the overlay's onePodPerNode workloads, at least preferred for the others.
 */
export function spreadProblems(objects: readonly KubernetesObject[], overlay: OverlayUnderTest): string[] {
  const problems: string[] = [];
  for (const w of longRunning(objects)) {
    const id = objectId(w.object);
    const required = overlay.onePodPerNode.includes(id);
    if (replicasOf(w) < 2 && !required) continue;
    const antiAffinity = w.pod.affinity?.podAntiAffinity;
    const spreads = (term: PodAffinityTerm) =>
      term.topologyKey === 'kubernetes.io/hostname' &&
      selectedWorkloads(objects, term.labelSelector?.matchLabels ?? {}).some((picked) => picked.object === w.object);
    const requiredTerms = antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const preferredTerms = (antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (preference) => preference.podAffinityTerm,
    );
    if (required && !requiredTerms.some(spreads)) {
      problems.push(
        `${id}: its pods must run on different nodes (a required podAntiAffinity by kubernetes.io/hostname)`,
      );
    } else if (!required && ![...requiredTerms, ...preferredTerms].some(spreads)) {
      problems.push(`${id}: ${replicasOf(w)} pods and no podAntiAffinity by kubernetes.io/hostname to spread them`);
    }
  }
  return problems;
}
