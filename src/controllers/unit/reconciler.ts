// ServiceUnit reconciler: cache (target and dependsOn indexes, the namespace's windows and
// incidents) → unit/status.ts → status; requeued at the next maintenance edge or the month's end.
import { ConditionType, scheduleToDomain } from '../../api/v1alpha1/index.ts';
import { dependencyCycle, nextEdge, targetKey } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, converted, type UnitObj } from '../shared/kinds.ts';
import { currentMonth, measureUnit, windowsOf, activeExclusions } from '../shared/measure.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { availabilityField, ownedPart, unitConditions, type UnitFacts } from './status.ts';

export function unitFacts(deps: Deps, unit: UnitObj, now: Date): UnitFacts {
  const { caches } = deps;
  const ns = unit.namespace;
  const claimants = new Map<string, UnitObj>([[unit.name, unit]]);
  for (const t of unit.spec.targets) for (const u of caches.units.byIndex('target', ns, targetKey(t))) claimants.set(u.name, u);
  const { month, period } = currentMonth(now, caches.calendar(ns).timeZone);
  return {
    unit,
    claimants: [...claimants.values()],
    subscribedLevels: caches.contract(ns)?.spec.subscribedLevels,
    missingDependencies: (unit.spec.dependsOn ?? []).map((d) => d.name).filter((name) => caches.units.informer.get(ns, name) === undefined),
    dependencyCycle: dependencyCycle(unit.name, new Map(caches.units.list(ns).map((u) => [u.name, (u.spec.dependsOn ?? []).map((d) => d.name)]))),
    activeWindows: activeExclusions(caches, unit, now).map((w) => w.window.name),
    month,
    availability: measureUnit(caches, unit, period, now),
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
    const facts = unitFacts(deps, unit, now);
    const written = await writeStatus(manager, KIND_REFS.ServiceUnit, unit, { availability: availabilityField(facts) }, unitConditions(facts), now, ownedPart);
    const conflict = written.find((c) => c.type === ConditionType.LevelConflict);
    await emitOnTransition(manager, unit.raw, unit.status?.conditions, ConditionType.LevelConflict, 'True', written, {
      type: 'Warning', reason: 'LevelConflict', action: 'Reconcile', note: conflict?.message ?? '',
    });
    const edges = windowsOf(caches, unit).map((w) => nextEdge(converted(scheduleToDomain(w)), now));
    const period = currentMonth(now, caches.calendar(unit.namespace).timeZone).period;
    return requeueAt(now, [...edges, period.end]);
  };
}
