import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { administrationWindow, exploitationWindow, monitoringWindow } from './windows.ts';
import { ENVIRONMENTS, type Environment, type Priority } from './vocabulary.ts';

const business = { kind: 'BusinessHours', calendar: DEFAULT_CALENDAR } as const;
const always = { kind: 'Always' } as const;
const nonProduction = ENVIRONMENTS.filter((e) => e !== 'Production');

describe('service windows (domain.md §4)', () => {
  it.each<[Environment, Priority, typeof always | typeof business]>([
    ['Production', 'P1', always],
    ['Production', 'P2', always],
    ['Production', 'P3', business],
    ['Production', 'P4', business],
    ...nonProduction.flatMap((e) => (['P1', 'P2', 'P3', 'P4'] as const).map((p): [Environment, Priority, typeof business] => [e, p, business])),
  ])('exploitation window of %s %s', (environment, priority, expected) => {
    expect(exploitationWindow(DEFAULT_CALENDAR, environment, priority)).toEqual(expected);
  });

  it('monitoring is 24×7, administration is business hours', () => {
    expect(monitoringWindow()).toEqual(always);
    expect(administrationWindow(DEFAULT_CALENDAR)).toEqual(business);
  });

  it('business-hours windows carry the tenant calendar', () => {
    const tokyo = { ...DEFAULT_CALENDAR, timeZone: 'Asia/Tokyo', holidayCountry: 'JP' };
    expect(administrationWindow(tokyo)).toEqual({ kind: 'BusinessHours', calendar: tokyo });
  });
});
