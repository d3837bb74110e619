// MaintenanceWindow status (domain.md §5, §11): active now, the running occurrence, the next
// three, the units it selects; Valid when the schedule expands (the domain's validateSchedule).
import { ConditionReason, ConditionType, type MaintenanceWindowStatus } from '../../api/v1alpha1/index.ts';
import { activeOccurrence, nextOccurrences, rfc3339, validateSchedule, type Interval, type MaintenanceSchedule } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import { readyCondition } from '../shared/status.ts';

/** How many upcoming occurrences the status lists. */
export const NEXT_OCCURRENCES = 3;

export interface WindowFacts {
  readonly schedule: MaintenanceSchedule;
  readonly units: number;
  readonly now: Date;
}

const occurrence = (i: Interval): { start: string; end: string } => ({ start: rfc3339(i.start), end: rfc3339(i.end) });

export function windowOutcome(f: WindowFacts): { fields: Omit<MaintenanceWindowStatus, 'conditions' | 'observedGeneration'>; conditions: DesiredCondition[] } {
  const errors = validateSchedule(f.schedule);
  if (errors.length > 0) {
    const valid: DesiredCondition = { type: ConditionType.Valid, status: 'False', reason: ConditionReason.InvalidSpec, message: errors.join('; ') };
    return { fields: { units: f.units }, conditions: [valid, readyCondition(valid)] };
  }
  const current = activeOccurrence(f.schedule, f.now);
  const next = nextOccurrences(f.schedule, f.now, NEXT_OCCURRENCES);
  const active: DesiredCondition = current === undefined
    ? { type: ConditionType.Active, status: 'False', reason: ConditionReason.NoActiveWindow, message: next[0] === undefined ? 'no further occurrence' : `next at ${rfc3339(next[0].start)}` }
    : { type: ConditionType.Active, status: 'True', reason: ConditionReason.MaintenanceWindowActive, message: `until ${rfc3339(current.end)}` };
  return {
    fields: {
      active: current !== undefined,
      ...(current !== undefined ? { currentOccurrence: occurrence(current) } : {}),
      nextOccurrences: next.map(occurrence),
      units: f.units,
    },
    conditions: [{ type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' }, active, readyCondition(undefined)],
  };
}
