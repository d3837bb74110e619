// Every status is a projection of the tenant's one evaluation (issue 11 item 3, design.md §2): for
// generated tenants and instants, the statuses the controllers would write (their own facts and
// status builders over `evaluateTenant`, the cluster path: typed views, tenantInputToDomain) equal
// the matching rows of the report `report --offline` computes (reportInputToDomain,
// computeMonthlyReport, on the same objects), and agree with the domain's per-object functions called directly
// (unitAvailability, evaluateRestoration: the way the statuses were computed before, which
// disagreed with the report on an incident resolved after `now`).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { RESOURCE_SCHEMAS, calendarToDomain, changeToDomain, contractToDomain, incidentToDomain, levelThreeOwnerOf, reportInputToDomain, tenantInputToDomain, unitToDomain } from '../../src/api/v1alpha1/index.ts';
import { changeFacts } from '../../src/controllers/change/reconciler.ts';
import { changeFields } from '../../src/controllers/change/status.ts';
import { functionFacts } from '../../src/controllers/function/reconciler.ts';
import { functionFields, measure, slaMetCondition } from '../../src/controllers/function/status.ts';
import { incidentFacts } from '../../src/controllers/incident/reconciler.ts';
import { incidentFields } from '../../src/controllers/incident/status.ts';
import {
  SPEC_SCHEMAS, SpecParser, type ChangeObj, type ContractObj, type FunctionObj, type IncidentObj, type Stored, type TenantObj, type UnitObj,
} from '../../src/controllers/shared/kinds.ts';
import { availabilityField, type UnitFacts } from '../../src/controllers/unit/status.ts';
import {
  DEFAULT_SUPPORT_LEVEL, computeMonthlyReport, evaluateRestoration, evaluateTenant, monthOf, monthPeriod, prerequisitesValidated, roundPercent, unitAvailability, type RestorationUnit,
} from '../../src/domain/index.ts';
import { changeRequest, completedAt, contract, incident, managedFunction, openedAt, priority, requestedAt, resolvedAt, serviceUnit, supportLevel, tenant, withSpec, type Manifest } from '../integration/fixtures.ts';

const DAY = 86_400;
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const ALL_PREREQUISITES = ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'];

/** A manifest as the API server would store it: namespaced, created, its schema's defaults applied. */
function stored(m: Manifest, createdAt: number): Stored<never> {
  const kind = m.kind as keyof typeof RESOURCE_SCHEMAS;
  const parsed = RESOURCE_SCHEMAS[kind].safeParse({ ...m, metadata: { ...m.metadata, namespace: 'ns', creationTimestamp: iso(createdAt) } });
  if (!parsed.success) throw new Error(`generated ${m.kind}/${m.metadata.name} is invalid: ${parsed.error.message}`);
  return parsed.data as Stored<never>;
}

function typed<S, St>(parser: SpecParser<S, St>, raw: Stored<St>) {
  const p = parser.parse(raw);
  if (!p.ok) throw new Error(`generated ${raw.metadata?.name ?? ''} does not convert: ${p.error}`);
  return p.value;
}

interface Tenant {
  readonly now: number;
  readonly level: 'Standard' | 'Premium';
  readonly units: readonly { level: 'OS' | 'Database'; production: boolean; validated: boolean }[];
  readonly incidents: readonly { unit: number; p: number; cause: 'Provider' | 'IaaS' | 'Client'; ago: number; lasts: number | undefined }[];
  readonly changes: readonly { unit: number; complex: boolean; ago: number; lasts: number | undefined }[];
}

// Instants in 2026–2027 at whole seconds; records up to 40 days before now, resolutions up to 3
// days after their opening, so some fall after now (the regression of issue 11).
const tenants: fc.Arbitrary<Tenant> = fc.record({
  now: fc.integer({ min: Date.UTC(2026, 1, 15) / 1000, max: Date.UTC(2027, 11, 31) / 1000 }),
  level: fc.constantFrom('Standard' as const, 'Premium' as const),
  units: fc.array(fc.record({ level: fc.constantFrom('OS' as const, 'Database' as const), production: fc.boolean(), validated: fc.boolean() }), { minLength: 1, maxLength: 5 }),
  incidents: fc.array(fc.record({
    unit: fc.nat(4), p: fc.integer({ min: 1, max: 4 }), cause: fc.constantFrom('Provider' as const, 'IaaS' as const, 'Client' as const),
    ago: fc.integer({ min: 0, max: 40 * DAY }), lasts: fc.option(fc.integer({ min: 60, max: 3 * DAY }), { nil: undefined }),
  }), { maxLength: 8 }),
  changes: fc.array(fc.record({
    unit: fc.nat(4), complex: fc.boolean(), ago: fc.integer({ min: 0, max: 40 * DAY }), lasts: fc.option(fc.integer({ min: 60, max: 10 * DAY }), { nil: undefined }),
  }), { maxLength: 5 }),
});

function objectsOf(t: Tenant) {
  const created = t.now - 60 * DAY;
  const unitName = (i: number): string => `u${i % t.units.length}`;
  const units = t.units.map((u, i) => stored(serviceUnit(`u${i}`, withSpec({
    level: u.level, environment: u.production ? 'Production' : 'PreProduction',
    prerequisites: { validated: u.validated ? ALL_PREREQUISITES : ALL_PREREQUISITES.slice(0, 2) },
  })), created));
  const incidents = t.incidents.map((x, i) => stored(incident(`i${i}`, unitName(x.unit), priority(`P${x.p}`), withSpec({ cause: x.cause }), openedAt(iso(t.now - x.ago)),
    ...(x.lasts === undefined ? [] : [resolvedAt(iso(t.now - x.ago + x.lasts))])), created));
  const changes = t.changes.map((x, i) => stored(changeRequest(`c${i}`, unitName(x.unit), withSpec(x.complex ? { category: 'StandardComplex', tokens: 3 } : {}), requestedAt(iso(t.now - x.ago)),
    ...(x.lasts === undefined ? [] : [completedAt(iso(t.now - x.ago + x.lasts))])), created));
  return {
    tenant: stored(tenant('t'), created),
    contract: stored(contract('c', supportLevel('Production', t.level)), created),
    units,
    functions: [stored(managedFunction('os', 'OS'), created), stored(managedFunction('databases', 'Database'), created)],
    incidents,
    changes,
  };
}

/** The controllers' typed views of the objects (src/controllers/shared/kinds.ts, as shared/cache.ts builds them). */
function viewsOf(o: ReturnType<typeof objectsOf>) {
  const tenantView: TenantObj = typed(new SpecParser(SPEC_SCHEMAS.ManagedTenant, calendarToDomain), o.tenant);
  const contractView: ContractObj = typed(new SpecParser(SPEC_SCHEMAS.SupportContract, contractToDomain), o.contract);
  const units: UnitObj[] = o.units.map((u) => typed(new SpecParser(SPEC_SCHEMAS.ServiceUnit, (x: UnitObj) => unitToDomain(x)), u));
  const functions: FunctionObj[] = o.functions.map((f) => typed(new SpecParser(SPEC_SCHEMAS.ManagedFunction), f));
  const incidents: IncidentObj[] = o.incidents.map((i) => typed(new SpecParser(SPEC_SCHEMAS.Incident, incidentToDomain), i));
  const changes: ChangeObj[] = o.changes.map((c) => typed(new SpecParser(SPEC_SCHEMAS.ChangeRequest, changeToDomain), c));
  return { tenant: tenantView, contract: contractView, units, functions, incidents, changes, maintenanceWindows: [] };
}

function check(t: Tenant): void {
  const now = new Date(t.now * 1000);
  const objects = objectsOf(t);
  const views = viewsOf(objects);

  // Path A, the cluster's.
  const input = tenantInputToDomain(views);
  if (!input.ok) throw new Error(input.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  const ev = evaluateTenant(input.value, now);
  // Path B, the offline report's.
  const offline = reportInputToDomain(views);
  if (!offline.ok) throw new Error(offline.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  const month = monthOf(now, 'Europe/Paris');
  const report = computeMonthlyReport(offline.value, month, now);
  expect(ev.month).toBe(month);

  for (const fn of views.functions) {
    const facts = functionFacts(fn, ev);
    const m = measure(facts);
    const fields = functionFields(facts, m);
    const row = report.functions.find((r) => r.name === fn.name);
    expect(row).toBeDefined();
    expect(fields.availabilityPercent).toBe(row?.availabilityPercent);
    expect(fields.guaranteePercent).toBe(row?.guaranteePercent);
    expect(fields.productionUnits).toBe(row?.units);
    expect(slaMetCondition(facts, m).status === 'False').toBe((row?.gapPoints ?? 0) > 0);
    // The only production unit of a function: its status percent is the row's.
    const members = fields.units ?? [];
    if (members.length === 1) {
      const unit = views.units.find((u) => u.name === members[0]);
      const own = unit === undefined ? undefined : ev.unit(unit.name);
      const unitFields = own === undefined ? undefined : availabilityField({ month: ev.month, availability: own.availability } as Pick<UnitFacts, 'month' | 'availability'> as UnitFacts);
      expect(unitFields?.percent).toBe(row?.availabilityPercent);
    }
  }

  const tz = 'Europe/Paris';
  const period = monthPeriod(month, tz);
  for (const inc of views.incidents) {
    const status = incidentFields(incidentFacts(inc, ev, []));
    const row = report.gtr.incidents.find((r) => r.name === inc.name);
    if (row !== undefined) {
      expect(status.restorationDeadline).toBe(row.deadline);
      expect(status.coveredSeconds).toBe(Math.floor(row.coveredSeconds));
      expect(status.breached).toBe(row.late);
      expect(status.gtr?.applicable).toBe(row.applicable);
    }
    // Path C: the domain's per-object function, called directly with the incident as known at now.
    const record = incidentToDomain(inc);
    if (!record.ok) throw new Error('incident conversion');
    const known = record.value.resolvedAt !== undefined && record.value.resolvedAt > now ? { ...record.value, resolvedAt: undefined } : record.value;
    const onUnits: RestorationUnit[] = inc.spec.unitRefs.flatMap((r) => {
      const u = views.units.find((x) => x.name === r.name);
      return u === undefined ? [] : [{
        name: u.name, environment: u.spec.environment, coManaged: false, levelThreeOwner: levelThreeOwnerOf(u),
        prerequisitesValidated: prerequisitesValidated(u.spec.prerequisites?.validated ?? []), computerVision: false, subscription: { start: new Date(0) },
      }];
    });
    const direct = evaluateRestoration(known, onUnits, { calendar: input.value.calendar, supportLevelOf: (env) => (env === 'Production' ? t.level : DEFAULT_SUPPORT_LEVEL), reversibility: undefined }, now);
    expect(status.coveredSeconds).toBe(Math.floor(direct.coveredSeconds));
    expect(status.breached).toBe(direct.late);
  }

  for (const u of views.units) {
    // Path C for availability: the unit with its own P1 incidents, over the month, in its own family.
    const own = views.incidents.filter((i) => i.spec.unitRefs.some((r) => r.name === u.name)).flatMap((i) => {
      const r = incidentToDomain(i);
      return r.ok ? [r.value] : [];
    });
    const direct = unitAvailability({
      unit: { name: u.name, subscription: { start: new Date(0) }, coManaged: false, prerequisitesValidated: prerequisitesValidated(u.spec.prerequisites?.validated ?? []) },
      family: u.spec.level, incidents: own, maintenance: [],
    }, period, now);
    expect(ev.unit(u.name)?.availability.interruptionSeconds).toBe(direct.interruptionSeconds);
    expect(roundPercent(ev.unit(u.name)?.availability.availabilityPercent ?? -1)).toBe(roundPercent(direct.availabilityPercent));
  }

  for (const c of views.changes) {
    const status = changeFields(changeFacts(c, ev, { related: undefined, missingUnits: [], missingIncident: undefined }));
    const row = report.gtc.changes.find((r) => r.name === c.name);
    if (row === undefined) continue;
    expect(status.gtcDeadline).toBe(row.deadline);
    expect(status.coveredSeconds).toBe(Math.floor(row.coveredSeconds));
    expect(status.late).toBe(row.late);
    expect(status.gtc?.applicable).toBe(row.applicable);
    // Tokens and price: the status and the report's row read one evaluation (issue 12).
    expect(status.tokensCharged).toBe(row.tokensCharged);
    expect(status.price).toBe(row.price);
  }
}

describe('every status is a projection of the tenant\'s evaluation', () => {
  it('statuses equal the report\'s rows, and the per-object domain functions, for generated tenants and instants', () => {
    fc.assert(fc.property(tenants, (t) => { check(t); }), { numRuns: 150 });
  });

  it('a P1 resolved after now counts up to now: 2 h (7,200 s), on the unit, its function\'s row and the offline report, not 8 h', () => {
    // now = 2026-11-18T12:00:00Z; opened at 10:00, resolved at 18:00 (after now): as of now it is
    // open, so it has interrupted the unit from 10:00 to 12:00 = 2 h = 7,200 s (not 8 h = 28,800 s,
    // nor the 36,000 s the unit's status once counted).
    const now = Date.UTC(2026, 10, 18, 12) / 1000;
    const t: Tenant = { now, level: 'Premium', units: [{ level: 'OS', production: true, validated: true }], incidents: [{ unit: 0, p: 1, cause: 'Provider', ago: 2 * 3600, lasts: 8 * 3600 }], changes: [] };
    check(t);
    const views = viewsOf(objectsOf(t));
    const input = tenantInputToDomain(views);
    if (!input.ok) throw new Error('conversion');
    const ev = evaluateTenant(input.value, new Date(now * 1000));
    expect(ev.unit('u0')?.availability.interruptionSeconds).toBe(7_200);
    const report = computeMonthlyReport({ ...input.value, contract: input.value.contract ?? (() => { throw new Error('contract'); })() }, ev.month, new Date(now * 1000));
    expect(report.functions.find((f) => f.name === 'os')?.interruptionSeconds).toBe(7_200);
    // November 2026 in Paris: 30 days = 2,592,000 s; 100 × (1 − 7,200 / 2,592,000) = 99.72222… → 99.7222.
    expect(report.functions.find((f) => f.name === 'os')?.availabilityPercent).toBe(99.7222);
    expect(DateTime.fromSeconds(now, { zone: 'Europe/Paris' }).toFormat('yyyy-MM')).toBe('2026-11');
  });
});
