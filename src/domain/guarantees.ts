// The numbers of the guarantees (domain.md §5 GTD, §6 GTR, §7 GTC, §8 credits and conditions),
// as data. Every figure of those sections lives here once, next to the section it comes from.
import type { ChangeCategory, FunctionFamily, Priority, SupportLevel } from './vocabulary.ts';

const SECONDS_PER_HOUR = 3600;

// ---------------------------------------------------------------------------------------------
// domain.md §5 — GTD, availability per managed function per month (monitoring window, 24×7)

/** The rows of the §5 table. */
export const GTD_ROWS = ['AnyFunction', 'Kubernetes', 'CustomerPortal'] as const;
export type GtdRow = (typeof GTD_ROWS)[number];

/**
 * domain.md §5, guaranteed availability in percent.
 * **Reading** (domain.md §5): the source's second value applies to both Standard and Premium.
 */
export const GTD_GUARANTEE_PERCENT: Readonly<Record<GtdRow, Readonly<Record<SupportLevel, number>>>> = {
  AnyFunction: { Initial: 98.5, Standard: 99.5, Premium: 99.5 },
  Kubernetes: { Initial: 98.5, Standard: 99.9, Premium: 99.9 },
  CustomerPortal: { Initial: 99.5, Standard: 99.5, Premium: 99.5 },
};

/** domain.md §5 "Kubernetes managed": the families measured on the Kubernetes row (Containers run on the cluster but are a level of their own). */
export const KUBERNETES_ROW_FAMILIES: readonly FunctionFamily[] = ['Kubernetes'];

/**
 * domain.md §5 "customer portal": the provider's own portal is not a family of managed functions
 * (§1), so no family maps to that row; a function flagged `customerPortal` in the report input does.
 */
export function gtdRowOf(family: FunctionFamily, customerPortal = false): GtdRow {
  if (customerPortal) return 'CustomerPortal';
  return KUBERNETES_ROW_FAMILIES.includes(family) ? 'Kubernetes' : 'AnyFunction';
}

export function gtdGuaranteePercent(family: FunctionFamily, level: SupportLevel, customerPortal = false): number {
  return GTD_GUARANTEE_PERCENT[gtdRowOf(family, customerPortal)][level];
}

/** A credit tier: applies when `above < value <= upTo` (upTo = Infinity for the last tier). */
export interface CreditTier {
  readonly above: number;
  readonly upTo: number;
  readonly creditPercent: number;
}

/** domain.md §5: gap in points (0, 1] → 2 %; (1, 2] → 5 %; > 2 → 10 % of the function's monthly recurring charge. */
export const GTD_CREDIT_TIERS: readonly CreditTier[] = [
  { above: 0, upTo: 1, creditPercent: 2 },
  { above: 1, upTo: 2, creditPercent: 5 },
  { above: 2, upTo: Infinity, creditPercent: 10 },
];

// ---------------------------------------------------------------------------------------------
// domain.md §6 — GTR, time to restore (exploitation window)

/** What the §6 table promises for one priority and support level. */
export type RestorationTarget =
  | { readonly kind: 'Hours'; readonly hours: number }
  | { readonly kind: 'BusinessDays'; readonly days: number }
  | { readonly kind: 'NoSLA' }
  | { readonly kind: 'NoCommitment' };

const hours = (h: number): RestorationTarget => ({ kind: 'Hours', hours: h });
const NO_SLA: RestorationTarget = { kind: 'NoSLA' };
const NO_COMMITMENT: RestorationTarget = { kind: 'NoCommitment' };

/** domain.md §6, the restoration table. */
export const GTR_TARGETS: Readonly<Record<Priority, Readonly<Record<SupportLevel, RestorationTarget>>>> = {
  P1: { Initial: { kind: 'BusinessDays', days: 1 }, Standard: hours(8), Premium: hours(4) },
  P2: { Initial: NO_SLA, Standard: hours(24), Premium: hours(8) },
  P3: { Initial: NO_SLA, Standard: hours(48), Premium: hours(32) },
  P4: { Initial: NO_COMMITMENT, Standard: NO_COMMITMENT, Premium: NO_COMMITMENT },
};

/** **Reading** (domain.md §6): "1 business day" is 9 covered hours of the business-hours window. */
export const BUSINESS_DAY_COVERED_HOURS = 9;

/** The covered seconds a restoration target allows, or undefined when there is none. */
export function targetSeconds(target: RestorationTarget): number | undefined {
  switch (target.kind) {
    case 'Hours':
      return target.hours * SECONDS_PER_HOUR;
    case 'BusinessDays':
      return target.days * BUSINESS_DAY_COVERED_HOURS * SECONDS_PER_HOUR;
    case 'NoSLA':
    case 'NoCommitment':
      return undefined;
  }
}

/** domain.md §6: 95 % of incidents restored in time, i.e. a deviation above 5 % is a breach. */
export const GTR_OBJECTIVE_PERCENT = 95;
export const GTR_DEVIATION_THRESHOLD_PERCENT = 100 - GTR_OBJECTIVE_PERCENT;

/** domain.md §6: with fewer than 5 resolved incidents, the deviation is late / 5 (a constant divisor, so one late incident out of 1 is 20 %, not 100 %). */
export const GTR_MIN_DIVISOR = 5;

/** domain.md §6: deviation (5, 25] → 2 %; (25, 50] → 5 %; > 50 → 10 % of the monthly recurring charge of all production units. */
export const GTR_CREDIT_TIERS: readonly CreditTier[] = [
  { above: GTR_DEVIATION_THRESHOLD_PERCENT, upTo: 25, creditPercent: 2 },
  { above: 25, upTo: 50, creditPercent: 5 },
  { above: 50, upTo: Infinity, creditPercent: 10 },
];

// ---------------------------------------------------------------------------------------------
// domain.md §7 — GTC, time to change (administration window, business hours), per production unit

/** Rows of the §7 table. */
export const GTC_ROWS = ['Simple', 'SimpleAccelerated', 'Complex', 'ComplexAccelerated', 'NonStandardQuote'] as const;
export type GtcRow = (typeof GTC_ROWS)[number];

/** domain.md §7: the number of covered hours, or undefined for "no SLA". */
export const GTC_TARGET_HOURS: Readonly<Record<GtcRow, Readonly<Record<SupportLevel, number | undefined>>>> = {
  Simple: { Initial: undefined, Standard: 24, Premium: 8 },
  SimpleAccelerated: { Initial: undefined, Standard: 12, Premium: 4 },
  Complex: { Initial: undefined, Standard: 72, Premium: 48 },
  ComplexAccelerated: { Initial: undefined, Standard: 36, Premium: 24 },
  // domain.md §7: 5 and 3 business days, each 9 covered hours (the §6 **Reading**, BUSINESS_DAY_COVERED_HOURS).
  NonStandardQuote: { Initial: undefined, Standard: 5 * BUSINESS_DAY_COVERED_HOURS, Premium: 3 * BUSINESS_DAY_COVERED_HOURS },
};

/** domain.md §7: the quote deadline in business days, the source figure behind the NonStandardQuote row. */
export const GTC_QUOTE_BUSINESS_DAYS: Readonly<Record<SupportLevel, number | undefined>> = { Initial: undefined, Standard: 5, Premium: 3 };

/** The §7 row of a change: a non-standard change is timed on its quote (the table has no execution row for it). */
export function gtcRowOf(category: ChangeCategory, accelerated: boolean): GtcRow {
  switch (category) {
    case 'StandardSimple':
      return accelerated ? 'SimpleAccelerated' : 'Simple';
    case 'StandardComplex':
      return accelerated ? 'ComplexAccelerated' : 'Complex';
    case 'NonStandard':
      return 'NonStandardQuote';
  }
}

/** domain.md §7: credit per late change = 50 % of that change's price at the pay-as-you-go token price. */
export const GTC_LATE_CHANGE_CREDIT_RATIO = 0.5;

// ---------------------------------------------------------------------------------------------
// domain.md §8 — conditions and credits

/** domain.md §8: total credits for a month ≤ 15 % of that month's recurring charge for the service. */
export const CREDIT_CAP_PERCENT = 15;

/** domain.md §8: the SLA claim must be sent within 30 days after the month. */
export const CLAIM_DEADLINE_DAYS = 30;

/** domain.md §8 (seed §8.2): the provider answers an SLA claim within 30 days of it. */
export const CLAIM_ANSWER_DAYS = 30;

/** domain.md §8: reversibility lasts at most 3 months; GTR does not apply during it. */
export const REVERSIBILITY_MONTHS = 3;

/**
 * The credit percent of the tier that holds `value`, 0 below the first tier.
 * `value` is rounded to 9 decimals first so that float noise (99.5 − 98.5000000001) does not move
 * a value that sits on a boundary into the next tier; boundaries are inclusive on the upper side.
 */
export function creditPercentFor(tiers: readonly CreditTier[], value: number): number {
  const v = Math.round(value * 1e9) / 1e9;
  for (const tier of tiers) if (v > tier.above && v <= tier.upTo) return tier.creditPercent;
  return 0;
}
