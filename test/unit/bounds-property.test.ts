// Issue 20: generated bad objects of every kind, thrown at the admission webhook (mutate and
// validate, called as the server calls them) and at the conversions the controllers run
// (toDomain, and for a window its status: the next occurrences). Whatever the body, the answer is
// a refusal naming a field, or an acceptance that the domain then computes without throwing:
// never a crash. (Never a hang: every expansion is bounded by the cap of src/domain/rrule.ts,
// which throws rather than runs on, and a throw fails this test; the time each case takes is
// measured against a deadline by test/bench/bounds.bench.ts, not asserted here.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RESOURCE_SCHEMAS, calendarToDomain, changeToDomain, contractToDomain, functionToDomain, incidentToDomain, problemToDomain, scheduleToDomain, unitToDomain, claimToDomain,
  type Conversion, type KindName,
} from '../../src/api/v1alpha1/index.ts';
import { windowOutcome } from '../../src/controllers/window/status.ts';
import { monthPeriod } from '../../src/domain/calendar.ts';
import type { AdmissionRequest, Verdict } from '../../src/webhooks/admission.ts';
import { mutate } from '../../src/webhooks/mutate.ts';
import { validate, type TenantView } from '../../src/webhooks/rules.ts';
import { applyJsonPatch } from '../support/json-patch.ts';

const NS = 'acme';
const NOW = new Date('2026-11-26T10:00:00Z');
const H = 'managedapps.dev/v1alpha1';
const meta = (name: string) => ({ name, namespace: NS, creationTimestamp: '2026-01-01T00:00:00Z' });

/** One valid object of each kind: the generated ones are these with bad values put in. */
const VALID: Record<KindName, Record<string, unknown>> = {
  ManagedTenant: {
    apiVersion: H, kind: 'ManagedTenant', metadata: meta('acme'),
    spec: { managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } }, contacts: [{ name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] }] },
  },
  SupportContract: {
    apiVersion: H, kind: 'SupportContract', metadata: meta('c'),
    spec: { start: '2026-01-01', commitmentMonths: 12, supportChain: 'FullFrance', supportLevels: [{ environment: 'Production', level: 'Standard' }], subscribedLevels: ['OS'], prices: { currency: 'EUR', tokenPrice: 95, monthlyFees: [{ name: 'run', amount: 1000 }], monthlyMinimum: 10 }, monthlyTokens: 10, acceleratedChangesPerYear: 6, reversibilityStart: '2027-06-01T00:00:00Z' },
  },
  ServiceUnit: {
    apiVersion: H, kind: 'ServiceUnit', metadata: meta('u'),
    spec: { level: 'OS', environment: 'Production', buildModel: 'FullBuild', levelThreeOwner: 'Provider', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }], subscription: { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' }, prerequisites: { validated: ['Monitoring'], validatedAt: '2026-01-02T00:00:00Z' } },
  },
  ManagedFunction: { apiVersion: H, kind: 'ManagedFunction', metadata: meta('f'), spec: { family: 'OS', customerPortal: false, monthlyCharge: 1200 } },
  Incident: {
    apiVersion: H, kind: 'Incident', metadata: meta('i'),
    spec: { unitRefs: [{ name: 'u' }], priority: 'P2', summary: 's', detection: 'Client', openedAt: '2026-11-20T10:00:00Z', resolvedAt: '2026-11-20T12:00:00Z', cause: 'Unknown', exclusions: [{ start: '2026-11-20T10:30:00Z', end: '2026-11-20T11:00:00Z', reason: 'IaaS' }] },
  },
  ChangeRequest: {
    apiVersion: H, kind: 'ChangeRequest', metadata: meta('ch'),
    spec: { unitRefs: [{ name: 'u' }], category: 'StandardComplex', catalogItem: 'x', summary: 's', tokens: 3, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: '2026-11-20T10:00:00Z', completedAt: '2026-11-21T10:00:00Z' },
  },
  ChangeCatalog: {
    apiVersion: H, kind: 'ChangeCatalog', metadata: meta('cat'),
    spec: { items: [{ id: 'x', title: 't', category: 'StandardComplex', tokens: 3 }] },
  },
  Problem: {
    apiVersion: H, kind: 'Problem', metadata: meta('p'),
    spec: { summary: 's', incidentRefs: [{ name: 'i', namespace: NS }], changeRef: { name: 'ch' }, openedAt: '2026-11-21T10:00:00Z', closedAt: '2026-11-25T10:00:00Z', resolution: 'fixed' },
  },
  MaintenanceWindow: {
    apiVersion: H, kind: 'MaintenanceWindow', metadata: meta('w'),
    spec: { purpose: 'Maintenance', recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '22:00', from: '2026-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z' }, duration: '4h', timeZone: 'Europe/Paris', selector: {}, excludeFromAvailability: true, requiresClientApproval: false },
  },
  SLAReport: { apiVersion: H, kind: 'SLAReport', metadata: meta('c-2026-10'), spec: { contractRef: { name: 'c' }, month: '2026-10' } },
  SLAClaim: {
    apiVersion: H, kind: 'SLAClaim', metadata: meta('claim-1'),
    spec: { contractRef: { name: 'c' }, month: '2026-10', incidents: ['i', 'ch'], description: 'd', filedBy: { username: 'alice' }, filedAt: '2026-11-05T10:00:00Z', answer: { decision: 'PartlyAccepted', amount: 10, reason: 'r', answeredBy: { username: 'paul' }, answeredAt: '2026-11-20T10:00:00Z' } },
  },
};
const KINDS = Object.keys(VALID) as KindName[];

/** Every path to a leaf (and to each object and list) of a value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

function setAt(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

const year = fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0'));
const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const weekday = fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
/** RRULE bodies of the subset, of every shape (many never match), and some outside it. */
const rrule = fc.oneof(
  fc.tuple(fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'), fc.array(fc.oneof(
    fc.integer({ min: 1, max: 9999 }).map((n) => `INTERVAL=${n}`),
    fc.integer({ min: 1, max: 9999 }).map((n) => `COUNT=${n}`),
    fc.tuple(fc.integer({ min: -53, max: 53 }), weekday).map(([n, w]) => `BYDAY=${n === 0 ? '' : n}${w}`),
    fc.integer({ min: -31, max: 31 }).map((n) => `BYMONTHDAY=${n}`),
    fc.integer({ min: 1, max: 12 }).map((n) => `BYMONTH=${n}`),
    fc.integer({ min: -366, max: 366 }).map((n) => `BYYEARDAY=${n}`),
    fc.integer({ min: -53, max: 53 }).map((n) => `BYWEEKNO=${n}`),
    fc.integer({ min: -366, max: 366 }).map((n) => `BYSETPOS=${n}`),
    weekday.map((w) => `WKST=${w}`),
  ), { maxLength: 5 })).map(([freq, parts]) => [`FREQ=${freq}`, ...parts].join(';')),
  fc.constantFrom('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=MONTHLY;BYDAY=SU;BYSETPOS=6', 'FREQ=HOURLY', 'RRULE:FREQ=DAILY', 'FREQ=DAILY;UNTIL=99991231T000000Z', ''),
);
/** Values that broke something once (issue 20), and values of every type. */
const bad = fc.oneof(
  fc.constantFrom(1e308, -1e308, -0, 2 ** 31, 2 ** 53, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, 1e-308, 0),
  fc.tuple(year, two(13), two(32), two(25), two(61)).map(([y, mo, d, h, mi]) => `${y}-${mo}-${d}T${h}:${mi}:00Z`),
  fc.tuple(year, two(13), two(32)).map(([y, mo, d]) => `${y}-${mo}-${d}`),
  fc.tuple(year, two(13)).map(([y, mo]) => `${y}-${mo}`),
  fc.constantFrom('9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2200-12-31T23:00:00-05:00', '9999-12', '0000-00', '9999-01-01'),
  fc.constantFrom('999999999h', '0s', '745h', '1ns', '2562047h', '1.5h30m', '-1h'),
  rrule,
  fc.string({ maxLength: 40 }),
  fc.constant('x'.repeat(5000)),
  fc.constantFrom(null, true, [], {}, [[[]]], { a: { b: {} } }),
  fc.integer(),
  fc.double(),
);

/** A valid object of `kind` with 1 to 3 of its fields (or whole parts) replaced by bad values. */
const badObject = fc.constantFrom(...KINDS).chain((kind) => {
  const leaves = paths(VALID[kind]).filter((p) => p.length > 1 && p[0] === 'spec');
  return fc.tuple(fc.constant(kind), fc.array(fc.tuple(fc.constantFrom(...leaves), bad), { minLength: 1, maxLength: 3 }));
}).map(([kind, changes]) => {
  const object = structuredClone(VALID[kind]);
  for (const [path, value] of changes) {
    try {
      // A copy: fc.constantFrom gives one instance of `{}` or `[]`, which two changes could nest in itself (a cycle no JSON body has).
      setAt(object, path, structuredClone(value));
    } catch {
      // an earlier change replaced a parent by a scalar: this one has nowhere to go
    }
  }
  return { kind, object };
});

const view: TenantView = {
  tenants: () => [VALID.ManagedTenant as never],
  contracts: () => [VALID.SupportContract as never],
  units: () => [VALID.ServiceUnit as never],
  changes: () => [],
  incidents: () => [],
  reports: () => [],
};
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
const request = (kind: KindName, object: unknown, username: string, operation: 'CREATE' | 'UPDATE'): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind }, namespace: NS, operation,
  userInfo: { username, groups: username === 'paul' ? ['provider'] : [] }, object, ...(operation === 'UPDATE' ? { oldObject: VALID[kind] } : {}),
});

/** Who may write every field of the kind: the operator for a report, the provider (paul) otherwise. */
const writer = (kind: KindName): string => (kind === 'SLAReport' ? 'op' : 'paul');

/** A refusal names a field (and says something); an acceptance is fine. */
function expectFieldNamed(verdict: Verdict): void {
  if (verdict.allowed) return;
  expect(verdict.violations.length).toBeGreaterThan(0);
  for (const v of verdict.violations) {
    expect(v.path).toMatch(/^(spec|metadata|kind|apiVersion|status|\(object\))/);
    expect(v.message.length).toBeGreaterThan(0);
  }
}

function expectConversion<T>(conversion: Conversion<T>): T | undefined {
  if (conversion.ok) return conversion.value;
  expect(conversion.errors.length).toBeGreaterThan(0);
  for (const e of conversion.errors) expect(e.path).toMatch(/^spec/);
  return undefined;
}

/** What the controllers compute from a parsed object of the kind: must not throw. */
function convert(kind: KindName, object: unknown): void {
  const parsed = RESOURCE_SCHEMAS[kind].safeParse(object);
  if (!parsed.success) return;
  const value = parsed.data as never;
  switch (kind) {
    case 'ManagedTenant': expectConversion(calendarToDomain(value)); break;
    case 'SupportContract': expectConversion(contractToDomain(value)); break;
    case 'ServiceUnit': expectConversion(unitToDomain(value)); break;
    case 'ManagedFunction': expectConversion(functionToDomain(value, [])); break;
    case 'Incident': expectConversion(incidentToDomain(value)); break;
    case 'ChangeRequest': expectConversion(changeToDomain(value)); break;
    case 'Problem': expectConversion(problemToDomain(value, NS)); break;
    case 'SLAClaim': expectConversion(claimToDomain(value)); break;
    case 'MaintenanceWindow': {
      const schedule = expectConversion(scheduleToDomain(value));
      // The window controller's status: active now and the next 3 occurrences.
      if (schedule !== undefined) expect(windowOutcome({ schedule, units: 0, now: NOW }).conditions.length).toBeGreaterThan(0);
      break;
    }
    case 'SLAReport': {
      const period = monthPeriod((parsed.data as { spec: { month: string } }).spec.month, 'Europe/Paris');
      expect(period.end.getTime()).toBeGreaterThan(period.start.getTime());
      break;
    }
  }
}

/** The request as the validating hook gets it: the mutating hook's patch applied, as the API server does. */
function mutated(req: AdmissionRequest): AdmissionRequest {
  const m = mutate(req, view, identity, NOW);
  return m.allowed && m.patch !== undefined ? { ...req, object: applyJsonPatch(req.object, m.patch) } : req;
}

describe('bad objects of every kind (issue 20)', () => {
  it('each valid base object is accepted, so that a refusal below is the bad value\'s', () => {
    for (const kind of KINDS) {
      const verdict = validate(mutated(request(kind, VALID[kind], writer(kind), 'CREATE')), { view, identity, now: NOW });
      expect(verdict, kind).toEqual({ allowed: true });
    }
  });

  it('the webhook refuses naming a field, or accepts; the conversions and the window status never throw', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(badObject, fc.constantFrom('op', 'paul', 'alice'), fc.constantFrom('CREATE' as const, 'UPDATE' as const), ({ kind, object }, user, operation) => {
        const req = request(kind, object, user, operation);
        expectFieldNamed(mutate(req, view, identity, NOW));
        const verdict = validate(mutated(req), { view, identity, now: NOW });
        expectFieldNamed(verdict);
        convert(kind, object);
        const key = `${kind} ${verdict.allowed ? 'accepted' : 'refused'}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: every kind was refused, and some bad-looking values were accepted (and computed).
    for (const kind of KINDS) expect(outcomes.get(`${kind} refused`) ?? 0, kind).toBeGreaterThan(0);
    expect(KINDS.reduce((n, kind) => n + (outcomes.get(`${kind} accepted`) ?? 0), 0)).toBeGreaterThan(0);
  });

  it.each([
    ['SupportContract', ['spec', 'prices', 'tokenPrice'], -0, 'spec.prices.tokenPrice: must not be -0'],
    ['SupportContract', ['spec', 'monthlyTokens'], 2 ** 31, 'spec.monthlyTokens: Too big'],
    ['SupportContract', ['spec', 'start'], '9999-01-01', 'spec.start: year must be 1970 to 2200'],
    ['ManagedFunction', ['spec', 'monthlyCharge'], 1e308, 'spec.monthlyCharge: Too big'],
    ['ManagedFunction', ['spec', 'monthlyCharge'], Number.POSITIVE_INFINITY, 'spec.monthlyCharge: Invalid input'],
    ['SLAReport', ['spec', 'month'], '9999-12', 'spec.month: year must be 1970 to 2200'],
    ['SLAReport', ['spec', 'month'], '0000-01', 'spec.month: year must be 1970 to 2200'],
    ['Incident', ['spec', 'openedAt'], '0001-01-01T00:00:00Z', 'spec.openedAt: year must be 1970 to 2200'],
    ['ChangeRequest', ['spec', 'requestedAt'], '9999-01-01T00:00:00Z', 'spec.requestedAt: year must be 1970 to 2200'],
    ['MaintenanceWindow', ['spec', 'recurrence', 'until'], '9999-12-31T00:00:00Z', 'spec.recurrence.until: year must be 1970 to 2200'],
    ['MaintenanceWindow', ['spec', 'recurrence', 'rrule'], 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'spec.recurrence.rrule: yields no occurrence between its first day (2026-01-01) and recurrence.until'],
    ['MaintenanceWindow', ['spec', 'recurrence', 'rrule'], 'FREQ=MONTHLY;BYDAY=SU;BYSETPOS=6', 'spec.recurrence.rrule: yields no occurrence between its first day (2026-01-01)'],
  ] as const)('%s with %j = %s is refused: %s', (kind, path, value, message) => {
    const object = structuredClone(VALID[kind]);
    setAt(object, path, value);
    const verdict = validate(request(kind, object, writer(kind), 'CREATE'), { view, identity, now: NOW });
    expect(verdict.allowed).toBe(false);
    const text = verdict.allowed ? '' : verdict.violations.map((v) => `${v.path}: ${v.message}`).join('; ');
    expect(text).toContain(message);
  });
});
