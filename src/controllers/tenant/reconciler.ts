// ManagedTenant reconciler: cache → tenant/status.ts → status. Requeued on the 1st of next month:
// the contract's support levels in force (hence the SDM/CBM requirement) may change then.
import type { SupportLevel } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import { KIND_REFS } from '../shared/kinds.ts';
import type { Deps } from '../shared/deps.ts';
import { invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { tenantConditions, tenantFields } from './status.ts';

function levelsInForce(deps: Deps, namespace: string, contractName: string, now: Date): SupportLevel[] | undefined {
  const ev = deps.evaluations.of(namespace, now, contractName);
  const terms = ev.terms(ev.month);
  return terms === undefined ? undefined : Object.values(terms.supportLevels);
}

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
      // The levels in force this month (domain.md §3: a level dated later does not require an SDM yet).
      supportLevels: contract === undefined ? undefined : levelsInForce(deps, req.namespace, contract.name, now),
    };
    await writeStatus(manager, KIND_REFS.ManagedTenant, tenant, tenantFields(facts), tenantConditions(facts), now);
    return contract === undefined ? {} : requeueAt(now, [deps.evaluations.of(req.namespace, now, contract.name).period.end]);
  };
}
