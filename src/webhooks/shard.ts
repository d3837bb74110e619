// The shard label at admission (`--shards N`, docs/design.md §2 "Sharding"): every CREATE and
// UPDATE of one of our kinds gets `<labelKey>: "<k>-of-<N>"`, k the bucket of its namespace
// (src/runtime/shards.ts), whatever the body says: a missing label is added, a wrong one (another
// count, a hand edit) is put right, so that the replica holding the bucket sees the object
// through its label selector. A GitOps tool's manifest without the label is therefore accepted
// as it is and keeps the label (the label is not in its manifest: no diff to report).
import { bucketOf, shardValue } from '../runtime/index.ts';
import { pointer, type AdmissionRequest, type JsonPatchOp, type Verdict } from './admission.ts';

/** How the objects are sharded: the count of buckets and the label key (SHARD_LABEL). */
export interface ShardLabelling {
  readonly count: number;
  readonly labelKey: string;
}

function labelsOf(object: unknown): Record<string, unknown> | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const metadata = (object as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const labels = (metadata as { labels?: unknown }).labels;
  return typeof labels === 'object' && labels !== null && !Array.isArray(labels) ? labels as Record<string, unknown> : undefined;
}

/** The patch that puts the shard label right on a CREATE or UPDATE of a namespaced object; empty when it already is. */
export function shardPatch(request: AdmissionRequest, shards: ShardLabelling): JsonPatchOp[] {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return [];
  if ((request.subResource ?? '') !== '' || request.namespace === undefined || request.namespace === '') return [];
  const wanted = shardValue(bucketOf(request.namespace, shards.count), shards.count);
  const labels = labelsOf(request.object);
  if (labels?.[shards.labelKey] === wanted) return [];
  if (labels === undefined) return [{ op: 'add', path: pointer('metadata', 'labels'), value: { [shards.labelKey]: wanted } }];
  return [{ op: 'add', path: pointer('metadata', 'labels', shards.labelKey), value: wanted }];
}

/** `verdict` with the shard label's patch appended (a refusal stays a refusal). */
export function withShardLabel(verdict: Verdict, request: AdmissionRequest, shards: ShardLabelling | undefined): Verdict {
  if (shards === undefined || !verdict.allowed) return verdict;
  const ops = shardPatch(request, shards);
  if (ops.length === 0) return verdict;
  return { allowed: true, patch: [...(verdict.patch ?? []), ...ops] };
}
