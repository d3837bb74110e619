// Server-side apply of whole manifests (CRDs, samples) for `managedapps dev`: what
// `kubectl apply --server-side` does, with our own field manager.
//
// The objects go to the API server exactly as read: client-node's KubernetesObjectApi serializes
// through its model classes, which drop what they do not model (a CRD schema's `default` and
// `x-kubernetes-validations`, for one), so each object's path is found by discovery and the raw
// object is sent with the runtime's KubeClient.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { parseAllDocuments } from 'yaml';
import { KubeClient } from '../runtime/index.ts';

export const APPLY_FIELD_MANAGER = 'managedapps-cli';

/** Every object of the YAML files under `path` (a file or a folder, recursively), in file order. */
export function readObjects(path: string): KubernetesObject[] {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    return readdirSync(path).sort().flatMap((entry) => readObjects(join(path, entry)));
  }
  if (!/\.ya?ml$/.test(path) || path.endsWith('kustomization.yaml')) return [];
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is KubernetesObject => typeof o === 'object' && o !== null && 'kind' in o);
}

type ResourceList = { resources: { name: string; kind: string; namespaced: boolean }[] };

/** Applies the objects in order; namespaces and CRDs first so the rest can land. */
export async function applyObjects(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const client = new KubeClient(kc);
  const discovered = new Map<string, Promise<ResourceList>>();
  const resourceOf = async (obj: KubernetesObject): Promise<{ base: string; plural: string; namespaced: boolean }> => {
    const apiVersion = obj.apiVersion ?? 'v1';
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list = discovered.get(apiVersion);
    if (list === undefined) {
      list = client.request<ResourceList>('GET', base);
      discovered.set(apiVersion, list);
      // A group not served yet (its CRD just applied) is asked again next time.
      list.catch(() => discovered.delete(apiVersion));
    }
    const resource = (await list).resources.find((r) => r.kind === obj.kind && !r.name.includes('/'));
    if (resource === undefined) throw new Error(`the API server does not serve kind ${obj.kind ?? '?'} in ${apiVersion}`);
    return { base, plural: resource.name, namespaced: resource.namespaced };
  };
  const first = (o: KubernetesObject): number => (o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' ? 0 : 1);
  for (const obj of [...objects].sort((a, b) => first(a) - first(b))) {
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    const what = `${obj.kind ?? '?'}/${namespace !== '' ? `${namespace}/` : ''}${name}`;
    try {
      const { base, plural, namespaced } = await resourceOf(obj);
      const path = `${base}${namespaced ? `/namespaces/${namespace || 'default'}` : ''}/${plural}/${name}`;
      await client.request('PATCH', path, {
        query: { fieldManager: APPLY_FIELD_MANAGER, force: true },
        contentType: PatchStrategy.ServerSideApply,
        body: obj,
      });
    } catch (err) {
      throw new Error(`apply ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
