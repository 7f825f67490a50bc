import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  connectProblems,
  disruptionProblems,
  kafkaProblems,
  replicaProblems,
  spreadProblems,
  topicProblems,
} from './availability';
import { type KubernetesObject, schemaProblems } from './kubernetes-schema';
import { microk8s, production } from './overlays';
import { copyK8s } from './render';
import { projectServices, serviceConfigProblems } from './service-config';

type Edit = readonly [file: string, from: string | RegExp, to: string];

/** Renders an overlay of a copy of k8s/ with files edited, as a person might get them wrong. */
async function renderBroken(overlay: string, ...edits: Edit[]): Promise<KubernetesObject[]> {
  const copy = copyK8s();
  try {
    for (const edit of edits) copy.edit(...edit);
    return await copy.render(overlay);
  } finally {
    copy.remove();
  }
}

function configProblems(objects: readonly KubernetesObject[]): string[] {
  return projectServices.flatMap((service) => serviceConfigProblems(objects, service));
}

describe('a broken copy of k8s/ is caught', () => {
  it('a misspelled field of a Deployment', async () => {
    const objects = await renderBroken(microk8s.folder, [
      'base/userdata/deployment.yaml',
      'readinessProbe:',
      'readinesProbe:',
    ]);
    assert.deepEqual(await schemaProblems(objects), [
      'Deployment/userdata: unknown field spec.template.spec.containers[0].readinesProbe',
    ]);
  });

  it('a field of the wrong type', async () => {
    const objects = await renderBroken(microk8s.folder, [
      'base/userdata/deployment.yaml',
      'replicas: 1',
      'replicas: "one"',
    ]);
    assert.deepEqual(await schemaProblems(objects), ['Deployment/userdata: data/spec/replicas must be integer']);
  });

  it('a misspelled field deep in a pod template, and a wrong type in a Service', async () => {
    const copy = copyK8s();
    try {
      copy.edit('base/kafka/statefulset.yaml', 'failureThreshold: 36', 'failureTreshold: 36');
      copy.edit('base/maildev/service.yaml', 'port: 1025', 'port: smtp-port');
      const problems = await schemaProblems(await copy.render(microk8s.folder));
      assert.ok(
        problems.includes(
          'StatefulSet/kafka: unknown field spec.template.spec.containers[0].startupProbe.failureTreshold',
        ),
        problems.join('\n'),
      );
      assert.ok(
        problems.some((p) => /^Service\/maildev: data\/spec\/ports\/0\/port must be integer/.test(p)),
        problems.join('\n'),
      );
    } finally {
      copy.remove();
    }
  });

  it('a variable the service does not know', async () => {
    const objects = await renderBroken(microk8s.folder, [
      'base/userdata/config.env',
      'USERDATA_PORT=3000',
      'USERDATA_PROT=3000',
    ]);
    assert.deepEqual(await schemaProblems(objects), [], 'the manifests themselves are valid Kubernetes');
    assert.deepEqual(configProblems(objects), [
      "Deployment/userdata container userdata: USERDATA_PROT is not a variable of the service's config schema",
    ]);
  });

  it('a required variable missing, and a value the service refuses', async () => {
    const copy = copyK8s();
    try {
      copy.edit('base/push-email/config.env', /^SMTP_HOST=maildev\n/m, '');
      copy.edit('base/push-email/config.env', 'DATABASE_PORT=3306', 'DATABASE_PORT=three-three-o-six');
      const problems = configProblems(await copy.render(microk8s.folder));
      assert.ok(problems.includes('Deployment/push-email container push-email: the required SMTP_HOST is not set'));
      assert.ok(
        problems.some((p) => /invalid configuration[\s\S]*DATABASE_PORT/.test(p)),
        problems.join('\n'),
      );
    } finally {
      copy.remove();
    }
  });

  it('a kustomization that names a file that is not there', async () => {
    await assert.rejects(
      renderBroken(microk8s.folder, [
        'base/kustomization.yaml',
        '- userdata/config.env',
        '- userdata/configuration.env',
      ]),
      /kubectl kustomize .* failed/,
    );
  });
});

describe('a broken copy of k8s/overlays/production is caught', () => {
  const broken = (...edits: Edit[]) => renderBroken(production.folder, ...edits);

  it('brokers that keep one copy, and a Job that creates topics with one', async () => {
    const objects = await broken(
      ['overlays/production/kafka.env', 'KAFKA_DEFAULT_REPLICATION_FACTOR=3', 'KAFKA_DEFAULT_REPLICATION_FACTOR=1'],
      ['overlays/production/job.yaml', 'value: "3"', 'value: "1"'],
    );
    assert.deepEqual(await schemaProblems(objects), [], 'the manifests themselves are valid Kubernetes');
    assert.deepEqual(
      kafkaProblems(objects, production),
      [0, 1, 2].map((i) => `StatefulSet/kafka pod kafka-${i}: default.replication.factor is 1, not 3`),
    );
    assert.deepEqual(topicProblems(objects, production), [
      'Job/connector-registration container create-topics: REPLICATION_FACTOR is 1, not 3',
    ]);
  });

  it('Connect topics with one copy', async () => {
    const objects = await broken([
      'overlays/production/connect.env',
      'CONNECT_STATUS_STORAGE_REPLICATION_FACTOR=3',
      'CONNECT_STATUS_STORAGE_REPLICATION_FACTOR=1',
    ]);
    assert.deepEqual(connectProblems(objects, production), [
      'Deployment/connect: status.storage.replication.factor is 1, not 3',
    ]);
  });

  it('a quorum that leaves a broker out, or starts one broker at a time', async () => {
    const objects = await broken(
      ['overlays/production/kafka.env', ',3@kafka-2.kafka-headless:9093', ''],
      ['overlays/production/kafka.yaml', 'podManagementPolicy: Parallel', 'podManagementPolicy: OrderedReady'],
    );
    const problems = kafkaProblems(objects, production);
    assert.ok(
      problems.includes('StatefulSet/kafka pod kafka-2: the voters are nodes 1, 2, not every node (1, 2, 3)'),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /podManagementPolicy is not Parallel/.test(p)),
      problems.join('\n'),
    );
  });

  it('more push-email consumers than the change topic has partitions, or than the overlay says', async () => {
    const objects = await broken(['overlays/production/replicas.yaml', 'replicas: 3', 'replicas: 13']);
    assert.deepEqual(topicProblems(objects, production), [
      'Deployment/push-email: 13 consumers share the 12 partitions of cdc.info-user: 1 would idle',
    ]);
    assert.deepEqual(
      replicaProblems(await broken(['overlays/production/replicas.yaml', 'replicas: 3', 'replicas: 5']), production),
      ['Deployment/push-email: runs 5 pods, overlays/production 3'],
    );
  });

  it('a PodDisruptionBudget that selects no pods, and one that lets two brokers go', async () => {
    const objects = await broken(
      [
        'overlays/production/disruption-budgets.yaml',
        /(matchLabels:\n {6}app.kubernetes.io\/name:) push-email/,
        '$1 push-mail',
      ],
      ['overlays/production/disruption-budgets.yaml', 'maxUnavailable: 1', 'maxUnavailable: 2'],
    );
    assert.deepEqual(disruptionProblems(objects, production), [
      'PodDisruptionBudget/kafka: lets 2 brokers go, but an acks=all write needs 2 of 3 copies',
      'PodDisruptionBudget/push-email: selects the pods of 0 workloads, not one',
      'Deployment/push-email: runs 3 pods and no PodDisruptionBudget keeps them up',
    ]);
  });

  it('brokers that may share a node', async () => {
    const objects = await broken([
      'overlays/production/kafka.yaml',
      'topologyKey: kubernetes.io/hostname',
      'topologyKey: topology.kubernetes.io/zone',
    ]);
    assert.deepEqual(spreadProblems(objects, production), [
      'StatefulSet/kafka: its pods must run on different nodes (a required podAntiAffinity by kubernetes.io/hostname)',
    ]);
  });
});
