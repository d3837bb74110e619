// The admission decisions as tables, on a fixture view (the integration test runs them through
// the real API server; these pin the edge cases).
import { describe, expect, it } from 'vitest';
import type { ChangeRequest, ManagedTenant, ServiceUnit, SupportContract } from '../api/v1alpha1/index.ts';
import type { AdmissionRequest, Operation } from './admission.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';

const ns = 'acme';
const meta = (name: string, created = '2026-01-01T00:00:00Z') => ({ name, namespace: ns, creationTimestamp: created });
const tenant = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: meta('acme'),
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [
      { name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] },
      { name: 'ops', email: 'o@x.example', groups: ['acme:ops'], roles: ['IncidentReporter'] },
    ],
  },
} as unknown as ManagedTenant;
const contract = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'SupportContract', metadata: meta('c'),
  spec: { start: '2026-11-01', commitmentMonths: 12, supportChain: 'FullFrance', supportLevels: [{ environment: 'Production', level: 'Standard' }], subscribedLevels: ['OS'], prices: { currency: 'EUR', tokenPrice: 1 }, monthlyTokens: 0, acceleratedChangesPerYear: 2 },
} as unknown as SupportContract;
const base = { environment: 'Production', level: 'Standard' };
const tickets = { Premium: 90, Standard: 60, Initial: 45, NoSLA: 30 };
/** The contract with these SYNTEC indices. */
const syntec = (...indices: { year: number; index: number }[]) => ({ ...contract, spec: { ...contract.spec, syntecIndices: indices } }) as unknown as SupportContract;
/** The contract with these support level entries. */
const levels = (...entries: { environment: string; level: string; from?: string }[]) => ({ ...contract, spec: { ...contract.spec, supportLevels: entries } }) as unknown as SupportContract;
const unit = (name: string, vm: string, created?: string) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit', metadata: meta(name, created),
  spec: { level: 'OS', environment: 'Production', buildModel: 'FullBuild', levelThreeOwner: 'Provider', targets: [{ kind: 'VirtualMachine', name: vm }] },
}) as unknown as ServiceUnit;
const change = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', metadata: meta(name),
  spec: { unitRefs: [{ name: 'u' }], category: 'StandardSimple', catalogItem: 'x', summary: 's', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: '2026-03-01T10:00:00Z', ...spec },
}) as unknown as ChangeRequest;

// os-1 depends on os-2, which does not exist yet (GitOps order): creating os-2 with dependsOn os-1 closes a cycle.
const slaReport = (contractName: string, month: string) => ({ apiVersion: 'managedapps.dev/v1alpha1', kind: 'SLAReport', metadata: meta(`${contractName}-${month}`), spec: { contractRef: { name: contractName }, month } });
const view = (changes: ChangeRequest[] = []): TenantView => ({
  tenants: () => [tenant], contracts: () => [contract], units: () => [{ ...unit('os-1', 'vm-1'), spec: { ...unit('os-1', 'vm-1').spec, dependsOn: [{ name: 'os-2' }] } }], changes: () => changes, incidents: () => [], reports: () => [],
});
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
const req = (kind: string, operation: Operation, object: unknown, user: string, groups: string[] = [], oldObject?: unknown): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind }, namespace: ns, operation, userInfo: { username: user, groups }, object, oldObject,
});
const decide = (r: AdmissionRequest, changes: ChangeRequest[] = []) => {
  const v = validate(r, { view: view(changes), identity, now: new Date('2026-11-26T00:00:00Z') });
  return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
};

describe('validate', () => {
  it.each([
    // A client's incident opens at the request (now, 2026-11-26T00:00:00Z): the mutating hook stamps it.
    ['contact by group opens an incident', req('Incident', 'CREATE', { apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: meta('i'), spec: { unitRefs: [{ name: 'u' }], priority: 'P2', summary: 's', detection: 'Client', openedAt: '2026-11-26T00:00:00Z', cause: 'Unknown' } }, 'bob', ['acme:ops']), /^allowed$/],
    ['stranger opens an incident', req('Incident', 'CREATE', { apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: meta('i'), spec: { unitRefs: [{ name: 'u' }], priority: 'P2', summary: 's', detection: 'Client', openedAt: '2026-11-01T00:00:00Z', cause: 'Unknown' } }, 'eve'), /^metadata: user 'eve' is not a named contact/],
    ['second unit on vm-1', req('ServiceUnit', 'CREATE', unit('os-2', 'vm-1', '2026-02-01T00:00:00Z'), 'p', ['provider']), /^spec\.targets\[0\]: VirtualMachine 'vm-1' is already managed by ServiceUnit 'os-1'/],
    // Issue 20: `VM-1` and `vm-1` are the same machine (DNS-like names, case-insensitive).
    ['second unit on VM-1 while os-1 holds vm-1', req('ServiceUnit', 'CREATE', unit('os-2', 'VM-1', '2026-02-01T00:00:00Z'), 'p', ['provider']), /^spec\.targets\[0\]: VirtualMachine 'VM-1' is already managed by ServiceUnit 'os-1' as 'vm-1' \(target names are compared case-insensitively\)/],
    ['one unit naming vm-2 twice, in two cases', req('ServiceUnit', 'CREATE', { ...unit('os-2', 'vm-2'), spec: { ...unit('os-2', 'vm-2').spec, targets: [{ kind: 'VirtualMachine', name: 'vm-2' }, { kind: 'VirtualMachine', name: 'VM-2' }] } }, 'p', ['provider']), /^spec\.targets\[1\]: VirtualMachine 'VM-2' is spec\.targets\[0\] again/],
    ['a unit depending on itself', req('ServiceUnit', 'CREATE', { ...unit('os-2', 'vm-2'), spec: { ...unit('os-2', 'vm-2').spec, dependsOn: [{ name: 'os-1' }, { name: 'os-2' }] } }, 'p', ['provider']), /^spec\.dependsOn\[1\]: ServiceUnit 'os-2' depends on itself/],
    ['the unit closing a cycle', req('ServiceUnit', 'CREATE', { ...unit('os-2', 'vm-2'), spec: { ...unit('os-2', 'vm-2').spec, dependsOn: [{ name: 'os-1' }] } }, 'p', ['provider']), /^spec\.dependsOn\[0\]: dependency cycle os-2 → os-1 → os-2/],
    ['the unit already holding vm-1 is updated', req('ServiceUnit', 'UPDATE', unit('os-1', 'vm-1'), 'p', ['provider'], unit('os-1', 'vm-1')), /^allowed$/],
    // Dated terms (domain.md §3). The contract starts 2026-11-01 on Standard; now is 2026-11-26 in Paris (November under way).
    // Its commitment on Standard: 6 months from 2026-11, to 2027-05.
    ['a lowering during the commitment', req('SupportContract', 'UPDATE', levels(base, { environment: 'Production', level: 'Initial', from: '2027-01' }), 'p', ['provider'], contract),
      /^spec\.supportLevels\[1\]\.level: Production cannot move down from Standard to Initial in 2027-01: the commitment on Standard runs until 2027-05/],
    ['a lowering once the commitment ended', req('SupportContract', 'UPDATE', levels(base, { environment: 'Production', level: 'Initial', from: '2027-05' }), 'p', ['provider'], contract), /^allowed$/],
    ['a raise from the 1st of next month', req('SupportContract', 'UPDATE', levels(base, { environment: 'Production', level: 'Premium', from: '2026-12' }), 'p', ['provider'], contract), /^allowed$/],
    ['a new level in the month under way', req('SupportContract', 'UPDATE', levels(base, { environment: 'PreProduction', level: 'Premium', from: '2026-11' }), 'p', ['provider'], contract),
      /^spec\.supportLevels\[1\]\.from: PreProduction Premium from 2026-11 would take effect in a month already begun \(the current month is 2026-11 in Europe\/Paris\)/],
    ['the edit of the entry in force', req('SupportContract', 'UPDATE', levels({ environment: 'Production', level: 'Premium' }), 'p', ['provider'], contract),
      /^spec\.supportLevels\[0\]\.level: the entry Production Standard from 2026-11 is in force \(the current month is 2026-11 in Europe\/Paris\): it cannot be edited; add an entry from 2026-12 instead/],
    ['the removal of an entry in force', req('SupportContract', 'UPDATE', levels({ environment: 'Production', level: 'Standard' }), 'p', ['provider'], levels(base, { environment: 'PreProduction', level: 'Standard' })),
      /^spec\.supportLevels: the entry PreProduction Standard from 2026-11 is in force/],
    ['the edit of an entry not in force yet', req('SupportContract', 'UPDATE', levels(base, { environment: 'Production', level: 'Premium', from: '2027-03' }), 'p', ['provider'], levels(base, { environment: 'Production', level: 'Premium', from: '2027-02' })), /^allowed$/],
    ['the token pack from the start, edited', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, monthlyTokens: 5 } }, 'p', ['provider'], contract), /^spec\.monthlyTokens: the token pack from the start \(0\) is in force since 2026-11-01/],
    ['the token price, amended from next month', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, amendments: [{ from: '2026-12', prices: { tokenPrice: 2 } }] } }, 'p', ['provider'], contract), /^allowed$/],
    ['an amendment in the month under way', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, amendments: [{ from: '2026-11', monthlyTokens: 3 }] } }, 'p', ['provider'], contract), /^spec\.amendments\[0\]\.from: an amendment from 2026-11 would take effect in a month already begun/],
    // issue 13: the ticket quota and prices are dated as the pack and the prices; a quota needs the prices (seed §9.5–§9.6).
    ['the ticket quota from the start, set once started', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, monthlyTickets: 20, prices: { ...contract.spec.prices, ticketPrices: tickets } } }, 'p', ['provider'], contract),
      /^spec\.monthlyTickets: the ticket quota from the start \(none\) is in force since 2026-11-01: change it from a later month with an entry of spec\.amendments \(from: 2026-12\).*; spec\.prices\.ticketPrices: spec\.prices\.ticketPrices is in force since 2026-11-01/],
    ['the ticket quota and prices, amended from next month', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, amendments: [{ from: '2026-12', monthlyTickets: 20, prices: { ticketPrices: tickets } }] } }, 'p', ['provider'], contract), /^allowed$/],
    ['a ticket quota without ticket prices', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, amendments: [{ from: '2026-12', monthlyTickets: 20 }, { from: '2027-01', prices: { ticketPrices: tickets } }] } }, 'p', ['provider'], contract),
      /^spec\.amendments\[0\]\.monthlyTickets: a ticket quota from 2026-12 needs the ticket prices in force by then/],
    // issue 13 item 4: the run revenue of the minimum guaranteed revenue (seed §9.4) is a base price: set from the start once started is refused; amended from next month (its upward revision) is not.
    ['the run revenue from the start, set once started', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, prices: { ...contract.spec.prices, runRevenue: { global: 90000, years: 3 } } } }, 'p', ['provider'], contract),
      /^spec\.prices\.runRevenue: spec\.prices\.runRevenue is in force since 2026-11-01: change it from a later month with an entry of spec\.amendments \(from: 2026-12\)/],
    ['the run revenue, amended from next month', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, amendments: [{ from: '2026-12', prices: { runRevenue: { global: 99000, years: 3 } } }] } }, 'p', ['provider'], contract), /^allowed$/],
    // The SYNTEC index of a year begun (2026) is history; one of a later year, or one published late, is not.
    ['the SYNTEC index of 2026, edited', req('SupportContract', 'UPDATE', syntec({ year: 2026, index: 300 }), 'p', ['provider'], syntec({ year: 2026, index: 298.7 })), /^spec\.syntecIndices\[0\]\.index: the SYNTEC index of 2026 \(298\.7\) is recorded for a year begun/],
    ['the SYNTEC index of 2026, removed', req('SupportContract', 'UPDATE', syntec(), 'p', ['provider'], syntec({ year: 2026, index: 298.7 })), /^spec\.syntecIndices: the SYNTEC index of 2026 \(298\.7\) is recorded for a year begun/],
    ['the SYNTEC index of 2026 added late, that of 2027 edited', req('SupportContract', 'UPDATE', syntec({ year: 2026, index: 298.7 }, { year: 2027, index: 305 }), 'p', ['provider'], syntec({ year: 2027, index: 304 })), /^allowed$/],
    ['the currency, changed', req('SupportContract', 'UPDATE', { ...contract, spec: { ...contract.spec, prices: { currency: 'USD', tokenPrice: 1 } } }, 'p', ['provider'], contract), /^spec\.prices\.currency: .*the currency of a contract never changes/],
    ['approval by the provider', req('ChangeRequest', 'UPDATE', change('c', { initiator: 'Provider', approval: { decision: 'Approved', approvedBy: 'alice', decidedAt: '2026-03-02T00:00:00Z' } }), 'p', ['provider'], change('c', { initiator: 'Provider' })), /^spec\.approval: user 'p'.* is not a ChangeApprover contact/],
    // Approved (an approval recorded before scope digests: it binds), so the requester's fields are frozen.
    ['unchanged approval, provider edits the summary', req('ChangeRequest', 'UPDATE', change('c', { initiator: 'Provider', summary: 't', approval: { decision: 'Approved', approvedBy: 'alice', decidedAt: '2026-03-02T00:00:00Z' } }), 'p', ['provider'], change('c', { initiator: 'Provider', approval: { decision: 'Approved', approvedBy: 'alice', decidedAt: '2026-03-02T00:00:00Z' } })), /^spec\.summary: frozen once the change is accepted, rejected or refused/],
    ['SLAReport by the provider', req('SLAReport', 'CREATE', {}, 'p', ['provider']), /operator only/],
    // The contract starts 2026-11-01; now is 2026-11-26 (Paris): November only.
    ['SLAReport of the contract\'s first month', req('SLAReport', 'CREATE', slaReport('c', '2026-11'), 'op'), /^allowed$/],
    ['SLAReport of a contract that does not exist', req('SLAReport', 'CREATE', slaReport('ghost', '2026-11'), 'op'), /^spec\.contractRef\.name: no SupportContract 'ghost' in namespace 'acme'/],
    // The schema's year bound (1970-2200) refuses it first; a sane month before the start is the webhook's.
    ['SLAReport for month 0000-01', req('SLAReport', 'CREATE', slaReport('c', '0000-01'), 'op'), /^spec\.month: year must be 1970 to 2200/],
    ['SLAReport for a month before the contract', req('SLAReport', 'CREATE', slaReport('c', '2026-10'), 'op'), /^spec\.month: 2026-10 is before the start of SupportContract 'c' \(spec\.start 2026-11-01\)/],
    ['SLAReport before the contract\'s start', req('SLAReport', 'CREATE', slaReport('c', '2026-10'), 'op'), /^spec\.month: 2026-10 is before the start/],
    ['SLAReport ahead of its month', req('SLAReport', 'CREATE', slaReport('c', '2026-12'), 'op'), /^spec\.month: 2026-12 has not begun in Europe\/Paris \(the current month is 2026-11\)/],
  ])('%s', (_name, request, expected) => {
    expect(decide(request)).toMatch(expected);
  });

  // The catalogue's rules (issue 15 item 1), each refusal naming the field. The contract subscribes OS only.
  const withSpec = (name: string, vm: string, extra: Record<string, unknown>) => ({ ...unit(name, vm), spec: { ...unit(name, vm).spec, ...extra } });
  const catalogueView = (units: ServiceUnit[], subscribed = ['OS']): TenantView => ({
    ...view(), contracts: () => [{ ...contract, spec: { ...contract.spec, subscribedLevels: subscribed } } as unknown as SupportContract], units: () => units,
  });
  it.each<[string, ServiceUnit, ServiceUnit[], string[] | undefined, RegExp]>([
    ['MONTHLY-36 on an OS VM (files)', withSpec('os-9', 'vm-9', { backup: { policy: 'MONTHLY-36', scope: 'Files' } }), [], undefined,
      /^spec\.backup\.policy: MONTHLY-36 does not back up files \(spec\.backup\.scope Files\)/],
    ['MONTHLY-36 on a Kubernetes unit', withSpec('k8s', 'x', { level: 'Kubernetes', targets: [{ kind: 'KubernetesCluster', name: 'aks' }], backup: { policy: 'MONTHLY-36', scope: 'Files' } }), [], ['OS', 'Kubernetes'],
      /^spec\.backup: backup is offered to units at OS, Database, Middleware, Containers, Application level, not Kubernetes/],
    ['WEEKLY-1 on an OS VM', withSpec('os-9', 'vm-9', { backup: { policy: 'WEEKLY-1', scope: 'Files' } }), [], undefined, /^allowed$/],
    ['an RDS unit without ActiveDirectory subscribed', withSpec('rds', 'vm-9', { family: 'RDS' }), [], undefined,
      /^spec\.family: RDS requires ActiveDirectory to be subscribed \(domain\.md §2\): SupportContract 'c' spec\.subscribedLevels is OS/],
    ['an RDS unit with ActiveDirectory subscribed', withSpec('rds', 'vm-9', { family: 'RDS' }), [], ['OS', 'ActiveDirectory'], /^allowed$/],
    ['a dependency on a NoBuild unit', withSpec('app', 'vm-9', { dependsOn: [{ name: 'nb' }] }), [withSpec('nb', 'vm-8', { buildModel: 'NoBuild' })], undefined,
      /^spec\.dependsOn\[0\]: ServiceUnit 'nb' is NoBuild \(its spec\.buildModel\): not managed/],
    ['an ActiveDirectory unit on one VM: flagged by its condition, not refused', withSpec('ad-1', 'dc1', { family: 'ActiveDirectory', activeDirectory: { domain: 'corp.example' } }), [], ['OS', 'ActiveDirectory'], /^allowed$/],
    ['a second ActiveDirectory domain', withSpec('ad-2', 'dc2', { family: 'ActiveDirectory', activeDirectory: { domain: 'other.example' } }),
      [withSpec('ad-1', 'dc1', { family: 'ActiveDirectory', activeDirectory: { domain: 'corp.example' } })], ['OS', 'ActiveDirectory'],
      /^spec\.activeDirectory\.domain: domain other\.example is a second domain: the tenant's ActiveDirectory is one forest with one domain, corp\.example \(ServiceUnit ad-1/],
    ['an ActiveDirectory unit naming no domain', withSpec('ad-1', 'dc1', { family: 'ActiveDirectory' }), [], ['OS', 'ActiveDirectory'], /^spec\.activeDirectory\.domain: an ActiveDirectory unit names its domain/],
  ])('catalogue: %s', (_name, object, units, subscribed, expected) => {
    const v = validate(req('ServiceUnit', 'CREATE', object, 'p', ['provider']), { view: catalogueView(units, subscribed), identity, now: new Date('2026-11-26T00:00:00Z') });
    expect(v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ')).toMatch(expected);
  });

  it('refuses a contract subscribing RDS without ActiveDirectory, and accepts it with', () => {
    const rds = (levels: string[]) => ({ ...contract, spec: { ...contract.spec, subscribedLevels: levels } });
    expect(decide(req('SupportContract', 'UPDATE', rds(['OS', 'RDS']), 'p', ['provider'], contract))).toMatch(/^spec\.subscribedLevels: RDS requires ActiveDirectory to be subscribed/);
    expect(decide(req('SupportContract', 'UPDATE', rds(['OS', 'RDS', 'ActiveDirectory']), 'p', ['provider'], contract))).toBe('allowed');
  });

  it('refuses a unit whose probe targets the cluster\'s API server, naming the field, unless internal targets are allowed', () => {
    const probing = { ...unit('os-9', 'vm-9'), spec: { ...unit('os-9', 'vm-9').spec, monitoring: { httpGet: { url: 'https://10.96.0.1:443/api/v1/secrets' } } } } as unknown as ServiceUnit;
    const r = req('ServiceUnit', 'CREATE', probing, 'p', ['provider']);
    const ctx = { view: view(), identity, now: new Date('2026-11-26T00:00:00Z') };
    const refused = validate(r, { ...ctx, internalEndpoints: { apiServer: 'https://10.96.0.1', namespace: 'managedapps-system', ports: [8080] } });
    expect(refused.allowed ? [] : refused.violations).toEqual([
      { path: 'spec.monitoring.httpGet.url', message: expect.stringMatching(/^10\.96\.0\.1:443 is the cluster's own API server/) as unknown },
    ]);
    expect(validate(r, ctx).allowed).toBe(true);
  });

  // The operator is whoever `operatorUsername` names: its ServiceAccount in a cluster, the local
  // admin under `managedapps dev`. No user-name pattern is assumed.
  const report = { apiVersion: 'managedapps.dev/v1alpha1', kind: 'SLAReport', metadata: meta('acme-2026-11'), spec: { contractRef: { name: 'c' }, month: '2026-11' } };
  it.each<[string, { providerGroups: string[]; operatorUsername: string }, string, string[], RegExp]>([
    ['the configured operator (a service account)', { providerGroups: ['provider'], operatorUsername: 'system:serviceaccount:ops:op' }, 'system:serviceaccount:ops:op', ['system:serviceaccounts'], /^allowed$/],
    ['the configured operator (the dev admin, also a provider group member)', { providerGroups: ['provider', 'system:masters'], operatorUsername: 'kubernetes-admin' }, 'kubernetes-admin', ['system:masters'], /^allowed$/],
    ['another service account of the same namespace', { providerGroups: ['provider'], operatorUsername: 'system:serviceaccount:ops:op' }, 'system:serviceaccount:ops:other', ['system:serviceaccounts'], /operator only/],
    ['a provider-group member that is not the configured operator', { providerGroups: ['provider', 'system:masters'], operatorUsername: 'kubernetes-admin' }, 'someone', ['system:masters'], /operator only/],
  ])('SLAReport created by %s', (_name, config, user, groups, expected) => {
    const v = validate(req('SLAReport', 'CREATE', report, user, groups), { view: view(), identity: config, now: new Date('2026-11-26T00:00:00Z') });
    expect(v.allowed ? 'allowed' : v.violations.map((x) => x.message).join('; ')).toMatch(expected);
  });

  // By the provider: a client's requestedAt is the time of its request.
  it('the quota of the contract (2 here) counts per calendar year, and an earlier request cannot push a counted one out', () => {
    const two = [change('a', { accelerated: true, requestedAt: '2026-03-01T10:00:00Z' }), change('b', { accelerated: true, requestedAt: '2026-04-01T10:00:00Z' })];
    expect(decide(req('ChangeRequest', 'CREATE', change('c', { accelerated: true, requestedAt: '2026-05-01T10:00:00Z' }), 'p', ['provider']), two)).toMatch(/^spec\.accelerated: accelerated change 3 of 2026: at most 2 a year/);
    expect(decide(req('ChangeRequest', 'CREATE', change('c', { accelerated: true, requestedAt: '2026-01-01T10:00:00Z' }), 'p', ['provider']), two)).toMatch(/^spec\.accelerated: would push accelerated change 'b' beyond the 2 of 2026/);
    expect(decide(req('ChangeRequest', 'CREATE', change('c', { accelerated: true, requestedAt: '2027-01-01T10:00:00Z' }), 'p', ['provider']), two)).toBe('allowed');
  });

  it('a release (seed Table 1) is refused on a unit not at level Application, naming the field; over the quota it is flagged, not refused', () => {
    // os-1 is an OS unit (the view's); 'u' is not applied yet (GitOps order): not refused.
    expect(decide(req('ChangeRequest', 'CREATE', change('r', { release: true, unitRefs: [{ name: 'u' }, { name: 'os-1' }] }), 'p', ['provider']))).toBe(
      "spec.unitRefs[1]: ServiceUnit 'os-1' is at level OS: a release (spec.release) is a change on a managed application, level Application (seed Table 1)",
    );
    expect(decide(req('ChangeRequest', 'CREATE', change('r', { release: true }), 'p', ['provider']))).toBe('allowed');
    // Standard in production: quota 2; a third release of March 2026 is admitted (the controller flags it, billed as a change).
    const two = [change('a', { release: true, requestedAt: '2026-03-02T10:00:00Z' }), change('b', { release: true, requestedAt: '2026-03-03T10:00:00Z' })];
    expect(decide(req('ChangeRequest', 'CREATE', change('c', { release: true, requestedAt: '2026-03-04T10:00:00Z' }), 'p', ['provider']), two)).toBe('allowed');
  });
});

describe('mutate', () => {
  it('puts the stored requester back on update, and removes one the body added to an object without', () => {
    const stored = change('c', { requester: { username: 'alice' } });
    const spoofed = change('c', { requester: { username: 'mallory' } });
    const back = mutate(req('ChangeRequest', 'UPDATE', spoofed, 'mallory', [], stored), view(), identity, new Date('2026-11-26T00:00:00Z'));
    expect(back).toEqual({ allowed: true, patch: [{ op: 'add', path: '/spec/requester', value: { username: 'alice' } }] });
    const removed = mutate(req('ChangeRequest', 'UPDATE', spoofed, 'mallory', [], change('c')), view(), identity, new Date('2026-11-26T00:00:00Z'));
    expect(removed).toEqual({ allowed: true, patch: [{ op: 'remove', path: '/spec/requester' }] });
  });
});

describe('patch campaigns and declined patches (seed §5.9.2, §9.10)', () => {
  const app = { ...unit('app-1', 'vm-9'), spec: { ...unit('app-1', 'vm-9').spec, level: 'Application' } } as unknown as ServiceUnit;
  const campaign = (name: string, approval?: Record<string, unknown>) => change(name, {
    unitRefs: [{ name: 'os-1' }], initiator: 'Provider', requestedAt: '2026-11-20T10:00:00Z', patch: { patches: ['KB5034441'] }, ...(approval === undefined ? {} : { approval }),
  });
  const declined = campaign('patch-nov', { decision: 'Rejected', approvedBy: 'alice', decidedAt: '2026-11-21T10:00:00Z' });
  const incident = (ref: string, openedAt = '2026-11-24T10:00:00Z') => ({
    apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: meta('inc'),
    spec: { unitRefs: [{ name: 'os-1' }], priority: 'P1', summary: 's', detection: 'Client', openedAt, cause: 'Client', declinedPatchRef: { name: ref } },
  });
  const run = (r: AdmissionRequest, changes: ChangeRequest[]) => {
    const v = validate(r, { view: { ...view(changes), units: () => [unit('os-1', 'vm-1'), app] }, identity, now: new Date('2026-11-26T00:00:00Z') });
    return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
  };
  it.each<[string, AdmissionRequest, ChangeRequest[], RegExp]>([
    ['a campaign on an OS unit', req('ChangeRequest', 'CREATE', campaign('p1'), 'p', ['provider']), [], /^allowed$/],
    ['a campaign on an Application unit, named by its index', req('ChangeRequest', 'CREATE', { ...campaign('p1'), spec: { ...campaign('p1').spec, unitRefs: [{ name: 'os-1' }, { name: 'app-1' }] } }, 'p', ['provider']), [],
      /^spec\.unitRefs\[1\]: ServiceUnit 'app-1' is at level Application: a patch campaign \(spec\.patch\) is on OS, Database, Middleware units only \(seed §5\.9\.2\)$/],
    ['an incident naming a campaign the client declined before it opened', req('Incident', 'CREATE', incident('patch-nov'), 'p', ['provider']), [declined], /^allowed$/],
    ['an incident naming a change not applied yet (GitOps order)', req('Incident', 'CREATE', incident('patch-later'), 'p', ['provider']), [declined], /^allowed$/],
    ['an incident naming a change that is not a campaign', req('Incident', 'CREATE', incident('resize'), 'p', ['provider']), [change('resize')],
      /^spec\.declinedPatchRef: ChangeRequest 'resize' is not a patch campaign the client declined: it is not a patch campaign \(no spec\.patch\)$/],
    ['an incident naming a campaign the client approved', req('Incident', 'CREATE', incident('patch-ok'), 'p', ['provider']), [campaign('patch-ok', { decision: 'Approved', approvedBy: 'alice', decidedAt: '2026-11-21T10:00:00Z' })],
      /^spec\.declinedPatchRef: ChangeRequest 'patch-ok' is not a patch campaign the client declined: the client has not declined it/],
    ['an incident opened before the decline', req('Incident', 'CREATE', incident('patch-nov', '2026-11-21T09:00:00Z'), 'p', ['provider']), [declined],
      /^spec\.declinedPatchRef: .* it was declined at 2026-11-21T10:00:00Z, after the incident opened: it cannot have caused it$/],
  ])('%s', (_name, r, changes, expected) => {
    expect(run(r, changes)).toMatch(expected);
  });
});
