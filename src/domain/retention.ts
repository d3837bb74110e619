// Records are kept (domain.md §9: "all production interventions are traced and kept for the
// contract's duration, and those records prevail"; §8: the claim, the dispute, reversibility).
// How long an Incident or a ChangeRequest is kept, and which months a ServiceUnit still weighs in:
// pure, `now` a parameter. The webhook refuses a deletion these say is early; the controllers hold
// a finalizer until they say it is over (the backstop when the webhook is down).
import { DateTime } from 'luxon';
import { monthOf, monthPeriod, type Interval } from './calendar.ts';
import { REVERSIBILITY_MONTHS } from './guarantees.ts';
import { MIN_SERVICE_MONTHS } from './limits.ts';
import { REPORT_FINAL_GRACE_HOURS } from './report.ts';

/**
 * domain.md §9: records are kept for the contract's duration (at least MIN_SERVICE_MONTHS, §3),
 * plus reversibility (§8), during which the client may still need them: 12 + 3 = 15 months from
 * the last instant a record names. An operator with longer contracts raises it
 * (`--record-retention-months`, chart value `records.retentionMonths`).
 */
export const DEFAULT_RECORD_RETENTION_MONTHS = MIN_SERVICE_MONTHS + REVERSIBILITY_MONTHS;

/** The instants a record names (openedAt, resolvedAt, closedAt; requestedAt, decisions, completedAt), some absent. */
export type RecordInstants = readonly (Date | undefined)[];

/**
 * The instant a record may go: its latest instant plus `retentionMonths` calendar months (UTC;
 * the 31st plus a month that has no 31st is that month's last day, luxon's reading). A record with
 * no instant at all is kept from `fallback` (its creation).
 */
export function retainedUntil(instants: RecordInstants, retentionMonths: number, fallback: Date): Date {
  const known = instants.filter((d): d is Date => d !== undefined && !Number.isNaN(d.getTime()));
  const latest = known.length === 0 ? fallback.getTime() : Math.max(...known.map((d) => d.getTime()));
  return DateTime.fromMillis(latest, { zone: 'UTC' }).plus({ months: retentionMonths }).toJSDate();
}

/** The calendar months (`YYYY-MM`, in `timeZone`) that [interval.start, interval.end) touches, in order. */
export function monthsOf(interval: Interval, timeZone: string): string[] {
  if (interval.end.getTime() <= interval.start.getTime()) return [];
  const out: string[] = [];
  const last = monthOf(new Date(interval.end.getTime() - 1), timeZone);
  for (let month = monthOf(interval.start, timeZone); month <= last; month = monthOf(monthPeriod(month, timeZone).end, timeZone)) out.push(month);
  return out;
}

/** What the months of a unit are judged on: the contract's first month, the tenant's zone, the reports' finality. */
export interface MonthsContext {
  readonly timeZone: string;
  /** The contract's start month: earlier months have no report, nothing to keep. */
  readonly startMonth: string;
  /**
   * Whether the report of `month` is final; undefined when there is none. A month without a report
   * counts as final once its end plus the grace period passed (nobody computes it any more unless
   * its report is created, design.md §3), open before.
   */
  readonly reportFinal: (month: string) => boolean | undefined;
}

/**
 * The months a ServiceUnit still weighs in (domain.md §5: its subscribed time and its interruption
 * in each month): those its subscription and its incidents touch, from the contract's start month
 * to the month of `now`, whose report is not final yet. Empty: deleting the unit takes nothing out
 * of any report that can still change.
 */
export function openMonths(touched: readonly Interval[], ctx: MonthsContext, now: Date): string[] {
  const current = monthOf(now, ctx.timeZone);
  const months = new Set<string>();
  const first = monthPeriod(ctx.startMonth, ctx.timeZone).start.getTime();
  const last = monthPeriod(current, ctx.timeZone).end.getTime();
  for (const interval of touched) {
    const clamped = { start: new Date(Math.max(interval.start.getTime(), first)), end: new Date(Math.min(interval.end.getTime(), last)) };
    for (const m of monthsOf(clamped, ctx.timeZone)) months.add(m);
  }
  const graceMs = REPORT_FINAL_GRACE_HOURS * 3_600_000;
  return [...months].sort().filter((m) => {
    const final = ctx.reportFinal(m);
    if (final !== undefined) return !final;
    return now.getTime() < monthPeriod(m, ctx.timeZone).end.getTime() + graceMs;
  });
}
