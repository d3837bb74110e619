// `kubectl managedapps claim list` over the status the operator writes (issue 13): each claim's
// credit, answer and deadline; a claim the controller found invalid says why (-o wide).
import { describe, expect, it } from 'vitest';
import type { SLAClaimSpec, SLAClaimStatus } from '../../api/v1alpha1/index.ts';
import { claimRows, claimTable } from './claims.ts';

const claim = (name: string, spec: Partial<SLAClaimSpec>, status?: SLAClaimStatus) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'SLAClaim', metadata: { name, namespace: 'acme' },
  spec: { contractRef: { name: 'main' }, month: '2026-10', incidents: ['chg-1'], filedBy: { username: 'claire' }, filedAt: '2026-11-10T12:00:00Z', ...spec } as SLAClaimSpec,
  ...(status === undefined ? {} : { status }),
});
const at = '2026-11-10T12:00:00Z';
const claims = [
  claim('b', { incidents: ['chg-2', 'inc-1'] }, { creditAmount: 70, currency: 'EUR', answerDeadline: '2026-12-10T12:00:00Z', conditions: [{ type: 'AtRisk', status: 'True', reason: 'AnswerAtRisk', message: '', lastTransitionTime: at }] }),
  claim('a', { answer: { decision: 'PartlyAccepted', amount: 30, reason: 'r' } }, { creditAmount: 50, currency: 'EUR', granted: 30, answerDeadline: '2026-12-10T12:00:00Z' }),
  claim('late', { filedAt: '2026-12-01T00:00:00Z' }, { conditions: [{ type: 'Valid', status: 'False', reason: 'ClaimInvalid', message: 'spec.month: the claim deadline of 2026-10 was 2026-11-30T23:00:00.000Z', lastTransitionTime: at }] }),
];

describe('claim list', () => {
  it('a table by month and filing: credit, decision, granted, the deadline while unanswered, AtRisk', () => {
    expect(claimTable(claimRows(claims), false, false)).toBe([
      'NAME  CONTRACT  MONTH    CREDIT     DECISION        GRANTED  ANSWER-BY             AT-RISK',
      'a     main      2026-10  50.00 EUR  PartlyAccepted  30.00    -                     no',
      'b     main      2026-10  70.00 EUR  <none>          -        2026-12-10T12:00:00Z  yes',
      'late  main      2026-10  -          <none>          -        -                     no',
    ].join('\n'));
    expect(claimTable(claimRows(claims), true, true).split('\n')[3]).toBe('acme       late  main      2026-10  -          <none>          -        -                     no       chg-1        claire    2026-12-01T00:00:00Z  spec.month: the claim deadline of 2026-10 was 2026-11-30T23:00:00.000Z');
  });
});
