// The monthly statement of one contract and month as the cluster and `report --offline` show it
// (issue 13 item 4, design.md §3 "The monthly statement"): the one assembly of statement.ts's
// computeStatement from the tenant's records, the month's terms, the report's token ledger, the
// answered claims and the earlier statements; the report controller, `report --offline` and
// `verify` call it, nothing else builds a statement. Its result is the shape of
// SLAReport.status.statement: amounts in the currency, 2 decimals, converted from the cents once
// (fromCents). And its text, in English or French (the tenant's ManagedTenant spec.language).
// Pure: the earlier statements and the claims are parameters.
import type { EffortBasis, EffortRecord } from './effort.ts';
import { effortOfMonth } from './effort.ts';
import { fromCents, toCents, type Cents } from './money.ts';
import type { PackLanguage } from './pack.ts';
import { monthPeriod } from './calendar.ts';
import { reportInstant, type ReportInput } from './report.ts';
import { evaluateTenant } from './tenant.ts';
import {
  computeStatement, creditsGrantedIn, minimumRevenue, RUN_YEAR_MONTHS, runYearCheck, runYearOf, type AnsweredClaim, type ChargeKind, type MonthlyStatement,
  type RecurringCharge,
} from './statement.ts';
import { addMonths, termsInMonth } from './terms.ts';
import { ticketsOfMonth, ticketTariff, TICKET_TARIFFS, type TicketPrices, type TicketTariff } from './tickets.ts';

/** The longest list a statement holds (its tickets, effort lines, granted claims): the report's bound on its lists of tickets. */
export const STATEMENT_LIST_LIMIT = 512;

/** SLAReport.status.statement: the statement in the currency, 2 decimals. */
export interface StatementReport {
  readonly month: string;
  readonly currency: string;
  readonly revision: { readonly anniversary?: string; readonly index?: number; readonly hostingFactor: number };
  readonly recurring: {
    readonly lines: readonly {
      readonly name: string; readonly kind: ChargeKind; readonly since: string; readonly baseIndex?: number;
      readonly base: number; readonly ratio: number; readonly amount: number;
    }[];
    readonly subtotal: number;
    readonly minimum?: number;
    readonly minimumTopUp: number;
    readonly total: number;
  };
  readonly tokens: {
    readonly pack: number; readonly fromChanges: number; readonly fromEffort: number; readonly used: number; readonly extra: number;
    readonly unitPrice: number; readonly amount: number;
  };
  readonly tickets: {
    readonly quota: number; readonly used: number; readonly overage: number; readonly tariff: TicketTariff; readonly unitPrice: number; readonly amount: number;
    readonly incidents: readonly string[];
    readonly omitted?: number;
  };
  readonly effort: {
    readonly lines: readonly { readonly name: string; readonly basis: EffortBasis; readonly workMinutes: number; readonly billedMinutes: number; readonly tokens: number }[];
    readonly omitted?: number;
    readonly tokens: number;
  };
  readonly minimumRevenue?: {
    readonly runYear: number; readonly annualMinimum: number; readonly billed: number; readonly carriedIn: number; readonly shortfall: number; readonly carriedOut: number;
  };
  readonly credits: {
    readonly granted: readonly { readonly claim: string; readonly amount: number }[];
    readonly omitted?: number;
    readonly carriedIn: number; readonly available: number; readonly deducted: number; readonly carriedOut: number;
  };
  readonly totals: { readonly beforeCredits: number; readonly credits: number; readonly excludingTax: number };
  readonly missing?: readonly string[];
}

/** What a later statement reads of an earlier one (its status.statement). */
export interface StatementCarry {
  /** credits.carriedOut. */
  readonly creditsCarriedOut: number;
  /** totals.excludingTax. */
  readonly excludingTax: number;
  /** minimumRevenue.shortfall, 0 without. */
  readonly minimumRevenueShortfall: number;
  /** minimumRevenue.carriedOut; absent: the statement made no check. */
  readonly minimumRevenueCarriedOut?: number | undefined;
}

export function carryOf(s: StatementReport): StatementCarry {
  return {
    creditsCarriedOut: s.credits.carriedOut,
    excludingTax: s.totals.excludingTax,
    minimumRevenueShortfall: s.minimumRevenue?.shortfall ?? 0,
    ...(s.minimumRevenue === undefined ? {} : { minimumRevenueCarriedOut: s.minimumRevenue.carriedOut }),
  };
}

export interface StatementSources {
  readonly input: ReportInput;
  /** 'YYYY-MM', in the tenant's time zone. */
  readonly month: string;
  /** The report's token ledger of the month (status.tokens): the pack and the tokens its changes used. */
  readonly tokens: { readonly pack: number; readonly used: number };
  /** Every answered claim of the contract (those answered in the month are deducted: creditsGrantedIn). */
  readonly claims: readonly AnsweredClaim[];
  /** An earlier month's statement (stored, or computed in order offline); undefined when its report or statement does not exist. */
  readonly previous: (month: string) => StatementCarry | undefined;
}

const NO_TICKET_PRICES: TicketPrices = Object.fromEntries(TICKET_TARIFFS.map((t) => [t, 0])) as unknown as TicketPrices;

/**
 * The statement of `month`. **Readings** (design.md "The monthly statement"): the recurring lines
 * are the functions' monthly charges (the units' MRC, domain.md §13) and the month's monthly fees,
 * each fee from the month its price was agreed in (terms.ts datedFees); the tickets are the
 * incidents the client reported (detection Client) opened in the month, at the month's quota and
 * tariff (the highest support level the month's terms give an environment); the effort is
 * effortOfMonth's, an incident co-managed when one of its units is, on a business application
 * when one of its units is an Application whose level 3 is the client's; the credits are those of
 * the claims answered in the month plus the previous month's carried out. A month whose statement
 * the computation needs but which is missing counts 0 and is listed in `missing` (never guessed).
 * The minimum-revenue check runs on the last month of each run year (12 months from the
 * contract's start month) when the month's terms state the run revenue: billed = the year's 12
 * statements' totals excluding tax, differentials left out (this month's before its own
 * differential), carried in = the previous run year's carried out.
 */
export function monthStatement(sources: StatementSources): StatementReport {
  const { input, month } = sources;
  const contract = input.contract;
  const timeZone = input.calendar.timeZone;
  const start = contract.start ?? `${month}-01`;
  const startMonth = start.slice(0, 7);
  const terms = termsInMonth(contract, month, timeZone);
  const missing = new Set<string>();
  const previous = (m: string): StatementCarry | undefined => {
    if (m < startMonth) return undefined;
    const found = sources.previous(m);
    if (found === undefined) missing.add(m);
    return found;
  };

  const charges: RecurringCharge[] = [
    ...[...input.functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f): RecurringCharge => ({ name: f.name, kind: 'Function', monthly: toCents(f.monthlyCharge), since: startMonth })),
    ...(terms.monthlyFees ?? []).map((f): RecurringCharge => ({ name: f.name, kind: f.kind ?? 'Fee', monthly: toCents(f.amount), since: f.since })),
  ];
  const units = new Map(input.units.map((u) => [u.name, u]));
  const effortRecords = input.incidents.map((i): EffortRecord => {
    const its = i.unitNames.flatMap((n) => units.get(n) ?? []);
    return {
      name: i.name, cause: i.cause, workMinutes: i.workMinutes ?? 0, resolvedAt: i.resolvedAt,
      coManaged: its.some((u) => u.coManaged),
      businessApplication: its.some((u) => u.level === 'Application' && u.levelThreeOwner === 'Client'),
    };
  });
  const tickets = ticketsOfMonth(input.incidents.map((i) => ({ name: i.name, detection: i.detection ?? 'Client', openedAt: i.openedAt })), month, timeZone);
  const effort = effortOfMonth(effortRecords, month, timeZone);
  const price = toCents(terms.payAsYouGoTokenPrice);
  const ledgerUsed = sources.tokens.used;
  const carriedIn = toCents(previous(addMonths(month, -1))?.creditsCarriedOut ?? 0);
  const ticketPrices = terms.ticketPrices === undefined ? NO_TICKET_PRICES : (Object.fromEntries(TICKET_TARIFFS.map((t) => [t, toCents(terms.ticketPrices?.[t] ?? 0)])) as unknown as TicketPrices);
  const compute = (shortfall: Cents | undefined): MonthlyStatement => computeStatement({
    month, currency: contract.currency, contractStart: start, charges, syntec: contract.syntecIndices ?? [],
    ...(terms.monthlyMinimum === undefined ? {} : { monthlyMinimum: toCents(terms.monthlyMinimum) }),
    tokens: { ledger: { packTokens: sources.tokens.pack, consumedTokens: ledgerUsed, fromPack: 0, overageTokens: 0, overageAmount: 0, expiredTokens: 0 }, price },
    effort,
    tickets: { quota: terms.ticketQuota, used: tickets.length, tariff: ticketTariff(terms.supportLevels), prices: ticketPrices },
    credits: { granted: creditsGrantedIn(sources.claims, month, timeZone), carriedIn },
    minimumRevenueShortfall: shortfall,
  });

  let statement = compute(undefined);
  let check: StatementReport['minimumRevenue'];
  const runYear = runYearOf(startMonth, month);
  const index = (Number(month.slice(0, 4)) - Number(startMonth.slice(0, 4))) * 12 + Number(month.slice(5, 7)) - Number(startMonth.slice(5, 7));
  const run = terms.runRevenue;
  if (run !== undefined && runYear !== undefined && runYear < run.years && (index + 1) % RUN_YEAR_MONTHS === 0) {
    let billed = statement.totals.excludingTax as number;
    for (let k = 1; k < RUN_YEAR_MONTHS; k++) {
      const s = previous(addMonths(month, -k));
      if (s !== undefined) billed += toCents(s.excludingTax) - toCents(s.minimumRevenueShortfall);
    }
    const yearIn = runYear === 0 ? 0 : toCents(previous(addMonths(month, -RUN_YEAR_MONTHS))?.minimumRevenueCarriedOut ?? 0);
    const { annualMinimum } = minimumRevenue(toCents(run.global), run.years);
    const year = runYearCheck(runYear, annualMinimum, billed as Cents, yearIn as Cents);
    if (year.shortfall > 0) statement = compute(year.shortfall);
    check = {
      runYear: runYear + 1, annualMinimum: fromCents(annualMinimum), billed: fromCents(year.billed), carriedIn: fromCents(year.carriedIn),
      shortfall: fromCents(year.shortfall), carriedOut: fromCents(year.carriedOut),
    };
  }
  return statementReport(statement, tickets, check, [...missing].sort());
}

const capped = <T>(list: readonly T[]): { items: T[]; omitted?: number } =>
  (list.length > STATEMENT_LIST_LIMIT ? { items: list.slice(0, STATEMENT_LIST_LIMIT), omitted: list.length - STATEMENT_LIST_LIMIT } : { items: [...list] });

/** The cents of computeStatement in the currency, 2 decimals: the one conversion (design.md "never floats computed twice"). */
function statementReport(s: MonthlyStatement, tickets: readonly string[], check: StatementReport['minimumRevenue'], missing: readonly string[]): StatementReport {
  const ticketList = capped(tickets);
  const effortList = capped(s.effort.lines);
  const granted = capped(s.credits.granted);
  return {
    month: s.month,
    currency: s.currency,
    revision: {
      ...(s.revision.anniversary === undefined ? {} : { anniversary: s.revision.anniversary }),
      ...(s.revision.s1 === undefined ? {} : { index: s.revision.s1 }),
      hostingFactor: s.revision.hostingFactor,
    },
    recurring: {
      lines: s.recurring.lines.map((l) => ({
        name: l.name, kind: l.kind, since: l.since, ...(l.baseIndex === undefined ? {} : { baseIndex: l.baseIndex }),
        base: fromCents(l.base), ratio: l.ratio, amount: fromCents(l.amount),
      })),
      subtotal: fromCents(s.recurring.subtotal),
      ...(s.recurring.minimum === undefined ? {} : { minimum: fromCents(s.recurring.minimum) }),
      minimumTopUp: fromCents(s.recurring.minimumTopUp),
      total: fromCents(s.recurring.total),
    },
    tokens: {
      pack: s.tokens.pack, fromChanges: s.tokens.fromChanges, fromEffort: s.tokens.fromEffort, used: s.tokens.used, extra: s.tokens.extra,
      unitPrice: fromCents(s.tokens.unitPrice), amount: fromCents(s.tokens.amount),
    },
    tickets: {
      quota: s.tickets.quota, used: s.tickets.used, overage: s.tickets.overage, tariff: s.tickets.tariff,
      unitPrice: fromCents(s.tickets.unitPrice), amount: fromCents(s.tickets.amount),
      incidents: ticketList.items, ...(ticketList.omitted === undefined ? {} : { omitted: ticketList.omitted }),
    },
    effort: {
      lines: effortList.items.map((l) => ({ name: l.name, basis: l.basis, workMinutes: l.workMinutes, billedMinutes: l.billedMinutes, tokens: l.tokens })),
      ...(effortList.omitted === undefined ? {} : { omitted: effortList.omitted }),
      tokens: s.effort.tokens,
    },
    ...(check === undefined ? {} : { minimumRevenue: check }),
    credits: {
      granted: granted.items.map((g) => ({ claim: g.claim, amount: fromCents(g.amount) })),
      ...(granted.omitted === undefined ? {} : { omitted: granted.omitted }),
      carriedIn: fromCents(s.credits.carriedIn), available: fromCents(s.credits.available), deducted: fromCents(s.credits.deducted), carriedOut: fromCents(s.credits.carriedOut),
    },
    totals: { beforeCredits: fromCents(s.totals.beforeCredits), credits: fromCents(s.totals.credits), excludingTax: fromCents(s.totals.excludingTax) },
    ...(missing.length === 0 ? {} : { missing }),
  };
}

/**
 * The statements of every month from the contract's start to `month`, in order, each carrying the
 * one before (`report --offline`, which has no stored statements): `tokensOf` gives each month's
 * ledger. The last one is `month`'s.
 */
export function statementsThrough(input: ReportInput, month: string, tokensOf: (month: string) => { pack: number; used: number }, claims: readonly AnsweredClaim[]): StatementReport[] {
  const startMonth = (input.contract.start ?? `${month}-01`).slice(0, 7);
  const out = new Map<string, StatementReport>();
  for (let m = startMonth; m <= month; m = addMonths(m, 1)) {
    out.set(m, monthStatement({ input, month: m, tokens: tokensOf(m), claims, previous: (p) => { const s = out.get(p); return s === undefined ? undefined : carryOf(s); } }));
  }
  return [...out.values()];
}

// ---- text rendering ----------------------------------------------------------------------------

const LABELS = {
  en: {
    title: 'Monthly statement', provisional: 'provisional', final: 'final', excludingTax: 'excluding tax', recurring: 'Recurring charges', since: 'since',
    revised: 'revised', subtotal: 'subtotal', minimum: 'monthly minimum', topUp: 'top-up', total: 'total', tokens: 'Tokens', pack: 'pack', changes: 'changes',
    effort: 'effort', used: 'used', extra: 'extra', tickets: 'Tickets', quota: 'quota', overage: 'overage', tariff: 'tariff', billableEffort: 'Billable effort',
    minutes: 'min', none: 'none', minimumRevenue: 'Minimum guaranteed revenue, run year', annualMinimum: 'annual minimum', billed: 'billed',
    carriedIn: 'carried in', shortfall: 'shortfall', carriedOut: 'carried out', credits: 'Credits', granted: 'granted', available: 'available',
    deducted: 'deducted', totals: 'Totals', beforeCredits: 'before credits', missing: 'missing statements (counted 0)', more: 'and {n} more',
    ClientCaused: 'client-caused', SharedResponsibility: 'shared (50 %)', RemediationBeyond15Minutes: 'remediation beyond 15 min', anniversary: 'SYNTEC revision of',
    index: 'index',
  },
  fr: {
    title: 'Relevé mensuel', provisional: 'provisoire', final: 'définitif', excludingTax: 'hors taxes', recurring: 'Redevances récurrentes', since: 'depuis',
    revised: 'révisé', subtotal: 'sous-total', minimum: 'minimum mensuel', topUp: 'complément', total: 'total', tokens: 'Jetons', pack: 'forfait', changes: 'changements',
    effort: 'effort', used: 'consommés', extra: 'hors forfait', tickets: 'Tickets', quota: 'quota', overage: 'dépassement', tariff: 'tarif', billableEffort: 'Effort facturable',
    minutes: 'min', none: 'aucun', minimumRevenue: 'Revenu minimum garanti, année de RUN', annualMinimum: 'MRG annuel', billed: 'facturé',
    carriedIn: 'report entrant', shortfall: 'différentiel', carriedOut: 'report sortant', credits: 'Pénalités', granted: 'accordées', available: 'disponibles',
    deducted: 'déduites', totals: 'Totaux', beforeCredits: 'avant pénalités', missing: 'relevés manquants (comptés 0)', more: 'et {n} de plus',
    ClientCaused: 'cause client', SharedResponsibility: 'responsabilité partagée (50 %)', RemediationBeyond15Minutes: 'remédiation au-delà de 15 min',
    anniversary: 'révision SYNTEC du', index: 'indice',
  },
} as const satisfies Record<PackLanguage, Record<string, string>>;

const money = (n: number): string => n.toFixed(2);

/** The statement's labels in `language`, for the other renderings of it (the pack's page). */
export function statementLabels(language: PackLanguage): (typeof LABELS)[PackLanguage] {
  return LABELS[language];
}

/** The statement as readable text, labels in `language` (ManagedTenant spec.language); `final`: the report's. */
export function renderStatementText(s: StatementReport, language: PackLanguage = 'en', final = false): string {
  const t = LABELS[language];
  const c = s.currency;
  const more = (n: number | undefined): string[] => (n === undefined ? [] : [`    ${t.more.replace('{n}', String(n))}`]);
  const lines = [
    `${t.title} ${s.month} (${final ? t.final : t.provisional}), ${c} ${t.excludingTax}`,
    ...(s.revision.anniversary === undefined ? [] : [`  ${t.anniversary} ${s.revision.anniversary}, ${t.index} ${s.revision.index ?? ''}`]),
    '',
    t.recurring,
    ...s.recurring.lines.map((l) => `  ${l.kind} ${l.name} (${t.since} ${l.since}): ${money(l.base)}${l.ratio === 1 ? '' : ` × ${l.ratio.toFixed(6)} ${t.revised}`} = ${money(l.amount)}`),
    `  ${t.subtotal} ${money(s.recurring.subtotal)}${s.recurring.minimum === undefined ? '' : `; ${t.minimum} ${money(s.recurring.minimum)}, ${t.topUp} ${money(s.recurring.minimumTopUp)}`}; ${t.total} ${money(s.recurring.total)}`,
    `${t.tokens}: ${t.pack} ${s.tokens.pack}, ${t.changes} ${s.tokens.fromChanges}, ${t.effort} ${s.tokens.fromEffort}, ${t.used} ${s.tokens.used}, ${t.extra} ${s.tokens.extra} × ${money(s.tokens.unitPrice)} = ${money(s.tokens.amount)}`,
    `${t.tickets}: ${t.quota} ${s.tickets.quota}, ${t.used} ${s.tickets.used}, ${t.overage} ${s.tickets.overage} × ${money(s.tickets.unitPrice)} (${t.tariff} ${s.tickets.tariff}) = ${money(s.tickets.amount)}`,
    `${t.billableEffort}: ${s.effort.lines.length === 0 ? t.none : `${s.effort.tokens} ${t.tokens.toLowerCase()}`}`,
    ...s.effort.lines.map((l) => `  ${l.name}: ${t[l.basis]}, ${l.workMinutes} ${t.minutes} → ${l.billedMinutes} ${t.minutes}, ${l.tokens}`),
    ...more(s.effort.omitted),
    ...(s.minimumRevenue === undefined ? [] : [
      `${t.minimumRevenue} ${s.minimumRevenue.runYear}: ${t.annualMinimum} ${money(s.minimumRevenue.annualMinimum)}, ${t.billed} ${money(s.minimumRevenue.billed)}, ${t.carriedIn} ${money(s.minimumRevenue.carriedIn)}, ${t.shortfall} ${money(s.minimumRevenue.shortfall)}, ${t.carriedOut} ${money(s.minimumRevenue.carriedOut)}`,
    ]),
    `${t.credits}: ${t.granted} ${s.credits.granted.length === 0 ? t.none : s.credits.granted.map((g) => `${g.claim} ${money(g.amount)}`).join(', ')}; ${t.carriedIn} ${money(s.credits.carriedIn)}, ${t.available} ${money(s.credits.available)}, ${t.deducted} ${money(s.credits.deducted)}, ${t.carriedOut} ${money(s.credits.carriedOut)}`,
    ...more(s.credits.omitted),
    '',
    `${t.totals}: ${t.beforeCredits} ${money(s.totals.beforeCredits)}, ${t.credits.toLowerCase()} −${money(s.totals.credits)}, ${t.total} ${t.excludingTax} ${money(s.totals.excludingTax)} ${c}`,
    ...(s.missing === undefined ? [] : [`${t.missing}: ${s.missing.join(', ')}`]),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `report --offline`'s statement of `month` from the records alone (no stored statement): every
 * month from the contract's start in order (statementsThrough), each month's token ledger from
 * the one evaluation the report of `month` is computed at (computeMonthlyReport's instant).
 * **Reading**: an earlier month's ledger is its changes as known at that instant, which is its
 * report's unless a record of it changed after it was made final (the cluster's stored
 * statements are then what counts, and `verify` compares them).
 */
export function statementOfRecords(input: ReportInput, month: string, now: Date, claims: readonly AnsweredClaim[]): StatementReport | undefined {
  const ev = evaluateTenant(input, reportInstant(monthPeriod(month, input.calendar.timeZone), now));
  const all = statementsThrough(input, month, (m) => {
    const l = ev.ledger(m);
    return { pack: l?.packTokens ?? 0, used: l?.consumedTokens ?? 0 };
  }, claims);
  // Undefined for a month before the contract's start: it has no statement.
  return all[all.length - 1];
}
