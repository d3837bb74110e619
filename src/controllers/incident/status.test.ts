// The DeclinedPatch condition and the GTR reason of an incident caused by a declined patch
// campaign (seed §9.10), as tables; test/integration/patch-plan.test.ts runs them on a real API server.
import { describe, expect, it } from 'vitest';
import type { RestorationResult } from '../../domain/index.ts';
import { declinedPatchCondition, gtrReasonText } from './status.ts';

describe('DeclinedPatch (seed §9.10)', () => {
  it.each([
    ['no reference: no condition', undefined, undefined],
    ['a campaign the client declined', { kind: 'Declined', change: 'patch-jan', declinedAt: new Date('2026-12-10T09:00:00Z'), declinedBy: 'alice' } as const,
      { type: 'DeclinedPatch', status: 'True', reason: 'ClientDeclinedPatch', message: 'cause: declined patch campaign patch-jan (seed §9.10): declined by alice at 2026-12-10T09:00:00Z; client-caused, GTD and GTR do not apply' }],
    ['a change not applied yet (GitOps order)', { kind: 'NotFound', change: 'patch-feb' } as const,
      { type: 'DeclinedPatch', status: 'Unknown', reason: 'ReferenceNotFound', message: 'spec.declinedPatchRef: ChangeRequest patch-feb not found (not applied yet?): the guarantees apply as for spec.cause alone until it is' }],
    ['a change that is not a campaign', { kind: 'NotDeclinedPatch', change: 'resize', why: 'it is not a patch campaign (no spec.patch)' } as const,
      { type: 'DeclinedPatch', status: 'False', reason: 'NotDeclinedPatch', message: "spec.declinedPatchRef: ChangeRequest 'resize' is not a patch campaign the client declined: it is not a patch campaign (no spec.patch); the guarantees apply as for spec.cause alone" }],
  ])('%s', (_name, declinedPatch, expected) => {
    expect(declinedPatchCondition({ declinedPatch })).toEqual(expected);
  });

  it('status.gtr.reason names the campaign, within its 256 characters', () => {
    const r = { reason: 'DeclinedPatch', declinedPatch: 'patch-jan' } as RestorationResult;
    expect(gtrReasonText(r)).toBe('DeclinedPatch: cause: declined patch campaign patch-jan (seed §9.10)');
    expect(gtrReasonText({ ...r, declinedPatch: 'p'.repeat(253) })).toHaveLength(256);
    expect(gtrReasonText({ reason: 'NonProduction' } as RestorationResult)).toBe('NonProduction');
  });
});
