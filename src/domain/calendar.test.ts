import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_CALENDAR,
  type BusinessCalendar,
  type ServiceWindow,
  coveredIntervals,
  coveredSeconds,
  instantAfterCovered,
  isBusinessDay,
  isTimeZone,
  localDateOf,
  monthOf,
  monthPeriod,
  publicHolidays,
} from './calendar.ts';

const HOUR = 3600;
const paris: ServiceWindow = { kind: 'BusinessHours', calendar: DEFAULT_CALENDAR };
const newYork: ServiceWindow = { kind: 'BusinessHours', calendar: { ...DEFAULT_CALENDAR, timeZone: 'America/New_York' } };
const always: ServiceWindow = { kind: 'Always' };
const at = (iso: string): Date => new Date(iso);

describe('business days (domain.md §4)', () => {
  it.each([
    ['2026-01-01', 'New Year'],
    ['2026-04-06', 'Easter Monday'],
    ['2026-05-01', 'Labour Day'],
    ['2026-05-08', 'Victory 1945'],
    ['2026-05-14', 'Ascension'],
    ['2026-05-25', 'Whit Monday'],
    ['2026-07-14', 'Bastille Day'],
    ['2026-11-11', 'Armistice'],
    ['2026-12-25', 'Christmas'],
    ['2027-03-29', 'Easter Monday 2027 (movable)'],
    ['2027-05-06', 'Ascension 2027 (movable)'],
  ])('%s (%s) is a weekday holiday, not a business day', (date) => {
    expect(isBusinessDay(DEFAULT_CALENDAR, date)).toBe(false);
  });

  it('metropolitan France has 11 public holidays in 2026, 15 Aug and 1 Nov included; observances excluded', () => {
    const holidays = publicHolidays('FR', 2026);
    expect(holidays.size).toBe(11);
    expect(holidays.has('2026-08-15')).toBe(true);
    expect(holidays.has('2026-11-01')).toBe(true);
    expect(holidays.has('2026-05-31')).toBe(false); // Mothers' Day is an observance
  });

  it.each([
    ['2026-04-07', true, 'Tuesday after Easter Monday'],
    ['2026-05-13', true, 'Wednesday before Ascension'],
    ['2026-12-24', true, 'Christmas Eve'],
    ['2026-03-28', false, 'Saturday'],
    ['2026-03-29', false, 'Sunday'],
    ['2026-08-14', true, 'Friday before 15 August'],
  ])('%s is a business day: %s (%s)', (date, expected) => {
    expect(isBusinessDay(DEFAULT_CALENDAR, date)).toBe(expected);
  });

  it('rejects a malformed date', () => {
    expect(() => isBusinessDay(DEFAULT_CALENDAR, '2026-4-6')).toThrow(/YYYY-MM-DD/);
  });
});

describe('coveredSeconds in business hours, Europe/Paris', () => {
  it.each([
    // [from, to, covered hours, why]
    ['2026-03-02T08:00:00Z', '2026-03-02T17:00:00Z', 9, 'one winter business day 09:00–18:00 CET'],
    ['2026-03-02T07:00:00Z', '2026-03-02T18:00:00Z', 9, 'hours before and after do not count'],
    ['2026-03-06T16:00:00Z', '2026-03-09T09:00:00Z', 2, 'Friday 17:00 → Monday 10:00 over a weekend'],
    ['2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z', 0, 'a whole weekend'],
    ['2026-04-03T00:00:00Z', '2026-04-08T00:00:00Z', 18, 'Easter weekend: Friday, Tuesday'],
    ['2026-05-13T00:00:00Z', '2026-05-16T00:00:00Z', 18, 'Ascension Thursday skipped'],
    ['2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z', 18, 'across spring-forward (29 March): Fri + Mon'],
    ['2026-03-30T07:00:00Z', '2026-03-30T16:00:00Z', 9, 'first summer-time Monday: 09:00 CEST = 07:00Z'],
    ['2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z', 18, 'across fall-back (25 October): Fri + Mon'],
    ['2026-10-26T08:00:00Z', '2026-10-26T17:00:00Z', 9, 'first winter-time Monday: 09:00 CET = 08:00Z'],
    ['2026-12-31T00:00:00Z', '2027-01-05T00:00:00Z', 18, 'across New Year: 31 Dec, 4 Jan'],
    ['2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z', 0, 'empty interval'],
    ['2026-03-02T12:00:00Z', '2026-03-02T10:00:00Z', 0, 'reversed interval'],
  ])('%s → %s is %d h (%s)', (from, to, hours) => {
    expect(coveredSeconds(paris, at(from), at(to))).toBe(hours * HOUR);
  });

  it('a full working month: March 2026 has 22 business days = 198 h', () => {
    const { start, end } = monthPeriod('2026-03', 'Europe/Paris');
    expect(coveredSeconds(paris, start, end)).toBe(22 * 9 * HOUR);
  });

  it('a whole year: 2026 has 261 weekdays, 9 of them holidays, so 252 business days', () => {
    expect(coveredSeconds(paris, at('2025-12-31T23:00:00Z'), at('2026-12-31T23:00:00Z'))).toBe(252 * 9 * HOUR);
  });

  it('Always is elapsed time, DST included', () => {
    const { start, end } = monthPeriod('2026-03', 'Europe/Paris');
    expect(coveredSeconds(always, start, end)).toBe(743 * HOUR);
  });
});

describe('instantAfterCovered, the deadline function', () => {
  it.each([
    ['2026-03-02T08:00:00Z', 4, '2026-03-02T12:00:00Z', 'inside one day'],
    ['2026-03-02T16:00:00Z', 8, '2026-03-03T15:00:00Z', 'runs over the evening'],
    ['2026-03-06T16:00:00Z', 4, '2026-03-09T11:00:00Z', 'Friday 17:00 + 4 h = Monday 12:00'],
    ['2026-03-07T10:00:00Z', 9, '2026-03-09T17:00:00Z', 'opened on Saturday: 1 business day = Monday 18:00'],
    ['2026-03-02T17:00:00Z', 9, '2026-03-03T17:00:00Z', 'ending exactly at 18:00 stays at 18:00, not next morning'],
    ['2026-04-03T15:00:00Z', 4, '2026-04-07T10:00:00Z', 'over Easter Monday and spring-forward: Tue 12:00 CEST'],
    ['2026-03-27T16:00:00Z', 2, '2026-03-30T08:00:00Z', 'across spring-forward: Monday 10:00 CEST'],
    ['2026-10-23T15:00:00Z', 2, '2026-10-26T09:00:00Z', 'across fall-back: Friday 17:00 CEST + 2 h = Monday 10:00 CET'],
    ['2026-12-31T15:00:00Z', 4, '2027-01-04T10:00:00Z', 'across New Year'],
    ['2026-03-07T10:00:00Z', 0, '2026-03-07T10:00:00Z', 'zero covered seconds is the start itself'],
  ])('from %s + %d covered h = %s (%s)', (start, hours, expected) => {
    expect(instantAfterCovered(paris, at(start), hours * HOUR).toISOString()).toBe(new Date(expected).toISOString());
  });

  it('Always adds elapsed time', () => {
    expect(instantAfterCovered(always, at('2026-03-28T23:00:00Z'), 4 * HOUR).toISOString()).toBe('2026-03-29T03:00:00.000Z');
  });

  it('rejects negative or non-finite durations', () => {
    expect(() => instantAfterCovered(paris, at('2026-03-02T08:00:00Z'), -1)).toThrow(RangeError);
    expect(() => instantAfterCovered(paris, at('2026-03-02T08:00:00Z'), Number.NaN)).toThrow(RangeError);
  });
});

describe('coveredIntervals', () => {
  it('lists the business intervals clipped to the range, across a holiday and DST', () => {
    const intervals = coveredIntervals(paris, at('2026-04-03T12:00:00Z'), at('2026-04-07T09:00:00Z'));
    expect(intervals.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-04-03T12:00:00.000Z', '2026-04-03T16:00:00.000Z'],
      ['2026-04-07T07:00:00.000Z', '2026-04-07T09:00:00.000Z'],
    ]);
  });

  it('Always is the range itself; an empty range has no intervals', () => {
    expect(coveredIntervals(always, at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'))).toEqual([
      { start: at('2026-01-01T00:00:00Z'), end: at('2026-01-02T00:00:00Z') },
    ]);
    expect(coveredIntervals(paris, at('2026-01-02T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toEqual([]);
  });

  it('does not split a business day that straddles the UTC new year (Pacific/Honolulu)', () => {
    const honolulu: ServiceWindow = { kind: 'BusinessHours', calendar: { ...DEFAULT_CALENDAR, timeZone: 'Pacific/Honolulu', holidayCountry: 'US' } };
    // HST = UTC−10: Wednesday 31 Dec 2025 09:00–18:00 local = 19:00Z–04:00Z next day; 1 Jan is a holiday.
    const intervals = coveredIntervals(honolulu, at('2025-12-31T00:00:00Z'), at('2026-01-03T00:00:00Z'));
    expect(intervals.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2025-12-31T00:00:00.000Z', '2025-12-31T04:00:00.000Z'],
      ['2025-12-31T19:00:00.000Z', '2026-01-01T04:00:00.000Z'],
      ['2026-01-02T19:00:00.000Z', '2026-01-03T00:00:00.000Z'],
    ]);
  });
});

describe('isTimeZone (remembered: the same answer every time)', () => {
  it.each([
    ['Europe/Paris', true], ['America/New_York', true], ['UTC', true], ['Mars/Olympus_Mons', false], ['', false],
  ])('%s → %s', (zone, expected) => {
    expect(isTimeZone(zone)).toBe(expected);
    expect(isTimeZone(zone)).toBe(expected);
  });
});

describe('months', () => {
  it.each([
    ['2026-03', 'Europe/Paris', 743, '2026-02-28T23:00:00.000Z'],
    ['2026-10', 'Europe/Paris', 745, '2026-09-30T22:00:00.000Z'],
    ['2026-04', 'Europe/Paris', 720, '2026-03-31T22:00:00.000Z'],
    ['2026-02', 'Europe/Paris', 672, '2026-01-31T23:00:00.000Z'],
    ['2026-03', 'America/New_York', 743, '2026-03-01T05:00:00.000Z'],
    ['2026-11', 'America/New_York', 721, '2026-11-01T04:00:00.000Z'],
  ])('%s in %s lasts %d h from %s', (month, zone, hours, start) => {
    const period = monthPeriod(month, zone);
    expect(period.start.toISOString()).toBe(start);
    expect((period.end.getTime() - period.start.getTime()) / 1000).toBe(hours * HOUR);
  });

  it.each([
    ['2026-02-28T23:00:00Z', 'Europe/Paris', '2026-03'],
    ['2026-02-28T22:59:59.999Z', 'Europe/Paris', '2026-02'],
    ['2026-03-01T03:00:00Z', 'America/New_York', '2026-02'],
  ])('monthOf(%s, %s) = %s', (instant, zone, month) => {
    expect(monthOf(at(instant), zone)).toBe(month);
  });

  it('rejects bad months and unknown zones', () => {
    expect(() => monthPeriod('2026-13', 'Europe/Paris')).toThrow(/YYYY-MM/);
    expect(() => monthPeriod('2026-03', 'Mars/Olympus')).toThrow(RangeError);
    expect(() => monthOf(at('2026-03-01T00:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => coveredSeconds({ kind: 'BusinessHours', calendar: { ...DEFAULT_CALENDAR, timeZone: 'Mars/Olympus' } }, at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'))).toThrow(/time zone/);
  });

  it('localDateOf reads the date in the given zone', () => {
    expect(localDateOf(at('2026-03-01T23:30:00Z'), 'Europe/Paris')).toBe('2026-03-02');
    expect(localDateOf(at('2026-03-01T23:30:00Z'), 'America/New_York')).toBe('2026-03-01');
  });
});

describe('results depend only on the calendar, never on the machine zone', () => {
  it('the same instants give the local business hours of each calendar', () => {
    // Monday 2 March 2026: Paris 09:00–18:00 = 08:00–17:00Z; New York 09:00–18:00 EST = 14:00–23:00Z.
    const from = at('2026-03-02T00:00:00Z');
    const to = at('2026-03-03T00:00:00Z');
    expect(coveredSeconds(paris, from, to)).toBe(9 * HOUR);
    expect(coveredSeconds(newYork, from, to)).toBe(9 * HOUR);
    expect(coveredIntervals(paris, from, to)[0]?.start.toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(coveredIntervals(newYork, from, to)[0]?.start.toISOString()).toBe('2026-03-02T14:00:00.000Z');
    // 14:00Z–17:00Z is the overlap: 3 h of each.
    expect(coveredSeconds(paris, at('2026-03-02T14:00:00Z'), to)).toBe(3 * HOUR);
    expect(coveredSeconds(newYork, from, at('2026-03-02T17:00:00Z'))).toBe(3 * HOUR);
  });

  it('the US switch to summer time (8 March) moves New York hours three weeks before Paris', () => {
    const monday = [at('2026-03-09T00:00:00Z'), at('2026-03-10T00:00:00Z')] as const;
    expect(coveredIntervals(newYork, ...monday)[0]?.start.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(coveredIntervals(paris, ...monday)[0]?.start.toISOString()).toBe('2026-03-09T08:00:00.000Z');
  });

  it('the holiday country is the calendar’s: 14 July counts in New York with US holidays', () => {
    const us: BusinessCalendar = { ...DEFAULT_CALENDAR, timeZone: 'America/New_York', holidayCountry: 'US' };
    expect(isBusinessDay(us, '2026-07-14')).toBe(true);
    expect(isBusinessDay(us, '2026-07-03')).toBe(false); // Independence Day observed (4 July is a Saturday)
    expect(isBusinessDay(DEFAULT_CALENDAR, '2026-07-14')).toBe(false);
  });
});

describe('properties', () => {
  // Instants between 2024 and 2029, ms precision; spans up to ~6 weeks.
  const instant = fc.oneof(
    fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2029, 0, 1) }),
    // Near UTC new years, to cross the timeline's cut.
    fc.tuple(fc.integer({ min: 2024, max: 2028 }), fc.integer({ min: -10 * 86_400_000, max: 10 * 86_400_000 })).map(([y, d]) => Date.UTC(y, 0, 1) + d),
  ).map((ms) => new Date(ms));
  const span = fc.integer({ min: 0, max: 42 * 86_400_000 });
  // Honolulu's business days straddle the UTC new year, where the precomputed timeline is cut.
  const windows = fc.constantFrom<ServiceWindow>(
    paris,
    newYork,
    always,
    { kind: 'BusinessHours', calendar: { timeZone: 'Pacific/Auckland', holidayCountry: 'NZ', businessDayStart: '08:30', businessDayEnd: '17:15' } },
    { kind: 'BusinessHours', calendar: { ...DEFAULT_CALENDAR, timeZone: 'Pacific/Honolulu', holidayCountry: 'US' } },
  );

  it('covered time is additive: c(a,b) + c(b,c) = c(a,c)', () => {
    fc.assert(
      fc.property(windows, instant, span, span, (w, a, d1, d2) => {
        const b = new Date(a.getTime() + d1);
        const c = new Date(b.getTime() + d2);
        expect(coveredSeconds(w, a, b) + coveredSeconds(w, b, c)).toBeCloseTo(coveredSeconds(w, a, c), 6);
      }),
    );
  });

  it('covered time is never negative and never exceeds elapsed time', () => {
    fc.assert(
      fc.property(windows, instant, instant, (w, a, b) => {
        const covered = coveredSeconds(w, a, b);
        expect(covered).toBeGreaterThanOrEqual(0);
        expect(covered).toBeLessThanOrEqual(Math.max(0, (b.getTime() - a.getTime()) / 1000));
      }),
    );
  });

  it('the deadline function inverts covered time, and is the earliest such instant', () => {
    fc.assert(
      fc.property(windows, instant, fc.integer({ min: 0, max: 20 * 9 * HOUR }), (w, start, seconds) => {
        const deadline = instantAfterCovered(w, start, seconds);
        expect(coveredSeconds(w, start, deadline)).toBe(seconds);
        if (seconds > 0) expect(coveredSeconds(w, start, new Date(deadline.getTime() - 1))).toBeLessThan(seconds);
      }),
    );
  });

  it('coveredIntervals sum to coveredSeconds and lie in business hours', () => {
    fc.assert(
      fc.property(windows, instant, span, (w, from, d) => {
        const to = new Date(from.getTime() + d);
        const intervals = coveredIntervals(w, from, to);
        const sum = intervals.reduce((s, i) => s + (i.end.getTime() - i.start.getTime()) / 1000, 0);
        expect(sum).toBeCloseTo(coveredSeconds(w, from, to), 6);
        for (let k = 1; k < intervals.length; k++) expect(intervals[k]!.start.getTime()).toBeGreaterThan(intervals[k - 1]!.end.getTime());
      }),
    );
  });
});
