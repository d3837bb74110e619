// Server-side apply of whole manifests (CRDs, samples) for `managedapps dev` and `managedapps
// install`: the same thing `kubectl apply --server-side` does, with our own field manager.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

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

/** Applies the objects in order; namespaces and CRDs first so the rest can land. */
export async function applyObjects(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const first = (o: KubernetesObject): number => (o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' ? 0 : 1);
  for (const obj of [...objects].sort((a, b) => first(a) - first(b))) {
    try {
      await api.patch(obj, undefined, undefined, APPLY_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (err) {
      const what = `${obj.kind ?? '?'}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? '?'}`;
      throw new Error(`apply ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
