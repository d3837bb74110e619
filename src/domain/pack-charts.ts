// The series of the monthly pack's HTML page (issue 16 item 3, design.md §3 "The monthly pack")
// that the pack itself does not hold: the error budget burn of each managed function by day, and
// the incidents opened each day by priority. Computed from the report's input, through the same
// evaluation as the report (its memoised per-unit availability), so the last point of a
// function's burn is the report's availability read as downtime, and the incidents by day add up
// to the pack's volumes. Pure: `now` is a parameter; nothing here is formatted.
//
// The burn of a function (domain.md §5: its availability is the MEAN of its production units'):
// at each instant t, B(t) = T × mean over its measured units u of C_u(t) / S_u, where C_u(t) is the
// downtime counted against u (interruptions less exclusions) from the month's start to t, S_u the
// unit's subscribed seconds in the month and T the month's seconds. It is in seconds of the
// month: for one unit subscribed all month, its counted downtime. Its budget is
// T × (100 − guarantee) / 100, and B(end) > budget exactly when availability < guarantee.
import { DateTime } from 'luxon';
import { monthPeriod } from './calendar.ts';
import { union, type Interval } from './interval.ts';
import { incidentsOpenedIn } from './pack.ts';
import { reportInstant, rfc3339, type FunctionResult, type MonthlyReport, type ReportInput } from './report.ts';
import { evaluateTenant } from './tenant.ts';
import { PRIORITIES, type Priority } from './vocabulary.ts';

export interface FunctionBurn {
  readonly name: string;
  readonly guaranteePercent: number;
  /** The month's error budget in seconds: T × (100 − guarantee) / 100. */
  readonly budgetSeconds: number;
  /** B at the end of each local day of the month that has started by the horizon (the last one at the horizon), seconds to the millisecond. */
  readonly cumulativeSeconds: readonly number[];
}

export interface PackCharts {
  readonly month: string;
  /** The end of what the series know, RFC 3339: the month's end, or the report's instant within the month. */
  readonly horizon: string;
  /** The local dates of the month in the tenant's zone, YYYY-MM-DD. */
  readonly days: readonly string[];
  /** T: the month's seconds (743 or 745 hours across a DST change, domain.md §5). */
  readonly monthSeconds: number;
  /** One per managed function, in the report's order (by name). */
  readonly burn: readonly FunctionBurn[];
  /** Per local day (as `days`): the incidents opened that day by priority, as the pack counts them (incidentsOpenedIn). */
  readonly incidentsByDay: readonly Readonly<Record<Priority, number>>[];
}

const MS_PER_SECOND = 1000;
const roundMs = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/** The starts of the local days of `period` (a calendar month in `timeZone`), in ms, and their dates. */
export function monthDays(period: Interval, timeZone: string): { readonly starts: readonly number[]; readonly dates: readonly string[] } {
  const starts: number[] = [];
  const dates: string[] = [];
  let day = DateTime.fromMillis(period.start.getTime(), { zone: timeZone }).startOf('day');
  while (day.toMillis() < period.end.getTime()) {
    starts.push(day.toMillis());
    dates.push(day.toFormat('yyyy-MM-dd'));
    day = day.plus({ days: 1 });
  }
  return { starts, dates };
}

/** The ends of the days known at `horizon` (ms): each day's end, the last one cut at the horizon. */
function knownDayEnds(starts: readonly number[], periodEnd: number, horizon: number): number[] {
  const ends: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] ?? periodEnd;
    if (start >= horizon) break;
    ends.push(Math.min(starts[i + 1] ?? periodEnd, horizon));
  }
  return ends;
}

/**
 * The error budget burn of each function (the header's B) at each of `ends` (ms, increasing):
 * `functions` as the evaluation computed them for the month of `period`.
 */
export function budgetBurn(functions: readonly FunctionResult[], period: Interval, ends: readonly number[]): FunctionBurn[] {
  const monthSeconds = (period.end.getTime() - period.start.getTime()) / MS_PER_SECOND;
  return functions.map((f) => {
    const measured = f.units.filter((u) => u.subscribedSeconds > 0);
    const sums = ends.map(() => 0);
    for (const u of measured) {
      // The counted parts of its incidents may overlap: counted once (as unitAvailability counts them).
      const spans = union((u.countedIntervals ?? []).flatMap((c) => c.intervals));
      let k = 0;
      let before = 0; // ms counted in spans[0..k) entirely before the current end
      for (let d = 0; d < ends.length; d++) {
        const end = ends[d] ?? 0;
        while (k < spans.length && (spans[k]?.end.getTime() ?? 0) <= end) {
          const s = spans[k];
          if (s !== undefined) before += s.end.getTime() - s.start.getTime();
          k += 1;
        }
        const current = spans[k];
        const partial = current === undefined ? 0 : Math.max(0, end - current.start.getTime());
        sums[d] = (sums[d] ?? 0) + (before + partial) / MS_PER_SECOND / u.subscribedSeconds;
      }
    }
    const guaranteePercent = f.availability.guaranteePercent;
    return {
      name: f.fn.name,
      guaranteePercent,
      budgetSeconds: roundMs((monthSeconds * (100 - guaranteePercent)) / 100),
      cumulativeSeconds: sums.map((s) => (measured.length === 0 ? 0 : roundMs((monthSeconds * s) / measured.length))),
    };
  });
}

/** The incidents of `incidents` per local day (`starts`, ms) and priority; every priority present, 0 when none. */
export function incidentsPerDay(incidents: readonly { readonly openedAt: Date; readonly priority: Priority }[], starts: readonly number[]): Record<Priority, number>[] {
  const days = starts.map(() => Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>);
  for (const i of incidents) {
    const t = i.openedAt.getTime();
    // The last day starting at or before t (binary search: no date formatted per incident).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? Infinity) <= t) lo = mid;
      else hi = mid - 1;
    }
    const day = days[lo];
    if (day !== undefined && (starts[lo] ?? Infinity) <= t) day[i.priority] += 1;
  }
  return days;
}

/** The page's series from the month's evaluated functions and the input, as known at `at` (the report's instant). */
export function packChartsOf(input: ReportInput, month: string, functions: readonly FunctionResult[], at: Date): PackCharts {
  const timeZone = input.calendar.timeZone;
  const period = monthPeriod(month, timeZone);
  const horizon = Math.min(period.end.getTime(), at.getTime());
  const { starts, dates } = monthDays(period, timeZone);
  return {
    month,
    horizon: rfc3339(new Date(horizon)),
    days: dates,
    monthSeconds: (period.end.getTime() - period.start.getTime()) / MS_PER_SECOND,
    burn: budgetBurn(functions, period, knownDayEnds(starts, period.end.getTime(), horizon)),
    incidentsByDay: incidentsPerDay(incidentsOpenedIn(input, period, horizon), starts),
  };
}

/**
 * The report of `month` as of `now` (as computeMonthlyReport) and its page's series, from one
 * evaluation at the report's instant (reportInstant): `report --offline -o html`.
 */
export function reportWithCharts(input: ReportInput, month: string, now: Date): { readonly report: MonthlyReport; readonly charts: PackCharts } {
  const at = reportInstant(monthPeriod(month, input.calendar.timeZone), now);
  const evaluation = evaluateTenant(input, at);
  const report = evaluation.report(month, undefined, now);
  if (report === undefined) throw new Error('a report input always has a contract');
  return { report, charts: packChartsOf(input, month, evaluation.monthFunctions(month), at) };
}

/** The page's series alone (the report read from an SLAReport's status): `kubectl managedapps report -o html`. */
export function packCharts(input: ReportInput, month: string, now: Date): PackCharts {
  const at = reportInstant(monthPeriod(month, input.calendar.timeZone), now);
  return packChartsOf(input, month, evaluateTenant(input, at).monthFunctions(month), at);
}
