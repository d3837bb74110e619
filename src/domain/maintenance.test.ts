import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type MaintenanceSchedule,
  activeOccurrence,
  nextEdge,
  nextOccurrences,
  occurrencesBetween,
  validateRrule,
  validateSchedule,
} from './maintenance.ts';

const HOUR = 3600;
const at = (iso: string): Date => new Date(iso);
const iso = (intervals: readonly { start: Date; end: Date }[]): string[][] => intervals.map((i) => [i.start.toISOString(), i.end.toISOString()]);

const sundayNight: MaintenanceSchedule = {
  timeZone: 'Europe/Paris',
  recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU', startTime: '02:30' },
  durationSeconds: 2 * HOUR,
};
const patchTuesday: MaintenanceSchedule = {
  timeZone: 'Europe/Paris',
  recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '20:00' },
  durationSeconds: 4 * HOUR,
};

describe('weekly windows in local time across DST (Europe/Paris)', () => {
  it('keeps 02:30 local: CET before, the gap moves forward on 29 March, CEST after', () => {
    expect(iso(occurrencesBetween(sundayNight, at('2026-03-20T00:00:00Z'), at('2026-04-06T00:00:00Z')))).toEqual([
      ['2026-03-22T01:30:00.000Z', '2026-03-22T03:30:00.000Z'], // 02:30 CET
      ['2026-03-29T01:30:00.000Z', '2026-03-29T03:30:00.000Z'], // 02:30 does not exist: 03:30 CEST
      ['2026-04-05T00:30:00.000Z', '2026-04-05T02:30:00.000Z'], // 02:30 CEST
    ]);
  });

  it('on 25 October 02:30 exists twice: the first one (CEST); the duration is real time', () => {
    expect(iso(occurrencesBetween(sundayNight, at('2026-10-18T00:00:00Z'), at('2026-11-02T00:00:00Z')))).toEqual([
      ['2026-10-18T00:30:00.000Z', '2026-10-18T02:30:00.000Z'],
      ['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00.000Z'], // 02:30 CEST, the first 02:30
      ['2026-11-01T01:30:00.000Z', '2026-11-01T03:30:00.000Z'], // 02:30 CET
    ]);
  });

  it('the same rule in New York follows the US changes (8 March, 1 November)', () => {
    const ny: MaintenanceSchedule = { ...sundayNight, timeZone: 'America/New_York' };
    expect(iso(occurrencesBetween(ny, at('2026-03-01T00:00:00Z'), at('2026-03-10T00:00:00Z')))).toEqual([
      ['2026-03-01T07:30:00.000Z', '2026-03-01T09:30:00.000Z'], // 02:30 EST
      ['2026-03-08T07:30:00.000Z', '2026-03-08T09:30:00.000Z'], // gap: 03:30 EDT
    ]);
  });

  it('includes an occurrence that started before the range and overlaps it, not one that ended at its start', () => {
    expect(iso(occurrencesBetween(sundayNight, at('2026-03-22T02:00:00Z'), at('2026-03-22T05:00:00Z')))).toEqual([
      ['2026-03-22T01:30:00.000Z', '2026-03-22T03:30:00.000Z'],
    ]);
    expect(occurrencesBetween(sundayNight, at('2026-03-22T03:30:00Z'), at('2026-03-22T05:00:00Z'))).toEqual([]);
    expect(occurrencesBetween(sundayNight, at('2026-03-22T05:00:00Z'), at('2026-03-22T03:00:00Z'))).toEqual([]);
  });
});

describe('monthly security patching (Patch Tuesday, FREQ=MONTHLY;BYDAY=2TU)', () => {
  it('falls on the second Tuesday of each month at 20:00 local', () => {
    expect(iso(nextOccurrences(patchTuesday, at('2026-01-01T00:00:00Z'), 5))).toEqual([
      ['2026-01-13T19:00:00.000Z', '2026-01-13T23:00:00.000Z'],
      ['2026-02-10T19:00:00.000Z', '2026-02-10T23:00:00.000Z'],
      ['2026-03-10T19:00:00.000Z', '2026-03-10T23:00:00.000Z'],
      ['2026-04-14T18:00:00.000Z', '2026-04-14T22:00:00.000Z'], // CEST
      ['2026-05-12T18:00:00.000Z', '2026-05-12T22:00:00.000Z'],
    ]);
  });

  it.each([
    ['FREQ=MONTHLY;BYDAY=-1SU', '2026-03-29T01:30:00.000Z', 'last Sunday of March (the DST day itself)'],
    ['FREQ=MONTHLY;BYMONTHDAY=1', '2026-04-01T00:30:00.000Z', 'first of the month'],
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', '2026-03-31T00:30:00.000Z', 'last weekday of the month'],
    ['FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15', '2026-08-15T00:30:00.000Z', 'once a year'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=SA', '2026-03-28T01:30:00.000Z', 'every other Saturday, anchored on 2024-01-01'],
    ['FREQ=DAILY', '2026-03-21T01:30:00.000Z', 'daily'],
  ])('%s: first start after 2026-03-20T12:00Z is %s (%s)', (rule, start) => {
    const schedule: MaintenanceSchedule = { timeZone: 'Europe/Paris', recurrence: { rrule: rule, startTime: '02:30' }, durationSeconds: HOUR };
    expect(nextOccurrences(schedule, at('2026-03-20T12:00:00Z'), 1)[0]?.start.toISOString()).toBe(start);
  });
});

describe('bounds, one-off windows, active and next', () => {
  it('from/until bound the recurrence; COUNT counts from `from`', () => {
    const bounded: MaintenanceSchedule = {
      ...sundayNight,
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=2', startTime: '02:30', from: at('2026-03-22T02:00:00Z') },
    };
    // 22 March 02:30 local (01:30Z) is before `from`: the two counted are 29 March and 5 April.
    expect(iso(nextOccurrences(bounded, at('2026-01-01T00:00:00Z'), 10))).toEqual([
      ['2026-03-29T01:30:00.000Z', '2026-03-29T03:30:00.000Z'],
      ['2026-04-05T00:30:00.000Z', '2026-04-05T02:30:00.000Z'],
    ]);
    const until: MaintenanceSchedule = {
      ...sundayNight,
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU', startTime: '02:30', until: at('2026-04-05T00:30:00Z') },
    };
    expect(nextOccurrences(until, at('2026-03-23T00:00:00Z'), 10).map((o) => o.start.toISOString())).toEqual([
      '2026-03-29T01:30:00.000Z',
      '2026-04-05T00:30:00.000Z', // `until` is inclusive, like RRULE's UNTIL
    ]);
  });

  it('a one-off window joins the recurring ones in start order', () => {
    const both: MaintenanceSchedule = { ...sundayNight, oneOff: { start: at('2026-03-25T21:00:00Z') } };
    expect(nextOccurrences(both, at('2026-03-23T00:00:00Z'), 3).map((o) => o.start.toISOString())).toEqual([
      '2026-03-25T21:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-04-05T00:30:00.000Z',
    ]);
    const only: MaintenanceSchedule = { timeZone: 'Europe/Paris', oneOff: { start: at('2026-03-25T21:00:00Z') }, durationSeconds: 3 * HOUR };
    expect(iso(nextOccurrences(only, at('2026-03-01T00:00:00Z'), 3))).toEqual([['2026-03-25T21:00:00.000Z', '2026-03-26T00:00:00.000Z']]);
    expect(nextOccurrences(only, at('2026-03-25T21:00:00Z'), 3)).toEqual([]);
  });

  it.each([
    ['2026-03-22T01:29:59Z', undefined],
    ['2026-03-22T01:30:00Z', '2026-03-22T01:30:00.000Z'],
    ['2026-03-22T03:29:59Z', '2026-03-22T01:30:00.000Z'],
    ['2026-03-22T03:30:00Z', undefined],
  ])('active at %s: %s', (instant, start) => {
    expect(activeOccurrence(sundayNight, at(instant))?.start.toISOString()).toBe(start);
  });

  it.each([
    ['2026-03-21T12:00:00Z', '2026-03-22T01:30:00.000Z', 'before: the next start'],
    ['2026-03-22T01:30:00Z', '2026-03-22T03:30:00.000Z', 'at the start: its end'],
    ['2026-03-22T02:00:00Z', '2026-03-22T03:30:00.000Z', 'during: its end'],
    ['2026-03-22T03:30:00Z', '2026-03-29T01:30:00.000Z', 'at the end: the next start'],
  ])('nextEdge after %s is %s (%s)', (instant, edge) => {
    expect(nextEdge(sundayNight, at(instant))?.toISOString()).toBe(edge);
  });

  it('nextEdge is undefined once the schedule is over', () => {
    const only: MaintenanceSchedule = { timeZone: 'Europe/Paris', oneOff: { start: at('2026-03-25T21:00:00Z') }, durationSeconds: HOUR };
    expect(nextEdge(only, at('2026-03-25T21:30:00Z'))?.toISOString()).toBe('2026-03-25T22:00:00.000Z');
    expect(nextEdge(only, at('2026-03-25T22:00:00Z'))).toBeUndefined();
  });

  it.each([
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'within 10 years of its first day (2024-01-01)'],
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'within 10 years of its first day (2024-01-01)'],
    // A month has at most 5 Sundays: the 6th selects nothing.
    ['FREQ=MONTHLY;BYDAY=SU;BYSETPOS=6', 'within 10 years of its first day (2024-01-01)'],
    // A MONDAY that is also the 2nd Tuesday: BYDAY parts filter together (RFC 5545 as rrule reads it).
    ['FREQ=MONTHLY;BYDAY=MO,2TU', 'within 10 years of its first day (2024-01-01)'],
  ])('a rule that yields nothing within the horizon is refused, naming recurrence.rrule: %s', (rrule, why) => {
    const never: MaintenanceSchedule = { ...sundayNight, recurrence: { rrule, startTime: '02:30' } };
    const errors = validateSchedule(never);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^recurrence\.rrule: yields no occurrence /);
    expect(errors[0]).toContain(why);
    expect(() => nextOccurrences(never, at('2026-01-01T00:00:00Z'), 1)).toThrow(/recurrence\.rrule: yields no occurrence/);
  });

  it('a rule whose until comes before its first match is refused; one that ends later gives nothing after its end', () => {
    // 29 February: the first after 2026-03-01 is 2028-02-29, after the until of 2027-12-31.
    const ended: MaintenanceSchedule = {
      ...sundayNight,
      recurrence: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', startTime: '02:30', from: at('2026-03-01T00:00:00Z'), until: at('2027-12-31T00:00:00Z') },
    };
    expect(validateSchedule(ended)).toEqual(['recurrence.rrule: yields no occurrence between its first day (2026-03-01) and recurrence.until']);
    const weekly: MaintenanceSchedule = { ...sundayNight, recurrence: { ...sundayNight.recurrence!, until: at('2026-03-01T00:00:00Z') } };
    expect(nextOccurrences(weekly, at('2026-03-01T00:00:00Z'), 1)).toEqual([]);
    expect(nextEdge(weekly, at('2026-03-01T00:00:00Z'))).toBeUndefined();
  });

  it.each([
    ['from', { from: at('9999-01-01T00:00:00Z') }, 'recurrence.from: year 9999 is outside 1970 to 2200'],
    ['until', { until: at('0001-01-01T00:00:00Z') }, 'recurrence.until: year 1 is outside 1970 to 2200'],
  ])('a recurrence %s outside the calendar years is refused', (_field, bound, message) => {
    const schedule: MaintenanceSchedule = { ...sundayNight, recurrence: { ...sundayNight.recurrence!, ...bound } };
    expect(validateSchedule(schedule)).toContain(message);
  });

  it('a rule that matches once in four years (29 February)', () => {
    // 29 February 2028 at 02:30 in Paris (winter, +01:00) = 01:30Z; the next one is in 2032.
    const leapDay: MaintenanceSchedule = { ...sundayNight, recurrence: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', startTime: '02:30' } };
    expect(nextOccurrences(leapDay, at('2026-12-01T21:00:00Z'), 2).map((o) => o.start.toISOString()))
      .toEqual(['2028-02-29T01:30:00.000Z', '2032-02-29T01:30:00.000Z']);
  });

  it('every third week, counted from the recurrence\'s first day, as far out as 2199', () => {
    // from Sunday 2026-01-04, every 3 weeks: 2026-01-04, 01-25, 02-15 (02:30 Paris, +01:00 = 01:30Z).
    const triweekly: MaintenanceSchedule = {
      ...sundayNight, recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=3;BYDAY=SU', startTime: '02:30', from: at('2026-01-04T00:00:00+01:00') },
    };
    expect(nextOccurrences(triweekly, at('2026-01-01T00:00:00Z'), 3).map((o) => o.start.toISOString()))
      .toEqual(['2026-01-04T01:30:00.000Z', '2026-01-25T01:30:00.000Z', '2026-02-15T01:30:00.000Z']);
    // From 2026-01-04 to Sunday 2199-12-29: 63,546 days = 9,078 weeks = 3 × 3,026, so 2199-12-29 is
    // one; the next is 3 weeks later, 2200-01-19 (both in winter time, 02:30+01:00 = 01:30Z).
    expect(nextOccurrences(triweekly, at('2199-12-21T00:00:00Z'), 2).map((o) => o.start.toISOString()))
      .toEqual(['2199-12-29T01:30:00.000Z', '2200-01-19T01:30:00.000Z']);
  });

  it('throws on an invalid schedule instead of guessing', () => {
    const bad: MaintenanceSchedule = { ...sundayNight, recurrence: { rrule: 'FREQ=HOURLY', startTime: '02:30' } };
    expect(() => occurrencesBetween(bad, at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toThrow(/recurrence.rrule: FREQ must be/);
  });
});

describe('validateRrule', () => {
  it.each(['FREQ=WEEKLY;BYDAY=SU', 'FREQ=MONTHLY;BYDAY=2TU', 'FREQ=MONTHLY;BYDAY=-1FR', 'freq=daily;interval=2', 'FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO', 'FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1;WKST=SU'])(
    '%s is valid',
    (rule) => {
      expect(validateRrule(rule)).toBeUndefined();
    },
  );

  it.each([
    ['', /empty/],
    ['RRULE:FREQ=DAILY', /without the 'RRULE:' prefix/],
    ['BYDAY=MO', /FREQ is required/],
    ['FREQ=BOGUS', /FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY, got 'BOGUS'/],
    ['FREQ=HOURLY', /FREQ must be one of/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY 'XX' is not a weekday/],
    ['FREQ=WEEKLY;BYDAY=2TU', /ordinals like 2TU need FREQ=MONTHLY or YEARLY/],
    ['FREQ=WEEKLY;COUNT=abc', /COUNT must be a positive integer/],
    ['FREQ=WEEKLY;INTERVAL=0', /INTERVAL must be a positive integer/],
    ['FREQ=MONTHLY;BYMONTHDAY=40', /BYMONTHDAY must list days/],
    ['FREQ=YEARLY;BYMONTH=13', /BYMONTH must list months/],
    ['FREQ=WEEKLY;UNTIL=20260101T000000Z', /use recurrence.until/],
    ['FREQ=DAILY;BYHOUR=2', /startTime, not BYHOUR/],
    ['FREQ=DAILY;FOO=1', /unsupported RRULE part 'FOO'/],
    ['FREQ=DAILY;FREQ=WEEKLY', /FREQ appears twice/],
    ['FREQ=DAILY;;', /is not NAME=VALUE/],
    ['FREQ=MONTHLY;BYWEEKNO=3', /BYWEEKNO needs FREQ=YEARLY/],
  ])('%s is refused: %s', (rule, message) => {
    expect(validateRrule(rule)).toMatch(message);
  });

  it('validateSchedule names each field', () => {
    expect(
      validateSchedule({ timeZone: 'Europe/Pariss', recurrence: { rrule: 'FREQ=DAILY', startTime: '25:00' }, durationSeconds: 0 }),
    ).toEqual(["timeZone: unknown time zone 'Europe/Pariss'", 'durationSeconds: must be > 0', "recurrence.startTime: '25:00' is not HH:MM"]);
    expect(validateSchedule({ timeZone: 'Europe/Paris', durationSeconds: 60 })).toEqual(['a schedule needs a recurrence or a one-off window']);
    expect(validateSchedule(sundayNight)).toEqual([]);
  });
});

describe('properties', () => {
  const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2029, 0, 1) }).map((ms) => new Date(ms));
  const schedules = fc.constantFrom(sundayNight, patchTuesday, { ...sundayNight, timeZone: 'America/New_York' }, {
    timeZone: 'Australia/Sydney',
    recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SA,SU', startTime: '02:15' },
    durationSeconds: 90 * 60,
  });

  it('every weekly occurrence starts at the same local wall-clock time, or in the hour after it on the gap day', () => {
    fc.assert(
      fc.property(instant, (from) => {
        for (const o of occurrencesBetween(sundayNight, from, new Date(from.getTime() + 60 * 86_400_000))) {
          const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(o.start);
          expect(['Sun 02:30', 'Sun 03:30']).toContain(local);
          expect(o.end.getTime() - o.start.getTime()).toBe(2 * HOUR * 1000);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('nextOccurrences, activeOccurrence and nextEdge agree with occurrencesBetween', () => {
    fc.assert(
      fc.property(schedules, instant, (schedule, after) => {
        const next = nextOccurrences(schedule, after, 3);
        expect(next).toHaveLength(3);
        for (const o of next) expect(o.start.getTime()).toBeGreaterThan(after.getTime());
        const last = next[2]!;
        const between = occurrencesBetween(schedule, new Date(after.getTime() + 1), last.end).filter((o) => o.start > after);
        expect(between).toEqual(next);
        const active = activeOccurrence(schedule, after);
        const edge = nextEdge(schedule, after)!;
        expect(edge.getTime()).toBe(active === undefined ? next[0]!.start.getTime() : Math.min(active.end.getTime(), next[0]!.start.getTime()));
      }),
      { numRuns: 100 },
    );
  });
});
