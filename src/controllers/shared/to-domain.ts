// From the typed cached objects to the domain's plain inputs (style.md item 4). The API engineer's
// src/api/v1alpha1/to-domain.ts did not exist when the controllers were written; these are the
// conversions the controllers need, kept in one place so that they can move there unchanged.
import { DateTime } from 'luxon';
import {
  DEFAULT_CALENDAR, DEFAULT_SUPPORT_LEVEL, prerequisitesValidated, REVERSIBILITY_MONTHS, type ChangeContext, type ChangeUnit, type Interval,
  type RestorationContext, type RestorationUnit, type BusinessCalendar, type ChangeInput, type ContractInput, type Environment, type FunctionFamily,
  type FunctionInput, type IncidentInput, type MaintenanceSchedule, type MaintenanceWindowInput, type ManagementLevel, type SupportLevel,
  type UnitInput,
} from '../../domain/index.ts';
import type { LabelSelector } from '../../api/v1alpha1/index.ts';
import type { ChangeObj, ContractObj, FunctionObj, IncidentObj, TenantObj, UnitObj, WindowObj } from './kinds.ts';

const GO_DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration (`90m`, `2h30m`) in seconds; the schema's pattern guarantees the syntax. */
export function goDurationSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(GO_DURATION_PART)) total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  return total;
}

/** metav1.LabelSelector semantics: every matchLabels pair and every expression must hold; empty matches all. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const value = labels[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': if (value === undefined || !values.includes(value)) return false; break;
      case 'NotIn': if (value !== undefined && values.includes(value)) return false; break;
      case 'Exists': if (value === undefined) return false; break;
      case 'DoesNotExist': if (value !== undefined) return false; break;
    }
  }
  return true;
}

/** The tenant's business calendar; the contract's default (domain.md §4) while no tenant exists. */
export function calendarOf(tenant: TenantObj | undefined): BusinessCalendar {
  if (tenant === undefined) return DEFAULT_CALENDAR;
  const c = tenant.spec.calendar;
  return { timeZone: c.timeZone, holidayCountry: c.holidayCountry, businessDayStart: c.businessHours.start, businessDayEnd: c.businessHours.end };
}

/**
 * Support levels in force per environment: the contract's status (effective levels, which lag a
 * raise until the 1st of the next month) when it has one, else its spec.
 */
export function supportLevelsOf(contract: ContractObj): Partial<Record<Environment, SupportLevel>> {
  const out: Partial<Record<Environment, SupportLevel>> = {};
  for (const l of contract.spec.supportLevels) out[l.environment] = l.level;
  for (const l of contract.status?.effectiveSupportLevels ?? []) out[l.environment] = l.level;
  return out;
}

export function contractInput(contract: ContractObj): ContractInput {
  return {
    currency: contract.spec.prices.currency,
    supportLevels: supportLevelsOf(contract),
    payAsYouGoTokenPrice: contract.spec.prices.tokenPrice,
    reversibilityStart: contract.spec.reversibilityStart === undefined ? undefined : new Date(contract.spec.reversibilityStart),
    acceleratedChangesPerYear: contract.spec.acceleratedChangesPerYear,
  };
}

/** The family a unit counts in: spec.family, else the family named like its level (domain.md §1). */
export function familyOf(unit: UnitObj): FunctionFamily {
  return unit.spec.family ?? (unit.spec.level satisfies ManagementLevel);
}

/** A unit without a subscription period is subscribed "forever" as far as any month goes. */
const ALWAYS = new Date(0);

export function unitInput(unit: UnitObj, tenant: TenantObj | undefined): UnitInput {
  const sub = unit.spec.subscription;
  return {
    name: unit.name,
    level: unit.spec.level,
    environment: unit.spec.environment,
    targets: unit.spec.targets,
    subscription: { start: sub === undefined ? ALWAYS : new Date(sub.start), end: sub?.end === undefined ? undefined : new Date(sub.end) },
    prerequisites: unit.spec.prerequisites?.validated ?? [],
    coManaged: tenant?.spec.managementModel === 'CoManaged',
    levelThreeOwner: unit.spec.levelThreeOwner,
    labels: unit.labels,
  };
}

export function unitValidated(unit: UnitObj): boolean {
  return prerequisitesValidated(unit.spec.prerequisites?.validated ?? []);
}

/** domain.md §1: a function groups the units of its family its selector matches (Application: the selector is required by the schema). */
export function functionMembers(fn: FunctionObj, units: readonly UnitObj[]): UnitObj[] {
  return units.filter((u) => familyOf(u) === fn.spec.family && selectorMatches(fn.spec.selector, u.labels));
}

export function functionInput(fn: FunctionObj, units: readonly UnitObj[]): FunctionInput {
  return { name: fn.name, family: fn.spec.family, units: functionMembers(fn, units).map((u) => u.name), monthlyCharge: fn.spec.monthlyCharge, customerPortal: fn.spec.customerPortal };
}

export function incidentInput(incident: IncidentObj): IncidentInput {
  const s = incident.spec;
  return {
    name: incident.name,
    unitNames: s.unitRefs.map((r) => r.name),
    priority: s.priority,
    openedAt: new Date(s.openedAt),
    resolvedAt: s.resolvedAt === undefined ? undefined : new Date(s.resolvedAt),
    cause: s.cause,
    exclusions: (s.exclusions ?? []).map((e) => ({ start: new Date(e.start), end: new Date(e.end) })),
  };
}

/** Catalogue tokens, or the provider's quote of a non-standard change (0 until quoted). */
export function changeTokens(change: ChangeObj): number {
  return change.spec.tokens ?? change.spec.validation?.quoteTokens ?? 0;
}

export function changeInput(change: ChangeObj): ChangeInput {
  const s = change.spec;
  return {
    name: change.name,
    unitNames: s.unitRefs.map((r) => r.name),
    category: s.category,
    tokens: changeTokens(change),
    accelerated: s.accelerated,
    outsideBusinessHours: s.outsideBusinessHours,
    initiator: s.initiator,
    requestedAt: new Date(s.requestedAt),
    completedAt: s.completedAt === undefined ? undefined : new Date(s.completedAt),
    quotedAt: s.validation === undefined ? undefined : new Date(s.validation.validatedAt),
  };
}

export function scheduleOf(window: WindowObj): MaintenanceSchedule {
  const s = window.spec;
  const r = s.recurrence;
  return {
    timeZone: s.timeZone,
    durationSeconds: goDurationSeconds(s.duration),
    ...(r !== undefined
      ? { recurrence: { rrule: r.rrule, startTime: r.startTime, ...(r.from !== undefined ? { from: new Date(r.from) } : {}), ...(r.until !== undefined ? { until: new Date(r.until) } : {}) } }
      : {}),
    ...(s.start !== undefined ? { oneOff: { start: new Date(s.start) } } : {}),
  };
}

export function windowInput(window: WindowObj, units: readonly UnitObj[]): MaintenanceWindowInput {
  return {
    name: window.name,
    schedule: scheduleOf(window),
    unitNames: units.filter((u) => selectorMatches(window.spec.selector, u.labels)).map((u) => u.name),
    excludeFromAvailability: window.spec.excludeFromAvailability,
  };
}

/** The reversibility (exit) period of domain.md §8, from its start. */
export function reversibilityOf(contract: ContractObj, timeZone: string): Interval | undefined {
  const start = contract.spec.reversibilityStart;
  if (start === undefined) return undefined;
  const s = new Date(start);
  return { start: s, end: DateTime.fromJSDate(s, { zone: timeZone }).plus({ months: REVERSIBILITY_MONTHS }).toJSDate() };
}

/** GTR's view of the namespace: calendar, support levels in force, reversibility. */
export function restorationContext(contract: ContractObj, tenant: TenantObj | undefined): RestorationContext {
  const calendar = calendarOf(tenant);
  const levels = supportLevelsOf(contract);
  return { calendar, supportLevelOf: (env) => levels[env] ?? DEFAULT_SUPPORT_LEVEL, reversibility: reversibilityOf(contract, calendar.timeZone) };
}

/** GTC's view of the namespace. */
export function changeContext(contract: ContractObj, tenant: TenantObj | undefined): ChangeContext {
  const levels = supportLevelsOf(contract);
  return { calendar: calendarOf(tenant), supportLevelOf: (env) => levels[env] ?? DEFAULT_SUPPORT_LEVEL, payAsYouGoTokenPrice: contract.spec.prices.tokenPrice };
}

export function restorationUnit(unit: UnitObj, tenant: TenantObj | undefined, computerVision: boolean): RestorationUnit {
  const input = unitInput(unit, tenant);
  return {
    name: unit.name,
    environment: unit.spec.environment,
    coManaged: input.coManaged,
    levelThreeOwner: unit.spec.levelThreeOwner,
    prerequisitesValidated: unitValidated(unit),
    computerVision,
    subscription: input.subscription,
  };
}

export function changeUnit(unit: UnitObj): ChangeUnit {
  const sub = unit.spec.subscription;
  return {
    name: unit.name,
    environment: unit.spec.environment,
    prerequisitesValidated: unitValidated(unit),
    subscription: { start: sub === undefined ? ALWAYS : new Date(sub.start), end: sub?.end === undefined ? undefined : new Date(sub.end) },
  };
}
