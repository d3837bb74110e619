// The bounded expander against rrule.js, day for day, on generated rules of the subset; and its
// cost, counted in days looked at, against the cap.
import fc from 'fast-check';
import rrule from 'rrule';
import { describe, expect, it } from 'vitest';
import { validateRrule } from './maintenance.ts';
import { EXPANSION_DAY_CAP, ExpansionCapError, WEEKDAYS, civil, dayNumber, expandDays, parseRule } from './rrule.ts';

const { RRule } = rrule;

const floating = (d: number): Date => {
  const { year, month, day } = civil(d);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(2, 30, 0, 0);
  return date;
};

/** rrule.js's occurrence days in [lowDay, highDay), for a rule starting on firstDay at 02:30 (floating). */
function oracle(body: string, firstDay: number, lowDay: number, highDay: number): number[] {
  const rule = new RRule({ ...RRule.parseString(body), dtstart: floating(firstDay) });
  const days = rule.between(floating(lowDay), floating(highDay), true)
    .map((date) => dayNumber(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()))
    .filter((d) => d < highDay);
  // rrule.js repeats a day that two BYSETPOS positions select (it compares Date objects by identity).
  return [...new Set(days)];
}

const signed = (max: number) => fc.integer({ min: 1, max }).chain((n) => fc.constantFrom(n, -n));
const weekday = fc.constantFrom(...WEEKDAYS);
const listOf = <T>(arb: fc.Arbitrary<T>, max = 3) => fc.uniqueArray(arb, { minLength: 1, maxLength: max }).map((xs) => xs.join(','));

/** Rules of the subset (validateRrule's), with every part, often several. */
const ruleBody = fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY').chain((freq) => {
  const ordinal = freq === 'MONTHLY' || freq === 'YEARLY';
  const parts: fc.Arbitrary<string>[] = [
    fc.integer({ min: 1, max: 5 }).map((n) => `INTERVAL=${n}`),
    fc.integer({ min: 1, max: 40 }).map((n) => `COUNT=${n}`),
    listOf(ordinal ? fc.oneof(weekday, fc.tuple(signed(5), weekday).map(([n, w]) => `${n}${w}`)) : weekday).map((v) => `BYDAY=${v}`),
    listOf(signed(31)).map((v) => `BYMONTHDAY=${v}`),
    listOf(fc.integer({ min: 1, max: 12 })).map((v) => `BYMONTH=${v}`),
    listOf(signed(366)).map((v) => `BYYEARDAY=${v}`),
    // One position, positive or -1: rrule.js departs from RFC 5545 (and python-dateutil) with a
    // negative position beyond the set (it takes the set's first day, `slice(pos)[0]`) and with
    // several positions (a day two positions select comes twice and counts twice toward COUNT; a
    // position beyond the set puts an Invalid Date in the list it sorts). expandDays follows the
    // RFC: cases of their own below.
    fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(-1)).map((v) => `BYSETPOS=${v}`),
    weekday.map((w) => `WKST=${w}`),
    ...(freq === 'YEARLY' ? [listOf(signed(53)).map((v) => `BYWEEKNO=${v}`)] : []),
  ];
  return fc.subarray(parts.map((_, i) => i), { maxLength: 3 })
    .chain((chosen): fc.Arbitrary<string[]> => (chosen.length === 0 ? fc.constant<string[]>([]) : fc.tuple(...chosen.map((i) => parts[i]!))))
    .map((values) => [`FREQ=${freq}`, ...values].join(';'));
});

describe('expandDays', () => {
  it('yields the days rrule.js yields, for any rule of the subset, first day and window', () => {
    // Years near 9990: rrule.js stops its search at year 9999, so even a rule that never matches
    // costs it only a few years of periods here.
    const base = dayNumber(9985, 1, 1);
    fc.assert(
      fc.property(ruleBody, fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 1, max: 1500 }), (body, start, offset, span) => {
        expect(validateRrule(body)).toBeUndefined();
        const firstDay = base + start;
        const lowDay = base + offset;
        expect(expandDays(parseRule(body), firstDay, lowDay, lowDay + span).days).toEqual(oracle(body, firstDay, lowDay, lowDay + span));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    // 2026-01-01 is a Thursday; FREQ=MONTHLY;BYDAY=-1FR: the last Fridays 2026-01-30, 2026-02-27.
    ['FREQ=MONTHLY;BYDAY=-1FR', '2026-01-01', ['2026-01-30', '2026-02-27']],
    // Week 1 (weeks from Monday) holds 4 January: 2026's runs Monday 2025-12-29 to 2026-01-04, its
    // Thursday is 2026-01-01; 2027's runs 2027-01-04 to 01-10, Thursday 2027-01-07 (2026-12-31 is in week 53).
    ['FREQ=YEARLY;BYWEEKNO=1;BYDAY=TH', '2026-01-01', ['2026-01-01', '2027-01-07']],
    // The last working day of each month: weekdays, BYSETPOS=-1; January 2026 ends on Saturday 31 → Friday 30.
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', '2026-01-01', ['2026-01-30', '2026-02-27']],
    // A week of one day (the default weekday of the first day, Thursday): position -3 selects
    // nothing (RFC 5545; rrule.js would take the Thursday), 1 the Thursday, once.
    ['FREQ=WEEKLY;BYSETPOS=-3,1', '2026-01-01', ['2026-01-01', '2026-01-08']],
    ['FREQ=WEEKLY;BYSETPOS=-3', '2026-01-01', []],
    // A day is one set of one day: positions 1 and -1 both select it, once; COUNT=2 is two days.
    ['FREQ=DAILY;COUNT=2;BYSETPOS=1,-1', '2026-01-01', ['2026-01-01', '2026-01-02']],
    // Thursday 2026-01-01 starts the first week (Monday-based, from the first day): {Th 1, Sa 3};
    // positions 2, 3, 1 select Sa 3 and Th 1 (3 is beyond the set: nothing), in order.
    ['FREQ=WEEKLY;BYDAY=TH,SA;BYSETPOS=2,3,1', '2026-01-01', ['2026-01-01', '2026-01-03']],
  ])('%s from %s: the first two are %j', (body, first, expected) => {
    const [y, m, d] = first.split('-').map(Number) as [number, number, number];
    const firstDay = dayNumber(y, m, d);
    const days = expandDays(parseRule(body), firstDay, firstDay, firstDay + 800, 2).days.map((day) => {
      const c = civil(day);
      return `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
    });
    expect(days).toEqual(expected);
  });

  it('costs days of the window, not of the rule: a never-matching rule over 10 years looks at 3,653 days', () => {
    // FREQ=DAILY: one day a period. 2026-01-01 to 2036-01-01: 10 × 365 + 3 leap days (2028, 2032, 2036 is after) = 3,652 + 1.
    const first = dayNumber(2026, 1, 1);
    const { days, evaluated } = expandDays(parseRule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'), first, first, dayNumber(2036, 1, 1));
    expect(days).toEqual([]);
    // 2026..2035: 2028 and 2032 are leap years: 3,650 + 2 = 3,652 days.
    expect(evaluated).toBe(3652);
  });

  it('enters a rule without COUNT at the window: a rule from 1970 looked at in 2200 costs the window only', () => {
    // FREQ=YEARLY: a period is a year, entered at 2200: 2200 (365 days, not leap) and 2201 (365) = 730.
    const { evaluated } = expandDays(parseRule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'), dayNumber(1970, 1, 1), dayNumber(2200, 1, 1), dayNumber(2201, 6, 1));
    expect(evaluated).toBe(730);
  });

  it('stops at the cap: a COUNT rule from year 1 looked at in 2200 throws ExpansionCapError', () => {
    // From year 1 to 2200 is ~803,500 days, beyond EXPANSION_DAY_CAP: years 1970 to 2211 (2200, a
    // horizon of 10 and one more) = 242 years × 366 = 88,572 days.
    expect(EXPANSION_DAY_CAP).toBe(88_572);
    const expand = () => expandDays(parseRule('FREQ=DAILY;COUNT=5;BYMONTH=2;BYMONTHDAY=30'), dayNumber(1, 1, 1), dayNumber(2200, 1, 1), dayNumber(2201, 1, 1));
    expect(expand).toThrow(ExpansionCapError);
    expect(expand).toThrow(/after looking at 88573 days/);
  });
});
