// Field ownership (ownership.ts) as tables, through validate() and mutate() on a fixture view;
// test/integration/webhook-admission.test.ts runs the same rows through the real API server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scopeDigest, type ChangeRequest, type ManagedTenant } from '../api/v1alpha1/index.ts';
import type { AdmissionRequest, JsonPatchOp, Operation } from './admission.ts';
import { applyJsonPatch } from '../../test/support/json-patch.ts';
import { mutate } from './mutate.ts';
import { CHANGE_OWNERSHIP, INCIDENT_OWNERSHIP, finalAllowedAt, operatorNamespaceOf } from './ownership.ts';
import { validate, type TenantView } from './rules.ts';

const ns = 'acme';
const now = new Date('2026-11-26T10:00:00Z');
const NOW = '2026-11-26T10:00:00Z';
const meta = (name: string) => ({ name, namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z' });
const tenant = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: meta('acme'),
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [
      { name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] },
      { name: 'dave', email: 'd@x.example', users: ['dave'], roles: ['ChangeApprover'] },
    ],
  },
} as unknown as ManagedTenant;
const view: TenantView = { tenants: () => [tenant], contracts: () => [], units: () => [], changes: () => [], incidents: () => [], reports: () => [] };
const identity = { providerGroups: ['provider'], operatorUsername: 'system:serviceaccount:ops:op' };
const users: Record<string, { username: string; groups: string[] }> = {
  alice: { username: 'alice', groups: [] },
  dave: { username: 'dave', groups: [] },
  paul: { username: 'paul', groups: ['provider'] },
  operator: { username: 'system:serviceaccount:ops:op', groups: ['system:serviceaccounts'] },
  admin: { username: 'kubernetes-admin', groups: ['system:masters'] },
  gc: { username: 'system:serviceaccount:kube-system:generic-garbage-collector', groups: [] },
};

const incident = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: meta('i'),
  spec: { unitRefs: [{ name: 'u' }], priority: 'P2', summary: 's', detection: 'Client', openedAt: NOW, cause: 'Unknown', ...spec },
});
const change = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', metadata: meta('c'),
  spec: { unitRefs: [{ name: 'u' }], category: 'StandardSimple', catalogItem: 'x', summary: 's', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: NOW, ...spec },
}) as unknown as ChangeRequest;
const nonStandard = (spec: Record<string, unknown> = {}) => change({ category: 'NonStandard', catalogItem: undefined, tokens: undefined, ...spec });
const providerChange = (spec: Record<string, unknown> = {}) => change({ initiator: 'Provider', ...spec });
const approvalOf = (c: ChangeRequest, decision: 'Approved' | 'Rejected' = 'Approved') => ({ decision, approvedBy: 'dave', decidedAt: NOW, scopeDigest: scopeDigest(c.spec) });

const req = (kind: string, operation: Operation, user: string, object: unknown, oldObject?: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind }, namespace: ns, name: 'x', operation, userInfo: users[user] ?? { username: user }, object, oldObject, ...extra,
});
/** Requests judged as the validating hook sees them when the mutating hook did not run (a cluster without it). */
const unmutated = new WeakSet<AdmissionRequest>();
const raw = (r: AdmissionRequest): AdmissionRequest => { unmutated.add(r); return r; };
/** What the API server does: the mutating hook's patch applied, then the validating hook's decision. */
const decide = (r: AdmissionRequest, at = now): string => {
  const m = unmutated.has(r) || r.operation === 'DELETE' ? undefined : mutate(r, view, identity, at);
  const mutated = m?.allowed === true && m.patch !== undefined ? { ...r, object: applyJsonPatch(r.object, m.patch) } : r;
  const v = validate(mutated, { view, identity, now: at });
  return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
};

describe('Incident fields (client, provider, operator)', () => {
  const resolved = incident({ resolvedAt: '2026-11-26T11:00:00Z' });
  it.each<[string, AdmissionRequest, RegExp]>([
    ['client back-dates its incident (the mutating hook did not stamp)', raw(req('Incident', 'CREATE', 'alice', incident({ openedAt: '2026-11-01T00:00:00Z' }))), /^spec\.openedAt: a client's request is dated by the webhook.*not 2026-11-01T00:00:00Z: a client cannot back-date$/],
    ['client opens an incident at the time of its request', req('Incident', 'CREATE', 'alice', incident()), /^allowed$/],
    ['client claims Monitoring', req('Incident', 'CREATE', 'alice', incident({ detection: 'Monitoring' })), /^spec\.detection: set by operator only; user 'alice' \(client\) may not set it$/],
    ['provider claims Monitoring', req('Incident', 'CREATE', 'paul', incident({ detection: 'Monitoring' })), /^spec\.detection: set by operator only/],
    ['operator opens a Monitoring incident', req('Incident', 'CREATE', 'operator', incident({ detection: 'Monitoring', openedAt: '2026-11-26T09:50:00Z' })), /^allowed$/],
    ['client creates it resolved, closed, caused by the provider, with exclusions', req('Incident', 'CREATE', 'alice', incident({ resolvedAt: NOW, closedAt: NOW, cause: 'Provider', exclusions: [{ start: NOW, end: '2026-11-26T10:30:00Z', reason: 'x' }] })),
      /^spec\.resolvedAt: set by provider only.*; spec\.cause: set by provider only.*; spec\.exclusions: set by provider only.*; spec\.closedAt: set by provider only/],
    ['provider records a past, resolved incident with its cause', req('Incident', 'CREATE', 'paul', incident({ openedAt: '2026-11-01T00:00:00Z', resolvedAt: '2026-11-01T02:00:00Z', cause: 'IaaS' })), /^allowed$/],
    ['provider closes an incident (the client agrees, not the provider)', req('Incident', 'UPDATE', 'paul', { ...resolved, spec: { ...resolved.spec, closedAt: NOW } }, resolved), /^spec\.closedAt: changed by client only/],
    ['client agrees: closedAt', req('Incident', 'UPDATE', 'alice', { ...resolved, spec: { ...resolved.spec, closedAt: '2026-11-26T12:00:00Z' } }, resolved), /^allowed$/],
    ['client resolves or sets the cause', req('Incident', 'UPDATE', 'alice', { ...resolved, spec: { ...resolved.spec, cause: 'Provider', priority: 'P1' } }, resolved), /^spec\.priority: changed by operator or provider only.*; spec\.cause: changed by provider only/],
    ['provider resolves, classifies, analyses', req('Incident', 'UPDATE', 'paul', incident({ resolvedAt: NOW, cause: 'Client', priority: 'P1' }), incident()), /^allowed$/],
    ['operator resolves its monitoring incident', req('Incident', 'UPDATE', 'operator', incident({ detection: 'Monitoring', resolvedAt: NOW }), incident({ detection: 'Monitoring' })), /^allowed$/],
    // issue 13: the work time billed on the statement is the provider's record, frozen once closed.
    ['client records the work time', req('Incident', 'UPDATE', 'alice', { ...resolved, spec: { ...resolved.spec, workMinutes: 10 } }, resolved), /^spec\.workMinutes: changed by provider only; user 'alice' \(client\) may not change it$/],
    ['provider records the work time of a resolved incident', req('Incident', 'UPDATE', 'paul', { ...resolved, spec: { ...resolved.spec, workMinutes: 95 } }, resolved), /^allowed$/],
    ['provider edits the work time of a closed incident', req('Incident', 'UPDATE', 'paul', incident({ resolvedAt: '2026-11-26T11:00:00Z', closedAt: '2026-11-26T12:00:00Z', workMinutes: 30 }), incident({ resolvedAt: '2026-11-26T11:00:00Z', closedAt: '2026-11-26T12:00:00Z', workMinutes: 95 })), /^spec\.workMinutes: frozen once the incident is closed/],
    ['provider edits a closed incident', req('Incident', 'UPDATE', 'paul', incident({ resolvedAt: '2026-11-26T11:00:00Z', closedAt: '2026-11-26T12:00:00Z', cause: 'Client' }), incident({ resolvedAt: '2026-11-26T11:00:00Z', closedAt: '2026-11-26T12:00:00Z' })), /^spec\.cause: frozen once the incident is closed/],
    ['client adds an owner reference (the garbage collector would delete the incident)', req('Incident', 'UPDATE', 'alice', { ...resolved, metadata: { ...resolved.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: '1' }] } }, resolved), /^metadata\.ownerReferences: changed by operator or provider only/],
  ])('%s', (_name, r, expected) => {
    expect(decide(r)).toMatch(expected);
  });
});

describe('ChangeRequest fields (requester, approver, provider)', () => {
  const completed = change({ tokens: 8, category: 'StandardComplex', accelerated: true, completedAt: NOW });
  const quoted = nonStandard({ tokens: 12, validation: { decision: 'Accepted', validatedBy: 'paul', validatedAt: NOW, quoteTokens: 12 } });
  const approved = providerChange({ approval: approvalOf(providerChange()) });
  const rejected = providerChange({ approval: approvalOf(providerChange(), 'Rejected') });
  const awaiting = nonStandard({ initiator: 'Provider', tokens: 2 });
  const awaitingApproved = nonStandard({ initiator: 'Provider', tokens: 2, approval: approvalOf(nonStandard({ initiator: 'Provider', tokens: 2 })) });
  it.each<[string, AdmissionRequest, RegExp]>([
    ['client rewrites the quote (12 → 1)', req('ChangeRequest', 'UPDATE', 'alice', { ...quoted, spec: { ...quoted.spec, tokens: 1, validation: { ...quoted.spec.validation, quoteTokens: 1 } } }, quoted),
      /^spec\.tokens: frozen once the change is accepted.*; spec\.validation: changed by provider only/],
    ['client quotes its own non-standard change', req('ChangeRequest', 'CREATE', 'alice', nonStandard({ tokens: 1 })), /^spec\.tokens: set by provider only/],
    ['client rewrites the tokens and multipliers of a completed change (16 → 2)', req('ChangeRequest', 'UPDATE', 'alice', change({ tokens: 2, category: 'StandardComplex', completedAt: NOW }), completed),
      /^spec\.accelerated: frozen once the change is accepted.*; spec\.tokens: frozen/],
    ['client moves completedAt', req('ChangeRequest', 'UPDATE', 'alice', { ...completed, spec: { ...completed.spec, completedAt: '2026-11-26T11:00:00Z' } }, completed), /^spec\.completedAt: frozen once it is set/],
    ['client completes its own change', req('ChangeRequest', 'UPDATE', 'alice', change({ completedAt: NOW }), change()), /^spec\.completedAt: changed by provider or operator only/],
    ['provider quotes, validates and completes', req('ChangeRequest', 'UPDATE', 'paul', { ...quoted, spec: { ...quoted.spec, completedAt: NOW } }, nonStandard()), /^allowed$/],
    ['client back-dates its change (the mutating hook did not stamp)', raw(req('ChangeRequest', 'CREATE', 'alice', change({ requestedAt: '2026-11-01T00:00:00Z' }))), /^spec\.requestedAt: a client's request is dated by the webhook/],
    ['client edits its change awaiting validation', req('ChangeRequest', 'UPDATE', 'alice', nonStandard({ summary: 'two packages' }), nonStandard()), /^allowed$/],
    ['client edits its accepted standard change', req('ChangeRequest', 'UPDATE', 'alice', change({ summary: 'two packages' }), change()), /^spec\.summary: frozen once the change is accepted/],
    ['client edits the provider\'s change awaiting approval', req('ChangeRequest', 'UPDATE', 'alice', providerChange({ summary: 'other' }), providerChange()), /^spec\.summary: changed by provider only/],
    ['provider widens its approved change (1 → 40 tokens, another unit, a new summary)', req('ChangeRequest', 'UPDATE', 'paul', providerChange({ category: 'StandardComplex', tokens: 40, unitRefs: [{ name: 'u' }, { name: 'v' }], summary: 'more', approval: approved.spec.approval }), approved),
      /^spec\.unitRefs: frozen once the change is accepted.*spec\.category: frozen.*spec\.summary: frozen.*spec\.tokens: frozen/],
    ['provider edits its change awaiting approval', req('ChangeRequest', 'UPDATE', 'paul', providerChange({ summary: 'better' }), providerChange()), /^allowed$/],
    // Approved before its quote: the quote changes the scope, so the approval no longer binds (the controller voids it).
    ['provider quotes a change approved before its quote', req('ChangeRequest', 'UPDATE', 'paul', { ...awaitingApproved, spec: { ...awaitingApproved.spec, tokens: 9, validation: { decision: 'Accepted', validatedBy: 'paul', validatedAt: NOW, quoteTokens: 9 } } }, awaitingApproved), /^allowed$/],
    ['provider flips a rejected change to initiator Client', req('ChangeRequest', 'UPDATE', 'paul', { ...rejected, spec: { ...rejected.spec, initiator: 'Client' } }, rejected), /^spec\.initiator: changed by nobody only/],
    ['the approver flips its decision (Approved → Rejected)', req('ChangeRequest', 'UPDATE', 'dave', providerChange({ approval: { ...approvalOf(providerChange()), decision: 'Rejected' } }), approved), /^spec\.approval: frozen once a decision is made/],
    ['the approver decides again once the scope changed (the old decision no longer binds)', req('ChangeRequest', 'UPDATE', 'dave', providerChange({ summary: 'other', approval: approvalOf(providerChange({ summary: 'other' }), 'Rejected') }), providerChange({ summary: 'other', approval: approvalOf(providerChange()) })), /^allowed$/],
    ['the approver approves', req('ChangeRequest', 'UPDATE', 'dave', { ...awaiting, spec: { ...awaiting.spec, approval: approvalOf(awaiting) } }, awaiting), /^allowed$/],
    ['the provider creates its change already approved', req('ChangeRequest', 'CREATE', 'paul', approved), /^spec\.approval: (user 'paul'.*is not a ChangeApprover|set by nobody)/],
  ])('%s', (_name, r, expected) => {
    expect(decide(r)).toMatch(expected);
  });
});

describe('where, who deletes, who finalizes', () => {
  const report = (final: boolean | undefined) => ({
    apiVersion: 'managedapps.dev/v1alpha1', kind: 'SLAReport', metadata: meta('c-2026-11'), spec: { contractRef: { name: 'c' }, month: '2026-11' },
    status: final === undefined ? {} : { final },
  });
  const statusUpdate = (user: string, final: boolean | undefined, before?: boolean) => req('SLAReport', 'UPDATE', user, report(final), report(before), { subResource: 'status' });
  // November 2026 ends 2026-12-01T00:00 Europe/Paris = 2026-11-30T23:00Z; + 24 h grace = 2026-12-01T23:00Z.
  const finalAt = new Date('2026-12-01T23:00:00Z');
  it.each<[string, AdmissionRequest, Date, RegExp]>([
    ['client deletes an incident', req('Incident', 'DELETE', 'alice', null, incident()), now, /^metadata: user 'alice' may not delete Incident 'x': the provider and the operator delete/],
    ['namespace admin (not a contact, not the provider) deletes a change', req('ChangeRequest', 'DELETE', 'admin', null, change()), now, /may not delete ChangeRequest/],
    ['cluster admin deletes a report', req('SLAReport', 'DELETE', 'admin', null, report(true)), now, /may not delete SLAReport/],
    // Records are kept (records.ts, records.test.ts has the rest): opened at NOW, kept 15 months.
    ['provider deletes an incident within its retention', req('Incident', 'DELETE', 'paul', null, incident()), now, /^metadata: user 'paul' \(groups provider\) may not delete Incident 'x': it is kept until 2028-02-26T10:00:00Z/],
    ['provider deletes an incident past its retention (resolved 2025-01-02: kept until 2026-04-02)', req('Incident', 'DELETE', 'paul', null, incident({ openedAt: '2025-01-01T00:00:00Z', resolvedAt: '2025-01-02T00:00:00Z' })), now, /^allowed$/],
    ['operator deletes a report', req('SLAReport', 'DELETE', 'operator', null, report(false)), now, /^allowed$/],
    ['the garbage collector deletes the reports of a deleted contract', req('SLAReport', 'DELETE', 'gc', null, report(true)), now, /^allowed$/],
    ['provider creates an incident in kube-system', { ...req('Incident', 'CREATE', 'paul', incident()), namespace: 'kube-system' }, now, /^metadata\.namespace: namespace 'kube-system' is not a tenant/],
    ['operator writes a report in its own namespace', { ...req('SLAReport', 'CREATE', 'operator', report(undefined)), namespace: 'ops' }, now, /^metadata\.namespace: namespace 'ops' is not a tenant/],
    ['provider removes a finalizer of a leftover in kube-system', { ...req('Incident', 'UPDATE', 'paul', incident(), { ...incident(), metadata: { ...meta('i'), deletionTimestamp: NOW } }), namespace: 'kube-system' }, now, /^allowed$/],
    ['cluster admin sets final on the current month', statusUpdate('admin', true), now, /^status: an SLAReport's status is written by the operator only/],
    ['operator sets final before the grace period ends', statusUpdate('operator', true), new Date(finalAt.getTime() - 1000), /^status\.final: the report of 2026-11 becomes final at 2026-12-01T23:00:00Z/],
    ['operator sets final at the end of the grace period', statusUpdate('operator', true), finalAt, /^allowed$/],
    ['operator writes the report of the running month', statusUpdate('operator', false), now, /^allowed$/],
  ])('%s', (_name, r, at, expected) => {
    expect(decide(r, at)).toMatch(expected);
  });

  it('finds the operator namespace in its service account, none for another user', () => {
    expect(operatorNamespaceOf(identity)).toBe('ops');
    expect(operatorNamespaceOf({ providerGroups: [], operatorUsername: 'kubernetes-admin' })).toBeUndefined();
    // A tenant without a known zone: the month ends last in UTC−12 (2026-12-01T12:00Z), + 24 h.
    expect(finalAllowedAt('2026-11', 'Etc/GMT+12').toISOString()).toBe('2026-12-02T12:00:00.000Z');
  });
});

describe('mutate: stamps from the request, kept on every update (a GitOps re-apply is accepted)', () => {
  const patchOf = (r: AdmissionRequest): readonly JsonPatchOp[] => {
    const v = mutate(r, view, identity, now);
    return v.allowed ? v.patch ?? [] : [];
  };
  it('stamps a client incident\'s openedAt, not the provider\'s or the operator\'s', () => {
    expect(patchOf(req('Incident', 'CREATE', 'alice', incident({ openedAt: '2026-11-01T00:00:00Z' })))).toContainEqual({ op: 'add', path: '/spec/openedAt', value: NOW });
    expect(patchOf(req('Incident', 'CREATE', 'paul', incident({ openedAt: '2026-11-01T00:00:00Z' })))).not.toContainEqual(expect.objectContaining({ path: '/spec/openedAt' }));
    expect(patchOf(req('Incident', 'CREATE', 'operator', incident({ openedAt: '2026-11-01T00:00:00Z' })))).not.toContainEqual(expect.objectContaining({ path: '/spec/openedAt' }));
  });
  it('puts the stored openedAt and closedAt back when a manifest re-applied says otherwise', () => {
    const stored = incident({ openedAt: NOW, resolvedAt: '2026-11-26T11:00:00Z', closedAt: '2026-11-26T12:00:00Z', reporter: { username: 'alice' } });
    const manifest = incident({ openedAt: '2026-11-01T00:00:00Z', resolvedAt: '2026-11-26T11:00:00Z', closedAt: '2026-11-26T11:30:00Z', reporter: { username: 'alice' } });
    expect(patchOf(req('Incident', 'UPDATE', 'alice', manifest, stored))).toEqual([
      { op: 'add', path: '/spec/openedAt', value: NOW },
      { op: 'add', path: '/spec/closedAt', value: '2026-11-26T12:00:00Z' },
    ]);
  });
  it('stamps the client\'s agreement at the time of the request', () => {
    const resolved = incident({ resolvedAt: '2026-11-26T09:00:00Z' });
    expect(patchOf(req('Incident', 'UPDATE', 'alice', incident({ resolvedAt: '2026-11-26T09:00:00Z', closedAt: '2026-11-20T00:00:00Z' }), resolved))).toContainEqual({ op: 'add', path: '/spec/closedAt', value: NOW });
  });
  it('stamps a client change\'s requestedAt', () => {
    expect(patchOf(req('ChangeRequest', 'CREATE', 'alice', change({ requestedAt: '2026-11-01T00:00:00Z' })))).toContainEqual({ op: 'add', path: '/spec/requestedAt', value: NOW });
  });
  it('records what is approved, and keeps the stored approval when the decision is the same', () => {
    const c = providerChange();
    const patch = patchOf(req('ChangeRequest', 'UPDATE', 'dave', providerChange({ approval: { decision: 'Approved', approvedBy: 'x', decidedAt: NOW } }), c));
    // The spec's stamps; the trace of the approval is records.test.ts'.
    expect(patch.filter((op) => op.path.startsWith('/spec'))).toEqual([
      { op: 'add', path: '/spec/approval/approvedBy', value: 'dave' },
      { op: 'add', path: '/spec/approval/scopeDigest', value: scopeDigest(c.spec) },
    ]);
    const stored = providerChange({ approval: approvalOf(c) });
    const reapplied = providerChange({ approval: { decision: 'Approved', approvedBy: 'x', decidedAt: '2026-11-20T00:00:00Z' } });
    expect(patchOf(req('ChangeRequest', 'UPDATE', 'paul', reapplied, stored))).toEqual([{ op: 'add', path: '/spec/approval', value: approvalOf(c) }]);
  });
});

describe('the table in docs/security.md', () => {
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  it.each([
    ...INCIDENT_OWNERSHIP.map((r) => ['Incident', r.field] as const),
    ...CHANGE_OWNERSHIP.map((r) => ['ChangeRequest', r.field] as const),
  ])('%s %s has its row', (kind, field) => {
    expect(doc).toMatch(new RegExp(`^\\| ${kind} \\| \`${field.replace(/\./g, '\\.')}\` \\|`, 'm'));
  });
});
