// Incident status (domain.md §6, §8, §9): phase, restoration deadline, covered time, within the
// guarantee or not, whether GTR applies and why not; AtRisk once 75 % of the guaranteed time is
// spent (design.md §4). A non-production incident is timed too, without penalties (domain.md §8,
// seed §8.4.3): WithinGuarantee and AtRisk as in production, the message says no penalty, and
// `gtr.applicable` stays false (it is never credited). ProblemProposed when it recurs and no
// Problem links it (seed §5.4); Major when a P1 touches several units or a whole function (seed §5.3.2).
import { ConditionReason, ConditionType, type IncidentStatus } from '../../api/v1alpha1/index.ts';
import { rfc3339, type MajorIncident, type ProblemProposal, type RecurrencePolicy, type RestorationResult } from '../../domain/index.ts';
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
  if (!r.timed) return { type: ConditionType.WithinGuarantee, status: 'True', reason: ConditionReason.NotApplicable, message: `GTR does not apply: ${r.reason}` };
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

export function problemProposedCondition(f: IncidentFacts): DesiredCondition {
  const p = f.proposal;
  const type = ConditionType.ProblemProposed;
  switch (p.state) {
    case 'Linked': return { type, status: 'False', reason: ConditionReason.ProblemLinked, message: `linked to Problem ${p.problems.join(', ')}` };
    case 'NotRecurring': return { type, status: 'False', reason: ConditionReason.NotRecurring, message: `fewer than ${f.policy.incidents} incidents within ${f.policy.days} days on its units and functions` };
    case 'Proposed': {
      const where = p.recurrences.map((r) => `${r.scope} ${r.name}: ${r.incidents.length} incidents within ${f.policy.days} days (${r.incidents.join(', ')})`).join('; ');
      const linked = p.linkedOthers.length > 0 ? `: link it to Problem ${p.linkedOthers.join(', ')}, which links others of them` : ': open a Problem linking them (seed §5.4)';
      return { type, status: 'True', reason: ConditionReason.RecurringIncidents, message: `${where}${linked}` };
    }
  }
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
  const ready = readyCondition(firstBlocker([
    () => (f.missingUnits.length > 0 ? { reason: ConditionReason.ReferenceNotFound, message: `ServiceUnit ${f.missingUnits.join(', ')} not found` } : undefined),
    () => (f.result === undefined ? { reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet' } : undefined),
  ]));
  return [withinGuaranteeCondition(f), atRiskCondition(f), problemProposedCondition(f), majorCondition(f), ready];
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
    gtr: r.applicable ? { applicable: true } : { applicable: false, reason: r.reason, ...(r.timed ? { timed: true } : {}) },
  };
}
