import { describe, expect, it } from 'vitest';
import { acceleratedDecisions, changePrice, monthTokenLedger, tokenLedger, tokensCharged, TOKEN_MINUTES } from './tokens.ts';

describe('domain.md §10 token pricing', () => {
  it.each([
    [1, false, false, 1],
    [1, true, false, 2],
    [1, false, true, 2],
    [1, true, true, 4],
    [3, true, true, 12],
    [5, false, true, 10],
  ])('%d tokens, outside hours %s, accelerated %s → %d tokens', (tokens, outsideBusinessHours, accelerated, charged) => {
    expect(tokensCharged({ tokens, outsideBusinessHours, accelerated })).toBe(charged);
  });

  it('a token is 30 minutes; price at the pay-as-you-go token price', () => {
    expect(TOKEN_MINUTES).toBe(30);
    expect(changePrice({ tokens: 2, outsideBusinessHours: true, accelerated: false }, 80)).toBe(320);
  });
});

describe('domain.md §10 monthly pack ledger', () => {
  it('unused tokens expire (no roll-over)', () => {
    expect(tokenLedger(10, [2, 3], 80)).toEqual({ packTokens: 10, consumedTokens: 5, fromPack: 5, overageTokens: 0, overageAmount: 0, expiredTokens: 5 });
  });
  it('tokens beyond the pack are bought on demand', () => {
    expect(tokenLedger(4, [2, 4], 80)).toEqual({ packTokens: 4, consumedTokens: 6, fromPack: 4, overageTokens: 2, overageAmount: 160, expiredTokens: 0 });
  });
  it('no pack: everything is on demand', () => {
    expect(tokenLedger(0, [1], 50).overageAmount).toBe(50);
  });
});

describe('domain.md §10: at most 6 accelerated changes per calendar year', () => {
  const at = (iso: string) => new Date(iso);
  const requests = [
    ...[1, 2, 3, 4, 5, 6, 7].map((i) => ({ name: `c${i}`, accelerated: true, requestedAt: at(`2026-0${i}-10T10:00:00Z`) })),
    { name: 'normal', accelerated: false, requestedAt: at('2026-02-01T10:00:00Z') },
    // 31 Dec 23:30 UTC is already 1 Jan in Paris: next year's quota
    { name: 'newyear', accelerated: true, requestedAt: at('2026-12-31T23:30:00Z') },
  ];
  const decisions = acceleratedDecisions([...requests].reverse(), 'Europe/Paris');

  it.each([['c1', true], ['c6', true], ['c7', false], ['newyear', true]] as const)('%s accepted: %s', (name, accepted) => {
    expect(decisions.get(name)?.accepted).toBe(accepted);
  });
  it('the 7th is refused with a reason; non-accelerated changes are not counted', () => {
    expect(decisions.get('c7')).toMatchObject({ accepted: false, rank: 7, year: '2026', reason: 'AcceleratedQuotaExceeded' });
    expect(decisions.has('normal')).toBe(false);
    expect(decisions.get('newyear')).toMatchObject({ year: '2027', rank: 1 });
  });
});

describe('monthTokenLedger', () => {
  it('counts the changes completed in the month, in the tenant time zone', () => {
    const c = (completedAt: string | undefined, accelerated = false) => ({ tokens: 2, outsideBusinessHours: false, accelerated, completedAt: completedAt === undefined ? undefined : new Date(completedAt) });
    const changes = [
      c('2026-11-10T10:00:00Z'),
      c('2026-11-30T23:30:00Z', true), // already 1 December in Paris
      c('2026-10-31T23:30:00Z', true), // already 1 November in Paris: 4 tokens
      c(undefined),
    ];
    expect(monthTokenLedger(changes, '2026-11', 'Europe/Paris', 5, 80)).toMatchObject({ consumedTokens: 6, fromPack: 5, overageTokens: 1, overageAmount: 80, expiredTokens: 0 });
  });
});
