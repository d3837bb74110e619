// ServiceUnit reconciler: cache (target and dependsOn indexes) and the tenant's evaluation (its
// availability, its active maintenance windows) → unit/status.ts → status; requeued at the next
// maintenance edge or the month's end.
import { ConditionType, unitFamily } from '../../api/v1alpha1/index.ts';
import { dependencyCycle, targetKey, type TenantEvaluation, type UnitEvaluation } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type UnitObj } from '../shared/kinds.ts';
import { emitNewHistory, historyOf, historyStatus } from '../shared/history.ts';
import { keepRecord, stampDeletion, unitRelease } from '../shared/retention.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { availabilityField, ownedPart, unitConditions, type UnitFacts } from './status.ts';

/** The evaluation's view of a valid unit; missing only if the caches moved under it (retried). */
function evaluated(ev: TenantEvaluation, unit: UnitObj): UnitEvaluation {
  const u = ev.unit(unit.name);
  if (u === undefined) throw new Error(`ServiceUnit ${unit.namespace}/${unit.name} is not in its tenant's evaluation`);
  return u;
}

export function unitFacts(deps: Deps, unit: UnitObj, ev: TenantEvaluation): UnitFacts {
  const { caches } = deps;
  const ns = unit.namespace;
  const claimants = new Map<string, UnitObj>([[unit.name, unit]]);
  for (const t of unit.spec.targets) for (const u of caches.units.byIndex('target', ns, targetKey(t))) claimants.set(u.name, u);
  const own = evaluated(ev, unit);
  const tenant = caches.tenant(ns);
  return {
    unit,
    claimants: [...claimants.values()],
    subscribedLevels: caches.contract(ns)?.spec.subscribedLevels,
    missingDependencies: (unit.spec.dependsOn ?? []).map((d) => d.name).filter((name) => caches.units.informer.get(ns, name) === undefined),
    unmanagedDependencies: (unit.spec.dependsOn ?? []).map((d) => d.name).filter((name) => {
      const dep = caches.units.get(ns, name);
      return dep?.ok === true && dep.value.spec.buildModel === 'NoBuild';
    }),
    activeDirectory: caches.units.list(ns).filter((u) => unitFamily(u) === 'ActiveDirectory').map((u) => ({ name: u.name, targets: u.spec.targets, domain: u.spec.activeDirectory?.domain })),
    managementModel: tenant?.spec.managementModel,
    tenantName: tenant?.name,
    dependencyCycle: dependencyCycle(unit.name, new Map(caches.units.list(ns).map((u) => [u.name, (u.spec.dependsOn ?? []).map((d) => d.name)]))),
    activeWindows: own.activeExclusions,
    month: ev.month,
    availability: own.availability,
  };
}

export function unitReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.units.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.ServiceUnit, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now, ownedPart);
      return {};
    }
    const unit = parsed.value;
    // The deletion's instant on our clock first (an annotation wakes no watch: requeued to read it back).
    if (await stampDeletion(deps, unit)) return { requeueAfter: 1000 };
    const release = await keepRecord(deps, KIND_REFS.ServiceUnit, unit, () => unitRelease(deps, unit));
    if (release === 'released') return {};
    const ev = deps.evaluations.of(unit.namespace, now);
    const facts = unitFacts(deps, unit, ev);
    // The trace of its backup (the acceptance test) and prerequisites (issue 15 item 3).
    const history = historyOf(unit.raw);
    const written = await writeStatus(manager, KIND_REFS.ServiceUnit, unit, { availability: availabilityField(facts), ...historyStatus(history) }, unitConditions(facts), now, ownedPart);
    await emitNewHistory(manager, unit.raw, history, unit.status);
    const conflict = written.find((c) => c.type === ConditionType.LevelConflict);
    await emitOnTransition(manager, unit.raw, unit.status?.conditions, ConditionType.LevelConflict, 'True', written, {
      type: 'Warning', reason: 'LevelConflict', action: 'Reconcile', note: conflict?.message ?? '',
    });
    const edges = evaluated(ev, unit).windows.map((w) => ev.window(w)?.nextEdge);
    return requeueAt(ev.at, [...edges, ev.period.end, release]);
  };
}
