// The credit forecast of the current month (issue 16 item 1; design.md §3 "Forecast"): where the
// month is heading, per managed function and for the contract, while it is still running.
//
// Two readings of the month's end for GTD (domain.md §5), each with its credit tier and amount:
//   - NothingElse: nothing else happens. The downtime counted so far over the month's seconds, the
//     open incidents resolved now: exactly the month-to-date figure of the report, which already
//     divides by the whole month's subscribed time.
//   - BurnRate: the month goes on as it went so far. Per unit, the downtime counted so far scaled
//     from the subscribed time elapsed to the whole subscribed time of the month
//     (counted × subscribed / elapsed), at most the whole subscribed time; the function is the mean
//     of its units' (domain.md §5). With no subscribed time elapsed there is no rate yet: the
//     downtime so far (none).
// And for GTR (domain.md §6), the deviation if every open incident GTR applies to is resolved at
// its at-risk projection: the instant 75 % of its guaranteed time is spent (risk.ts), or now when
// that is past. It is then on time, unless it is already past its deadline (late at now: it can
// no longer be restored in time). Resolved now or at the projection, the lateness is the same;
// the projection says by when. The open incidents then count in the month's deviation (resolved in it).
//
// The contract's credits in each GTD case: the GTD credits of the case and the GTR forecast, under
// the one-credit-per-incident rule and the monthly cap (domain.md §8, credits.ts), plus the GTC
// credits of the changes already late (changes are not projected). Per function and for GTR the
// amounts are what each guarantee owes before that rule; the totals apply it.
//
// Only the current month has a forecast: a month not started yet or ended (in its grace period,
// or final) has none, so a final report's sealed content never holds one (seal.ts).
// Pure: `now` is a parameter; amounts are exact here and rounded when the report is assembled.
import { gtdGap } from './availability.ts';
import { capCredits, oneCreditPerIncident, type CreditTotals } from './credits.ts';
import { clipOne, durationSeconds, type Interval } from './interval.ts';
import { percentOf } from './money.ts';
import { gtrCreditPercent, gtrDeviationPercent } from './restoration.ts';

/**
 * How often the forecast moves (design.md §3 "Forecast"): it is computed as at the start of the
 * current hour of UTC (forecastInstant), not at every reconcile, so that a quiet running month is
 * written once an hour rather than at each reconcile, and two computations within the hour (two
 * replicas, a restart, `report --offline`) agree. An operating choice, not a number of the contract.
 */
export const FORECAST_STEP_MS = 3_600_000;

/** The instant the forecast as of `now` is computed at: the start of its hour (FORECAST_STEP_MS), not before the month's start. */
export function forecastInstant(period: Interval, now: Date): Date {
  return new Date(Math.max(period.start.getTime(), Math.floor(now.getTime() / FORECAST_STEP_MS) * FORECAST_STEP_MS));
}

/** The two readings of a function's month's end (see the header), as the metrics' `case` label says them. */
export const FORECAST_CASES = ['NothingElse', 'BurnRate'] as const;
export type ForecastCase = (typeof FORECAST_CASES)[number];

/** The GTR reading's `case` label: open incidents resolved at their at-risk projection. */
export const GTR_FORECAST_CASE = 'AtRisk';

export interface ForecastUnitInput {
  /** The part of the month the unit is subscribed in (domain.md §5 t_month). */
  readonly subscribed: Interval;
  /** Interruption counted against the guarantee so far (open incidents up to now), seconds. */
  readonly countedSeconds: number;
}

export interface ForecastFunctionInput {
  readonly name: string;
  readonly guaranteePercent: number;
  readonly monthlyCharge: number;
  /** Its measured production units (those subscribed in the month). */
  readonly units: readonly ForecastUnitInput[];
  /** The incidents whose interruption counts against it (the one-credit-per-incident rule). */
  readonly countedIncidents: ReadonlySet<string>;
}

/** An incident of the month GTR applies to: resolved in it, or open. */
export interface ForecastIncidentInput {
  readonly name: string;
  readonly resolved: boolean;
  /** Resolved late, or open past its deadline at now. */
  readonly late: boolean;
  readonly deadline: Date | undefined;
  /** When 75 % of its guaranteed time is spent (risk.ts restorationAtRiskInstant). */
  readonly atRiskAt: Date | undefined;
}

export interface ForecastInput {
  readonly period: Interval;
  readonly now: Date;
  readonly functions: readonly ForecastFunctionInput[];
  readonly incidents: readonly ForecastIncidentInput[];
  /** The base of the GTR credit: the monthly charge of all production units (domain.md §6). */
  readonly productionCharge: number;
  /** The base of the cap: the month's recurring charge (domain.md §8). */
  readonly recurringCharge: number;
  /** GTC credits of the month so far (domain.md §7). */
  readonly gtcCreditAmount: number;
}

export interface ForecastFigures {
  readonly availabilityPercent: number;
  readonly gapPoints: number;
  readonly creditPercent: number;
  readonly creditAmount: number;
}

export interface FunctionForecast {
  readonly name: string;
  readonly guaranteePercent: number;
  readonly cases: Readonly<Record<ForecastCase, ForecastFigures>>;
}

export interface OpenIncidentForecast {
  readonly name: string;
  /** Its projected resolution: the at-risk instant, or now when that is past. */
  readonly resolveAt: Date;
  readonly deadline: Date | undefined;
  /** Already past its deadline: late however soon it is resolved. */
  readonly late: boolean;
}

export interface GtrForecast {
  /** Incidents resolved in the month, the open ones included. */
  readonly resolved: number;
  readonly late: number;
  readonly deviationPercent: number;
  readonly creditPercent: number;
  readonly creditAmount: number;
  readonly open: readonly OpenIncidentForecast[];
}

export interface CreditForecast {
  readonly at: Date;
  readonly monthSeconds: number;
  readonly elapsedSeconds: number;
  readonly functions: readonly FunctionForecast[];
  readonly gtr: GtrForecast;
  readonly gtcCreditAmount: number;
  /** The contract's credits in each GTD case, after the one-credit-per-incident rule and the cap. */
  readonly credits: Readonly<Record<ForecastCase, CreditTotals>>;
}

/** Whether `now` is inside `period`: only the current month has a forecast. */
export function hasForecast(period: Interval, now: Date): boolean {
  return now.getTime() >= period.start.getTime() && now.getTime() < period.end.getTime();
}

/** A unit's availability in percent when `counted` of its `subscribed` seconds are downtime (domain.md §5). */
const availabilityOf = (subscribedSeconds: number, countedSeconds: number): number =>
  (100 * (subscribedSeconds - Math.min(countedSeconds, subscribedSeconds))) / subscribedSeconds;

/** A unit's month-end downtime at the rate so far: counted × subscribed / elapsed, at most the whole subscribed time. */
export function burnRateSeconds(unit: ForecastUnitInput, now: Date): number {
  const subscribedSeconds = durationSeconds(unit.subscribed);
  const elapsed = clipOne(unit.subscribed, { start: unit.subscribed.start, end: now });
  const elapsedSeconds = elapsed === undefined ? 0 : durationSeconds(elapsed);
  if (elapsedSeconds <= 0) return unit.countedSeconds;
  return Math.min(subscribedSeconds, (unit.countedSeconds * subscribedSeconds) / elapsedSeconds);
}

function figures(fn: ForecastFunctionInput, downtime: (u: ForecastUnitInput) => number): ForecastFigures {
  const measured = fn.units.filter((u) => durationSeconds(u.subscribed) > 0);
  // domain.md §5: the mean of the units' availability; 100 with no unit subscribed.
  const availabilityPercent = measured.length === 0
    ? 100
    : measured.reduce((sum, u) => sum + availabilityOf(durationSeconds(u.subscribed), downtime(u)), 0) / measured.length;
  const { gapPoints, creditPercent } = gtdGap(fn.guaranteePercent, availabilityPercent);
  return { availabilityPercent, gapPoints, creditPercent, creditAmount: percentOf(fn.monthlyCharge, creditPercent) };
}

/** domain.md §6: the month's deviation if the open incidents are resolved at their at-risk projection. */
export function gtrForecast(incidents: readonly ForecastIncidentInput[], now: Date, productionCharge: number): GtrForecast {
  const open = incidents.filter((i) => !i.resolved).map((i): OpenIncidentForecast => ({
    name: i.name,
    resolveAt: i.atRiskAt !== undefined && i.atRiskAt.getTime() > now.getTime() ? i.atRiskAt : now,
    deadline: i.deadline,
    late: i.late,
  }));
  const late = incidents.filter((i) => i.late).length;
  const deviationPercent = gtrDeviationPercent(incidents.length, late);
  const creditPercent = gtrCreditPercent(deviationPercent);
  return { resolved: incidents.length, late, deviationPercent, creditPercent, creditAmount: percentOf(productionCharge, creditPercent), open };
}

/** The credit forecast of the month `input.period` at `input.now`; undefined outside the month (hasForecast). */
export function creditForecast(input: ForecastInput): CreditForecast | undefined {
  const { period, now } = input;
  if (!hasForecast(period, now)) return undefined;
  const functions = input.functions.map((fn): FunctionForecast => ({
    name: fn.name,
    guaranteePercent: fn.guaranteePercent,
    cases: { NothingElse: figures(fn, (u) => u.countedSeconds), BurnRate: figures(fn, (u) => burnRateSeconds(u, now)) },
  }));
  const gtr = gtrForecast(input.incidents, now, input.productionCharge);
  const lateIncidents = new Set(input.incidents.filter((i) => i.late).map((i) => i.name));
  const credits = (c: ForecastCase): CreditTotals => {
    const claims = functions.map((f, i) => ({ function: f.name, amount: f.cases[c].creditAmount, incidents: input.functions[i]?.countedIncidents ?? new Set<string>() }));
    const overlap = oneCreditPerIncident(claims, { amount: gtr.creditAmount, lateIncidents });
    const waived = new Set(overlap.waivedFunctions);
    const gtd = claims.reduce((sum, claim) => sum + (waived.has(claim.function) ? 0 : claim.amount), 0);
    return capCredits(gtd + (overlap.gtrWaived ? 0 : gtr.creditAmount) + input.gtcCreditAmount, input.recurringCharge);
  };
  return {
    at: now,
    monthSeconds: durationSeconds(period),
    elapsedSeconds: (now.getTime() - period.start.getTime()) / 1000,
    functions,
    gtr,
    gtcCreditAmount: input.gtcCreditAmount,
    credits: { NothingElse: credits('NothingElse'), BurnRate: credits('BurnRate') },
  };
}
