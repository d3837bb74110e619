// Incident reconciler: cache (its units, the contract, the tenant's calendar) → the domain's
// evaluateRestoration → incident/status.ts → status. Requeued at 75 % of the deadline (AtRisk,
// DeadlineAtRisk Event) and at the deadline (WithinGuarantee False, SLABreached Event).
import { ConditionType, functionUnits, incidentToDomain, restorationContext, restorationUnit, unitToDomain } from '../../api/v1alpha1/index.ts';
import { evaluateRestoration, restorationAtRiskInstant } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, converted, type IncidentObj } from '../shared/kinds.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { incidentConditions, incidentFields, phaseOf, type IncidentFacts } from './status.ts';

export function incidentFacts(deps: Deps, incident: IncidentObj, now: Date): IncidentFacts {
  const { caches } = deps;
  const ns = incident.namespace;
  const tenant = caches.tenant(ns);
  const contract = caches.contract(ns);
  const names = incident.spec.unitRefs.map((r) => r.name);
  const units = names.flatMap((n) => caches.units.valid(ns, n) ?? []);
  const missingUnits = names.filter((n) => caches.units.informer.get(ns, n) === undefined);
  if (contract === undefined) return { incident, result: undefined, atRiskAt: undefined, missingUnits, now };
  const all = caches.units.list(ns);
  const cv = new Set(caches.functions.list(ns).filter((f) => f.spec.family === 'ComputerVision').flatMap((f) => functionUnits(f, all)));
  const context = restorationContext(contract, caches.calendar(ns));
  const domainUnits = units.map((u) => restorationUnit(converted(unitToDomain(u, tenant)), cv.has(u.name)));
  const input = converted(incidentToDomain(incident));
  // A resolution recorded after `now` is not known yet (explicit past clocks in tests, clock skew).
  const known = input.resolvedAt !== undefined && input.resolvedAt.getTime() > now.getTime() ? { ...input, resolvedAt: undefined } : input;
  return {
    incident,
    result: evaluateRestoration(known, domainUnits, context, now),
    atRiskAt: restorationAtRiskInstant(known, domainUnits, context),
    missingUnits,
    now,
  };
}

export function incidentReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.incidents.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.Incident, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const incident = parsed.value;
    const facts = incidentFacts(deps, incident, now);
    const written = await writeStatus(manager, KIND_REFS.Incident, incident, incidentFields(facts), incidentConditions(facts), now);
    const stored = incident.status;
    const message = (type: string): string => written.find((c) => c.type === type)?.message ?? '';
    if (stored?.phase === undefined && phaseOf(incident, now) === 'Open') {
      await manager.events.emit(incident.raw, { type: 'Normal', reason: 'IncidentOpened', action: 'Reconcile', note: `${incident.spec.priority} on ${incident.spec.unitRefs.map((r) => r.name).join(', ')}: ${incident.spec.summary}` });
    }
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.AtRisk, 'True', written, { type: 'Warning', reason: 'DeadlineAtRisk', action: 'Reconcile', note: message(ConditionType.AtRisk) });
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.WithinGuarantee, 'False', written, { type: 'Warning', reason: 'SLABreached', action: 'Reconcile', note: message(ConditionType.WithinGuarantee) });
    const r = facts.result;
    const future = [incident.spec.resolvedAt, incident.spec.closedAt].map((t) => (t === undefined ? undefined : new Date(t)));
    if (r === undefined || r.resolved) return requeueAt(now, future);
    return requeueAt(now, [facts.atRiskAt, r.deadline, ...future]);
  };
}
