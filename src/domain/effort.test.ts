import { describe, expect, it } from 'vitest';
import { billableEffort, effortOfMonth, tokensForMinutes, type EffortRecord } from './effort.ts';

const record = (name: string, parts: Partial<EffortRecord>): EffortRecord => ({
  name, cause: 'Provider', coManaged: true, businessApplication: false, workMinutes: 0, resolvedAt: new Date('2026-11-10T10:00:00Z'), ...parts,
});

describe('billableEffort (seed §8.4.4 c–d, §5.11.5)', () => {
  it.each([
    // client-caused, co-managed: all 95 min → 95/30 = 3.17 → 4 tokens.
    ['client-caused', { cause: 'Client', workMinutes: 95 }, 'ClientCaused', 95, 4],
    // shared: half of 90 = 45 min → 1.5 → 2 tokens.
    ['shared, 90 min', { cause: 'Shared', workMinutes: 90 }, 'SharedResponsibility', 45, 2],
    // shared: half of 120 = 60 min → exactly 2 tokens.
    ['shared, 120 min', { cause: 'Shared', workMinutes: 120 }, 'SharedResponsibility', 60, 2],
    // business application remediation of 40 min: 40 − 15 = 25 min beyond → 1 token.
    ['a 40-min remediation', { businessApplication: true, workMinutes: 40 }, 'RemediationBeyond15Minutes', 25, 1],
    // 16 min: 1 min beyond → 1 token.
    ['a 16-min remediation', { businessApplication: true, workMinutes: 16 }, 'RemediationBeyond15Minutes', 1, 1],
    // shared on a business application: the cause rule, half of 100 = 50 min → 2 tokens.
    ['shared on a business application', { businessApplication: true, cause: 'Shared', workMinutes: 100 }, 'SharedResponsibility', 50, 2],
  ] as const)('%s', (_, parts, basis, billedMinutes, tokens) => {
    expect(billableEffort(record('i', parts))).toMatchObject({ basis, billedMinutes, tokens });
  });

  it.each([
    ['a provider-caused incident', { workMinutes: 300 }],
    ['a client-caused incident on a fully managed unit', { cause: 'Client', coManaged: false, workMinutes: 60 }],
    ['a 15-min remediation', { businessApplication: true, workMinutes: 15 }],
    ['a shared incident with no time recorded', { cause: 'Shared', workMinutes: 0 }],
  ] as const)('%s bills nothing', (_, parts) => {
    expect(billableEffort(record('i', parts))).toBeUndefined();
  });

  it('rounds up to whole tokens of 30 min', () => {
    expect([0, 1, 30, 31, 60].map(tokensForMinutes)).toEqual([0, 1, 1, 2, 2]);
  });

  it('effortOfMonth: the incidents resolved in the month, in the tenant\'s zone', () => {
    const records = [
      record('b', { cause: 'Client', workMinutes: 30 }),
      record('a', { cause: 'Shared', workMinutes: 60, resolvedAt: new Date('2026-10-31T23:30:00Z') }), // 1 Nov 00:30 Paris
      record('open', { cause: 'Client', workMinutes: 60, resolvedAt: undefined }),
      record('dec', { cause: 'Client', workMinutes: 60, resolvedAt: new Date('2026-11-30T23:30:00Z') }), // 1 Dec Paris
    ];
    expect(effortOfMonth(records, '2026-11', 'Europe/Paris').map((l) => [l.name, l.tokens])).toEqual([['a', 1], ['b', 1]]);
  });
});
