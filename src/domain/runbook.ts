// When a change's runbook may start (issue 14 item 3; domain.md §4, §10, §11). Pure: `now` is a
// parameter. The operator creates the change's Job at the instant this returns, and requeues at
// it when it lies ahead (style.md 8).
//
// The gate (domain.md §10): a provider change needs the client's explicit approval **before** it
// is implemented, except a change needed to resolve a P1 incident, notified to the client
// afterwards; a non-standard change needs the provider's validation (its quote accepted). A
// decision dated after `now` is not known yet.
//
// The slot: inside an **agreed** occurrence of the change's maintenance window (domain.md §11
// **Reading**: a window that requires the client's approval counts only in the occurrences the
// client approved), or, without a window, inside the administration window (domain.md §4:
// business hours). The P1 exception runs at once, whatever the window (domain.md §10).
import { coveredIntervals, type BusinessCalendar, type Interval } from './calendar.ts';
import { agreedOccurrencesBetween, type MaintenanceSchedule } from './maintenance.ts';
import { administrationWindow } from './windows.ts';
import type { ChangeCategory, Initiator } from './vocabulary.ts';

/**
 * **Reading** (domain.md §4, §11): how far ahead an agreed occurrence, or an administration
 * window, is looked for: a year and a day (a yearly window, a yearly patch plan). Beyond it, the
 * runbook waits (`NoAgreedOccurrence`) until the window changes.
 */
export const RUNBOOK_SEARCH_DAYS = 366;
const MS_PER_DAY = 86_400_000;

export interface RunbookDecision<D extends string> {
  readonly decision: D;
  readonly at: Date;
}

export interface RunbookFacts {
  readonly requestedAt: Date;
  readonly initiator: Initiator;
  readonly category: ChangeCategory;
  /** The client's decision on a provider change, when it still binds to the scope (change-scope.ts); absent: none. */
  readonly approval?: RunbookDecision<'Approved' | 'Rejected'> | undefined;
  /** The provider's validation of a non-standard change; absent: none. */
  readonly validation?: RunbookDecision<'Accepted' | 'Refused'> | undefined;
  /** The open P1 incident the change resolves (spec.relatedIncident, not resolved at `now`); absent: none. */
  readonly openP1?: string | undefined;
  /** The maintenance window the change runs in (spec.runbook.windowRef); absent: the administration window. */
  readonly window?: { readonly name: string; readonly schedule: MaintenanceSchedule } | undefined;
}

export type RunbookWaitReason = 'AwaitingApproval' | 'Rejected' | 'AwaitingValidation' | 'Refused' | 'NoAgreedOccurrence';
export type RunbookSlot = 'P1Exception' | 'MaintenanceWindow' | 'AdministrationWindow';

export type RunbookStart =
  /** Not now and not at a known instant: `recheckAt` is when a decision dated in the future becomes known. */
  | { readonly kind: 'Waiting'; readonly reason: RunbookWaitReason; readonly message: string; readonly recheckAt?: Date | undefined }
  /** May start at `at` (`now` when the slot is open; later: requeue then); `slot` is the occurrence or business-hours interval it falls in (the P1 exception has none). */
  | { readonly kind: 'At'; readonly at: Date; readonly by: RunbookSlot; readonly slot?: Interval | undefined };

const known = (d: { readonly at: Date } | undefined, now: Date): boolean => d !== undefined && d.at.getTime() <= now.getTime();
const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** When the change's runbook may start at the earliest, judged at `now` (never before `now`). */
export function runbookStart(f: RunbookFacts, calendar: BusinessCalendar, now: Date): RunbookStart {
  const from = later(f.requestedAt, now);
  if (f.category === 'NonStandard') {
    const v = f.validation;
    if (v === undefined || !known(v, now)) {
      return { kind: 'Waiting', reason: 'AwaitingValidation', message: 'a non-standard change runs once the provider validated it (domain.md §7)', recheckAt: v?.at };
    }
    if (v.decision === 'Refused') return { kind: 'Waiting', reason: 'Refused', message: 'refused by the provider: the runbook never runs' };
  }
  if (f.initiator === 'Provider') {
    // domain.md §10: a change needed to resolve a P1 runs at once, notified to the client afterwards.
    if (f.openP1 !== undefined) return { kind: 'At', at: from, by: 'P1Exception' };
    const a = f.approval;
    if (a === undefined || !known(a, now)) {
      return { kind: 'Waiting', reason: 'AwaitingApproval', message: 'a provider change runs only once the client approved it (domain.md §10)', recheckAt: a?.at };
    }
    if (a.decision === 'Rejected') return { kind: 'Waiting', reason: 'Rejected', message: 'rejected by the client: the runbook never runs' };
  }
  const horizon = new Date(from.getTime() + RUNBOOK_SEARCH_DAYS * MS_PER_DAY);
  if (f.window !== undefined) {
    const occurrence = agreedOccurrencesBetween(f.window.schedule, from, horizon).find((o) => o.end.getTime() > from.getTime());
    if (occurrence === undefined) {
      return { kind: 'Waiting', reason: 'NoAgreedOccurrence', message: `MaintenanceWindow ${f.window.name} has no agreed occurrence within ${RUNBOOK_SEARCH_DAYS} days (one that needs the client's approval counts once approved, domain.md §11)` };
    }
    return { kind: 'At', at: later(occurrence.start, from), by: 'MaintenanceWindow', slot: occurrence };
  }
  const slot = coveredIntervals(administrationWindow(calendar), from, horizon)[0];
  if (slot === undefined) return { kind: 'Waiting', reason: 'NoAgreedOccurrence', message: `no business hours within ${RUNBOOK_SEARCH_DAYS} days (domain.md §4)` };
  return { kind: 'At', at: slot.start, by: 'AdministrationWindow', slot };
}
