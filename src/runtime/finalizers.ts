// Finalizers, added and removed with a JSON merge patch that carries the resourceVersion the
// decision was made on: if the object changed meanwhile the API server answers 409 (ApiError
// code Conflict, retryable) and the next reconcile decides again on fresh data. A merge patch
// replaces the whole `finalizers` list, hence the precondition.
import type { KubernetesObject } from '@kubernetes/client-node';
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { objectPath, type KindRef, type KubeClient } from './kube.ts';

export function hasFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

export function isDeleting(obj: KubernetesObject): boolean {
  return obj.metadata?.deletionTimestamp !== undefined;
}

async function patchFinalizers<T extends KubernetesObject>(client: KubeClient, kind: KindRef, obj: T, finalizers: string[]): Promise<T> {
  const name = obj.metadata?.name;
  const resourceVersion = obj.metadata?.resourceVersion;
  if (name === undefined || resourceVersion === undefined) throw new Error('finalizer patch needs metadata.name and metadata.resourceVersion');
  return client.request<T>('PATCH', objectPath(kind, obj.metadata?.namespace ?? '', name), {
    contentType: PatchStrategy.MergePatch,
    body: { metadata: { finalizers, resourceVersion } },
  });
}

/** Adds `finalizer` unless present. Returns the patched object, or undefined when nothing was needed. */
export async function addFinalizer<T extends KubernetesObject>(client: KubeClient, kind: KindRef, obj: T, finalizer: string): Promise<T | undefined> {
  if (hasFinalizer(obj, finalizer)) return undefined;
  return patchFinalizers(client, kind, obj, [...(obj.metadata?.finalizers ?? []), finalizer]);
}

/** Removes `finalizer` if present. Returns the patched object, or undefined when nothing was needed. */
export async function removeFinalizer<T extends KubernetesObject>(client: KubeClient, kind: KindRef, obj: T, finalizer: string): Promise<T | undefined> {
  if (!hasFinalizer(obj, finalizer)) return undefined;
  return patchFinalizers(client, kind, obj, (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer));
}
