import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { errorBudget, restorationAtRiskInstant } from './risk.ts';

// A 30-day month: 2 592 000 s.
const month = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };

describe('errorBudget', () => {
  it.each([
    ['untouched', 99.5, 100, { budgetSeconds: 12960, remainingSeconds: 12960, remainingRatio: 1, atRisk: false }],
    ['half spent', 99.5, 99.75, { remainingRatio: 0.5, atRisk: false }],
    ['80 % spent: at risk', 99.5, 99.6, { atRisk: true }],
    ['overspent', 99.5, 99, { remainingSeconds: -12960, remainingRatio: -1, atRisk: true }],
  ])('%s', (_name, guarantee, measured, expected) => {
    const b = errorBudget(guarantee, measured, month);
    for (const [k, v] of Object.entries(expected)) expect(b[k as keyof typeof b]).toBeCloseTo(v as number, 6);
  });
});

describe('restorationAtRiskInstant', () => {
  const unit = { name: 'u', environment: 'Production' as const, coManaged: false, levelThreeOwner: 'Provider' as const, prerequisitesValidated: true, computerVision: false };
  const context = (level: 'Initial' | 'Standard' | 'Premium') => ({ calendar: DEFAULT_CALENDAR, supportLevelOf: () => level });
  const incident = (priority: 'P1' | 'P4') => ({ name: 'i', priority, openedAt: new Date('2026-11-15T00:00:00Z'), cause: 'Provider' as const, exclusions: [] });
  it.each([
    ['P1 Premium, 4 h on 24×7: 3 h', 'P1', 'Premium', '2026-11-15T03:00:00.000Z'],
    ['P1 Standard, 8 h on 24×7: 6 h', 'P1', 'Standard', '2026-11-15T06:00:00.000Z'],
    ['P4: no deadline', 'P4', 'Premium', undefined],
  ] as const)('%s', (_name, priority, level, expected) => {
    expect(restorationAtRiskInstant(incident(priority), [unit], context(level))?.toISOString()).toBe(expected);
  });
});
