// The date matrix picks the next day of each sort after the real date (test/dates.ts).
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { matrixDays } from '../dates.ts';

const iso = (d: DateTime): string => d.toISO({ suppressMilliseconds: true }) ?? '';

describe('matrixDays', () => {
  it('from 1 December 2026: 1 January 2027, 29 February 2028, 28 March and 31 October 2027', () => {
    // 2027-01-01 00:30 in Paris (winter, +01:00). 2027 is not a leap year, 2028 is. The last Sunday
    // of March 2027 is the 28th (31 March is a Wednesday), summer time from 03:00 (+02:00); the
    // last Sunday of October 2027 is the 31st, 02:30 happens first in summer time (+02:00).
    expect(matrixDays(DateTime.fromISO('2026-12-01T21:00:00Z')).map((d) => iso(d.at))).toEqual([
      '2027-01-01T00:30:00+01:00', '2028-02-29T12:00:00+01:00', '2027-03-28T03:30:00+02:00', '2027-10-31T02:30:00+02:00',
    ]);
  });

  it('on 29 February 2028 after noon: the next leap day is in 2032, the next month begins on 1 March', () => {
    // 2028-02-29 13:00 Paris. Last Sunday of March 2028: 31 March is a Friday, so the 26th; of
    // October 2028: 31 October is a Tuesday, so the 29th.
    expect(matrixDays(DateTime.fromISO('2028-02-29T13:00:00+01:00')).map((d) => iso(d.at))).toEqual([
      '2028-03-01T00:30:00+01:00', '2032-02-29T12:00:00+01:00', '2028-03-26T03:30:00+02:00', '2028-10-29T02:30:00+02:00',
    ]);
  });
});
