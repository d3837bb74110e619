// domain.md §11 **Reading**: a window that needs the client's approval excludes nothing until the
// client approved it, occurrence by occurrence (maintenance.ts OccurrenceApprovals).
import { describe, expect, it } from 'vitest';
import { unitAvailability } from './availability.ts';
import { monthPeriod } from './calendar.ts';
import {
  activeAgreedOccurrence, agreedOccurrencesBetween, isOccurrenceStart, occurrenceApproval, occurrencesBetween, type MaintenanceSchedule, type OccurrenceApproval,
} from './maintenance.ts';

const H = 3600;
const at = (iso: string): Date => new Date(iso);
// The second Tuesday of the month, 22:00 Paris, 4 h (the sample's security patching). Paris is
// UTC+1 in November and December: 1 Nov 2026 is a Sunday, so the 2nd Tuesday is 10 Nov, 21:00Z to
// 01:00Z; 1 Dec 2026 is a Tuesday, so the 2nd is 8 Dec, 21:00Z to 01:00Z.
const NOV_START = '2026-11-10T21:00:00.000Z';
const DEC_START = '2026-12-08T21:00:00.000Z';
const patching = (approvals?: MaintenanceSchedule['approvals']): MaintenanceSchedule => ({
  timeZone: 'Europe/Paris',
  recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '22:00', from: at('2026-01-01T00:00:00Z') },
  durationSeconds: 4 * H,
  ...(approvals === undefined ? {} : { approvals }),
});
const NOV_DEC = { start: at('2026-11-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') };

describe('occurrence by occurrence (domain.md §11)', () => {
  it.each<[string, MaintenanceSchedule['approvals'], OccurrenceApproval, OccurrenceApproval]>([
    ['no approval needed', undefined, 'NotRequired', 'NotRequired'],
    ['not required, nothing approved', { required: false, approvedStarts: [] }, 'NotRequired', 'NotRequired'],
    ['required, nothing approved', { required: true, approvedStarts: [] }, 'AwaitingApproval', 'AwaitingApproval'],
    ['required, December approved', { required: true, approvedStarts: [at(DEC_START)] }, 'AwaitingApproval', 'Approved'],
    // 21:30Z is inside November's occurrence, not its start: it approves nothing.
    ['an instant that starts no occurrence', { required: true, approvedStarts: [at('2026-11-10T21:30:00Z')] }, 'AwaitingApproval', 'AwaitingApproval'],
  ])('%s: November %s, December %s', (_name, approvals, nov, dec) => {
    const schedule = patching(approvals);
    const all = occurrencesBetween(schedule, NOV_DEC.start, NOV_DEC.end);
    expect(all.map((o) => o.start.toISOString())).toEqual([NOV_START, DEC_START]);
    expect(all.map((o) => occurrenceApproval(schedule, o))).toEqual([nov, dec]);
    const agreed = agreedOccurrencesBetween(schedule, NOV_DEC.start, NOV_DEC.end).map((o) => o.start.toISOString());
    expect(agreed).toEqual(all.filter((_o, i) => [nov, dec][i] !== 'AwaitingApproval').map((o) => o.start.toISOString()));
  });

  it('an unapproved occurrence in progress is not an agreed one', () => {
    // 10 Nov 23:00Z: two hours into November's occurrence.
    const during = at('2026-11-10T23:00:00Z');
    expect(activeAgreedOccurrence(patching({ required: true, approvedStarts: [] }), during)).toBeUndefined();
    expect(activeAgreedOccurrence(patching({ required: true, approvedStarts: [at(NOV_START)] }), during)?.start.toISOString()).toBe(NOV_START);
  });

  it.each([[NOV_START, true], [DEC_START, true], ['2026-11-10T21:30:00.000Z', false], ['2026-11-17T21:00:00.000Z', false]])('%s starts an occurrence: %s', (instant, starts) => {
    expect(isOccurrenceStart(patching(), at(instant))).toBe(starts);
  });
});

describe('an unapproved occurrence is not excluded from availability (domain.md §5, §11)', () => {
  const NOV = monthPeriod('2026-11', 'Europe/Paris'); // 30 days = 720 h
  const unit = { name: 'db-1', subscription: { start: at('2026-01-01T00:00:00Z') }, coManaged: false, prerequisitesValidated: true };
  // A P1 from 10 Nov 21:00Z to 23:00Z: 2 h, inside November's occurrence.
  const p1 = { name: 'inc-1', priority: 'P1' as const, openedAt: at('2026-11-10T21:00:00Z'), resolvedAt: at('2026-11-10T23:00:00Z'), cause: 'Provider' as const, exclusions: [] };
  it.each<[string, MaintenanceSchedule['approvals'], number, number]>([
    // (720 − 2 + 0) / 720 = 99.7222… %
    ['awaiting approval: counted', { required: true, approvedStarts: [] }, 0, (718 / 720) * 100],
    // only December approved: November still counted
    ['December approved only: counted', { required: true, approvedStarts: [at(DEC_START)] }, 0, (718 / 720) * 100],
    // (720 − 2 + 2) / 720 = 100 %
    ['November approved: excluded', { required: true, approvedStarts: [at(NOV_START)] }, 2 * H, 100],
    ['no approval needed: excluded', undefined, 2 * H, 100],
  ])('%s', (_name, approvals, excluded, percent) => {
    const maintenance = agreedOccurrencesBetween(patching(approvals), NOV.start, NOV.end);
    const r = unitAvailability({ unit, family: 'Database', incidents: [p1], maintenance }, NOV, at('2027-01-01T00:00:00Z'));
    expect([r.interruptionSeconds, r.excludedSeconds]).toEqual([2 * H, excluded]);
    expect(r.availabilityPercent).toBeCloseTo(percent, 9);
  });
});
