// MaintenanceWindow status (domain.md §5, §11): active now, the running occurrence, the next
// three, each with its approval (by the client, for itself or by the yearly plan of its year; an occurrence awaiting the client's approval is not active: it
// excludes nothing and its work does not run), the units it selects; Valid when the schedule
// expands (the domain's validateSchedule).
import { ConditionReason, ConditionType, type MaintenanceWindowStatus } from '../../api/v1alpha1/index.ts';
import { activeOccurrence, approvedByPlan, nextOccurrences, occurrenceApproval, rfc3339, validateSchedule, type Interval, type MaintenanceSchedule } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import { readyCondition } from '../shared/status.ts';

/** How many upcoming occurrences the status lists. */
export const NEXT_OCCURRENCES = 3;

export interface WindowFacts {
  readonly schedule: MaintenanceSchedule;
  readonly units: number;
  readonly now: Date;
}

type Occurrence = NonNullable<MaintenanceWindowStatus['currentOccurrence']>;
const occurrenceOf = (schedule: MaintenanceSchedule) => (i: Interval): Occurrence => {
  const approval = occurrenceApproval(schedule, i);
  // Approved by the yearly plan (seed §5.8) when no approval of its own names it.
  const own = schedule.approvals?.approvedStarts.some((d) => d.getTime() === i.start.getTime()) === true;
  const plan = approval === 'Approved' && !own ? approvedByPlan(schedule, i) : undefined;
  return { start: rfc3339(i.start), end: rfc3339(i.end), approval, ...(plan === undefined ? {} : { plan }) };
};

export function windowOutcome(f: WindowFacts): { fields: Omit<MaintenanceWindowStatus, 'conditions' | 'observedGeneration'>; conditions: DesiredCondition[] } {
  const errors = validateSchedule(f.schedule);
  if (errors.length > 0) {
    const valid: DesiredCondition = { type: ConditionType.Valid, status: 'False', reason: ConditionReason.InvalidSpec, message: errors.join('; ') };
    return { fields: { units: f.units }, conditions: [valid, readyCondition(valid)] };
  }
  const current = activeOccurrence(f.schedule, f.now);
  const next = nextOccurrences(f.schedule, f.now, NEXT_OCCURRENCES);
  const occurrence = occurrenceOf(f.schedule);
  const shown = current === undefined ? undefined : occurrence(current);
  const agreed = shown !== undefined && shown.approval !== 'AwaitingApproval';
  const active: DesiredCondition = current === undefined
    ? { type: ConditionType.Active, status: 'False', reason: ConditionReason.NoActiveWindow, message: next[0] === undefined ? 'no further occurrence' : `next at ${rfc3339(next[0].start)}` }
    : !agreed
      ? {
        type: ConditionType.Active, status: 'False', reason: ConditionReason.AwaitingApproval,
        message: `the occurrence from ${rfc3339(current.start)} to ${rfc3339(current.end)} awaits the client's approval (spec.approvals): it excludes nothing from availability, suppresses no incident, and its work does not run (domain.md §11)`,
      }
      : { type: ConditionType.Active, status: 'True', reason: ConditionReason.MaintenanceWindowActive, message: `until ${rfc3339(current.end)}` };
  return {
    fields: {
      active: agreed,
      ...(shown !== undefined ? { currentOccurrence: shown } : {}),
      nextOccurrences: next.map(occurrence),
      units: f.units,
    },
    conditions: [{ type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' }, active, readyCondition(undefined)],
  };
}
