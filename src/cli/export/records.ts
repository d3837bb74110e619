// `export --format records` (issue 12 item 7; docs/cli.md "export"): every object of a tenant (a
// namespace) as the records a dispute or the reversibility (domain.md §9.9) needs, and
// `verify` in the cluster: each object with its spec, its status and its annotations (the edit
// history and the contacts log live there), without what the API server adds (uid,
// resourceVersion, generation, creationTimestamp, managedFields, ownerReferences, finalizers,
// kubectl's last-applied-configuration), as `kubectl get -o yaml` minus the server-side metadata:
// the files can be applied again (the API server ignores `status` on apply; SLAReports are the
// operator's, re-created and recomputed by it), `report --offline -f <dir>` reproduces each month
// and `verify --offline -f <dir>` checks the seals.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { GROUP, KINDS, VERSION, type KindName } from '../../api/v1alpha1/index.ts';
import { connect, listObjects, REFS, type ApiObject, type KubeFlags } from '../kubectl/client.ts';
import type { KubeClient } from '../../runtime/index.ts';

/** Annotations that are kubectl's bookkeeping, not records. */
const DROPPED_ANNOTATIONS: readonly string[] = ['kubectl.kubernetes.io/last-applied-configuration'];

/** One object as a re-appliable record: apiVersion, kind, name, namespace, labels, annotations, spec and status. */
export function asRecord(kind: KindName, o: ApiObject): Record<string, unknown> {
  const { name, namespace, labels, annotations } = o.metadata;
  const metadata: Record<string, unknown> = { name, namespace };
  if (labels !== undefined && Object.keys(labels).length > 0) metadata.labels = labels;
  if (annotations !== undefined) {
    const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !DROPPED_ANNOTATIONS.includes(k)));
    if (Object.keys(kept).length > 0) metadata.annotations = kept;
  }
  const record: Record<string, unknown> = { apiVersion: `${GROUP}/${VERSION}`, kind, metadata, spec: o.spec ?? {} };
  if (o.status !== undefined) record.status = o.status;
  return record;
}

/** Every object of every kind in `namespace`, as records, by kind (the registry's order) then name. */
export async function tenantRecords(client: KubeClient, namespace: string): Promise<{ kind: KindName; plural: string; name: string; record: Record<string, unknown> }[]> {
  const out: { kind: KindName; plural: string; name: string; record: Record<string, unknown> }[] = [];
  for (const k of KINDS) {
    const kind = k.kind as KindName;
    const items = await listObjects<Record<string, unknown>, Record<string, unknown>>(client, REFS[kind], namespace);
    items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    for (const o of items) out.push({ kind, plural: k.plural, name: o.metadata.name, record: asRecord(kind, o) });
  }
  return out;
}

/** The records as one YAML stream, what `verify` in the cluster parses as manifests. */
export function recordsText(records: readonly { record: Record<string, unknown> }[]): string {
  return records.map((r) => JSON.stringify(r.record)).join('\n---\n');
}

/** Writes `<dir>/<plural>/<name>.yaml` for each object of the tenant; returns the files written. */
export async function exportRecords(flags: KubeFlags, dir: string): Promise<{ namespace: string; files: string[] }> {
  const conn = await connect(flags);
  const records = await tenantRecords(conn.client, conn.namespace);
  const files: string[] = [];
  for (const r of records) {
    await mkdir(join(dir, r.plural), { recursive: true });
    const file = join(dir, r.plural, `${r.name}.yaml`);
    await writeFile(file, stringify(r.record, { lineWidth: 0 }));
    files.push(file);
  }
  return { namespace: conn.namespace, files };
}
