// Incident status (domain.md §6, §8, §9): phase, restoration deadline, covered time, within the
// guarantee or not, whether GTR applies and why not; AtRisk once 75 % of the guaranteed time is
// spent (design.md §4). A non-production incident is timed too, without penalties (domain.md §8,
// seed §8.4.3): WithinGuarantee and AtRisk as in production, the message says no penalty, and
// `gtr.applicable` stays false (it is never credited).
import { ConditionReason, ConditionType, type IncidentStatus } from '../../api/v1alpha1/index.ts';
import { rfc3339, type RestorationResult } from '../../domain/index.ts';
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

export function incidentConditions(f: IncidentFacts): DesiredCondition[] {
  const ready = readyCondition(firstBlocker([
    () => (f.missingUnits.length > 0 ? { reason: ConditionReason.ReferenceNotFound, message: `ServiceUnit ${f.missingUnits.join(', ')} not found` } : undefined),
    () => (f.result === undefined ? { reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet' } : undefined),
  ]));
  return [withinGuaranteeCondition(f), atRiskCondition(f), ready];
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
