import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubernetesObject, schemaProblems } from './kubernetes-schema';
import { copyK8s } from './render';
import { projectServices, serviceConfigProblems } from './service-config';

/** Renders a copy of k8s/ with one file edited, as a person might get it wrong. */
async function renderBroken(file: string, from: string | RegExp, to: string): Promise<KubernetesObject[]> {
  const copy = copyK8s();
  try {
    copy.edit(file, from, to);
    return await copy.render();
  } finally {
    copy.remove();
  }
}

function configProblems(objects: readonly KubernetesObject[]): string[] {
  return projectServices.flatMap((service) => serviceConfigProblems(objects, service));
}

describe('a broken copy of k8s/ is caught', () => {
  it('a misspelled field of a Deployment', async () => {
    const objects = await renderBroken('base/userdata/deployment.yaml', 'readinessProbe:', 'readinesProbe:');
    assert.deepEqual(await schemaProblems(objects), [
      'Deployment/userdata: unknown field spec.template.spec.containers[0].readinesProbe',
    ]);
  });

  it('a field of the wrong type', async () => {
    const objects = await renderBroken('base/userdata/deployment.yaml', 'replicas: 1', 'replicas: "one"');
    assert.deepEqual(await schemaProblems(objects), ['Deployment/userdata: data/spec/replicas must be integer']);
  });

  it('a misspelled field deep in a pod template, and a wrong type in a Service', async () => {
    const copy = copyK8s();
    try {
      copy.edit('base/kafka/statefulset.yaml', 'failureThreshold: 36', 'failureTreshold: 36');
      copy.edit('base/maildev/service.yaml', 'port: 1025', 'port: smtp-port');
      const problems = await schemaProblems(await copy.render());
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
    const objects = await renderBroken('base/userdata/config.env', 'USERDATA_PORT=3000', 'USERDATA_PROT=3000');
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
      const problems = configProblems(await copy.render());
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
      renderBroken('base/kustomization.yaml', '- userdata/config.env', '- userdata/configuration.env'),
      /kubectl kustomize .* failed/,
    );
  });
});
