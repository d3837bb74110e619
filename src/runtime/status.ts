// Status is written by server-side apply to the /status subresource, under the writer's field
// manager (the Manager's `fieldManager`, names.ts), force: true (we own status; a conflict with
// another manager is ours to win). An apply is SKIPPED when the desired status equals the current one, compared
// semantically (key order and undefined-valued keys ignored): a quiet cluster sees no writes.
//
// The "current" status is the cached object's. Right after a write the cache may still hold the
// pre-write object; a reconcile in that window would see a difference that is already written.
// We remember, per object uid, the status we applied and the resourceVersion it replaced: while
// the cache still shows that resourceVersion and the same status is desired, we skip too. The
// memo keeps a digest of the status, not its text: it holds an entry per object written, for the
// process's life (issue 17: 15,000 statuses of about a kilobyte were 15 MB of heap).
// Contract: the operator is the only writer of the status of its kinds (the whole status is
// compared, so fields written by someone else would cause a write on every reconcile).
//
// A status the API server refuses with 422 (the CRD's schema: a list beyond its maxItems, a
// message beyond its maxLength) is counted `rejected` and rethrown. A 422 is not transient for
// the same input: the refused status is remembered per object uid, and applying the very same
// status again throws the remembered refusal without sending it (the caller writes a minimal
// status instead: src/controllers/shared/status.ts); a different status is sent. Forgotten at a
// restart (a CRD upgraded to accept it comes with one).
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { ApiError, isStatus } from './errors.ts';
import { apiVersionOf, kindName, objectPath, type KindRef, type KubeClient } from './kube.ts';
import { noopRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';

type WithStatus = KubernetesObject & { status?: unknown };

/** JSON with sorted keys and undefined dropped: equal strings ⇔ semantically equal values. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const field = (v as Record<string, unknown>)[k];
      if (field !== undefined) sorted[k] = field;
    }
    return sorted;
  });
}

/** A digest of a canonical status (what the memo keeps of it). */
const digest = (canonical: string): string => createHash('sha256').update(canonical).digest('base64');

export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b ?? {});
}

export type StatusWriterOptions = {
  /** The field manager of every apply (the Manager passes its `fieldManager`). */
  fieldManager: string;
  metrics?: RuntimeMetrics;
  /** Remembered writes (see header); oldest dropped beyond this. Default 50 000. */
  maxMemo?: number;
};

export class StatusWriter {
  readonly #client: KubeClient;
  readonly #fieldManager: string;
  readonly #metrics: RuntimeMetrics;
  readonly #maxMemo: number;
  /** Per uid, the resourceVersion a write replaced and the digest of the status it wrote. */
  readonly #memo = new Map<string, { replacedVersion: string; digest: string }>();
  /** Per uid, the last status the API server refused with 422, and its answer. */
  readonly #rejected = new Map<string, { status: string; error: ApiError }>();

  constructor(client: KubeClient, opts: StatusWriterOptions) {
    this.#client = client;
    this.#fieldManager = opts.fieldManager;
    this.#metrics = opts.metrics ?? noopRuntimeMetrics;
    this.#maxMemo = opts.maxMemo ?? 50_000;
  }

  /**
   * Applies `status` to `current` (the cached object) unless it is already there.
   * Returns the object the API server answered with, or undefined when skipped.
   * Throws `ApiError` (404 when the object is gone, 422 when the status is invalid, ...); a status
   * refused with 422 before is refused again at once, unsent (see header).
   * `project`, for a status shared with another field manager: the part of the current status
   * this writer owns (compared instead of the whole status, so the other writer's fields do not
   * force a write on every call).
   */
  async apply<T extends WithStatus>(kind: KindRef, current: T, status: object, project?: (current: unknown) => unknown): Promise<T | undefined> {
    const resource = kindName(kind);
    const uid = current.metadata?.uid ?? '';
    const version = current.metadata?.resourceVersion ?? '';
    const desired = canonicalJson(status);
    const memo = this.#memo.get(uid);
    if (memo !== undefined && memo.replacedVersion !== version) this.#memo.delete(uid);
    if (canonicalJson((project === undefined ? current.status : project(current.status)) ?? {}) === desired || (memo?.replacedVersion === version && memo.digest === digest(desired))) {
      this.#metrics.statusWrite(resource, 'skipped');
      return undefined;
    }
    const refused = this.#rejected.get(uid);
    if (refused?.status === desired) throw refused.error;
    const name = current.metadata?.name;
    if (name === undefined || current.kind === undefined) throw new Error(`status apply on ${resource}: object without name or kind`);
    const namespace = current.metadata?.namespace ?? '';
    const body = {
      apiVersion: current.apiVersion ?? apiVersionOf(kind),
      kind: current.kind,
      metadata: { name, ...(namespace !== '' ? { namespace } : {}) },
      status,
    };
    let written: T;
    try {
      written = await this.#client.request<T>('PATCH', objectPath(kind, namespace, name, 'status'), {
        query: { fieldManager: this.#fieldManager, force: true },
        contentType: PatchStrategy.ServerSideApply,
        body,
      });
    } catch (err) {
      if (isStatus(err, 422) && err instanceof ApiError) {
        this.#metrics.statusWrite(resource, 'rejected');
        if (uid !== '') remember(this.#rejected, uid, { status: desired, error: err }, this.#maxMemo);
      }
      throw err;
    }
    this.#metrics.statusWrite(resource, 'written');
    // The refusal stays remembered after another status (the caller's minimal one) is written:
    // the same refused status comes back on the next reconcile, and is not sent again.
    if (uid !== '') remember(this.#memo, uid, { replacedVersion: version, digest: digest(desired) }, this.#maxMemo);
    return written;
  }
}

/** Sets `key` as the newest entry of `map`, dropping the oldest beyond `max`. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}
