// Runbooks at admission (issue 14 item 3): a runbook in another namespace and a privileged pod are
// refused naming the field; the runbook is the provider's to write; the operator records the
// completion its Job carried out. Through validate() on a fixture view (the KWOK integration test,
// test/integration/runbooks.test.ts, runs the controller's side on a real API server).
import { describe, expect, it } from 'vitest';
import { celChecker } from '../api/cel.ts';
import { changeRequestKind, type ChangeRequest, type ManagedTenant } from '../api/v1alpha1/index.ts';
import type { AdmissionRequest, Operation } from './admission.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';
import { applyJsonPatch } from '../../test/support/json-patch.ts';

const ns = 'acme';
const tenant = {
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: { name: 'acme', namespace: ns },
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [{ name: 'alice', email: 'a@x.example', users: ['alice'], roles: ['ChangeRequester', 'ChangeApprover'] }],
  },
} as unknown as ManagedTenant;
const view: TenantView = { tenants: () => [tenant], contracts: () => [], units: () => [], changes: () => [], incidents: () => [], reports: () => [] };
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
const NOW = new Date('2026-11-20T12:00:00Z');

const pod = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  template: { spec: { restartPolicy: 'Never', containers: [{ name: 'patch', image: 'registry.example/patch:1', ...container }], ...extra } },
});
const change = (runbook: Record<string, unknown> | undefined, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', metadata: { name: 'chg', namespace: ns },
  spec: {
    unitRefs: [{ name: 'u' }], category: 'StandardSimple', catalogItem: 'x', summary: 's', tokens: 1, accelerated: false, outsideBusinessHours: false,
    initiator: 'Provider', requestedAt: '2026-11-20T11:00:00Z', ...(runbook === undefined ? {} : { runbook }), ...spec,
  },
}) as unknown as ChangeRequest;
const req = (operation: Operation, object: unknown, user: string, groups: string[], oldObject?: unknown): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'ChangeRequest' }, namespace: ns, operation, userInfo: { username: user, groups }, object, oldObject,
});
/** The API server's order: the mutating hook's patch applied (the history annotation, the stamps), then the validating hook. */
const decide = (r: AdmissionRequest): string => {
  const m = mutate(r, view, identity, NOW);
  const object = m.allowed && m.patch !== undefined ? applyJsonPatch(r.object, m.patch) : r.object;
  const v = validate({ ...r, object }, { view, identity, now: NOW });
  return v.allowed ? 'allowed' : v.violations.map((x) => `${x.path}: ${x.message}`).join('; ');
};
const asProvider = (object: unknown, oldObject?: unknown) => req(oldObject === undefined ? 'CREATE' : 'UPDATE', object, 'paul', ['provider'], oldObject);

describe('a runbook at admission', () => {
  it.each([
    ['a plain Job', { template: { spec: pod() } }, /^allowed$/],
    ['in its own namespace, named', { template: { metadata: { namespace: ns }, spec: pod() } }, /^allowed$/],
    ['in another namespace', { template: { metadata: { namespace: 'kube-system' }, spec: pod() } }, /^spec\.runbook\.template\.metadata\.namespace: a runbook runs in the ChangeRequest's namespace 'acme' only, not in 'kube-system'$/],
    ['a privileged container', { template: { spec: pod({}, { securityContext: { privileged: true } }) } }, /^spec\.runbook\.template\.spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: a runbook's container is never privileged$/],
    ['a privileged init container of the rollback', { template: { spec: pod() }, rollback: { spec: pod({ initContainers: [{ name: 'i', image: 'x', securityContext: { privileged: true } }] }) } }, /^spec\.runbook\.rollback\.spec\.template\.spec\.initContainers\[0\]\.securityContext\.privileged:/],
    ['allowPrivilegeEscalation', { template: { spec: pod({}, { securityContext: { allowPrivilegeEscalation: true } }) } }, /containers\[0\]\.securityContext\.allowPrivilegeEscalation: a runbook's container may not escalate/],
    ['an added capability', { template: { spec: pod({}, { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }) } }, /containers\[0\]\.securityContext\.capabilities\.add: a runbook's container adds no capability \(NET_ADMIN\)/],
    ['hostPID and hostNetwork', { template: { spec: pod({ hostPID: true, hostNetwork: true }) } }, /^spec\.runbook\.template\.spec\.template\.spec\.hostPID: .*; spec\.runbook\.template\.spec\.template\.spec\.hostNetwork: /],
    ['a hostPath volume', { template: { spec: pod({ volumes: [{ name: 'root', hostPath: { path: '/' } }] }) } }, /^spec\.runbook\.template\.spec\.template\.spec\.volumes\[0\]\.hostPath: a runbook's pod mounts no directory of the node$/],
    ['no container', { template: { spec: { template: { spec: { containers: [] } } } } }, /^spec\.runbook\.template\.spec\.template\.spec\.containers: a Job's pod template has at least one container$/],
  ])('%s', (_name, runbook, expected) => {
    expect(decide(asProvider(change(runbook)))).toMatch(expected);
  });

  it('is the provider\'s: a client contact may not give one, even on its own change', () => {
    const mine = change({ template: { spec: pod() } }, { initiator: 'Client', requestedAt: NOW.toISOString() });
    expect(decide(req('CREATE', mine, 'alice', []))).toMatch(/^spec\.runbook: set by provider only; user 'alice'/);
    const without = change(undefined, { initiator: 'Client', requestedAt: NOW.toISOString() });
    expect(decide(asProvider(mine, without))).toBe('allowed');
  });

  it('the operator records the completion of a change (its Job\'s success); a client may not', () => {
    const approved = change({ template: { spec: pod() } }, { initiator: 'Client' });
    const done = { ...approved, spec: { ...approved.spec, completedAt: '2026-11-20T12:00:00Z' } };
    expect(decide(req('UPDATE', done, 'op', [], approved))).toBe('allowed');
    expect(decide(req('UPDATE', done, 'alice', [], approved))).toMatch(/^spec\.completedAt: changed by provider or operator only/);
  });
});

describe('a runbook in the CRD (CEL, per object)', () => {
  const check = celChecker(changeRequestKind);
  it('a change executed outside business hours names the window its runbook runs in', () => {
    const outside = change({ template: { spec: pod() } }, { outsideBusinessHours: true });
    expect(check(outside).map((v) => v.message)).toContain('spec.runbook.windowRef: a change executed outside business hours names the MaintenanceWindow its runbook runs in');
    const named = change({ template: { spec: pod() }, windowRef: { name: 'nights' } }, { outsideBusinessHours: true });
    expect(check(named)).toEqual([]);
  });
});
