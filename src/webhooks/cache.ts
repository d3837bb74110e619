// The TenantView of the rules over the Manager's shared informers (every replica keeps them
// warm, so a standby answers admission requests too), typed: each cached object parsed once per
// version by its resource schema. A cold cache is waited for a bounded time; the server then
// fails closed with a clear message rather than decide on nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { z } from 'zod';
import { KIND_REFS, RESOURCE_SCHEMAS, type ChangeCatalog, type ChangeRequest, type Incident, type ManagedTenant, type SLAReport, type ServiceUnit, type SupportContract } from '../api/v1alpha1/index.ts';
import type { Informer, Manager } from '../runtime/index.ts';
import type { TenantView } from './view.ts';

/** The kinds the rules read; the webhook registers their informers with the Manager. */
export const VIEW_KINDS = {
  tenants: KIND_REFS.ManagedTenant,
  contracts: KIND_REFS.SupportContract,
  units: KIND_REFS.ServiceUnit,
  changes: KIND_REFS.ChangeRequest,
  incidents: KIND_REFS.Incident,
  reports: KIND_REFS.SLAReport,
  catalogs: KIND_REFS.ChangeCatalog,
} as const;

/** The kinds of VIEW_KINDS as a person reads them ("ManagedTenants, …, Incidents and SLAReports"), for the cold-cache refusal. */
export const VIEW_KINDS_TEXT: string = (() => {
  const refs: readonly unknown[] = Object.values(VIEW_KINDS);
  const names = Object.entries(KIND_REFS).filter(([, ref]) => refs.includes(ref)).map(([name]) => `${name}s`);
  const last = names.pop();
  return names.length === 0 ? (last ?? '') : `${names.join(', ')} and ${last ?? ''}`;
})();

/**
 * One kind's cached objects parsed by its resource schema (src/api RESOURCE_SCHEMAS: defaults
 * applied, no casts), memoised per cached object: the informer replaces an object on every
 * update, so each version is parsed once and a WeakMap never serves a stale parse. An object the
 * schema refuses (stored before a rule tightened) is left out, as the controllers' views leave it
 * out: it claims no target and counts in no quota, and its own status says why (InvalidSpec).
 */
class ParsedKind<T> {
  readonly informer: Informer;
  readonly #schema: z.ZodType<T>;
  readonly #memo = new WeakMap<KubernetesObject, T | null>();

  constructor(manager: Manager, kind: keyof typeof VIEW_KINDS, schema: z.ZodType<T>) {
    // Every namespace's objects, also on a sharded replica (the webhook answers for every namespace).
    this.informer = manager.informer(VIEW_KINDS[kind], undefined, { allShards: true });
    this.#schema = schema;
  }

  list(namespace: string): T[] {
    const out: T[] = [];
    for (const obj of this.informer.list(namespace)) {
      let parsed = this.#memo.get(obj);
      if (parsed === undefined) {
        const result = this.#schema.safeParse(obj);
        parsed = result.success ? result.data : null;
        this.#memo.set(obj, parsed);
      }
      if (parsed !== null) out.push(parsed);
    }
    return out;
  }
}

export class InformerTenantView implements TenantView {
  readonly #tenants: ParsedKind<ManagedTenant>;
  readonly #contracts: ParsedKind<SupportContract>;
  readonly #units: ParsedKind<ServiceUnit>;
  readonly #changes: ParsedKind<ChangeRequest>;
  readonly #incidents: ParsedKind<Incident>;
  readonly #reports: ParsedKind<SLAReport>;
  readonly #catalogs: ParsedKind<ChangeCatalog>;

  constructor(manager: Manager) {
    this.#tenants = new ParsedKind(manager, 'tenants', RESOURCE_SCHEMAS.ManagedTenant);
    this.#contracts = new ParsedKind(manager, 'contracts', RESOURCE_SCHEMAS.SupportContract);
    this.#units = new ParsedKind(manager, 'units', RESOURCE_SCHEMAS.ServiceUnit);
    this.#changes = new ParsedKind(manager, 'changes', RESOURCE_SCHEMAS.ChangeRequest);
    this.#incidents = new ParsedKind(manager, 'incidents', RESOURCE_SCHEMAS.Incident);
    this.#reports = new ParsedKind(manager, 'reports', RESOURCE_SCHEMAS.SLAReport);
    this.#catalogs = new ParsedKind(manager, 'catalogs', RESOURCE_SCHEMAS.ChangeCatalog);
  }

  tenants(namespace: string): readonly ManagedTenant[] {
    return this.#tenants.list(namespace);
  }

  contracts(namespace: string): readonly SupportContract[] {
    return this.#contracts.list(namespace);
  }

  units(namespace: string): readonly ServiceUnit[] {
    return this.#units.list(namespace);
  }

  changes(namespace: string): readonly ChangeRequest[] {
    return this.#changes.list(namespace);
  }

  incidents(namespace: string): readonly Incident[] {
    return this.#incidents.list(namespace);
  }

  reports(namespace: string): readonly SLAReport[] {
    return this.#reports.list(namespace);
  }

  catalogs(namespace: string): readonly ChangeCatalog[] {
    return this.#catalogs.list(namespace);
  }

  #informers(): Informer[] {
    return [this.#tenants.informer, this.#contracts.informer, this.#units.informer, this.#changes.informer, this.#incidents.informer, this.#reports.informer, this.#catalogs.informer];
  }

  synced(): boolean {
    return this.#informers().every((i) => i.hasSynced());
  }

  /** Resolves true once every cache listed once, false after `timeoutMs`. */
  async waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced()) return true;
    const signal = AbortSignal.timeout(timeoutMs);
    const results = await Promise.all(this.#informers().map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }
}
