import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { computeMonthlyReport } from '../../domain/tenant.ts';
import { lookUpCatalogItem } from '../../domain/catalog.ts';
import { catalogItemsToDomain, type ChangeCatalog } from './change-catalog.ts';
import type { ChangeRequest } from './change-request.ts';
import { reportStatusFromDomain } from './from-domain.ts';
import type { Incident } from './incident.ts';
import type { MaintenanceWindow } from './maintenance-window.ts';
import type { ManagedFunction } from './managed-function.ts';
import type { ManagedTenant } from './managed-tenant.ts';
import type { ServiceUnit } from './service-unit.ts';
import { SLAReportStatus } from './sla-report.ts';
import type { SupportContract } from './support-contract.ts';
import {
  type AnyResource, type ReportObjects, catalogToDomain, changeToDomain, changeTokens, functionUnits, matchesSelector, parseGoDuration, parseManifest, reportInputToDomain, scheduleToDomain, unitToDomain,
} from './to-domain.ts';
import { windowScopeDigest } from './maintenance-window.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'config', 'samples');
const files = (parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
const raw = files.flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as { kind: string }));

function sampleObjects(): ReportObjects {
  const parsed = raw.filter((o) => o.kind !== 'Namespace').map((o) => {
    const result = parseManifest(o);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.value;
  });
  const of = <T extends AnyResource>(kind: string) => parsed.filter((o): o is T => o.kind === kind);
  return {
    tenant: of<ManagedTenant>('ManagedTenant')[0],
    contract: of<SupportContract>('SupportContract')[0]!,
    units: of<ServiceUnit>('ServiceUnit'),
    functions: of<ManagedFunction>('ManagedFunction'),
    incidents: of<Incident>('Incident'),
    changes: of<ChangeRequest>('ChangeRequest'),
    maintenanceWindows: of<MaintenanceWindow>('MaintenanceWindow'),
  };
}

describe('parseGoDuration', () => {
  it.each([
    ['4h', 14_400], ['2h30m', 9_000], ['1.5h', 5_400], ['90s', 90], ['500ms', 0.5], ['1h0m30s', 3_630],
  ])('%s = %d s', (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds, 9);
  });
  it.each(['', '4', '1d', '4 hours', 'h', '-1h'])('%j is not a Go duration', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('matchesSelector', () => {
  const labels = { app: 'erp', tier: 'db' };
  it.each([
    [undefined, true],
    [{}, true],
    [{ matchLabels: { app: 'erp' } }, true],
    [{ matchLabels: { app: 'crm' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['db', 'web'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['db'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' as const, values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const }] }, false],
    [{ matchLabels: { app: 'erp' }, matchExpressions: [{ key: 'zone', operator: 'Exists' as const }] }, false],
  ])('%j → %s', (selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });
});

describe('parseManifest', () => {
  it('applies the defaults the API server would', () => {
    const result = parseManifest({
      apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit', metadata: { name: 'u' },
      spec: { level: 'OS', targets: [{ kind: 'VirtualMachine', name: 'vm' }], environment: 'Production', monitoring: { tcpSocket: { host: 'h', port: 22 } } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'ServiceUnit') return;
    expect(result.value.spec).toMatchObject({ buildModel: 'FullBuild', monitoring: { period: '30s', timeout: '5s', failureThreshold: 3, incidentPriority: 'P1' } });
    // No schema default for the level-3 owner: it depends on the level (domain.md §2), levelThreeOwnerOf.
    expect(result.value.spec.levelThreeOwner).toBeUndefined();
  });

  it('names the fields in error', () => {
    const result = parseManifest({ apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit', metadata: { name: 'u' }, spec: { level: 'Network', targets: [{ kind: 'Box', name: 'vm' }] } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['spec.level', 'spec.targets[0].kind', 'spec.environment']));
  });

  it('refuses other kinds', () => {
    expect(parseManifest({ kind: 'Pod' })).toMatchObject({ ok: false, errors: [{ path: 'kind' }] });
  });
});

describe('toDomain on the samples', () => {
  const objects = sampleObjects();
  const converted = reportInputToDomain(objects);

  it('converts the whole tenant', () => {
    if (!converted.ok) throw new Error(JSON.stringify(converted.errors));
    const input = converted.value;
    expect(input.calendar).toEqual({ timeZone: 'Europe/Paris', holidayCountry: 'FR', businessDayStart: '09:00', businessDayEnd: '18:00' });
    expect(input.contract).toMatchObject({ currency: 'EUR', payAsYouGoTokenPrice: 95, supportLevels: { Production: 'Premium', PreProduction: 'Standard' }, monthlyRecurringCharge: 8200 });
    expect(input.units).toHaveLength(9);
    const fn = (name: string) => input.functions.find((f) => f.name === name)!;
    expect(fn('databases').units).toEqual(['db-erp-pp01', 'db-erp01']);
    expect(fn('erp').units).toEqual(['app-erp']);
    expect(fn('customer-portal')).toMatchObject({ units: ['app-portal'], customerPortal: true });
    const window = input.maintenanceWindows.find((w) => w.name === 'security-patching')!;
    expect(window.unitNames).toEqual(['db-erp-pp01', 'db-erp01', 'mw-erp01', 'os-files01']);
    expect(window.schedule).toMatchObject({ timeZone: 'Europe/Paris', durationSeconds: 14_400, recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '22:00' } });
    const incident = input.incidents.find((i) => i.name === 'inc-20261021-db-slow')!;
    expect(incident.exclusions).toEqual([{ start: new Date('2026-10-21T13:00:00Z'), end: new Date('2026-10-21T15:00:00Z') }]);
    // issue 13: the statement's terms (config/samples/supportcontract.yaml) and the work time (incidents.yaml).
    expect(input.contract).toMatchObject({ ticketQuota: 40, ticketPrices: { Premium: 85, Standard: 60, Initial: 45, NoSLA: 30 }, syntecIndices: [{ year: 2026, index: 298.7 }] });
    expect(incident.workMinutes).toBe(150);
    expect(input.changes.find((c) => c.name === 'chg-20261102-sso')).toMatchObject({ tokens: 12, quotedAt: new Date('2026-11-05T09:30:00Z') });
  });

  it('yields a report that SLAReport.status accepts', () => {
    if (!converted.ok) throw new Error(JSON.stringify(converted.errors));
    const report = computeMonthlyReport(converted.value, '2026-10', new Date('2026-11-10T00:00:00Z'));
    const status = reportStatusFromDomain(report);
    expect(SLAReportStatus.safeParse(status).error).toBeUndefined();
    expect(status.functions).toHaveLength(7);
    expect(status.gtr?.incidents?.map((i) => i.name)).toContain('inc-20261014-erp-down');
  });
});

describe('toDomain errors name the object and the field', () => {
  it('reports a unit that cannot be measured and a reference to a missing unit', () => {
    const objects = sampleObjects();
    const unit = structuredClone(objects.units[0]!);
    unit.spec.subscription = { start: 'first of May' };
    const incident = structuredClone(objects.incidents[0]!);
    incident.spec.unitRefs = [{ name: 'ghost' }];
    const result = reportInputToDomain({ ...objects, units: [unit, ...objects.units.slice(1)], incidents: [incident] });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: `ServiceUnit/${unit.metadata.name}: spec.subscription.start`, message: "'first of May' is not an RFC 3339 instant" },
        { path: `Incident/${incident.metadata.name}: spec.unitRefs[0].name`, message: "no ServiceUnit named 'ghost' in the tenant" },
      ],
    });
  });

  it('a release on a unit that is not at level Application is refused offline, naming the change and the field (seed Table 1)', () => {
    const objects = sampleObjects();
    const release = structuredClone(objects.changes[0]!);
    // The samples' first change is on db-erp01, a Database unit.
    release.spec.release = true;
    const onApp = structuredClone(release);
    onApp.metadata.name = 'release-erp';
    onApp.spec.unitRefs = [{ name: 'app-erp' }];
    expect(reportInputToDomain({ ...objects, changes: [release, onApp] })).toEqual({
      ok: false,
      errors: [{
        path: `ChangeRequest/${release.metadata.name}: spec.unitRefs[0]`,
        message: "ServiceUnit 'db-erp01' is at level Database: a release (spec.release) is a change on a managed application, level Application (seed Table 1)",
      }],
    });
    expect(reportInputToDomain({ ...objects, changes: [onApp] }).ok).toBe(true);
  });

  it('offline, a patch campaign on an Application unit and an incident naming a change that is no declined campaign are refused, naming the object and the field (seed §5.9.2, §9.10)', () => {
    const objects = sampleObjects();
    // The samples' first change is on db-erp01, a Database unit: a campaign there is fine.
    const campaign = structuredClone(objects.changes[0]!);
    campaign.metadata.name = 'patch-db';
    campaign.spec.initiator = 'Provider';
    campaign.spec.patch = { patches: ['PostgreSQL 16.6'] };
    campaign.spec.approval = { decision: 'Rejected', approvedBy: 'alice', decidedAt: '2026-10-01T08:00:00Z' };
    const onApp = structuredClone(campaign);
    onApp.metadata.name = 'patch-app';
    onApp.spec.unitRefs = [{ name: 'app-erp' }];
    const incident = structuredClone(objects.incidents[0]!);
    incident.spec.cause = 'Client';
    incident.spec.declinedPatchRef = { name: 'patch-db' };
    const naming = (ref: string) => ({ ...incident, spec: { ...incident.spec, declinedPatchRef: { name: ref } } });
    expect(reportInputToDomain({ ...objects, changes: [campaign], incidents: [incident] }).ok).toBe(true);
    expect(reportInputToDomain({ ...objects, changes: [campaign, onApp, objects.changes[1]!], incidents: [naming(objects.changes[1]!.metadata.name), naming('ghost')] })).toEqual({
      ok: false,
      errors: [
        { path: 'ChangeRequest/patch-app: spec.unitRefs[0]', message: "ServiceUnit 'app-erp' is at level Application: a patch campaign (spec.patch) is on OS, Database, Middleware units only (seed §5.9.2)" },
        { path: `Incident/${incident.metadata.name}: spec.declinedPatchRef`, message: `ChangeRequest '${objects.changes[1]!.metadata.name}' is not a patch campaign the client declined: it is not a patch campaign (no spec.patch)` },
        { path: `Incident/${incident.metadata.name}: spec.declinedPatchRef`, message: "no ChangeRequest named 'ghost' in the tenant" },
      ],
    });
  });

  it('without spec.subscription the unit is subscribed throughout (no proration), whenever it was created', () => {
    const unit = structuredClone(sampleObjects().units[0]!);
    delete unit.spec.subscription;
    unit.metadata.creationTimestamp = '2026-05-04T10:00:00Z';
    expect(unitToDomain(unit)).toMatchObject({ ok: true, value: { subscription: { start: new Date(0), end: undefined } } });
  });

  it('a function groups the units of its family that its selector matches', () => {
    const { functions, units } = sampleObjects();
    const app = functions.find((f) => f.spec.family === 'Application' && f.spec.selector !== undefined)!;
    const labelled = units.filter((u) => matchesSelector(app.spec.selector, u.metadata.labels ?? {}));
    const os = structuredClone(labelled[0]!);
    os.metadata.name = 'same-labels-other-family';
    os.spec.level = 'OS';
    delete os.spec.family;
    expect(functionUnits(app, [...units, os])).not.toContain('same-labels-other-family');
  });

  it.each([['1500µs', 0.0015], ['1500μs', 0.0015], ['2h30m', 9000]])('parses the Go duration %s', (text, seconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(seconds, 9);
  });

  it("maps the domain's schedule checks to the window's fields", () => {
    const window = structuredClone(sampleObjects().maintenanceWindows[0]!);
    window.spec.recurrence = { rrule: 'FREQ=WEEKLY;BYDAY=2TU', startTime: '22:00' };
    window.spec.timeZone = 'Mars/Olympus';
    const result = scheduleToDomain(window);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual(['spec.recurrence.rrule', 'spec.timeZone']);
  });
});

describe('bounds in toDomain, for objects stored before the schema had them (issue 20)', () => {
  const objects = sampleObjects();
  const contract = objects.contract;
  const withSpec = <T extends { spec: object }>(o: T, spec: Partial<T['spec']>): T => ({ ...o, spec: { ...o.spec, ...spec } });

  it.each([
    ['start 9999', { start: '9999-01-01' }, "spec.start: '9999-01-01': year must be 1970 to 2200"],
    ['token price -0', { prices: { ...contract.spec.prices, tokenPrice: -0 } }, 'spec.prices.tokenPrice: must not be -0'],
    ['token price 1e308', { prices: { ...contract.spec.prices, tokenPrice: 1e308 } }, 'spec.prices.tokenPrice: 1e+308 is not an amount from 0 to 1000000000'],
    ['token pack 2^31', { monthlyTokens: 2 ** 31 }, 'spec.monthlyTokens: 2147483648 is not an integer from 0 to 100000'],
    ['reversibility in year 1', { reversibilityStart: '0001-01-01T00:00:00Z' }, "spec.reversibilityStart: '0001-01-01T00:00:00Z': year must be 1970 to 2200"],
    // issue 13: a quota with no ticket prices (stored while the webhook was down), a ticket price -0, a quota beyond the bound.
    ['a ticket quota and no ticket prices', { monthlyTickets: 40, prices: { currency: 'EUR', tokenPrice: 95 } }, 'spec.monthlyTickets: a ticket quota needs the ticket prices in force with it (spec.prices.ticketPrices): the overage is billed at them (seed §9.5–§9.6)'],
    ['a NoSLA ticket price -0', { prices: { ...contract.spec.prices, ticketPrices: { Premium: 85, Standard: 60, Initial: 45, NoSLA: -0 } } }, 'spec.prices.ticketPrices.NoSLA: must not be -0'],
    ['a ticket quota 2^31', { monthlyTickets: 2 ** 31 }, 'spec.monthlyTickets: 2147483648 is not an integer from 0 to 25000'],
  ])('a contract with %s is refused, naming the field', (_what, spec, message) => {
    const converted = reportInputToDomain({ ...objects, contract: withSpec(contract, spec as Partial<SupportContract['spec']>) });
    expect(converted.ok).toBe(false);
    expect(converted.ok ? [] : converted.errors.map((e) => `${e.path}: ${e.message}`)).toContain(`SupportContract/${contract.metadata.name}: ${message}`);
  });

  it('an instant whose UTC year is 2201 is refused though written in 2200; one of 1970 in UTC is accepted', () => {
    const unit = objects.units[0]!;
    // 2200-12-31T23:00:00-05:00 is 2201-01-01T04:00:00Z; 1970-01-01T00:30:00-01:00 is 01:30Z the same day.
    const late = unitToDomain(withSpec(unit, { subscription: { start: '2200-12-31T23:00:00-05:00' } }));
    expect(late.ok ? [] : late.errors.map((e) => e.path)).toEqual(['spec.subscription.start']);
    expect(unitToDomain(withSpec(unit, { subscription: { start: '1970-01-01T00:30:00-01:00' } })).ok).toBe(true);
  });

  it('a window whose schedule yields nothing is refused at spec.recurrence.rrule, a one-off in 9999 at spec.start', () => {
    const window = objects.maintenanceWindows.find((w) => w.spec.recurrence !== undefined)!;
    const never = scheduleToDomain(withSpec(window, { recurrence: { ...window.spec.recurrence!, rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' } }));
    expect(never.ok ? [] : never.errors.map((e) => e.path)).toEqual(['spec.recurrence.rrule']);
    const oneOff = scheduleToDomain(withSpec(window, { recurrence: undefined, start: '9999-06-01T00:00:00Z' }));
    expect(oneOff.ok ? [] : oneOff.errors.map((e) => e.path)).toEqual(['spec.start']);
  });
});

describe('a window\'s approvals (domain.md §11)', () => {
  const objects = sampleObjects();
  // The sample security-patching: 2nd Tuesday 22:00 Paris, requiresClientApproval; 8 Dec 2026 21:00Z is one.
  const window = objects.maintenanceWindows.find((w) => w.metadata.name === 'security-patching')!;
  const stamp = { approvedBy: { username: 'alice', contact: 'alice' }, approvedAt: '2026-12-01T10:00:00Z', scopeDigest: windowScopeDigest(window.spec) };
  const starts = (approvals: unknown[], change: Partial<typeof window.spec> = {}) => {
    const r = scheduleToDomain({ ...window, spec: { ...window.spec, ...change, approvals } } as typeof window);
    return r.ok ? r.value.approvals?.approvedStarts.map((d) => d.toISOString()) : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  it.each<[string, unknown[], string[]]>([
    ['stamped, before its occurrence: counts', [{ occurrence: '2026-12-08T22:00:00+01:00', ...stamp }], ['2026-12-08T21:00:00.000Z']],
    ['unstamped (written without the webhook): does not count', [{ occurrence: '2026-12-08T21:00:00Z' }], []],
    ['stamped after its occurrence started: does not count', [{ occurrence: '2026-12-08T21:00:00Z', ...stamp, approvedAt: '2026-12-08T21:00:01Z' }], []],
    ['the same occurrence twice, in two offsets: refused', [{ occurrence: '2026-12-08T21:00:00Z', ...stamp }, { occurrence: '2026-12-08T22:00:00+01:00', ...stamp }], ['spec.approvals[1].occurrence: 2026-12-08T22:00:00+01:00 is approved twice: one approval an occurrence']],
  ])('%s', (_name, approvals, expected) => {
    expect(starts(approvals)).toEqual(expected);
  });
  it('a change of the window after the approval voids it: 4 h made 6 h, another selector', () => {
    const approvals = [{ occurrence: '2026-12-08T21:00:00Z', ...stamp }];
    expect(starts(approvals, { duration: '6h' })).toEqual([]);
    expect(starts(approvals, { selector: {} })).toEqual([]);
    // requiresClientApproval and the approvals themselves are not the scope approved.
    expect(starts(approvals, { description: window.spec.description })).toEqual(['2026-12-08T21:00:00.000Z']);
  });
  it('requiresClientApproval without approvals: required, nothing approved', () => {
    const r = scheduleToDomain(window);
    expect(r.ok ? r.value.approvals : undefined).toEqual({ required: true, approvedStarts: [] });
  });
  // The yearly patch plan (seed §5.8): a year, stamped, of the window as it still is.
  const plans = (approvals: unknown[], change: Partial<typeof window.spec> = {}) => {
    const r = scheduleToDomain({ ...window, spec: { ...window.spec, ...change, approvals } } as typeof window);
    return r.ok ? r.value.approvals?.approvedYears?.map((p) => `${p.year}@${p.approvedAt.toISOString()}`) ?? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  it.each<[string, unknown[], Partial<typeof window.spec>, string[]]>([
    ['stamped: counts', [{ year: 2027, ...stamp }], {}, ['2027@2026-12-01T10:00:00.000Z']],
    ['unstamped: does not count', [{ year: 2027 }], {}, []],
    ['the window lengthened afterwards: void', [{ year: 2027, ...stamp }], { duration: '6h' }, []],
    ['the same year twice: refused', [{ year: 2027, ...stamp }, { year: 2027, ...stamp }], {}, ['spec.approvals[1].year: 2027 is approved twice: one plan a year']],
    ['a plan beside an occurrence\'s approval', [{ year: 2027, ...stamp }, { occurrence: '2026-12-08T21:00:00Z', ...stamp }], {}, ['2027@2026-12-01T10:00:00.000Z']],
    ['on a Maintenance window: refused (a stored object the CEL rule did not see)', [{ year: 2027, ...stamp }], { purpose: 'Maintenance' }, ['spec.approvals[0].year: a yearly plan approves a SecurityPatching window only (seed §5.8)']],
  ])('a yearly plan %s', (_name, approvals, change, expected) => {
    expect(plans(approvals, change)).toEqual(expected);
  });
});

describe('the change catalogue in toDomain (issue 14 item 5)', () => {
  const items = [{ id: 'middleware.jvm.tuning', category: 'StandardComplex' as const, tokens: 4 }];
  const change = (spec: Partial<ChangeRequest['spec']>): ChangeRequest => ({
    apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', metadata: { name: 'c' },
    spec: { unitRefs: [{ name: 'u' }], category: 'StandardComplex', catalogItem: 'middleware.jvm.tuning', summary: 's', accelerated: false, outsideBusinessHours: false, release: false, initiator: 'Client', requestedAt: '2026-11-02T09:00:00Z', ...spec },
  });
  it.each([
    ['not stamped, no tokens: its item\'s 4', change({}), items, 4],
    ['not stamped, no tokens, no catalogue: 0 until it comes', change({}), undefined, 0],
    ['an unknown item: 0', change({ catalogItem: 'x' }), items, 0],
    ['its own tokens (stamped or recorded): 3, whatever the catalogue says', change({ tokens: 3 }), items, 3],
    ['NonStandard: the quote, 7', change({ category: 'NonStandard', catalogItem: undefined, validation: { decision: 'Accepted', validatedBy: 'p', validatedAt: '2026-11-03T09:00:00Z', quoteTokens: 7 } }), items, 7],
  ])('%s', (_name, c, catalog, tokens) => {
    expect(changeTokens(c, catalog)).toBe(tokens);
    const converted = changeToDomain(c, catalog);
    expect(converted.ok && converted.value.tokens).toBe(tokens);
  });

  it('catalogToDomain names an item whose tokens break its category, and one listed twice', () => {
    const catalog: ChangeCatalog = {
      apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeCatalog', metadata: { name: 'standard' },
      spec: { items: [{ id: 'a', title: 'a', category: 'StandardSimple', tokens: 1 }, { id: 'a', title: 'a', category: 'StandardComplex', tokens: 1 }] },
    };
    const converted = catalogToDomain(catalog);
    expect(converted.ok ? [] : converted.errors).toEqual([
      { path: 'spec.items[1].tokens', message: 'a StandardComplex item is more than 1 token, not 1 (domain.md §7)' },
      { path: 'spec.items[1].id', message: "'a' is listed twice" },
    ]);
  });

  it('report --offline: a standard change without tokens is priced from the files\' catalogue, and refused naming the field without its item', () => {
    const objects = sampleObjects();
    const first = objects.changes.find((c) => c.spec.category === 'StandardComplex')!;
    const unpriced = { ...first, spec: { ...first.spec, tokens: undefined } };
    const changes = objects.changes.map((c) => (c === first ? unpriced : c));
    const without = reportInputToDomain({ ...objects, changes });
    expect(without.ok ? [] : without.errors).toEqual([
      { path: `ChangeRequest/${first.metadata.name}: spec.catalogItem`, message: `no ChangeCatalog in the namespace: item '${first.spec.catalogItem ?? ''}' cannot be priced yet` },
    ]);
    const catalog = catalogItemsToDomain(raw.find((o) => o.kind === 'ChangeCatalog') as ChangeCatalog);
    const priced = reportInputToDomain({ ...objects, changes, catalog });
    // chg-20261019-mw-tuning names middleware.jvm.tuning: 4 tokens in the sample catalogue, as it wrote.
    expect(priced.ok && priced.value.changes.find((c) => c.name === first.metadata.name)?.tokens).toBe(4);
  });

  it('the samples: every standard change names an item of the sample catalogue, of its category, with its tokens', () => {
    const catalog = raw.find((o) => o.kind === 'ChangeCatalog') as ChangeCatalog | undefined;
    expect(catalog).toBeDefined();
    const domainItems = catalogItemsToDomain(catalog!);
    for (const c of sampleObjects().changes.filter((x) => x.spec.category !== 'NonStandard')) {
      const found = lookUpCatalogItem(c.spec, domainItems);
      expect(found.ok ? found.item.tokens : found.message, c.metadata.name).toBe(c.spec.tokens);
    }
  });
});
