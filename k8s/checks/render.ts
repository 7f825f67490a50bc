import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from './kubernetes-schema';

export const k8sFolder = join(__dirname, '..', '..', 'k8s');

const kubectl = process.env.KUBECTL ?? 'kubectl';

/** The overlays in k8s/overlays, as paths relative to k8s/ (`overlays/microk8s`). */
export function overlayFolders(): string[] {
  return readdirSync(join(k8sFolder, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `overlays/${entry.name}`)
    .sort();
}

/** The secrets.env.example of an overlay (a path relative to k8s/). */
export function secretsExample(overlay: string): string {
  return join(k8sFolder, overlay, 'secrets.env.example');
}

/** The keys of an overlay's secrets.env.example, in order. */
export function secretKeys(overlay: string): string[] {
  return readFileSync(secretsExample(overlay), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
}

/** A copy of k8s/ in a temporary folder, with a secrets.env of random values as a person would create it. */
export interface K8sCopy {
  readonly folder: string;
  /** Replaces text in a file of the copy (a path relative to k8s/); fails when the text is not there. */
  edit(file: string, from: string | RegExp, to: string): void;
  /** `kubectl kustomize` of a kustomization of the copy, a path relative to k8s/ (`overlays/production`, `base`). */
  render(kustomization: string): Promise<KubernetesObject[]>;
  remove(): void;
}

/**
 * secrets.env is gitignored, so a fresh clone has none: the tests render a copy that has one. Rendering the copy and
 * not k8s/ itself also keeps them from writing into the work tree.
 */
export function copyK8s(): K8sCopy {
  const folder = mkdtempSync(join(tmpdir(), 'cdc-harness-k8s-'));
  // A real secrets.env of the work tree stays where it is.
  cpSync(k8sFolder, folder, { recursive: true, filter: (source) => basename(source) !== 'secrets.env' });
  for (const overlay of overlayFolders().filter((overlay) => existsSync(secretsExample(overlay)))) {
    const secrets = secretKeys(overlay).map((key) => `${key}=${randomBytes(18).toString('hex')}`);
    writeFileSync(join(folder, overlay, 'secrets.env'), `${secrets.join('\n')}\n`);
  }
  return {
    folder,
    edit(file, from, to) {
      const path = join(folder, file);
      const text = readFileSync(path, 'utf8');
      const edited = text.replace(from, to);
      if (edited === text) throw new Error(`${file} has no ${from}`);
      writeFileSync(path, edited);
    },
    render: (kustomization) => renderKustomization(join(folder, kustomization)),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** `kubectl kustomize <folder>`, parsed: one object per YAML document. */
export async function renderKustomization(folder: string): Promise<KubernetesObject[]> {
  const { stdout } = await promisify(execFile)(kubectl, ['kustomize', folder], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stderr?: string; message: string }) => {
      throw new Error(`kubectl kustomize ${folder} failed: ${error.stderr || error.message}`);
    },
  );
  return parseYamlStream(stdout);
}

export function parseYamlStream(text: string): KubernetesObject[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length) throw new Error(`Unreadable YAML: ${document.errors.map(String).join('; ')}`);
    return document.toJS() as KubernetesObject;
  });
}

const rendered = new Map<string, Promise<KubernetesObject[]>>();

/**
 * Renders an overlay (a path relative to k8s/) from a copy with a generated secrets.env, once per process: the checks
 * only read what it returns.
 */
export function renderOverlay(overlay: string): Promise<KubernetesObject[]> {
  let objects = rendered.get(overlay);
  if (!objects) {
    const copy = copyK8s();
    objects = copy.render(overlay).finally(() => copy.remove());
    rendered.set(overlay, objects);
  }
  return objects;
}
