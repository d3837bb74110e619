// Incident reconciler: the tenant's evaluation (the incident's GTR at its instant: deadline,
// covered time, at-risk instant) → incident/status.ts → status. Requeued at 75 % of the deadline
// (AtRisk, DeadlineAtRisk Event) and at the deadline (WithinGuarantee False, SLABreached Event).
// ProblemProposed (seed §5.4) and Major (seed §5.3.2) from the tenant's input: an Event each when
// they turn True (ProblemProposed, MajorIncident).
import { ConditionType } from '../../api/v1alpha1/index.ts';
import {
  DEFAULT_RECURRENCE_POLICY, majorIncident, problemProposals, recurrences, type ProblemProposal, type TenantEvaluation, type TenantInput,
} from '../../domain/index.ts';
import type { Reconciler, Request } from '../../runtime/index.ts';
import { missingUnits } from '../shared/cache.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type IncidentObj } from '../shared/kinds.ts';
import { emitNewHistory, historyOf, historyStatus } from '../shared/history.ts';
import { incidentRelease, keepRecord } from '../shared/retention.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { incidentConditions, incidentFields, phaseOf, problemProposedCondition, problemProposedNote, type IncidentFacts } from './status.ts';

/** The incident's facts: its part of the tenant's evaluation, and the `unitRefs` not found in the namespace. */
export function incidentFacts(incident: IncidentObj, ev: TenantEvaluation, missingUnits: readonly string[], proposals: ReadonlyMap<string, ProblemProposal> = new Map()): IncidentFacts {
  const evaluated = ev.incident(incident.name);
  const input = ev.input;
  return {
    incident, result: evaluated?.result, atRiskAt: evaluated?.atRiskAt, missingUnits, now: ev.at,
    proposal: proposals.get(incident.name) ?? { state: 'NotRecurring' },
    policy: policyOf(input),
    major: majorIncident({ priority: incident.spec.priority, unitNames: incident.spec.unitRefs.map((r) => r.name) }, input.functions),
    declinedPatch: ev.declinedPatch(incident.name),
  };
}

const policyOf = (input: TenantInput) => input.contract?.problemDetection ?? DEFAULT_RECURRENCE_POLICY;

/** Every incident's Problem proposal (seed §5.4) from the tenant's recurrences, computed once per input (a new input is a new object). */
function proposalsOf(memo: WeakMap<TenantInput, Map<string, ProblemProposal>>, input: TenantInput): Map<string, ProblemProposal> {
  const known = memo.get(input);
  if (known !== undefined) return known;
  const all = recurrences(input.incidents.map((i) => ({ name: i.name, priority: i.priority, unitNames: i.unitNames, openedAt: i.openedAt })), input.functions, policyOf(input));
  const value = problemProposals(input.incidents.map((i) => i.name), all, input.problems ?? []);
  memo.set(input, value);
  return value;
}

/**
 * An incident's ProblemProposed condition depends on the other incidents of its unit and
 * functions (and on the Problems). Rather than re-queue every incident near a changed one (a
 * burst of n incidents would cost n² reconciles), each new input of a namespace is compared with
 * the last one seen: only the incidents whose condition differs are re-queued. The first input
 * seen of a namespace re-queues nobody: every incident is reconciled then anyway (a start, a
 * resync). A deleted or invalid incident's reconcile runs this too, so its recurrences' others
 * hear of it.
 */
class ProposalFollower {
  readonly #memo = new WeakMap<TenantInput, Map<string, ProblemProposal>>();
  readonly #last = new Map<string, { input: TenantInput; keys: Map<string, string> }>();
  readonly #requeue: (req: Request) => void;

  constructor(requeue: (req: Request) => void) { this.#requeue = requeue; }

  /** The proposals of `input`, after re-queueing the incidents of `namespace` whose condition changed since the last input seen. */
  follow(namespace: string, input: TenantInput): Map<string, ProblemProposal> {
    const proposals = proposalsOf(this.#memo, input);
    const last = this.#last.get(namespace);
    if (last?.input === input) return proposals;
    const policy = policyOf(input);
    const keys = new Map<string, string>();
    for (const [name, proposal] of proposals) {
      const c = problemProposedCondition({ proposal, policy });
      keys.set(name, `${c.status} ${c.reason} ${c.message}`);
    }
    if (last !== undefined) {
      for (const [name, key] of keys) {
        const before = last.keys.get(name);
        if (before !== undefined && before !== key) this.#requeue({ namespace, name });
      }
    }
    if (keys.size === 0) this.#last.delete(namespace);
    else this.#last.set(namespace, { input, keys });
    return proposals;
  }

  /** Whether a namespace has a last input to compare with (a deleted or invalid incident's reconcile evaluates its namespace only then). */
  follows(namespace: string): boolean { return this.#last.has(namespace); }
}

/** `requeue` puts an incident back on this controller's queue (its ProblemProposed condition changed: ProposalFollower). */
export function incidentReconciler(deps: Deps, requeue: (req: Request) => void = () => undefined): Reconciler {
  const { caches, manager } = deps;
  const proposals = new ProposalFollower(requeue);
  return async (req) => {
    const parsed = caches.incidents.get(req.namespace, req.name);
    const now = deps.now();
    // Deleted, or made invalid: out of the tenant's input, so the others of its recurrences may change.
    const left = (): void => { if (proposals.follows(req.namespace)) proposals.follow(req.namespace, deps.evaluations.of(req.namespace, now).input); };
    if (parsed === undefined) {
      left();
      return {};
    }
    if (!parsed.ok) {
      left();
      await writeStatus(manager, KIND_REFS.Incident, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const incident = parsed.value;
    const retention = deps.retention;
    const release = retention === undefined ? undefined : await keepRecord(deps, KIND_REFS.Incident, incident, () => incidentRelease(retention.months, incident.spec, incident.createdAt));
    if (release === 'released') return {};
    const ev = deps.evaluations.of(incident.namespace, now);
    const facts = incidentFacts(incident, ev, missingUnits(caches, incident.namespace, incident.spec.unitRefs), proposals.follow(incident.namespace, ev.input));
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
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.ProblemProposed, 'True', written, { type: 'Normal', reason: 'ProblemProposed', action: 'Reconcile', note: problemProposedNote(facts) });
    await emitOnTransition(manager, incident.raw, stored?.conditions, ConditionType.Major, 'True', written, { type: 'Warning', reason: 'MajorIncident', action: 'Reconcile', note: message(ConditionType.Major) });
    const r = facts.result;
    const future = [incident.spec.resolvedAt, incident.spec.closedAt].map((t) => (t === undefined ? undefined : new Date(t)));
    future.push(release);
    if (r === undefined || r.resolved) return requeueAt(ev.at, future);
    return requeueAt(ev.at, [facts.atRiskAt, r.deadline, ...future]);
  };
}
