import type { KubernetesObject } from './kubernetes-schema';

/** The parts of the Kubernetes API that the checks read, loosely typed: the schema validation types them for real. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
export interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
/** A podAffinityTerm: the pods it is about, and the topology (node, zone) they share or not. */
export interface PodAffinityTerm {
  labelSelector?: { matchLabels?: Record<string, string> };
  topologyKey: string;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean;
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
      preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: PodAffinityTerm }[];
    };
  };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: {
    name: string;
    emptyDir?: object;
    configMap?: { name: string };
    secret?: { secretName: string; items?: { key: string; path: string }[] };
  }[];
}
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}
export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  selector?: Record<string, string>;
  ports: ServicePort[];
}

/** A Deployment, StatefulSet or Job with its pod template. */
export interface Workload {
  readonly object: KubernetesObject;
  readonly podLabels: Record<string, string>;
  readonly pod: PodSpec;
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet']);

export function workloads(objects: readonly KubernetesObject[]): Workload[] {
  return objects
    .filter((object) => workloadKinds.has(object.kind))
    .map((object) => {
      const template = (object.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } })
        .template;
      return { object, podLabels: template.metadata?.labels ?? {}, pod: template.spec };
    });
}

export function workload(objects: readonly KubernetesObject[], kind: string, name: string): Workload {
  const found = workloads(objects).find((w) => w.object.kind === kind && w.object.metadata.name === name);
  if (!found) throw new Error(`No ${kind}/${name} in the rendered manifests`);
  return found;
}

/** The pods a workload runs: its replicas (1 when unset), 1 for a Job. */
export function replicasOf(w: Workload): number {
  if (w.object.kind === 'Job') return 1;
  return (w.object.spec as { replicas?: number }).replicas ?? 1;
}

/** The workloads whose pods carry every label of `selector`. */
export function selectedWorkloads(objects: readonly KubernetesObject[], selector: Record<string, string>): Workload[] {
  return workloads(objects).filter((w) =>
    Object.entries(selector).every(([label, value]) => w.podLabels[label] === value),
  );
}

export function allContainers(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

export function container(pod: PodSpec, name: string): Container {
  const found = allContainers(pod).find((c) => c.name === name);
  if (!found) throw new Error(`No container ${name}`);
  return found;
}

export function services(objects: readonly KubernetesObject[]): { name: string; spec: ServiceSpec }[] {
  return objects
    .filter((object) => object.kind === 'Service')
    .map((object) => ({ name: object.metadata.name, spec: object.spec as ServiceSpec }));
}

export function configMapData(objects: readonly KubernetesObject[], name: string): Record<string, string> {
  const found = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name);
  if (!found) throw new Error(`No ConfigMap ${name}`);
  return (found.data as Record<string, string> | undefined) ?? {};
}

export function secretData(objects: readonly KubernetesObject[], name: string): Record<string, string> {
  const found = objects.find((object) => object.kind === 'Secret' && object.metadata.name === name);
  if (!found) throw new Error(`No Secret ${name}`);
  const data = (found.data as Record<string, string> | undefined) ?? {};
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]));
}

/** A ConfigMap or Secret of the base by its name without kustomize's hash suffix. */
export function generatedName(objects: readonly KubernetesObject[], kind: string, baseName: string): string {
  const found = objects.find(
    (object) => object.kind === kind && new RegExp(`^${baseName}-[a-z0-9]{10}$`).test(object.metadata.name),
  );
  if (!found) throw new Error(`No generated ${kind} ${baseName}`);
  return found.metadata.name;
}

/** The environment a container starts with: envFrom first, then env; Secret values decoded, field refs stubbed. */
export function environmentOf(objects: readonly KubernetesObject[], c: Container): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) Object.assign(environment, configMapData(objects, source.configMapRef.name));
    if (source.secretRef) Object.assign(environment, secretData(objects, source.secretRef.name));
  }
  for (const variable of c.env ?? []) {
    const from = variable.valueFrom;
    if (from?.configMapKeyRef) {
      const value = configMapData(objects, from.configMapKeyRef.name)[from.configMapKeyRef.key];
      if (value === undefined) throw new Error(`${c.name}: ${variable.name} refers to a missing ConfigMap key`);
      environment[variable.name] = value;
    } else if (from?.secretKeyRef) {
      const value = secretData(objects, from.secretKeyRef.name)[from.secretKeyRef.key];
      if (value === undefined) throw new Error(`${c.name}: ${variable.name} refers to a missing Secret key`);
      environment[variable.name] = value;
    } else if (from?.fieldRef) {
      environment[variable.name] = `<${from.fieldRef.fieldPath}>`;
    } else {
      environment[variable.name] = variable.value ?? '';
    }
  }
  return environment;
}

/** The names a container's environment gets, whichever way (env, envFrom). */
export function environmentNames(objects: readonly KubernetesObject[], c: Container): string[] {
  return Object.keys(environmentOf(objects, c));
}

export function containerPort(c: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return c.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/**
 * Where `host:port` leads: the Service called `host` in the rendered manifests, its port `port`, and the container
 * port it forwards to in a pod its selector picks. Throws, saying what is missing, when any link is broken.
 */
export function resolveEndpoint(
  objects: readonly KubernetesObject[],
  host: string,
  port: number,
): { workload: Workload; container: Container; containerPort: number } {
  const service = services(objects).find((s) => s.name === host);
  if (!service) throw new Error(`${host}:${port}: no Service ${host}`);
  const servicePort = service.spec.ports.find((p) => p.port === port);
  if (!servicePort) throw new Error(`${host}:${port}: Service ${host} has no port ${port}`);
  const picked = selectedWorkloads(objects, service.spec.selector ?? {});
  if (picked.length !== 1) throw new Error(`${host}:${port}: the selector picks ${picked.length} workloads`);
  const [target] = picked as [Workload];
  for (const c of target.pod.containers) {
    const number = containerPort(c, servicePort.targetPort ?? port);
    if (number !== undefined) return { workload: target, container: c, containerPort: number };
  }
  throw new Error(`${host}:${port}: no container of ${target.object.metadata.name} has port ${servicePort.targetPort}`);
}

/**
 * Where `host:port` leads from a pod of the namespace: a Service by its name (resolveEndpoint), or one pod of a
 * StatefulSet by its stable name `<statefulset>-<ordinal>.<its governing Service>`, which must be headless and select
 * it. A pod's name needs no Service port: the container port is the port. `ordinal` says which pod, when it is one.
 */
export function resolveAddress(
  objects: readonly KubernetesObject[],
  host: string,
  port: number,
): { workload: Workload; container: Container; containerPort: number; ordinal?: number } {
  const podName = /^(.+)-(\d+)\.([^.]+)$/.exec(host);
  if (!podName) return resolveEndpoint(objects, host, port);
  const [, name = '', ordinal = '', serviceName = ''] = podName;
  const statefulSet = workloads(objects).find(
    (w) => w.object.kind === 'StatefulSet' && w.object.metadata.name === name,
  );
  if (!statefulSet) throw new Error(`${host}:${port}: no StatefulSet ${name}`);
  if ((statefulSet.object.spec as { serviceName?: string }).serviceName !== serviceName) {
    throw new Error(`${host}:${port}: ${serviceName} is not the governing Service of StatefulSet ${name}`);
  }
  const service = services(objects).find((s) => s.name === serviceName);
  if (service?.spec.clusterIP !== 'None') throw new Error(`${host}:${port}: no headless Service ${serviceName}`);
  if (!selectedWorkloads(objects, service.spec.selector ?? {}).some((w) => w.object === statefulSet.object)) {
    throw new Error(`${host}:${port}: Service ${serviceName} does not select the pods of ${name}`);
  }
  if (Number(ordinal) >= replicasOf(statefulSet)) {
    throw new Error(`${host}:${port}: StatefulSet ${name} has ${replicasOf(statefulSet)} pods, no ${name}-${ordinal}`);
  }
  for (const c of statefulSet.pod.containers) {
    if (containerPort(c, port) !== undefined) {
      return { workload: statefulSet, container: c, containerPort: port, ordinal: Number(ordinal) };
    }
  }
  throw new Error(`${host}:${port}: no container of ${name} has port ${port}`);
}

/** `host:port` → [host, port]. */
export function hostAndPort(address: string): [string, number] {
  const match = /^([^:/]+):(\d+)$/.exec(address);
  if (!match) throw new Error(`${address} is not host:port`);
  return [match[1] as string, Number(match[2])];
}
