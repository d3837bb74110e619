// The change catalogue at admission (issue 14 item 5), on a fixture view: the mutating hook
// stamps a standard change's tokens from its item at creation and keeps the stamp; the
// validating hook refuses an unknown item, an item of the other category, and lets a change in a
// namespace without a catalogue through (GitOps order). The integration test runs them through
// the real API server (test/integration/change-catalog.test.ts).
import { describe, expect, it } from 'vitest';
import { catalogItemDigest, type ChangeCatalog, type ChangeRequest, type ManagedTenant } from '../api/v1alpha1/index.ts';
import { applyJsonPatch } from '../../test/support/json-patch.ts';
import type { AdmissionRequest, Operation } from './admission.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';

const ns = 'acme';
const NOW = new Date('2026-11-26T10:00:00Z');
const meta = (name: string, created = '2026-01-01T00:00:00Z', generation?: number) => ({ name, namespace: ns, creationTimestamp: created, ...(generation === undefined ? {} : { generation }) });
const tenant = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: meta('acme'),
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [{ name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['ChangeRequester', 'ChangeApprover'] }],
  },
} as unknown as ManagedTenant;
const catalog = (name = 'standard', items: { id: string; category: string; tokens: number }[] = [
  { id: 'database.user.create', category: 'StandardSimple', tokens: 1 },
  { id: 'database.index.maintenance', category: 'StandardComplex', tokens: 3 },
], generation = 4, created = '2026-01-01T00:00:00Z') => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeCatalog', metadata: meta(name, created, generation),
  spec: { items: items.map((i) => ({ ...i, title: i.id })) },
}) as unknown as ChangeCatalog;
const change = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', metadata: { name: 'c', namespace: ns },
  spec: { unitRefs: [{ name: 'u' }], category: 'StandardComplex', catalogItem: 'database.index.maintenance', summary: 's', accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: '2026-11-26T10:00:00Z', ...spec },
}) as unknown as ChangeRequest;
const view = (catalogs: ChangeCatalog[] | undefined): TenantView => ({
  tenants: () => [tenant], contracts: () => [], units: () => [], changes: () => [], incidents: () => [], reports: () => [],
  ...(catalogs === undefined ? {} : { catalogs: () => catalogs }),
});
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
const req = (kind: string, operation: Operation, object: unknown, user: string, groups: string[] = [], oldObject?: unknown): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind }, namespace: ns, operation, userInfo: { username: user, groups }, object, oldObject,
});
/** The object as the mutating hook leaves it. */
const mutated = (r: AdmissionRequest, catalogs: ChangeCatalog[] | undefined): ChangeRequest => {
  const v = mutate(r, view(catalogs), identity, NOW);
  if (!v.allowed) throw new Error('refused');
  return applyJsonPatch(r.object as ChangeRequest, v.patch ?? []);
};
/** The mutating then the validating hook, as the API server calls them. */
const admit = (r: AdmissionRequest, catalogs: ChangeCatalog[] | undefined): string => {
  const object = mutated(r, catalogs);
  const v = validate({ ...r, object }, { view: view(catalogs), identity, now: NOW });
  return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
};
const digest3 = catalogItemDigest({ id: 'database.index.maintenance', category: 'StandardComplex', tokens: 3 });

describe('a standard change is priced from its catalogue item at creation', () => {
  it('stamps the item\'s tokens and the catalogue, whatever the body says', () => {
    // The body asks 2 tokens; the item database.index.maintenance is 3 (generation 4 of 'standard').
    const out = mutated(req('ChangeRequest', 'CREATE', change({ tokens: 2 }), 'alice'), [catalog()]);
    expect(out.spec.tokens).toBe(3);
    expect(out.spec.catalogStamp).toEqual({ catalog: 'standard', generation: 4, digest: digest3 });
  });

  it('stamps a change that says no tokens', () => {
    const out = mutated(req('ChangeRequest', 'CREATE', change({ category: 'StandardSimple', catalogItem: 'database.user.create' }), 'alice'), [catalog()]);
    expect(out.spec.tokens).toBe(1);
    expect(out.spec.catalogStamp?.catalog).toBe('standard');
  });

  it('prices from the oldest catalogue of the namespace', () => {
    const newer = catalog('newer', [{ id: 'database.index.maintenance', category: 'StandardComplex', tokens: 9 }], 1, '2026-06-01T00:00:00Z');
    const out = mutated(req('ChangeRequest', 'CREATE', change(), 'alice'), [newer, catalog()]);
    expect(out.spec.tokens).toBe(3);
  });

  it('on update puts the stored stamp and tokens back (a GitOps re-apply without them)', () => {
    const stored = change({ tokens: 3, catalogStamp: { catalog: 'standard', generation: 4, digest: digest3 } });
    const reapplied = change({ summary: 'other words' });
    // The catalogue now says 5 tokens: the stored price stays.
    const out = mutated(req('ChangeRequest', 'UPDATE', reapplied, 'alice', [], stored), [catalog('standard', [{ id: 'database.index.maintenance', category: 'StandardComplex', tokens: 5 }], 5)]);
    expect(out.spec.tokens).toBe(3);
    expect(out.spec.catalogStamp).toEqual(stored.spec.catalogStamp);
  });

  it('removes a stamp the body brings: on a create without a catalogue, on an update of a change never stamped', () => {
    const forged = { catalog: 'standard', generation: 1, digest: digest3 };
    expect(mutated(req('ChangeRequest', 'CREATE', change({ tokens: 3, catalogStamp: forged }), 'alice'), undefined).spec.catalogStamp).toBeUndefined();
    expect(mutated(req('ChangeRequest', 'UPDATE', change({ tokens: 3, catalogStamp: forged }), 'alice', [], change({ tokens: 3 })), [catalog()]).spec.catalogStamp).toBeUndefined();
  });

  it('leaves a NonStandard change\'s quote alone', () => {
    const out = mutated(req('ChangeRequest', 'CREATE', change({ category: 'NonStandard', catalogItem: undefined, tokens: 12 }), 'p', ['provider']), [catalog()]);
    expect(out.spec.tokens).toBe(12);
    expect(out.spec.catalogStamp).toBeUndefined();
  });
});

describe('validate: the catalogue item', () => {
  it.each([
    ['an item of the catalogue', change(), [catalog()], /^allowed$/],
    ['an item it does not list', change({ catalogItem: 'database.drop.everything' }), [catalog()],
      /^spec\.catalogItem: 'database\.drop\.everything' is not an item of ChangeCatalog 'standard' \(spec\.items\[\]\.id: database\.user\.create, database\.index\.maintenance\); a change outside the catalogue is NonStandard, quoted$/],
    ['an item of the other category', change({ category: 'StandardSimple', catalogItem: 'database.index.maintenance', tokens: 1 }), [catalog()],
      /^spec\.category: item 'database\.index\.maintenance' of ChangeCatalog 'standard' is StandardComplex \(3 tokens\), not StandardSimple$/],
    // GitOps order: the catalogue may come after; the controller flags the change (Valid=False CatalogItemUnknown).
    ['no catalogue in the namespace yet', change({ catalogItem: 'anything' }), undefined, /^allowed$/],
    ['a NonStandard change naming no item', change({ category: 'NonStandard', catalogItem: undefined }), [catalog()], /^allowed$/],
  ])('%s', (_name, body, catalogs, expected) => {
    expect(admit(req('ChangeRequest', 'CREATE', body, 'alice'), catalogs)).toMatch(expected);
  });

  it('does not judge an update of a change created before the catalogue (its recorded price stays)', () => {
    const stored = change({ catalogItem: 'retired.item', tokens: 2 });
    // The provider records its completion: the item the catalogue no longer lists is not refused.
    expect(admit(req('ChangeRequest', 'UPDATE', change({ catalogItem: 'retired.item', tokens: 2, completedAt: '2026-11-26T10:00:00Z' }), 'p', ['provider'], stored), [catalog()])).toBe('allowed');
  });
});

describe('validate: the ChangeCatalog', () => {
  it.each([
    ['the provider creates it', req('ChangeCatalog', 'CREATE', catalog(), 'p', ['provider']), [], /^allowed$/],
    ['a second catalogue in the namespace', req('ChangeCatalog', 'CREATE', catalog('other'), 'p', ['provider']), [catalog()],
      /^metadata\.name: namespace 'acme' already has ChangeCatalog 'standard': one catalogue per namespace/],
    ['an item listed twice', req('ChangeCatalog', 'CREATE', catalog('standard', [{ id: 'a', category: 'StandardSimple', tokens: 1 }, { id: 'a', category: 'StandardComplex', tokens: 2 }]), 'p', ['provider']), [],
      /spec\.items\[1\]\.id: 'a' is listed twice/],
    ['a StandardSimple item of 2 tokens (its CEL rule, offline)', req('ChangeCatalog', 'CREATE', catalog('standard', [{ id: 'a', category: 'StandardSimple', tokens: 2 }]), 'p', ['provider']), [],
      /^spec\.items\[0\]\.tokens: a StandardSimple item is exactly 1 token, not 2/],
  ])('%s', (_name, r, catalogs, expected) => {
    const v = validate(r, { view: view(catalogs), identity, now: NOW });
    expect(v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ')).toMatch(expected);
  });
});
