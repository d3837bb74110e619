import { describe, expect, it } from 'vitest';
import type { UnitAvailability } from './availability.ts';
import { DEFAULT_CALENDAR, monthPeriod } from './calendar.ts';
import { budgetBurn, incidentsPerDay, monthDays, packCharts, reportWithCharts } from './pack-charts.ts';
import type { FunctionResult, IncidentInput, ReportInput, UnitInput } from './report.ts';
import { computeMonthlyReport } from './tenant.ts';
import { PREREQUISITES } from './vocabulary.ts';

const at = (iso: string): Date => new Date(iso);
const ms = (iso: string): number => Date.parse(iso);

/** A unit's availability as the evaluation gives it, with only what the burn reads filled in by hand. */
function unitResult(name: string, subscribedSeconds: number, counted: readonly (readonly [string, string])[][]): UnitAvailability {
  return {
    unit: name, subscribedSeconds, interruptionSeconds: 0, excludedSeconds: 0, availabilityPercent: 100, guaranteeApplies: true,
    countedIncidents: counted.map((_, i) => `inc-${i}`),
    countedIntervals: counted.map((intervals, i) => ({ incident: `inc-${i}`, intervals: intervals.map(([s, e]) => ({ start: at(s), end: at(e) })) })),
  };
}
function fnResult(name: string, guaranteePercent: number, units: readonly UnitAvailability[]): FunctionResult {
  return {
    fn: { name, family: 'Database', units: units.map((u) => u.unit), monthlyCharge: 100 },
    availability: { units: units.length, availabilityPercent: 100, guaranteePercent, gapPoints: 0, creditPercent: 0, interruptionSeconds: 0, excludedSeconds: 0, countedIncidents: new Set() },
    units,
    creditAmount: 0,
  };
}

describe('budgetBurn: B(t) = T × mean over measured units of C_u(t) / S_u', () => {
  // February 2026 in UTC: T = 28 × 86,400 = 2,419,200 s. Guarantee 99.5 %: budget 0.5 % of T = 12,096 s.
  const period = monthPeriod('2026-02', 'UTC');
  const { starts } = monthDays(period, 'UTC');
  const dayEnds = [...starts.slice(1), period.end.getTime()];
  // a: all month (S = 2,419,200 s); two overlapping incidents on the 2nd, 10:00–12:00 and 11:00–13:00
  //    (union 10:00–13:00: 10,800 s, counted once), one across midnight 10th 23:00 → 11th 01:00 (3,600 s each day).
  // b: from the 15th (S = 14 days = 1,209,600 s); the 20th 00:00–06:00 (21,600 s).
  // c: not subscribed in the month (S = 0): not measured, whatever it lists.
  // With S_a = T and S_b = T/2: B = (C_a + 2 C_b) / 2.
  const a = unitResult('a', 2_419_200, [[['2026-02-02T10:00:00Z', '2026-02-02T12:00:00Z']], [['2026-02-02T11:00:00Z', '2026-02-02T13:00:00Z']], [['2026-02-10T23:00:00Z', '2026-02-11T01:00:00Z']]]);
  const b = unitResult('b', 1_209_600, [[['2026-02-20T00:00:00Z', '2026-02-20T06:00:00Z']]]);
  const c = unitResult('c', 0, [[['2026-02-01T00:00:00Z', '2026-02-28T00:00:00Z']]]);
  const fns = [fnResult('databases', 99.5, [a, b, c])];

  it('at the end of each day of the month', () => {
    const [burn] = budgetBurn(fns, period, dayEnds);
    expect(burn?.budgetSeconds).toBe(12_096);
    expect(burn?.guaranteePercent).toBe(99.5);
    // day 1: 0; days 2–9: C_a 10,800 → 5,400; day 10: C_a 14,400 → 7,200; days 11–19: C_a 18,000 → 9,000;
    // days 20–28: C_b 21,600 → (18,000 + 43,200) / 2 = 30,600, above the budget from the 20th.
    const expected = [0, ...Array<number>(8).fill(5_400), 7_200, ...Array<number>(9).fill(9_000), ...Array<number>(9).fill(30_600)];
    expect(burn?.cumulativeSeconds).toEqual(expected);
    // The last point is the month's availability as downtime: a 100 (1 − 18,000 / 2,419,200) = 99.255952… %,
    // b 100 (1 − 21,600 / 1,209,600) = 98.214285… %; mean 98.735119… %; (100 − mean) % of T = 30,600 s.
    const mean = (100 * (1 - 18_000 / 2_419_200) + 100 * (1 - 21_600 / 1_209_600)) / 2;
    expect(((100 - mean) / 100) * 2_419_200).toBeCloseTo(30_600, 6);
  });

  it('up to a horizon inside a day: the last point at the horizon', () => {
    // Horizon the 20th 03:00: 20 days known; the 20th's point at 03:00, C_b = 10,800 → (18,000 + 21,600) / 2 = 19,800.
    const ends = dayEnds.slice(0, 19).concat(ms('2026-02-20T03:00:00Z'));
    const [burn] = budgetBurn(fns, period, ends);
    expect(burn?.cumulativeSeconds).toHaveLength(20);
    expect(burn?.cumulativeSeconds.at(-1)).toBe(19_800);
    expect(burn?.cumulativeSeconds.at(-2)).toBe(9_000);
  });

  it('a function without a measured unit burns nothing', () => {
    const [burn] = budgetBurn([fnResult('empty', 99.9, [c])], period, dayEnds);
    // budget 0.1 % of 2,419,200 = 2,419.2 s
    expect(burn?.budgetSeconds).toBe(2_419.2);
    expect(burn?.cumulativeSeconds).toEqual(Array<number>(28).fill(0));
  });
});

describe('monthDays and incidentsPerDay: local days of the tenant', () => {
  it('October 2026 in Paris has 31 days, the 25th of 25 hours (DST ends)', () => {
    const period = monthPeriod('2026-10', 'Europe/Paris');
    const { starts, dates } = monthDays(period, 'Europe/Paris');
    expect(dates).toHaveLength(31);
    expect(dates[0]).toBe('2026-10-01');
    expect(dates[30]).toBe('2026-10-31');
    // the 1st at 00:00 CEST = 2026-09-30T22:00Z; the 25th at 00:00 CEST = 24th 22:00Z, the 26th at 00:00 CET = 25th 23:00Z: 25 h.
    expect(starts[0]).toBe(ms('2026-09-30T22:00:00Z'));
    expect((starts[25] ?? 0) - (starts[24] ?? 0)).toBe(25 * 3_600_000);
  });

  it('counts each incident on its local day, by priority', () => {
    const { starts } = monthDays(monthPeriod('2026-10', 'Europe/Paris'), 'Europe/Paris');
    const days = incidentsPerDay([
      { openedAt: at('2026-09-30T22:00:00Z'), priority: 'P1' }, // the 1st at 00:00 local: day 1
      { openedAt: at('2026-10-01T21:59:59Z'), priority: 'P2' }, // the 1st at 23:59:59 local: day 1
      { openedAt: at('2026-10-01T22:00:00Z'), priority: 'P2' }, // the 2nd at 00:00 local: day 2
      { openedAt: at('2026-10-25T22:30:00Z'), priority: 'P4' }, // the 25th at 23:30 CET: day 25
    ], starts);
    expect(days[0]).toEqual({ P1: 1, P2: 1, P3: 0, P4: 0 });
    expect(days[1]).toEqual({ P1: 0, P2: 1, P3: 0, P4: 0 });
    expect(days[24]).toEqual({ P1: 0, P2: 0, P3: 0, P4: 1 });
    expect(days.reduce((n, d) => n + d.P1 + d.P2 + d.P3 + d.P4, 0)).toBe(4);
  });
});

// The design.md §3 example (pack.test.ts): Paris, October 2026 (T = 745 h = 2,682,000 s), Standard.
function unit(name: string): UnitInput {
  return { name, level: 'Database', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }], subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {} };
}
function incident(name: string, unitName: string, openedAt: string, resolvedAt: string, priority: IncidentInput['priority'] = 'P1'): IncidentInput {
  return { name, unitNames: [unitName], priority, openedAt: at(openedAt), resolvedAt: at(resolvedAt), cause: 'Provider', exclusions: [] };
}
const input: ReportInput = {
  calendar: DEFAULT_CALENDAR,
  contract: { currency: 'EUR', supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000, monthlyTokens: 10 },
  units: [unit('db-1'), unit('db-2')],
  functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'db-2'], monthlyCharge: 600 }],
  incidents: [
    incident('outage-1', 'db-1', '2026-10-05T10:00:00Z', '2026-10-05T14:30:00Z'),
    incident('outage-2', 'db-1', '2026-10-26T10:00:00Z', '2026-10-26T14:30:00Z'),
    incident('slow-1', 'db-2', '2026-10-06T10:00:00Z', '2026-10-07T11:00:00Z', 'P2'),
  ],
  changes: [],
  maintenanceWindows: [],
};

describe('packCharts from a tenant: the same evaluation as the report', () => {
  it('ends on the report\'s availability; the incidents by day add up to the pack\'s volumes', () => {
    const now = at('2026-11-03T08:00:00Z');
    const { report, charts } = reportWithCharts(input, '2026-10', now);
    expect(report).toEqual(computeMonthlyReport(input, '2026-10', now));
    expect(charts.monthSeconds).toBe(2_682_000);
    expect(charts.days).toHaveLength(31);
    const [burn] = charts.burn;
    // Guarantee 99.5 % (Standard Database, design.md §3 example): budget 0.5 % of 2,682,000 = 13,410 s.
    expect(burn?.budgetSeconds).toBe(13_410);
    // db-1 counts 4 h 30 on the 5th and on the 26th (16,200 s each), db-2 nothing (its P2 does not interrupt):
    // B = C_db-1 / 2: 0 on days 1–4, 8,100 on days 5–25, 16,200 from the 26th.
    expect(burn?.cumulativeSeconds.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(burn?.cumulativeSeconds[4]).toBe(8_100);
    expect(burn?.cumulativeSeconds[24]).toBe(8_100);
    expect(burn?.cumulativeSeconds[25]).toBe(16_200);
    expect(burn?.cumulativeSeconds).toHaveLength(31);
    // The report's 99.396 % (rounded to 4 decimals; exact 100 − 16,200 / 2,682,000 × 100 = 99.395973… %).
    expect(report.functions[0]?.availabilityPercent).toBe(99.396);
    expect(((100 - 99.395973154) / 100) * 2_682_000).toBeCloseTo(16_200, 2);
    // 3 incidents opened: outage-1 on the 5th, slow-1 on the 6th, outage-2 on the 26th.
    expect(charts.incidentsByDay[4]).toEqual({ P1: 1, P2: 0, P3: 0, P4: 0 });
    expect(charts.incidentsByDay[5]).toEqual({ P1: 0, P2: 1, P3: 0, P4: 0 });
    expect(charts.incidentsByDay[25]).toEqual({ P1: 1, P2: 0, P3: 0, P4: 0 });
    const total = charts.incidentsByDay.reduce((n, d) => n + d.P1 + d.P2 + d.P3 + d.P4, 0);
    expect(total).toBe(report.pack?.volumes.incidents.total);
    expect(total).toBe(3);
  });

  it('within the month: the days up to now, the last one at now', () => {
    // now 2026-10-05T12:00Z (14:00 local): 5 days known; db-1 has counted 10:00–12:00Z = 7,200 s → B = 3,600.
    const charts = packCharts(input, '2026-10', at('2026-10-05T12:00:00Z'));
    expect(charts.burn[0]?.cumulativeSeconds).toEqual([0, 0, 0, 0, 3_600]);
    expect(charts.incidentsByDay.reduce((n, d) => n + d.P1 + d.P2 + d.P3 + d.P4, 0)).toBe(1);
  });
});
