// Credits of a month (domain.md §8): one credit per incident, the 15 % cap, the claim deadline.
import { DateTime } from 'luxon';
import { CLAIM_DEADLINE_DAYS, CREDIT_CAP_PERCENT } from './guarantees.ts';
import { percentOf } from './money.ts';

export interface CreditTotals {
  readonly uncapped: number;
  readonly capPercent: number;
  readonly cap: number;
  readonly total: number;
}

/** domain.md §8: total credits for a month ≤ 15 % of that month's recurring charge for the service. */
export function capCredits(uncapped: number, monthlyRecurringCharge: number): CreditTotals {
  const cap = percentOf(monthlyRecurringCharge, CREDIT_CAP_PERCENT);
  return { uncapped, capPercent: CREDIT_CAP_PERCENT, cap, total: Math.min(uncapped, cap) };
}

/**
 * domain.md §8: the SLA claim must be sent within 30 days after the month: 30 calendar days after
 * the month's end (00:00 local on the next month's 1st), in the tenant's time zone.
 */
export function claimDeadline(monthEnd: Date, timeZone: string): Date {
  return DateTime.fromJSDate(monthEnd, { zone: timeZone }).plus({ days: CLAIM_DEADLINE_DAYS }).toJSDate();
}

export interface GtdCreditClaim {
  readonly function: string;
  readonly amount: number;
  /** Incidents whose interruption counted against the function this month. */
  readonly incidents: ReadonlySet<string>;
}

export interface GtrCreditClaim {
  readonly amount: number;
  /** Applicable incidents resolved late this month (the deviation's numerator). */
  readonly lateIncidents: ReadonlySet<string>;
}

export interface OneCreditPerIncident {
  /** Functions whose GTD credit is waived because the GTR credit, on a shared incident, is higher. */
  readonly waivedFunctions: readonly string[];
  /** True when the GTR credit is waived because the GTD credits on a shared incident are higher (or equal). */
  readonly gtrWaived: boolean;
  /** The incidents that would have been credited twice, sorted. */
  readonly sharedIncidents: readonly string[];
}

/**
 * domain.md §8: one incident never yields both a GTD and a GTR credit; the higher is granted.
 *
 * The rule, at the report level: the functions in conflict are those with a GTD credit whose
 * counted interruptions include an incident that is also late for a GTR credit. When there are
 * any, the GTR credit is compared with the sum of those functions' GTD credits: if GTR is strictly
 * higher the conflicting GTD credits are waived, otherwise the GTR credit is (on a tie the GTD
 * credits stay: they are per function and name the incident's effect directly). Functions whose
 * credit comes from other incidents only are never touched.
 */
export function oneCreditPerIncident(gtd: readonly GtdCreditClaim[], gtr: GtrCreditClaim): OneCreditPerIncident {
  if (gtr.amount <= 0) return { waivedFunctions: [], gtrWaived: false, sharedIncidents: [] };
  const shared = new Set<string>();
  const conflicting: GtdCreditClaim[] = [];
  for (const claim of gtd) {
    if (claim.amount <= 0) continue;
    let conflicts = false;
    for (const name of claim.incidents) {
      if (gtr.lateIncidents.has(name)) {
        shared.add(name);
        conflicts = true;
      }
    }
    if (conflicts) conflicting.push(claim);
  }
  if (conflicting.length === 0) return { waivedFunctions: [], gtrWaived: false, sharedIncidents: [] };
  const gtdAmount = conflicting.reduce((sum, c) => sum + c.amount, 0);
  const sharedIncidents = [...shared].sort();
  return gtr.amount > gtdAmount
    ? { waivedFunctions: conflicting.map((c) => c.function), gtrWaived: false, sharedIncidents }
    : { waivedFunctions: [], gtrWaived: true, sharedIncidents };
}
