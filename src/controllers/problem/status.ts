// Problem status (seed §5.4): phase (Open, Closed once spec.closedAt passed), the incidents linked
// that exist, `Closed`, and Ready: the incidents and the change it names exist in the namespace
// (GitOps applies in any order: a reference not applied yet waits, it is not refused).
import { ConditionReason, ConditionType, type ProblemStatus } from '../../api/v1alpha1/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { ProblemObj } from '../shared/kinds.ts';
import { firstBlocker, readyCondition } from '../shared/status.ts';

export interface ProblemFacts {
  readonly problem: ProblemObj;
  /** incidentRefs with no Incident of that name in the namespace. */
  readonly missingIncidents: readonly string[];
  /** The changeRef, when no ChangeRequest of that name is in the namespace. */
  readonly missingChange: string | undefined;
  readonly now: Date;
}

/** Closed once spec.closedAt has passed (a closure dated later is not known yet). */
export function problemPhase(problem: ProblemObj, now: Date): NonNullable<ProblemStatus['phase']> {
  const closedAt = problem.spec.closedAt;
  return closedAt !== undefined && new Date(closedAt).getTime() <= now.getTime() ? 'Closed' : 'Open';
}

export function closedCondition(f: ProblemFacts): DesiredCondition {
  const p = f.problem.spec;
  if (problemPhase(f.problem, f.now) === 'Closed') {
    return { type: ConditionType.Closed, status: 'True', reason: ConditionReason.ProblemClosed, message: `closed at ${p.closedAt ?? ''}${p.changeRef !== undefined ? `, fixed by ChangeRequest ${p.changeRef.name}` : ''}` };
  }
  return { type: ConditionType.Closed, status: 'False', reason: ConditionReason.ProblemOpen, message: `open since ${p.openedAt}, ${p.incidentRefs.length} incident(s) linked${p.changeRef !== undefined ? `, fix: ChangeRequest ${p.changeRef.name}` : ''}` };
}

export function problemConditions(f: ProblemFacts): DesiredCondition[] {
  const ready = readyCondition(firstBlocker([
    () => (f.missingIncidents.length > 0 ? { reason: ConditionReason.ReferenceNotFound, message: `Incident ${f.missingIncidents.join(', ')} not found in the namespace` } : undefined),
    () => (f.missingChange !== undefined ? { reason: ConditionReason.ReferenceNotFound, message: `ChangeRequest ${f.missingChange} not found in the namespace` } : undefined),
  ]));
  return [closedCondition(f), ready];
}

export function problemFields(f: ProblemFacts): Omit<ProblemStatus, 'conditions' | 'observedGeneration'> {
  return { phase: problemPhase(f.problem, f.now), incidents: f.problem.spec.incidentRefs.length - f.missingIncidents.length };
}
