// SLAClaim status (issue 13 item 1, domain.md §8, seed §8.2): pure. From the claim, its month's
// claim basis (claims.ts, the month's final figures: absent while the report is not final) and
// the month's other claims: the credit its tickets give (claimCredit), what it adds to the claims
// filed before it (marginalClaimCredits: the amount an Accepted answer grants), the deadlines,
// the amount granted, and the conditions
//   Valid     the claim breaks no rule of §8 on the final report (claimProblems, answerProblems:
//             the message names the field); Unknown while the report is not final (GitOps order)
//   Answered  the provider answered; False AwaitingAnswer, or AnswerOverdue past the deadline
//   AtRisk    unanswered, 75 % of the 30 days to answer spent (answerAtRiskAt)
//   Ready     computed on the final report and valid (waiting on the contract or the report is
//             Reconciling, a rule broken is Stalled)
import { ConditionReason, ConditionType, type SLAClaimStatus } from '../../api/v1alpha1/index.ts';
import {
  answerAtRiskAt, answerDeadline, answerProblems, claimCredit, claimProblems, claimWindow, grantedAmount, marginalClaimCredits, rfc3339,
  type ClaimBasis, type ClaimProblem, type FiledClaim,
} from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import { firstBlocker, readyCondition } from '../shared/status.ts';

export interface ClaimFacts {
  readonly claim: FiledClaim;
  readonly contractName: string;
  /** The contract exists in the namespace (valid). */
  readonly contractFound: boolean;
  /** `<contract>-<month>`: absent, or not final yet. */
  readonly report: { readonly name: string; readonly final: boolean } | undefined;
  /** The month's claim basis, once its report is final. */
  readonly basis: ClaimBasis | undefined;
  /** The month's claims of the contract, this one included (the marginal credits). */
  readonly monthClaims: readonly FiledClaim[];
  readonly timeZone: string;
  /** Who answered (the stamp), for the message. */
  readonly answeredBy?: string | undefined;
  readonly now: Date;
}

export interface ClaimOutcome {
  readonly fields: Omit<SLAClaimStatus, 'conditions' | 'observedGeneration' | 'history' | 'historyOmitted'>;
  readonly conditions: DesiredCondition[];
  /** When the status changes by the clock alone: AtRisk, the deadline. */
  readonly nextInstants: Date[];
}

const money = (n: number, currency: string): string => `${n.toFixed(2)} ${currency}`;

/** The month's claims that count (no problem on the basis): those the marginal credits run over. */
export function countedClaims(claims: readonly FiledClaim[], timeZone: string, basis: ClaimBasis): FiledClaim[] {
  return claims.filter((c) => claimProblems(c, timeZone, basis).length === 0);
}

export function claimOutcome(f: ClaimFacts): ClaimOutcome {
  const c = f.claim;
  const deadline = answerDeadline(c.filedAt, f.timeZone);
  const atRiskAt = answerAtRiskAt(c.filedAt, f.timeZone);
  const answered = c.answer !== undefined;
  const problems: ClaimProblem[] = f.basis === undefined ? [] : claimProblems(c, f.timeZone, f.basis);
  let credit: SLAClaimStatus['credit'];
  let creditAmount: number | undefined;
  let granted: number | undefined;
  if (f.basis !== undefined && problems.length === 0) {
    const own = claimCredit(f.basis, c.tickets);
    credit = {
      functions: own.functions.map((fn) => ({ name: fn.name, availabilityPercent: Math.round(fn.availabilityPercent * 10_000) / 10_000, creditPercent: fn.creditPercent, amount: fn.amount, incidents: [...fn.incidents] })),
      gtr: { late: [...own.gtr.late], deviationPercent: own.gtr.deviationPercent, creditPercent: own.gtr.creditPercent, amount: own.gtr.amount },
      gtc: { late: [...own.gtc.late], amount: own.gtc.amount },
      uncapped: own.uncapped,
      cap: own.cap,
      total: own.total,
    };
    creditAmount = marginalClaimCredits(f.basis, countedClaims(f.monthClaims, f.timeZone, f.basis)).get(c.name) ?? own.total;
    if (c.answer !== undefined) {
      problems.push(...answerProblems(c.answer, creditAmount));
      granted = grantedAmount(c.answer, creditAmount);
    }
  }
  const currency = f.basis?.currency;
  const invalid = problems.length > 0 ? problems.map((p) => `${p.field}: ${p.message}`).join('; ') : undefined;
  const waiting = !f.contractFound
    ? { reason: ConditionReason.ReferenceNotFound, message: `SupportContract ${f.contractName} not found in the namespace` }
    : f.report === undefined || !f.report.final
      ? { reason: ConditionReason.ReferenceNotFound, message: `the report of ${c.month} (SLAReport ${f.contractName}-${c.month}) ${f.report === undefined ? 'does not exist yet' : 'is not final yet'}: the claim is judged on the month's final report` }
      : undefined;

  const valid: DesiredCondition = waiting !== undefined
    ? { type: ConditionType.Valid, status: 'Unknown', reason: waiting.reason, message: waiting.message }
    : invalid !== undefined
      ? { type: ConditionType.Valid, status: 'False', reason: ConditionReason.ClaimInvalid, message: invalid }
      : { type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' };
  const answeredCondition: DesiredCondition = c.answer !== undefined
    ? {
      type: ConditionType.Answered, status: 'True', reason: ConditionReason.ClaimAnswered,
      message: `${c.answer.decision}${f.answeredBy === undefined ? '' : ` by ${f.answeredBy}`}${c.answeredAt === undefined ? '' : ` at ${rfc3339(c.answeredAt)}`}${granted !== undefined && currency !== undefined ? `: ${money(granted, currency)} granted` : ''}`,
    }
    : f.now.getTime() >= deadline.getTime()
      ? { type: ConditionType.Answered, status: 'False', reason: ConditionReason.AnswerOverdue, message: `the provider had to answer by ${rfc3339(deadline)} (30 days after the claim, seed §8.2)` }
      : { type: ConditionType.Answered, status: 'False', reason: ConditionReason.AwaitingAnswer, message: `the provider answers by ${rfc3339(deadline)} (30 days after the claim, seed §8.2)` };
  const atRisk: DesiredCondition = !answered && f.now.getTime() >= atRiskAt.getTime()
    ? { type: ConditionType.AtRisk, status: 'True', reason: ConditionReason.AnswerAtRisk, message: `unanswered, 75 % of the time to answer spent at ${rfc3339(atRiskAt)}: the provider answers by ${rfc3339(deadline)}` }
    : { type: ConditionType.AtRisk, status: 'False', reason: ConditionReason.NotAtRisk, message: answered ? 'answered' : `at risk from ${rfc3339(atRiskAt)}` };
  const ready = readyCondition(firstBlocker([
    () => waiting,
    () => (invalid !== undefined ? { reason: ConditionReason.ClaimInvalid, message: invalid } : undefined),
  ]));

  const answeredLate = c.answeredAt === undefined ? undefined : c.answeredAt.getTime() > deadline.getTime();
  return {
    fields: {
      ...(credit !== undefined ? { credit } : {}),
      ...(creditAmount !== undefined ? { creditAmount } : {}),
      ...(currency !== undefined ? { currency } : {}),
      claimDeadline: rfc3339(claimWindow(c.month, f.timeZone).end),
      answerDeadline: rfc3339(deadline),
      answerAtRiskAt: rfc3339(atRiskAt),
      ...(granted !== undefined ? { granted } : {}),
      ...(answeredLate !== undefined ? { answeredLate } : {}),
    },
    conditions: [valid, answeredCondition, atRisk, ready],
    nextInstants: answered ? [] : [atRiskAt, deadline],
  };
}
