// SupportContract status (domain.md §3, §10): support levels in force and pending (a raise takes
// effect on the 1st of the next month and re-commits; a lowering during the commitment is refused
// by condition), the service's commitment end, the month's token ledger from the completed
// changes, the accelerated changes used this calendar year.
//
// The levels in force are remembered in the status itself (stored by the API server, so a restart
// loses nothing): the spec says what the client asks for, the status what is in force since when.
import { DateTime } from 'luxon';
import { ConditionReason, ConditionType, type SupportContractStatus } from '../../api/v1alpha1/index.ts';
import {
  acceleratedDecisions, monthOf, monthPeriod, monthTokenLedger, MIN_SUPPORT_COMMITMENT_MONTHS, planSupportLevelChange, rfc3339, roundAmount,
  type ChangeInput, type Environment,
} from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { ContractObj } from '../shared/kinds.ts';
import { readyCondition } from '../shared/status.ts';

type Effective = NonNullable<SupportContractStatus['effectiveSupportLevels']>[number];
type Pending = NonNullable<SupportContractStatus['pendingSupportLevels']>[number];

export interface ContractFacts {
  readonly contract: ContractObj;
  readonly timeZone: string;
  /** The namespace's changes (completed ones consume tokens; accelerated ones use the quota). */
  readonly changes: readonly ChangeInput[];
  readonly now: Date;
}

export interface LevelsOutcome {
  readonly effective: Effective[];
  readonly pending: Pending[];
  /** Environments whose requested level is a lowering refused during the commitment. */
  readonly refused: { readonly environment: Environment; readonly message: string }[];
}

const plusMonths = (d: Date, months: number, zone: string): Date => DateTime.fromJSDate(d, { zone }).plus({ months }).toJSDate();
const localMidnight = (date: string, zone: string): Date => DateTime.fromISO(date, { zone }).startOf('day').toJSDate();

/** The contract's first instant (its start date, 00:00 local). */
export function contractStart(f: ContractFacts): Date {
  return localMidnight(f.contract.spec.start, f.timeZone);
}

/** domain.md §3: the service's minimum duration from the start. */
export function commitmentEnd(f: ContractFacts): Date {
  return plusMonths(contractStart(f), f.contract.spec.commitmentMonths, f.timeZone);
}

/**
 * Per environment of the spec: the stored level in force (promoting a pending one whose date has
 * come), then the requested level planned by the domain (planSupportLevelChange).
 */
export function supportLevels(f: ContractFacts): LevelsOutcome {
  const zone = f.timeZone;
  const start = contractStart(f);
  const stored = new Map((f.contract.status?.effectiveSupportLevels ?? []).map((e) => [e.environment, e]));
  const storedPending = new Map((f.contract.status?.pendingSupportLevels ?? []).map((p) => [p.environment, p]));
  const out: LevelsOutcome = { effective: [], pending: [], refused: [] };
  for (const { environment, level: requested } of f.contract.spec.supportLevels) {
    let current: Effective | undefined = stored.get(environment);
    const pending = storedPending.get(environment);
    if (current === undefined) {
      // First seen: in force since the contract's start (or this month's, for an environment added later).
      const since = f.contract.status?.effectiveSupportLevels === undefined ? start : monthPeriod(monthOf(f.now, zone), zone).start;
      current = { environment, level: requested, since: rfc3339(since), commitmentEnd: rfc3339(plusMonths(since, MIN_SUPPORT_COMMITMENT_MONTHS, zone)) };
    } else if (pending !== undefined && f.now.getTime() >= new Date(pending.effectiveFrom).getTime()) {
      const since = new Date(pending.effectiveFrom);
      current = { environment, level: pending.level, since: rfc3339(since), commitmentEnd: rfc3339(plusMonths(since, MIN_SUPPORT_COMMITMENT_MONTHS, zone)) };
    }
    out.effective.push(current);
    if (requested === current.level) continue;
    if (pending !== undefined && pending.level === requested && f.now.getTime() < new Date(pending.effectiveFrom).getTime()) {
      out.pending.push(pending);
      continue;
    }
    const plan = planSupportLevelChange({
      current: current.level,
      requested,
      commitmentEnd: new Date(current.commitmentEnd ?? rfc3339(start)),
      requestedAt: f.now,
      timeZone: zone,
    });
    if (plan.accepted) out.pending.push({ environment, level: requested, effectiveFrom: rfc3339(plan.effectiveFrom) });
    else if (plan.reason === 'DowngradeDuringCommitment') out.refused.push({ environment, message: `${environment}: ${plan.message}` });
  }
  return out;
}

export function tokens(f: ContractFacts): NonNullable<SupportContractStatus['tokens']> {
  const zone = f.timeZone;
  const month = monthOf(f.now, zone);
  // domain.md §10: the monthly pack runs to the end of the commitment.
  const pack = f.now.getTime() < commitmentEnd(f).getTime() ? f.contract.spec.monthlyTokens : 0;
  const accepted = acceleratedDecisions(f.changes, zone, f.contract.spec.acceleratedChangesPerYear);
  const priced = f.changes.map((c) => ({ ...c, accelerated: c.accelerated && accepted.get(c.name)?.accepted === true }));
  const ledger = monthTokenLedger(priced, month, zone, pack, f.contract.spec.prices.tokenPrice);
  return {
    month,
    included: pack,
    used: ledger.consumedTokens,
    remaining: pack - ledger.fromPack,
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

/** `Valid`: False while a lowering is asked for during the commitment (domain.md §3). */
export function validCondition(levels: LevelsOutcome): DesiredCondition {
  if (levels.refused.length > 0) {
    return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.LevelLowered, message: levels.refused.map((r) => r.message).join('; ') };
  }
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
  const valid = validCondition(levels);
  const end = commitmentEnd(f);
  const nextMonth = monthPeriod(monthOf(f.now, f.timeZone), f.timeZone).end;
  return {
    fields: {
      effectiveSupportLevels: levels.effective,
      ...(levels.pending.length > 0 ? { pendingSupportLevels: levels.pending } : {}),
      tokens: t,
      acceleratedChanges: acceleratedChanges(f),
      commitmentEnd: rfc3339(end),
    },
    conditions: [valid, tokensCondition(t), readyCondition(valid.status === 'False' ? valid : undefined)],
    nextInstants: [nextMonth, end, ...levels.pending.map((p) => new Date(p.effectiveFrom))],
  };
}
