// ManagedTenant reconciler: cache → tenant/status.ts → status. Never requeues: nothing about a
// tenant changes with time alone.
import type { Reconciler } from '../../runtime/index.ts';
import { KIND_REFS } from '../shared/kinds.ts';
import type { Deps } from '../shared/deps.ts';
import { invalidSpecConditions, writeStatus } from '../shared/status.ts';
import { tenantConditions, tenantFields } from './status.ts';

export function tenantReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.tenants.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.ManagedTenant, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const tenant = parsed.value;
    const first = caches.tenant(req.namespace);
    const contract = caches.contract(req.namespace);
    const facts = {
      tenant,
      olderTenant: first !== undefined && first.name !== tenant.name ? first.name : undefined,
      supportLevels: contract?.spec.supportLevels.map((l) => l.level),
    };
    await writeStatus(manager, KIND_REFS.ManagedTenant, tenant, tenantFields(facts), tenantConditions(facts), now);
    return {};
  };
}
