import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { monthPeriod } from './calendar.ts';
import { capCredits, claimDeadline, oneCreditPerIncident } from './credits.ts';

describe('domain.md §8 cap: 15 % of the month’s recurring charge', () => {
  it.each([
    [100, 1000, 100],
    [150, 1000, 150],
    [150.01, 1000, 150],
    [500, 1000, 150],
    [10, 0, 0],
  ])('uncapped %d on a charge of %d → %d', (uncapped, charge, total) => {
    expect(capCredits(uncapped, charge)).toEqual({ uncapped, capPercent: 15, cap: charge * 0.15, total });
  });

  it('credits never exceed the cap nor the uncapped sum', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), (uncapped, charge) => {
        const c = capCredits(uncapped, charge);
        expect(c.total).toBeLessThanOrEqual(c.cap);
        expect(c.total).toBeLessThanOrEqual(uncapped);
        expect(c.total).toBe(Math.min(uncapped, (charge * 15) / 100));
      }),
    );
  });
});

describe('domain.md §8 claim deadline: 30 days after the month', () => {
  it.each([
    ['2026-10', '2026-12-01T00:00:00+01:00'], // the month ends 1 Nov 00:00 CET; +30 days
    ['2026-11', '2026-12-31T00:00:00+01:00'],
    ['2026-02', '2026-03-31T00:00:00+02:00'], // across the spring DST change: 30 calendar days, midnight local
  ])('%s → %s', (month, deadline) => {
    expect(claimDeadline(monthPeriod(month, 'Europe/Paris').end, 'Europe/Paris').toISOString()).toBe(new Date(deadline).toISOString());
  });
});

describe('domain.md §8: one incident, one credit, the higher wins', () => {
  const set = (...names: string[]) => new Set(names);
  it('GTR higher than the conflicting GTD credit: GTD waived', () => {
    const r = oneCreditPerIncident(
      [{ function: 'db', amount: 20, incidents: set('i1') }, { function: 'os', amount: 40, incidents: set('i9') }],
      { amount: 30, lateIncidents: set('i1', 'i2') },
    );
    expect(r).toEqual({ waivedFunctions: ['db'], gtrWaived: false, sharedIncidents: ['i1'] });
  });
  it('GTD higher (or equal): GTR waived', () => {
    expect(oneCreditPerIncident([{ function: 'db', amount: 30, incidents: set('i1') }], { amount: 30, lateIncidents: set('i1') }))
      .toEqual({ waivedFunctions: [], gtrWaived: true, sharedIncidents: ['i1'] });
  });
  it('no shared incident, or no GTR credit: both stand', () => {
    expect(oneCreditPerIncident([{ function: 'db', amount: 30, incidents: set('i1') }], { amount: 50, lateIncidents: set('i2') }).waivedFunctions).toEqual([]);
    expect(oneCreditPerIncident([{ function: 'db', amount: 30, incidents: set('i1') }], { amount: 0, lateIncidents: set('i1') }).gtrWaived).toBe(false);
    expect(oneCreditPerIncident([{ function: 'db', amount: 0, incidents: set('i1') }], { amount: 5, lateIncidents: set('i1') }).gtrWaived).toBe(false);
  });
});
