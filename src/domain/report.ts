// The monthly SLA report (design.md §3), computed from plain domain data: GTD per managed function,
// GTR and GTC over the service, credits with the one-credit-per-incident rule and the 15 % cap.
//
// `ReportInput` is what src/api's toDomain() builds from the Kubernetes objects. The report is one
// projection of the tenant's evaluation (evaluateTenant, tenant.ts): its rows read the same
// per-unit, per-incident and per-change results as the statuses, so they agree by construction;
// the controller and `managedapps report --offline` both go through computeMonthlyReport. Exact
// values are carried throughout; amounts are rounded to 2 decimals and percentages to 4 only when
// the report is assembled.
//
// Cost: work proportional to the month's incidents and changes and to the functions' units (the
// evaluation indexes incidents and maintenance occurrences by unit once).
import { monthPeriod, type BusinessCalendar } from './calendar.ts';
import { functionAvailability, type FunctionAvailability, type InterruptionRecord, type UnitAvailability } from './availability.ts';
import { measuredAtOf, type ChangeFacts, type ChangeResult } from './change.ts';
import type { ReleaseMonthRow } from './releases.ts';
import type { PatchCampaignFacts } from './patching.ts';
import { capCredits, claimDeadline, oneCreditPerIncident, type CreditTotals } from './credits.ts';
import { creditForecast, type CreditForecast, type ForecastFigures } from './forecast.ts';
import { monthlyPack, type MonthlyPack } from './pack.ts';
import { gtdGuaranteePercent, GTR_DEVIATION_THRESHOLD_PERCENT } from './guarantees.ts';
import { clipOne, type Interval } from './interval.ts';
import { unguaranteed, type Target, type Unguaranteed } from './levels.ts';
import type { SyntecIndex } from './statement.ts';
import type { DatedTerms, MonthTerms } from './terms.ts';
import type { TokenLedger } from './tokens.ts';
import type { MaintenanceSchedule } from './maintenance.ts';
import { percentOf, roundAmount, roundPercent } from './money.ts';
import { problemsOfMonth, type ProblemInput, type RecurrencePolicy } from './problems.ts';
import { gtrCreditPercent, gtrDeviationPercent, type RestorationResult } from './restoration.ts';
import type {
  BuildModel,
  ChangeCategory,
  Detection,
  Environment,
  FunctionFamily,
  LevelThreeOwner,
  ManagementLevel,
  ManagementModel,
  Prerequisite,
  Priority,
  SupportLevel,
} from './vocabulary.ts';

// ---------------------------------------------------------------------------------------------
// Input

/**
 * The contract's terms (domain.md §3): those from the start (DatedTerms: `supportLevels`,
 * `payAsYouGoTokenPrice`, `monthlyTokens`, `monthlyRecurringCharge`), and the dated entries that
 * replace them from a later month (`datedSupportLevels`, `amendments`). Every month is computed
 * with termsInMonth (terms.ts), never with the base terms directly.
 */
export interface ContractInput extends DatedTerms {
  /** ISO 4217 code of every amount. */
  readonly currency: string;
  /** Monthly recurring charge of all production units, the base of the GTR credit. Default: the sum of the functions' charges (functions group every production unit). */
  readonly productionMonthlyCharge?: number | undefined;
  /** Start of the reversibility (exit) period, if any (domain.md §8: it lasts at most 3 months). */
  readonly reversibilityStart?: Date | undefined;
  /** Accelerated changes allowed per calendar year (domain.md §10: 6). */
  readonly acceleratedChangesPerYear?: number | undefined;
  /** When incidents recur enough to propose a Problem (seed §5.4); default DEFAULT_RECURRENCE_POLICY (problems.ts). */
  readonly problemDetection?: RecurrencePolicy | undefined;
  /** The SYNTEC index of each year the contract lists (seed §9.3.1, issue 13): the statement's revision (statement.ts syntecRevision). */
  readonly syntecIndices?: readonly SyntecIndex[] | undefined;
}

export interface UnitInput {
  readonly name: string;
  readonly level: ManagementLevel;
  readonly environment: Environment;
  readonly targets: readonly Target[];
  readonly subscription: { readonly start: Date; readonly end?: Date | undefined };
  /** Prerequisites the provider validated (domain.md §8); guarantees apply only when all are. */
  readonly prerequisites: readonly Prerequisite[];
  readonly coManaged: boolean;
  readonly levelThreeOwner: LevelThreeOwner;
  readonly labels: Readonly<Record<string, string>>;
  /** The family the unit counts in (its `spec.family`); default: the family named like its level. */
  readonly family?: FunctionFamily | undefined;
  /** Its build model (domain.md §2); default FullBuild. NoBuild: not managed, no guarantee. */
  readonly buildModel?: BuildModel | undefined;
  /** The tenant's management model (domain.md §1); default FullyManaged. SelfCare: advice only, no guarantee. */
  readonly managementModel?: ManagementModel | undefined;
}

/** Why a unit carries no guarantee at all (domain.md §2 **Reading**); undefined when it may. */
export const unguaranteedUnit = (unit: UnitInput): Unguaranteed | undefined => unguaranteed(unit.buildModel, unit.managementModel);

export interface FunctionInput {
  readonly name: string;
  readonly family: FunctionFamily;
  /** Names of the units the function selects; only production units are measured (domain.md §1). */
  readonly units: readonly string[];
  readonly monthlyCharge: number;
  /** Measured on the "customer portal" row of domain.md §5. */
  readonly customerPortal?: boolean | undefined;
}

export interface IncidentInput extends InterruptionRecord {
  readonly unitNames: readonly string[];
  /** The ChangeRequest the provider names as the declined patch campaign that caused it (patching.ts); resolved by evaluateTenant into `declinedPatch`. */
  readonly declinedPatchRef?: string | undefined;
  /** The provider's recorded work time, in minutes (spec.workMinutes, issue 13): what effort.ts bills; not an SLA figure. */
  readonly workMinutes?: number | undefined;
  /** The SLA fields changed after the incident was resolved (its trace, issue 12): listed in the report's `amended`. */
  readonly amendedAfterClosure?: readonly string[];
  /** How it was detected (domain.md §9): counted in the monthly pack's volumes (pack.ts); absent: Client, the schema's default. */
  readonly detection?: Detection | undefined;
}

export interface ChangeInput extends ChangeFacts, Omit<PatchCampaignFacts, 'name'> {
  readonly unitNames: readonly string[];
  /** The SLA fields changed after the change was completed (its trace, issue 12). */
  readonly amendedAfterClosure?: readonly string[];
}

/** A record of the month whose SLA fields changed after it was resolved or completed (issue 12: records are traced). */
export interface AmendedRecord {
  readonly kind: 'Incident' | 'ChangeRequest';
  readonly name: string;
  readonly fields: readonly string[];
}

export interface MaintenanceWindowInput {
  readonly name: string;
  readonly schedule: MaintenanceSchedule;
  /** Units the window's selector covers. */
  readonly unitNames: readonly string[];
  readonly excludeFromAvailability: boolean;
}

/** Everything the contract reads about one tenant (a namespace); the contract is absent until applied. */
export interface TenantInput {
  readonly calendar: BusinessCalendar;
  readonly contract?: ContractInput | undefined;
  readonly units: readonly UnitInput[];
  readonly functions: readonly FunctionInput[];
  readonly incidents: readonly IncidentInput[];
  readonly changes: readonly ChangeInput[];
  readonly maintenanceWindows: readonly MaintenanceWindowInput[];
  /** The tenant's Problems (seed §5.4, problems.ts); absent: none. */
  readonly problems?: readonly ProblemInput[] | undefined;
}

/** A tenant with its contract: what a monthly report is computed from. */
export interface ReportInput extends TenantInput {
  readonly contract: ContractInput;
}

/**
 * What the report reads from the tenant's evaluation at its instant (evaluateTenant): the same
 * memoised results the statuses are projected from.
 */
export interface TenantResults {
  readonly now: Date;
  /** The contract's terms in force during the month of `instant` (termsInMonth, terms.ts). */
  termsAt(instant: Date): MonthTerms;
  /** The token ledger of `month` (domain.md §10): the month's pack and price, the changes completed in it (known at `now`). */
  ledger(month: string): TokenLedger;
  /** The incidents as known at `now`: a resolution recorded later than `now` is not known yet (the incident is open). */
  readonly incidents: readonly IncidentInput[];
  /** The units by name. */
  readonly units: ReadonlyMap<string, UnitInput>;
  /** GTR of an incident at `now` (domain.md §6); undefined for an unknown name. */
  restoration(name: string): RestorationResult | undefined;
  /** When 75 % of an incident's guaranteed restoration time is spent (risk.ts); undefined without a target or for an unknown name. */
  restorationAtRisk(name: string): Date | undefined;
  /** GTC of a change at `now` (domain.md §7, §10), its accelerated rank applied; undefined for an unknown name. */
  change(name: string): ChangeResult | undefined;
  /** The releases of `month` per support level against their quota (seed Table 1, releases.ts). */
  releases(month: string): readonly ReleaseMonthRow[];
  /** Availability of a unit over `period` as counted in a function of `family` (domain.md §5). */
  unitAvailability(name: string, family: FunctionFamily, period: Interval): UnitAvailability | undefined;
}

// ---------------------------------------------------------------------------------------------
// Output: design.md §3, exactly

export interface ReportCondition {
  readonly type: 'GTDMet' | 'GTRMet' | 'GTCMet' | 'Final';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface FunctionReport {
  readonly name: string;
  readonly family: FunctionFamily;
  readonly supportLevel: SupportLevel;
  readonly units: number;
  readonly availabilityPercent: number;
  readonly guaranteePercent: number;
  readonly gapPoints: number;
  readonly creditPercent: number;
  readonly creditAmount: number;
  readonly interruptionSeconds: number;
  readonly excludedSeconds: number;
}

export interface IncidentReport {
  readonly name: string;
  readonly priority: Priority;
  readonly supportLevel: SupportLevel;
  /** Absent without SLA. */
  readonly deadline?: string;
  readonly coveredSeconds: number;
  readonly late: boolean;
  readonly applicable: boolean;
  readonly reason: string;
}

export interface ChangeReport {
  readonly name: string;
  readonly category: ChangeCategory;
  readonly accelerated: boolean;
  readonly supportLevel: SupportLevel;
  /** Absent without SLA. */
  readonly deadline?: string;
  readonly coveredSeconds: number;
  readonly late: boolean;
  readonly applicable: boolean;
  /** Why GTC does not apply (`Applicable` when it does), as incidents say for GTR. */
  readonly reason: string;
  /** Tokens charged (×2 outside business hours, ×2 accelerated: domain.md §10). */
  readonly tokensCharged: number;
  /** Its price at the token price of the month it is charged in (domain.md §7, §10). */
  readonly price: number;
}

/** The month's token ledger (domain.md §10): the pack, the tokens used, those beyond the pack and their price. */
export interface TokensReport {
  readonly pack: number;
  readonly used: number;
  readonly extra: number;
  readonly extraAmount: number;
}

export interface MonthlyReport {
  readonly period: { readonly month: string; readonly start: string; readonly end: string; readonly timeZone: string };
  readonly final: boolean;
  readonly currency: string;
  readonly functions: readonly FunctionReport[];
  readonly gtr: {
    readonly resolved: number;
    readonly late: number;
    readonly deviationPercent: number;
    readonly creditPercent: number;
    readonly creditAmount: number;
    readonly incidents: readonly IncidentReport[];
  };
  readonly gtc: { readonly completed: number; readonly late: number; readonly creditAmount: number; readonly changes: readonly ChangeReport[] };
  readonly tokens: TokensReport;
  readonly credits: { readonly uncapped: number; readonly capPercent: number; readonly cap: number; readonly total: number };
  readonly claimDeadline: string;
  readonly conditions: readonly ReportCondition[];
  /** The month's incidents and changes amended after their resolution or completion; absent when none is. */
  readonly amended?: readonly AmendedRecord[];
  /** The month's Problems (seed §5.4): open during the month or closed in it, as at its end; absent when none is. */
  readonly problems?: readonly ProblemRow[];
  /** The month's releases per support level against the quota (seed Table 1); absent when the month has none. */
  readonly releases?: readonly ReleaseMonthRow[];
  /** The month's non-production timers, kept without penalties (domain.md §8); absent when the month has none. */
  readonly nonProduction?: NonProductionReport;
  /** The credit forecast (forecast.ts), only while the month is running: absent once it has ended, hence in every final report. */
  readonly forecast?: ForecastReport;
  /** The monthly pack (pack.ts, issue 16 item 2): the committee's view of the month, from the same figures; sealed with the rest. Always computed; absent from a report read back from a status sealed before it existed (REPORT_RULES 3). */
  readonly pack?: MonthlyPack;
}

/** One reading of a function's month's end (forecast.ts), rounded as the report's figures. */
export interface ForecastFiguresReport {
  readonly availabilityPercent: number;
  readonly gapPoints: number;
  readonly creditPercent: number;
  /** What the function's GTD owes in this case, before the one-credit-per-incident rule. */
  readonly creditAmount: number;
}

/** The credit forecast of the current month (forecast.ts, design.md §3 "Forecast"). */
export interface ForecastReport {
  /** The instant it was computed at (the report's). */
  readonly at: string;
  readonly monthSeconds: number;
  readonly elapsedSeconds: number;
  readonly functions: readonly {
    readonly name: string;
    readonly guaranteePercent: number;
    /** Nothing else happens: the downtime so far, the open incidents resolved now. */
    readonly nothingElse: ForecastFiguresReport;
    /** At the month's burn rate so far. */
    readonly burnRate: ForecastFiguresReport;
  }[];
  /** The deviation if the open incidents GTR applies to are resolved at their at-risk projection. */
  readonly gtr: {
    readonly resolved: number;
    readonly late: number;
    readonly deviationPercent: number;
    readonly creditPercent: number;
    readonly creditAmount: number;
    readonly open: readonly { readonly name: string; readonly resolveAt: string; readonly deadline?: string; readonly late: boolean }[];
  };
  /** GTC credits of the changes late so far (changes are not projected). */
  readonly gtcCreditAmount: number;
  /** The contract's credits in each case, after the one-credit-per-incident rule and the cap. */
  readonly credits: {
    readonly nothingElse: { readonly uncapped: number; readonly cap: number; readonly total: number };
    readonly burnRate: { readonly uncapped: number; readonly cap: number; readonly total: number };
  };
}

/** One Problem of the month (problems.ts problemsOfMonth), its instants in RFC 3339. */
export interface ProblemRow {
  readonly name: string;
  readonly summary: string;
  readonly state: 'Open' | 'Closed';
  readonly openedAt: string;
  readonly closedAt?: string;
  readonly incidents: readonly string[];
  readonly change?: string;
}

/**
 * domain.md §8 (seed §8.4.3): the restoration and change times hold in non-production too, without
 * penalties. The month's timed non-production incidents and changes (rows of gtr.incidents and
 * gtc.changes with reason NonProduction), counted apart: never in the deviation, the credits or the cap.
 */
export interface NonProductionReport {
  readonly incidents: { readonly timed: number; readonly resolved: number; readonly late: number; readonly lateIncidents: readonly string[] };
  readonly changes: { readonly timed: number; readonly completed: number; readonly late: number; readonly lateChanges: readonly string[] };
}

// ---------------------------------------------------------------------------------------------
// Constants of the report

/**
 * A month's report becomes final (immutable) this long after the month's end, or after its own
 * creation when that is later (reportFinalAt, design.md §3): time for records of the month's last
 * hours (an incident resolved or corrected just after midnight), or of the GitOps sync that
 * created the report, to be applied before it freezes; well inside the 30-day claim period of
 * domain.md §8 for a report created with its month.
 */
export const REPORT_FINAL_GRACE_HOURS = 24;

/**
 * The version of the rules a month's report is computed under (design.md §3 "Seals"): raised by
 * every change of this operator that makes the same records give another report. A final report
 * records it (`status.rules`, sealed with the rest); `verify` recomputes a month sealed under
 * other rules all the same, but its differences are the rules', not the records': they are
 * notes, its seal and chain are still checked.
 *   1  the first sealed reports (issue 12); a report without `status.rules` is of these
 *   2  the catalogue applied (issue 15): NoBuild and SelfCare carry no guarantee, level 3 of an
 *      application is the client's by default, the non-production section
 *   3  the monthly pack (issue 16, `status.pack`): a report sealed before it has none; its seal is
 *      unchanged (a final status is never written again) and `verify` notes the pack as a rules
 *      difference, not a finding
 *   4  the monthly statement (issue 13 item 4, `status.statement`): a report sealed before it has
 *      none and keeps its seal; `verify` notes the statement as a rules difference, and the next
 *      month's statement counts its carried credits 0 (StatementComplete=False)
 */
export const REPORT_RULES = 4;
/** The rules of a stored report that names none: it was sealed before reports named theirs. */
export const REPORT_RULES_UNNAMED = 1;

/** The support level of an environment the contract does not list: the lowest, which promises least. */
export const DEFAULT_SUPPORT_LEVEL: SupportLevel = 'Initial';

const MS_PER_HOUR = 3_600_000;

/** RFC 3339, UTC, whole seconds (conditions and reports are truncated to the second). */
export function rfc3339(instant: Date): string {
  return new Date(Math.floor(instant.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const roundSeconds = (s: number): number => Math.round(s * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// The computation

/** What the four parts of the computation share: the month, the instant, the tenant's results. */
interface Scope {
  readonly input: ReportInput;
  readonly results: TenantResults;
  readonly month: string;
  readonly now: Date;
  readonly period: Interval;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly nowMs: number;
  /** The end of what is known: the month's end, or now within the month. */
  readonly horizon: number;
  /** The report object's creation, if there is one (reportFinalAt). */
  readonly createdAt?: Date | undefined;
  /** The terms in force during the month (domain.md §3). */
  readonly terms: MonthTerms;
  /** The instant finality is decided at (reportFinalAt): the clock's, which may be later than the results' instant (reportInstant). */
  readonly decidedMs: number;
}

/** Counted on the units the tenant has: a record naming none of them is not in the report (the cluster's Complete condition names it). */
const onKnownUnits = (results: TenantResults) => (record: { readonly unitNames: readonly string[] }): boolean => record.unitNames.some((n) => results.units.has(n));

/**
 * The report of `month`, projected from the tenant's results at their instant; `createdAt`, the
 * report object's creation, delays its finality (reportFinalAt), decided at `decidedAt` (default:
 * the results' instant; later when the results are those of the month's close, reportInstant).
 * Use computeMonthlyReport or TenantEvaluation.report (tenant.ts), which build the results.
 */
export function reportOf(input: ReportInput, results: TenantResults, month: string, createdAt?: Date, decidedAt?: Date): MonthlyReport {
  const period = monthPeriod(month, input.calendar.timeZone);
  const nowMs = results.now.getTime();
  const scope: Scope = {
    input, results, month, period, nowMs, createdAt,
    decidedMs: Math.max(nowMs, decidedAt?.getTime() ?? nowMs),
    now: results.now,
    periodStart: period.start.getTime(),
    periodEnd: period.end.getTime(),
    horizon: Math.min(period.end.getTime(), nowMs),
    terms: results.termsAt(period.start),
  };
  const gtd = gtdPart(scope);
  const gtr = gtrPart(scope);
  const gtc = gtcPart(scope);
  return assemble(scope, gtd, gtr, gtc, creditsPart(scope, gtd, gtr, gtc), forecastPart(scope, gtd, gtr, gtc));
}

// --- GTD --------------------------------------------------------------------------------------

/** One function over one month: its availability, the production units measured, its GTD credit before the one-credit-per-incident rule. */
export interface FunctionResult {
  readonly fn: FunctionInput;
  readonly availability: FunctionAvailability;
  /** The availability of each production unit of the function, in the order of `fn.units`. */
  readonly units: readonly UnitAvailability[];
  readonly creditAmount: number;
}

/** domain.md §5: a function's availability over its production units, and its credit, for one month. */
export function functionResult(fn: FunctionInput, results: TenantResults, period: Interval): FunctionResult {
  const unitResults: UnitAvailability[] = [];
  for (const unitName of fn.units) {
    // A managed function groups managed production units (domain.md §1, §2): not NoBuild, not SelfCare.
    const unit = results.units.get(unitName);
    if (unit?.environment !== 'Production' || unguaranteedUnit(unit) !== undefined) continue;
    const availability = results.unitAvailability(unitName, fn.family, period);
    if (availability !== undefined) unitResults.push(availability);
  }
  const guarantee = gtdGuaranteePercent(fn.family, productionLevel(results.termsAt(period.start)), fn.customerPortal ?? false);
  const availability = functionAvailability(unitResults, guarantee);
  return { fn, availability, units: unitResults, creditAmount: percentOf(fn.monthlyCharge, availability.creditPercent) };
}

/** The support level of Production in force during a month: the one whose GTD applies (domain.md §5). */
export const productionLevel = (terms: MonthTerms): SupportLevel => terms.supportLevels.Production ?? DEFAULT_SUPPORT_LEVEL;

/** domain.md §5: each function's availability over its production units, and its credit. */
function gtdPart(scope: Scope): FunctionResult[] {
  return [...scope.input.functions].sort(byName).map((fn) => functionResult(fn, scope.results, scope.period));
}

// --- GTR --------------------------------------------------------------------------------------

interface GtrResult {
  readonly restorations: readonly RestorationResult[];
  readonly counted: readonly RestorationResult[];
  readonly late: readonly RestorationResult[];
  readonly deviationPercent: number;
  readonly creditPercent: number;
  readonly creditAmount: number;
}

/** domain.md §6: the month's incidents timed against their restoration guarantee, the deviation and its credit. */
function gtrPart(scope: Scope): GtrResult {
  const { input, results, periodStart, periodEnd, horizon } = scope;
  // The month's incidents: those resolved in it (they make the deviation), and those opened before
  // its end (or now) and still unresolved, listed so that a running clock is visible.
  const restorations = results.incidents
    .filter(onKnownUnits(results))
    .filter((i) => {
      const resolved = i.resolvedAt?.getTime();
      if (resolved !== undefined) return resolved >= periodStart && resolved < periodEnd;
      return i.openedAt.getTime() < horizon;
    })
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || byName(a, b))
    .flatMap((incident) => results.restoration(incident.name) ?? []);
  const counted = restorations.filter((r) => r.applicable && r.resolved);
  const late = counted.filter((r) => r.late);
  const deviationPercent = gtrDeviationPercent(counted.length, late.length);
  const creditPercent = gtrCreditPercent(deviationPercent);
  const productionCharge = productionChargeOf(input);
  return { restorations, counted, late, deviationPercent, creditPercent, creditAmount: percentOf(productionCharge, creditPercent) };
}

// --- GTC --------------------------------------------------------------------------------------

interface GtcResult { readonly changes: readonly ChangeResult[]; readonly completed: readonly ChangeResult[]; readonly late: readonly ChangeResult[]; readonly creditAmount: number }

/** domain.md §7, §10: the month's changes timed against their completion guarantee, and their credits. */
function gtcPart(scope: Scope): GtcResult {
  const { input, results, periodStart, periodEnd, nowMs, horizon } = scope;
  const changes = input.changes
    .filter(onKnownUnits(results))
    .filter((c) => {
      const measured = measuredAtOf(c)?.getTime();
      if (measured !== undefined && measured <= nowMs) return measured >= periodStart && measured < periodEnd;
      return c.requestedAt.getTime() < horizon;
    })
    .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || byName(a, b))
    .flatMap((c) => results.change(c.name) ?? []);
  const completed = changes.filter((c) => c.applicable && c.measuredAt !== undefined);
  const late = completed.filter((c) => c.late);
  return { changes, completed, late, creditAmount: late.reduce((sum, c) => sum + c.creditAmount, 0) };
}

// --- Credits ----------------------------------------------------------------------------------

interface CreditsResult {
  readonly overlap: ReturnType<typeof oneCreditPerIncident>;
  /** Per function, in the order of the GTD part: what is granted after the one-credit-per-incident rule. */
  readonly grantedGtd: readonly number[];
  readonly grantedGtr: number;
  readonly credits: ReturnType<typeof capCredits>;
}

/** domain.md §8: one credit per incident, then the monthly cap. */
function creditsPart(scope: Scope, gtd: readonly FunctionResult[], gtr: GtrResult, gtc: GtcResult): CreditsResult {
  const overlap = oneCreditPerIncident(
    gtd.map((f) => ({ function: f.fn.name, amount: f.creditAmount, incidents: f.availability.countedIncidents })),
    { amount: gtr.creditAmount, lateIncidents: new Set(gtr.late.map((r) => r.name)) },
  );
  const waived = new Set(overlap.waivedFunctions);
  const grantedGtd = gtd.map((f) => (waived.has(f.fn.name) ? 0 : f.creditAmount));
  const grantedGtr = overlap.gtrWaived ? 0 : gtr.creditAmount;
  const uncapped = grantedGtd.reduce((s, a) => s + a, 0) + grantedGtr + gtc.creditAmount;
  return { overlap, grantedGtd, grantedGtr, credits: capCredits(uncapped, recurringChargeOf(scope.input, scope.terms)) };
}

/** domain.md §6: the base of the GTR credit, the monthly charge of all production units (default: the functions'). */
export const productionChargeOf = (input: ReportInput): number => input.contract.productionMonthlyCharge ?? input.functions.reduce((sum, f) => sum + f.monthlyCharge, 0);

/** domain.md §8: the base of the cap, the month's recurring charge (default: the functions'). */
export const recurringChargeOf = (input: ReportInput, terms: MonthTerms): number => terms.monthlyRecurringCharge ?? input.functions.reduce((sum, f) => sum + f.monthlyCharge, 0);

// --- Forecast ---------------------------------------------------------------------------------

/** forecast.ts: the month's end as seen from now, from the same parts; undefined outside the month. */
function forecastPart(scope: Scope, gtd: readonly FunctionResult[], gtr: GtrResult, gtc: GtcResult): CreditForecast | undefined {
  const { results, period } = scope;
  return creditForecast({
    period,
    now: scope.now,
    functions: gtd.map((f) => ({
      name: f.fn.name,
      guaranteePercent: f.availability.guaranteePercent,
      monthlyCharge: f.fn.monthlyCharge,
      units: f.units.flatMap((u) => {
        const subscription = results.units.get(u.unit)?.subscription;
        const subscribed = subscription === undefined ? undefined : clipOne({ start: subscription.start, end: subscription.end ?? period.end }, period);
        return subscribed === undefined ? [] : [{ subscribed, countedSeconds: u.interruptionSeconds - u.excludedSeconds }];
      }),
      countedIncidents: f.availability.countedIncidents,
    })),
    // GTR's incidents: resolved in the month, and open (those with a deadline: applicable ones have one).
    incidents: gtr.restorations.filter((r) => r.applicable).map((r) => ({
      name: r.name, resolved: r.resolved, late: r.late, deadline: r.deadline, atRiskAt: results.restorationAtRisk(r.name),
    })),
    productionCharge: productionChargeOf(scope.input),
    recurringCharge: recurringChargeOf(scope.input, scope.terms),
    gtcCreditAmount: gtc.creditAmount,
  });
}

// --- Assembly (rounding happens here only) ------------------------------------------------------

/**
 * When the report of the month ending at `periodEnd` becomes final (design.md §3): the grace
 * period after the later of the month's end and the report's creation. A report created after its
 * month closed (a tenant set up then, in UTC+14 hours before Paris; a report re-created by GitOps)
 * is provisional for the grace period too, so the records the same sync applies a moment later
 * are counted before it freezes (issue 20: "a report that was final at birth and empty").
 * `createdAt` absent (`report --offline`, which has no report object): the month's end.
 */
export function reportFinalAt(periodEnd: Date, createdAt?: Date): Date {
  const from = createdAt !== undefined && createdAt.getTime() > periodEnd.getTime() ? createdAt : periodEnd;
  return new Date(from.getTime() + REPORT_FINAL_GRACE_HOURS * MS_PER_HOUR);
}

/**
 * The instant a month is closed (design.md §3 "One instant per month"): its end plus the grace
 * period. The final content of a month is its records judged at this instant, whatever time the
 * report is created, reconciled, recomputed offline or verified: a record resolved or completed
 * later is judged as it was known then (open), so re-creating a tenant from git or recomputing in
 * a dispute gives the same report, hence the same seal.
 */
export function reportClosedAt(periodEnd: Date): Date {
  return new Date(periodEnd.getTime() + REPORT_FINAL_GRACE_HOURS * MS_PER_HOUR);
}

/** The instant `period`'s report is computed at as of `now`: now, or the month's close (reportClosedAt) when now is later. */
export function reportInstant(period: Interval, now: Date): Date {
  const closed = reportClosedAt(period.end);
  return now.getTime() > closed.getTime() ? closed : now;
}

function assemble(scope: Scope, gtd: readonly FunctionResult[], gtr: GtrResult, gtc: GtcResult, c: CreditsResult, forecast: CreditForecast | undefined): MonthlyReport {
  const { input, month, period, decidedMs } = scope;
  const timeZone = input.calendar.timeZone;
  const level = productionLevel(scope.terms);
  const ledger = scope.results.ledger(month);
  const finalAt = reportFinalAt(period.end, scope.createdAt);
  const final = decidedMs >= finalAt.getTime();
  const functions: FunctionReport[] = gtd.map((f, i) => ({
    name: f.fn.name,
    family: f.fn.family,
    supportLevel: level,
    units: f.availability.units,
    availabilityPercent: roundPercent(f.availability.availabilityPercent),
    guaranteePercent: f.availability.guaranteePercent,
    gapPoints: roundPercent(f.availability.gapPoints),
    creditPercent: f.availability.creditPercent,
    creditAmount: roundAmount(c.grantedGtd[i] ?? 0),
    interruptionSeconds: roundSeconds(f.availability.interruptionSeconds),
    excludedSeconds: roundSeconds(f.availability.excludedSeconds),
  }));

  const conditions: ReportCondition[] = [
    gtdCondition(gtd.map((f) => ({ name: f.fn.name, measured: f.availability.availabilityPercent, guarantee: f.availability.guaranteePercent, gap: f.availability.gapPoints })), c.overlap),
    gtrCondition(gtr.counted.length, gtr.late.length, gtr.deviationPercent, c.overlap.gtrWaived ? c.overlap.sharedIncidents : []),
    gtcCondition(gtc.completed.length, gtc.late.map((x) => x.name)),
    final
      ? { type: 'Final', status: 'True', reason: 'MonthClosed', message: `the month ended ${rfc3339(period.end)}; the report is final` }
      : { type: 'Final', status: 'False', reason: 'MonthOpen', message: `the report becomes final at ${rfc3339(finalAt)}` },
  ];

  const report: Omit<MonthlyReport, 'pack'> = {
    period: { month, start: rfc3339(period.start), end: rfc3339(period.end), timeZone },
    final,
    currency: input.contract.currency,
    functions,
    gtr: {
      resolved: gtr.counted.length,
      late: gtr.late.length,
      deviationPercent: roundPercent(gtr.deviationPercent),
      creditPercent: gtr.creditPercent,
      creditAmount: roundAmount(c.grantedGtr),
      incidents: gtr.restorations.map((r) => ({
        name: r.name,
        priority: r.priority,
        supportLevel: r.supportLevel,
        ...(r.deadline === undefined ? {} : { deadline: rfc3339(r.deadline) }),
        coveredSeconds: roundSeconds(r.coveredSeconds),
        late: r.late,
        applicable: r.applicable,
        reason: r.reason,
      })),
    },
    gtc: {
      completed: gtc.completed.length,
      late: gtc.late.length,
      creditAmount: roundAmount(gtc.creditAmount),
      changes: gtc.changes.map((x) => ({
        name: x.name,
        category: x.category,
        accelerated: x.accelerated,
        supportLevel: x.supportLevel,
        ...(x.deadline === undefined ? {} : { deadline: rfc3339(x.deadline) }),
        coveredSeconds: roundSeconds(x.coveredSeconds),
        late: x.late,
        applicable: x.applicable,
        reason: x.reason,
        tokensCharged: x.tokensCharged,
        price: roundAmount(x.price),
      })),
    },
    tokens: { pack: ledger.packTokens, used: ledger.consumedTokens, extra: ledger.overageTokens, extraAmount: roundAmount(ledger.overageAmount) },
    credits: { uncapped: roundAmount(c.credits.uncapped), capPercent: c.credits.capPercent, cap: roundAmount(c.credits.cap), total: roundAmount(c.credits.total) },
    claimDeadline: rfc3339(claimDeadline(period.end, timeZone)),
    conditions,
    ...amendedOf(input, gtr.restorations.map((r) => r.name), gtc.changes.map((x) => x.name)),
    ...problemsOf(input, period, scope.now),
    ...releasesOf(scope.results.releases(month)),
    ...nonProductionOf(gtr.restorations, gtc.changes),
    ...(forecast === undefined ? {} : { forecast: forecastReport(forecast) }),
  };
  return { ...report, pack: monthlyPack(input, report, scope.now) };
}

const roundFigures = (f: ForecastFigures): ForecastFiguresReport => ({
  availabilityPercent: roundPercent(f.availabilityPercent), gapPoints: roundPercent(f.gapPoints), creditPercent: f.creditPercent, creditAmount: roundAmount(f.creditAmount),
});
const roundTotals = (t: CreditTotals): { uncapped: number; cap: number; total: number } => ({ uncapped: roundAmount(t.uncapped), cap: roundAmount(t.cap), total: roundAmount(t.total) });

/** The forecast as the report shows it: instants in RFC 3339, amounts and percentages rounded. */
function forecastReport(f: CreditForecast): ForecastReport {
  return {
    at: rfc3339(f.at),
    monthSeconds: roundSeconds(f.monthSeconds),
    elapsedSeconds: roundSeconds(f.elapsedSeconds),
    functions: f.functions.map((fn) => ({ name: fn.name, guaranteePercent: fn.guaranteePercent, nothingElse: roundFigures(fn.cases.NothingElse), burnRate: roundFigures(fn.cases.BurnRate) })),
    gtr: {
      resolved: f.gtr.resolved,
      late: f.gtr.late,
      deviationPercent: roundPercent(f.gtr.deviationPercent),
      creditPercent: f.gtr.creditPercent,
      creditAmount: roundAmount(f.gtr.creditAmount),
      open: f.gtr.open.map((o) => ({ name: o.name, resolveAt: rfc3339(o.resolveAt), ...(o.deadline === undefined ? {} : { deadline: rfc3339(o.deadline) }), late: o.late })),
    },
    gtcCreditAmount: roundAmount(f.gtcCreditAmount),
    credits: { nothingElse: roundTotals(f.credits.NothingElse), burnRate: roundTotals(f.credits.BurnRate) },
  };
}

/** The month's timed records without penalties (timed, not applicable: non-production), apart from the guarantees. */
/** seed Table 1: the rows only when the month has a release (a month without keeps its report as it was). */
function releasesOf(rows: readonly ReleaseMonthRow[]): { releases?: readonly ReleaseMonthRow[] } {
  return rows.some((r) => r.count > 0) ? { releases: rows.map((r) => ({ ...r })) } : {};
}

function nonProductionOf(restorations: readonly RestorationResult[], changes: readonly ChangeResult[]): { nonProduction?: NonProductionReport } {
  const incidents = restorations.filter((r) => r.timed && !r.applicable);
  const timedChanges = changes.filter((c) => c.timed && !c.applicable);
  if (incidents.length === 0 && timedChanges.length === 0) return {};
  const lateIncidents = incidents.filter((r) => r.late).map((r) => r.name);
  const lateChanges = timedChanges.filter((c) => c.late).map((c) => c.name);
  return {
    nonProduction: {
      incidents: { timed: incidents.length, resolved: incidents.filter((r) => r.resolved).length, late: lateIncidents.length, lateIncidents },
      changes: { timed: timedChanges.length, completed: timedChanges.filter((c) => c.measuredAt !== undefined).length, late: lateChanges.length, lateChanges },
    },
  };
}

/** The month's Problems (seed §5.4); absent when none. */
function problemsOf(input: ReportInput, period: Interval, now: Date): { problems?: ProblemRow[] } {
  const rows = problemsOfMonth(input.problems ?? [], period, now).map((p): ProblemRow => ({
    name: p.name, summary: p.summary, state: p.state, openedAt: rfc3339(p.openedAt),
    ...(p.closedAt !== undefined ? { closedAt: rfc3339(p.closedAt) } : {}),
    incidents: p.incidents, ...(p.change !== undefined ? { change: p.change } : {}),
  }));
  return rows.length > 0 ? { problems: rows } : {};
}

/** The records of the month's GTR and GTC lists amended after closure, by kind then name. */
function amendedOf(input: ReportInput, incidents: readonly string[], changes: readonly string[]): { amended?: AmendedRecord[] } {
  const pick = (kind: AmendedRecord['kind'], names: readonly string[], records: readonly { name: string; amendedAfterClosure?: readonly string[] }[]): AmendedRecord[] => {
    const listed = new Set(names);
    return records.filter((r) => listed.has(r.name) && (r.amendedAfterClosure?.length ?? 0) > 0)
      .map((r) => ({ kind, name: r.name, fields: [...(r.amendedAfterClosure ?? [])] }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const amended = [...pick('Incident', incidents, input.incidents), ...pick('ChangeRequest', changes, input.changes)];
  return amended.length > 0 ? { amended } : {};
}

// ---------------------------------------------------------------------------------------------
// Conditions: one small function each

function gtdCondition(
  functions: readonly { name: string; measured: number; guarantee: number; gap: number }[],
  overlap: { readonly waivedFunctions: readonly string[]; readonly sharedIncidents: readonly string[] },
): ReportCondition {
  const missed = functions.filter((f) => f.gap > 0);
  const waived = overlap.waivedFunctions.length > 0
    ? `; GTD credit of ${overlap.waivedFunctions.join(', ')} waived: incident(s) ${overlap.sharedIncidents.join(', ')} credited under GTR, the higher (domain.md §8)`
    : '';
  if (missed.length === 0) {
    return { type: 'GTDMet', status: 'True', reason: 'GuaranteesMet', message: `${functions.length} managed function(s) at or above their guarantee` };
  }
  const list = missed.map((f) => `${f.name} ${roundPercent(f.measured).toFixed(4)} % < ${f.guarantee} %`).join(', ');
  return { type: 'GTDMet', status: 'False', reason: 'GuaranteeMissed', message: `${list}${waived}` };
}

function gtrCondition(resolved: number, late: number, deviation: number, waivedFor: readonly string[]): ReportCondition {
  const text = `${late} late of ${resolved} resolved, deviation ${roundPercent(deviation)} %`;
  if (deviation <= GTR_DEVIATION_THRESHOLD_PERCENT) {
    return { type: 'GTRMet', status: 'True', reason: 'WithinGuarantee', message: `${text} (at most ${GTR_DEVIATION_THRESHOLD_PERCENT} %)` };
  }
  const waived = waivedFor.length > 0 ? `; GTR credit waived: incident(s) ${waivedFor.join(', ')} credited under GTD, the higher (domain.md §8)` : '';
  return { type: 'GTRMet', status: 'False', reason: 'DeviationAboveThreshold', message: `${text} (above ${GTR_DEVIATION_THRESHOLD_PERCENT} %)${waived}` };
}

function gtcCondition(completed: number, late: readonly string[]): ReportCondition {
  if (late.length === 0) return { type: 'GTCMet', status: 'True', reason: 'AllChangesOnTime', message: `${completed} change(s) completed within their deadline` };
  return { type: 'GTCMet', status: 'False', reason: 'LateChanges', message: `${late.length} of ${completed} change(s) late: ${late.join(', ')}` };
}
