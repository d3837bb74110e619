// SupportContract (msc): the commercial terms of the tenant (design.md §1, domain.md §3, §10, §13).
import { z } from 'zod';
import { MAX_ACCELERATED_CHANGES_PER_YEAR, MAX_RUN_YEARS, MAX_AMENDMENTS, MAX_INDEX_VALUE, MAX_INDEX_YEARS, MAX_MONTHLY_TICKETS, MAX_MONTHLY_TOKENS, MAX_SUPPORT_LEVEL_ENTRIES, MIN_SERVICE_MONTHS, MIN_SUPPORT_COMMITMENT_MONTHS } from '../../domain/limits.ts';
import { DEFAULT_RECURRENCE_DAYS, DEFAULT_RECURRING_INCIDENTS, MAX_RECURRENCE_DAYS, MAX_RECURRING_INCIDENTS, MIN_RECURRING_INCIDENTS } from '../../domain/problems.ts';
import { amendmentProblems, supportLevelHistory, ticketTermsProblems } from '../../domain/terms.ts';
import { ENVIRONMENTS, FEE_KINDS, FUNCTION_FAMILIES, SUPPORT_CHAINS, SUPPORT_LEVELS } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, ageColumn, amount, boundedCount, boundedMonth, count, date, doc, instant, month, money, readyColumn, resource, statusBase, text, time,
} from './common.ts';

export const EnvironmentSupportLevel = z.object({
  environment: doc(z.enum(ENVIRONMENTS), 'The environment: Production, PreProduction, Integration or Development.'),
  level: doc(z.enum(SUPPORT_LEVELS), 'Support level of that environment: Initial, Standard or Premium.'),
  from: boundedMonth('First month of this level, YYYY-MM: it takes effect on the 1st, 00:00 in the tenant\'s time zone, until a later entry of the environment (domain.md §3). Absent: from the contract\'s start.').optional(),
});

export const MonthlyFee = z.object({
  name: doc(z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), 'Identifier of the fee, e.g. support-premium.'),
  amount: amount('Monthly amount, excluding tax.'),
  description: text('What the fee pays for.', 256).optional(),
  kind: doc(z.enum(FEE_KINDS), 'What it is billed for: Fee (revised by SYNTEC on the anniversaries), Support or Backup (not revised, seed §9.3.1). Absent: Fee.').optional(),
});

/** seed §9.4: the run revenue the contract expects, for the yearly check of the minimum guaranteed revenue (issue 13). */
export const RunRevenue = doc(z.object({
  global: amount('The global revenue the contract expects of its run phase, excluding tax (seed §9.4 "Revenu Global"): its minimum guaranteed revenue is 80 % of it.'),
  years: doc(z.int().min(1).max(MAX_RUN_YEARS), `The run years the contract provides for (at most ${MAX_RUN_YEARS}): the annual minimum is the global minimum divided by them; each run year is 12 months from the contract's start month.`),
}), 'The run revenue (seed §9.4): on the last month of each run year the statement bills the shortfall of the year against the annual minimum, an excess counting toward the next year. Absent: no check.');

/** seed §9.6: the four unit ticket prices of the price sheet, one per support level and one without SLA (issue 13). */
export const TicketPrices = doc(z.object({
  Premium: amount('Unit price of a ticket when the highest support level of the month is Premium.'),
  Standard: amount('Unit price of a ticket when it is Standard.'),
  Initial: amount('Unit price of a ticket when it is Initial.'),
  NoSLA: amount('Unit price of a ticket in a month when no environment has a support level.'),
}), 'Unit prices of an incident ticket beyond the quota, per tariff: the highest support level the month gives an environment (seed §9.5–§9.6, domain.md §13); given whole.');

const ticketQuota = (description: string) => boundedCount(`${description} At most ${MAX_MONTHLY_TICKETS}.`, MAX_MONTHLY_TICKETS);

const MonthlyFees = doc(z.array(MonthlyFee).max(32), 'Monthly recurring fees of the contract, keyed by name.', {
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
});

export const TermsAmendment = z.object({
  from: boundedMonth('First month of the amended terms, YYYY-MM: they take effect on the 1st, 00:00 in the tenant\'s time zone (domain.md §3).'),
  monthlyTokens: boundedCount(`Tokens included each month from then on, at most ${MAX_MONTHLY_TOKENS}; absent: unchanged.`, MAX_MONTHLY_TOKENS).optional(),
  monthlyTickets: ticketQuota('Incident tickets included each month from then on (seed §9.5); absent: unchanged.').optional(),
  prices: doc(z.object({
    tokenPrice: amount('Pay-as-you-go price of one token from then on; absent: unchanged.').optional(),
    monthlyFees: MonthlyFees.optional(),
    monthlyMinimum: amount('Monthly billing minimum from then on; absent: unchanged.').optional(),
    ticketPrices: TicketPrices.optional(),
    runRevenue: RunRevenue.optional(),
  }), 'Prices from then on, in the contract\'s currency (which never changes); a price left out is unchanged, a fee list given replaces the previous one whole.').optional(),
  description: text('Why the terms change, e.g. the order reference.', 256).optional(),
});

export const SupportContractSpec = z.object({
  start: date('First day of the contract (YYYY-MM-DD).'),
  commitmentMonths: doc(z.int().min(MIN_SERVICE_MONTHS).max(120), `Minimum duration of the service, in months (at least ${MIN_SERVICE_MONTHS}, domain.md §3).`).default(MIN_SERVICE_MONTHS),
  supportChain: doc(z.enum(SUPPORT_CHAINS), 'OffShore or FullFrance (domain.md §1).'),
  supportLevels: doc(z.array(EnvironmentSupportLevel).min(1).max(MAX_SUPPORT_LEVEL_ENTRIES), `Support levels per environment, each from its month (from, absent: the start): the history of the contract, at most ${MAX_SUPPORT_LEVEL_ENTRIES} entries, one per environment and month. During the commitment (${MIN_SUPPORT_COMMITMENT_MONTHS} months from a level's month) a new entry only raises the level, and re-commits ${MIN_SUPPORT_COMMITMENT_MONTHS} months; an entry whose month has begun is never edited or removed (domain.md §3).`, {
    // Atomic: several entries per environment, and a list-map key must be required.
    'x-kubernetes-list-type': 'atomic',
  }),
  // Every management level is also a family (domain.md §1), so the families are the levels and the offers beyond them (RDS, ActiveDirectory, ...).
  subscribedLevels: doc(z.array(z.enum(FUNCTION_FAMILIES)).min(1).max(FUNCTION_FAMILIES.length), 'Management levels and managed offers (function families) the tenant subscribes (Database/Middleware ⇒ OS, Containers ⇒ Kubernetes, RDS ⇒ OS and ActiveDirectory, ActiveDirectory ⇒ OS: domain.md §2).', { 'x-kubernetes-list-type': 'set' }),
  prices: doc(z.object({
    currency: doc(z.string().regex(/^[A-Z]{3}$/), 'ISO 4217 currency of every amount, e.g. EUR.'),
    tokenPrice: amount('Pay-as-you-go price of one token (30 minutes of work), excluding tax.'),
    monthlyFees: MonthlyFees.optional(),
    monthlyMinimum: amount('Monthly billing minimum, excluding tax (domain.md §13).').optional(),
    ticketPrices: TicketPrices.optional(),
    runRevenue: RunRevenue.optional(),
  }), 'Prices of the contract from its start (spec.amendments changes them from a later month).'),
  monthlyTokens: boundedCount(`Tokens included each month (the token pack) from the start, at most ${MAX_MONTHLY_TOKENS}; unused tokens do not roll over (domain.md §10).`, MAX_MONTHLY_TOKENS).default(0),
  monthlyTickets: ticketQuota('Incident tickets included each month from the start (seed §9.5: a number set for each client); beyond it each ticket is billed at spec.prices.ticketPrices, which a quota requires. Absent: no quota stated, tickets are not billed.').optional(),
  syntecIndices: doc(z.array(z.object({
    year: doc(z.int().min(2000).max(9999), 'The calendar year.'),
    index: doc(z.number().positive().max(MAX_INDEX_VALUE), 'The SYNTEC index the contract retains for that year (the last one published at the revision date).'),
  })).max(MAX_INDEX_YEARS), `The SYNTEC index of each year, keyed by year, at most ${MAX_INDEX_YEARS} (seed §9.3.1, domain.md §13): the recurring prices are revised on each anniversary by P0 × S(n)/S0, S0 the start year's, S(n) the anniversary year's (or the last listed before it). Absent or without the start year's: no revision.`, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['year'],
  }).optional(),
  amendments: doc(z.array(TermsAmendment).max(MAX_AMENDMENTS), `Dated changes of the token pack and the prices, keyed by from, at most ${MAX_AMENDMENTS}: each month is computed with the terms in force during it (domain.md §3); an amendment whose month has begun is never edited or removed.`, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['from'],
  }).optional(),
  acceleratedChangesPerYear: doc(z.int().min(0).max(MAX_ACCELERATED_CHANGES_PER_YEAR), `Accelerated changes allowed per calendar year (at most ${MAX_ACCELERATED_CHANGES_PER_YEAR}, domain.md §10).`).default(MAX_ACCELERATED_CHANGES_PER_YEAR),
  reversibilityStart: instant('Start of the reversibility (exit) phase: GTR does not apply from then on (domain.md §8).').optional(),
  problemDetection: doc(z.object({
    incidents: boundedCount(`How many incidents on one service unit or managed function make a recurrence (${MIN_RECURRING_INCIDENTS} to ${MAX_RECURRING_INCIDENTS}).`, MAX_RECURRING_INCIDENTS, MIN_RECURRING_INCIDENTS).default(DEFAULT_RECURRING_INCIDENTS),
    days: boundedCount(`Within how many days (of 24 h) of each other (1 to ${MAX_RECURRENCE_DAYS}).`, MAX_RECURRENCE_DAYS, 1).default(DEFAULT_RECURRENCE_DAYS),
  }), `When recurring incidents make the operator propose a Problem (seed §5.4): absent, ${DEFAULT_RECURRING_INCIDENTS} incidents within ${DEFAULT_RECURRENCE_DAYS} days.`).optional(),
}).superRefine((spec, ctx) => {
  // domain.md §3, checked wherever a contract is parsed (the webhook, `report --offline`, the
  // controllers' caches): each entry from the start month on, one per environment and month, no
  // lowering during a commitment. What needs the stored object or the clock is the webhook's.
  const startMonth = spec.start.slice(0, 7);
  for (const p of supportLevelHistory(spec.supportLevels, startMonth).problems) ctx.addIssue({ code: 'custom', path: ['supportLevels', p.index, p.field], message: p.message });
  for (const p of amendmentProblems(spec.amendments ?? [], startMonth)) ctx.addIssue({ code: 'custom', path: ['amendments', p.index, p.field], message: p.message });
  const amendments = spec.amendments ?? [];
  for (const p of ticketTermsProblems({ ticketQuota: spec.monthlyTickets, ticketPrices: spec.prices.ticketPrices }, amendments.map((a) => ({ from: a.from, ticketQuota: a.monthlyTickets, ticketPrices: a.prices?.ticketPrices })))) {
    ctx.addIssue({ code: 'custom', path: p.index === undefined ? ['monthlyTickets'] : ['amendments', p.index, 'monthlyTickets'], message: p.message });
  }
});
export type SupportContractSpec = z.infer<typeof SupportContractSpec>;

export const SupportContractStatus = z.object({
  ...statusBase,
  effectiveSupportLevels: doc(z.array(z.object({
    environment: doc(z.enum(ENVIRONMENTS), 'The environment.'),
    level: doc(z.enum(SUPPORT_LEVELS), 'The level in force.'),
    since: time('When this level took effect.').optional(),
    commitmentEnd: time('End of the support commitment on this level.').optional(),
  })).max(ENVIRONMENTS.length), 'Support levels in force now, derived from spec.supportLevels (a copy for reading: the spec holds the history).', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['environment'] }).optional(),
  pendingSupportLevels: doc(z.array(z.object({
    environment: doc(z.enum(ENVIRONMENTS), 'The environment.'),
    level: doc(z.enum(SUPPORT_LEVELS), 'The level asked for.'),
    effectiveFrom: time('Start of the month when it takes effect.'),
  })).max(ENVIRONMENTS.length), 'The next level of each environment that spec.supportLevels dates in a later month.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['environment'] }).optional(),
  tokens: doc(z.object({
    month: month('The calendar month, YYYY-MM.'),
    included: count('Tokens of the pack.'),
    used: count('Tokens charged by changes this month.'),
    remaining: count('Tokens of the pack not used yet.'),
    extra: count('Tokens beyond the pack, billed at the token price.'),
    extraAmount: money('Price of the extra tokens.').optional(),
  }), 'Token ledger of the current month.').optional(),
  acceleratedChanges: doc(z.object({
    year: doc(z.int().min(2000).max(9999), 'The calendar year.'),
    used: count('Accelerated changes requested this year.'),
    quota: count('Accelerated changes allowed this year.'),
  }), 'Accelerated changes of the current year.').optional(),
  commitmentEnd: time('End of the minimum service duration.').optional(),
  // issue 13: the closed months' credits by state (claims.ts creditSplit), outside the final
  // reports' seal and freeze since claims arrive after a month is final (design.md §3).
  claimCredits: doc(z.array(z.object({
    month: month('The calendar month, YYYY-MM.'),
    currency: doc(z.string().regex(/^[A-Z]{3}$/), 'Currency of the amounts.').optional(),
    claimDeadline: time('Last instant to claim the month\'s credits (30 days after it, domain.md §8).'),
    owed: money('What the month\'s rules give: its final report\'s credits.total.'),
    claimed: money('What its valid SLAClaims claim together (the sum of their creditAmount).'),
    granted: money('What the provider\'s answers grant.'),
    pending: money('Claimed, not answered yet.'),
    claimable: money('Owed, unclaimed, the claim deadline ahead.'),
    expired: money('Owed, unclaimed at the claim deadline: lost (domain.md §8).'),
  })).max(24), 'Credits owed, claimed, granted and expired of the months with a final report whose claim deadline passed less than 60 days ago (the SLAReport\'s status is sealed when final; its claims come after).', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['month'] }).optional(),
});
export type SupportContractStatus = z.infer<typeof SupportContractStatus>;

export const SupportContract = resource('SupportContract', SupportContractSpec, SupportContractStatus);
export type SupportContract = z.infer<typeof SupportContract>;

export const supportContractKind: KindDefinition = {
  kind: 'SupportContract',
  plural: 'supportcontracts',
  singular: 'supportcontract',
  // Not `sc`: StorageClass's (test/integration/api-shortnames.test.ts checks every short name against discovery).
  shortNames: ['msc'],
  description: 'Commercial terms: start and commitment, support chain and levels per environment, subscribed levels, prices, token pack, ticket quota and prices, SYNTEC indices and accelerated-change quota.',
  spec: SupportContractSpec,
  status: SupportContractStatus,
  printerColumns: [
    { name: 'Chain', type: 'string', jsonPath: '.spec.supportChain' },
    { name: 'Production', type: 'string', jsonPath: '.status.effectiveSupportLevels[?(@.environment=="Production")].level', description: 'Support level of Production in force now.' },
    { name: 'Start', type: 'string', jsonPath: '.spec.start' },
    { name: 'Tokens Used', type: 'integer', jsonPath: '.status.tokens.used' },
    { name: 'Tokens Left', type: 'integer', jsonPath: '.status.tokens.remaining' },
    { name: 'Commitment End', type: 'string', jsonPath: '.status.commitmentEnd', priority: 1 },
    readyColumn,
    ageColumn,
  ],
};
