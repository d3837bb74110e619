// The contact list is the client's (contacts.ts, approvers.ts): each write of a tenant goes
// through mutate() then validate(), as the API server sends it; the stored object of one step is
// the old object of the next. test/integration/webhook-admission.test.ts runs the same story
// through the real API server.
import { describe, expect, it } from 'vitest';
import {
  APPROVERS_ANNOTATION, CONFIRM_APPROVERS_ANNOTATION, CONTACTS_LOG_ANNOTATION, pendingDigest, pendingGrants, type ManagedTenant,
} from '../api/v1alpha1/index.ts';
import { applyJsonPatch } from '../../test/support/json-patch.ts';
import type { AdmissionRequest, Operation } from './admission.ts';
import { identify } from './identity.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';

const ns = 'acme';
const now = new Date('2026-11-26T10:00:00Z');
const NOW = '2026-11-26T10:00:00Z';
const identity = { providerGroups: ['provider'], operatorUsername: 'system:serviceaccount:ops:op' };
const users: Record<string, { username: string; groups: string[] }> = {
  alice: { username: 'alice', groups: [] },
  carol: { username: 'carol', groups: [] },
  dave: { username: 'dave', groups: [] },
  paul: { username: 'paul', groups: ['provider'] },
};
type Contact = ManagedTenant['spec']['contacts'][number];
const alice: Contact = { name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['ChangeRequester', 'ChangeApprover'] };
const carol: Contact = { name: 'carol', email: 'c@x.example', users: ['carol'], roles: ['ChangeRequester'] };
const dave: Contact = { name: 'dave', email: 'd@x.example', users: ['dave'], roles: ['ChangeApprover'] };
const paulAsApprover: Contact = { name: 'paul', email: 'p@provider.example', users: ['paul'], roles: ['ChangeApprover'] };

type Obj = ManagedTenant & { metadata: { annotations?: Record<string, string> } };
const tenant = (contacts: Contact[], annotations?: Record<string, string>, displayName?: string): Obj => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant',
  metadata: { name: 'acme', namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z', ...(annotations === undefined ? {} : { annotations }) },
  spec: {
    ...(displayName === undefined ? {} : { displayName }),
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } }, contacts,
  },
});

/** The body of `next` with the stored object's annotations (as `kubectl apply` sends it: ours untouched). */
const edit = (stored: Obj, contacts: Contact[], extra: Record<string, string> = {}, displayName?: string): Obj =>
  tenant(contacts, { ...stored.metadata.annotations, ...extra }, displayName);

const view = (stored: Obj | undefined): TenantView => ({ tenants: () => (stored === undefined ? [] : [stored]), contracts: () => [], units: () => [], changes: () => [], incidents: () => [], reports: () => [] });
const request = (operation: Operation, user: string, object: Obj, oldObject?: Obj): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'ManagedTenant' }, namespace: ns, name: 'acme', operation, userInfo: users[user] ?? { username: user }, object, oldObject,
});

/** Both hooks: the stored object, or the refusal. */
function write(user: string, body: Obj, stored?: Obj): { ok: true; stored: Obj } | { ok: false; message: string } {
  const r = request(stored === undefined ? 'CREATE' : 'UPDATE', user, body, stored);
  const m = mutate(r, view(stored), identity, now);
  const mutated = m.allowed ? applyJsonPatch(body, m.patch ?? []) : body;
  const v = validate({ ...r, object: mutated }, { view: view(stored), identity, now });
  return v.allowed ? { ok: true, stored: mutated } : { ok: false, message: v.violations.map((x) => `${x.path}: ${x.message}`).join('; ') };
}
function mustWrite(user: string, body: Obj, stored?: Obj): Obj {
  const w = write(user, body, stored);
  if (!w.ok) throw new Error(w.message);
  return w.stored;
}
const approvers = (t: Obj): unknown => JSON.parse(t.metadata.annotations?.[APPROVERS_ANNOTATION] ?? 'null');
const log = (t: Obj): unknown[] => JSON.parse(t.metadata.annotations?.[CONTACTS_LOG_ANNOTATION] ?? '[]') as unknown[];
const approves = (t: Obj, user: string): boolean => identify(users[user] ?? { username: user }, t, identity).roles.has('ChangeApprover');

describe('the contact list is the client\'s', () => {
  const created = mustWrite('paul', tenant([alice, carol, dave], { [APPROVERS_ANNOTATION]: '{"paul":{"users":["paul"]}}' }));

  it('on creation, the signed list is in force, whatever the body says, and the log says who', () => {
    expect(approvers(created)).toEqual({ alice: { users: ['alice'] }, dave: { users: ['dave'] } });
    expect(log(created)).toEqual([{ at: NOW, by: 'paul', added: ['alice', 'carol', 'dave'], confirmed: ['alice (user alice)', 'dave (user dave)'] }]);
    expect(approves(created, 'alice')).toBe(true);
  });

  it('the provider adds itself as approver: admitted, recorded, pending, and it cannot approve', () => {
    const added = mustWrite('paul', edit(created, [alice, carol, dave, paulAsApprover]), created);
    expect(approvers(added)).toEqual({ alice: { users: ['alice'] }, dave: { users: ['dave'] } });
    expect(log(added)).toHaveLength(2);
    expect(log(added)[1]).toEqual({ at: NOW, by: 'paul', added: ['paul'], pending: ['paul (user paul)'] });
    expect(approves(added, 'paul')).toBe(false);
    expect(identify(users.paul ?? {}, added, identity).pendingApprover).toEqual(['paul']);
  });

  it('the provider widens an approver to itself: pending too', () => {
    const widened = mustWrite('paul', edit(created, [alice, carol, { ...dave, users: ['dave', 'paul'] }]), created);
    expect(log(widened)[1]).toEqual({ at: NOW, by: 'paul', changed: ['dave'], pending: ['dave (user paul)'] });
    expect(approves(widened, 'paul')).toBe(false);
    expect(approves(widened, 'dave')).toBe(true);
  });

  it('an approver\'s unrelated edit does not confirm; its confirmation with the pending digest does, and is consumed', () => {
    const added = mustWrite('paul', edit(created, [alice, carol, dave, paulAsApprover]), created);
    const touched = mustWrite('alice', edit(added, [{ ...alice, email: 'alice@x.example' }, carol, dave, paulAsApprover]), added);
    expect(approves(touched, 'paul')).toBe(false);
    const digest = pendingDigest(pendingGrants(touched));
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const confirmed = mustWrite('alice', edit(touched, touched.spec.contacts, { [CONFIRM_APPROVERS_ANNOTATION]: digest }), touched);
    expect(approves(confirmed, 'paul')).toBe(true);
    expect(confirmed.metadata.annotations?.[CONFIRM_APPROVERS_ANNOTATION]).toBeUndefined();
    // created, added, touched (changed alice, paul still pending), confirmed.
    expect(log(confirmed).slice(2)).toEqual([
      { at: NOW, by: 'alice', changed: ['alice'], pending: ['paul (user paul)'] },
      { at: NOW, by: 'alice', confirmed: ['paul (user paul)'], confirmation: digest },
    ]);
  });

  it.each<[string, string, (stored: Obj) => Obj, RegExp]>([
    ['a wrong digest', 'alice', (s) => edit(s, s.spec.contacts, { [CONFIRM_APPROVERS_ANNOTATION]: 'sha256:00' }), /^metadata\.annotations\[managedapps\.dev\/confirm-approvers\]: 'sha256:00' is not the digest of the pending grants/],
    ['the provider confirming', 'paul', (s) => edit(s, s.spec.contacts, { [CONFIRM_APPROVERS_ANNOTATION]: pendingDigest(pendingGrants(s)) }), /only a ChangeApprover contact in force confirms pending approvers; user 'paul'/],
    ['a contact without ChangeApprover edits the contacts', 'carol', (s) => edit(s, [...s.spec.contacts, { ...carol, name: 'carol2', users: ['carol2'] }]), /^spec\.contacts: user 'carol' is not a ChangeApprover contact of ManagedTenant 'acme'/],
    ['a stranger adds a contact', 'eve', (s) => edit(s, [...s.spec.contacts, { ...carol, name: 'eve', users: ['eve'] }]), /is not a ChangeApprover contact/],
    ['an approver edits the rest of the tenant', 'alice', (s) => edit(s, s.spec.contacts, {}, 'Acme'), /^spec: a client's ChangeApprover edits spec\.contacts only/],
    ['a forged grant list', 'paul', (s) => ({ ...s, metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, [APPROVERS_ANNOTATION]: '{"paul":{"users":["paul"]}}' } } }), /approvers\]: written by the admission webhook only/],
    ['a log rewritten', 'paul', (s) => ({ ...s, metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, [CONTACTS_LOG_ANNOTATION]: '[]' } } }), /contacts-log\]: written by the admission webhook only/],
  ])('refused: %s', (_name, user, body, expected) => {
    const added = mustWrite('paul', edit(created, [alice, carol, dave, paulAsApprover]), created);
    const forged = _name.startsWith('a forged') || _name.startsWith('a log');
    // Forged annotations are judged as if the mutating hook had not run (validate alone).
    if (forged) {
      const r = request('UPDATE', user, body(added), added);
      const v = validate(r, { view: view(added), identity, now });
      expect(v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ')).toMatch(expected);
      return;
    }
    const w = write(user, body(added), added);
    expect(w.ok ? 'allowed' : w.message).toMatch(expected);
  });

  it('a label by someone who is neither provider nor approver is RBAC\'s: admitted, nothing recorded', () => {
    const labelled = mustWrite('carol', { ...edit(created, created.spec.contacts), metadata: { ...edit(created, created.spec.contacts).metadata, labels: { team: 'a' } } }, created);
    expect(log(labelled)).toEqual(log(created));
  });

  it('a forged grant list or log in a body is overwritten by the mutating hook (a GitOps re-apply stays accepted)', () => {
    const reapplied = mustWrite('paul', tenant(created.spec.contacts, { [APPROVERS_ANNOTATION]: '{}', [CONTACTS_LOG_ANNOTATION]: '[]' }), created);
    expect(approvers(reapplied)).toEqual(approvers(created));
    expect(log(reapplied)).toEqual(log(created));
    // Without our annotations at all (a replace that drops them): put back too.
    expect(approvers(mustWrite('paul', tenant(created.spec.contacts), created))).toEqual(approvers(created));
  });

  it('an approver in force adds another itself: in force at once; removals by the provider take effect at once', () => {
    const bob: Contact = { name: 'bob', email: 'b@x.example', groups: ['acme:approvers'], roles: ['ChangeApprover'] };
    const withBob = mustWrite('alice', edit(created, [alice, carol, dave, bob]), created);
    expect(approvers(withBob)).toEqual({ alice: { users: ['alice'] }, bob: { groups: ['acme:approvers'] }, dave: { users: ['dave'] } });
    const withoutDave = mustWrite('paul', edit(withBob, [alice, carol, bob]), withBob);
    expect(approvers(withoutDave)).toEqual({ alice: { users: ['alice'] }, bob: { groups: ['acme:approvers'] } });
    expect(log(withoutDave).at(-1)).toEqual({ at: NOW, by: 'paul', removed: ['dave'] });
    // Dave back, by the provider: no longer in force, pending.
    const daveBack = mustWrite('paul', edit(withoutDave, [alice, carol, bob, dave]), withoutDave);
    expect(approves(daveBack, 'dave')).toBe(false);
  });

  it('a tenant from before (no annotation) has its approvers in force; the first write records them', () => {
    const legacy = tenant([alice, dave]);
    expect(approves(legacy, 'dave')).toBe(true);
    const next = mustWrite('paul', tenant([alice, dave, paulAsApprover]), legacy);
    expect(approvers(next)).toEqual({ alice: { users: ['alice'] }, dave: { users: ['dave'] } });
    expect(approves(next, 'paul')).toBe(false);
  });
});
