// ChangeRequest reconciler: cache (its units, the namespace's accelerated changes, the related
// incident, the contract) → the domain's evaluateChange and acceleratedDecisions →
// change/status.ts → status. Requeued at the GTC deadline; ChangeLate Event when it passes.
import { ConditionReason, ConditionType, changeContext, changeToDomain, changeUnit, unitToDomain } from '../../api/v1alpha1/index.ts';
import { acceleratedDecisions, evaluateChange } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, converted, type ChangeObj } from '../shared/kinds.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { changeConditions, changeFields, type ChangeFacts } from './status.ts';

export function changeFacts(deps: Deps, change: ChangeObj, now: Date): ChangeFacts {
  const { caches } = deps;
  const ns = change.namespace;
  const tenant = caches.tenant(ns);
  const contract = caches.contract(ns);
  const names = change.spec.unitRefs.map((r) => r.name);
  const units = names.flatMap((n) => caches.units.valid(ns, n) ?? []);
  const missingUnits = names.filter((n) => caches.units.informer.get(ns, n) === undefined);
  const related = change.spec.relatedIncident === undefined ? undefined : caches.incidents.valid(ns, change.spec.relatedIncident.name);
  const calendar = caches.calendar(ns);
  const timeZone = calendar.timeZone;
  const decisions = change.spec.accelerated
    ? acceleratedDecisions(caches.changes.list(ns).map((c) => converted(changeToDomain(c))), timeZone, contract?.spec.acceleratedChangesPerYear)
    : undefined;
  const accelerated = decisions?.get(change.name);
  let result;
  if (contract !== undefined) {
    const input = converted(changeToDomain(change));
    // A completion or quote recorded after `now` is not known yet.
    const measured = input.category === 'NonStandard' ? input.quotedAt : input.completedAt;
    const knownInput = measured !== undefined && measured.getTime() > now.getTime() ? { ...input, completedAt: undefined, quotedAt: undefined } : input;
    result = evaluateChange({ ...knownInput, accelerated: input.accelerated && accelerated?.accepted === true }, units.map((u) => changeUnit(converted(unitToDomain(u, tenant)))), changeContext(contract, calendar), now);
  }
  return {
    change,
    accelerated,
    forP1Incident: related?.spec.priority === 'P1',
    result,
    currency: contract?.spec.prices.currency,
    missingUnits,
    missingIncident: change.spec.relatedIncident !== undefined && caches.incidents.informer.get(ns, change.spec.relatedIncident.name) === undefined ? change.spec.relatedIncident.name : undefined,
    now,
  };
}

export function changeReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.changes.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.ChangeRequest, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const change = parsed.value;
    const facts = changeFacts(deps, change, now);
    const written = await writeStatus(manager, KIND_REFS.ChangeRequest, change, changeFields(facts), changeConditions(facts), now);
    const stored = change.status?.conditions;
    const message = (type: string): string => written.find((c) => c.type === type)?.message ?? '';
    await emitOnTransition(manager, change.raw, stored, ConditionType.WithinGuarantee, 'False', written, { type: 'Warning', reason: 'ChangeLate', action: 'Reconcile', note: message(ConditionType.WithinGuarantee) });
    await emitOnTransition(manager, change.raw, stored, ConditionType.Valid, 'False', written, { type: 'Warning', reason: 'AcceleratedQuotaExceeded', action: 'Reconcile', note: message(ConditionType.Valid) });
    const reasonOf = (conditions: readonly { type: string; reason?: string }[] | undefined): string | undefined => conditions?.find((c) => c.type === ConditionType.Approved)?.reason;
    if (reasonOf(written) === ConditionReason.ApprovalVoided && reasonOf(stored) !== ConditionReason.ApprovalVoided) {
      await manager.events.emit(change.raw, { type: 'Warning', reason: 'ApprovalVoided', action: 'Reconcile', note: message(ConditionType.Approved) });
    }
    const s = change.spec;
    const future = [s.completedAt, s.validation?.validatedAt, s.approval?.decidedAt].map((t) => (t === undefined ? undefined : new Date(t)));
    const r = facts.result;
    return requeueAt(now, [...future, r !== undefined && r.measuredAt === undefined ? r.deadline : undefined]);
  };
}
