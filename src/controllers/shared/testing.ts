// Builders of typed cached objects for the status builders' unit tests (no API server needed).
import type { Typed } from './kinds.ts';

export function typed<S, St = never>(name: string, spec: S, extra: { createdAt?: string; labels?: Record<string, string>; status?: St | undefined; generation?: number } = {}): Typed<S, St> {
  const creationTimestamp = extra.createdAt ?? '2026-01-01T00:00:00Z';
  return {
    raw: { apiVersion: 'managedapps.dev/v1alpha1', kind: 'Test', metadata: { name, namespace: 'ns' } },
    metadata: { name, namespace: 'ns', labels: extra.labels ?? {}, creationTimestamp },
    namespace: 'ns',
    name,
    generation: extra.generation ?? 1,
    createdAt: new Date(creationTimestamp),
    labels: extra.labels ?? {},
    spec,
    status: extra.status,
  };
}
