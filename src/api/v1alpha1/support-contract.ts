// SupportContract (msc): the commercial terms of the tenant (design.md §1, domain.md §3, §10, §13).
import { z } from 'zod';
import { MAX_ACCELERATED_CHANGES_PER_YEAR, MAX_MONTHLY_TOKENS, MIN_SERVICE_MONTHS } from '../../domain/limits.ts';
import { ENVIRONMENTS, MANAGEMENT_LEVELS, SUPPORT_CHAINS, SUPPORT_LEVELS } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, ageColumn, amount, boundedCount, count, date, doc, instant, month, money, readyColumn, resource, statusBase, text, time,
} from './common.ts';

export const EnvironmentSupportLevel = z.object({
  environment: doc(z.enum(ENVIRONMENTS), 'The environment: Production, PreProduction, Integration or Development.'),
  level: doc(z.enum(SUPPORT_LEVELS), 'Support level of that environment: Initial, Standard or Premium.'),
});

export const MonthlyFee = z.object({
  name: doc(z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), 'Identifier of the fee, e.g. support-premium.'),
  amount: amount('Monthly amount, excluding tax.'),
  description: text('What the fee pays for.', 256).optional(),
});

export const SupportContractSpec = z.object({
  start: date('First day of the contract (YYYY-MM-DD).'),
  commitmentMonths: doc(z.int().min(MIN_SERVICE_MONTHS).max(120), `Minimum duration of the service, in months (at least ${MIN_SERVICE_MONTHS}, domain.md §3).`).default(MIN_SERVICE_MONTHS),
  supportChain: doc(z.enum(SUPPORT_CHAINS), 'OffShore or FullFrance (domain.md §1).'),
  supportLevels: doc(z.array(EnvironmentSupportLevel).min(1).max(ENVIRONMENTS.length), 'Support level per environment, keyed by environment. Raising one during the commitment takes effect at the start of the next month (domain.md §3).', {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['environment'],
  }),
  subscribedLevels: doc(z.array(z.enum(MANAGEMENT_LEVELS)).min(1).max(MANAGEMENT_LEVELS.length), 'Management levels the tenant subscribes (Database/Middleware ⇒ OS, Containers ⇒ Kubernetes: domain.md §2).', { 'x-kubernetes-list-type': 'set' }),
  prices: doc(z.object({
    currency: doc(z.string().regex(/^[A-Z]{3}$/), 'ISO 4217 currency of every amount, e.g. EUR.'),
    tokenPrice: amount('Pay-as-you-go price of one token (30 minutes of work), excluding tax.'),
    monthlyFees: doc(z.array(MonthlyFee).max(32), 'Monthly recurring fees of the contract, keyed by name.', {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }).optional(),
    monthlyMinimum: amount('Monthly billing minimum, excluding tax (domain.md §13).').optional(),
  }), 'Prices of the contract.'),
  monthlyTokens: boundedCount(`Tokens included each month (the token pack), at most ${MAX_MONTHLY_TOKENS}; unused tokens do not roll over (domain.md §10).`, MAX_MONTHLY_TOKENS).default(0),
  acceleratedChangesPerYear: doc(z.int().min(0).max(MAX_ACCELERATED_CHANGES_PER_YEAR), `Accelerated changes allowed per calendar year (at most ${MAX_ACCELERATED_CHANGES_PER_YEAR}, domain.md §10).`).default(MAX_ACCELERATED_CHANGES_PER_YEAR),
  reversibilityStart: instant('Start of the reversibility (exit) phase: GTR does not apply from then on (domain.md §8).').optional(),
});
export type SupportContractSpec = z.infer<typeof SupportContractSpec>;

export const SupportContractStatus = z.object({
  ...statusBase,
  effectiveSupportLevels: doc(z.array(z.object({
    environment: doc(z.enum(ENVIRONMENTS), 'The environment.'),
    level: doc(z.enum(SUPPORT_LEVELS), 'The level in force.'),
    since: time('When this level took effect.').optional(),
    commitmentEnd: time('End of the support commitment on this level.').optional(),
  })).max(ENVIRONMENTS.length), 'Support levels in force now.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['environment'] }).optional(),
  pendingSupportLevels: doc(z.array(z.object({
    environment: doc(z.enum(ENVIRONMENTS), 'The environment.'),
    level: doc(z.enum(SUPPORT_LEVELS), 'The level asked for.'),
    effectiveFrom: time('Start of the month when it takes effect.'),
  })).max(ENVIRONMENTS.length), 'Support level changes that take effect at the start of a later month.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['environment'] }).optional(),
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
  description: 'Commercial terms: start and commitment, support chain and levels per environment, subscribed levels, prices, token pack and accelerated-change quota.',
  spec: SupportContractSpec,
  status: SupportContractStatus,
  printerColumns: [
    { name: 'Chain', type: 'string', jsonPath: '.spec.supportChain' },
    { name: 'Production', type: 'string', jsonPath: '.spec.supportLevels[?(@.environment=="Production")].level', description: 'Support level subscribed for Production.' },
    { name: 'Start', type: 'string', jsonPath: '.spec.start' },
    { name: 'Tokens Used', type: 'integer', jsonPath: '.status.tokens.used' },
    { name: 'Tokens Left', type: 'integer', jsonPath: '.status.tokens.remaining' },
    { name: 'Commitment End', type: 'string', jsonPath: '.status.commitmentEnd', priority: 1 },
    readyColumn,
    ageColumn,
  ],
};
