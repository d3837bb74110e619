// ManagedFunction reconciler: the tenant's evaluation (the function's production units, its
// guarantee) → function/status.ts → status; requeued at the month's end. SLABreached on the transition.
import { ConditionType } from '../../api/v1alpha1/index.ts';
import type { TenantEvaluation } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type FunctionObj } from '../shared/kinds.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { functionConditions, functionFields, measure, type FunctionFacts } from './status.ts';

export function functionFacts(fn: FunctionObj, ev: TenantEvaluation): FunctionFacts {
  const f = ev.fn(fn.name);
  return {
    fn,
    // Production units with subscribed time this month, sorted by name (as functionUnits lists them).
    units: (f?.units ?? []).filter((a) => a.subscribedSeconds > 0),
    supportLevel: f?.supportLevel,
    month: ev.month,
    period: ev.period,
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
    const ev = deps.evaluations.of(fn.namespace, now);
    const facts = functionFacts(fn, ev);
    const m = measure(facts);
    const written = await writeStatus(manager, KIND_REFS.ManagedFunction, fn, functionFields(facts, m), functionConditions(facts, m), now);
    await emitOnTransition(manager, fn.raw, fn.status?.conditions, ConditionType.SLAMet, 'False', written, {
      type: 'Warning', reason: 'SLABreached', action: 'Reconcile', note: written.find((c) => c.type === ConditionType.SLAMet)?.message ?? '',
    });
    return requeueAt(ev.at, [facts.period.end]);
  };
}
