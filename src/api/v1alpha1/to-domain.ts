// Conversions at the boundary (style.md §4): API objects of managedapps.dev/v1alpha1 → the pure
// domain's inputs. The controllers, the admission webhook and `managedapps report --offline` all
// go through these functions, so an object means the same thing everywhere. Each returns the
// domain value or every problem found, as field paths (`spec.monitoring.period`), never throws.
//
// The CRD schema already checked formats and per-object rules on objects read from the API
// server; manifests read from files (offline) go through parseManifest() first, which applies
// the same defaults. What the schema cannot check is checked here: IANA zones, the finer RRULE
// rules of the domain, and references between objects.
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { DEFAULT_CALENDAR, isTimeZone, type BusinessCalendar } from '../../domain/calendar.ts';
import { MAX_AMOUNT, MAX_CHANGE_TOKENS, MAX_MONTHLY_TICKETS, MAX_MONTHLY_TOKENS } from '../../domain/limits.ts';
import type { Interval } from '../../domain/interval.ts';
import { accelerationProblem } from '../../domain/change.ts';
import { catalogItemTokensProblem, lookUpCatalogItem, type CatalogItem } from '../../domain/catalog.ts';
import { releaseProblems } from '../../domain/releases.ts';
import { AD_DOMAIN_REQUIRED, backupViolations, defaultLevelThreeOwner, repeatedTargets } from '../../domain/levels.ts';
import type { ProblemInput } from '../../domain/problems.ts';
import { validateSchedule, type MaintenanceSchedule, type OccurrenceApprovals, type PlanApproval } from '../../domain/maintenance.ts';
import { PATCH_PLAN_PURPOSE, declinedPatchProblem, patchProblems, resolveDeclinedPatch, type PatchCampaignFacts } from '../../domain/patching.ts';
import { amendmentProblems, supportLevelHistory, ticketTermsProblems, type DatedSupportLevel, type FeeKind, type MonthlyFeeTerm, type TermsAmendment } from '../../domain/terms.ts';
import { TICKET_TARIFFS, type TicketTariff } from '../../domain/tickets.ts';
import { carryOf, type StatementCarry } from '../../domain/month-statement.ts';
import type { AnsweredClaim } from '../../domain/statement.ts';
import {
  type ChangeInput, type ContractInput, type FunctionInput, type IncidentInput, type MaintenanceWindowInput, type ReportInput, type TenantInput,
  type UnitInput,
} from '../../domain/report.ts';
import type { Environment, FunctionFamily, LevelThreeOwner, SupportLevel } from '../../domain/vocabulary.ts';
import { ChangeRequest } from './change-request.ts';
import { approvalBinds } from './change-scope.ts';
import { ChangeCatalog, catalogItemsToDomain } from './change-catalog.ts';
import { HISTORY_ANNOTATION, parseHistory } from './records.ts';
import { runbookProblems } from './runbook.ts';
import { NEGATIVE_ZERO_MESSAGE, YEAR_MESSAGE, instantInRange, yearInRange, type LabelSelector, type ObjectMeta } from './common.ts';
import { Incident } from './incident.ts';
import { MaintenanceWindow, windowScopeDigest } from './maintenance-window.ts';
import { Problem } from './problem.ts';
import { ManagedFunction } from './managed-function.ts';
import { ManagedTenant } from './managed-tenant.ts';
import { ServiceUnit } from './service-unit.ts';
import { SLAReport } from './sla-report.ts';
import { SLAClaim } from './sla-claim.ts';
import type { ClaimAnswer, FiledClaim } from '../../domain/claims.ts';
import { SupportContract } from './support-contract.ts';

/** The last instant a Date holds: "every decision recorded" for the offline checks. */
const MAX_INSTANT_MS = 8.64e15;

export interface FieldError {
  /** Where the problem is, e.g. `spec.openedAt`, or `ServiceUnit/db-1: spec.level` across objects. */
  readonly path: string;
  readonly message: string;
}

export type Conversion<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldError[] };

/**
 * What a conversion reads of an object: its name, labels, creation time, spec and status. Whole
 * API objects (parsed manifests, admission requests) and the controllers' cached views both are.
 */
export interface Obj<K extends { spec: unknown; status?: unknown }> {
  readonly metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'labels' | 'creationTimestamp' | 'annotations'>;
  readonly spec: K['spec'];
  readonly status?: K['status'] | undefined;
}

const ok = <T>(value: T): Conversion<T> => ({ ok: true, value });
const fail = <T>(errors: FieldError[]): Conversion<T> => ({ ok: false, errors });

/** Collects field errors while a conversion runs; `done` returns the value only if none was found. */
class Collector {
  readonly errors: FieldError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** An RFC 3339 instant within the calendar years; records an error and returns undefined otherwise. */
  time(path: string, value: string): Date | undefined {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      this.add(path, `'${value}' is not an RFC 3339 instant`);
      return undefined;
    }
    if (!instantInRange(value)) {
      this.add(path, `'${value}': ${YEAR_MESSAGE}`);
      return undefined;
    }
    return date;
  }

  /** A `YYYY-MM-DD` date within the calendar years. */
  date(path: string, value: string): void {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) || !DateTime.fromISO(value).isValid) this.add(path, `'${value}' is not a date YYYY-MM-DD`);
    else if (!yearInRange(value)) this.add(path, `'${value}': ${YEAR_MESSAGE}`);
  }

  /** An amount of money: finite, 0 to MAX_AMOUNT, not -0 (the schema's bounds, again for objects stored before them). */
  amount(path: string, value: number): void {
    if (!Number.isFinite(value) || value < 0 || value > MAX_AMOUNT) this.add(path, `${value} is not an amount from 0 to ${MAX_AMOUNT}`);
    else if (Object.is(value, -0)) this.add(path, NEGATIVE_ZERO_MESSAGE);
  }

  /** A count: an integer from `min` to `max`, not -0. */
  count(path: string, value: number, max: number, min = 0): void {
    if (!Number.isInteger(value) || value < min || value > max) this.add(path, `${value} is not an integer from ${min} to ${max}`);
    else if (Object.is(value, -0)) this.add(path, NEGATIVE_ZERO_MESSAGE);
  }

  optionalTime(path: string, value: string | undefined): Date | undefined {
    return value === undefined ? undefined : this.time(path, value);
  }

  /** Merge the errors of a nested conversion, prefixed with `prefix`. */
  take<T>(prefix: string, conversion: Conversion<T>): T | undefined {
    if (conversion.ok) return conversion.value;
    for (const e of conversion.errors) this.add(prefix === '' ? e.path : `${prefix}: ${e.path}`, e.message);
    return undefined;
  }

  done<T>(build: () => T): Conversion<T> {
    return this.errors.length > 0 ? fail(this.errors) : ok(build());
  }
}

// ---- scalars ---------------------------------------------------------------------------------

// Go's time.ParseDuration units, microseconds spelled `us`, `µs` (U+00B5) or `μs` (U+03BC).
const GO_DURATION_UNIT_SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration (`2h30m`, `1.5h`, `90s`) in seconds, or undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|μs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(match[1]) * (GO_DURATION_UNIT_SECONDS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}

/** Whether a metav1.LabelSelector selects these labels (an empty selector selects everything). */
export function matchesSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const requirement of selector.matchExpressions ?? []) {
    const value = labels[requirement.key];
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

// ---- parsing manifests -------------------------------------------------------------------------

/** The schema of each kind, to parse manifests read from files or the API. */
export const RESOURCE_SCHEMAS = {
  ManagedTenant,
  SupportContract,
  ServiceUnit,
  ManagedFunction,
  Incident,
  ChangeRequest,
  ChangeCatalog,
  Problem,
  MaintenanceWindow,
  SLAReport,
  SLAClaim,
} as const;
export type KindName = keyof typeof RESOURCE_SCHEMAS;
export type AnyResource = z.infer<(typeof RESOURCE_SCHEMAS)[KindName]>;

/** zod issues as field errors: `spec.targets.0.kind` → `spec.targets[0].kind`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`), '') || '(object)',
    message: issue.message,
  }));
}

/** Parse one manifest of the group (defaults applied, as the API server would). */
export function parseManifest(raw: unknown): Conversion<AnyResource> {
  const kind = typeof raw === 'object' && raw !== null && 'kind' in raw ? (raw).kind : undefined;
  if (typeof kind !== 'string' || !(kind in RESOURCE_SCHEMAS)) return fail([{ path: 'kind', message: `not a kind of managedapps.dev/v1alpha1: ${JSON.stringify(kind)}` }]);
  const result = RESOURCE_SCHEMAS[kind as KindName].safeParse(raw);
  return result.success ? ok(result.data) : fail(fieldErrors(result.error));
}

// ---- one object at a time ----------------------------------------------------------------------

/** The tenant's business calendar (DEFAULT_CALENDAR without a tenant: domain.md §4). */
export function calendarToDomain(tenant: Obj<ManagedTenant> | undefined): Conversion<BusinessCalendar> {
  if (tenant === undefined) return ok(DEFAULT_CALENDAR);
  const c = new Collector();
  const calendar = tenant.spec.calendar;
  if (!isTimeZone(calendar.timeZone)) c.add('spec.calendar.timeZone', `unknown IANA time zone '${calendar.timeZone}'`);
  return c.done(() => ({
    timeZone: calendar.timeZone,
    holidayCountry: calendar.holidayCountry,
    businessDayStart: calendar.businessHours.start,
    businessDayEnd: calendar.businessHours.end,
  }));
}

/** The sum of a fee list, or undefined for none (the domain's default charge then applies). */
const feesCharge = (fees: readonly { amount: number }[] | undefined): number | undefined =>
  (fees === undefined || fees.length === 0 ? undefined : fees.reduce((sum, fee) => sum + fee.amount, 0));

/** A fee list, itemised for the statement (its recurring lines). */
const feeTerms = (fees: readonly { name: string; amount: number; kind?: FeeKind | undefined }[]): MonthlyFeeTerm[] =>
  fees.map((f) => ({ name: f.name, amount: f.amount, ...(f.kind === undefined ? {} : { kind: f.kind }) }));

/**
 * The contract's terms (domain.md §3): the spec's entries without `from` (or from the start
 * month) are the terms from the start, the later ones are dated; the domain's termsInMonth
 * computes each month's. The month's recurring charge (the base of the 15 % cap) is the sum of
 * the month's `monthlyFees` when some are listed, else the domain's default (the functions'
 * charges). Nothing is read from the status: it holds no term.
 */
/** The four unit ticket prices, each an amount of the contract (seed §9.6). */
function ticketPricesOf(c: Collector, path: string, prices: Readonly<Record<TicketTariff, number>> | undefined): void {
  if (prices !== undefined) for (const t of TICKET_TARIFFS) c.amount(`${path}.${t}`, prices[t]);
}

export function contractToDomain(contract: Obj<SupportContract>): Conversion<ContractInput> {
  const c = new Collector();
  const spec = contract.spec;
  const startMonth = spec.start.slice(0, 7);
  const supportLevels: Partial<Record<Environment, SupportLevel>> = {};
  const datedSupportLevels: DatedSupportLevel[] = [];
  for (const entry of spec.supportLevels) {
    if (entry.from === undefined || entry.from <= startMonth) supportLevels[entry.environment] = entry.level;
    else datedSupportLevels.push({ environment: entry.environment, level: entry.level, from: entry.from });
  }
  const fees = spec.prices.monthlyFees ?? [];
  c.date('spec.start', spec.start);
  c.amount('spec.prices.tokenPrice', spec.prices.tokenPrice);
  fees.forEach((fee, i) => {
    c.amount(`spec.prices.monthlyFees[${i}].amount`, fee.amount);
  });
  if (spec.prices.monthlyMinimum !== undefined) c.amount('spec.prices.monthlyMinimum', spec.prices.monthlyMinimum);
  if (spec.prices.runRevenue !== undefined) c.amount('spec.prices.runRevenue.global', spec.prices.runRevenue.global);
  ticketPricesOf(c, 'spec.prices.ticketPrices', spec.prices.ticketPrices);
  c.count('spec.monthlyTokens', spec.monthlyTokens, MAX_MONTHLY_TOKENS);
  if (spec.monthlyTickets !== undefined) c.count('spec.monthlyTickets', spec.monthlyTickets, MAX_MONTHLY_TICKETS);
  const ticketProblems = ticketTermsProblems({ ticketQuota: spec.monthlyTickets, ticketPrices: spec.prices.ticketPrices }, (spec.amendments ?? []).map((a) => ({ from: a.from, ticketQuota: a.monthlyTickets, ticketPrices: a.prices?.ticketPrices })));
  for (const p of ticketProblems) c.add(p.index === undefined ? 'spec.monthlyTickets' : `spec.amendments[${p.index}].monthlyTickets`, p.message);
  const history = supportLevelHistory(spec.supportLevels, startMonth);
  for (const p of history.problems) c.add(`spec.supportLevels[${p.index}].${p.field}`, p.message);
  for (const p of amendmentProblems(spec.amendments ?? [], startMonth)) c.add(`spec.amendments[${p.index}].${p.field}`, p.message);
  const amendments: TermsAmendment[] = (spec.amendments ?? []).map((a, i) => {
    if (a.prices?.tokenPrice !== undefined) c.amount(`spec.amendments[${i}].prices.tokenPrice`, a.prices.tokenPrice);
    if (a.prices?.runRevenue !== undefined) c.amount(`spec.amendments[${i}].prices.runRevenue.global`, a.prices.runRevenue.global);
    (a.prices?.monthlyFees ?? []).forEach((fee, j) => {
      c.amount(`spec.amendments[${i}].prices.monthlyFees[${j}].amount`, fee.amount);
    });
    if (a.monthlyTokens !== undefined) c.count(`spec.amendments[${i}].monthlyTokens`, a.monthlyTokens, MAX_MONTHLY_TOKENS);
    if (a.monthlyTickets !== undefined) c.count(`spec.amendments[${i}].monthlyTickets`, a.monthlyTickets, MAX_MONTHLY_TICKETS);
    ticketPricesOf(c, `spec.amendments[${i}].prices.ticketPrices`, a.prices?.ticketPrices);
    return {
      from: a.from,
      monthlyTokens: a.monthlyTokens,
      payAsYouGoTokenPrice: a.prices?.tokenPrice,
      // A fee list given replaces the previous one whole; an empty one leaves the default charge.
      monthlyRecurringCharge: a.prices?.monthlyFees === undefined ? undefined : (feesCharge(a.prices.monthlyFees) ?? null),
      monthlyMinimum: a.prices?.monthlyMinimum,
      ticketQuota: a.monthlyTickets,
      ticketPrices: a.prices?.ticketPrices,
      monthlyFees: a.prices?.monthlyFees === undefined ? undefined : (a.prices.monthlyFees.length === 0 ? null : feeTerms(a.prices.monthlyFees)),
      runRevenue: a.prices?.runRevenue,
    };
  });
  const reversibilityStart = c.optionalTime('spec.reversibilityStart', spec.reversibilityStart);
  return c.done(() => ({
    currency: spec.prices.currency,
    supportLevels,
    datedSupportLevels,
    payAsYouGoTokenPrice: spec.prices.tokenPrice,
    monthlyTokens: spec.monthlyTokens,
    monthlyRecurringCharge: feesCharge(fees),
    monthlyMinimum: spec.prices.monthlyMinimum,
    ticketQuota: spec.monthlyTickets,
    ticketPrices: spec.prices.ticketPrices,
    monthlyFees: feeTerms(fees),
    runRevenue: spec.prices.runRevenue,
    syntecIndices: (spec.syntecIndices ?? []).map((i) => ({ year: i.year, index: i.index })),
    amendments,
    start: spec.start,
    commitmentMonths: spec.commitmentMonths,
    reversibilityStart,
    acceleratedChangesPerYear: spec.acceleratedChangesPerYear,
    ...(spec.problemDetection !== undefined ? { problemDetection: { incidents: spec.problemDetection.incidents, days: spec.problemDetection.days } } : {}),
  }));
}

/** A unit without a subscription period is subscribed "forever", whatever the month. */
const ALWAYS = new Date(0);

/**
 * One unit. Without `spec.subscription` the unit is subscribed throughout (no proration: the
 * schema's "Subscription period of the unit, for proration"), whenever the object was created.
 */
export function unitToDomain(unit: Obj<ServiceUnit>, tenant?: Obj<ManagedTenant>): Conversion<UnitInput> {
  const c = new Collector();
  const spec = unit.spec;
  const start = spec.subscription === undefined ? ALWAYS : c.time('spec.subscription.start', spec.subscription.start);
  const end = c.optionalTime('spec.subscription.end', spec.subscription?.end);
  // domain.md §1: a target once per unit, names compared case-insensitively (targetKey); the
  // CRD's list-map keys are case-sensitive, so `VM-1` and `vm-1` pass the API server.
  for (const { index, first } of repeatedTargets(spec.targets)) {
    const t = spec.targets[index];
    c.add(`spec.targets[${index}]`, `${t?.kind ?? ''} '${t?.name ?? ''}' is spec.targets[${first}] again ('${spec.targets[first]?.name ?? ''}'): target names are compared case-insensitively`);
  }
  // domain.md §2: a unit's dependencies are other units; one that depends on itself is a cycle.
  (spec.dependsOn ?? []).forEach((d, i) => {
    if (d.name === unit.metadata.name) c.add(`spec.dependsOn[${i}]`, `ServiceUnit '${d.name}' depends on itself: dependencies form no cycle`);
  });
  // domain.md §12: backup at the levels it is offered to, with a policy of its scope (the CRD's CEL says the same).
  for (const v of backupViolations(spec.level, spec.backup)) c.add(v.path, v.message);
  // domain.md §2: an ActiveDirectory unit names its one domain (the tenant-wide rules are the webhook's and PrerequisitesMet's).
  if (unitFamily(unit) === 'ActiveDirectory' && spec.activeDirectory === undefined) c.add('spec.activeDirectory.domain', AD_DOMAIN_REQUIRED);
  return c.done(() => ({
    name: unit.metadata.name,
    level: spec.level,
    environment: spec.environment,
    targets: spec.targets.map((t) => ({ kind: t.kind, name: t.name })),
    subscription: { start: start ?? new Date(0), end },
    prerequisites: spec.prerequisites?.validated ?? [],
    coManaged: tenant?.spec.managementModel === 'CoManaged',
    levelThreeOwner: levelThreeOwnerOf(unit),
    labels: unit.metadata.labels ?? {},
    family: unitFamily(unit),
    buildModel: spec.buildModel,
    ...(tenant === undefined ? {} : { managementModel: tenant.spec.managementModel }),
  }));
}

/** The unit's level-3 owner: its `spec.levelThreeOwner`, else the client for a business application (domain.md §2, seed §5.11.3). */
export function levelThreeOwnerOf(unit: Obj<ServiceUnit>): LevelThreeOwner {
  return unit.spec.levelThreeOwner ?? defaultLevelThreeOwner(unit.spec.level);
}

/** The family a unit counts in: its `spec.family`, else the family named like its level. */
export function unitFamily(unit: Obj<ServiceUnit>): FunctionFamily {
  return unit.spec.family ?? unit.spec.level;
}

/**
 * The units a function groups: the units of its family that its selector matches (every unit of
 * the family without a selector; domain.md §1). Sorted by name, so the result does not depend on
 * listing order.
 */
export function functionUnits(fn: Obj<ManagedFunction>, units: readonly Obj<ServiceUnit>[]): string[] {
  return units
    .filter((u) => unitFamily(u) === fn.spec.family && matchesSelector(fn.spec.selector, u.metadata.labels ?? {}))
    .map((u) => u.metadata.name)
    .sort();
}

export function functionToDomain(fn: Obj<ManagedFunction>, units: readonly Obj<ServiceUnit>[]): Conversion<FunctionInput> {
  const c = new Collector();
  c.amount('spec.monthlyCharge', fn.spec.monthlyCharge);
  if (c.errors.length > 0) return fail(c.errors);
  return ok({
    name: fn.metadata.name,
    family: fn.spec.family,
    units: functionUnits(fn, units),
    monthlyCharge: fn.spec.monthlyCharge,
    customerPortal: fn.spec.customerPortal,
  });
}

/** `spec.exclusions` of an Incident or a ChangeRequest (periods where the commitments do not apply), each end after its start. */
function exclusionsOf(c: Collector, list: readonly { readonly start: string; readonly end: string }[] | undefined): Interval[] {
  const exclusions: Interval[] = [];
  (list ?? []).forEach((exclusion, i) => {
    const start = c.time(`spec.exclusions[${i}].start`, exclusion.start);
    const end = c.time(`spec.exclusions[${i}].end`, exclusion.end);
    if (start !== undefined && end !== undefined) {
      if (end <= start) c.add(`spec.exclusions[${i}].end`, 'must be after start');
      else exclusions.push({ start, end });
    }
  });
  return exclusions;
}

export function incidentToDomain(incident: Obj<Incident>): Conversion<IncidentInput> {
  const c = new Collector();
  const spec = incident.spec;
  const openedAt = c.time('spec.openedAt', spec.openedAt);
  const resolvedAt = c.optionalTime('spec.resolvedAt', spec.resolvedAt);
  if (openedAt !== undefined && resolvedAt !== undefined && resolvedAt < openedAt) c.add('spec.resolvedAt', 'must not be before spec.openedAt');
  const exclusions = exclusionsOf(c, spec.exclusions);
  return c.done(() => ({
    name: incident.metadata.name,
    unitNames: spec.unitRefs.map((r) => r.name),
    priority: spec.priority,
    openedAt: openedAt ?? new Date(0),
    resolvedAt,
    cause: spec.cause,
    detection: spec.detection,
    exclusions,
    ...(spec.declinedPatchRef === undefined ? {} : { declinedPatchRef: spec.declinedPatchRef.name }),
    ...(spec.workMinutes === undefined ? {} : { workMinutes: spec.workMinutes }),
    ...amendedAfterClosure(incident),
  }));
}

/** The SLA fields the trace (records.ts) says changed after resolution or completion, once each, in order. */
function amendedAfterClosure(o: { readonly metadata: { readonly annotations?: Readonly<Record<string, string>> | undefined } }): { amendedAfterClosure?: string[] } {
  const entries = parseHistory(o.metadata.annotations?.[HISTORY_ANNOTATION]) ?? [];
  const fields = [...new Set(entries.filter((e) => e.afterClosure === true).map((e) => e.field))];
  return fields.length > 0 ? { amendedAfterClosure: fields } : {};
}

/**
 * A patch campaign as the declined-patch rule reads it (domain/patching.ts): declined when the
 * client's decision is Rejected and still binds (a change of the scope voids it, change-scope.ts).
 * Empty for a change that is not a campaign.
 */
export function patchCampaignOf(change: Obj<ChangeRequest>): Omit<PatchCampaignFacts, 'name'> {
  const spec = change.spec;
  if (spec.patch === undefined) return {};
  const a = spec.approval;
  const decidedAt = a === undefined ? Number.NaN : Date.parse(a.decidedAt);
  if (a?.decision !== 'Rejected' || !approvalBinds(spec) || Number.isNaN(decidedAt)) return { patch: true };
  return { patch: true, declinedAt: new Date(decidedAt), declinedBy: a.approvedBy };
}

/**
 * Catalogue tokens, or the provider's quote of a non-standard change (0 until quoted). A standard
 * change without `spec.tokens` (created before its catalogue, not stamped) takes its item's tokens
 * from `catalog` (the namespace's ChangeCatalog as it is: issue 14 item 5), 0 while it has none.
 */
export function changeTokens(change: Obj<ChangeRequest>, catalog?: readonly CatalogItem[]): number {
  const spec = change.spec;
  if (spec.tokens !== undefined) return spec.tokens;
  if (spec.category !== 'NonStandard') {
    const found = lookUpCatalogItem(spec, catalog);
    return found.ok ? found.item.tokens : 0;
  }
  return spec.validation?.quoteTokens ?? 0;
}

/** One ChangeCatalog's items, each item's tokens checked against its category (its CEL rule, offline). */
export function catalogToDomain(catalog: Obj<ChangeCatalog>): Conversion<CatalogItem[]> {
  const c = new Collector();
  const items = catalogItemsToDomain(catalog);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const problem = catalogItemTokensProblem(item);
    if (problem !== undefined) c.add(`spec.items[${i}].tokens`, problem);
    if (seen.has(item.id)) c.add(`spec.items[${i}].id`, `'${item.id}' is listed twice`);
    seen.add(item.id);
  });
  return c.done(() => items);
}

/**
 * One change. Its tokens are `spec.tokens`, else the quote of the provider's validation; a
 * non-standard change not quoted yet counts 0 tokens (it has no price until it is quoted).
 */
export function changeToDomain(change: Obj<ChangeRequest>, catalog?: readonly CatalogItem[]): Conversion<ChangeInput> {
  const c = new Collector();
  const spec = change.spec;
  const requestedAt = c.time('spec.requestedAt', spec.requestedAt);
  const completedAt = c.optionalTime('spec.completedAt', spec.completedAt);
  const quotedAt = spec.validation === undefined ? undefined : c.time('spec.validation.validatedAt', spec.validation.validatedAt);
  if (requestedAt !== undefined && completedAt !== undefined && completedAt < requestedAt) c.add('spec.completedAt', 'must not be before spec.requestedAt');
  if (spec.tokens !== undefined) c.count('spec.tokens', spec.tokens, MAX_CHANGE_TOKENS, 1);
  if (spec.validation?.quoteTokens !== undefined) c.count('spec.validation.quoteTokens', spec.validation.quoteTokens, MAX_CHANGE_TOKENS, 1);
  const accelerated = accelerationProblem(spec);
  if (accelerated !== undefined) c.add('spec.accelerated', accelerated);
  const exclusions = exclusionsOf(c, spec.exclusions);
  // issue 14 item 3: a runbook in another namespace, or a privileged pod, is refused (runbook.ts).
  for (const p of runbookProblems(spec, change.metadata.namespace)) c.add(p.path, p.message);
  return c.done(() => ({
    name: change.metadata.name,
    unitNames: spec.unitRefs.map((r) => r.name),
    category: spec.category,
    tokens: changeTokens(change, catalog),
    accelerated: spec.accelerated,
    outsideBusinessHours: spec.outsideBusinessHours,
    ...(spec.release ? { release: true } : {}),
    ...patchCampaignOf(change),
    initiator: spec.initiator,
    requestedAt: requestedAt ?? new Date(0),
    completedAt,
    quotedAt,
    ...(exclusions.length > 0 ? { exclusions } : {}),
    ...amendedAfterClosure(change),
  }));
}

/**
 * One Problem (seed §5.4). `namespace`, the Problem's (absent offline, where the files are one
 * tenant): an incident reference naming another namespace is another tenant's, refused.
 */
export function problemToDomain(problem: Obj<Problem>, namespace?: string): Conversion<ProblemInput> {
  const c = new Collector();
  const spec = problem.spec;
  const openedAt = c.time('spec.openedAt', spec.openedAt);
  const closedAt = c.optionalTime('spec.closedAt', spec.closedAt);
  if (openedAt !== undefined && closedAt !== undefined && closedAt < openedAt) c.add('spec.closedAt', 'must not be before spec.openedAt');
  spec.incidentRefs.forEach((ref, i) => {
    if (ref.namespace !== undefined && ref.namespace !== (namespace ?? ref.namespace)) {
      c.add(`spec.incidentRefs[${i}].namespace`, `Incident '${ref.name}' of namespace '${ref.namespace}' is another tenant's: a Problem links the incidents of its own namespace '${namespace ?? ''}' only`);
    }
  });
  return c.done(() => ({
    name: problem.metadata.name,
    summary: spec.summary,
    incidentNames: spec.incidentRefs.map((r) => r.name),
    changeName: spec.changeRef?.name,
    openedAt: openedAt ?? new Date(0),
    closedAt,
  }));
}

/**
 * One SLAClaim (domain.md §8) as the domain's FiledClaim: its tickets, and when it was filed:
 * `spec.filedAt` (the webhook's stamp), else the object's creation (the API server's clock: a
 * claim stored while the webhook was down). The answer as given; its instant, `answeredAt`.
 */
export function claimToDomain(claim: Obj<SLAClaim>): Conversion<FiledClaim> {
  const c = new Collector();
  const spec = claim.spec;
  const stamped = spec.filedAt ?? claim.metadata.creationTimestamp;
  const filedAt = stamped === undefined ? undefined : c.time('spec.filedAt', stamped);
  if (stamped === undefined) c.add('spec.filedAt', 'a claim records when it was filed (stamped by the webhook)');
  const a = spec.answer;
  let answer: ClaimAnswer | undefined;
  if (a !== undefined) {
    if (a.decision === 'PartlyAccepted') {
      if (a.amount === undefined) c.add('spec.answer.amount', 'required for a PartlyAccepted answer');
      else c.amount('spec.answer.amount', a.amount);
      answer = { decision: 'PartlyAccepted', amount: a.amount ?? 0, reason: a.reason ?? '' };
    } else if (a.decision === 'Rejected') {
      answer = { decision: 'Rejected', reason: a.reason ?? '' };
    } else {
      if (a.amount !== undefined) c.amount('spec.answer.amount', a.amount);
      answer = { decision: 'Accepted', ...(a.amount === undefined ? {} : { amount: a.amount }) };
    }
    if (a.decision !== 'Accepted' && (a.reason ?? '').trim() === '') c.add('spec.answer.reason', `a ${a.decision} answer gives its reason`);
  }
  const answeredAt = a === undefined ? undefined : c.optionalTime('spec.answer.answeredAt', a.answeredAt);
  const seen = new Map<string, number>();
  spec.incidents.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) c.add(`spec.incidents[${i}]`, `${name} is listed twice (spec.incidents[${first}])`);
    else seen.set(name, i);
  });
  return c.done(() => ({
    name: claim.metadata.name,
    month: spec.month,
    filedAt: filedAt ?? new Date(0),
    tickets: [...spec.incidents],
    ...(answer === undefined ? {} : { answer }),
    ...(answeredAt === undefined ? {} : { answeredAt }),
  }));
}

/**
 * domain.md §11: the occurrences the client approved. Only a stamped approval counts (approvedBy,
 * approvedAt and scopeDigest, the webhook's: a controller never trusts that the hook ran), given
 * before its occurrence started, of the window as it still is (its scope digest); an occurrence
 * approved twice is refused. A yearly plan (`year`, seed §5.8) counts the same way, for every
 * occurrence of its year that starts after it (maintenance.ts approvedByPlan); a year twice is refused.
 */
function windowApprovals(c: Collector, spec: MaintenanceWindow['spec']): OccurrenceApprovals | undefined {
  const list = spec.approvals ?? [];
  if (!spec.requiresClientApproval && list.length === 0) return undefined;
  const seen = new Set<number>();
  const approvedStarts: Date[] = [];
  const scope = windowScopeDigest(spec);
  const years = new Set<number>();
  const approvedYears: PlanApproval[] = [];
  list.forEach((a, i) => {
    const approvedAt = c.optionalTime(`spec.approvals[${i}].approvedAt`, a.approvedAt);
    const stamped = a.approvedBy !== undefined && approvedAt !== undefined && a.scopeDigest === scope;
    if (a.year !== undefined) {
      // A yearly plan (seed §5.8, patching.ts): of a security-patching window only, one per year.
      if (spec.purpose !== PATCH_PLAN_PURPOSE) c.add(`spec.approvals[${i}].year`, `a yearly plan approves a ${PATCH_PLAN_PURPOSE} window only (seed §5.8)`);
      if (years.has(a.year)) c.add(`spec.approvals[${i}].year`, `${a.year} is approved twice: one plan a year`);
      years.add(a.year);
      if (stamped && spec.purpose === PATCH_PLAN_PURPOSE) approvedYears.push({ year: a.year, approvedAt });
      return;
    }
    if (a.occurrence === undefined) {
      c.add(`spec.approvals[${i}]`, 'names exactly one of occurrence and year');
      return;
    }
    const occurrence = c.time(`spec.approvals[${i}].occurrence`, a.occurrence);
    if (occurrence === undefined) return;
    if (seen.has(occurrence.getTime())) c.add(`spec.approvals[${i}].occurrence`, `${a.occurrence} is approved twice: one approval an occurrence`);
    seen.add(occurrence.getTime());
    if (stamped && approvedAt <= occurrence) approvedStarts.push(occurrence);
  });
  return { required: spec.requiresClientApproval, approvedStarts, ...(approvedYears.length > 0 ? { approvedYears } : {}) };
}

/** The schedule of a window, checked by the domain (zone, RRULE subset, positive duration), with the client's approvals (§11). */
export function scheduleToDomain(window: Obj<MaintenanceWindow>): Conversion<MaintenanceSchedule> {
  const c = new Collector();
  const spec = window.spec;
  const durationSeconds = parseGoDuration(spec.duration);
  if (durationSeconds === undefined) c.add('spec.duration', `'${spec.duration}' is not a Go duration such as 4h or 2h30m`);
  const r = spec.recurrence;
  const from = r === undefined ? undefined : c.optionalTime('spec.recurrence.from', r.from);
  const until = r === undefined ? undefined : c.optionalTime('spec.recurrence.until', r.until);
  const start = c.optionalTime('spec.start', spec.start);
  if ((r === undefined) === (spec.start === undefined)) c.add('spec', 'set exactly one of spec.recurrence and spec.start');
  const approvals = windowApprovals(c, spec);
  if (c.errors.length > 0) return fail(c.errors);
  const schedule: MaintenanceSchedule = {
    ...(approvals === undefined ? {} : { approvals }),
    timeZone: spec.timeZone,
    durationSeconds: durationSeconds ?? 0,
    ...(r === undefined ? {} : {
      recurrence: { rrule: r.rrule, startTime: r.startTime, ...(from === undefined ? {} : { from }), ...(until === undefined ? {} : { until }) },
    }),
    ...(start === undefined ? {} : { oneOff: { start } }),
  };
  // The domain names its fields (`recurrence.rrule: ...`, `durationSeconds: ...`); map them to the API's.
  for (const problem of validateSchedule(schedule)) {
    const colon = problem.indexOf(': ');
    const field = colon > 0 ? problem.slice(0, colon) : '';
    const message = colon > 0 ? problem.slice(colon + 2) : problem;
    const path = field === 'durationSeconds' ? 'spec.duration' : field === 'oneOff.start' ? 'spec.start' : /^[a-zA-Z.]+$/.test(field) ? `spec.${field}` : 'spec';
    c.add(path, field !== '' && path === 'spec' ? problem : message);
  }
  return c.done(() => schedule);
}

export function maintenanceWindowToDomain(window: Obj<MaintenanceWindow>, units: readonly Obj<ServiceUnit>[]): Conversion<MaintenanceWindowInput> {
  const schedule = scheduleToDomain(window);
  if (!schedule.ok) return schedule;
  return ok({
    name: window.metadata.name,
    schedule: schedule.value,
    unitNames: units.filter((u) => matchesSelector(window.spec.selector, u.metadata.labels ?? {})).map((u) => u.metadata.name).sort(),
    excludeFromAvailability: window.spec.excludeFromAvailability,
  });
}

// ---- a whole tenant ----------------------------------------------------------------------------

/** The objects of one tenant (namespace) that its evaluation reads; the contract is absent until applied. */
export interface TenantObjects {
  readonly tenant?: Obj<ManagedTenant> | undefined;
  readonly contract?: Obj<SupportContract> | undefined;
  readonly units: readonly Obj<ServiceUnit>[];
  readonly functions: readonly Obj<ManagedFunction>[];
  readonly incidents: readonly Obj<Incident>[];
  readonly changes: readonly Obj<ChangeRequest>[];
  readonly maintenanceWindows: readonly Obj<MaintenanceWindow>[];
  /** The items of the tenant's ChangeCatalog (issue 14 item 5), which price the standard changes not stamped; absent: none. */
  readonly catalog?: readonly CatalogItem[] | undefined;
  /** The tenant's Problems (seed §5.4); absent: none. */
  readonly problems?: readonly (Obj<Problem> & { readonly metadata: { readonly namespace?: string | undefined } })[] | undefined;
}

/** The objects of one tenant that a monthly report reads: a contract is required. */
export interface ReportObjects extends TenantObjects {
  readonly contract: Obj<SupportContract>;
}

const id = (kind: string, o: { metadata: { name: string } }): string => `${kind}/${o.metadata.name}`;

/** Converts every object into `c`, errors named by object and field (`ServiceUnit/db-1: spec.subscription.start`). */
function tenantInputInto(c: Collector, objects: TenantObjects): TenantInput | undefined {
  const calendar = c.take(objects.tenant === undefined ? 'ManagedTenant' : id('ManagedTenant', objects.tenant), calendarToDomain(objects.tenant));
  const contract = objects.contract === undefined ? undefined : c.take(id('SupportContract', objects.contract), contractToDomain(objects.contract));
  const units = objects.units.map((u) => c.take(id('ServiceUnit', u), unitToDomain(u, objects.tenant)));
  const functions = objects.functions.map((f) => c.take(id('ManagedFunction', f), functionToDomain(f, objects.units)));
  const incidents = objects.incidents.map((i) => c.take(id('Incident', i), incidentToDomain(i)));
  const changes = objects.changes.map((ch) => c.take(id('ChangeRequest', ch), changeToDomain(ch, objects.catalog)));
  const maintenanceWindows = objects.maintenanceWindows.map((w) => c.take(id('MaintenanceWindow', w), maintenanceWindowToDomain(w, objects.units)));
  const problems = (objects.problems ?? []).map((p) => c.take(id('Problem', p), problemToDomain(p, p.metadata.namespace)));
  const defined = <T>(items: readonly (T | undefined)[]): T[] => items.filter((x): x is T => x !== undefined);
  if (calendar === undefined) return undefined;
  return {
    calendar,
    contract,
    units: defined(units),
    functions: defined(functions),
    incidents: defined(incidents),
    changes: defined(changes),
    maintenanceWindows: defined(maintenanceWindows),
    ...(problems.length > 0 ? { problems: defined(problems) } : {}),
  };
}

/**
 * The domain's input for one tenant (evaluateTenant), as the controllers build it from the valid
 * objects of a namespace. A reference to a unit that does not exist is not an error here: GitOps
 * applies in any order, so the record counts on the units that exist (the statuses and the
 * report's Complete condition say what is missing).
 */
export function tenantInputToDomain(objects: TenantObjects): Conversion<TenantInput> {
  const c = new Collector();
  const input = tenantInputInto(c, objects);
  return c.errors.length > 0 || input === undefined ? fail(c.errors) : ok(input);
}

/**
 * The domain's ReportInput for one contract (`report --offline`). Errors name the object and the
 * field (`ServiceUnit/db-1: spec.subscription.start`); a reference to a unit that does not exist is
 * an error of the referring object: the files given are the whole tenant.
 */
export function reportInputToDomain(objects: ReportObjects): Conversion<ReportInput> {
  const c = new Collector();
  const unitNames = new Set(objects.units.map((u) => u.metadata.name));
  const checkRefs = (kind: string, o: { metadata: { name: string }; spec: { unitRefs: readonly { name: string }[] } }): void => {
    o.spec.unitRefs.forEach((ref, i) => {
      if (!unitNames.has(ref.name)) c.add(`${id(kind, o)}: spec.unitRefs[${i}].name`, `no ServiceUnit named '${ref.name}' in the tenant`);
    });
  };
  const input = tenantInputInto(c, objects);
  for (const i of objects.incidents) checkRefs('Incident', i);
  for (const ch of objects.changes) checkRefs('ChangeRequest', ch);
  // seed Table 1: a release is on Application units (the webhook's and the controller's check, releases.ts).
  const levelOf = new Map(objects.units.map((u) => [u.metadata.name, u.spec.level] as const));
  for (const ch of objects.changes) for (const p of releaseProblems(ch.spec, (n) => levelOf.get(n))) c.add(`${id('ChangeRequest', ch)}: ${p.path}`, p.message);
  // seed §5.9.2, §9.10 (patching.ts): a campaign on OS, Database or Middleware units; an incident's
  // declined patch is a campaign of the files the client declined before it opened (every decision recorded counts).
  for (const ch of objects.changes) for (const p of patchProblems(ch.spec, (n) => levelOf.get(n))) c.add(`${id('ChangeRequest', ch)}: ${p.path}`, p.message);
  const changesByName = new Map(objects.changes.map((ch) => [ch.metadata.name, ch] as const));
  for (const inc of objects.incidents) {
    const ref = inc.spec.declinedPatchRef?.name;
    const openedAt = Date.parse(inc.spec.openedAt);
    if (ref === undefined || Number.isNaN(openedAt)) continue;
    const change = changesByName.get(ref);
    const resolution = resolveDeclinedPatch(ref, change === undefined ? undefined : { name: ref, ...patchCampaignOf(change) }, new Date(openedAt), new Date(MAX_INSTANT_MS));
    if (resolution.kind === 'NotFound') c.add(`${id('Incident', inc)}: spec.declinedPatchRef`, `no ChangeRequest named '${ref}' in the tenant`);
    const problem = declinedPatchProblem(resolution);
    if (problem !== undefined) c.add(`${id('Incident', inc)}: ${problem.path}`, problem.message);
  }
  // issue 14 item 5: a standard change without its own tokens is priced from the catalogue, which the files must hold.
  for (const ch of objects.changes) {
    if (ch.spec.category === 'NonStandard' || ch.spec.tokens !== undefined) continue;
    const found = lookUpCatalogItem(ch.spec, objects.catalog);
    if (!found.ok) c.add(`${id('ChangeRequest', ch)}: ${found.path}`, found.message);
  }
  if (c.errors.length > 0 || input === undefined || input.contract === undefined) return fail(c.errors);
  return ok({ ...input, contract: input.contract });
}

/**
 * The answered claims of a contract as the statement reads them (domain/statement.ts
 * AnsweredClaim): the amount the answer recorded (a PartlyAccepted amount, an Accepted answer's
 * stamped credit), 0 for a rejection; an Accepted answer without a stamped amount (written while
 * the webhook was down) grants what the claim's status says it grants, or nothing until it says
 * so. Claims without a stamped answeredAt are not answered yet.
 */
export function answeredClaimsToDomain(claims: readonly { readonly metadata: { readonly name: string }; readonly spec: SLAClaim['spec']; readonly status?: { readonly granted?: number | undefined } | undefined }[]): AnsweredClaim[] {
  return claims.flatMap((c) => {
    const a = c.spec.answer;
    if (a?.answeredAt === undefined) return [];
    const answeredAt = new Date(a.answeredAt);
    if (Number.isNaN(answeredAt.getTime())) return [];
    const amount = a.decision === 'Rejected' ? 0 : a.amount ?? c.status?.granted ?? 0;
    return [{ claim: c.metadata.name, amount, answeredAt }];
  });
}

/** What a later statement reads of a stored report's statement (status.statement); undefined without one. */
export function statementCarryOfStatus(status: { readonly statement?: NonNullable<SLAReport['status']>['statement'] } | undefined): StatementCarry | undefined {
  const s = status?.statement;
  return s === undefined ? undefined : carryOf(s);
}
