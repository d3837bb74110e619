// A closed month's credits by state (issue 13 item 1, claims.ts creditSplit's owed / claimed /
// granted / pending / claimable / expired), read from what the controllers already wrote: the
// month's final report (its credits.total: owed) and its valid SLAClaims' statuses (creditAmount:
// what each adds to the month's claims, so their sum is the credit of their union; granted).
// Shared by the SupportContract's status and the metrics snapshot, so both say the same.
import { ConditionType } from '../../api/v1alpha1/index.ts';
import { roundAmount } from '../../domain/index.ts';
import type { ClaimObj, ReportObj } from './kinds.ts';

export interface MonthClaimCredits {
  readonly namespace: string;
  readonly contract: string;
  readonly month: string;
  readonly currency: string | undefined;
  readonly claimDeadline: Date;
  readonly owed: number;
  readonly claimed: number;
  readonly granted: number;
  readonly pending: number;
  readonly claimable: number;
  readonly expired: number;
}

/** How long after its claim deadline a month's split is shown (an operational bound: the answers come within 30 days of the claims, filed by the deadline). */
export const CLAIM_CREDITS_SHOWN_MS = 60 * 86_400_000;

const validClaim = (c: ClaimObj): boolean => c.status?.conditions?.find((x) => x.type === ConditionType.Valid)?.status === 'True';

/** The split of every final report of `reports` whose claim deadline passed less than CLAIM_CREDITS_SHOWN_MS before `now`, oldest month first. */
export function monthClaimCredits(reports: readonly ReportObj[], claims: readonly ClaimObj[], now: Date): MonthClaimCredits[] {
  const valid = claims.filter(validClaim);
  const out: MonthClaimCredits[] = [];
  for (const r of reports) {
    const s = r.status;
    if (s?.final !== true || s.claimDeadline === undefined || s.credits === undefined) continue;
    const deadline = new Date(s.claimDeadline);
    if (now.getTime() >= deadline.getTime() + CLAIM_CREDITS_SHOWN_MS) continue;
    const mine = valid.filter((c) => c.namespace === r.namespace && c.spec.contractRef.name === r.spec.contractRef.name && c.spec.month === r.spec.month);
    const sum = (f: (c: ClaimObj) => number): number => roundAmount(mine.reduce((acc, c) => acc + f(c), 0));
    const owed = s.credits.total;
    const claimed = sum((c) => c.status?.creditAmount ?? 0);
    const unclaimed = roundAmount(Math.max(0, owed - claimed));
    const past = now.getTime() >= deadline.getTime();
    out.push({
      namespace: r.namespace, contract: r.spec.contractRef.name, month: r.spec.month, currency: s.currency, claimDeadline: deadline,
      owed, claimed, granted: sum((c) => c.status?.granted ?? 0), pending: sum((c) => (c.spec.answer === undefined ? c.status?.creditAmount ?? 0 : 0)),
      claimable: past ? 0 : unclaimed, expired: past ? unclaimed : 0,
    });
  }
  return out.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}
