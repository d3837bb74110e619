import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, monthPeriod } from './calendar.ts';
import { burnRateSeconds, creditForecast, forecastInstant, gtrForecast, hasForecast, type ForecastFunctionInput, type ForecastIncidentInput, type ForecastInput } from './forecast.ts';
import type { Interval } from './interval.ts';
import type { FunctionInput, IncidentInput, ReportInput, UnitInput } from './report.ts';
import { computeMonthlyReport } from './tenant.ts';
import { PREREQUISITES } from './vocabulary.ts';

const at = (iso: string) => new Date(iso);
const PARIS = DEFAULT_CALENDAR.timeZone;
const month = (m: string): Interval => monthPeriod(m, PARIS);
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

// Months of Europe/Paris, by hand:
//   2026-11: 2026-10-31T23:00Z → 2026-11-30T23:00Z, 30 days = 2,592,000 s
//   2026-10: 2026-09-30T22:00Z → 2026-10-31T23:00Z, 31 days + 1 h (DST ends on the 25th) = 2,682,000 s
//   2028-02: 2028-01-31T23:00Z → 2028-02-29T23:00Z, 29 days (leap year) = 2,505,600 s
const NOV = month('2026-11');
const OCT = month('2026-10');
const FEB28 = month('2028-02');

/** A function on the AnyFunction row at Standard (99.5 %, domain.md §5), charged 1,000 a month. */
function fn(units: ForecastFunctionInput['units'], incidents: readonly string[] = []): ForecastFunctionInput {
  return { name: 'apps', guaranteePercent: 99.5, monthlyCharge: 1000, units, countedIncidents: new Set(incidents) };
}
function forecastInput(period: Interval, now: Date, parts: Partial<ForecastInput>): ForecastInput {
  return { period, now, functions: [], incidents: [], productionCharge: 1500, recurringCharge: 1000, gtcCreditAmount: 0, ...parts };
}

describe('the month seconds', () => {
  it.each([
    ['2026-11', NOV, 2_592_000],
    ['2026-10 (DST)', OCT, 2_682_000],
    ['2028-02 (leap)', FEB28, 2_505_600],
  ])('%s', (_m, period, seconds) => {
    const f = creditForecast(forecastInput(period, period.start, {}));
    expect(f?.monthSeconds).toBe(seconds);
    expect(f?.elapsedSeconds).toBe(0);
  });
});

describe('only the current month has a forecast', () => {
  it.each([
    ['the first instant', NOV.start, true],
    ['the last second', plus(NOV.end, -1), true],
    ['the month\'s end (its grace period)', NOV.end, false],
    ['before the month', plus(NOV.start, -1), false],
  ])('%s', (_what, now, expected) => {
    expect(hasForecast(NOV, now)).toBe(expected);
    expect(creditForecast(forecastInput(NOV, now, { functions: [fn([{ subscribed: NOV, countedSeconds: 0 }])] })) !== undefined).toBe(expected);
  });
});

describe('GTD per function: nothing else happens, and the burn rate so far', () => {
  it.each([
    {
      what: 'November, day 11: 2 h down in 10 days',
      // elapsed 10 days = 864,000 s; counted 7,200 s.
      // NothingElse: 100 × (2,592,000 − 7,200) / 2,592,000 = 99.7222 % ≥ 99.5: no credit.
      // BurnRate: 7,200 × 2,592,000 / 864,000 = 21,600 s; 100 × 2,570,400 / 2,592,000 = 99.1667 %;
      //   gap 99.5 − 99.1667 = 0.3333 pts, in (0, 1] → 2 % of 1,000 = 20.
      period: NOV, now: at('2026-11-10T23:00:00Z'), units: [{ subscribed: NOV, countedSeconds: 7200 }],
      nothingElse: { availabilityPercent: 99.7222, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
      burnRate: { availabilityPercent: 99.1667, gapPoints: 0.3333, creditPercent: 2, creditAmount: 20 },
    },
    {
      what: 'October (DST), its first 10 minutes: 1 minute down',
      // elapsed 600 s of 2,682,000; counted 60 s.
      // NothingElse: 100 × (2,682,000 − 60) / 2,682,000 = 99.9978 %: no credit.
      // BurnRate: 60 × 2,682,000 / 600 = 268,200 s = 10 % of the month → 90 %; gap 9.5 > 2 → 10 % = 100.
      period: OCT, now: plus(OCT.start, 600), units: [{ subscribed: OCT, countedSeconds: 60 }],
      nothingElse: { availabilityPercent: 99.9978, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
      burnRate: { availabilityPercent: 90, gapPoints: 9.5, creditPercent: 10, creditAmount: 100 },
    },
    {
      what: 'October, its very first instant: no rate yet',
      // elapsed 0 s: the burn rate is the downtime so far (none): 100 %.
      period: OCT, now: OCT.start, units: [{ subscribed: OCT, countedSeconds: 0 }],
      nothingElse: { availabilityPercent: 100, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
      burnRate: { availabilityPercent: 100, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
    },
    {
      what: '29 February 2028, noon in Paris: 12,400 s down',
      // elapsed 28 days + 12 h = 2,462,400 s of 2,505,600; counted 12,400 s.
      // NothingElse: 100 × (2,505,600 − 12,400) / 2,505,600 = 99.5051 %: met, no credit.
      // BurnRate: 12,400 × 2,505,600 / 2,462,400 = 12,617.54 s; 100 − 100 × 12,400 / 2,462,400
      //   = 99.4964 %; gap 0.0036 pts → 2 % = 20: the last hours decide.
      period: FEB28, now: at('2028-02-29T11:00:00Z'), units: [{ subscribed: FEB28, countedSeconds: 12_400 }],
      nothingElse: { availabilityPercent: 99.5051, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
      burnRate: { availabilityPercent: 99.4964, gapPoints: 0.0036, creditPercent: 2, creditAmount: 20 },
    },
    {
      what: 'a unit subscribed mid-month beside a clean one: the mean of the units',
      // u1 subscribed 2026-11-15T23:00Z → end: 15 days = 1,296,000 s; now 2026-11-20T23:00Z: 5 days
      // = 432,000 s of it elapsed; counted 3,600 s. u2 the whole month, nothing counted.
      // NothingElse: u1 100 × 1,292,400 / 1,296,000 = 99.7222 %, u2 100 %; mean 99.8611 %.
      // BurnRate: u1 3,600 × 1,296,000 / 432,000 = 10,800 s → 100 × 1,285,200 / 1,296,000 = 99.1667 %;
      //   u2 100 %; mean 99.5833 % ≥ 99.5: no credit.
      period: NOV, now: at('2026-11-20T23:00:00Z'),
      units: [{ subscribed: { start: at('2026-11-15T23:00:00Z'), end: NOV.end }, countedSeconds: 3600 }, { subscribed: NOV, countedSeconds: 0 }],
      nothingElse: { availabilityPercent: 99.8611, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
      burnRate: { availabilityPercent: 99.5833, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
    },
    {
      what: 'a unit whose subscription starts after now',
      // Subscribed from 2026-11-25T23:00Z (5 days = 432,000 s), now 2026-11-20T23:00Z: none elapsed,
      // nothing counted: 100 % in both cases.
      period: NOV, now: at('2026-11-20T23:00:00Z'), units: [{ subscribed: { start: at('2026-11-25T23:00:00Z'), end: NOV.end }, countedSeconds: 0 }],
      nothingElse: { availabilityPercent: 100, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
      burnRate: { availabilityPercent: 100, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
    },
  ])('$what', ({ period, now, units, nothingElse, burnRate }) => {
    const f = creditForecast(forecastInput(period, now, { functions: [fn(units)] }));
    const cases = f?.functions[0]?.cases;
    const round = (x: { availabilityPercent: number; gapPoints: number; creditPercent: number; creditAmount: number }) => ({
      availabilityPercent: Math.round(x.availabilityPercent * 1e4) / 1e4, gapPoints: Math.round(x.gapPoints * 1e4) / 1e4, creditPercent: x.creditPercent, creditAmount: x.creditAmount,
    });
    expect(cases && round(cases.NothingElse)).toEqual(nothingElse);
    expect(cases && round(cases.BurnRate)).toEqual(burnRate);
  });

  it('never projects more downtime than the subscribed time', () => {
    // Down since the first instant, 1 day in: 86,400 × 2,592,000 / 86,400 = the whole month, 0 %.
    expect(burnRateSeconds({ subscribed: NOV, countedSeconds: 86_400 }, plus(NOV.start, 86_400))).toBe(2_592_000);
  });
});

describe('GTR: the open incidents resolved at their at-risk projection', () => {
  const now = at('2026-11-10T12:00:00Z');
  const resolved = (name: string, late: boolean): ForecastIncidentInput => ({ name, resolved: true, late, deadline: at('2026-11-05T10:00:00Z'), atRiskAt: at('2026-11-05T04:00:00Z') });
  it.each([
    {
      what: 'none', incidents: [],
      resolvedCount: 0, late: 0, deviationPercent: 0, creditPercent: 0, creditAmount: 0, open: [],
    },
    {
      what: '3 resolved (1 late), 1 open on time, 1 open past its deadline',
      // Today: 1 late of 3 resolved → 1 / 5 = 20 %. Forecast: the two open ones resolved → 5
      // resolved, 2 late (the one resolved late, the one past its deadline) → 2 / 5 = 40 %, in
      // (25, 50] → 5 % of 1,500 = 75. The on-time one resolves at its at-risk instant (16:00Z,
      // later than now); the late one's at-risk instant is past: now.
      incidents: [
        resolved('r1', false), resolved('r2', true), resolved('r3', false),
        { name: 'open-on-time', resolved: false, late: false, deadline: at('2026-11-10T18:00:00Z'), atRiskAt: at('2026-11-10T16:00:00Z') },
        { name: 'open-late', resolved: false, late: true, deadline: at('2026-11-09T10:00:00Z'), atRiskAt: at('2026-11-09T04:00:00Z') },
      ],
      resolvedCount: 5, late: 2, deviationPercent: 40, creditPercent: 5, creditAmount: 75,
      open: [
        { name: 'open-on-time', resolveAt: at('2026-11-10T16:00:00Z'), deadline: at('2026-11-10T18:00:00Z'), late: false },
        { name: 'open-late', resolveAt: now, deadline: at('2026-11-09T10:00:00Z'), late: true },
      ],
    },
    {
      what: '1 open, on time: no deviation',
      // 0 late of 1 → 0 %.
      incidents: [{ name: 'o', resolved: false, late: false, deadline: at('2026-11-10T18:00:00Z'), atRiskAt: at('2026-11-10T16:00:00Z') }],
      resolvedCount: 1, late: 0, deviationPercent: 0, creditPercent: 0, creditAmount: 0,
      open: [{ name: 'o', resolveAt: at('2026-11-10T16:00:00Z'), deadline: at('2026-11-10T18:00:00Z'), late: false }],
    },
  ])('$what', ({ incidents, resolvedCount, late, deviationPercent, creditPercent, creditAmount, open }) => {
    expect(gtrForecast(incidents, now, 1500)).toEqual({ resolved: resolvedCount, late, deviationPercent, creditPercent, creditAmount, open });
  });
});

describe('the contract: one credit per incident, the cap', () => {
  const now = at('2026-11-10T23:00:00Z'); // 10 days elapsed: the burn rate triples the downtime so far
  const lateOpen: ForecastIncidentInput = { name: 'late-1', resolved: false, late: true, deadline: at('2026-11-09T10:00:00Z'), atRiskAt: at('2026-11-09T04:00:00Z') };
  const onTime: ForecastIncidentInput = { name: 'ok-1', resolved: true, late: false, deadline: at('2026-11-03T10:00:00Z'), atRiskAt: at('2026-11-03T04:00:00Z') };
  // apps: 7,200 s down → NothingElse no credit, BurnRate 2 % = 20 (the first GTD row above).
  // GTR: 1 late of 2 → 1 / 5 = 20 %, in (5, 25] → 2 % of 1,500 = 30. GTC so far: 40.
  it.each([
    {
      what: 'no shared incident',
      // NothingElse: 0 + 30 + 40 = 70; BurnRate: 20 + 30 + 40 = 90; cap 15 % of 1,000 = 150.
      counted: ['other'], recurringCharge: 1000,
      nothingElse: { uncapped: 70, capPercent: 15, cap: 150, total: 70 }, burnRate: { uncapped: 90, capPercent: 15, cap: 150, total: 90 },
    },
    {
      what: 'the late incident is the function\'s downtime: the higher credit, GTR (30 > 20), is granted',
      // BurnRate: GTD 20 waived → 30 + 40 = 70. NothingElse: no GTD credit, no conflict → 70.
      counted: ['late-1'], recurringCharge: 1000,
      nothingElse: { uncapped: 70, capPercent: 15, cap: 150, total: 70 }, burnRate: { uncapped: 70, capPercent: 15, cap: 150, total: 70 },
    },
    {
      what: 'the cap: 15 % of a 400 recurring charge = 60',
      counted: ['other'], recurringCharge: 400,
      nothingElse: { uncapped: 70, capPercent: 15, cap: 60, total: 60 }, burnRate: { uncapped: 90, capPercent: 15, cap: 60, total: 60 },
    },
  ])('$what', ({ counted, recurringCharge, nothingElse, burnRate }) => {
    const f = creditForecast(forecastInput(NOV, now, {
      functions: [fn([{ subscribed: NOV, countedSeconds: 7200 }], counted)], incidents: [onTime, lateOpen], recurringCharge, gtcCreditAmount: 40,
    }));
    expect(f?.gtr.creditAmount).toBe(30);
    expect(f?.credits).toEqual({ NothingElse: nothingElse, BurnRate: burnRate });
  });
});

describe('in the monthly report', () => {
  const unit: UnitInput = {
    name: 'db-1', level: 'Database', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-db-1' }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  };
  const databases: FunctionInput = { name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 600 };
  const incident = (name: string, priority: IncidentInput['priority'], openedAt: string, resolvedAt?: string): IncidentInput => ({
    name, unitNames: ['db-1'], priority, openedAt: at(openedAt), resolvedAt: resolvedAt === undefined ? undefined : at(resolvedAt), cause: 'Provider', exclusions: [],
  });
  const input: ReportInput = {
    calendar: DEFAULT_CALENDAR,
    contract: { currency: 'EUR', supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000, productionMonthlyCharge: 1500 },
    units: [unit], functions: [databases], changes: [], maintenanceWindows: [],
    incidents: [
      incident('slow', 'P2', '2026-11-02T08:00:00Z', '2026-11-03T09:00:00Z'), // P2 Standard 24 h, 24×7: 25 h, late
      incident('old', 'P2', '2026-11-08T10:00:00Z'), // open; deadline 2026-11-09T10:00Z, at risk at 18 h (04:00Z): past both
      incident('outage', 'P1', '2026-11-10T10:00:00Z'), // open, P1 Standard 8 h: deadline 18:00Z, at risk at 6 h: 16:00Z
    ],
  };
  // now 2026-11-10T12:00Z: elapsed 9 days 13 h = 824,400 s of 2,592,000. outage: 7,200 s down.
  const now = at('2026-11-10T12:00:00Z');
  const report = computeMonthlyReport(input, '2026-11', now);

  it('forecasts the month from now', () => {
    // databases (AnyFunction, Standard: 99.5 %, charge 600):
    //   NothingElse 100 × (2,592,000 − 7,200) / 2,592,000 = 99.7222 % (the report's figure): no credit;
    //   BurnRate 100 − 100 × 7,200 / 824,400 = 99.1266 %, gap 0.3734 → 2 % of 600 = 12.
    // GTR: today 1 late of 1 resolved → 1 / 5 = 20 % → 2 % of 1,500 = 30. Forecast: old and
    //   outage resolved too → 3 resolved, 2 late (slow, old) → 2 / 5 = 40 % → 5 % = 75.
    // Credits (no shared incident: outage is on time), cap 15 % of 1,000 = 150:
    //   NothingElse 0 + 75 = 75; BurnRate 12 + 75 = 87.
    expect(report.functions[0]?.availabilityPercent).toBe(99.7222);
    expect(report.gtr.creditAmount).toBe(30);
    expect(report.forecast).toEqual({
      at: '2026-11-10T12:00:00Z',
      monthSeconds: 2_592_000,
      elapsedSeconds: 824_400,
      functions: [{
        name: 'databases', guaranteePercent: 99.5,
        nothingElse: { availabilityPercent: 99.7222, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
        burnRate: { availabilityPercent: 99.1266, gapPoints: 0.3734, creditPercent: 2, creditAmount: 12 },
      }],
      gtr: {
        resolved: 3, late: 2, deviationPercent: 40, creditPercent: 5, creditAmount: 75,
        open: [
          { name: 'old', resolveAt: '2026-11-10T12:00:00Z', deadline: '2026-11-09T10:00:00Z', late: true },
          { name: 'outage', resolveAt: '2026-11-10T16:00:00Z', deadline: '2026-11-10T18:00:00Z', late: false },
        ],
      },
      gtcCreditAmount: 0,
      credits: { nothingElse: { uncapped: 75, cap: 150, total: 75 }, burnRate: { uncapped: 87, cap: 150, total: 87 } },
    });
  });

  it('has none once the month has ended, nor in its final report', () => {
    expect(computeMonthlyReport(input, '2026-11', NOV.end).forecast).toBeUndefined();
    const final = computeMonthlyReport(input, '2026-11', at('2027-01-15T00:00:00Z'));
    expect(final.final).toBe(true);
    expect('forecast' in final).toBe(false);
  });

  it('has none for a month not started yet', () => {
    expect(computeMonthlyReport(input, '2026-12', now).forecast).toBeUndefined();
  });

  it('is the forecast as at the start of the hour (FORECAST_STEP_MS), while the rest of the report is at now', () => {
    // now 12:59:59Z: outage has been down 2 h 59 min 59 s = 10,799 s, so the month to date is
    // 100 × (2,592,000 − 10,799) / 2,592,000 = 99.5834 %; the forecast is still the one of 12:00Z above.
    const later = computeMonthlyReport(input, '2026-11', at('2026-11-10T12:59:59Z'));
    expect(later.functions[0]?.availabilityPercent).toBe(99.5834);
    expect(later.forecast).toEqual(report.forecast);
    // 13:00Z: the next one. Elapsed 824,400 + 3,600 = 828,000 s, outage 10,800 s down:
    // NothingElse 100 × (2,592,000 − 10,800) / 2,592,000 = 99.5833 %; BurnRate 100 − 100 × 10,800 / 828,000 = 98.6957 %.
    const next = computeMonthlyReport(input, '2026-11', at('2026-11-10T13:00:00Z')).forecast;
    expect(next).toMatchObject({ at: '2026-11-10T13:00:00Z', elapsedSeconds: 828_000 });
    expect(next?.functions[0]?.nothingElse.availabilityPercent).toBe(99.5833);
    expect(next?.functions[0]?.burnRate.availabilityPercent).toBe(98.6957);
  });

  it('starts at the month\'s first instant, not at the hour before it', () => {
    // Paris: November starts 2026-10-31T23:00Z, on the hour of UTC; a zone of +05:30 starts its
    // month at 18:30Z, between two hours: the forecast of 18:45Z is as at 18:30Z (elapsed 0: no rate yet).
    expect(forecastInstant({ start: at('2026-10-31T18:30:00Z'), end: at('2026-11-30T18:30:00Z') }, at('2026-10-31T18:45:00Z'))).toEqual(at('2026-10-31T18:30:00Z'));
    expect(forecastInstant({ start: at('2026-10-31T18:30:00Z'), end: at('2026-11-30T18:30:00Z') }, at('2026-10-31T19:45:00Z'))).toEqual(at('2026-10-31T19:00:00Z'));
  });
});
