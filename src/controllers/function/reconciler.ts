// ManagedFunction reconciler: cache (the namespace's units, their incidents and windows) →
// function/status.ts → status; requeued at the month's end. SLABreached on the transition.
import { ConditionType, functionUnits, supportLevelsInForce } from '../../api/v1alpha1/index.ts';
import { DEFAULT_SUPPORT_LEVEL } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type FunctionObj } from '../shared/kinds.ts';
import { currentMonth, measureUnit } from '../shared/measure.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { functionConditions, functionFields, measure, type FunctionFacts } from './status.ts';

export function functionFacts(deps: Deps, fn: FunctionObj, now: Date): FunctionFacts {
  const { caches } = deps;
  const ns = fn.namespace;
  const { month, period } = currentMonth(now, caches.calendar(ns).timeZone);
  const units = caches.units.list(ns);
  const names = new Set(functionUnits(fn, units));
  const members = units.filter((u) => names.has(u.name) && u.spec.environment === 'Production').sort((a, b) => (a.name < b.name ? -1 : 1));
  const contract = caches.contract(ns);
  return {
    fn,
    units: members.map((u) => measureUnit(caches, u, period, now)).filter((a) => a.subscribedSeconds > 0),
    supportLevel: contract === undefined ? undefined : (supportLevelsInForce(contract).Production ?? DEFAULT_SUPPORT_LEVEL),
    month,
    period,
  };
}

export function functionReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.functions.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.ManagedFunction, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const fn = parsed.value;
    const facts = functionFacts(deps, fn, now);
    const m = measure(facts);
    const written = await writeStatus(manager, KIND_REFS.ManagedFunction, fn, functionFields(facts, m), functionConditions(facts, m), now);
    await emitOnTransition(manager, fn.raw, fn.status?.conditions, ConditionType.SLAMet, 'False', written, {
      type: 'Warning', reason: 'SLABreached', action: 'Reconcile', note: written.find((c) => c.type === ConditionType.SLAMet)?.message ?? '',
    });
    return requeueAt(now, [facts.period.end]);
  };
}
