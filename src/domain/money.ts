// Rounding of the report's figures (design.md §3): amounts to 2 decimals, percentages to 4,
// applied once, at the end, on the exact values.

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // toPrecision first absorbs binary noise (1.005 * 100 = 100.49999999999999) before rounding half away from zero.
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / factor || 0;
}

/** design.md §3: amounts have 2 decimals. */
export const AMOUNT_DECIMALS = 2;
/** design.md §3: percentages have 4 decimals. */
export const PERCENT_DECIMALS = 4;

export function roundAmount(value: number): number {
  return roundTo(value, AMOUNT_DECIMALS);
}

export function roundPercent(value: number): number {
  return roundTo(value, PERCENT_DECIMALS);
}

/** `percent` % of `amount`, unrounded. */
export function percentOf(amount: number, percent: number): number {
  return (amount * percent) / 100;
}

// ---- integer cents (the monthly statement, design.md §3 "The monthly statement") -----------------
// The statement (statement.ts) counts money in integer cents: an amount of a spec (at most 2
// decimals) is converted once with toCents, at the boundary; sums and products by counts are then
// exact, and the one product by a ratio (a SYNTEC revision, a share) is rounded to the cent, half
// away from zero, once, where it is made (timesRatio).

/** An amount in integer cents of the contract's currency. */
export type Cents = number & { readonly __unit: 'cents' };

/** Cents in one unit of the currency (every ISO 4217 currency the contract names has 2 decimals: design.md §3). */
export const CENTS_PER_UNIT = 100;

/** An amount of a spec (2 decimals) in cents, rounded half away from zero. */
export function toCents(amount: number): Cents {
  return roundTo(amount * CENTS_PER_UNIT, 0) as Cents;
}

/** Cents as an amount of the currency (for a status or a printout). */
export function fromCents(cents: Cents): number {
  return roundAmount(cents / CENTS_PER_UNIT);
}

/** `cents` × `ratio`, rounded to the cent half away from zero: the statement's only rounding. */
export function timesRatio(cents: Cents, ratio: number): Cents {
  return roundTo(cents * ratio, 0) as Cents;
}

/** The sum of amounts in cents. */
export function sumCents(amounts: readonly Cents[]): Cents {
  return amounts.reduce((s, a) => s + a, 0) as Cents;
}
