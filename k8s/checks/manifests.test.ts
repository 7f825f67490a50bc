import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { images } from '../../support/environments/containers/images';
import { type KubernetesObject, objectId, schemaProblems } from './kubernetes-schema';
import { allContainers, resolveEndpoint, secretData, services, workloads } from './objects';
import { overlays } from './overlays';
import { copyK8s, k8sFolder, overlayFolders, renderOverlay, secretKeys } from './render';

const namespace = 'cdc-harness';
const recommendedLabels = ['name', 'instance', 'component', 'part-of', 'version', 'managed-by'].map(
  (label) => `app.kubernetes.io/${label}`,
);
const nodePortRange = { min: 30000, max: 32767 };

describe('k8s/overlays', () => {
  it('holds only overlays the checks know, which all render the same base', () => {
    assert.deepEqual(
      overlayFolders(),
      overlays.map((overlay) => overlay.folder),
    );
    for (const { folder } of overlays) {
      const kustomization = readFileSync(join(k8sFolder, folder, 'kustomization.yaml'), 'utf8');
      assert.match(kustomization, /^resources:\n {2}- \.\.\/\.\.\/base$/m, folder);
    }
  });
});

describe('k8s/base', () => {
  it('leaves the registry to the overlay: the base names the images exactly as images.ts pins them', async () => {
    const copy = copyK8s();
    try {
      const base = await copy.render('base');
      const used = new Set(workloads(base).flatMap(({ pod }) => allContainers(pod).map((c) => c.image)));
      for (const image of [images.services.pinned, images.connect.pinned]) assert.ok(used.has(image), image);
      assert.equal(base.filter((object) => object.kind === 'Secret').length, 0, 'the Secret comes with the overlay');
    } finally {
      copy.remove();
    }
  });
});

for (const overlay of overlays) {
  describe(`k8s/${overlay.folder}`, () => {
    const { folder, registry } = overlay;
    let objects: KubernetesObject[];
    before(async () => {
      objects = await renderOverlay(folder);
    });

    it('renders with kubectl kustomize', () => {
      const kinds = new Set(objects.map((object) => object.kind));
      for (const kind of ['Namespace', 'StatefulSet', 'Deployment', 'Job', 'Service', 'ConfigMap', 'Secret']) {
        assert.ok(kinds.has(kind), `no ${kind} rendered`);
      }
    });

    it('validates every object against the Kubernetes schema of its kind, unknown fields included', async () => {
      assert.deepEqual(await schemaProblems(objects), []);
    });

    it('puts every object in the cdc-harness namespace', () => {
      for (const object of objects) {
        if (object.kind === 'Namespace') assert.equal(object.metadata.name, namespace);
        else assert.equal(object.metadata.namespace, namespace, objectId(object));
      }
    });

    it('labels workloads and their pods with the recommended labels, the version being the image tag', () => {
      for (const { object, podLabels, pod } of workloads(objects)) {
        const tag = pod.containers[0]?.image.split(':').pop();
        for (const labels of [object.metadata.labels ?? {}, podLabels]) {
          for (const label of recommendedLabels) assert.ok(labels[label], `${objectId(object)} lacks ${label}`);
          assert.equal(labels['app.kubernetes.io/version'], tag, objectId(object));
          assert.equal(labels['app.kubernetes.io/part-of'], 'cdc-harness');
        }
      }
      for (const object of objects) {
        for (const label of ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by']) {
          assert.ok(object.metadata.labels?.[label], `${objectId(object)} lacks ${label}`);
        }
      }
    });

    it('runs every container without root, privileges or service links, within requests and limits', () => {
      for (const { object, pod } of workloads(objects)) {
        const id = objectId(object);
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${id}: runAsNonRoot`);
        assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, `${id}: runAsUser`);
        assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${id}: seccomp`);
        assert.equal(pod.enableServiceLinks, false, `${id}: service links would add *_PORT variables`);
        assert.equal(pod.automountServiceAccountToken, false, `${id}: no pod here talks to the API server`);
        for (const c of allContainers(pod)) {
          const where = `${id} container ${c.name}`;
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], where);
          for (const resource of ['cpu', 'memory']) {
            assert.ok(c.resources?.requests?.[resource], `${where}: requests.${resource}`);
            assert.ok(c.resources?.limits?.[resource], `${where}: limits.${resource}`);
          }
        }
      }
    });

    it('keeps the root filesystem read-only except where an image writes into it, with /tmp on an emptyDir', () => {
      // The official Kafka image renders server.properties into /opt/kafka/config when it starts.
      const writable = new Set(['StatefulSet/kafka container kafka']);
      for (const { object, pod } of workloads(objects)) {
        for (const c of allContainers(pod)) {
          const where = `${objectId(object)} container ${c.name}`;
          assert.equal(c.securityContext?.readOnlyRootFilesystem, !writable.has(where), where);
          if (c.securityContext?.readOnlyRootFilesystem && c.volumeMounts?.some((m) => m.mountPath === '/tmp')) {
            const volume = c.volumeMounts.find((m) => m.mountPath === '/tmp')?.name;
            assert.ok(pod.volumes?.find((v) => v.name === volume)?.emptyDir, `${where}: /tmp is an emptyDir`);
          }
        }
      }
    });

    it('probes every long-running container', () => {
      for (const { object, pod } of workloads(objects)) {
        if (object.kind === 'Job') continue;
        for (const c of pod.containers) {
          assert.ok(c.readinessProbe, `${objectId(object)} ${c.name}: readiness`);
          assert.ok(c.livenessProbe, `${objectId(object)} ${c.name}: liveness`);
        }
      }
    });

    it('gives each Service a selector that picks one workload, and targets a port its container has', () => {
      for (const service of services(objects)) {
        for (const port of service.spec.ports) {
          const { containerPort } = resolveEndpoint(objects, service.name, port.port);
          assert.ok(containerPort > 0, `${service.name}:${port.port}`);
        }
      }
    });

    it('has the Service names of the containers environment, plus the services and the mail catcher', () => {
      const names = services(objects).map((s) => s.name);
      for (const name of ['mysql', 'kafka', 'connect', 'userdata', 'push-email', 'maildev']) {
        assert.ok(names.includes(name), `no Service ${name}`);
      }
    });

    it('opens its NodePorts, fixed and inside the default NodePort range, and no others', () => {
      const nodePorts = services(objects).flatMap((service) =>
        service.spec.type === 'NodePort'
          ? service.spec.ports.map((port) => ({ ...resolveEndpoint(objects, service.name, port.port), port }))
          : [],
      );
      const exposed = Object.fromEntries(
        nodePorts.map(({ workload, containerPort, port }) => [
          `${workload.object.metadata.name}:${containerPort}`,
          port.nodePort,
        ]),
      );
      assert.deepEqual(exposed, overlay.nodePorts);
      for (const { port } of nodePorts) {
        assert.ok(port.nodePort, 'a fixed nodePort, so that the README can name it');
        assert.ok(port.nodePort >= nodePortRange.min && port.nodePort <= nodePortRange.max, `${port.nodePort}`);
      }
      assert.equal(new Set(nodePorts.map(({ port }) => port.nodePort)).size, nodePorts.length);
    });

    it(`runs the project images from ${registry} with the tags of images.ts, the others as pinned`, () => {
      const used = new Set(workloads(objects).flatMap(({ pod }) => allContainers(pod).map((c) => c.image)));
      const maildev = `maildev/maildev:${devDependencyVersion('maildev')}`;
      assert.deepEqual(
        [...used].sort(),
        [
          `${registry}/${images.services.pinned}`,
          `${registry}/${images.connect.pinned}`,
          images.mysql.pinned,
          images.kafka.pinned,
          maildev,
        ].sort(),
      );
    });

    it('takes the passwords from the generated Secret only, whose keys are those of secrets.env.example', () => {
      const secrets = objects.filter((object) => object.kind === 'Secret');
      assert.equal(secrets.length, 1);
      const [secret] = secrets as [KubernetesObject];
      assert.match(secret.metadata.name, /^database-passwords-[a-z0-9]{10}$/, 'generated, with a content hash');
      assert.deepEqual(Object.keys(secretData(objects, secret.metadata.name)).sort(), secretKeys(folder).sort());
      for (const object of objects.filter((o) => o.kind === 'ConfigMap')) {
        for (const key of Object.keys((object.data as object | undefined) ?? {})) {
          assert.doesNotMatch(key, /PASSWORD/, `${objectId(object)} holds ${key}`);
        }
      }
      for (const { object, pod } of workloads(objects)) {
        for (const c of allContainers(pod)) {
          for (const variable of c.env ?? []) {
            if (/PASSWORD/.test(variable.name)) {
              assert.ok(variable.valueFrom?.secretKeyRef, `${objectId(object)} ${c.name}: ${variable.name} in clear`);
            }
          }
        }
      }
    });

    it('is described by k8s/README.md with the images and NodePorts it renders', () => {
      const readme = readFileSync(join(k8sFolder, 'README.md'), 'utf8');
      for (const image of [images.services.pinned, images.connect.pinned]) {
        assert.ok(readme.includes(`docker push ${registry}/${image}`), `the README pushes ${registry}/${image}`);
      }
      for (const service of services(objects)) {
        for (const port of service.spec.ports) {
          if (port.nodePort)
            assert.ok(readme.includes(`localhost:${port.nodePort}`), `the README names ${port.nodePort}`);
        }
      }
      assert.match(readme, /validated here, applied only by you/);
      assert.ok(readme.includes(`kubectl apply -k k8s/${folder}`), `the README applies k8s/${folder}`);
    });

    it('never commits secrets.env: it is gitignored', () => {
      const ignore = readFileSync(join(k8sFolder, folder, '.gitignore'), 'utf8');
      assert.match(ignore, /^secrets\.env$/m);
      const repository = join(k8sFolder, '..');
      if (isGitWorkTree(repository)) {
        execFileSync('git', ['check-ignore', '--quiet', join(k8sFolder, folder, 'secrets.env')], { cwd: repository });
      }
    });
  });
}

function devDependencyVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(k8sFolder, '..', 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const version = manifest.devDependencies[name];
  if (!version) throw new Error(`${name} is not a devDependency`);
  return version;
}

function isGitWorkTree(folder: string): boolean {
  try {
    return execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: folder }).toString().trim() === 'true';
  } catch {
    return false;
  }
}
