import { describe, expect, it } from 'vitest';
import {
  BUSINESS_DAY_COVERED_HOURS,
  CLAIM_DEADLINE_DAYS,
  CREDIT_CAP_PERCENT,
  creditPercentFor,
  GTC_LATE_CHANGE_CREDIT_RATIO,
  GTC_QUOTE_BUSINESS_DAYS,
  GTC_TARGET_HOURS,
  gtcRowOf,
  GTD_CREDIT_TIERS,
  gtdGuaranteePercent,
  GTR_CREDIT_TIERS,
  GTR_DEVIATION_THRESHOLD_PERCENT,
  GTR_MIN_DIVISOR,
  GTR_TARGETS,
  REVERSIBILITY_MONTHS,
  targetSeconds,
  type GtcRow,
} from './guarantees.ts';
import type { FunctionFamily, Priority, SupportLevel } from './vocabulary.ts';

describe('domain.md §5 GTD table', () => {
  it.each<[FunctionFamily, boolean, SupportLevel, number]>([
    ['Database', false, 'Initial', 98.5],
    ['Database', false, 'Standard', 99.5],
    ['Database', false, 'Premium', 99.5],
    ['OS', false, 'Standard', 99.5],
    ['Application', false, 'Premium', 99.5],
    ['Containers', false, 'Standard', 99.5],
    ['Kubernetes', false, 'Initial', 98.5],
    ['Kubernetes', false, 'Standard', 99.9],
    ['Kubernetes', false, 'Premium', 99.9],
    ['Application', true, 'Initial', 99.5],
    ['Application', true, 'Standard', 99.5],
    ['Application', true, 'Premium', 99.5],
  ])('%s (customer portal %s) at %s guarantees %d %%', (family, portal, level, percent) => {
    expect(gtdGuaranteePercent(family, level, portal)).toBe(percent);
  });

  it.each([
    [0, 0], [0.0001, 2], [0.5, 2], [1, 2], [1.0001, 5], [2, 5], [2.0001, 10], [50, 10],
    [99.5 - 98.5, 2], // float arithmetic landing on the boundary stays in the lower tier
  ])('gap %d points → credit %d %%', (gap, credit) => {
    expect(creditPercentFor(GTD_CREDIT_TIERS, gap)).toBe(credit);
  });
});

describe('domain.md §6 GTR table', () => {
  const h = 3600;
  it.each<[Priority, SupportLevel, number | undefined, string]>([
    ['P1', 'Initial', 9 * h, 'BusinessDays'],
    ['P1', 'Standard', 8 * h, 'Hours'],
    ['P1', 'Premium', 4 * h, 'Hours'],
    ['P2', 'Initial', undefined, 'NoSLA'],
    ['P2', 'Standard', 24 * h, 'Hours'],
    ['P2', 'Premium', 8 * h, 'Hours'],
    ['P3', 'Initial', undefined, 'NoSLA'],
    ['P3', 'Standard', 48 * h, 'Hours'],
    ['P3', 'Premium', 32 * h, 'Hours'],
    ['P4', 'Initial', undefined, 'NoCommitment'],
    ['P4', 'Standard', undefined, 'NoCommitment'],
    ['P4', 'Premium', undefined, 'NoCommitment'],
  ])('%s %s: %s covered seconds (%s)', (priority, level, seconds, kind) => {
    expect(GTR_TARGETS[priority][level].kind).toBe(kind);
    expect(targetSeconds(GTR_TARGETS[priority][level])).toBe(seconds);
  });

  it('quotes the other §6 numbers', () => {
    expect(BUSINESS_DAY_COVERED_HOURS).toBe(9);
    expect(GTR_DEVIATION_THRESHOLD_PERCENT).toBe(5);
    expect(GTR_MIN_DIVISOR).toBe(5);
  });

  it.each([
    [0, 0], [5, 0], [5.0001, 2], [20, 2], [25, 2], [25.0001, 5], [50, 5], [50.0001, 10], [100, 10],
  ])('deviation %d %% → credit %d %%', (deviation, credit) => {
    expect(creditPercentFor(GTR_CREDIT_TIERS, deviation)).toBe(credit);
  });
});

describe('domain.md §7 GTC table', () => {
  it.each<[GtcRow, SupportLevel, number | undefined]>([
    ['Simple', 'Initial', undefined], ['Simple', 'Standard', 24], ['Simple', 'Premium', 8],
    ['SimpleAccelerated', 'Initial', undefined], ['SimpleAccelerated', 'Standard', 12], ['SimpleAccelerated', 'Premium', 4],
    ['Complex', 'Initial', undefined], ['Complex', 'Standard', 72], ['Complex', 'Premium', 48],
    ['ComplexAccelerated', 'Initial', undefined], ['ComplexAccelerated', 'Standard', 36], ['ComplexAccelerated', 'Premium', 24],
    ['NonStandardQuote', 'Initial', undefined], ['NonStandardQuote', 'Standard', 45], ['NonStandardQuote', 'Premium', 27],
  ])('%s at %s: %s covered hours', (row, level, hours) => {
    expect(GTC_TARGET_HOURS[row][level]).toBe(hours);
  });

  it('quote deadlines are 5 and 3 business days', () => {
    expect(GTC_QUOTE_BUSINESS_DAYS).toEqual({ Initial: undefined, Standard: 5, Premium: 3 });
  });

  it.each([
    ['StandardSimple', false, 'Simple'], ['StandardSimple', true, 'SimpleAccelerated'],
    ['StandardComplex', false, 'Complex'], ['StandardComplex', true, 'ComplexAccelerated'],
    ['NonStandard', false, 'NonStandardQuote'], ['NonStandard', true, 'NonStandardQuote'],
  ] as const)('%s accelerated=%s is row %s', (category, accelerated, row) => {
    expect(gtcRowOf(category, accelerated)).toBe(row);
  });

  it('a late change is credited 50 % of its price', () => {
    expect(GTC_LATE_CHANGE_CREDIT_RATIO).toBe(0.5);
  });
});

describe('domain.md §8 numbers', () => {
  it('cap 15 %, claim within 30 days, reversibility 3 months', () => {
    expect(CREDIT_CAP_PERCENT).toBe(15);
    expect(CLAIM_DEADLINE_DAYS).toBe(30);
    expect(REVERSIBILITY_MONTHS).toBe(3);
  });
});
