/**
 * The overlays of k8s/ as the checks hold them: what each must render besides what they share. Every check that
 * reads rendered manifests runs on each of them.
 */
export interface OverlayUnderTest {
  /** The kustomization, relative to k8s/. */
  readonly folder: string;
  /** Where the cluster pulls the project's own images from. */
  readonly registry: string;
  /** Pods of each long-running workload, by `Kind/name`. */
  readonly replicas: Readonly<Record<string, number>>;
  /** Workloads whose pods must each run on a node of their own; the others with several pods only prefer it. */
  readonly onePodPerNode: readonly string[];
  /** The NodePort opened for each `<workload>:<container port>`. */
  readonly nodePorts: Readonly<Record<string, number>>;
}

/**
 * One node: everything once, the API, mail UI and database on NodePorts of the host (30303 stands in for the seed's
 * database port 33303, outside the default NodePort range: k8s/README.md).
 */
export const microk8s: OverlayUnderTest = {
  folder: 'overlays/microk8s',
  registry: 'localhost:32000',
  replicas: {
    'StatefulSet/mysql': 1,
    'StatefulSet/kafka': 1,
    'Deployment/connect': 1,
    'Deployment/userdata': 1,
    'Deployment/push-email': 1,
    'Deployment/maildev': 1,
  },
  onePodPerNode: [],
  nodePorts: { 'userdata:3000': 30300, 'maildev:1080': 31080, 'mysql:3306': 30303 },
};

/** Past one machine: three brokers, two Connect workers, several userdata and push-email pods. */
export const production: OverlayUnderTest = {
  folder: 'overlays/production',
  registry: 'registry.example.com',
  replicas: {
    'StatefulSet/mysql': 1,
    'StatefulSet/kafka': 3,
    'Deployment/connect': 2,
    'Deployment/userdata': 2,
    'Deployment/push-email': 3,
    'Deployment/maildev': 1,
  },
  onePodPerNode: ['StatefulSet/kafka'],
  nodePorts: {},
};

export const overlays: readonly OverlayUnderTest[] = [microk8s, production];

/** The Kafka nodes an overlay runs. */
export function brokersOf(overlay: OverlayUnderTest): number {
  const brokers = overlay.replicas['StatefulSet/kafka'];
  if (!brokers) throw new Error(`${overlay.folder} runs no Kafka`);
  return brokers;
}
