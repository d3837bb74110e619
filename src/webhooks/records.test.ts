// Records kept and traced (records.ts), through mutate() then validate() on a fixture view, as the
// API server runs them; test/integration/records.test.ts runs the same on a real API server.
import { describe, expect, it } from 'vitest';
import { HISTORY_ANNOTATION, RETENTION_FINALIZER, parseHistory, type Incident, type ManagedTenant, type SLAReport, type ServiceUnit, type SupportContract } from '../api/v1alpha1/index.ts';
import { applyJsonPatch } from '../../test/support/json-patch.ts';
import type { AdmissionRequest, Operation } from './admission.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';

const ns = 'acme';
const NOW = '2026-11-26T10:00:00Z';
const now = new Date(NOW);
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: ns, creationTimestamp: '2026-09-01T00:00:00Z', ...extra });
const tenant = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: meta('acme'),
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [
      { name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['IncidentReporter'] },
      { name: 'dave', email: 'd@x.example', users: ['dave'], roles: ['SLAClaimer'] },
    ],
  },
} as unknown as ManagedTenant;
const contract = { apiVersion: 'managedapps.dev/v1alpha1', kind: 'SupportContract', metadata: meta('c'), spec: { start: '2026-09-01', subscribedLevels: ['OS'] } } as unknown as SupportContract;
const incident = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: meta(name, metadata),
  spec: { unitRefs: [{ name: 'os-1' }], priority: 'P2', summary: 's', detection: 'Client', openedAt: '2026-11-26T08:00:00Z', cause: 'Unknown', ...spec },
}) as unknown as Incident;
const change = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', metadata: meta(name),
  spec: { unitRefs: [{ name: 'os-1' }], category: 'StandardSimple', catalogItem: 'x', summary: 's', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: NOW, ...spec },
});
const unit = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit', metadata: meta(name),
  spec: { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }], ...spec },
}) as unknown as ServiceUnit;
const report = (month: string, final: boolean, incidents: string[] = [], changes: string[] = []) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'SLAReport', metadata: meta(`c-${month}`), spec: { contractRef: { name: 'c' }, month },
  status: { final, gtr: { incidents: incidents.map((name) => ({ name })) }, gtc: { changes: changes.map((name) => ({ name })) } },
}) as unknown as SLAReport;

// October final (lists old-inc and old-chg), November open; September has no report (its end + 24 h passed: final).
const reports = [report('2026-10', true, ['old-inc'], ['old-chg']), report('2026-11', false)];
// A November incident on os-oct, a unit retired in October.
const stored = [incident('nov-inc', { unitRefs: [{ name: 'os-oct' }], openedAt: '2026-11-02T10:00:00Z', resolvedAt: '2026-11-02T12:28:00Z' })];
const view: TenantView = { tenants: () => [tenant], contracts: () => [contract], units: () => [], changes: () => [], incidents: () => stored, reports: () => reports };
const identity = { providerGroups: ['provider'], operatorUsername: 'system:serviceaccount:ops:op', breakGlassGroups: ['sre:break-glass'] };
const users: Record<string, { username: string; groups: string[] }> = {
  alice: { username: 'alice', groups: [] },
  dave: { username: 'dave', groups: [] },
  eve: { username: 'eve', groups: [] },
  paul: { username: 'paul', groups: ['provider'] },
  glass: { username: 'gina', groups: ['sre:break-glass'] },
  operator: { username: 'system:serviceaccount:ops:op', groups: [] },
};
const req = (kind: string, operation: Operation, user: string, object: unknown, oldObject?: unknown): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind }, namespace: ns, name: (oldObject as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? 'x',
  operation, userInfo: users[user] ?? { username: user }, object, oldObject,
});
/** The API server's order: the mutating hook's patch applied, then the validating hook. */
const admit = (r: AdmissionRequest, ctx: { retentionMonths?: number } = {}): { verdict: string; object: unknown } => {
  const m = r.operation === 'DELETE' ? undefined : mutate(r, view, identity, now);
  const object = m?.allowed === true && m.patch !== undefined ? applyJsonPatch(r.object, m.patch) : r.object;
  const v = validate({ ...r, object }, { view, identity, now, ...ctx });
  return { verdict: v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; '), object };
};
const del = (kind: string, user: string, old: unknown, ctx: { retentionMonths?: number } = {}): string => admit(req(kind, 'DELETE', user, null, old), ctx).verdict;

describe('records kept: deletions refused, with the reason, for everyone but the break-glass group', () => {
  it.each<[string, string, string, unknown, RegExp, { retentionMonths?: number }?]>([
    ['provider deletes the final October report', 'SLAReport', 'paul', reports[0], /^status\.final: user 'paul' \(groups provider\) may not delete SLAReport 'c-2026-10': the report of 2026-10 is final, the record of its month \(domain\.md §9: records are kept\); only a member of the break-glass group 'sre:break-glass' may$/],
    ['the operator deletes the final October report', 'SLAReport', 'operator', reports[0], /may not delete SLAReport 'c-2026-10': the report of 2026-10 is final/],
    ['break-glass deletes the final October report', 'SLAReport', 'glass', reports[0], /^allowed$/],
    ['provider deletes the open November report (re-created by the contract\'s controller)', 'SLAReport', 'paul', reports[1], /^allowed$/],
    // Past its retention (resolved 2025-01-02 + 15 months = 2026-04-02) but October's final report lists it.
    ['provider deletes an incident a final report lists', 'Incident', 'paul', incident('old-inc', { openedAt: '2025-01-01T00:00:00Z', resolvedAt: '2025-01-02T00:00:00Z' }), /^metadata: .* may not delete Incident 'old-inc': final SLAReport 'c-2026-10' lists it/],
    ['provider deletes a change a final report lists', 'ChangeRequest', 'paul', change('old-chg', { requestedAt: '2025-01-01T00:00:00Z', completedAt: '2025-01-02T00:00:00Z' }), /may not delete ChangeRequest 'old-chg': final SLAReport 'c-2026-10' lists it/],
    ['provider deletes an unlisted incident past its retention', 'Incident', 'paul', incident('stale', { openedAt: '2025-01-01T00:00:00Z', resolvedAt: '2025-01-02T00:00:00Z' }), /^allowed$/],
    // Closed 2026-10-01T12:00Z + 15 months = 2028-01-01T12:00Z.
    ['provider deletes an incident within its retention (from its latest instant, closedAt)', 'Incident', 'paul', incident('young', { openedAt: '2026-09-30T10:00:00Z', resolvedAt: '2026-09-30T12:00:00Z', closedAt: '2026-10-01T12:00:00Z' }), /may not delete Incident 'young': it is kept until 2028-01-01T12:00:00Z \(its latest instant plus the retention of 15 months\)/],
    // The same with a retention of 1 month (an operator flag): 2026-11-01T12:00Z, before NOW.
    ['provider deletes it with --record-retention-months 1', 'Incident', 'paul', incident('young', { openedAt: '2026-09-30T10:00:00Z', resolvedAt: '2026-09-30T12:00:00Z', closedAt: '2026-10-01T12:00:00Z' }), /^allowed$/, { retentionMonths: 1 }],
    // A change: requested 2026-10-05, completed 2026-10-06T10:00Z + 15 months = 2028-01-06T10:00Z.
    ['provider deletes a change within its retention', 'ChangeRequest', 'paul', change('chg', { requestedAt: '2026-10-05T10:00:00Z', completedAt: '2026-10-06T10:00:00Z' }), /may not delete ChangeRequest 'chg': it is kept until 2028-01-06T10:00:00Z/],
    ['break-glass deletes an incident within its retention', 'Incident', 'glass', incident('young'), /^allowed$/],
    ['client contact deletes an incident (not the provider)', 'Incident', 'alice', incident('young'), /^metadata: user 'alice' may not delete Incident 'young': the provider and the operator delete our records/],
    // No subscription: subscribed in every month since the contract's start; November is not final.
    ['provider deletes a unit subscribed now', 'ServiceUnit', 'paul', unit('os-1'), /^metadata: .* may not delete ServiceUnit 'os-1': it weighs in the report of 2026-11, not final yet \(its subscription or its incidents\): retire it with spec\.subscription\.end and delete it once that month is final/],
    ['provider deletes a unit retired in November', 'ServiceUnit', 'paul', unit('os-nov', { subscription: { start: '2026-09-01T00:00:00Z', end: '2026-11-10T00:00:00Z' } }), /weighs in the report of 2026-11, not final yet/],
    // Retired 15 October: September (no report, its end + 24 h passed) and October (final) are closed.
    ['provider deletes a unit retired in October', 'ServiceUnit', 'paul', unit('os-sep', { subscription: { start: '2026-09-01T00:00:00Z', end: '2026-10-15T00:00:00Z' } }), /^allowed$/],
    // Retired in October too, but its November P1 (nov-inc) weighs in November's report.
    ['provider deletes a unit retired in October with a November incident', 'ServiceUnit', 'paul', unit('os-oct', { subscription: { start: '2026-09-01T00:00:00Z', end: '2026-10-15T00:00:00Z' } }), /may not delete ServiceUnit 'os-oct': it weighs in the report of 2026-11/],
    ['break-glass deletes a unit subscribed now', 'ServiceUnit', 'glass', unit('os-1'), /^allowed$/],
  ])('%s', (_name, kind, user, old, expected, ctx = {}) => {
    expect(del(kind, user, old, ctx)).toMatch(expected);
  });

  it('no break-glass group configured: the message says so', () => {
    const v = validate(req('SLAReport', 'DELETE', 'paul', null, reports[0]), { view, identity: { ...identity, breakGlassGroups: [] }, now });
    expect(v.allowed ? 'allowed' : v.violations[0]?.message).toMatch(/; no break-glass group is configured \(--break-glass-groups\)$/);
  });

  it('the retention finalizer is removed by the operator or break-glass only', () => {
    const held = incident('young', {}, { finalizers: [RETENTION_FINALIZER] });
    const released = incident('young', {}, { finalizers: [] });
    expect(admit(req('Incident', 'UPDATE', 'paul', released, held)).verdict).toMatch(/^metadata\.finalizers: managedapps\.dev\/retention is removed by the operator once the record's retention ends, not by user 'paul'/);
    expect(admit(req('Incident', 'UPDATE', 'operator', released, held)).verdict).toBe('allowed');
    expect(admit(req('Incident', 'UPDATE', 'glass', released, held)).verdict).toBe('allowed');
  });
});

describe('records traced: the mutating hook writes who, when, old → new; nobody else', () => {
  const historyOf = (o: unknown) => parseHistory((o as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[HISTORY_ANNOTATION]);

  it('the provider classifies and resolves: two entries by paul at NOW; then a cause changed after resolution is flagged', () => {
    const open = incident('i');
    const first = admit(req('Incident', 'UPDATE', 'paul', incident('i', { priority: 'P1', resolvedAt: '2026-11-26T09:00:00Z' }), open));
    expect(first.verdict).toBe('allowed');
    expect(historyOf(first.object)).toEqual([
      { at: NOW, by: 'paul', field: 'spec.priority', from: 'P2', to: 'P1' },
      { at: NOW, by: 'paul', field: 'spec.resolvedAt', to: '2026-11-26T09:00:00Z' },
    ]);
    const resolved = first.object as Incident;
    const second = admit(req('Incident', 'UPDATE', 'paul', { ...resolved, spec: { ...resolved.spec, cause: 'Client', exclusions: [{ start: '2026-11-26T08:00:00Z', end: '2026-11-26T08:30:00Z', reason: 'x' }] } }, resolved));
    expect(second.verdict).toBe('allowed');
    expect(historyOf(second.object)?.slice(2)).toEqual([
      { at: NOW, by: 'paul', field: 'spec.cause', from: 'Unknown', to: 'Client', afterClosure: true },
      { at: NOW, by: 'paul', field: 'spec.exclusions', to: [{ start: '2026-11-26T08:00:00Z', end: '2026-11-26T08:30:00Z', reason: 'x' }], afterClosure: true },
    ]);
  });

  it('the work time (issue 13) is traced after resolution without flagging an amendment: billing, not an SLA figure', () => {
    const resolved = incident('i', { resolvedAt: '2026-11-26T09:00:00Z' });
    const v = admit(req('Incident', 'UPDATE', 'paul', incident('i', { resolvedAt: '2026-11-26T09:00:00Z', workMinutes: 95 }), resolved));
    expect(v.verdict).toBe('allowed');
    expect(historyOf(v.object)).toEqual([{ at: NOW, by: 'paul', field: 'spec.workMinutes', to: 95 }]);
  });

  it('a change\'s tokens and completion are traced; an edit of other fields adds nothing', () => {
    const c = change('c', { category: 'NonStandard', catalogItem: undefined, tokens: undefined });
    const quoted = admit(req('ChangeRequest', 'UPDATE', 'paul', change('c', { category: 'NonStandard', catalogItem: undefined, tokens: 12, completedAt: NOW }), c));
    expect(quoted.verdict).toBe('allowed');
    expect(historyOf(quoted.object)?.map((e) => `${e.field} ${JSON.stringify(e.from)} → ${JSON.stringify(e.to)}`)).toEqual(['spec.tokens undefined → 12', `spec.completedAt undefined → "${NOW}"`]);
    const plain = admit(req('ChangeRequest', 'UPDATE', 'paul', change('d', { initiator: 'Provider', summary: 'other' }), change('d', { initiator: 'Provider' })));
    expect(plain.verdict).toBe('allowed');
    expect((plain.object as { metadata: { annotations?: unknown } }).metadata.annotations).toBeUndefined();
  });

  it('a trace written by hand is refused: edited, or added without the mutating hook', () => {
    const open = incident('i');
    const forged = { ...incident('i', { priority: 'P1' }), metadata: { ...meta('i'), annotations: { [HISTORY_ANNOTATION]: JSON.stringify([{ at: NOW, by: 'somebody-else', field: 'spec.priority', from: 'P2', to: 'P1' }]) } } };
    const v = validate(req('Incident', 'UPDATE', 'paul', forged, open), { view, identity, now });
    expect(v.allowed ? 'allowed' : v.violations.map((x) => x.message).join('; ')).toMatch(/written by the admission webhook only \(who changed the SLA fields, and when\): it is appended to, never edited/);
    const unrecorded = validate(req('Incident', 'UPDATE', 'paul', incident('i', { priority: 'P1' }), open), { view, identity, now });
    expect(unrecorded.allowed).toBe(false);
    const created = validate(req('Incident', 'CREATE', 'alice', forged), { view, identity, now });
    expect(created.allowed ? 'allowed' : created.violations.map((x) => x.message).join('; ')).toMatch(/a new record starts without one/);
  });
});

describe('a unit\'s backup acceptance test is traced (issue 15 item 3, seed §5.10.3)', () => {
  const historyOf = (o: unknown) => parseHistory((o as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[HISTORY_ANNOTATION]);
  const accepted = { passedAt: '2026-11-25T16:00:00Z', acceptedBy: 'jane.doe@acme.example', reference: 'PV-2026-017' };

  it('recording the acceptance test and validating the Backup prerequisite: two entries by paul at NOW', () => {
    const before = unit('os-1', { backup: { policy: 'WEEKLY-1' }, prerequisites: { validated: ['Connectivity'] } });
    const after = unit('os-1', { backup: { policy: 'WEEKLY-1', acceptanceTest: accepted }, prerequisites: { validated: ['Connectivity', 'Backup'] } });
    const r = admit(req('ServiceUnit', 'UPDATE', 'paul', after, before));
    expect(r.verdict).toBe('allowed');
    expect(historyOf(r.object)).toEqual([
      { at: NOW, by: 'paul', field: 'spec.backup', from: { policy: 'WEEKLY-1' }, to: { acceptanceTest: { acceptedBy: 'jane.doe@acme.example', passedAt: '2026-11-25T16:00:00Z', reference: 'PV-2026-017' }, policy: 'WEEKLY-1' } },
      { at: NOW, by: 'paul', field: 'spec.prerequisites', from: { validated: ['Connectivity'] }, to: { validated: ['Connectivity', 'Backup'] } },
    ]);
    // An edit of another field (the environment) adds nothing; the stored trace is kept as it is.
    const edited = r.object as ServiceUnit;
    const again = admit(req('ServiceUnit', 'UPDATE', 'paul', { ...edited, spec: { ...edited.spec, environment: 'PreProduction' } }, edited));
    expect(again.verdict).toBe('allowed');
    expect(historyOf(again.object)).toHaveLength(2);
  });

  it('an acceptance test changed by hand in the trace is refused', () => {
    const before = unit('os-1', { backup: { policy: 'WEEKLY-1', acceptanceTest: accepted } });
    const forged = { ...unit('os-1', { backup: { policy: 'WEEKLY-1', acceptanceTest: { ...accepted, acceptedBy: 'somebody-else' } } }), metadata: { ...meta('os-1'), annotations: { [HISTORY_ANNOTATION]: '[]' } } };
    const v = validate(req('ServiceUnit', 'UPDATE', 'paul', forged, before), { view, identity, now });
    expect(v.allowed ? 'allowed' : v.violations.map((x) => x.path).join('; ')).toBe(`metadata.annotations[${HISTORY_ANNOTATION}]`);
  });
});

describe('a restore is a change on units with a backup policy (seed §5.10)', () => {
  const units = [unit('os-1', { backup: { policy: 'MONTHLY-12' } }), unit('os-2')];
  const withUnits: TenantView = { ...view, units: () => units };
  const restore = (spec: Record<string, unknown>) => change('r', { catalogItem: 'backup-restore', ...spec });
  const verdict = (spec: Record<string, unknown>): string => {
    const v = validate(req('ChangeRequest', 'CREATE', 'paul', restore(spec)), { view: withUnits, identity, now });
    return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
  };
  it('on a unit with a policy: allowed', () => {
    expect(verdict({ unitRefs: [{ name: 'os-1' }] })).toBe('allowed');
  });
  it('on a unit without one: refused, naming spec.unitRefs[1]', () => {
    expect(verdict({ unitRefs: [{ name: 'os-1' }, { name: 'os-2' }] })).toBe("spec.unitRefs[1]: ServiceUnit 'os-2' has no backup policy (spec.backup): there is no backup to restore from (domain.md §12)");
  });
  it('on a unit not applied yet: allowed (GitOps order; the change\'s Valid condition says it later)', () => {
    expect(verdict({ unitRefs: [{ name: 'later' }] })).toBe('allowed');
  });
});

describe('the client agrees to closure (domain.md §9)', () => {
  const resolved = incident('i', { resolvedAt: '2026-11-26T09:00:00Z' });
  const closing = incident('i', { resolvedAt: '2026-11-26T09:00:00Z', closedAt: '2026-11-20T00:00:00Z' });

  it('a contact with no IncidentReporter role closes: closedAt is the request\'s instant, closedBy who agreed, and the trace says so', () => {
    const out = admit(req('Incident', 'UPDATE', 'dave', closing, resolved));
    expect(out.verdict).toBe('allowed');
    const spec = (out.object as Incident).spec;
    expect(spec.closedAt).toBe(NOW);
    expect(spec.closedBy).toEqual({ username: 'dave', contacts: ['dave'] });
    expect(parseHistory((out.object as { metadata: { annotations: Record<string, string> } }).metadata.annotations[HISTORY_ANNOTATION])).toEqual([
      { at: NOW, by: 'dave', field: 'spec.closedAt', to: NOW, afterClosure: true },
    ]);
  });

  it.each<[string, string, AdmissionRequest, RegExp]>([
    ['the provider closes without the client', 'paul', req('Incident', 'UPDATE', 'paul', closing, resolved), /^spec\.closedAt: changed by client only/],
    ['a user who is not a contact closes', 'eve', req('Incident', 'UPDATE', 'eve', closing, resolved), /is not a named contact of ManagedTenant 'acme'/],
    ['a client contact names someone else as having agreed (the mutating hook did not run)', 'alice', req('Incident', 'UPDATE', 'alice', incident('i', { resolvedAt: '2026-11-26T09:00:00Z', closedAt: NOW, closedBy: { username: 'dave', contacts: ['dave'] } }), resolved), /spec\.closedBy: stamped by the admission webhook with who agreed \(alice, contact alice\)/],
    ['the provider re-creates a closed incident without who agreed', 'paul', req('Incident', 'CREATE', 'paul', incident('i', { resolvedAt: '2026-11-26T09:00:00Z', closedAt: NOW })), /^spec\.closedBy: a closed incident records who of the client agreed to close it/],
  ])('%s: refused', (_name, _user, r, expected) => {
    const v = _name.includes('did not run') ? validate(r, { view, identity, now }) : undefined;
    const verdict = v === undefined ? admit(r).verdict : v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
    expect(verdict).toMatch(expected);
  });

  it('the provider re-creates a closed incident with who agreed, as recorded', () => {
    expect(admit(req('Incident', 'CREATE', 'paul', incident('i', { resolvedAt: '2026-11-26T09:00:00Z', closedAt: NOW, closedBy: { username: 'alice', contacts: ['alice'] } }))).verdict).toBe('allowed');
  });
});
