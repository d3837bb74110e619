// The RBAC manifests of config/rbac, read from the YAML files (the single source: kustomize and
// the Helm chart use the same files), for tests and for `managedapps dev` to apply them.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** config/rbac of this checkout (src/webhooks and dist/webhooks are both two levels below the root). */
export const RBAC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'rbac');

export interface RbacManifest {
  readonly apiVersion: string;
  readonly kind: 'ClusterRole' | 'ClusterRoleBinding' | 'Role' | 'RoleBinding';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly rules?: readonly { apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; verbs: string[]; resourceNames?: string[] }[];
  readonly roleRef?: { apiGroup: string; kind: string; name: string };
  readonly subjects?: readonly { kind: string; name: string; namespace?: string; apiGroup?: string }[];
}

/**
 * Every manifest listed by config/rbac/kustomization.yaml. `namespace` is what kustomize's
 * `namespace:` would do: the namespace of Roles and RoleBindings and of the ServiceAccount
 * subjects of bindings.
 */
export function rbacManifests(options: { dir?: string; namespace?: string } = {}): RbacManifest[] {
  const dir = options.dir ?? RBAC_DIR;
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
  const manifests = (kustomization.resources ?? []).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as RbacManifest | null).filter((m): m is RbacManifest => m !== null),
  );
  const ns = options.namespace;
  if (ns === undefined) return manifests;
  return manifests.map((m) => ({
    ...m,
    metadata: { ...m.metadata, ...(m.kind === 'Role' || m.kind === 'RoleBinding' ? { namespace: ns } : {}) },
    ...(m.subjects === undefined ? {} : { subjects: m.subjects.map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace: ns } : s)) }),
  }));
}
