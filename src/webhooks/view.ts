// What the admission rules read and are given: a read-only view of a namespace's objects (the
// Manager's caches, or a fixture in tests), the one tenant and contract of a namespace, and the
// context of one decision. Its own module so that rules.ts, ownership.ts, contacts.ts and
// mutate.ts share it without importing each other in a circle.
import type { ChangeCatalog, ChangeRequest, Incident, InternalEndpoints, ManagedTenant, SLAReport, ServiceUnit, SupportContract } from '../api/v1alpha1/index.ts';
import type { IdentityConfig } from './identity.ts';

/** What the rules read of a namespace (a tenant): the Manager's caches, or a fixture. */
export interface TenantView {
  tenants(namespace: string): readonly ManagedTenant[];
  contracts(namespace: string): readonly SupportContract[];
  units(namespace: string): readonly ServiceUnit[];
  changes(namespace: string): readonly ChangeRequest[];
  /** What the records rules read on a DELETE (records.ts): the incidents of the units, the reports' finality and lists. */
  incidents(namespace: string): readonly Incident[];
  reports(namespace: string): readonly SLAReport[];
  /** The change catalogue (issue 14 item 5): absent in a view that has none (a namespace without a catalogue). */
  catalogs?(namespace: string): readonly ChangeCatalog[];
}

export interface RuleContext {
  readonly view: TenantView;
  readonly identity: IdentityConfig;
  readonly now: Date;
  /** Probe targets refused as internal (the API server, the operator); undefined: allowed (--allow-internal-probe-targets). */
  readonly internalEndpoints?: InternalEndpoints;
  /** How long an Incident or a ChangeRequest is kept, in months (domain DEFAULT_RECORD_RETENTION_MONTHS when absent). */
  readonly retentionMonths?: number;
}

/** The one ManagedTenant of a namespace (the oldest if several slipped in), for identities and the calendar. */
export function tenantOf(view: TenantView, namespace: string): ManagedTenant | undefined {
  return [...view.tenants(namespace)].sort(byCreation)[0];
}

export function contractOf(view: TenantView, namespace: string): SupportContract | undefined {
  return [...view.contracts(namespace)].sort(byCreation)[0];
}

/** The ChangeCatalog of a namespace: the oldest (a second is refused, and flagged by the controller). */
export function catalogOf(view: TenantView, namespace: string): ChangeCatalog | undefined {
  return [...(view.catalogs?.(namespace) ?? [])].sort(byCreation)[0];
}

export function byCreation(a: { metadata: { name: string; creationTimestamp?: string | undefined } }, b: { metadata: { name: string; creationTimestamp?: string | undefined } }): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** How far a client's `openedAt`/`requestedAt` (or a log entry's `at`) may be from the webhook's clock: the mutating hook stamps them; this is the check if it did not run. */
export const STAMP_TOLERANCE_MS = 5 * 60 * 1000;
