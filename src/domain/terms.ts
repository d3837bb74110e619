// The contract's terms in time (domain.md §3 **Reading**: the terms that change in time are dated
// amendments kept in the contract itself, each with the month it takes effect; every month is
// computed with the terms in force during that month, never with today's).
//
// Three terms are dated: the support level of each environment, the token pack, and the prices
// (token price, monthly fees, monthly minimum), with the ticket quota and the ticket prices
// (issue 13, seed §9.5–§9.6) amended as the pack and the prices are. The terms from the contract's start are the base;
// each dated entry takes effect on the 1st of its month, 00:00 in the tenant's time zone, and
// holds until a later entry replaces it. An amendment that leaves a term out keeps the previous
// value. The currency never changes.
//
// Pure: months are 'YYYY-MM' strings, compared as strings (same width, so lexical order is time
// order); the only instant computed is the token pack's end, in the time zone given.
import { DateTime } from 'luxon';
import { MIN_SUPPORT_COMMITMENT_MONTHS } from './limits.ts';
import type { TicketTariff } from './tickets.ts';
import { FEE_KINDS, SUPPORT_LEVELS, type Environment, type SupportLevel } from './vocabulary.ts';

/** A support level in force from the 1st of `from` (domain.md §3). */
export interface DatedSupportLevel {
  readonly environment: Environment;
  readonly level: SupportLevel;
  /** 'YYYY-MM'. */
  readonly from: string;
}

/** Terms amended from the 1st of `from`; a term left out keeps its previous value. */
export interface TermsAmendment {
  /** 'YYYY-MM'. */
  readonly from: string;
  readonly monthlyTokens?: number | undefined;
  readonly payAsYouGoTokenPrice?: number | undefined;
  /** The month's recurring charge (the sum of the fees listed); `null`: the amendment lists no fee, so the domain's default applies again. */
  readonly monthlyRecurringCharge?: number | null | undefined;
  readonly monthlyMinimum?: number | undefined;
  /** The monthly ticket quota from then on (issue 13, seed §9.5). */
  readonly ticketQuota?: number | undefined;
  /** The four unit ticket prices from then on, replacing the previous ones whole (seed §9.6). */
  readonly ticketPrices?: TicketTariffPrices | undefined;
  /** The monthly fees from then on, replacing the previous list whole (the statement's recurring lines); `null`: an empty list, none from then on. */
  readonly monthlyFees?: readonly MonthlyFeeTerm[] | null | undefined;
  /** The run revenue from then on (seed §9.4: the global minimum revised upward when the scope grows). */
  readonly runRevenue?: RunRevenue | undefined;
}

/** What a monthly fee is billed for: SYNTEC revises a Fee, not Support nor Backup (seed §9.3.1, statement.ts SYNTEC_EXEMPT_KINDS). */
export type FeeKind = (typeof FEE_KINDS)[number];

/** One monthly fee of the contract's price sheet, as the spec lists it. */
export interface MonthlyFeeTerm {
  readonly name: string;
  readonly amount: number;
  /** Default Fee. */
  readonly kind?: FeeKind | undefined;
}

/** A monthly fee in force in a month, with the month its price was agreed in (the statement's SYNTEC base year). */
export interface MonthFee extends MonthlyFeeTerm {
  /** 'YYYY-MM': the contract's start month, or the month of the amendment that set this name at this amount and kind. */
  readonly since: string;
}

/** seed §9.4: the global revenue the contract expects of its run phase, over its run years (the minimum guaranteed revenue is 80 % of it). */
export interface RunRevenue {
  /** In the contract's currency, excluding tax. */
  readonly global: number;
  /** The run years the contract provides for. */
  readonly years: number;
}

/** The price sheet's unit price of a ticket of each tariff (seed §9.6), in the contract's currency (amounts as the spec states them; the statement converts them to cents). */
export type TicketTariffPrices = Readonly<Record<TicketTariff, number>>;

/** What the terms of a contract are made of (the fields of ContractInput that termsInMonth reads). */
export interface DatedTerms {
  /** Support levels from the start, per environment. */
  readonly supportLevels: Readonly<Partial<Record<Environment, SupportLevel>>>;
  /** Later support levels, each from the 1st of its month. */
  readonly datedSupportLevels?: readonly DatedSupportLevel[] | undefined;
  readonly payAsYouGoTokenPrice: number;
  /** Tokens of the monthly pack from the start (default 0). */
  readonly monthlyTokens?: number | undefined;
  readonly monthlyRecurringCharge?: number | undefined;
  readonly monthlyMinimum?: number | undefined;
  /** The monthly ticket quota and the ticket prices from the start (issue 13, seed §9.5–§9.6); absent: none stated. */
  readonly ticketQuota?: number | undefined;
  readonly ticketPrices?: TicketTariffPrices | undefined;
  /** The monthly fees from the start, itemised (their sum is monthlyRecurringCharge); absent: none. */
  readonly monthlyFees?: readonly MonthlyFeeTerm[] | undefined;
  /** seed §9.4: the run revenue from the start; absent: the contract states none, no minimum-revenue check. */
  readonly runRevenue?: RunRevenue | undefined;
  readonly amendments?: readonly TermsAmendment[] | undefined;
  /** First day of the contract, 'YYYY-MM-DD', and the service's minimum duration: the pack runs until then (domain.md §10). Absent: the pack always runs. */
  readonly start?: string | undefined;
  readonly commitmentMonths?: number | undefined;
}

/** The terms in force during one month. */
export interface MonthTerms {
  readonly month: string;
  readonly supportLevels: Readonly<Partial<Record<Environment, SupportLevel>>>;
  /** The month's token pack: 0 for a month that starts at or after the commitment's end (domain.md §10). */
  readonly monthlyTokens: number;
  readonly payAsYouGoTokenPrice: number;
  readonly monthlyRecurringCharge: number | undefined;
  readonly monthlyMinimum: number | undefined;
  /** The month's ticket quota and unit ticket prices (issue 13, seed §9.5–§9.6); absent: the contract states none in force. */
  readonly ticketQuota?: number | undefined;
  readonly ticketPrices?: TicketTariffPrices | undefined;
  /** The month's monthly fees, by name, each with the month its price was agreed in; empty: none. */
  readonly monthlyFees?: readonly MonthFee[] | undefined;
  /** The month's run revenue (seed §9.4); absent: none stated. */
  readonly runRevenue?: RunRevenue | undefined;
}

/**
 * A fee list given by an amendment from `from`, each fee dated. **Reading** (the statement's
 * SYNTEC revision, design.md "The monthly statement"): a fee listed again under the same name, at
 * the same amount and of the same kind keeps the month its price was agreed in; a new name, a new
 * amount or a new kind is a price agreed in `from`.
 */
function datedFees(fees: readonly MonthlyFeeTerm[], from: string, before: readonly MonthFee[]): MonthFee[] {
  const previous = new Map(before.map((f) => [f.name, f]));
  return fees.map((f) => {
    const p = previous.get(f.name);
    const since = p !== undefined && p.amount === f.amount && (p.kind ?? 'Fee') === (f.kind ?? 'Fee') ? p.since : from;
    return { ...f, since };
  });
}

const byFrom = <T extends { readonly from: string }>(a: T, b: T): number => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0);

/** 'YYYY-MM' plus `n` months. */
export function addMonths(month: string, n: number): string {
  const year = Number(month.slice(0, 4));
  const index = year * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Whether the token pack runs in `month` (domain.md §10: monthly packs run to the end of the commitment). */
function packRuns(terms: DatedTerms, month: string, timeZone: string): boolean {
  if (terms.start === undefined || terms.commitmentMonths === undefined) return true;
  const end = DateTime.fromISO(terms.start, { zone: timeZone }).startOf('day').plus({ months: terms.commitmentMonths });
  const monthStart = DateTime.fromISO(`${month}-01`, { zone: timeZone }).startOf('day');
  return monthStart.toMillis() < end.toMillis();
}

/** The terms in force during `month` ('YYYY-MM', in `timeZone`): the base, then every entry from that month or before, in order. */
export function termsInMonth(terms: DatedTerms, month: string, timeZone: string): MonthTerms {
  const supportLevels: Partial<Record<Environment, SupportLevel>> = { ...terms.supportLevels };
  for (const entry of [...(terms.datedSupportLevels ?? [])].sort(byFrom)) {
    if (entry.from <= month) supportLevels[entry.environment] = entry.level;
  }
  let monthlyTokens = terms.monthlyTokens ?? 0;
  let payAsYouGoTokenPrice = terms.payAsYouGoTokenPrice;
  let monthlyRecurringCharge = terms.monthlyRecurringCharge;
  let monthlyMinimum = terms.monthlyMinimum;
  let ticketQuota = terms.ticketQuota;
  let ticketPrices = terms.ticketPrices;
  const startMonth = terms.start?.slice(0, 7) ?? month;
  let monthlyFees: MonthFee[] = datedFees(terms.monthlyFees ?? [], startMonth, []);
  let runRevenue = terms.runRevenue;
  for (const a of [...(terms.amendments ?? [])].sort(byFrom)) {
    if (a.from > month) break;
    if (a.monthlyTokens !== undefined) monthlyTokens = a.monthlyTokens;
    if (a.payAsYouGoTokenPrice !== undefined) payAsYouGoTokenPrice = a.payAsYouGoTokenPrice;
    if (a.monthlyRecurringCharge !== undefined) monthlyRecurringCharge = a.monthlyRecurringCharge ?? undefined;
    if (a.monthlyMinimum !== undefined) monthlyMinimum = a.monthlyMinimum;
    if (a.ticketQuota !== undefined) ticketQuota = a.ticketQuota;
    if (a.ticketPrices !== undefined) ticketPrices = a.ticketPrices;
    if (a.monthlyFees !== undefined) monthlyFees = datedFees(a.monthlyFees ?? [], a.from, monthlyFees);
    if (a.runRevenue !== undefined) runRevenue = a.runRevenue;
  }
  return {
    month,
    supportLevels,
    monthlyTokens: packRuns(terms, month, timeZone) ? monthlyTokens : 0,
    payAsYouGoTokenPrice,
    monthlyRecurringCharge,
    monthlyMinimum,
    ...(ticketQuota === undefined ? {} : { ticketQuota }),
    ...(ticketPrices === undefined ? {} : { ticketPrices }),
    ...(monthlyFees.length === 0 ? {} : { monthlyFees: [...monthlyFees].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) }),
    ...(runRevenue === undefined ? {} : { runRevenue }),
  };
}

// ---------------------------------------------------------------------------------------------
// domain.md §3: the rules of dated support levels

/** A support level entry as written: `from` absent means from the contract's start month. */
export interface SupportLevelEntry {
  readonly environment: Environment;
  readonly level: SupportLevel;
  readonly from?: string | undefined;
}

/** One step of an environment's support history: its level from `from`, committed until `commitmentEnd` (exclusive), both 'YYYY-MM'. */
export interface SupportLevelStep {
  readonly index: number;
  readonly environment: Environment;
  readonly level: SupportLevel;
  readonly from: string;
  readonly commitmentEnd: string;
}

export interface TermsProblem {
  /** Index of the entry in its list. */
  readonly index: number;
  readonly field: 'from' | 'level';
  readonly message: string;
}

const rank = (level: SupportLevel): number => SUPPORT_LEVELS.indexOf(level);

/**
 * Each environment's support history, by month, with the commitment each step runs under
 * (domain.md §3): the first level commits 6 months from its month; during a commitment a level
 * may only go up, and a raise re-commits 6 months from its own month; after the commitment any
 * change commits 6 months again. An entry equal to the level in force changes nothing. Entries
 * that break a rule are reported in `problems` and left out of the history.
 */
export function supportLevelHistory(entries: readonly SupportLevelEntry[], startMonth: string): { steps: SupportLevelStep[]; problems: TermsProblem[] } {
  const problems: TermsProblem[] = [];
  const seen = new Map<string, number>();
  const candidates: SupportLevelStep[] = [];
  entries.forEach((e, index) => {
    const from = e.from ?? startMonth;
    if (from < startMonth) {
      problems.push({ index, field: 'from', message: `${from} is before the contract's start month ${startMonth} (spec.start): a level takes effect on the 1st of a month of the contract` });
      return;
    }
    const key = `${e.environment}@${from}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ index, field: 'from', message: `a second entry for ${e.environment} from ${from} (spec.supportLevels[${first}]): one level per environment and month` });
      return;
    }
    seen.set(key, index);
    candidates.push({ index, environment: e.environment, level: e.level, from, commitmentEnd: from });
  });
  const steps: SupportLevelStep[] = [];
  const byEnvironment = new Map<Environment, SupportLevelStep[]>();
  for (const c of candidates) byEnvironment.set(c.environment, [...(byEnvironment.get(c.environment) ?? []), c]);
  for (const list of byEnvironment.values()) {
    let current: SupportLevelStep | undefined;
    for (const c of list.sort(byFrom)) {
      if (current !== undefined && c.level === current.level) continue;
      if (current !== undefined && rank(c.level) < rank(current.level) && c.from < current.commitmentEnd) {
        problems.push({
          index: c.index,
          field: 'level',
          message: `${c.environment} cannot move down from ${current.level} to ${c.level} in ${c.from}: the commitment on ${current.level} runs until ${current.commitmentEnd} (during it a level only goes up, domain.md §3)`,
        });
        continue;
      }
      current = { ...c, commitmentEnd: addMonths(c.from, MIN_SUPPORT_COMMITMENT_MONTHS) };
      steps.push(current);
    }
  }
  return { steps: steps.sort((a, b) => byFrom(a, b) || (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0)), problems: problems.sort((a, b) => a.index - b.index) };
}

/** Amendments: each from the start month on, one per month. */
/**
 * issue 13 (seed §9.5–§9.6): a ticket quota is billed beyond at the ticket prices, so no month may
 * have a quota in force without the prices. The first entry that gives a quota before any prices
 * are in force (the base: index undefined, or an amendment by its index).
 */
export function ticketTermsProblems(base: { readonly ticketQuota?: number | undefined; readonly ticketPrices?: unknown }, amendments: readonly { readonly from: string; readonly ticketQuota?: number | undefined; readonly ticketPrices?: unknown }[]): { index?: number; message: string }[] {
  let priced = base.ticketPrices !== undefined;
  if (base.ticketQuota !== undefined && !priced) return [{ message: 'a ticket quota needs the ticket prices in force with it (spec.prices.ticketPrices): the overage is billed at them (seed §9.5–§9.6)' }];
  const order = amendments.map((a, index) => ({ a, index })).sort((x, y) => byFrom(x.a, y.a));
  for (const { a, index } of order) {
    priced ||= a.ticketPrices !== undefined;
    if (a.ticketQuota !== undefined && !priced) return [{ index, message: `a ticket quota from ${a.from} needs the ticket prices in force by then (spec.prices.ticketPrices, or this amendment's prices.ticketPrices): the overage is billed at them (seed §9.5–§9.6)` }];
  }
  return [];
}

export function amendmentProblems(amendments: readonly { readonly from: string }[], startMonth: string): TermsProblem[] {
  const out: TermsProblem[] = [];
  const seen = new Map<string, number>();
  amendments.forEach((a, index) => {
    if (a.from < startMonth) out.push({ index, field: 'from', message: `${a.from} is before the contract's start month ${startMonth} (spec.start): an amendment takes effect on the 1st of a month of the contract` });
    const first = seen.get(a.from);
    if (first !== undefined) out.push({ index, field: 'from', message: `a second amendment from ${a.from} (spec.amendments[${first}]): one per month` });
    else seen.set(a.from, index);
  });
  return out;
}
