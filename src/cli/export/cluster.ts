// `export` without -f: the contract's objects of one namespace read from the cluster (kubectl's
// `-n`, `--context`, `--kubeconfig`), then parsed exactly as manifests are (manifests.ts), so the
// export of a cluster and of its GitOps sources agree. Only what a manifest holds is kept of each
// object (apiVersion, kind, name, namespace, labels, annotations, spec): the server's metadata
// and the status are not inputs.
import { GROUP, VERSION, type KindName } from '../../api/v1alpha1/index.ts';
import { connect, listObjects, REFS, runCommand, type ApiObject, type KubeFlags } from '../kubectl/client.ts';
import type { KubeClient } from '../../runtime/index.ts';
import type { CommandIO } from '../io.ts';
import { parseManifestText, type LoadResult } from '../manifests.ts';

/** The kinds an export reads (SLAReport is the operator's output, not an input). */
const INPUT_KINDS: readonly KindName[] = ['ManagedTenant', 'SupportContract', 'ServiceUnit', 'ManagedFunction', 'Incident', 'ChangeRequest', 'ChangeCatalog', 'MaintenanceWindow'];

function asManifest(kind: KindName, o: ApiObject): Record<string, unknown> {
  const { name, namespace, labels, annotations } = o.metadata;
  const metadata: Record<string, unknown> = { name, namespace };
  if (labels !== undefined) metadata.labels = labels;
  if (annotations !== undefined) {
    const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'));
    if (Object.keys(kept).length > 0) metadata.annotations = kept;
  }
  return { apiVersion: `${GROUP}/${VERSION}`, kind, metadata, spec: o.spec ?? {} };
}

/** The contract's objects of `namespace` as loaded manifests (also `kubectl managedapps report -o html`'s input of the page's series). */
export async function namespaceManifests(client: KubeClient, namespace: string): Promise<LoadResult> {
  const manifests: Record<string, unknown>[] = [];
  for (const kind of INPUT_KINDS) {
    for (const o of await listObjects<Record<string, unknown>, Record<string, unknown>>(client, REFS[kind], namespace)) manifests.push(asManifest(kind, o));
  }
  const text = manifests.map((m) => JSON.stringify(m)).join('\n---\n');
  return parseManifestText(text, `namespace ${namespace} (${client.server})`);
}

/** The namespace's objects as loaded manifests, or undefined after printing kubectl's one error line. */
export async function loadFromCluster(opts: KubeFlags, io: CommandIO): Promise<{ loaded: LoadResult; namespace: string } | undefined> {
  let server: string | undefined;
  let result: { loaded: LoadResult; namespace: string } | undefined;
  const code = await runCommand(io, async () => {
    const conn = await connect(opts);
    server = conn.client.server;
    result = { loaded: await namespaceManifests(conn.client, conn.namespace), namespace: conn.namespace };
    return 0;
  }, () => server);
  return code === 0 ? result : undefined;
}
