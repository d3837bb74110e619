// A closed month's credits by state, from its final report and its claims' statuses (issue 13).
import { describe, expect, it } from 'vitest';
import type { ClaimObj, ReportObj } from './kinds.ts';
import { monthClaimCredits } from './claim-credits.ts';

const report = (month: string, total: number, claimDeadline: string, final = true) => ({
  namespace: 'acme', name: `c-${month}`, spec: { contractRef: { name: 'c' }, month }, status: { final, currency: 'EUR', claimDeadline, credits: { uncapped: total, capPercent: 15, cap: 150, total } },
}) as unknown as ReportObj;
const claim = (name: string, month: string, creditAmount: number, answer?: { granted: number }, valid = 'True') => ({
  namespace: 'acme', name, spec: { contractRef: { name: 'c' }, month, incidents: ['x'], ...(answer === undefined ? {} : { answer: { decision: 'PartlyAccepted', amount: answer.granted, reason: 'r' } }) },
  status: { creditAmount, ...(answer === undefined ? {} : { granted: answer.granted }), conditions: [{ type: 'Valid', status: valid, reason: 'R', message: '', lastTransitionTime: '2026-11-10T12:00:00Z' }] },
}) as unknown as ClaimObj;

describe('monthClaimCredits', () => {
  // September: owed 120, its deadline 2026-10-30T23:00Z passed on 2026-11-10; one claim of 50 granted 30: 70 expired.
  // October: owed 100, deadline 2026-11-30T23:00Z ahead; one claim of 40 unanswered (pending), one invalid (not counted): 60 claimable.
  // August: its deadline passed more than 60 days before: not shown. November: not final: not shown.
  const reports = [report('2026-08', 10, '2026-09-30T22:00:00Z'), report('2026-09', 120, '2026-10-30T23:00:00Z'), report('2026-10', 100, '2026-11-30T23:00:00Z'), report('2026-11', 5, '2026-12-30T23:00:00Z', false)];
  const claims = [claim('s1', '2026-09', 50, { granted: 30 }), claim('o1', '2026-10', 40), claim('o2', '2026-10', 60, undefined, 'False')];
  it('splits owed into claimed (granted, pending) and unclaimed (claimable before the deadline, expired after)', () => {
    expect(monthClaimCredits(reports, claims, new Date('2026-12-01T00:00:00Z')).map(({ month, owed, claimed, granted, pending, claimable, expired }) => ({ month, owed, claimed, granted, pending, claimable, expired }))).toEqual([
      { month: '2026-09', owed: 120, claimed: 50, granted: 30, pending: 0, claimable: 0, expired: 70 },
      // On 1 December October's deadline (30 November 23:00Z) has passed too: its 60 unclaimed expired.
      { month: '2026-10', owed: 100, claimed: 40, granted: 0, pending: 40, claimable: 0, expired: 60 },
    ]);
    expect(monthClaimCredits(reports, claims, new Date('2026-11-10T12:00:00Z')).find((m) => m.month === '2026-10')).toMatchObject({ claimable: 60, expired: 0 });
  });
});
