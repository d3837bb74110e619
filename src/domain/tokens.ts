// Change pricing in tokens and the monthly token ledger (domain.md §10, §1 "Token").
import { monthOf } from './calendar.ts';
import { MAX_ACCELERATED_CHANGES_PER_YEAR } from './limits.ts';
import { INCLUDED_RELEASE_TOKENS } from './releases.ts';

/** domain.md §1: one token is 30 minutes of work. */
export const TOKEN_MINUTES = 30;
/** domain.md §10: a change executed outside business hours costs ×2. */
export const OUTSIDE_BUSINESS_HOURS_FACTOR = 2;
/** domain.md §10: an accelerated change costs ×2 (the two factors multiply: ×4 for both). */
export const ACCELERATED_FACTOR = 2;

export interface PricedChange {
  /** Catalogue (or quoted) tokens of the change. */
  readonly tokens: number;
  readonly outsideBusinessHours: boolean;
  readonly accelerated: boolean;
  /** A release within its month's quota (releases.ts): included in the support level, INCLUDED_RELEASE_TOKENS. */
  readonly includedRelease?: boolean | undefined;
}

/** Tokens charged for a change: catalogue tokens ×2 outside business hours, ×2 accelerated; an included release 0. */
export function tokensCharged(change: PricedChange): number {
  if (change.includedRelease === true) return INCLUDED_RELEASE_TOKENS;
  return change.tokens * (change.outsideBusinessHours ? OUTSIDE_BUSINESS_HOURS_FACTOR : 1) * (change.accelerated ? ACCELERATED_FACTOR : 1);
}

/** The change's price at the pay-as-you-go token price (the GTC credit base, domain.md §7). */
export function changePrice(change: PricedChange, payAsYouGoTokenPrice: number): number {
  return tokensCharged(change) * payAsYouGoTokenPrice;
}

/** One month of the token pack (domain.md §10): no roll-over, overage bought on demand. */
export interface TokenLedger {
  readonly packTokens: number;
  readonly consumedTokens: number;
  /** Consumed tokens paid by the pack. */
  readonly fromPack: number;
  /** Consumed tokens beyond the pack, bought on demand at the pay-as-you-go price. */
  readonly overageTokens: number;
  readonly overageAmount: number;
  /** Pack tokens left at the month's end; they do not roll over to the next month. */
  readonly expiredTokens: number;
}

/**
 * The ledger of one month from the pack and the tokens charged for the month's changes.
 * A month outside the pack's period (after the commitment end) has a pack of 0: the caller says so.
 */
export function tokenLedger(packTokens: number, charged: readonly number[], payAsYouGoTokenPrice: number): TokenLedger {
  const consumedTokens = charged.reduce((sum, t) => sum + t, 0);
  const fromPack = Math.min(consumedTokens, packTokens);
  const overageTokens = consumedTokens - fromPack;
  return {
    packTokens,
    consumedTokens,
    fromPack,
    overageTokens,
    overageAmount: overageTokens * payAsYouGoTokenPrice,
    expiredTokens: packTokens - fromPack,
  };
}

export interface AcceleratedRequest {
  readonly name: string;
  readonly accelerated: boolean;
  readonly requestedAt: Date;
}

export type AcceleratedDecision =
  | { readonly accepted: true; readonly year: string; readonly rank: number }
  | { readonly accepted: false; readonly year: string; readonly rank: number; readonly reason: 'AcceleratedQuotaExceeded'; readonly message: string };

/**
 * domain.md §10: at most 6 accelerated changes per calendar year (in the tenant's time zone);
 * the 7th and later are refused. Requests are ranked by request time, then name, so the decision
 * does not depend on the order the objects are read in. Non-accelerated changes are not listed.
 */
export function acceleratedDecisions(
  requests: readonly AcceleratedRequest[],
  timeZone: string,
  quota: number = MAX_ACCELERATED_CHANGES_PER_YEAR,
): Map<string, AcceleratedDecision> {
  const ordered = requests
    .filter((r) => r.accelerated)
    .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const usedPerYear = new Map<string, number>();
  const out = new Map<string, AcceleratedDecision>();
  for (const r of ordered) {
    const year = monthOf(r.requestedAt, timeZone).slice(0, 4);
    const rank = (usedPerYear.get(year) ?? 0) + 1;
    usedPerYear.set(year, rank);
    out.set(
      r.name,
      rank <= quota
        ? { accepted: true, year, rank }
        : { accepted: false, year, rank, reason: 'AcceleratedQuotaExceeded', message: `accelerated change ${rank} of ${year}: at most ${quota} a year (domain.md §10)` },
    );
  }
  return out;
}

export interface LedgerChange extends PricedChange {
  readonly completedAt?: Date | undefined;
}

/**
 * The ledger of calendar month `month` ('YYYY-MM', in `timeZone`): the changes completed in that
 * month consume tokens (domain.md §10: tokens are charged for work done; a pending change has not
 * consumed any yet).
 */
export function monthTokenLedger(
  changes: readonly LedgerChange[],
  month: string,
  timeZone: string,
  packTokens: number,
  payAsYouGoTokenPrice: number,
): TokenLedger {
  const charged: number[] = [];
  for (const change of changes) {
    if (change.completedAt !== undefined && monthOf(change.completedAt, timeZone) === month) charged.push(tokensCharged(change));
  }
  return tokenLedger(packTokens, charged, payAsYouGoTokenPrice);
}
