// Builders of typed cached objects for the status builders' unit tests (no API server needed).
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's models are plain data classes; object literals are how its own docs build them. */
import type { Typed } from './kinds.ts';

export function typed<S, St = never>(name: string, spec: S, extra: { createdAt?: string; labels?: Record<string, string>; status?: St | undefined; generation?: number } = {}): Typed<S, St> {
  return {
    raw: { apiVersion: 'managedapps.dev/v1alpha1', kind: 'Test', metadata: { name, namespace: 'ns' } },
    namespace: 'ns',
    name,
    generation: extra.generation ?? 1,
    createdAt: new Date(extra.createdAt ?? '2026-01-01T00:00:00Z'),
    labels: extra.labels ?? {},
    spec,
    status: extra.status,
  };
}
