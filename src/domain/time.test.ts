import { describe, expect, it } from 'vitest';
import { instantOfLocal } from './time.ts';

describe('instantOfLocal: one rule for DST edges', () => {
  it.each([
    ['Europe/Paris', '2026-03-29 01:59', '2026-03-29T00:59:00.000Z', 'just before the gap'],
    ['Europe/Paris', '2026-03-29 02:30', '2026-03-29T01:30:00.000Z', 'in the gap: moves forward to 03:30 CEST'],
    ['Europe/Paris', '2026-03-29 03:00', '2026-03-29T01:00:00.000Z', 'the end of the gap'],
    ['Europe/Paris', '2026-10-25 02:00', '2026-10-25T00:00:00.000Z', 'twice: the first, CEST'],
    ['Europe/Paris', '2026-10-25 02:30', '2026-10-25T00:30:00.000Z', 'twice: the first, CEST'],
    ['Europe/Paris', '2026-10-25 03:00', '2026-10-25T02:00:00.000Z', 'after the repeated hour, CET'],
    ['America/New_York', '2026-11-01 01:30', '2026-11-01T05:30:00.000Z', 'twice: the first, EDT'],
    ['America/New_York', '2026-03-08 02:30', '2026-03-08T07:30:00.000Z', 'in the gap: 03:30 EDT'],
    ['Australia/Lord_Howe', '2026-04-05 01:45', '2026-04-04T14:45:00.000Z', 'a half-hour fall-back: the first, +11:00'],
    ['Asia/Kolkata', '2026-06-01 09:00', '2026-06-01T03:30:00.000Z', 'no DST'],
  ])('%s %s → %s (%s)', (zone, local, expected) => {
    const [date, time] = local.split(' ') as [string, string];
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const [hour, minute] = time.split(':').map(Number) as [number, number];
    expect(new Date(instantOfLocal({ year, month, day, hour, minute }, zone)).toISOString()).toBe(expected);
  });

  it('rejects an unknown zone', () => {
    expect(() => instantOfLocal({ year: 2026, month: 1, day: 1, hour: 0, minute: 0 }, 'Nowhere/Land')).toThrow(RangeError);
  });
});
