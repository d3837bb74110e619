import { describe, expect, it } from 'vitest';
import type { SupportContractSpec } from '../../api/v1alpha1/index.ts';
import { tokenLedger } from '../../domain/index.ts';
import { typed } from '../shared/testing.ts';
import { supportLevels, tokens } from './status.ts';

const spec = (levels: SupportContractSpec['supportLevels'], start = '2026-10-01'): SupportContractSpec => ({
  start, commitmentMonths: 12, supportChain: 'FullFrance', supportLevels: levels, subscribedLevels: ['OS'],
  prices: { currency: 'EUR', tokenPrice: 100 }, monthlyTokens: 10, acceleratedChangesPerYear: 6,
});
const now = new Date('2026-11-15T12:00:00Z');

describe('SupportContract support levels, derived from the dated spec (domain.md §3)', () => {
  // Paris: 2026-10-01 00:00 = 2026-09-30T22:00Z (CEST); 2026-11-01 00:00 = 2026-10-31T23:00Z; 2026-12-01 = 2026-11-30T23:00Z;
  // 2027-04-01 00:00 = 2027-03-31T22:00Z; 2027-05-01 = 2027-04-30T22:00Z; 2027-06-01 = 2027-05-31T22:00Z.
  it.each([
    ['from the start, committed 6 months', [{ environment: 'Production' as const, level: 'Standard' as const }],
      { effective: [{ environment: 'Production', level: 'Standard', since: '2026-09-30T22:00:00Z', commitmentEnd: '2027-03-31T22:00:00Z' }], pending: [] }],
    ['a raise dated next month is pending', [{ environment: 'Production' as const, level: 'Standard' as const }, { environment: 'Production' as const, level: 'Premium' as const, from: '2026-12' }],
      { effective: [{ environment: 'Production', level: 'Standard', since: '2026-09-30T22:00:00Z', commitmentEnd: '2027-03-31T22:00:00Z' }], pending: [{ environment: 'Production', level: 'Premium', effectiveFrom: '2026-11-30T23:00:00Z' }] }],
    ['a raise of this month is in force, re-committed 6 months from it (2026-11 + 6 = 2027-05)', [{ environment: 'Production' as const, level: 'Standard' as const }, { environment: 'Production' as const, level: 'Premium' as const, from: '2026-11' }],
      { effective: [{ environment: 'Production', level: 'Premium', since: '2026-10-31T23:00:00Z', commitmentEnd: '2027-04-30T22:00:00Z' }], pending: [] }],
    ['an environment that starts later: pending only', [{ environment: 'Production' as const, level: 'Standard' as const }, { environment: 'PreProduction' as const, level: 'Initial' as const, from: '2027-01' }],
      { effective: [{ environment: 'Production', level: 'Standard', since: '2026-09-30T22:00:00Z', commitmentEnd: '2027-03-31T22:00:00Z' }], pending: [{ environment: 'PreProduction', level: 'Initial', effectiveFrom: '2026-12-31T23:00:00Z' }] }],
  ])('%s', (_name, levels, expected) => {
    expect(supportLevels({ contract: typed('c', spec(levels)), timeZone: 'Europe/Paris', now })).toEqual(expected);
  });
});

describe('SupportContract token ledger: the evaluation\'s, as the status shows it (domain.md §10)', () => {
  it.each([
    ['nothing completed', tokenLedger(10, [], 100), { used: 0, remaining: 10, extra: 0, extraAmount: 0 }],
    // 6 + 7 = 13 tokens of a pack of 10: 3 extra at 100 = 300.
    ['beyond the pack', tokenLedger(10, [6, 7], 100), { used: 13, remaining: 0, extra: 3, extraAmount: 300 }],
  ])('%s', (_name, ledger, expected) => {
    expect(tokens({ ledger, timeZone: 'Europe/Paris', now })).toEqual({ month: '2026-11', included: 10, ...expected });
  });
});
