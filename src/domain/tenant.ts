// One evaluation per tenant (design.md §2, "One evaluation per tenant"): everything the contract
// says about one tenant (a namespace) at one instant, from one input. Every status (unit,
// function, incident, change, report), every domain metric and `report --offline` is a projection
// of it, so they agree by construction: a unit's availability is the number its functions average
// and its report counts, an incident's deadline is the one its report row shows.
//
// Lazy and memoised: a result is computed the first time something asks for it, once per
// evaluation; an incident reconcile pays for its incident, a report for its month's records, and
// a second reader pays nothing. An evaluation is immutable: a new instant or a new input is a new
// evaluation (the controllers keep one per namespace until an object of it changes, or for
// EVALUATION_MAX_AGE_MS, src/controllers/shared/evaluation.ts).
import { DateTime } from 'luxon';
import { monthOf, monthPeriod } from './calendar.ts';
import { unitAvailability, type InterruptionRecord, type UnitAvailability } from './availability.ts';
import { changeEnvironment, evaluateChange, measuredAtOf, type ChangeResult, type ChangeUnit } from './change.ts';
import { forecastInstant } from './forecast.ts';
import { REVERSIBILITY_MONTHS } from './guarantees.ts';
import type { Interval } from './interval.ts';
import { prerequisitesValidated } from './levels.ts';
import { activeAgreedOccurrence, activeOccurrence, agreedOccurrencesBetween, nextEdge } from './maintenance.ts';
import {
  DEFAULT_SUPPORT_LEVEL, functionResult, productionLevel, reportInstant, reportOf, unguaranteedUnit,
  type ChangeInput, type FunctionInput, type FunctionResult, type IncidentInput, type MaintenanceWindowInput, type MonthlyReport, type ReportInput,
  type TenantInput, type TenantResults, type UnitInput,
} from './report.ts';
import { evaluateRestoration, type RestorationContext, type RestorationResult, type RestorationUnit } from './restoration.ts';
import { resolveDeclinedPatch, type DeclinedPatchResolution } from './patching.ts';
import { restorationAtRiskInstant } from './risk.ts';
import { termsInMonth, type MonthTerms } from './terms.ts';
import { releaseDecisions, releasesOfMonth, type ReleaseDecision, type ReleaseMonthRow } from './releases.ts';
import { acceleratedDecisions, tokenLedger, tokensCharged, type AcceleratedDecision, type TokenLedger } from './tokens.ts';
import type { Environment, FunctionFamily, SupportLevel } from './vocabulary.ts';

export interface UnitEvaluation {
  readonly input: UnitInput;
  /** Month-to-date availability (the month of the evaluation's instant), counted in the unit's own family (domain.md §5). */
  readonly availability: UnitAvailability;
  /** The maintenance windows that exclude the unit from availability and are active at the instant. */
  readonly activeExclusions: readonly string[];
  /** Every maintenance window whose selector covers the unit, by name. */
  readonly windows: readonly string[];
}

export interface WindowEvaluation {
  readonly input: MaintenanceWindowInput;
  /** The occurrence in progress at the instant, if any. */
  readonly active: Interval | undefined;
  /** The agreed occurrence in progress (domain.md §11: approved, or none needed); only it excludes. */
  readonly agreed: Interval | undefined;
  /** The next start or end of an occurrence after the instant (design.md §2: a requeue instant). */
  readonly nextEdge: Date | undefined;
}

export interface FunctionEvaluation extends FunctionResult {
  /** The support level of Production in force this month (domain.md §3), whose guarantee applies. */
  readonly supportLevel: SupportLevel;
}

export interface IncidentEvaluation {
  /** GTR at the instant (domain.md §6): deadline, covered time, late, applicable. */
  readonly result: RestorationResult;
  /** When 75 % of the guaranteed time is spent (design.md §4); undefined without a target. */
  readonly atRiskAt: Date | undefined;
}

export interface ChangeEvaluation {
  /** The rank of an accelerated change in its year (domain.md §10); undefined when not accelerated. */
  readonly decision: AcceleratedDecision | undefined;
  /** The rank of a release in its month and level (seed Table 1, releases.ts); undefined when not a release. */
  readonly release: ReleaseDecision | undefined;
  /** GTC at the instant (domain.md §7), timed as a normal change when its acceleration is refused; undefined without a contract. */
  readonly result: ChangeResult | undefined;
}

export interface TenantEvaluation {
  /** The instant everything is evaluated at. */
  readonly at: Date;
  /** The calendar month of `at` in the tenant's time zone, and its interval. */
  readonly month: string;
  readonly period: Interval;
  readonly input: TenantInput;
  unit(name: string): UnitEvaluation | undefined;
  /** undefined without a contract (the support level, hence the guarantee, is unknown) or for an unknown name. */
  fn(name: string): FunctionEvaluation | undefined;
  /** undefined without a contract or for an unknown name. */
  incident(name: string): IncidentEvaluation | undefined;
  /** undefined for an unknown name. */
  change(name: string): ChangeEvaluation | undefined;
  /** undefined for an unknown name. */
  window(name: string): WindowEvaluation | undefined;
  /** What an incident's spec.declinedPatchRef names (patching.ts); undefined for an unknown name or without a reference. */
  declinedPatch(incident: string): DeclinedPatchResolution | undefined;
  /** The contract's terms in force during `month` (domain.md §3); undefined without a contract. */
  terms(month: string): MonthTerms | undefined;
  /** The token ledger of `month` (domain.md §10); undefined without a contract. */
  ledger(month: string): TokenLedger | undefined;
  /** The releases of `month` per support level against their quota (seed Table 1); empty without a contract. */
  releases(month: string): readonly ReleaseMonthRow[];
  /**
   * GTD of each managed function over `month` (domain.md §5), by name: what the month's report
   * counts, before the one-credit-per-incident rule (an SLA claim recounts it, claims.ts).
   * Empty without a contract.
   */
  monthFunctions(month: string): readonly FunctionResult[];
  /**
   * The report of `month` (design.md §3) at this evaluation's instant; `createdAt` is the report
   * object's (reportFinalAt), its finality decided at `decidedAt` (default: the instant; the clock's
   * when this is the evaluation of the month's close, reportInstant). undefined without a contract.
   */
  report(month: string, createdAt?: Date, decidedAt?: Date): MonthlyReport | undefined;
}

/** `compute` memoised by `key` of its arguments. */
function memo<A extends unknown[], V>(key: (...args: A) => string, compute: (...args: A) => V): (...args: A) => V {
  const known = new Map<string, { readonly value: V }>();
  return (...args) => {
    const k = key(...args);
    const hit = known.get(k);
    if (hit !== undefined) return hit.value;
    const value = compute(...args);
    known.set(k, { value });
    return value;
  };
}

const byName = (name: string): string => name;
const spanKey = (p: Interval): string => `${p.start.getTime()}/${p.end.getTime()}`;

function indexBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) out.set(key(item), item);
  return out;
}

/** An incident as known at `now`: a resolution recorded later is not known yet (it is open). */
const knownAt = (nowMs: number) => (i: IncidentInput): IncidentInput =>
  (i.resolvedAt !== undefined && i.resolvedAt.getTime() > nowMs ? { ...i, resolvedAt: undefined } : i);

/** The terms read without a contract: nothing is guaranteed (the statuses say the contract is missing). */
const NO_TERMS: MonthTerms = { month: '', supportLevels: {}, monthlyTokens: 0, payAsYouGoTokenPrice: 0, monthlyRecurringCharge: undefined, monthlyMinimum: undefined };

/** The family a unit counts in: its own, else the one named like its level. */
export const familyOf = (unit: UnitInput): FunctionFamily => unit.family ?? unit.level;

/** Everything the contract says about the tenant `input` at `now`. */
export function evaluateTenant(input: TenantInput, now: Date): TenantEvaluation {
  const { calendar, contract } = input;
  const nowMs = now.getTime();
  const month = monthOf(now, calendar.timeZone);
  const period = monthPeriod(month, calendar.timeZone);
  // domain.md §3: every month with the terms in force during it.
  const terms = memo((m: string) => m, (m): MonthTerms | undefined => (contract === undefined ? undefined : termsInMonth(contract, m, calendar.timeZone)));
  const termsAt = (instant: Date): MonthTerms | undefined => terms(monthOf(instant, calendar.timeZone));
  /** The support level of `environment` in force at `instant`. */
  const levelAt = (instant: Date) => (environment: Environment): SupportLevel => termsAt(instant)?.supportLevels[environment] ?? DEFAULT_SUPPORT_LEVEL;

  const units = indexBy(input.units, (u) => u.name);
  const changesByName = indexBy(input.changes, (c) => c.name);
  // seed §9.10: an incident naming a patch campaign the client declined is the client's; resolved
  // here, from this one input, so that whichever of the two GitOps applied first, every status
  // and the month's report read the same once both are there.
  const declinedPatches = new Map<string, DeclinedPatchResolution>();
  const resolved = (i: IncidentInput): IncidentInput => {
    if (i.declinedPatchRef === undefined) return i;
    const resolution = resolveDeclinedPatch(i.declinedPatchRef, changesByName.get(i.declinedPatchRef), i.openedAt, now);
    declinedPatches.set(i.name, resolution);
    return resolution.kind === 'Declined' ? { ...i, declinedPatch: resolution.change } : i;
  };
  const incidents = input.incidents.map(knownAt(nowMs)).map(resolved);
  const incidentsByName = indexBy(incidents, (i) => i.name);
  const functionsByName = indexBy(input.functions, (f) => f.name);
  const computerVision = new Set(input.functions.filter((f) => f.family === 'ComputerVision').flatMap((f) => f.units));

  // Only P1 incidents trace an interruption (domain.md §1): indexed by unit once.
  const p1ByUnit = new Map<string, InterruptionRecord[]>();
  for (const incident of incidents) {
    if (incident.priority !== 'P1') continue;
    for (const name of incident.unitNames) {
      const list = p1ByUnit.get(name);
      if (list === undefined) p1ByUnit.set(name, [incident]);
      else list.push(incident);
    }
  }
  const windowsByName = indexBy(input.maintenanceWindows, (w) => w.name);
  const windowsByUnit = new Map<string, MaintenanceWindowInput[]>();
  for (const window of input.maintenanceWindows) {
    for (const name of window.unitNames) {
      const list = windowsByUnit.get(name);
      if (list === undefined) windowsByUnit.set(name, [window]);
      else list.push(window);
    }
  }
  const excluding = (unitName: string): MaintenanceWindowInput[] => (windowsByUnit.get(unitName) ?? []).filter((w) => w.excludeFromAvailability);
  const occurrences = memo((w: MaintenanceWindowInput, p: Interval) => `${w.name}@${spanKey(p)}`, (w, p) => agreedOccurrencesBetween(w.schedule, p.start, p.end));
  const window = memo(byName, (name): WindowEvaluation | undefined => {
    const w = windowsByName.get(name);
    return w === undefined ? undefined : { input: w, active: activeOccurrence(w.schedule, now), agreed: activeAgreedOccurrence(w.schedule, now), nextEdge: nextEdge(w.schedule, now) };
  });

  const availabilityOf = memo(
    (name: string, family: FunctionFamily, p: Interval) => `${name}@${family}@${spanKey(p)}`,
    (name, family, p): UnitAvailability | undefined => {
      const unit = units.get(name);
      if (unit === undefined) return undefined;
      return unitAvailability(
        {
          unit: { name, subscription: unit.subscription, coManaged: unit.coManaged, prerequisitesValidated: prerequisitesValidated(unit.prerequisites), unguaranteed: unguaranteedUnit(unit) },
          family,
          incidents: p1ByUnit.get(name) ?? [],
          maintenance: excluding(name).flatMap((w) => occurrences(w, p)),
        },
        p,
        now,
      );
    },
  );

  // An incident is timed with the level in force when it was opened (the month its clock started in).
  const restorationBase: Omit<RestorationContext, 'supportLevelOf'> | undefined = contract === undefined ? undefined : {
    calendar,
    reversibility: contract.reversibilityStart === undefined
      ? undefined
      : { start: contract.reversibilityStart, end: DateTime.fromJSDate(contract.reversibilityStart, { zone: calendar.timeZone }).plus({ months: REVERSIBILITY_MONTHS }).toJSDate() },
  };
  const restorationUnit = (name: string): RestorationUnit[] => {
    const unit = units.get(name);
    if (unit === undefined) return [];
    return [{
      name,
      environment: unit.environment,
      coManaged: unit.coManaged,
      levelThreeOwner: unit.levelThreeOwner,
      prerequisitesValidated: prerequisitesValidated(unit.prerequisites),
      computerVision: computerVision.has(name),
      subscription: unit.subscription,
      unguaranteed: unguaranteedUnit(unit),
    }];
  };
  const changeUnit = (name: string): ChangeUnit[] => {
    const unit = units.get(name);
    return unit === undefined ? [] : [{ name, environment: unit.environment, prerequisitesValidated: prerequisitesValidated(unit.prerequisites), subscription: unit.subscription, unguaranteed: unguaranteedUnit(unit) }];
  };

  const incident = memo(byName, (name): IncidentEvaluation | undefined => {
    const record = incidentsByName.get(name);
    if (record === undefined || restorationBase === undefined) return undefined;
    const restorationContext: RestorationContext = { ...restorationBase, supportLevelOf: levelAt(record.openedAt) };
    const on = record.unitNames.flatMap(restorationUnit);
    return { result: evaluateRestoration(record, on, restorationContext, now), atRiskAt: restorationAtRiskInstant(record, on, restorationContext) };
  });

  // A 7th accelerated change of a year is refused (domain.md §10): it is timed and priced as a normal one.
  const decisions = acceleratedDecisions(input.changes, calendar.timeZone, contract?.acceleratedChangesPerYear);
  // seed Table 1: a release within its month's quota (its environment's level then) is included;
  // the one over it is billed as a change (seed §5.5). Without a contract no level is known: none is included.
  const releaseOf = releaseDecisions(
    contract === undefined ? [] : input.changes.map((c) => ({ name: c.name, release: c.release === true, requestedAt: c.requestedAt, supportLevel: levelAt(c.requestedAt)(changeEnvironment(c.unitNames.flatMap(changeUnit))) })),
    calendar.timeZone,
  );
  const included = (c: ChangeInput): boolean => releaseOf.get(c.name)?.withinQuota === true;
  const change = memo(byName, (name): ChangeEvaluation | undefined => {
    const record: ChangeInput | undefined = changesByName.get(name);
    if (record === undefined) return undefined;
    const decision = decisions.get(name);
    const release = releaseOf.get(name);
    if (contract === undefined) return { decision, release, result: undefined };
    // A completion or quote recorded after `now` is not known yet.
    const measured = measuredAtOf(record);
    const known = measured !== undefined && measured.getTime() > nowMs ? { ...record, completedAt: undefined, quotedAt: undefined } : record;
    // **Reading** (domain.md §3, §10): the guarantee is the one in force when the change was
    // requested (its clock starts then); its price is at the token price of the month it is
    // charged in (its completion, as the ledger counts it; the request's month until then).
    const priced = completionKnown(record) ?? record.requestedAt;
    const context = { calendar, supportLevelOf: levelAt(record.requestedAt), payAsYouGoTokenPrice: termsAt(priced)?.payAsYouGoTokenPrice ?? contract.payAsYouGoTokenPrice };
    return { decision, release, result: evaluateChange({ ...known, accelerated: record.accelerated && decision?.accepted === true, includedRelease: included(record) }, record.unitNames.flatMap(changeUnit), context, now) };
  });

  // domain.md §10: the month's pack and token price; the changes completed in the month (known at
  // `now`) consume tokens, priced with their accepted acceleration.
  const completionKnown = (c: ChangeInput): Date | undefined => (c.completedAt !== undefined && c.completedAt.getTime() <= nowMs ? c.completedAt : undefined);
  const completedIn = new Map<string, ChangeInput[]>();
  for (const c of input.changes) {
    const done = completionKnown(c);
    if (done === undefined) continue;
    const m = monthOf(done, calendar.timeZone);
    const list = completedIn.get(m);
    if (list === undefined) completedIn.set(m, [c]);
    else list.push(c);
  }
  const ledger = memo((m: string) => m, (m): TokenLedger | undefined => {
    const t = terms(m);
    if (t === undefined) return undefined;
    const charged = (completedIn.get(m) ?? []).map((c) => tokensCharged({ ...c, accelerated: c.accelerated && decisions.get(c.name)?.accepted === true, includedRelease: included(c) }));
    return tokenLedger(t.monthlyTokens, charged, t.payAsYouGoTokenPrice);
  });

  const releases = memo((m: string) => m, (m): readonly ReleaseMonthRow[] => {
    const t = terms(m);
    if (t === undefined) return [];
    return releasesOfMonth(releaseOf.values(), m, Object.values(t.supportLevels));
  });

  const results: TenantResults = {
    now,
    termsAt: (instant) => termsAt(instant) ?? NO_TERMS,
    ledger: (m) => ledger(m) ?? tokenLedger(0, [], 0),
    incidents,
    units,
    restoration: (name) => incident(name)?.result,
    restorationAtRisk: (name) => incident(name)?.atRiskAt,
    change: (name) => change(name)?.result,
    releases,
    unitAvailability: availabilityOf,
  };

  const unit = memo(byName, (name): UnitEvaluation | undefined => {
    const u = units.get(name);
    const availability = u === undefined ? undefined : results.unitAvailability(name, familyOf(u), period);
    if (u === undefined || availability === undefined) return undefined;
    const activeExclusions = excluding(name).filter((w) => window(w.name)?.agreed !== undefined).map((w) => w.name).sort();
    return { input: u, availability, activeExclusions, windows: (windowsByUnit.get(name) ?? []).map((w) => w.name) };
  });
  const fn = memo(byName, (name): FunctionEvaluation | undefined => {
    const f: FunctionInput | undefined = functionsByName.get(name);
    if (f === undefined || contract === undefined) return undefined;
    return { ...functionResult(f, results, period), supportLevel: productionLevel(results.termsAt(period.start)) };
  });
  const monthFunctions = memo((m: string) => m, (m): readonly FunctionResult[] => {
    if (contract === undefined) return [];
    const p = monthPeriod(m, calendar.timeZone);
    return [...input.functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => functionResult(f, results, p));
  });
  // The forecast of a running month is as at the start of the hour (forecast.ts forecastInstant):
  // from the evaluation at that instant, made once per evaluation when a report asks for it.
  const forecastEvaluation = memo((at: Date) => String(at.getTime()), (at: Date): TenantEvaluation => evaluateTenant(input, at));
  const reports = memo(
    (m: string, createdAt: Date | undefined, decidedAt: Date | undefined) => `${m}@${createdAt?.getTime() ?? ''}@${decidedAt?.getTime() ?? ''}`,
    (m, createdAt, decidedAt): MonthlyReport | undefined => {
      if (contract === undefined) return undefined;
      const report = reportOf({ ...input, contract } satisfies ReportInput, results, m, createdAt, decidedAt);
      if (report.forecast === undefined) return report;
      const at = forecastInstant(monthPeriod(m, calendar.timeZone), now);
      if (at.getTime() === nowMs) return report;
      const forecast = forecastEvaluation(at).report(m)?.forecast;
      const { forecast: _, ...rest } = report;
      return forecast === undefined ? rest : { ...rest, forecast };
    },
  );

  return {
    at: now,
    month,
    period,
    input,
    unit,
    fn,
    incident,
    change,
    window,
    declinedPatch: (name) => declinedPatches.get(name),
    terms,
    ledger,
    releases,
    monthFunctions,
    report: reports,
  };
}

/**
 * The report of `month` as of `now` (design.md §3): the projection of the tenant's evaluation at
 * reportInstant (now, or the month's close once past it), its finality decided at `now`;
 * `createdAt` delays it (reportFinalAt).
 */
export function computeMonthlyReport(input: ReportInput, month: string, now: Date, createdAt?: Date): MonthlyReport {
  const report = evaluateTenant(input, reportInstant(monthPeriod(month, input.calendar.timeZone), now)).report(month, createdAt, now);
  if (report === undefined) throw new Error('a report input always has a contract');
  return report;
}
