// The monthly statement (issue 13 item 4, domain.md §13, seed §9.2–§9.6): what one month of a
// contract costs, excluding tax, computed from plain domain data. Pure; every amount in integer
// cents (money.ts: one conversion at the boundary, one rounding per product by a ratio).
//
//   recurring   the functions' charges and the monthly fees, revised by SYNTEC on the contract's
//               anniversaries (§9.3.1) and, for physically hosted units, by the construction and
//               electricity indices (§9.3.2), then topped up to the monthly billing minimum (§9.2)
//   tokens      the month's token ledger (tokens.ts, as the report computes it), with the tokens
//               of billable effort (effort.ts) added: pack, used, extra × on-demand price (§10)
//   tickets     quota, used, overage × the unit price of the month's tariff (tickets.ts, §9.5–§9.6)
//   effort      the incidents whose time is billed (seed §8.4.4 c–d, §5.11.5), in tokens above
//   shortfall   a minimum-revenue differential of the run year just ended, when billed here (§9.4)
//   credits     granted by answered claims (claims.ts), deducted, the rest carried on (seed §8.2)
import { DateTime } from 'luxon';
import { monthOf } from './calendar.ts';
import type { EffortLine } from './effort.ts';
import { sumCents, timesRatio, toCents, type Cents } from './money.ts';
import { addMonths } from './terms.ts';
import { ticketsLine, type TicketPrices, type TicketsLine, type TicketTariff } from './tickets.ts';
import { tokenLedger, type TokenLedger } from './tokens.ts';

// ---------------------------------------------------------------------------------------------
// SYNTEC revision (seed §9.3.1, domain.md §13)

/** What a recurring charge pays for; SYNTEC revises some kinds only. */
export const CHARGE_KINDS = ['Function', 'Fee', 'TokenPack', 'Backup', 'Support'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];

/**
 * seed §9.3.1: the unit prices of the services are revised, except backup and restore, support,
 * and on-demand tokens (which are not recurring charges: the statement's extra tokens are never
 * revised). **Reading**: a monthly fee and the monthly token pack are prices of the service, so
 * revised; the monthly billing minimum is a threshold of the price sheet, not a unit price, and
 * is not.
 */
export const SYNTEC_EXEMPT_KINDS: readonly ChargeKind[] = ['Backup', 'Support'];

/** The SYNTEC index of one year (the contract lists them; seed §9.3.1: the last one published at the revision date). */
export interface SyntecIndex {
  readonly year: number;
  readonly index: number;
}

export interface SyntecRevision {
  /** The anniversary whose revision is in force ('YYYY-MM-DD'); absent before the first. */
  readonly anniversary?: string;
  /** S0: the index at the first monthly invoice, the contract's start year. */
  readonly s0?: number;
  /** S1: the index of the anniversary's year (or the last known before it). */
  readonly s1?: number;
  /** S1 / S0; 1 without a revision. */
  readonly ratio: number;
}

/** The index of `year`, or the last one listed before it (seed §9.3.1 "sur la base des derniers indices connus"). */
function indexOf(indices: readonly SyntecIndex[], year: number): number | undefined {
  let best: SyntecIndex | undefined;
  for (const i of indices) if (i.year <= year && (best === undefined || i.year > best.year)) best = i;
  return best?.index;
}

/** The month an anniversary's revision takes effect in (the Reading of syntecRevision). */
function effectiveMonth(anniversary: DateTime): string {
  const month = anniversary.toFormat('yyyy-MM');
  return anniversary.day === 1 ? month : addMonths(month, 1);
}

/**
 * The SYNTEC revision in force in `month` for a contract started on `start` ('YYYY-MM-DD'):
 * P1 = P0 × S1/S0 (seed §9.3.1). **Readings**:
 * - a month is billed at the prices in force on its first day: an anniversary on the 1st revises
 *   its own month, any other the month after (no proration within a month);
 * - S0 is the index of the start year (the first monthly invoice); the revision of the n-th
 *   anniversary uses the index of its year, so the chained P(n) = P(n−1) × S(n)/S(n−1) is
 *   P0 × S(n)/S0, computed from P0 and rounded once (no rounding compounded year on year);
 * - a year the contract lists no index for uses the last one listed before it (the later
 *   complementary invoice of §9.3.1 is a new statement, not this one's).
 * The revision of the contract's base prices: chargeRevision from the start month.
 */
export function syntecRevision(start: string, month: string, indices: readonly SyntecIndex[]): SyntecRevision {
  return chargeRevision(start, start.slice(0, 7), month, indices);
}

/**
 * The SYNTEC revision in force in `month` of a price agreed in `since` ('YYYY-MM': the contract's
 * start month for a base price, an amendment's month for an amended fee). **Reading, for the team
 * to confirm** (design.md "The monthly statement"): an amendment's price is agreed at the index of
 * its effective month's year, S(since's year); it is revised at the contract's anniversaries whose
 * revision takes effect after `since` (the months of syntecRevision), by S(anniversary's year) /
 * S(since's year), from the amended price, rounded once. A base price is the case since = the
 * start month: S0 is the start year's index.
 */
export function chargeRevision(start: string, since: string, month: string, indices: readonly SyntecIndex[]): SyntecRevision {
  const first = DateTime.fromISO(start, { zone: 'UTC' });
  let anniversary: DateTime | undefined;
  const years = Number(month.slice(0, 4)) - first.year;
  for (let n = 1; n <= years; n++) {
    const next = first.plus({ years: n });
    const effective = effectiveMonth(next);
    if (effective > month) break;
    if (effective > since) anniversary = next;
  }
  const s0 = indexOf(indices, Number(since.slice(0, 4)));
  if (anniversary === undefined || s0 === undefined) return { ...(s0 === undefined ? {} : { s0 }), ratio: 1 };
  const s1 = indexOf(indices, anniversary.year) ?? s0;
  return { anniversary: anniversary.toISODate() ?? '', s0, s1, ratio: s1 / s0 };
}

// ---------------------------------------------------------------------------------------------
// Specific revision of units hosted physically (seed §9.3.2, domain.md §13)

/** domain.md §13 (seed §9.3.2): P = P₋₁ × (⅔·S/S₋₁ + ⅓·T/T₋₁): the weight of the construction cost index S. */
export const HOSTING_CONSTRUCTION_WEIGHT = 2 / 3;
/** domain.md §13 (seed §9.3.2): the weight of the medium-voltage electricity index T. */
export const HOSTING_ELECTRICITY_WEIGHT = 1 / 3;

/** The INSEE indices of one year as the contract lists them: the construction cost (ICC) and the electricity index at that year's anniversary. */
export interface HostingIndex {
  readonly year: number;
  readonly construction: number;
  readonly electricity: number;
}

/**
 * The product of the specific revisions in force in `month` (seed §9.3.2), on top of SYNTEC, for
 * the charges of units hosted physically: each anniversary in force (the months of
 * syntecRevision) multiplies by ⅔·S/S₋₁ + ⅓·T/T₋₁, S and T of its year, S₋₁ and T₋₁ of the year
 * before (published twelve months earlier). Chained (P₋₁ is the amount before the revision), so
 * factors multiply; rounded once with SYNTEC. **Reading**: an anniversary whose indices (or the
 * previous year's) the contract does not list revises nothing (the "indice d'effet comparable" of
 * §9.3.2 is a figure the contract must state).
 */
export function hostingRevisionFactor(start: string, month: string, indices: readonly HostingIndex[]): number {
  const first = DateTime.fromISO(start, { zone: 'UTC' });
  const byYear = new Map(indices.map((i) => [i.year, i]));
  let factor = 1;
  const years = Number(month.slice(0, 4)) - first.year;
  for (let n = 1; n <= years; n++) {
    const anniversary = first.plus({ years: n });
    if (effectiveMonth(anniversary) > month) break;
    const now = byYear.get(anniversary.year);
    const before = byYear.get(anniversary.year - 1);
    if (now === undefined || before === undefined) continue;
    factor *= HOSTING_CONSTRUCTION_WEIGHT * (now.construction / before.construction) + HOSTING_ELECTRICITY_WEIGHT * (now.electricity / before.electricity);
  }
  return factor;
}

// ---------------------------------------------------------------------------------------------
// The statement

/** A recurring charge of the contract at its base price P0 (the price at the first monthly invoice). */
export interface RecurringCharge {
  readonly name: string;
  readonly kind: ChargeKind;
  /** P0: the monthly price agreed in `since`. */
  readonly monthly: Cents;
  /** 'YYYY-MM': the month the price was agreed in (chargeRevision); absent: the contract's start month. */
  readonly since?: string | undefined;
  /** The unit needs a physical hosting zone: revised by seed §9.3.2 too (hostingRevisionFactor). */
  readonly physicalHosting?: boolean | undefined;
}

/** A credit granted by an answered claim (claims.ts grantedAmount). */
export interface GrantedCredit {
  readonly claim: string;
  readonly amount: Cents;
}

export interface StatementInput {
  /** 'YYYY-MM'. */
  readonly month: string;
  readonly currency: string;
  /** The contract's first day, 'YYYY-MM-DD': its anniversaries revise prices (seed §9.3.1). */
  readonly contractStart: string;
  readonly charges: readonly RecurringCharge[];
  readonly syntec: readonly SyntecIndex[];
  /** The construction and electricity indices per year, for the charges of physically hosted units (seed §9.3.2); absent: none. */
  readonly hosting?: readonly HostingIndex[] | undefined;
  /** seed §9.2: the monthly billing minimum of the month's terms; absent: none. */
  readonly monthlyMinimum?: Cents | undefined;
  /** The month's token ledger as the report computes it (the changes completed in the month), and the on-demand token price. */
  readonly tokens: { readonly ledger: TokenLedger; readonly price: Cents };
  /** The month's billable effort (effortOfMonth). */
  readonly effort: readonly EffortLine[];
  /** The month's tickets; `quota` absent: the contract states none in force, no ticket is billed (tickets.ts). */
  readonly tickets: { readonly quota?: number | undefined; readonly used: number; readonly tariff: TicketTariff; readonly prices: TicketPrices };
  /** Credits granted by the claims answered in the month (creditsGrantedIn), and those left over from the previous statement. */
  readonly credits: { readonly granted: readonly GrantedCredit[]; readonly carriedIn: Cents };
  /** A minimum-revenue differential billed on this statement (minimumRevenueCheck); absent: none. */
  readonly minimumRevenueShortfall?: Cents | undefined;
}

export interface RecurringLine {
  readonly name: string;
  readonly kind: ChargeKind;
  /** 'YYYY-MM': the month its base price was agreed in. */
  readonly since: string;
  /** S0 of this line: the SYNTEC index of since's year; absent when the contract lists none. */
  readonly baseIndex?: number;
  /** P0. */
  readonly base: Cents;
  /** P0 × the ratio, rounded to the cent. */
  readonly amount: Cents;
  /** SYNTEC's S1/S0 for a revised kind (else 1), times the hosting factor for a physically hosted unit. */
  readonly ratio: number;
  readonly revised: boolean;
}

export interface MonthlyStatement {
  readonly month: string;
  readonly currency: string;
  readonly revision: SyntecRevision & { readonly hostingFactor: number };
  readonly recurring: {
    readonly lines: readonly RecurringLine[];
    readonly subtotal: Cents;
    readonly minimum?: Cents;
    /** What brings the recurring charges up to the monthly minimum (0 when they reach it). */
    readonly minimumTopUp: Cents;
    readonly total: Cents;
  };
  readonly tokens: {
    readonly pack: number;
    readonly fromChanges: number;
    readonly fromEffort: number;
    readonly used: number;
    readonly extra: number;
    readonly unitPrice: Cents;
    readonly amount: Cents;
  };
  readonly tickets: TicketsLine;
  readonly effort: { readonly lines: readonly EffortLine[]; readonly tokens: number };
  readonly minimumRevenueShortfall: Cents;
  readonly credits: {
    readonly granted: readonly GrantedCredit[];
    readonly carriedIn: Cents;
    /** Granted plus carried in. */
    readonly available: Cents;
    /** What this statement deducts: the available credits, at most its total before credits. */
    readonly deducted: Cents;
    /** What is left for the next statement (seed §8.2 "une ou plusieurs de ses factures ultérieures"). */
    readonly carriedOut: Cents;
  };
  readonly totals: { readonly beforeCredits: Cents; readonly credits: Cents; readonly excludingTax: Cents };
}

/**
 * The statement of one month. **Readings**: the monthly minimum (seed §9.2 "minimum de
 * facturation mensuel") applies to the recurring charges (functions and fees), as the issue
 * states it; the tokens of billable effort are change tokens (seed §8.4.4 c "sous forme de Tokens
 * de Change"), so they take what the month's changes left of the pack before they are extra;
 * credits are a discount on the invoice (seed §8.2 "remise"), deducted from the total after the
 * minimum, never below 0, the rest carried to the next statement.
 */
export function computeStatement(input: StatementInput): MonthlyStatement {
  const syntec = syntecRevision(input.contractStart, input.month, input.syntec);
  const hostingFactor = hostingRevisionFactor(input.contractStart, input.month, input.hosting ?? []);
  const revision = { ...syntec, hostingFactor };
  const startMonth = input.contractStart.slice(0, 7);
  const lines = input.charges.map((c): RecurringLine => {
    const since = c.since ?? startMonth;
    const own = chargeRevision(input.contractStart, since, input.month, input.syntec);
    const ratio = (SYNTEC_EXEMPT_KINDS.includes(c.kind) ? 1 : own.ratio) * (c.physicalHosting === true ? hostingFactor : 1);
    return {
      name: c.name, kind: c.kind, since, ...(own.s0 === undefined ? {} : { baseIndex: own.s0 }),
      base: c.monthly, amount: ratio === 1 ? c.monthly : timesRatio(c.monthly, ratio), ratio, revised: ratio !== 1,
    };
  });
  const subtotal = sumCents(lines.map((l) => l.amount));
  const minimumTopUp = (input.monthlyMinimum === undefined ? 0 : Math.max(0, input.monthlyMinimum - subtotal)) as Cents;
  const recurringTotal = (subtotal + minimumTopUp) as Cents;

  const effortTokens = input.effort.reduce((s, e) => s + e.tokens, 0);
  const { ledger, price } = input.tokens;
  const combined = tokenLedger(ledger.packTokens, [ledger.consumedTokens, effortTokens], 1);
  const tokensAmount = (combined.overageTokens * price) as Cents;

  const tickets = input.tickets.quota === undefined
    ? { ...ticketsLine(input.tickets.used, input.tickets.used, input.tickets.tariff, input.tickets.prices), quota: 0 }
    : ticketsLine(input.tickets.quota, input.tickets.used, input.tickets.tariff, input.tickets.prices);
  const shortfall = input.minimumRevenueShortfall ?? (0 as Cents);
  const beforeCredits = sumCents([recurringTotal, tokensAmount, tickets.amount, shortfall]);

  const available = sumCents([input.credits.carriedIn, ...input.credits.granted.map((g) => g.amount)]);
  const deducted = Math.min(available, beforeCredits) as Cents;
  return {
    month: input.month,
    currency: input.currency,
    revision,
    recurring: {
      lines, subtotal,
      ...(input.monthlyMinimum === undefined ? {} : { minimum: input.monthlyMinimum }),
      minimumTopUp, total: recurringTotal,
    },
    tokens: {
      pack: ledger.packTokens, fromChanges: ledger.consumedTokens, fromEffort: effortTokens, used: combined.consumedTokens,
      extra: combined.overageTokens, unitPrice: price, amount: tokensAmount,
    },
    tickets,
    effort: { lines: input.effort, tokens: effortTokens },
    minimumRevenueShortfall: shortfall,
    credits: { granted: input.credits.granted, carriedIn: input.credits.carriedIn, available, deducted, carriedOut: (available - deducted) as Cents },
    totals: { beforeCredits, credits: deducted, excludingTax: (beforeCredits - deducted) as Cents },
  };
}

/** A claim's answer as the statement reads it: the amount granted (2 decimals) and when it was answered. */
export interface AnsweredClaim {
  readonly claim: string;
  readonly amount: number;
  readonly answeredAt: Date;
}

/**
 * The credits a month's statement deducts (domain.md §8: "deducted from later invoices").
 * **Reading**: the statement of month M is issued after M's end, so it is the next one after every
 * answer given during M (tenant's time zone): it deducts the credits of the claims answered in M.
 */
export function creditsGrantedIn(answers: readonly AnsweredClaim[], month: string, timeZone: string): GrantedCredit[] {
  return answers
    .filter((a) => monthOf(a.answeredAt, timeZone) === month && a.amount > 0)
    .map((a) => ({ claim: a.claim, amount: toCents(a.amount) }))
    .sort((a, b) => (a.claim < b.claim ? -1 : a.claim > b.claim ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Minimum guaranteed revenue (seed §9.4, domain.md §13)

/** seed §9.4 (domain.md §13): the minimum guaranteed revenue is 80 % of the contract's global run revenue. */
export const MINIMUM_REVENUE_PERCENT = 80;

/** Months in a run year (seed §9.4 "à la fin de chaque année de RUN"). */
export const RUN_YEAR_MONTHS = 12;

export interface RunYearCheck {
  /** 0 for the first run year. */
  readonly year: number;
  readonly billed: Cents;
  /** The excess of the years before, counted toward this one. */
  readonly carriedIn: Cents;
  /** The annual minimum minus billed and carried in, when positive: the differential due. */
  readonly shortfall: Cents;
  /** Billed and carried in beyond the annual minimum, counted toward the next year. */
  readonly carriedOut: Cents;
}

export interface MinimumRevenueCheck {
  /** 80 % of the global run revenue. */
  readonly globalMinimum: Cents;
  /** The global minimum divided by the run's years. */
  readonly annualMinimum: Cents;
  readonly years: readonly RunYearCheck[];
}

/**
 * seed §9.4: at the end of each run year the amount billed in it is compared with the annual
 * minimum (the global minimum over the run's years); a shortfall is due, an excess counts toward
 * the next year. **Readings**: "the amount billed" is the year's statements' totals excluding tax,
 * credits deducted and differentials left out (a differential is what the year before owed, not
 * revenue of the year it is billed in); the excess carried is everything counted beyond the
 * minimum, so an unused carry rolls on; the upward revision of the global minimum when the scope
 * grows by more than 15 % is a new contract figure (`globalRunRevenue`), not computed here.
 * Rounded to the cent once: the annual minimum.
 */
export function minimumRevenueCheck(globalRunRevenue: Cents, runYears: number, billedByYear: readonly Cents[]): MinimumRevenueCheck {
  const { globalMinimum, annualMinimum } = minimumRevenue(globalRunRevenue, runYears);
  let carry = 0 as Cents;
  const years = billedByYear.map((billed, year): RunYearCheck => {
    const check = runYearCheck(year, annualMinimum, billed, carry);
    carry = check.carriedOut;
    return check;
  });
  return { globalMinimum, annualMinimum, years };
}

/** The global minimum (80 % of the run revenue) and the annual one (over the run years), each rounded to the cent once. */
export function minimumRevenue(globalRunRevenue: Cents, runYears: number): { readonly globalMinimum: Cents; readonly annualMinimum: Cents } {
  const globalMinimum = timesRatio(globalRunRevenue, MINIMUM_REVENUE_PERCENT / 100);
  return { globalMinimum, annualMinimum: timesRatio(globalMinimum, 1 / Math.max(1, runYears)) };
}

/** One run year's check (seed §9.4): what it billed and the excess carried in against the annual minimum. */
export function runYearCheck(year: number, annualMinimum: Cents, billed: Cents, carriedIn: Cents): RunYearCheck {
  const counted = billed + carriedIn;
  return {
    year, billed, carriedIn,
    shortfall: Math.max(0, annualMinimum - counted) as Cents,
    carriedOut: Math.max(0, counted - annualMinimum) as Cents,
  };
}

/** The run year (0 for the first) `month` falls in, the run starting on the 1st of `runStart` (seed §9.8.2: at delivery); undefined before it. */
export function runYearOf(runStart: string, month: string): number | undefined {
  const months = (Number(month.slice(0, 4)) - Number(runStart.slice(0, 4))) * 12 + Number(month.slice(5, 7)) - Number(runStart.slice(5, 7));
  return months < 0 ? undefined : Math.floor(months / RUN_YEAR_MONTHS);
}

/** What each run year billed (the Reading of minimumRevenueCheck): its statements' totals, the differentials they carry left out. */
export function billedByRunYear(statements: readonly MonthlyStatement[], runStart: string, runYears: number): Cents[] {
  const out = Array.from({ length: runYears }, () => 0);
  for (const s of statements) {
    const year = runYearOf(runStart, s.month);
    if (year === undefined || year >= runYears) continue;
    out[year] = (out[year] ?? 0) + s.totals.excludingTax - s.minimumRevenueShortfall;
  }
  return out as Cents[];
}

// ---------------------------------------------------------------------------------------------
// Build invoicing (seed §9.8, domain.md §13)

/** domain.md §13 (seed §9.8.1): a small project's build is invoiced 30 % at the order, the rest (70 %) at delivery. */
export const BUILD_AT_ORDER_PERCENT = 30;

/**
 * The two build invoices of a small project (seed §9.8.1 case 1): 30 % at the signed order, rounded
 * to the cent, and the rest at the build's end, so the two add up to the build exactly. A project
 * invoiced by lots (case 2) follows its own schedule, a list of the contract, not computed here;
 * the run's invoicing starts at delivery (seed §9.8.2: `runYearOf`'s `runStart`).
 */
export function buildInvoices(build: Cents): { readonly atOrder: Cents; readonly atDelivery: Cents } {
  const atOrder = timesRatio(build, BUILD_AT_ORDER_PERCENT / 100);
  return { atOrder, atDelivery: (build - atOrder) as Cents };
}
