// The TenantView of the rules over the Manager's shared informers (every replica keeps them
// warm, so a standby answers admission requests too). A cold cache is waited for a bounded
// time; the server then fails closed with a clear message rather than decide on nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KIND_REFS, type ChangeRequest, type ManagedTenant, type ServiceUnit, type SupportContract } from '../api/v1alpha1/index.ts';
import type { Informer, Manager } from '../runtime/index.ts';
import type { TenantView } from './view.ts';

/** The kinds the rules read; the webhook registers their informers with the Manager. */
export const VIEW_KINDS = {
  tenants: KIND_REFS.ManagedTenant,
  contracts: KIND_REFS.SupportContract,
  units: KIND_REFS.ServiceUnit,
  changes: KIND_REFS.ChangeRequest,
} as const;

export class InformerTenantView implements TenantView {
  readonly #tenants: Informer;
  readonly #contracts: Informer;
  readonly #units: Informer;
  readonly #changes: Informer;

  constructor(manager: Manager) {
    this.#tenants = manager.informer(VIEW_KINDS.tenants);
    this.#contracts = manager.informer(VIEW_KINDS.contracts);
    this.#units = manager.informer(VIEW_KINDS.units);
    this.#changes = manager.informer(VIEW_KINDS.changes);
  }

  // Objects in the caches were validated by the API server against the CRD schema generated
  // from the same zod schemas: they have the shape of the API types.
  tenants(namespace: string): readonly ManagedTenant[] {
    return this.#tenants.list(namespace) as readonly KubernetesObject[] as readonly ManagedTenant[];
  }

  contracts(namespace: string): readonly SupportContract[] {
    return this.#contracts.list(namespace) as readonly KubernetesObject[] as readonly SupportContract[];
  }

  units(namespace: string): readonly ServiceUnit[] {
    return this.#units.list(namespace) as readonly KubernetesObject[] as readonly ServiceUnit[];
  }

  changes(namespace: string): readonly ChangeRequest[] {
    return this.#changes.list(namespace) as readonly KubernetesObject[] as readonly ChangeRequest[];
  }

  synced(): boolean {
    return [this.#tenants, this.#contracts, this.#units, this.#changes].every((i) => i.hasSynced());
  }

  /** Resolves true once every cache listed once, false after `timeoutMs`. */
  async waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced()) return true;
    const signal = AbortSignal.timeout(timeoutMs);
    const results = await Promise.all([this.#tenants, this.#contracts, this.#units, this.#changes].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }
}

