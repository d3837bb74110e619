// GTC: time to change (domain.md §7, §8, §10).
//
// Change time = request → completion notified by the provider, counted inside the administration
// window (business hours). A non-standard change has no execution row in the §7 table: what is
// guaranteed is its quote, so it is timed request → quote, against 5 / 3 business days expressed
// as 5 × 9 / 3 × 9 covered hours (the §6 **Reading** BUSINESS_DAY_COVERED_HOURS).
// Exclusion periods (§10: the commitment does not apply, e.g. while waiting on the client) are
// subtracted from the change time and push the deadline, as an incident's do (restoration.ts).
import type { BusinessCalendar, Interval } from './calendar.ts';
import { union } from './interval.ts';
import { GTC_LATE_CHANGE_CREDIT_RATIO, GTC_TARGET_HOURS, gtcRowOf } from './guarantees.ts';
import { changePrice, tokensCharged } from './tokens.ts';
import { coveredExcluding, deadlineExcluding, subscribedAt } from './restoration.ts';
import { administrationWindow } from './windows.ts';
import type { Unguaranteed } from './levels.ts';
import type { ChangeCategory, Environment, Initiator, SupportLevel } from './vocabulary.ts';

const SECONDS_PER_HOUR = 3600;

/**
 * **Reading** (domain.md §7): GTC times the client's requests ("request → completion"); a change
 * the provider initiates (e.g. to resolve a P1) has no client request to time, so it carries no GTC.
 */
export const GTC_APPLIES_TO_PROVIDER_INITIATED: boolean = false;

export interface ChangeUnit {
  readonly name: string;
  readonly environment: Environment;
  readonly prerequisitesValidated: boolean;
  /** The unit's subscription; a change requested outside it carries no guarantee. Absent: always subscribed. */
  readonly subscription?: { readonly start: Date; readonly end?: Date | undefined } | undefined;
  /** Why the unit carries no guarantee at all (NoBuild, SelfCare: domain.md §2 **Reading**); undefined when it may. */
  readonly unguaranteed?: Unguaranteed | undefined;
}

export interface ChangeFacts {
  readonly name: string;
  readonly category: ChangeCategory;
  /** Catalogue tokens, or the quoted tokens of a non-standard change. */
  readonly tokens: number;
  readonly accelerated: boolean;
  readonly outsideBusinessHours: boolean;
  /** A release of a managed application (seed Table 1, releases.ts); absent: not a release. */
  readonly release?: boolean | undefined;
  /** A release within its month's quota: charged 0 tokens (releases.ts INCLUDED_RELEASE_TOKENS). */
  readonly includedRelease?: boolean | undefined;
  readonly initiator: Initiator;
  readonly requestedAt: Date;
  readonly completedAt?: Date | undefined;
  /** When the provider sent the quote of a non-standard change. */
  readonly quotedAt?: Date | undefined;
  /** Periods where the commitment does not apply (domain.md §10, e.g. waiting on the client); absent: none. */
  readonly exclusions?: readonly Interval[] | undefined;
}

/**
 * domain.md §10: acceleration (×2, a shorter deadline) is for catalogue changes; a non-standard
 * change is quoted and validated, it has no accelerated row (§7). Undefined when allowed, else why not.
 */
export function accelerationProblem(change: Pick<ChangeFacts, 'category' | 'accelerated'>): string | undefined {
  if (!change.accelerated || change.category !== 'NonStandard') return undefined;
  return 'only a standard change (StandardSimple, StandardComplex) may be accelerated (domain.md §10); a NonStandard change is quoted';
}

export interface ChangeContext {
  readonly calendar: BusinessCalendar;
  readonly supportLevelOf: (environment: Environment) => SupportLevel;
  readonly payAsYouGoTokenPrice: number;
}

export const GTC_REASONS = ['Applicable', 'UnknownUnit', 'NotSubscribed', 'NotManaged', 'AdviceOnly', 'NonProduction', 'NoSLA', 'ProviderInitiated', 'PrerequisitesNotValidated'] as const;
export type GtcReason = (typeof GTC_REASONS)[number];

export interface ChangeResult {
  readonly name: string;
  readonly category: ChangeCategory;
  readonly accelerated: boolean;
  readonly supportLevel: SupportLevel;
  /** GTC applies: a late change is credited (domain.md §7). */
  readonly applicable: boolean;
  readonly reason: GtcReason;
  /** The change time is promised: applicable, or a non-production change that would be (domain.md §8, seed §8.4.3: no penalty). */
  readonly timed: boolean;
  readonly targetSeconds: number | undefined;
  readonly deadline: Date | undefined;
  /** The instant the measured step ended: completion, or the quote of a non-standard change. */
  readonly measuredAt: Date | undefined;
  /** Covered time to `measuredAt`, or to `now` while pending. */
  readonly coveredSeconds: number;
  readonly late: boolean;
  /** Tokens charged: catalogue tokens ×2 outside business hours, ×2 accelerated (domain.md §10). */
  readonly tokensCharged: number;
  /** Price at the pay-as-you-go token price (×2 outside business hours, ×2 accelerated). */
  readonly price: number;
  /** domain.md §7: 50 % of the price when late and applicable and measured; else 0. */
  readonly creditAmount: number;
}

/** Why GTC does not apply, in the order of GTC_REASONS; `asProduction` judges non-production units as production (`timed`). */
function applicability(change: ChangeFacts, units: readonly ChangeUnit[], target: number | undefined, asProduction = false): GtcReason {
  if (units.length === 0) return 'UnknownUnit';
  const subscribed = units.filter((u) => subscribedAt(u, change.requestedAt));
  if (subscribed.length === 0) return 'NotSubscribed';
  const managed = subscribed.filter((u) => u.unguaranteed === undefined);
  if (managed.length === 0) return subscribed.some((u) => u.unguaranteed === 'NotManaged') ? 'NotManaged' : 'AdviceOnly';
  const production = asProduction ? managed : managed.filter((u) => u.environment === 'Production');
  if (production.length === 0) return 'NonProduction';
  if (target === undefined) return 'NoSLA';
  if (change.initiator === 'Provider' && !GTC_APPLIES_TO_PROVIDER_INITIATED) return 'ProviderInitiated';
  if (!production.some((u) => u.prerequisitesValidated)) return 'PrerequisitesNotValidated';
  return 'Applicable';
}

/** The moment that stops a change's clock: the quote for a non-standard change, else the completion. */
export function measuredAtOf(change: ChangeFacts): Date | undefined {
  return change.category === 'NonStandard' ? change.quotedAt : change.completedAt;
}

/** The environment whose support level a change is on: Production if any of its units is, else its first unit's. */
export function changeEnvironment(units: readonly Pick<ChangeUnit, 'environment'>[]): Environment {
  return units.some((u) => u.environment === 'Production') ? 'Production' : (units[0]?.environment ?? 'Production');
}

export function evaluateChange(change: ChangeFacts, units: readonly ChangeUnit[], context: ChangeContext, now: Date): ChangeResult {
  const environment = changeEnvironment(units);
  const supportLevel = context.supportLevelOf(environment);
  const hours = GTC_TARGET_HOURS[gtcRowOf(change.category, change.accelerated)][supportLevel];
  const target = hours === undefined ? undefined : hours * SECONDS_PER_HOUR;
  const reason = applicability(change, units, target);
  const timed = reason === 'Applicable' || (reason === 'NonProduction' && applicability(change, units, target, true) === 'Applicable');
  const window = administrationWindow(context.calendar);
  const measuredAt = measuredAtOf(change);
  const exclusions = union(change.exclusions ?? []);
  const covered = Math.max(0, coveredExcluding(window, change.requestedAt, measuredAt ?? now, exclusions));
  const deadline = target === undefined ? undefined : deadlineExcluding(window, change.requestedAt, target, exclusions);
  let late = false;
  if (target !== undefined && deadline !== undefined) late = measuredAt !== undefined ? covered > target : now.getTime() > deadline.getTime();
  const price = changePrice(change, context.payAsYouGoTokenPrice);
  const applicable = reason === 'Applicable';
  return {
    name: change.name,
    category: change.category,
    accelerated: change.accelerated,
    supportLevel,
    applicable,
    reason,
    timed,
    targetSeconds: target,
    deadline,
    measuredAt,
    coveredSeconds: covered,
    late,
    tokensCharged: tokensCharged(change),
    price,
    creditAmount: applicable && late && measuredAt !== undefined ? price * GTC_LATE_CHANGE_CREDIT_RATIO : 0,
  };
}
