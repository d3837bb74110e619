// A window's status from its schedule (issue 20): a schedule that yields nothing (stored before
// the webhook refused it, or applied while the webhook was away) gets a Valid=False condition
// naming the field, at once, instead of a search to year 9999.
import { describe, expect, it } from 'vitest';
import type { MaintenanceSchedule } from '../../domain/index.ts';
import { windowOutcome } from './status.ts';

const now = new Date('2026-11-26T10:00:00Z');
const schedule = (rrule: string): MaintenanceSchedule => ({ timeZone: 'Europe/Paris', recurrence: { rrule, startTime: '02:30' }, durationSeconds: 7200 });

describe('windowOutcome', () => {
  it('a rule that never matches: Valid False, InvalidSpec, naming recurrence.rrule; no occurrences listed', () => {
    const outcome = windowOutcome({ schedule: schedule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'), units: 2, now });
    expect(outcome.fields).toEqual({ units: 2 });
    const valid = outcome.conditions.find((c) => c.type === 'Valid');
    expect(valid?.status).toBe('False');
    expect(valid?.reason).toBe('InvalidSpec');
    expect(valid?.message).toMatch(/^recurrence\.rrule: yields no occurrence within 10 years of its first day \(2024-01-01\)/);
  });

  it('a weekly rule lists its next three Sundays', () => {
    // 2026-11-26 is a Thursday: Sundays 29 November, 6 and 13 December, 02:30 in Paris (+01:00) = 01:30Z.
    const outcome = windowOutcome({ schedule: schedule('FREQ=WEEKLY;BYDAY=SU'), units: 0, now });
    expect(outcome.fields.nextOccurrences?.map((o) => o.start)).toEqual(['2026-11-29T01:30:00Z', '2026-12-06T01:30:00Z', '2026-12-13T01:30:00Z']);
  });

  it('awaiting approval: an occurrence in progress not approved is not active, shown as such; an approved one is', () => {
    // Daily 02:30 Paris (01:30Z), 2 h. At 26 Nov 02:00Z the occurrence of 26 Nov (01:30Z–03:30Z) runs;
    // the next ones start 27, 28, 29 Nov 01:30Z. Only 28 Nov is approved.
    const at = new Date('2026-11-26T02:00:00Z');
    const approvals = (starts: string[]) => ({ required: true, approvedStarts: starts.map((s) => new Date(s)) });
    const waiting = windowOutcome({ schedule: { ...schedule('FREQ=DAILY'), approvals: approvals(['2026-11-28T01:30:00Z']) }, units: 1, now: at });
    expect(waiting.fields.active).toBe(false);
    expect(waiting.fields.currentOccurrence).toEqual({ start: '2026-11-26T01:30:00Z', end: '2026-11-26T03:30:00Z', approval: 'AwaitingApproval' });
    expect(waiting.fields.nextOccurrences?.map((o) => [o.start, o.approval])).toEqual([
      ['2026-11-27T01:30:00Z', 'AwaitingApproval'], ['2026-11-28T01:30:00Z', 'Approved'], ['2026-11-29T01:30:00Z', 'AwaitingApproval'],
    ]);
    expect(waiting.conditions.find((c) => c.type === 'Active')).toMatchObject({ status: 'False', reason: 'AwaitingApproval' });
    const approved = windowOutcome({ schedule: { ...schedule('FREQ=DAILY'), approvals: approvals(['2026-11-26T01:30:00Z']) }, units: 1, now: at });
    expect(approved.fields).toMatchObject({ active: true, currentOccurrence: { approval: 'Approved' } });
    expect(approved.conditions.find((c) => c.type === 'Active')).toMatchObject({ status: 'True', reason: 'MaintenanceWindowActive' });
    const free = windowOutcome({ schedule: schedule('FREQ=DAILY'), units: 1, now: at });
    expect(free.fields).toMatchObject({ active: true, currentOccurrence: { approval: 'NotRequired' } });
  });
});
