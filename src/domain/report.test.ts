import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { unitAvailability } from './availability.ts';
import { monthPeriod } from './calendar.ts';
import { reportFinalAt, type ChangeInput, type FunctionInput, type IncidentInput, type ReportInput, type UnitInput } from './report.ts';
import { computeMonthlyReport } from './tenant.ts';
import { PREREQUISITES } from './vocabulary.ts';

// Fixture builders with modifiers (style.md §13).
const at = (iso: string) => new Date(iso);
const H = 3600;
type Mod<T> = (t: T) => T;

function unit(name: string, ...mods: Mod<UnitInput>[]): UnitInput {
  const base: UnitInput = {
    name, level: 'Database', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  };
  return mods.reduce((u, m) => m(u), base);
}
function incident(name: string, unitName: string, openedAt: string, resolvedAt: string | undefined, ...mods: Mod<IncidentInput>[]): IncidentInput {
  const base: IncidentInput = { name, unitNames: [unitName], priority: 'P1', openedAt: at(openedAt), resolvedAt: resolvedAt === undefined ? undefined : at(resolvedAt), cause: 'Provider', exclusions: [] };
  return mods.reduce((i, m) => m(i), base);
}
const priority = (p: IncidentInput['priority']): Mod<IncidentInput> => (i) => ({ ...i, priority: p });
function change(name: string, unitName: string, requestedAt: string, completedAt: string): ChangeInput {
  return { name, unitNames: [unitName], category: 'StandardSimple', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: at(requestedAt), completedAt: at(completedAt) };
}
function input(parts: Partial<ReportInput> & { functions: FunctionInput[] }): ReportInput {
  return {
    calendar: DEFAULT_CALENDAR,
    contract: { currency: 'EUR', supportLevels: { Production: 'Standard', Development: 'Initial' }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000, productionMonthlyCharge: 1500 },
    units: [], incidents: [], changes: [], maintenanceWindows: [], ...parts,
  };
}
const AFTER = at('2027-01-15T00:00:00Z');

describe('computeMonthlyReport: the design.md §3 example', () => {
  // October 2026 in Paris has 745 h (DST ends on the 25th). db-1 is down twice 4.5 h (P1, 8 h
  // target: on time); two production P2 are resolved, one in 25 h for a 24 h target; two changes, one late.
  const report = computeMonthlyReport(
    input({
      units: [unit('db-1'), unit('db-2'), unit('dev-1', (u) => ({ ...u, environment: 'Development' }))],
      functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'db-2', 'dev-1'], monthlyCharge: 600 }],
      incidents: [
        incident('outage-1', 'db-1', '2026-10-05T10:00:00Z', '2026-10-05T14:30:00Z'),
        incident('outage-2', 'db-1', '2026-10-26T10:00:00Z', '2026-10-26T14:30:00Z'),
        incident('slow-1', 'db-2', '2026-10-06T10:00:00Z', '2026-10-07T11:00:00Z', priority('P2')),
        incident('slow-2', 'db-2', '2026-10-08T10:00:00Z', '2026-10-08T11:00:00Z', priority('P2')),
        incident('dev', 'dev-1', '2026-10-08T10:00:00Z', '2026-10-08T11:00:00Z', priority('P2')),
      ],
      changes: [
        change('resize', 'db-1', '2026-10-12T08:00:00Z', '2026-10-13T08:00:00Z'), // Mon 10:00 → Tue 10:00 Paris: 9 h, within 24 h
        change('grant', 'db-2', '2026-10-12T08:00:00Z', '2026-10-16T08:00:00Z'), // 36 h > 24 h: late
      ],
    }),
    '2026-10',
    AFTER,
  );

  it('GTD: mean of the production units, gap, 2 % credit', () => {
    expect(report.functions).toEqual([{
      name: 'databases', family: 'Database', supportLevel: 'Standard', units: 2, availabilityPercent: 99.396, guaranteePercent: 99.5,
      gapPoints: 0.104, creditPercent: 2, creditAmount: 12, interruptionSeconds: 9 * H, excludedSeconds: 0,
    }]);
  });

  it('GTR: P1 8 h met; one P2 late of 4 resolved → 1/5 = 20 % → 2 % of the production charge', () => {
    expect(report.gtr).toMatchObject({ resolved: 4, late: 1, deviationPercent: 20, creditPercent: 2, creditAmount: 30 });
    const slow = report.gtr.incidents.find((i) => i.name === 'slow-1');
    expect(slow).toEqual({ name: 'slow-1', priority: 'P2', supportLevel: 'Standard', deadline: '2026-10-07T10:00:00Z', coveredSeconds: 25 * H, late: true, applicable: true, reason: 'Applicable' });
    expect(report.gtr.incidents.find((i) => i.name === 'dev')).toMatchObject({ applicable: false, reason: 'NonProduction', supportLevel: 'Initial' });
  });

  it('GTC, credits, claim deadline, conditions', () => {
    expect(report.gtc).toMatchObject({ completed: 2, late: 1, creditAmount: 40 });
    expect(report.credits).toEqual({ uncapped: 82, capPercent: 15, cap: 150, total: 82 });
    expect(report.period).toEqual({ month: '2026-10', start: '2026-09-30T22:00:00Z', end: '2026-10-31T23:00:00Z', timeZone: 'Europe/Paris' });
    expect(report.claimDeadline).toBe('2026-11-30T23:00:00Z');
    expect(report.final).toBe(true);
    expect(report.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['GTDMet', 'False', 'GuaranteeMissed'], ['GTRMet', 'False', 'DeviationAboveThreshold'], ['GTCMet', 'False', 'LateChanges'], ['Final', 'True', 'MonthClosed'],
    ]);
  });
});

describe('computeMonthlyReport: one incident, one credit (domain.md §8)', () => {
  const base = (charge: number) => input({
    units: [unit('db-1'), unit('db-2')],
    functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'db-2'], monthlyCharge: charge }],
    // 9 h P1 at Standard (8 h): both the GTD gap and the only late GTR incident → 1/5 = 20 %.
    incidents: [incident('big', 'db-1', '2026-11-02T10:00:00Z', '2026-11-02T19:00:00Z')],
  });
  it('GTR higher: the GTD credit is waived', () => {
    const r = computeMonthlyReport(base(600), '2026-11', AFTER); // GTD 2 % of 600 = 12 < GTR 2 % of 1500 = 30
    expect([r.functions[0]!.creditPercent, r.functions[0]!.creditAmount, r.gtr.creditAmount, r.credits.uncapped]).toEqual([2, 0, 30, 30]);
    expect(r.conditions[0]!.message).toContain('waived');
  });
  it('GTD higher: the GTR credit is waived', () => {
    const r = computeMonthlyReport(base(2000), '2026-11', AFTER); // GTD 40 > GTR 30
    expect([r.functions[0]!.creditAmount, r.gtr.creditPercent, r.gtr.creditAmount, r.credits.uncapped]).toEqual([40, 2, 0, 40]);
  });
});

describe('computeMonthlyReport: cap, finality, applicability', () => {
  it('caps the credits at 15 % of the recurring charge', () => {
    const r = computeMonthlyReport(
      input({
        units: [unit('db-1')],
        functions: [{ name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 1000 }],
        incidents: [incident('long', 'db-1', '2026-11-02T00:00:00Z', '2026-11-05T00:00:00Z', (i) => ({ ...i, cause: 'Client' }))],
        changes: Array.from({ length: 10 }, (_, k) => change(`c${k}`, 'db-1', '2026-11-02T08:00:00Z', '2026-11-20T08:00:00Z')),
      }),
      '2026-11',
      AFTER,
    );
    expect(r.functions[0]!.creditAmount).toBe(100); // 72 h of 720 h: 90 %, gap 9.5 → 10 %
    // 'long' is also the late GTR incident (30 < 100): GTR waived; 10 late changes × 40.
    expect(r.credits).toEqual({ uncapped: 100 + 400, capPercent: 15, cap: 150, total: 150 });
  });

  it('is final from the month end plus the grace period', () => {
    const inp = input({ functions: [] });
    expect(computeMonthlyReport(inp, '2026-11', at('2026-11-30T23:00:00Z')).final).toBe(false);
    expect(computeMonthlyReport(inp, '2026-11', at('2026-12-01T22:59:59Z')).final).toBe(false);
    expect(computeMonthlyReport(inp, '2026-11', at('2026-12-01T23:00:00Z')).final).toBe(true);
  });

  // Issue 20 (design.md §3 "Reports created after their month is final"): final 24 h after the
  // later of the month's end and the report's creation. The days are those of the date matrix
  // (test/dates.ts), in Europe/Paris; every instant below is worked out by hand from the zone's
  // offsets (+01:00 in winter, +02:00 in summer; the change to summer time 2027-03-28 at 02:00,
  // to winter time 2026-10-25 at 03:00).
  it.each([
    // November 2026 ends 2026-12-01T00:00+01:00 = 2026-11-30T23:00Z.
    ['no report object (offline): the month end + 24 h', '2026-11', undefined, '2026-12-01T23:00:00Z'],
    ['created within the month: the month end + 24 h', '2026-11', '2026-11-02T08:00:00Z', '2026-12-01T23:00:00Z'],
    ['created at the month end exactly: the month end + 24 h', '2026-11', '2026-11-30T23:00:00Z', '2026-12-01T23:00:00Z'],
    // A month's first day, 00:30 Paris = 2026-11-30T23:30Z: the creation is 30 min after the end.
    ["created on a month's first day, 00:30: the creation + 24 h", '2026-11', '2026-11-30T23:30:00Z', '2026-12-01T23:30:00Z'],
    // October 2026 was closed for a month when the report is created on 1 December 00:30.
    ['a long-closed month created again: the creation + 24 h', '2026-10', '2026-11-30T23:30:00Z', '2026-12-01T23:30:00Z'],
    // 29 February 2028, 12:00+01:00 = 11:00Z; January 2028 ended 2028-01-31T23:00Z.
    ['January created on 29 February: the creation + 24 h (1 March, 11:00Z)', '2028-01', '2028-02-29T11:00:00Z', '2028-03-01T11:00:00Z'],
    // February 2028 ends 2028-03-01T00:00+01:00 = 2028-02-29T23:00Z: a leap month of 29 days.
    ['February created on its 29th: its end + 24 h', '2028-02', '2028-02-29T11:00:00Z', '2028-03-01T23:00:00Z'],
    // 2027-03-28T01:30+01:00 = 00:30Z, half an hour before the change to summer time: 24 h of
    // elapsed time later is 2027-03-29T00:30Z = 02:30+02:00, not the same wall-clock hour.
    ['created just before the change to summer time: 24 h elapsed, not a wall-clock day', '2027-02', '2027-03-28T00:30:00Z', '2027-03-29T00:30:00Z'],
    // The first 02:30 of 2026-10-25 (+02:00) = 00:30Z; 24 h later is 2026-10-26T00:30Z = 01:30+01:00.
    ['created in the hour that happens twice: 24 h elapsed', '2026-09', '2026-10-25T00:30:00Z', '2026-10-26T00:30:00Z'],
  ])('final at: %s', (_label, month, created, finalAt) => {
    const period = monthPeriod(month, 'Europe/Paris');
    expect(reportFinalAt(period.end, created === undefined ? undefined : at(created)).toISOString()).toBe(at(finalAt).toISOString());
    // The report itself: provisional one second before, final at the instant.
    const inp = input({ functions: [] });
    const createdAt = created === undefined ? undefined : at(created);
    const before = computeMonthlyReport(inp, month, new Date(at(finalAt).getTime() - 1000), createdAt);
    expect(before.final).toBe(false);
    expect(before.conditions.find((c) => c.type === 'Final')?.message).toBe(`the report becomes final at ${finalAt}`);
    expect(computeMonthlyReport(inp, month, at(finalAt), createdAt).final).toBe(true);
  });

  it('UTC+14: a November report created after Kiritimati\'s month closed is provisional 24 h from its creation', () => {
    // Pacific/Kiritimati is +14:00 all year: November ends 2026-12-01T00:00+14:00 = 2026-11-30T10:00Z.
    // Created 2026-12-01T11:00Z (25 h later): final at 2026-12-02T11:00Z, not at once.
    const inp = { ...input({ functions: [] }), calendar: { ...DEFAULT_CALENDAR, timeZone: 'Pacific/Kiritimati' } };
    const created = at('2026-12-01T11:00:00Z');
    expect(computeMonthlyReport(inp, '2026-11', created).final).toBe(true); // the old rule: final at birth
    expect(computeMonthlyReport(inp, '2026-11', created, created).final).toBe(false);
    expect(computeMonthlyReport(inp, '2026-11', at('2026-12-02T10:59:59Z'), created).final).toBe(false);
    expect(computeMonthlyReport(inp, '2026-11', at('2026-12-02T11:00:00Z'), created).final).toBe(true);
  });

  it('an incident resolved after `now` is still open; an unresolved one runs to now', () => {
    const inp = input({
      units: [unit('db-1')],
      functions: [{ name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 100 }],
      incidents: [incident('open', 'db-1', '2026-11-10T10:00:00Z', '2026-11-10T20:00:00Z')],
    });
    const r = computeMonthlyReport(inp, '2026-11', at('2026-11-10T12:00:00Z'));
    expect(r.functions[0]!.interruptionSeconds).toBe(2 * H);
    expect(r.gtr).toMatchObject({ resolved: 0, incidents: [{ name: 'open', late: false, coveredSeconds: 2 * H }] });
    expect(r.final).toBe(false);
  });

  it('the report does not depend on input order', () => {
    const parts = {
      units: [unit('a'), unit('b'), unit('c')],
      functions: [{ name: 'f2', family: 'OS' as const, units: ['c'], monthlyCharge: 10 }, { name: 'f1', family: 'Database' as const, units: ['a', 'b'], monthlyCharge: 20 }],
      incidents: [incident('i1', 'a', '2026-11-02T10:00:00Z', '2026-11-02T20:00:00Z'), incident('i2', 'c', '2026-11-03T10:00:00Z', '2026-11-03T11:00:00Z', priority('P3'))],
    };
    const one = computeMonthlyReport(input(parts), '2026-11', AFTER);
    const two = computeMonthlyReport(input({ units: [...parts.units].reverse(), functions: [...parts.functions].reverse(), incidents: [...parts.incidents].reverse() }), '2026-11', AFTER);
    expect(two).toEqual(one);
    expect(one.functions.map((f) => f.name)).toEqual(['f1', 'f2']);
  });

  it('credits never exceed the cap and availability stays in [0, 100]', () => {
    const start = at('2026-11-01T00:00:00Z').getTime();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 200 }), fc.constantFrom('P1', 'P2', 'P3' as const)), { maxLength: 15 }),
        fc.integer({ min: 0, max: 5000 }),
        (raw, charge) => {
          const units = [0, 1, 2, 3].map((k) => unit(`u${k}`));
          const incidents = raw.map(([u, s, len, p], k) => incident(`i${k}`, `u${u}`, new Date(start + s * H * 1000).toISOString(), new Date(start + (s + len) * H * 1000).toISOString(), priority(p)));
          const r = computeMonthlyReport(
            input({ units, incidents, functions: [{ name: 'f', family: 'Kubernetes', units: ['u0', 'u1'], monthlyCharge: charge }, { name: 'g', family: 'OS', units: ['u2', 'u3'], monthlyCharge: charge }], contract: { currency: 'EUR', supportLevels: { Production: 'Premium' }, payAsYouGoTokenPrice: 80 } }),
            '2026-11',
            AFTER,
          );
          expect(r.credits.total).toBeLessThanOrEqual(r.credits.cap);
          expect(r.credits.cap).toBeCloseTo(0.3 * charge, 2);
          for (const f of r.functions) {
            expect(f.availabilityPercent).toBeGreaterThanOrEqual(0);
            expect(f.availabilityPercent).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('a resolution recorded later than now (issue 11: a unit and its report disagreed)', () => {
  // db-1's P1 opens 2026-11-10T08:00Z; its resolvedAt says 18:00Z (10 h), but now is 10:00Z: as of
  // now it has lasted 2 h = 7,200 s, on the unit's path as on the report's (36,000 s before the fix).
  const now = at('2026-11-10T10:00:00Z');
  const outage = incident('outage', 'db-1', '2026-11-10T08:00:00Z', '2026-11-10T18:00:00Z');
  it('the unit counts 7,200 s, as the report does', () => {
    const period = monthPeriod('2026-11', 'Europe/Paris');
    const u = unitAvailability({ unit: { name: 'db-1', subscription: { start: at('2026-01-01T00:00:00Z') }, coManaged: false, prerequisitesValidated: true }, family: 'Database', incidents: [outage], maintenance: [] }, period, now);
    expect(u.interruptionSeconds).toBe(2 * H);
    const report = computeMonthlyReport(input({ units: [unit('db-1')], incidents: [outage], functions: [{ name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 600 }] }), '2026-11', now);
    expect(report.functions[0]?.interruptionSeconds).toBe(2 * H);
  });
});

describe('computeMonthlyReport: non-production timers without penalties, NoBuild and SelfCare (issue 15)', () => {
  // Contract: Production Standard, PreProduction Standard. November 2026 in Paris.
  const contract = { currency: 'EUR', supportLevels: { Production: 'Standard' as const, PreProduction: 'Standard' as const }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000, productionMonthlyCharge: 1500 };
  const pp = (u: UnitInput): UnitInput => ({ ...u, environment: 'PreProduction' });
  const noBuild = (u: UnitInput): UnitInput => ({ ...u, buildModel: 'NoBuild' });
  const report = (parts: Partial<ReportInput> & { functions: FunctionInput[] }) => computeMonthlyReport({ ...input(parts), contract }, '2026-11', AFTER);

  it('a late pre-production incident and change are listed late in nonProduction, never in the deviation or credits', () => {
    // P2 Standard in pre-production: 24 h in business hours (non-production: P1–P3 in business
    // hours). Opened Mon 2 Nov 10:00 Paris (09:00Z): Mon 8 h, Tue 9 h, Wed 7 h → Wed 4 Nov 16:00
    // Paris; resolved Thu 5 Nov 10:00 Paris (09:00Z): 8 + 9 + 9 + 1 = 27 h > 24 h: late.
    // The change: simple, Standard, 24 business hours from Mon 2 Nov 09:00 Paris: Mon 9 h + Tue 9 h
    // + Wed 6 h → Wed 4 Nov 15:00 Paris (14:00Z); completed Fri 6 Nov 10:00 Paris (09:00Z):
    // Mon–Thu 4 × 9 h + Fri 1 h = 37 h > 24 h: late.
    const r = report({
      units: [unit('pp-1', pp)],
      functions: [],
      incidents: [incident('pp-slow', 'pp-1', '2026-11-02T09:00:00Z', '2026-11-05T09:00:00Z', priority('P2'))],
      changes: [change('pp-change', 'pp-1', '2026-11-02T08:00:00Z', '2026-11-06T09:00:00Z')],
    });
    expect(r.gtr.incidents[0]).toMatchObject({ name: 'pp-slow', late: true, applicable: false, reason: 'NonProduction', deadline: '2026-11-04T15:00:00Z', coveredSeconds: 27 * H });
    expect(r.gtc.changes[0]).toMatchObject({ name: 'pp-change', late: true, applicable: false, reason: 'NonProduction', deadline: '2026-11-04T14:00:00Z' });
    expect(r.nonProduction).toEqual({
      incidents: { timed: 1, resolved: 1, late: 1, lateIncidents: ['pp-slow'] },
      changes: { timed: 1, completed: 1, late: 1, lateChanges: ['pp-change'] },
    });
    // No penalty: nothing counted, nothing credited.
    expect([r.gtr.resolved, r.gtr.late, r.gtr.creditAmount, r.gtc.completed, r.gtc.creditAmount, r.credits.total]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('a month without a non-production timer has no nonProduction section', () => {
    expect(report({ units: [unit('db-1')], functions: [] }).nonProduction).toBeUndefined();
  });

  it('a NoBuild unit carries no GTD, GTR or GTC: its outage, late incident and late change count for nothing', () => {
    // db-1 (NoBuild) down 10 h on Mon 2 Nov (P1, Standard 8 h: late); its change 36 h for 24 h: late.
    // db-2 is managed and up. The function averages the managed production units only: db-2, 100 %.
    const r = report({
      units: [unit('db-1', noBuild), unit('db-2')],
      functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'db-2'], monthlyCharge: 600 }],
      incidents: [incident('nb-down', 'db-1', '2026-11-02T09:00:00Z', '2026-11-02T19:00:00Z')],
      changes: [change('nb-change', 'db-1', '2026-11-02T08:00:00Z', '2026-11-06T08:00:00Z')],
    });
    expect(r.functions[0]).toMatchObject({ units: 1, availabilityPercent: 100, creditAmount: 0 });
    expect(r.gtr.incidents[0]).toMatchObject({ name: 'nb-down', late: true, applicable: false, reason: 'NotManaged' });
    expect(r.gtc.changes[0]).toMatchObject({ name: 'nb-change', late: true, applicable: false, reason: 'NotManaged' });
    expect(r.nonProduction).toBeUndefined();
    expect(r.credits.total).toBe(0);
  });

  it('a SelfCare tenant gets advice only: the same outage gives no credit', () => {
    const selfCare = (u: UnitInput): UnitInput => ({ ...u, managementModel: 'SelfCare' });
    const r = report({
      units: [unit('db-1', selfCare)],
      functions: [{ name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 600 }],
      incidents: [incident('sc-down', 'db-1', '2026-11-02T09:00:00Z', '2026-11-02T19:00:00Z')],
    });
    expect(r.functions[0]).toMatchObject({ units: 0, availabilityPercent: 100, creditAmount: 0 });
    expect(r.gtr.incidents[0]).toMatchObject({ reason: 'AdviceOnly', applicable: false });
    expect(r.credits.total).toBe(0);
  });
});
