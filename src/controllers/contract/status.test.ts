import { describe, expect, it } from 'vitest';
import type { SupportContractSpec, SupportContractStatus } from '../../api/v1alpha1/index.ts';
import { typed } from '../shared/testing.ts';
import { supportLevels, tokens } from './status.ts';

const spec = (levels: SupportContractSpec['supportLevels'], start = '2026-10-01'): SupportContractSpec => ({
  start, commitmentMonths: 12, supportChain: 'FullFrance', supportLevels: levels, subscribedLevels: ['OS'],
  prices: { currency: 'EUR', tokenPrice: 100 }, monthlyTokens: 10, acceleratedChangesPerYear: 6,
});
const inForce: SupportContractStatus = { effectiveSupportLevels: [{ environment: 'Production', level: 'Standard', since: '2026-09-30T22:00:00Z', commitmentEnd: '2027-03-31T22:00:00Z' }] };
const now = new Date('2026-11-15T12:00:00Z');

describe('SupportContract support levels (domain.md §3)', () => {
  it.each([
    ['first seen: in force since the start', 'Standard', undefined, { effective: 'Standard', since: '2026-09-30T22:00:00Z', pending: undefined, refused: 0 }],
    ['a raise waits for the 1st of next month', 'Premium', inForce, { effective: 'Standard', since: '2026-09-30T22:00:00Z', pending: '2026-11-30T23:00:00Z', refused: 0 }],
    ['a lowering during the commitment is refused', 'Initial', inForce, { effective: 'Standard', since: '2026-09-30T22:00:00Z', pending: undefined, refused: 1 }],
    ['a pending raise takes effect on its date', 'Premium', { ...inForce, pendingSupportLevels: [{ environment: 'Production' as const, level: 'Premium' as const, effectiveFrom: '2026-11-01T00:00:00Z' }] },
      { effective: 'Premium', since: '2026-11-01T00:00:00Z', pending: undefined, refused: 0 }],
  ] as const)('%s', (_name, requested, status, expected) => {
    const contract = typed<SupportContractSpec, SupportContractStatus>('c', spec([{ environment: 'Production', level: requested }]), { status: status as SupportContractStatus | undefined });
    const out = supportLevels({ contract, timeZone: 'Europe/Paris', changes: [], now });
    expect(out.effective[0]).toMatchObject({ level: expected.effective, since: expected.since });
    expect(out.pending[0]?.effectiveFrom).toBe(expected.pending);
    expect(out.refused).toHaveLength(expected.refused);
  });
});

describe('SupportContract token ledger (domain.md §10)', () => {
  const change = (name: string, t: number, completed: string | undefined, over: { accelerated?: boolean; outsideBusinessHours?: boolean } = {}) => ({
    name, unitNames: ['u'], category: 'StandardComplex' as const, tokens: t, accelerated: over.accelerated ?? false, outsideBusinessHours: over.outsideBusinessHours ?? false,
    initiator: 'Client' as const, requestedAt: new Date('2026-11-02T09:00:00Z'), completedAt: completed === undefined ? undefined : new Date(completed),
  });
  it.each([
    ['nothing completed', [change('a', 3, undefined)], { used: 0, remaining: 10, extra: 0 }],
    ['completed this month, with multipliers', [change('a', 2, '2026-11-03T10:00:00Z', { accelerated: true, outsideBusinessHours: true })], { used: 8, remaining: 2, extra: 0 }],
    ['beyond the pack', [change('a', 6, '2026-11-03T10:00:00Z'), change('b', 7, '2026-11-04T10:00:00Z')], { used: 13, remaining: 0, extra: 3, extraAmount: 300 }],
    ['last month does not count', [change('a', 6, '2026-10-30T10:00:00Z')], { used: 0, remaining: 10 }],
  ])('%s', (_name, changes, expected) => {
    expect(tokens({ contract: typed('c', spec([{ environment: 'Production', level: 'Premium' }])), timeZone: 'Europe/Paris', changes, now })).toMatchObject({ month: '2026-11', included: 10, ...expected });
  });
});
