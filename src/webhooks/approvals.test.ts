// The client's approval of maintenance occurrences (approvals.ts, domain.md §11) as tables, on a
// fixture view; the integration test (test/integration/window-approval.test.ts) runs them through
// the real API server.
import { describe, expect, it } from 'vitest';
import { MaintenanceWindow, windowScopeDigest, type ManagedTenant } from '../api/v1alpha1/index.ts';
import type { AdmissionRequest, JsonPatchOp, Operation } from './admission.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';

const ns = 'acme';
const tenant = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: { name: 'acme', namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [
      { name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['ChangeApprover'] },
      { name: 'bob', email: 'b@x.example', users: ['bob'], roles: ['ChangeRequester', 'IncidentReporter'] },
    ],
  },
} as unknown as ManagedTenant;
const view: TenantView = { tenants: () => [tenant], contracts: () => [], units: () => [], changes: () => [], incidents: () => [], reports: () => [] };
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
// Thursday 26 Nov 2026, 10:00Z. The window: daily 02:30 Paris (01:30Z), 2 h; the next occurrences
// start 27 Nov 01:30Z, 28 Nov 01:30Z, ...; today's (26 Nov 01:30Z) has started.
const NOW = new Date('2026-11-26T10:00:00Z');
const STAMP = '2026-11-26T10:00:00Z';
const window = (approvals?: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'MaintenanceWindow', metadata: { name: 'w', namespace: ns },
  spec: {
    purpose: 'SecurityPatching', recurrence: { rrule: 'FREQ=DAILY', startTime: '02:30' }, duration: '2h', timeZone: 'Europe/Paris', selector: {},
    excludeFromAvailability: true, requiresClientApproval: true, ...(approvals === undefined ? {} : { approvals }), ...extra,
  },
});
const req = (operation: Operation, object: unknown, user: string, oldObject?: unknown, groups: string[] = []): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'MaintenanceWindow' }, namespace: ns, operation, userInfo: { username: user, groups }, object, oldObject,
});
const aliceStamp = { approvedBy: { username: 'alice', contact: 'alice' }, approvedAt: STAMP };
const stored = { occurrence: '2026-11-27T01:30:00Z', ...aliceStamp, approvedAt: '2026-11-25T08:00:00Z' };
const decide = (r: AdmissionRequest): string => {
  const v = validate(r, { view, identity, now: NOW });
  return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
};
/** The window after the mutating hook. */
const mutated = (r: AdmissionRequest): AdmissionRequest => {
  const v = mutate(r, view, identity, NOW);
  if (!v.allowed) throw new Error('mutate refused');
  const replace = (v.patch ?? []).find((p: JsonPatchOp) => p.path === '/spec/approvals');
  if (replace === undefined || replace.op === 'remove') return r;
  const object = structuredClone(r.object) as { spec: Record<string, unknown> };
  object.spec.approvals = replace.value;
  return { ...r, object };
};

describe('mutate: the approver and the instant come from the request', () => {
  it('a new approval is stamped with the user, its ChangeApprover contact and the time of the request, whatever the body says', () => {
    const forged = { occurrence: '2026-11-28T02:30:00+01:00', approvedBy: { username: 'mallory', contact: 'ceo' }, approvedAt: '2026-01-01T00:00:00Z' };
    const r = mutated(req('UPDATE', window([stored, forged]), 'alice', window([stored])));
    const digest = windowScopeDigest(MaintenanceWindow.parse(window()).spec);
    expect((r.object as { spec: { approvals: unknown[] } }).spec.approvals).toEqual([stored, { occurrence: '2026-11-28T02:30:00+01:00', ...aliceStamp, scopeDigest: digest }]);
    expect(decide(r)).toBe('allowed');
  });

  it('a re-apply without the stamps gets the stored ones back: no edit', () => {
    const r = mutated(req('UPDATE', window([{ occurrence: '2026-11-27T02:30:00+01:00' }]), 'provider-bot', window([stored]), ['provider']));
    expect((r.object as { spec: { approvals: unknown[] } }).spec.approvals).toEqual([{ occurrence: '2026-11-27T02:30:00+01:00', approvedBy: stored.approvedBy, approvedAt: stored.approvedAt }]);
    expect(decide(r)).toBe('allowed');
  });
});

describe('validate: approvals are the ChangeApprover\'s, and records', () => {
  it.each<[string, AdmissionRequest, RegExp]>([
    ['alice (ChangeApprover) approves the next occurrence', req('UPDATE', window([{ occurrence: '2026-11-27T01:30:00Z' }]), 'alice', window()), /^allowed$/],
    ['bob (no ChangeApprover role) approves', req('UPDATE', window([{ occurrence: '2026-11-27T01:30:00Z' }]), 'bob', window()), /^spec\.approvals\[0\]: user 'bob' is not a ChangeApprover contact of ManagedTenant 'acme'/],
    ['the provider approves for the client', req('UPDATE', window([{ occurrence: '2026-11-27T01:30:00Z' }]), 'p', window(), ['provider']), /^spec\.approvals\[0\]: user 'p' \(groups provider\) is not a ChangeApprover contact/],
    ['an instant that starts no occurrence', req('UPDATE', window([{ occurrence: '2026-11-27T02:00:00Z' }]), 'alice', window()), /^spec\.approvals\[0\]\.occurrence: 2026-11-27T02:00:00Z is not the start of an occurrence/],
    // 26 Nov 01:30Z started before now (10:00Z).
    ['an occurrence already started', req('UPDATE', window([{ occurrence: '2026-11-26T01:30:00Z' }]), 'alice', window()), /^spec\.approvals\[0\]\.occurrence: the occurrence of 2026-11-26T01:30:00Z has started/],
    ['a window that needs no approval', req('UPDATE', window([{ occurrence: '2026-11-27T01:30:00Z' }], { requiresClientApproval: false }), 'alice', window([], { requiresClientApproval: false })), /^spec\.approvals\[0\]: spec\.requiresClientApproval is false/],
    // The API server stores objects with sorted keys: a stored approval read back so is the same record.
    ['the provider edits the window; the stored approval comes back with sorted keys', req('UPDATE', window([stored], { description: 'kernel patches' }), 'p', window([{ approvedAt: stored.approvedAt, approvedBy: { contact: 'alice', username: 'alice' }, occurrence: stored.occurrence }]), ['provider']), /^allowed$/],
    ['removed', req('UPDATE', window([]), 'p', window([stored]), ['provider']), /^spec\.approvals: the approval of the occurrence 2026-11-27T01:30:00Z by alice is a record: it is never removed/],
    ['its comment edited', req('UPDATE', window([{ ...stored, comment: 'ok' }]), 'alice', window([stored])), /^spec\.approvals\[0\]: the approval of the occurrence 2026-11-27T01:30:00Z by alice is a record: it is never edited/],
    ['the client approver changes the duration too', req('UPDATE', window([{ occurrence: '2026-11-27T01:30:00Z' }], { duration: '8h' }), 'alice', window()), /^spec: a MaintenanceWindow is the provider's; a client's ChangeApprover contact appends spec\.approvals only/],
    ['the client creates a window', req('CREATE', window(), 'alice'), /^spec: a MaintenanceWindow is the provider's/],
    ['the provider restores a window with its recorded approvals', req('CREATE', window([stored]), 'p', undefined, ['provider']), /^allowed$/],
    ['the provider creates one with an unstamped approval', req('CREATE', window([{ occurrence: '2026-11-27T01:30:00Z' }]), 'p', undefined, ['provider']), /^spec\.approvals\[0\]: user 'p'/],
  ])('%s', (_name, r, expected) => {
    expect(decide(mutated(r))).toMatch(expected);
  });

  it('a hand-written stamp is refused when the mutating hook did not run', () => {
    const r = req('UPDATE', window([{ occurrence: '2026-11-27T01:30:00Z', approvedBy: { username: 'alice', contact: 'ceo' }, approvedAt: STAMP }]), 'alice', window());
    expect(decide(r)).toMatch(/^spec\.approvals\[0\]\.approvedBy: stamped by the admission webhook with who approved \(alice, contact alice\), not written by hand; spec\.approvals\[0\]\.scopeDigest: stamped by the admission webhook/);
  });
});

describe('the yearly patch plan (seed §5.8): a year approved at once, by the ChangeApprover, as a record', () => {
  // NOW is 26 Nov 2026: 2026 is the current year in Paris, 2027 a later one.
  const planStored = { year: 2027, ...aliceStamp, approvedAt: '2026-11-25T08:00:00Z' };
  it('the plan is stamped like an occurrence\'s approval and admitted', () => {
    const r = mutated(req('UPDATE', window([{ year: 2027, approvedBy: { username: 'mallory', contact: 'ceo' } }]), 'alice', window()));
    const digest = windowScopeDigest(MaintenanceWindow.parse(window()).spec);
    expect((r.object as { spec: { approvals: unknown[] } }).spec.approvals).toEqual([{ year: 2027, ...aliceStamp, scopeDigest: digest }]);
    expect(decide(r)).toBe('allowed');
  });
  it.each<[string, AdmissionRequest, RegExp]>([
    ['the current year (its occurrences from now on)', req('UPDATE', window([{ year: 2026 }]), 'alice', window()), /^allowed$/],
    ['bob (no ChangeApprover role), the field named', req('UPDATE', window([{ year: 2027 }]), 'bob', window()), /^spec\.approvals\[0\]\.year: user 'bob' is not a ChangeApprover contact of ManagedTenant 'acme'.*approve a yearly patch plan \(seed §5\.8\)/],
    ['the provider', req('UPDATE', window([{ year: 2027 }]), 'p', window(), ['provider']), /^spec\.approvals\[0\]\.year: user 'p' \(groups provider\) is not a ChangeApprover contact/],
    ['a year that has ended', req('UPDATE', window([{ year: 2025 }]), 'alice', window()), /^spec\.approvals\[0\]\.year: 2025 has ended \(it is 2026 in Europe\/Paris\)/],
    ['a Maintenance window', req('UPDATE', window([{ year: 2027 }], { purpose: 'Maintenance' }), 'alice', window([], { purpose: 'Maintenance' })), /spec\.approvals\[0\]\.year: a yearly plan approves a SecurityPatching window only/],
    ['a window that needs no approval', req('UPDATE', window([{ year: 2027 }], { requiresClientApproval: false }), 'alice', window([], { requiresClientApproval: false })), /^spec\.approvals\[0\]: spec\.requiresClientApproval is false/],
    ['removed', req('UPDATE', window([]), 'p', window([planStored]), ['provider']), /^spec\.approvals: the yearly plan of 2027 by alice is a record: it is never removed/],
    ['its comment edited', req('UPDATE', window([{ ...planStored, comment: 'all year' }]), 'alice', window([planStored])), /^spec\.approvals\[0\]: the yearly plan of 2027 by alice is a record: it is never edited/],
    ['an occurrence approved beside the plan', req('UPDATE', window([planStored, { occurrence: '2026-11-27T01:30:00Z' }]), 'alice', window([planStored])), /^allowed$/],
  ])('%s', (_name, r, expected) => {
    expect(decide(mutated(r))).toMatch(expected);
  });
});
