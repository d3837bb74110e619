import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { functionAvailability, unitAvailability, type InterruptionRecord, type UnitAvailability, type UnitAvailabilityInput } from './availability.ts';
import { monthPeriod } from './calendar.ts';
import type { IncidentCause } from './vocabulary.ts';

const H = 3600;
const OCT = monthPeriod('2026-10', 'Europe/Paris'); // DST ends 25 Oct: 745 h
const NOV = monthPeriod('2026-11', 'Europe/Paris'); // 720 h
const AFTER = new Date('2027-01-01T00:00:00Z');
const at = (iso: string) => new Date(iso);

const unit = { name: 'db-1', subscription: { start: at('2026-01-01T00:00:00Z') }, coManaged: false, prerequisitesValidated: true };
let n = 0;
function p1(openedAt: string, resolvedAt: string | undefined, cause: IncidentCause = 'Provider', exclusions: [string, string][] = []): InterruptionRecord {
  n += 1;
  return {
    name: `inc-${n}`,
    priority: 'P1',
    openedAt: at(openedAt),
    resolvedAt: resolvedAt === undefined ? undefined : at(resolvedAt),
    cause,
    exclusions: exclusions.map(([s, e]) => ({ start: at(s), end: at(e) })),
  };
}
const input = (overrides: Partial<UnitAvailabilityInput>): UnitAvailabilityInput => ({ unit, family: 'Database', incidents: [], maintenance: [], ...overrides });

describe('domain.md §5 unit availability', () => {
  it('a month with the DST change has 745 hours of real time', () => {
    expect(unitAvailability(input({}), OCT, AFTER)).toMatchObject({ subscribedSeconds: 745 * H, availabilityPercent: 100 });
    expect(unitAvailability(input({}), monthPeriod('2026-03', 'Europe/Paris'), AFTER).subscribedSeconds).toBe(743 * H);
  });

  it('overlapping P1 interruptions count once; P2 does not trace an interruption', () => {
    const incidents = [
      p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z'),
      p1('2026-11-02T12:00:00Z', '2026-11-02T16:00:00Z'),
      { ...p1('2026-11-03T10:00:00Z', '2026-11-03T20:00:00Z'), priority: 'P2' as const },
    ];
    const r = unitAvailability(input({ incidents }), NOV, AFTER);
    expect(r.interruptionSeconds).toBe(6 * H);
    expect(r.excludedSeconds).toBe(0);
    expect(r.availabilityPercent).toBeCloseTo((100 * (720 - 6)) / 720, 12);
  });

  it('an unresolved incident runs to now; one crossing the month is clipped to it', () => {
    const open = p1('2026-11-30T20:00:00Z', undefined);
    expect(unitAvailability(input({ incidents: [open] }), NOV, at('2026-11-30T22:00:00Z')).interruptionSeconds).toBe(2 * H);
    // 30 Nov 23:00Z is 1 Dec 00:00 Paris: the month ends there.
    expect(unitAvailability(input({ incidents: [open] }), NOV, AFTER).interruptionSeconds).toBe(3 * H);
    const crossing = p1('2026-10-31T22:00:00Z', '2026-11-01T01:00:00Z'); // Nov starts 31 Oct 23:00Z
    expect(unitAvailability(input({ incidents: [crossing] }), NOV, AFTER).interruptionSeconds).toBe(2 * H);
  });

  it.each<[string, Partial<UnitAvailabilityInput>, number, number]>([
    ['maintenance window excluding the unit', { maintenance: [{ start: at('2026-11-02T11:00:00Z'), end: at('2026-11-02T12:00:00Z') }] }, 4, 1],
    ['the incident’s own exclusion period', { incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'Provider', [['2026-11-02T13:00:00Z', '2026-11-02T15:00:00Z']])] }, 4, 1],
    ['client-caused on a co-managed unit', { unit: { ...unit, coManaged: true }, incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'Client')] }, 4, 4],
    ['shared cause on a co-managed unit', { unit: { ...unit, coManaged: true }, incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'Shared')] }, 4, 4],
    ['client-caused on a managed unit counts', { incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'Client')] }, 4, 0],
    ['IaaS outage', { incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'IaaS')] }, 4, 4],
    ['third-party AI bug on Computer Vision', { family: 'ComputerVision', incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'ThirdPartySoftware')] }, 4, 4],
    ['third-party bug elsewhere counts', { incidents: [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'ThirdPartySoftware')] }, 4, 0],
    ['prerequisites not validated: reported, not penalised', { unit: { ...unit, prerequisitesValidated: false } }, 4, 4],
  ])('exclusion: %s', (_name, overrides, interruptionHours, excludedHours) => {
    const incidents = overrides.incidents ?? [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z')];
    const r = unitAvailability(input({ ...overrides, incidents }), NOV, AFTER);
    expect(r.interruptionSeconds).toBe(interruptionHours * H);
    expect(r.excludedSeconds).toBe(excludedHours * H);
    expect(r.availabilityPercent).toBeCloseTo((100 * (720 - interruptionHours + excludedHours)) / 720, 12);
  });

  it('an IaaS outage also removes the overlapping part of a provider incident', () => {
    const incidents = [p1('2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z', 'IaaS'), p1('2026-11-02T12:00:00Z', '2026-11-02T16:00:00Z')];
    const r = unitAvailability(input({ incidents }), NOV, AFTER);
    expect([r.interruptionSeconds, r.excludedSeconds]).toEqual([6 * H, 4 * H]);
    expect(r.countedIncidents).toEqual([incidents[1]!.name]);
  });

  it('a unit subscribed mid-month is measured over its subscribed part only', () => {
    const mid = { ...unit, subscription: { start: at('2026-11-15T23:00:00Z'), end: undefined } }; // 16 Nov 00:00 Paris
    const r = unitAvailability(input({ unit: mid, incidents: [p1('2026-11-10T10:00:00Z', '2026-11-16T01:00:00Z')] }), NOV, AFTER);
    expect(r.subscribedSeconds).toBe(15 * 24 * H);
    expect(r.interruptionSeconds).toBe(2 * H);
    const ended = { ...unit, subscription: { start: at('2025-01-01T00:00:00Z'), end: at('2026-10-01T00:00:00Z') } };
    expect(unitAvailability(input({ unit: ended }), NOV, AFTER)).toMatchObject({ subscribedSeconds: 0, availabilityPercent: 100 });
  });

  it('availability stays in [0, 100] and the union never exceeds the subscribed time', () => {
    const t0 = NOV.start.getTime() - 48 * H * 1000;
    const span = 800 * H * 1000;
    const arbIncident = fc.record({
      a: fc.integer({ min: 0, max: span }), b: fc.integer({ min: 0, max: span }),
      resolved: fc.boolean(), cause: fc.constantFrom<IncidentCause>('Provider', 'Client', 'IaaS', 'Unknown'),
    });
    fc.assert(
      fc.property(fc.array(arbIncident, { maxLength: 12 }), fc.integer({ min: 0, max: span }), fc.boolean(), (raw, nowOffset, coManaged) => {
        const incidents = raw.map((r, i) => ({
          name: `i${i}`, priority: 'P1' as const, cause: r.cause, exclusions: [],
          openedAt: new Date(t0 + Math.min(r.a, r.b)), resolvedAt: r.resolved ? new Date(t0 + Math.max(r.a, r.b)) : undefined,
        }));
        const res = unitAvailability(input({ unit: { ...unit, coManaged }, incidents }), NOV, new Date(t0 + nowOffset));
        expect(res.availabilityPercent).toBeGreaterThanOrEqual(0);
        expect(res.availabilityPercent).toBeLessThanOrEqual(100);
        expect(res.interruptionSeconds).toBeLessThanOrEqual(res.subscribedSeconds);
        expect(res.excludedSeconds).toBeGreaterThanOrEqual(0);
        expect(res.excludedSeconds).toBeLessThanOrEqual(res.interruptionSeconds);
      }),
    );
  });
});

describe('domain.md §5 function availability, gap and credit', () => {
  const u = (name: string, availabilityPercent: number, subscribedSeconds = 720 * H): UnitAvailability => ({
    unit: name, subscribedSeconds, interruptionSeconds: 0, excludedSeconds: 0, availabilityPercent, guaranteeApplies: true, countedIncidents: [],
  });

  it('is the arithmetic mean of the subscribed units', () => {
    const f = functionAvailability([u('a', 99), u('b', 100), u('c', 0, 0)], 99.5);
    expect(f.units).toBe(2);
    expect(f.availabilityPercent).toBe(99.5);
    expect(f.gapPoints).toBe(0);
    expect(f.creditPercent).toBe(0);
  });

  it.each([
    [99.5, 99.5, 0, 0], // equal is met: strictly below only
    [99.4999, 99.5, 0.0001, 2],
    [98.5, 99.5, 1, 2],
    [98.4999, 99.5, 1.0001, 5],
    [97.5, 99.5, 2, 5],
    [97.4999, 99.5, 2.0001, 10],
    [97.9, 99.9, 2, 5],
    [50, 98.5, 48.5, 10],
  ])('measured %d vs guarantee %d: gap %d points, credit %d %%', (measured, guarantee, gap, credit) => {
    const f = functionAvailability([u('a', measured)], guarantee);
    expect(f.gapPoints).toBeCloseTo(gap, 9);
    expect(f.creditPercent).toBe(credit);
  });

  it('availability exactly on the guarantee in floating point is not a gap', () => {
    const month = 31 * 24 * H;
    const f = functionAvailability([u('a', (100 * (month - 0.005 * month)) / month, month)], 99.5);
    expect(f.gapPoints).toBe(0);
  });
});
