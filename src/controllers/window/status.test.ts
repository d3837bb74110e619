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
});
