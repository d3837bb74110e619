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
