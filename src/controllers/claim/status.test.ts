// The SLAClaim status as tables (issue 13 item 1): pure, on a hand-built claim basis.
//
// October 2026 of a Europe/Paris tenant: recurring charge 1,000 (cap 15 % = 150), production
// charge 1,000, two resolved incidents GTR applies to, inc-1 of them late, two late changes chg-1
// and chg-2 whose GTC credit is 50 each (50 % of a 100 price). The month ends 2026-10-31T23:00Z;
// its claim deadline is 30 days later, 2026-11-30T23:00Z.
import { describe, expect, it } from 'vitest';
import type { ClaimBasis, FiledClaim } from '../../domain/index.ts';
import { claimOutcome, type ClaimFacts } from './status.ts';

const basis: ClaimBasis = {
  month: '2026-10', currency: 'EUR', recurringCharge: 1000, productionCharge: 1000, functions: [],
  gtr: { resolved: 2, lateIncidents: ['inc-1'] },
  lateChanges: [{ name: 'chg-1', creditAmount: 50 }, { name: 'chg-2', creditAmount: 50 }],
  tickets: ['chg-1', 'chg-2', 'inc-1'],
};
// A: chg-1 only (a claim listing only some of the month's tickets), filed 10 November 12:00Z, partly accepted at 30.
const a: FiledClaim = {
  name: 'a', month: '2026-10', filedAt: new Date('2026-11-10T12:00:00Z'), tickets: ['chg-1'],
  answer: { decision: 'PartlyAccepted', amount: 30, reason: 'chg-1 waited on the client a day' }, answeredAt: new Date('2026-11-20T09:00:00Z'),
};
// B: every ticket, filed the next day, unanswered.
const b: FiledClaim = { name: 'b', month: '2026-10', filedAt: new Date('2026-11-11T12:00:00Z'), tickets: ['chg-1', 'chg-2', 'inc-1'] };
// Late: filed 1 December, after the deadline (stored while the webhook was down).
const late: FiledClaim = { name: 'late', month: '2026-10', filedAt: new Date('2026-12-01T00:00:00Z'), tickets: ['chg-2'] };

const facts = (claim: FiledClaim, now: string, over: Partial<ClaimFacts> = {}): ClaimFacts => ({
  claim, contractName: 'c', contractFound: true, report: { name: 'c-2026-10', final: true }, basis, monthClaims: [a, b, late], timeZone: 'Europe/Paris', now: new Date(now), ...over,
});
const cond = (o: ReturnType<typeof claimOutcome>, type: string) => o.conditions.find((c) => c.type === type);

describe('claimOutcome', () => {
  it('a claim of some tickets: their credit alone, partly granted', () => {
    const o = claimOutcome(facts(a, '2026-11-20T10:00:00Z', { answeredBy: 'paul' }));
    // chg-1: GTC 50 % of 100 = 50; no GTR (no late incident claimed); under the cap of 150.
    expect(o.fields.credit).toEqual({ functions: [], gtr: { late: [], deviationPercent: 0, creditPercent: 0, amount: 0 }, gtc: { late: ['chg-1'], amount: 50 }, uncapped: 50, cap: 150, total: 50 });
    // The first claim filed: it adds its whole credit, 50; granted 30 of it.
    expect(o.fields).toMatchObject({ creditAmount: 50, granted: 30, currency: 'EUR', claimDeadline: '2026-11-30T23:00:00Z', answeredLate: false });
    // Filed 2026-11-10T12:00Z: 30 calendar days in Paris (no DST change) = 2026-12-10T12:00Z; 75 % of 2,592,000 s = 1,944,000 s = 22.5 days → 2026-12-03T00:00Z.
    expect(o.fields).toMatchObject({ answerDeadline: '2026-12-10T12:00:00Z', answerAtRiskAt: '2026-12-03T00:00:00Z' });
    expect(cond(o, 'Answered')).toMatchObject({ status: 'True', reason: 'ClaimAnswered', message: 'PartlyAccepted by paul at 2026-11-20T09:00:00Z: 30.00 EUR granted' });
    expect(cond(o, 'Valid')).toMatchObject({ status: 'True' });
    expect(cond(o, 'Ready')).toMatchObject({ status: 'True' });
    expect(o.nextInstants).toEqual([]);
  });

  it('a second claim adds what the first did not claim; unanswered, at risk from 75 %', () => {
    // B alone: GTC 50 + 50 = 100; GTR 1 late of 2 resolved, under 5 → 1 / 5 = 20 % → tier (5, 25] = 2 % of 1,000 = 20; 120 ≤ 150.
    // What it adds to A (filed before it): the union {chg-1, chg-2, inc-1} gives 120, A's chg-1 50 → 70.
    const before = claimOutcome(facts(b, '2026-12-03T23:59:59Z'));
    expect(before.fields.credit).toMatchObject({ gtr: { late: ['inc-1'], deviationPercent: 20, creditPercent: 2, amount: 20 }, gtc: { late: ['chg-1', 'chg-2'], amount: 100 }, uncapped: 120, total: 120 });
    expect(before.fields.creditAmount).toBe(70);
    expect(before.fields.granted).toBeUndefined();
    // Filed 2026-11-11T12:00Z: deadline 2026-12-11T12:00Z, at risk 22.5 days after filing = 2026-12-04T00:00Z.
    expect(before.fields).toMatchObject({ answerDeadline: '2026-12-11T12:00:00Z', answerAtRiskAt: '2026-12-04T00:00:00Z' });
    expect(cond(before, 'AtRisk')).toMatchObject({ status: 'False', reason: 'NotAtRisk' });
    expect(cond(before, 'Answered')).toMatchObject({ status: 'False', reason: 'AwaitingAnswer' });
    expect(before.nextInstants).toEqual([new Date('2026-12-04T00:00:00Z'), new Date('2026-12-11T12:00:00Z')]);
    const atRisk = claimOutcome(facts(b, '2026-12-04T00:00:00Z'));
    expect(cond(atRisk, 'AtRisk')).toMatchObject({ status: 'True', reason: 'AnswerAtRisk' });
    const overdue = claimOutcome(facts(b, '2026-12-11T12:00:00Z'));
    expect(cond(overdue, 'Answered')).toMatchObject({ status: 'False', reason: 'AnswerOverdue' });
  });

  it('a late claim (stored without the webhook) is invalid, naming spec.month, and counts for nothing', () => {
    const o = claimOutcome(facts(late, '2026-12-02T00:00:00Z'));
    expect(cond(o, 'Valid')).toMatchObject({ status: 'False', reason: 'ClaimInvalid', message: expect.stringMatching(/^spec\.month: the claim deadline of 2026-10 was 2026-11-30T23:00:00\.000Z/) });
    expect(cond(o, 'Ready')).toMatchObject({ status: 'False', reason: 'ClaimInvalid' });
    expect(o.fields.creditAmount).toBeUndefined();
    // Nor does it move B's share: 70, as above.
    expect(claimOutcome(facts(b, '2026-12-02T00:00:00Z')).fields.creditAmount).toBe(70);
  });

  it('an amount above the claim\'s credit is flagged naming spec.answer.amount', () => {
    const greedy: FiledClaim = { ...a, answer: { decision: 'PartlyAccepted', amount: 80, reason: 'r' } };
    const o = claimOutcome(facts(greedy, '2026-11-20T10:00:00Z', { monthClaims: [greedy] }));
    expect(cond(o, 'Valid')).toMatchObject({ status: 'False', message: "spec.answer.amount: 80 is above the claim's credit of 50 (the rules of domain.md §8, capped)" });
    // Granted at most the credit.
    expect(o.fields.granted).toBe(50);
  });

  it('waits (Reconciling) while the month\'s report is not final, or the contract is not there', () => {
    const o = claimOutcome(facts(b, '2026-11-11T13:00:00Z', { report: { name: 'c-2026-10', final: false }, basis: undefined }));
    expect(cond(o, 'Valid')).toMatchObject({ status: 'Unknown', reason: 'ReferenceNotFound', message: expect.stringContaining('is not final yet') });
    expect(cond(o, 'Ready')).toMatchObject({ status: 'False', reason: 'ReferenceNotFound' });
    expect(o.fields.credit).toBeUndefined();
    const noContract = claimOutcome(facts(b, '2026-11-11T13:00:00Z', { contractFound: false, report: undefined, basis: undefined }));
    expect(cond(noContract, 'Ready')).toMatchObject({ status: 'False', reason: 'ReferenceNotFound', message: 'SupportContract c not found in the namespace' });
  });
});
