import { describe, expect, it } from 'vitest';
import { scopeDigest, type ChangeRequestSpec } from '../../api/v1alpha1/index.ts';
import { typed } from '../shared/testing.ts';
import { approvedCondition, changeConditions, changeFields, phaseOf, type ChangeFacts } from './status.ts';

const now = new Date('2026-11-15T12:00:00Z');
const base: ChangeRequestSpec = {
  unitRefs: [{ name: 'u' }], category: 'StandardSimple', catalogItem: 'x', summary: 's', tokens: 1, accelerated: false, outsideBusinessHours: false, release: false,
  initiator: 'Client', requestedAt: '2026-11-02T09:00:00Z',
};
const approval = (decision: 'Approved' | 'Rejected', decidedAt = '2026-11-03T09:00:00Z') => ({ decision, approvedBy: 'alice', decidedAt });
const validation = (decision: 'Accepted' | 'Refused') => ({ decision, validatedBy: 'provider', validatedAt: '2026-11-03T09:00:00Z', quoteTokens: 4 });
const facts = (over: Partial<ChangeRequestSpec>, forP1Incident = false): ChangeFacts => ({
  change: typed('c', { ...base, ...over }), accelerated: undefined, forP1Incident, result: undefined, currency: undefined, missingUnits: [], now,
});

describe('ChangeRequest phase and approval (domain.md §7, §10)', () => {
  it.each<[string, Partial<ChangeRequestSpec>, boolean, string, string]>([
    ['client change, open', {}, false, 'Accepted', 'NotRequired'],
    ['client change, completed', { completedAt: '2026-11-03T10:00:00Z' }, false, 'Completed', 'NotRequired'],
    ['completion after now is not known yet', { completedAt: '2026-11-20T10:00:00Z' }, false, 'Accepted', 'NotRequired'],
    ['provider change without approval', { initiator: 'Provider' }, false, 'AwaitingApproval', 'AwaitingApproval'],
    ['provider change approved', { initiator: 'Provider', approval: approval('Approved') }, false, 'Accepted', 'ClientApproved'],
    ['provider change rejected', { initiator: 'Provider', approval: approval('Rejected') }, false, 'Rejected', 'ClientRejected'],
    // The approval records the digest of the scope approved: the same scope binds...
    ['approved, scope unchanged', { initiator: 'Provider', approval: { ...approval('Approved'), scopeDigest: scopeDigest(base) } }, false, 'Accepted', 'ClientApproved'],
    // ...40 tokens instead of the 1 approved (a complex change now) void it: awaiting approval again.
    ['approved, then widened', { initiator: 'Provider', category: 'StandardComplex', tokens: 40, approval: { ...approval('Approved'), scopeDigest: scopeDigest(base) } }, false, 'AwaitingApproval', 'ApprovalVoided'],
    ['rejected, then the summary rewritten', { initiator: 'Provider', summary: 'other', approval: { ...approval('Rejected'), scopeDigest: scopeDigest(base) } }, false, 'AwaitingApproval', 'ApprovalVoided'],
    ['provider change for a P1: approved afterwards', { initiator: 'Provider', completedAt: '2026-11-03T10:00:00Z' }, true, 'Completed', 'P1Exception'],
    ['non-standard, not validated', { category: 'NonStandard', tokens: undefined, catalogItem: undefined }, false, 'AwaitingValidation', 'NotRequired'],
    ['non-standard, refused', { category: 'NonStandard', validation: validation('Refused') }, false, 'Refused', 'NotRequired'],
    ['non-standard, accepted', { category: 'NonStandard', validation: validation('Accepted') }, false, 'Accepted', 'NotRequired'],
  ])('%s', (_name, over, forP1, phase, approvedReason) => {
    const f = facts(over, forP1);
    expect(phaseOf(f)).toBe(phase);
    expect(approvedCondition(f).reason).toBe(approvedReason);
  });
});

describe('ChangeRequest references', () => {
  it('a relatedIncident that does not exist (yet) is named: Ready False ReferenceNotFound, cleared when it exists', () => {
    const ready = (f: ChangeFacts) => changeConditions(f).find((c) => c.type === 'Ready');
    const withContract = (f: ChangeFacts): ChangeFacts => ({ ...f, result: { applicable: false } as unknown as ChangeFacts['result'] });
    expect(ready(withContract({ ...facts({ relatedIncident: { name: 'inc-9' } }), missingIncident: 'inc-9' }))).toMatchObject({
      status: 'False', reason: 'ReferenceNotFound', message: 'Incident inc-9 not found (spec.relatedIncident)',
    });
    expect(ready(withContract(facts({ relatedIncident: { name: 'inc-9' } })))).toMatchObject({ status: 'True' });
  });
});

describe('ChangeRequest releases (seed Table 1)', () => {
  const decision = (rank: number) => ({
    month: '2026-11', supportLevel: 'Premium' as const, rank, quota: 4, withinQuota: rank <= 4,
    message: rank <= 4 ? 'within the quota of 4: included, 0 tokens (seed Table 1)' : 'the 5th release of November 2026 on Premium, over the quota of 4: billed as a change (seed §5.5)',
  });
  const release = (over: Partial<ChangeFacts>): ChangeFacts => ({ ...facts({ release: true, category: 'StandardComplex', tokens: 3 }), ...over });
  const quota = (f: ChangeFacts) => changeConditions(f).find((c) => c.type === 'WithinReleaseQuota');

  it.each([
    // Within the quota: included, 0 tokens; the 5th of a Premium month: its 3 tokens.
    ['the 4th', 4, 'True', 'ReleaseIncluded', 0],
    ['the 5th', 5, 'False', 'ReleaseQuotaExceeded', 3],
  ] as const)('%s release of a Premium month', (_name, rank, status, reason, tokens) => {
    const f = release({ release: decision(rank) });
    expect(quota(f)).toMatchObject({ status, reason });
    expect(changeFields(f)).toMatchObject({ tokensCharged: tokens, release: { month: '2026-11', supportLevel: 'Premium', rank, quota: 4, withinQuota: rank <= 4 } });
  });

  it('without a contract the quota is unknown; a change that is not a release has no such condition', () => {
    expect(quota(release({}))).toMatchObject({ status: 'Unknown', reason: 'ReferenceNotFound' });
    expect(quota(facts({}))).toBeUndefined();
  });

  it('a release on a non-Application unit is not Valid, naming the field, and not Ready', () => {
    const f = release({ releaseProblems: [{ path: 'spec.unitRefs[0]', message: "ServiceUnit 'db' is at level Database" }] });
    const conditions = changeConditions(f);
    expect(conditions.find((c) => c.type === 'Valid')).toMatchObject({ status: 'False', reason: 'ReleaseInvalid', message: "spec.unitRefs[0]: ServiceUnit 'db' is at level Database" });
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ReleaseInvalid' });
  });
});

describe('a patch campaign on a wrong unit (seed §5.9.2)', () => {
  it('is Valid=False PatchInvalid naming the field, and Ready waits on it', () => {
    const problems = [{ path: 'spec.unitRefs[0]', message: "ServiceUnit 'app-1' is at level Application: a patch campaign (spec.patch) is on OS, Database, Middleware units only (seed §5.9.2)" }];
    const f = { ...facts({ initiator: 'Provider', patch: { patches: ['KB5034441'] } }), patchProblems: problems };
    const conditions = changeConditions(f);
    expect(conditions.find((c) => c.type === 'Valid')).toEqual({ type: 'Valid', status: 'False', reason: 'PatchInvalid', message: `spec.unitRefs[0]: ${problems[0]!.message}` });
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PatchInvalid' });
  });
});

describe('ChangeRequest priced from the change catalogue (issue 14 item 5)', () => {
  const items = [{ id: 'middleware.jvm.tuning', category: 'StandardComplex' as const, tokens: 4 }];
  const stamp = { catalog: 'standard', generation: 2, digest: `sha256:${'0'.repeat(64)}` };
  const valid = (f: ChangeFacts) => changeConditions(f).find((c) => c.type === 'Valid');
  const complex = { category: 'StandardComplex' as const, catalogItem: 'middleware.jvm.tuning' };

  it.each<[string, Partial<ChangeRequestSpec>, boolean, string, number]>([
    // Stamped at creation with 3 tokens, the catalogue now says 4: the stamp holds, 3 × 2 outside business hours = 6.
    ['stamped: its own tokens, whatever the catalogue says now', { ...complex, tokens: 3, catalogStamp: stamp, outsideBusinessHours: true }, true, 'CatalogStamp', 6],
    // Created before its catalogue (no tokens, no stamp): the item's 4 tokens, ×2 outside business hours = 8.
    ['not stamped: the item as the catalogue lists it', { ...complex, tokens: undefined, outsideBusinessHours: true }, true, 'Catalog', 8],
    // Older than the catalogue, with its own tokens (2): kept as recorded, even if the item is unknown.
    ['recorded before the catalogue: spec.tokens kept', { category: 'StandardComplex', catalogItem: 'retired.item', tokens: 2 }, true, 'Recorded', 2],
    // Quoted 4 tokens (validation): the catalogue plays no part.
    ['non-standard: its quote', { category: 'NonStandard', catalogItem: undefined, tokens: undefined, validation: validation('Accepted') }, true, 'Quote', 4],
  ])('%s', (_name, over, withCatalog, source, charged) => {
    const f: ChangeFacts = { ...facts(over), catalog: withCatalog ? items : undefined };
    const fields = changeFields(f);
    expect(fields.priceSource).toBe(source);
    expect(fields.tokensCharged).toBe(charged);
    expect(valid(f)).toMatchObject({ status: 'True' });
  });

  it('an item not found: Valid False CatalogItemUnknown naming the field, Ready False, 0 tokens until found', () => {
    const f: ChangeFacts = { ...facts({ ...complex, catalogItem: 'x', tokens: undefined }), catalogLookup: { ok: false, path: 'spec.catalogItem', message: "'x' is not an item of ChangeCatalog 'standard'" } };
    expect(valid(f)).toMatchObject({ status: 'False', reason: 'CatalogItemUnknown', message: "spec.catalogItem: 'x' is not an item of ChangeCatalog 'standard'; the change is priced 0 tokens until its item is found" });
    expect(changeConditions(f).find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'CatalogItemUnknown' });
    expect(changeFields(f).tokensCharged).toBe(0);
  });
});

describe('ChangeRequest with a runbook (issue 14 item 3)', () => {
  const runbook = { template: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } } };
  const outcome = (failed: boolean) => ({ status: {}, condition: { type: 'RunbookSucceeded', status: failed ? 'False' as const : 'Unknown' as const, reason: failed ? 'RunbookFailed' : 'RunbookRunning', message: '' }, failed, requeueAt: undefined });
  it('a failed Job makes the phase Failed, unless the change was completed; the approval change of scope covers the runbook', () => {
    expect(phaseOf({ ...facts({ runbook }), runbook: outcome(true) })).toBe('Failed');
    expect(phaseOf({ ...facts({ runbook, completedAt: '2026-11-03T10:00:00Z' }), runbook: outcome(true) })).toBe('Completed');
    expect(phaseOf({ ...facts({ runbook }), runbook: outcome(false) })).toBe('Accepted');
    expect(changeConditions({ ...facts({ runbook }), runbook: outcome(true) }).map((c) => c.type)).toContain('RunbookSucceeded');
    // A runbook changed after the approval voids it (change-scope.ts): what will run is what was approved.
    const approvedScope = { initiator: 'Provider' as const, runbook, approval: { ...approval('Approved'), scopeDigest: scopeDigest({ ...base, runbook }) } };
    expect(phaseOf(facts(approvedScope))).toBe('Accepted');
    expect(phaseOf(facts({ ...approvedScope, runbook: { ...runbook, rollback: runbook.template } }))).toBe('AwaitingApproval');
    // Without a runbook the digest is what it was before runbooks: stored approvals still bind.
    expect(scopeDigest(base)).toBe(scopeDigest({ ...base, runbook: undefined }));
  });
});
