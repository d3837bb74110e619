// Incident reconciler: the tenant's evaluation (the incident's GTR at its instant: deadline,
// covered time, at-risk instant) → incident/status.ts → status. Requeued at 75 % of the deadline
// (AtRisk, DeadlineAtRisk Event) and at the deadline (WithinGuarantee False, SLABreached Event).
// ProblemProposed (seed §5.4) and Major (seed §5.3.2) from the tenant's input: an Event each when
// they turn True (ProblemProposed, MajorIncident).
import { ConditionType } from '../../api/v1alpha1/index.ts';
import {
  DEFAULT_RECURRENCE_POLICY, majorIncident, problemProposal, recurrences, type Recurrence, type TenantEvaluation, type TenantInput,
} from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import { missingUnits } from '../shared/cache.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type IncidentObj } from '../shared/kinds.ts';
import { emitNewHistory, historyOf, historyStatus } from '../shared/history.ts';
import { incidentRelease, keepRecord } from '../shared/retention.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { incidentConditions, incidentFields, phaseOf, type IncidentFacts } from './status.ts';

/** The incident's facts: its part of the tenant's evaluation, and the `unitRefs` not found in the namespace. */
export function incidentFacts(incident: IncidentObj, ev: TenantEvaluation, missingUnits: readonly string[], recurring: readonly Recurrence[] = []): IncidentFacts {
  const evaluated = ev.incident(incident.name);
  const input = ev.input;
  return {
    incident, result: evaluated?.result, atRiskAt: evaluated?.atRiskAt, missingUnits, now: ev.at,
    proposal: problemProposal(incident.name, recurring, input.problems ?? []),
    policy: input.contract?.problemDetection ?? DEFAULT_RECURRENCE_POLICY,
    major: majorIncident({ priority: incident.spec.priority, unitNames: incident.spec.unitRefs.map((r) => r.name) }, input.functions),
  };
}

/** The tenant's recurrences (seed §5.4), computed once per input (a new input is a new object). */
function recurrencesOf(memo: WeakMap<TenantInput, Recurrence[]>, input: TenantInput): Recurrence[] {
  const known = memo.get(input);
  if (known !== undefined) return known;
  const value = recurrences(input.incidents.map((i) => ({ name: i.name, priority: i.priority, unitNames: i.unitNames, openedAt: i.openedAt })), input.functions, input.contract?.problemDetection ?? DEFAULT_RECURRENCE_POLICY);
  memo.set(input, value);
  return value;
}

export function incidentReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  const recurring = new WeakMap<TenantInput, Recurrence[]>();
  return async (req) => {
    const parsed = caches.incidents.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.Incident, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const incident = parsed.value;
    const retention = deps.retention;
    const release = retention === undefined ? undefined : await keepRecord(deps, KIND_REFS.Incident, incident, () => incidentRelease(retention.months, incident.spec, incident.createdAt));
    if (release === 'released') return {};
    const ev = deps.evaluations.of(incident.namespace, now);
    const facts = incidentFacts(incident, ev, missingUnits(caches, incident.namespace, incident.spec.unitRefs), recurrencesOf(recurring, ev.input));
    const history = historyOf(incident.raw);
    const written = await writeStatus(manager, KIND_REFS.Incident, incident, { ...incidentFields(facts), ...historyStatus(history) }, incidentConditions(facts), now);
    await emitNewHistory(manager, incident.raw, history, incident.status);
    const stored = incident.status;
    const message = (type: string): string => written.find((c) => c.type === type)?.message ?? '';
    if (stored?.phase === undefined && phaseOf(incident, ev.at) === 'Open') {
      await manager.events.emit(incident.raw, { type: 'Normal', reason: 'IncidentOpened', action: 'Reconcile', note: `${incident.spec.priority} on ${incident.spec.unitRefs.map((r) => r.name).join(', ')}: ${incident.spec.summary}` });
    }
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.AtRisk, 'True', written, { type: 'Warning', reason: 'DeadlineAtRisk', action: 'Reconcile', note: message(ConditionType.AtRisk) });
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.WithinGuarantee, 'False', written, { type: 'Warning', reason: 'SLABreached', action: 'Reconcile', note: message(ConditionType.WithinGuarantee) });
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.ProblemProposed, 'True', written, { type: 'Normal', reason: 'ProblemProposed', action: 'Reconcile', note: message(ConditionType.ProblemProposed) });
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.Major, 'True', written, { type: 'Warning', reason: 'MajorIncident', action: 'Reconcile', note: message(ConditionType.Major) });
    const r = facts.result;
    const future = [incident.spec.resolvedAt, incident.spec.closedAt].map((t) => (t === undefined ? undefined : new Date(t)));
    future.push(release);
    if (r === undefined || r.resolved) return requeueAt(ev.at, future);
    return requeueAt(ev.at, [facts.atRiskAt, r.deadline, ...future]);
  };
}
