// SupportContract status (domain.md §3, §10): the support levels in force now and the next one
// dated in the spec, the service's commitment end, the month's token ledger (the tenant's
// evaluation, with the month's pack and price), the accelerated changes used this calendar year.
//
// Everything here is derived from the spec and the records: the spec holds the contract's
// history (dated entries, domain.md §3), the status is a copy for reading that a lost status
// never changes (issue 12: the status never holds the only copy of anything).
import { DateTime } from 'luxon';
import { ConditionReason, ConditionType, type SupportContractStatus } from '../../api/v1alpha1/index.ts';
import {
  acceleratedDecisions, monthOf, monthPeriod, rfc3339, roundAmount, supportLevelHistory,
  type ChangeInput, type TokenLedger,
} from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { ContractObj } from '../shared/kinds.ts';
import { readyCondition } from '../shared/status.ts';
import { CLAIM_CREDITS_SHOWN_MS, type MonthClaimCredits } from '../shared/claim-credits.ts';

type Effective = NonNullable<SupportContractStatus['effectiveSupportLevels']>[number];
type Pending = NonNullable<SupportContractStatus['pendingSupportLevels']>[number];

export interface ContractFacts {
  readonly contract: ContractObj;
  readonly timeZone: string;
  /** The namespace's changes (accelerated ones use the quota). */
  readonly changes: readonly ChangeInput[];
  /** The current month's token ledger, from the tenant's evaluation (domain.md §10). */
  readonly ledger: TokenLedger;
  /** The recent closed months' credits by state (shared/claim-credits.ts); absent: none. */
  readonly claimCredits?: readonly MonthClaimCredits[];
  readonly now: Date;
}

export interface LevelsOutcome {
  readonly effective: Effective[];
  readonly pending: Pending[];
}

const plusMonths = (d: Date, months: number, zone: string): Date => DateTime.fromJSDate(d, { zone }).plus({ months }).toJSDate();
const localMidnight = (date: string, zone: string): Date => DateTime.fromISO(date, { zone }).startOf('day').toJSDate();

/** The contract's first instant (its start date, 00:00 local). */
export function contractStart(f: Pick<ContractFacts, 'contract' | 'timeZone'>): Date {
  return localMidnight(f.contract.spec.start, f.timeZone);
}

/** domain.md §3: the service's minimum duration from the start. */
export function commitmentEnd(f: Pick<ContractFacts, 'contract' | 'timeZone'>): Date {
  return plusMonths(contractStart(f), f.contract.spec.commitmentMonths, f.timeZone);
}

/**
 * Per environment, from spec.supportLevels (the domain's supportLevelHistory): the level in force
 * this month, since its month's 1st (the contract's start for the first one), committed until the
 * 1st of its commitment's end month; and the next dated level, if any.
 */
export function supportLevels(f: Pick<ContractFacts, 'contract' | 'timeZone' | 'now'>): LevelsOutcome {
  const zone = f.timeZone;
  const startMonth = f.contract.spec.start.slice(0, 7);
  const month = monthOf(f.now, zone);
  const start = (m: string): Date => (m === startMonth ? contractStart(f) : monthPeriod(m, zone).start);
  const { steps } = supportLevelHistory(f.contract.spec.supportLevels, startMonth);
  const out: LevelsOutcome = { effective: [], pending: [] };
  const environments = [...new Set(f.contract.spec.supportLevels.map((e) => e.environment))];
  for (const environment of environments) {
    const own = steps.filter((s) => s.environment === environment);
    const current = own.filter((s) => s.from <= month).at(-1);
    const next = own.find((s) => s.from > month);
    if (current !== undefined) out.effective.push({ environment, level: current.level, since: rfc3339(start(current.from)), commitmentEnd: rfc3339(monthPeriod(current.commitmentEnd, zone).start) });
    if (next !== undefined) out.pending.push({ environment, level: next.level, effectiveFrom: rfc3339(monthPeriod(next.from, zone).start) });
  }
  return out;
}

/** The current month's ledger as the status shows it. */
export function tokens(f: Pick<ContractFacts, 'ledger' | 'timeZone' | 'now'>): NonNullable<SupportContractStatus['tokens']> {
  const { ledger } = f;
  return {
    month: monthOf(f.now, f.timeZone),
    included: ledger.packTokens,
    used: ledger.consumedTokens,
    remaining: ledger.packTokens - ledger.fromPack,
    extra: ledger.overageTokens,
    extraAmount: roundAmount(ledger.overageAmount),
  };
}

export function acceleratedChanges(f: ContractFacts): NonNullable<SupportContractStatus['acceleratedChanges']> {
  const year = monthOf(f.now, f.timeZone).slice(0, 4);
  const quota = f.contract.spec.acceleratedChangesPerYear;
  const decisions = acceleratedDecisions(f.changes, f.timeZone, quota);
  const used = [...decisions.values()].filter((d) => d.accepted && d.year === year).length;
  return { year: Number(year), used, quota };
}

/** `Valid`: the spec passed its rules (a lowering during the commitment is refused at admission and by the schema's refinements, domain.md §3). */
export function validCondition(): DesiredCondition {
  return { type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' };
}

/** `TokensAvailable`: False once the month's pack is used up (extra tokens are billed). */
export function tokensCondition(t: NonNullable<SupportContractStatus['tokens']>): DesiredCondition {
  if (t.included === 0) return { type: ConditionType.TokensAvailable, status: 'True', reason: ConditionReason.NotApplicable, message: 'no token pack this month: every token is billed at the pay-as-you-go price' };
  if (t.remaining === 0) return { type: ConditionType.TokensAvailable, status: 'False', reason: ConditionReason.TokenPackExhausted, message: `${t.used} of ${t.included} tokens used in ${t.month}; ${t.extra} extra billed` };
  return { type: ConditionType.TokensAvailable, status: 'True', reason: ConditionReason.Reconciled, message: `${t.remaining} of ${t.included} tokens left in ${t.month}` };
}

export interface ContractOutcome {
  readonly fields: Omit<SupportContractStatus, 'conditions' | 'observedGeneration'>;
  readonly conditions: DesiredCondition[];
  /** Instants at which the status changes with time alone. */
  readonly nextInstants: Date[];
}

export function contractStatus(f: ContractFacts): ContractOutcome {
  const levels = supportLevels(f);
  const t = tokens(f);
  const valid = validCondition();
  const end = commitmentEnd(f);
  const nextMonth = monthPeriod(monthOf(f.now, f.timeZone), f.timeZone).end;
  const claims = (f.claimCredits ?? []).slice(-24);
  return {
    fields: {
      effectiveSupportLevels: levels.effective,
      ...(levels.pending.length > 0 ? { pendingSupportLevels: levels.pending } : {}),
      tokens: t,
      acceleratedChanges: acceleratedChanges(f),
      commitmentEnd: rfc3339(end),
      ...(claims.length > 0 ? { claimCredits: claims.map((m) => ({
        month: m.month, ...(m.currency !== undefined ? { currency: m.currency } : {}), claimDeadline: rfc3339(m.claimDeadline),
        owed: m.owed, claimed: m.claimed, granted: m.granted, pending: m.pending, claimable: m.claimable, expired: m.expired,
      })) } : {}),
    },
    conditions: [valid, tokensCondition(t), readyCondition(undefined)],
    // A month's unclaimed credits expire at its claim deadline; it leaves the list 60 days later.
    nextInstants: [nextMonth, end, ...levels.pending.map((p) => new Date(p.effectiveFrom)), ...claims.flatMap((m) => [m.claimDeadline, new Date(m.claimDeadline.getTime() + CLAIM_CREDITS_SHOWN_MS)])],
  };
}
