// Incident status (domain.md §6, §8, §9): phase, restoration deadline, covered time, within the
// guarantee or not, whether GTR applies and why not; AtRisk once 75 % of the guaranteed time is
// spent (design.md §4). A non-production incident is timed too, without penalties (domain.md §8,
// seed §8.4.3): WithinGuarantee and AtRisk as in production, the message says no penalty, and
// `gtr.applicable` stays false (it is never credited). ProblemProposed when it recurs and no
// Problem links it (seed §5.4); Major when a P1 touches several units or a whole function (seed §5.3.2);
// DeclinedPatch when it names the patch campaign the client declined that caused it (seed §9.10).
import { ConditionReason, ConditionType, type IncidentStatus } from '../../api/v1alpha1/index.ts';
import { declinedPatchProblem, declinedPatchReason, rfc3339, type DeclinedPatchResolution, type MajorIncident, type ProblemProposal, type RecurrencePolicy, type RestorationResult } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { IncidentObj } from '../shared/kinds.ts';
import { firstBlocker, readyCondition } from '../shared/status.ts';

export interface IncidentFacts {
  readonly incident: IncidentObj;
  /** undefined while the namespace has no contract (the support level, hence the target, is unknown). */
  readonly result: RestorationResult | undefined;
  /** When 75 % of the guaranteed time is spent; undefined without a target. */
  readonly atRiskAt: Date | undefined;
  /** `unitRefs` not found in the namespace. */
  readonly missingUnits: readonly string[];
  readonly now: Date;
  /** Whether it recurs, and whether a Problem links it (seed §5.4). */
  readonly proposal: ProblemProposal;
  /** The detection's N and M (the contract's, or the defaults). */
  readonly policy: RecurrencePolicy;
  readonly major: MajorIncident;
  /** What spec.declinedPatchRef names (patching.ts); undefined without one. */
  readonly declinedPatch?: DeclinedPatchResolution | undefined;
}

/** Why GTR does not apply, as the status says it: the domain's reason, with the campaign's name for a declined patch (seed §9.10). */
export function gtrReasonText(r: RestorationResult): string {
  // At most the 256 characters of status.gtr.reason (a ChangeRequest name may be 253 long).
  return r.reason === 'DeclinedPatch' && r.declinedPatch !== undefined ? `DeclinedPatch: ${declinedPatchReason(r.declinedPatch)}`.slice(0, 256) : r.reason;
}

/**
 * `DeclinedPatch`, for an incident with spec.declinedPatchRef only: True when it names a patch
 * campaign the client declined before the incident opened (client-caused, seed §9.10: GTD and GTR
 * do not apply); Unknown while the change is not applied (GitOps order); False naming the field otherwise.
 */
export function declinedPatchCondition(f: Pick<IncidentFacts, 'declinedPatch'>): DesiredCondition | undefined {
  const d = f.declinedPatch;
  if (d === undefined) return undefined;
  const type = ConditionType.DeclinedPatch;
  switch (d.kind) {
    case 'Declined':
      return { type, status: 'True', reason: ConditionReason.ClientDeclinedPatch, message: `${declinedPatchReason(d.change)}: declined${d.declinedBy === undefined ? '' : ` by ${d.declinedBy}`} at ${rfc3339(d.declinedAt)}; client-caused, GTD and GTR do not apply` };
    case 'NotFound':
      return { type, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: `spec.declinedPatchRef: ChangeRequest ${d.change} not found (not applied yet?): the guarantees apply as for spec.cause alone until it is` };
    case 'NotDeclinedPatch': {
      const problem = declinedPatchProblem(d);
      return { type, status: 'False', reason: ConditionReason.NotDeclinedPatch, message: `${problem?.path ?? 'spec.declinedPatchRef'}: ${problem?.message ?? d.why}; the guarantees apply as for spec.cause alone` };
    }
  }
}

/** Open → Resolved (service restored) → Closed (the client agreed), domain.md §9; a time after `now` is not known yet. */
export function phaseOf(incident: IncidentObj, now: Date): NonNullable<IncidentStatus['phase']> {
  const known = (t: string | undefined): boolean => t !== undefined && new Date(t).getTime() <= now.getTime();
  if (known(incident.spec.closedAt)) return 'Closed';
  if (known(incident.spec.resolvedAt)) return 'Resolved';
  return 'Open';
}

const noContract = (type: string): DesiredCondition => ({ type, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet: the support level is unknown' });

export function withinGuaranteeCondition(f: IncidentFacts): DesiredCondition {
  const r = f.result;
  if (r === undefined) return noContract(ConditionType.WithinGuarantee);
  if (!r.timed) return { type: ConditionType.WithinGuarantee, status: 'True', reason: ConditionReason.NotApplicable, message: `GTR does not apply: ${gtrReasonText(r)}` };
  const deadline = r.deadline === undefined ? '' : rfc3339(r.deadline);
  const note = penaltyNote(r);
  if (r.late) return { type: ConditionType.WithinGuarantee, status: 'False', reason: ConditionReason.DeadlineMissed, message: `restoration deadline ${deadline} missed (${r.priority}, ${r.supportLevel})${note}` };
  if (r.resolved) return { type: ConditionType.WithinGuarantee, status: 'True', reason: ConditionReason.CompletedOnTime, message: `restored before ${deadline}${note}` };
  return { type: ConditionType.WithinGuarantee, status: 'True', reason: ConditionReason.OnTime, message: `to restore before ${deadline}${note}` };
}

/** What a timed incident without penalties adds to its messages (domain.md §8: non-production). */
const penaltyNote = (r: RestorationResult): string => (r.applicable ? '' : `; ${r.reason}: timed without penalties (domain.md §8)`);

export function atRiskCondition(f: IncidentFacts): DesiredCondition {
  const r = f.result;
  if (r === undefined) return noContract(ConditionType.AtRisk);
  const open = !r.resolved;
  if (open && r.timed && !r.late && f.atRiskAt !== undefined && f.now.getTime() >= f.atRiskAt.getTime()) {
    return { type: ConditionType.AtRisk, status: 'True', reason: ConditionReason.DeadlineAtRisk, message: `75 % of the restoration time spent; deadline ${r.deadline === undefined ? '' : rfc3339(r.deadline)}${penaltyNote(r)}` };
  }
  return { type: ConditionType.AtRisk, status: 'False', reason: ConditionReason.NotAtRisk, message: '' };
}

/**
 * The ProblemProposed condition. Its message names the units and functions the incident recurs
 * on, not the other incidents nor how many: it changes only when the incident joins or leaves a
 * recurrence or a Problem links it or others of it, so a burst of incidents on a unit writes each
 * one's status once (the other incidents are in the ProblemProposed Event: problemProposedNote).
 */
export function problemProposedCondition(f: Pick<IncidentFacts, 'proposal' | 'policy'>): DesiredCondition {
  const p = f.proposal;
  const type = ConditionType.ProblemProposed;
  switch (p.state) {
    case 'Linked': return { type, status: 'False', reason: ConditionReason.ProblemLinked, message: `linked to Problem ${p.problems.join(', ')}` };
    case 'NotRecurring': return { type, status: 'False', reason: ConditionReason.NotRecurring, message: `fewer than ${f.policy.incidents} incidents within ${f.policy.days} days on its units and functions` };
    case 'Proposed': {
      const where = p.recurrences.map((r) => `${r.scope} ${r.name}`).join(', ');
      return { type, status: 'True', reason: ConditionReason.RecurringIncidents, message: `recurs on ${where} (${f.policy.incidents} or more incidents within ${f.policy.days} days)${linkAdvice(p.linkedOthers)}` };
    }
  }
}

const linkAdvice = (linkedOthers: readonly string[]): string => (linkedOthers.length > 0
  ? `: link it to Problem ${linkedOthers.join(', ')}, which links others of them`
  : ': open a Problem linking them (seed §5.4)');

/** How many of a recurrence's incidents the ProblemProposed Event names (an Event's note is at most 1 KiB). */
const NOTE_INCIDENTS = 10;

/** The ProblemProposed Event's note: each recurrence with its incidents at the time (the first NOTE_INCIDENTS). */
export function problemProposedNote(f: Pick<IncidentFacts, 'proposal' | 'policy'>): string {
  const p = f.proposal;
  if (p.state !== 'Proposed') return problemProposedCondition(f).message;
  const where = p.recurrences.map((r) => {
    const shown = r.incidents.slice(0, NOTE_INCIDENTS).join(', ');
    const more = r.incidents.length > NOTE_INCIDENTS ? ` and ${r.incidents.length - NOTE_INCIDENTS} more` : '';
    return `${r.scope} ${r.name}: ${r.incidents.length} incidents within ${f.policy.days} days (${shown}${more})`;
  }).join('; ');
  return `${where}${linkAdvice(p.linkedOthers)}`;
}

export function majorCondition(f: IncidentFacts): DesiredCondition {
  const m = f.major;
  const type = ConditionType.Major;
  if (!m.major) return { type, status: 'False', reason: ConditionReason.NotMajor, message: f.incident.spec.priority === 'P1' ? 'a P1 on one unit of a function that has others' : `a ${f.incident.spec.priority}: only a P1 is major` };
  const what = m.reason === 'SeveralUnits' ? `a P1 on ${m.units.length} units (${m.units.join(', ')})` : `a P1 on every unit of ManagedFunction ${m.functions.join(', ')}`;
  const notice = f.incident.spec.closureNotice;
  const closure = notice !== undefined
    ? `; closure notified to the client at ${notice.sentAt}${notice.sentBy !== undefined ? ` by ${notice.sentBy.username}` : ''}`
    : phaseOf(f.incident, f.now) === 'Open' ? '' : '; closure notice to the client not recorded yet (spec.closureNotice)';
  return { type, status: 'True', reason: m.reason === 'SeveralUnits' ? ConditionReason.SeveralUnits : ConditionReason.WholeFunction, message: `major incident (seed §5.3.2): ${what}${closure}` };
}

export function incidentConditions(f: IncidentFacts): DesiredCondition[] {
  const declined = declinedPatchCondition(f);
  const ready = readyCondition(firstBlocker([
    () => (f.missingUnits.length > 0 ? { reason: ConditionReason.ReferenceNotFound, message: `ServiceUnit ${f.missingUnits.join(', ')} not found` } : undefined),
    () => (f.result === undefined ? { reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet' } : undefined),
    () => (declined !== undefined && declined.status !== 'True' ? { reason: declined.reason, message: declined.message } : undefined),
  ]));
  return [withinGuaranteeCondition(f), atRiskCondition(f), problemProposedCondition(f), majorCondition(f), ...(declined === undefined ? [] : [declined]), ready];
}

export function incidentFields(f: IncidentFacts): Omit<IncidentStatus, 'conditions' | 'observedGeneration'> {
  const phase = phaseOf(f.incident, f.now);
  const r = f.result;
  if (r === undefined) return { phase };
  return {
    phase,
    supportLevel: r.supportLevel,
    ...(r.deadline !== undefined ? { restorationDeadline: rfc3339(r.deadline) } : {}),
    coveredSeconds: Math.floor(r.coveredSeconds),
    breached: r.late,
    gtr: r.applicable ? { applicable: true } : { applicable: false, reason: gtrReasonText(r), ...(r.timed ? { timed: true } : {}) },
  };
}
