// The yearly patch plan and declined patch campaigns on a real API server (issue 14 item 2; seed
// §5.8, §5.9.2, §9.10): the RBAC of config/rbac applied, the admission webhook in this process
// (url mode, this run's namespaces only), minted users, and the controllers in Managers whose
// clocks start at explicit instants. The webhook's clock starts at Thu 10 Dec 2026 09:00Z (the
// instant the plan of 2027 is agreed), never the day the test runs.
//
// The window: the second Tuesday of each month, 22:00 Paris (CET, UTC+1, in the months used), 4 h,
// requiring the client's approval: 14 Dec 2027 21:00Z-01:00Z and 11 Jan 2028 21:00Z-01:00Z.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUP, VERSION, type ChangeRequest, type Incident, type MaintenanceWindow, type ServiceUnit } from '../../src/api/v1alpha1/index.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { clockStartingAt, type Clock } from '../../src/runtime/clock.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { attempt } from '../support/attempt.ts';
import { PLURALS } from './fixtures.ts';

const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/patch-plan-test';
const CONFIG_NAME = `mao-patch-plan-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';
const CONTACTS_GROUP = `acme-${run}:contacts`;
const ZONE = 'Europe/Paris';
/** The webhook's clock: the plan of 2027 is agreed on Thu 10 Dec 2026 at 09:00Z. */
const AGREED_AT = new Date('2026-12-10T09:00:00Z');

describe('the yearly patch plan and declined patch campaigns on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  let ns: string;
  let patchNs: string;
  let webhook: Manager;
  let operatorKc: KubeConfig;
  let applied: RbacManifest[] = [];
  const users = new Map<string, KubeConfig>();
  const managers: Manager[] = [];
  const api = (user: string) => (users.get(user) ?? admin).makeApiClient(CustomObjectsApi);

  const create = (user: string, namespace: string, kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>) =>
    attempt<{ spec: Record<string, unknown> }>(() => api(user).createNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, ...(labels === undefined ? {} : { labels }) }, spec },
    }));
  const read = async <T>(namespace: string, kind: string, name: string): Promise<T> =>
    (await api('admin').getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, name })) as T;
  /** A JSON patch of `name` as `user`. */
  const patch = <T>(user: string, namespace: string, kind: string, name: string, ops: unknown[]) =>
    attempt<T>(() => api(user).patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, name, body: ops }));
  const cond = (o: { status?: { conditions?: { type: string; status: string; reason: string; message?: string }[] } }, type: string) => o.status?.conditions?.find((c) => c.type === type);
  const message = (o: { ok: boolean; message?: string }): string => (o.ok ? '' : o.message ?? '');

  /** The operator's controllers on a clock starting at `at`, for `namespace`. */
  function operator(at: string, namespace: string): Manager {
    const clock: Clock = clockStartingAt(new Date(at));
    const manager = new Manager({ kubeConfig: operatorKc, logger: log, leaderElection: false, clock, watch: { namespaces: [namespace] } });
    registerControllers(manager);
    manager.start();
    managers.push(manager);
    return manager;
  }
  /** A production unit at `level`, its prerequisites validated (else no interruption counts, domain.md §8). */
  const unitSpec = (level: string, vm: string) => ({
    level, environment: 'Production', targets: [{ kind: 'VirtualMachine', name: vm }],
    prerequisites: { validated: ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'] },
  });

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    ns = await createNamespace(admin, 'patch-plan');
    patchNs = await createNamespace(admin, 'patch-campaign');
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [ns, patchNs]) await core.patchNamespace({ name, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    const opNs = `patch-plan-op-${run}`;
    applied = rbacManifests({ namespace: opNs }).filter((m) => m.kind === 'ClusterRole');
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      await rbac.patchClusterRole({ name: m.metadata.name, body: m, fieldManager: 'patch-plan-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    for (const namespace of [ns, patchNs]) {
      for (const [name, role, group] of [['contacts', 'managedapps-client', CONTACTS_GROUP], ['provider', 'managedapps-provider', PROVIDER_GROUP]] as const) {
        await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] } });
      }
    }
    users.set('alice', userKubeConfig(info, 'alice', [CONTACTS_GROUP]));
    users.set('carol', userKubeConfig(info, 'carol', [CONTACTS_GROUP]));
    users.set('paul', userKubeConfig(info, 'paul', [PROVIDER_GROUP]));
    const operatorUser = `system:serviceaccount:${opNs}:managed-apps-operator`;
    operatorKc = userKubeConfig(info, operatorUser, ['system:masters']);

    webhook = new Manager({ kubeConfig: admin, logger: log, leaderElection: false, clock: clockStartingAt(AGREED_AT) });
    const certs = await webhookCertificates(webhook.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({ manager: webhook, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: [PROVIDER_GROUP], operatorUsername: operatorUser, logger: log });
    webhook.add(server);
    webhook.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(webhook.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME, operatorNamespace: opNs, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    await eventually(async () => {
      const probeWrite = await attempt(() => api('admin').createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', dryRun: 'All',
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Incident', metadata: { name: 'probe' }, spec: { unitRefs: [{ name: 'x' }], priority: 'P3', summary: 's', openedAt: '2026-11-20T10:00:00Z' } },
      }));
      expect(probeWrite.ok ? '' : probeWrite.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    for (const namespace of [ns, patchNs]) {
      expect(await create('paul', namespace, 'ManagedTenant', 'acme', {
        managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
        contacts: [
          { name: 'alice', email: 'alice@acme.example', users: ['alice'], roles: ['ChangeApprover', 'IncidentReporter'] },
          { name: 'carol', email: 'carol@acme.example', users: ['carol'], roles: ['ChangeRequester', 'IncidentReporter'] },
        ],
      })).toMatchObject({ ok: true });
    }
    await eventually(() => [ns, patchNs].every((n) => webhook.informer({ group: GROUP, version: VERSION, plural: 'managedtenants' }).get(n, 'acme') !== undefined));
  });

  afterAll(async () => {
    for (const m of managers) await m.stop();
    await deleteWebhookConfiguration(webhook.client, CONFIG_NAME);
    await webhook.stop();
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [ns, patchNs]) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('a ChangeApprover agrees the plan of 2027: its occurrences are approved and excluded, not those of 2028; a non-approver is refused naming the field; a change of the schedule voids the plan', async () => {
    expect(await create('paul', ns, 'MaintenanceWindow', 'patching', {
      purpose: 'SecurityPatching', description: 'OS security updates', recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '22:00' }, duration: '4h', timeZone: ZONE,
      selector: { matchLabels: { tier: 'patched' } }, excludeFromAvailability: true, requiresClientApproval: true,
    })).toMatchObject({ ok: true });
    expect(await create('paul', ns, 'ServiceUnit', 'os-a', unitSpec('OS', 'vm-a'), { tier: 'patched' })).toMatchObject({ ok: true });
    // Two provider P1s of 4 min (240 s) each, 10 min into the occurrences of 14 Dec 2027 and 11 Jan 2028.
    for (const [name, start, end] of [['p1-dec', '2027-12-14T21:10:00Z', '2027-12-14T21:14:00Z'], ['p1-jan', '2028-01-11T21:10:00Z', '2028-01-11T21:14:00Z']] as const) {
      expect(await create('paul', ns, 'Incident', name, { unitRefs: [{ name: 'os-a' }], priority: 'P1', summary: 'Down during patching', openedAt: start, resolvedAt: end, cause: 'Provider' })).toMatchObject({ ok: true });
    }

    // carol has no ChangeApprover role, paul is the provider: both refused, the plan's field named.
    const plan = [{ op: 'add', path: '/spec/approvals', value: [{ year: 2027, comment: 'the 2027 security plan' }] }];
    const byCarol = await patch('carol', ns, 'MaintenanceWindow', 'patching', plan);
    expect(byCarol).toMatchObject({ ok: false, code: 403 });
    expect(message(byCarol)).toMatch(/spec\.approvals\[0\]\.year: user 'carol' \(groups [^)]+\) is not a ChangeApprover contact of ManagedTenant 'acme'.*approve a yearly patch plan \(seed §5\.8\)/);
    expect(message(await patch('paul', ns, 'MaintenanceWindow', 'patching', plan))).toMatch(/spec\.approvals\[0\]\.year: user 'paul' .* is not a ChangeApprover contact/);
    // 2025 has ended on the webhook's clock (10 Dec 2026).
    expect(message(await patch('alice', ns, 'MaintenanceWindow', 'patching', [{ op: 'add', path: '/spec/approvals', value: [{ year: 2025 }] }]))).toContain('spec.approvals[0].year: 2025 has ended (it is 2026 in Europe/Paris)');
    // alice agrees the plan of 2027, with a forged stamp: the webhook writes who and when.
    const agreed = await patch<MaintenanceWindow>('alice', ns, 'MaintenanceWindow', 'patching', [{ op: 'add', path: '/spec/approvals', value: [{ year: 2027, approvedBy: { username: 'ceo', contact: 'ceo' }, approvedAt: '2020-01-01T00:00:00Z' }] }]);
    expect(message(agreed)).toBe('');
    const entry = agreed.ok ? agreed.object.spec.approvals?.[0] : undefined;
    expect(entry).toMatchObject({ year: 2027, approvedBy: { username: 'alice', groups: expect.arrayContaining([CONTACTS_GROUP]), contact: 'alice' } });
    expect(entry?.scopeDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // approvedAt: the webhook's clock, started at 10 Dec 2026 09:00Z a few seconds ago.
    const stampedAt = new Date(entry!.approvedAt!).getTime();
    expect(stampedAt).toBeGreaterThanOrEqual(AGREED_AT.getTime());
    expect(stampedAt).toBeLessThan(AGREED_AT.getTime() + 10 * 60_000);
    // A record: never removed.
    expect(message(await patch('paul', ns, 'MaintenanceWindow', 'patching', [{ op: 'remove', path: '/spec/approvals' }]))).toMatch(/spec\.approvals: the yearly plan of 2027 by alice is a record: it is never removed/);

    // ---- 11 Jan 2028 21:30Z, inside the first occurrence of 2028: not in the plan.
    const jan = operator('2028-01-11T21:30:00Z', ns);
    await eventually(async () => {
      const w = await read<MaintenanceWindow>(ns, 'MaintenanceWindow', 'patching');
      expect(w.status?.currentOccurrence).toEqual({ start: '2028-01-11T21:00:00Z', end: '2028-01-12T01:00:00Z', approval: 'AwaitingApproval' });
      expect(cond(w, 'Active')).toMatchObject({ status: 'False', reason: 'AwaitingApproval' });
      const u = await read<ServiceUnit>(ns, 'ServiceUnit', 'os-a');
      expect(cond(u, 'InMaintenance')).toMatchObject({ status: 'False' });
      // January 2028: p1-jan's 240 s count, none excluded.
      expect(u.status?.availability).toMatchObject({ interruptionSeconds: 240, excludedSeconds: 0 });
    });
    await jan.stop();

    // ---- 14 Dec 2027 21:30Z, inside the last occurrence of 2027: approved by the plan.
    const dec = operator('2027-12-14T21:30:00Z', ns);
    await eventually(async () => {
      const w = await read<MaintenanceWindow>(ns, 'MaintenanceWindow', 'patching');
      expect(w.status?.currentOccurrence).toEqual({ start: '2027-12-14T21:00:00Z', end: '2027-12-15T01:00:00Z', approval: 'Approved', plan: 2027 });
      expect(w.status?.nextOccurrences?.[0]).toEqual({ start: '2028-01-11T21:00:00Z', end: '2028-01-12T01:00:00Z', approval: 'AwaitingApproval' });
      expect(w.status?.active).toBe(true);
      const u = await read<ServiceUnit>(ns, 'ServiceUnit', 'os-a');
      expect(cond(u, 'InMaintenance')).toMatchObject({ status: 'True', reason: 'MaintenanceWindowActive' });
      // December 2027: p1-dec's 240 s, all inside the approved occurrence: excluded (p1-jan is after the clock).
      expect(u.status?.availability).toMatchObject({ interruptionSeconds: 240, excludedSeconds: 240 });
    });

    // The provider lengthens the window to 5 h: what the client agreed is no longer what runs;
    // the plan stays as a record but approves nothing.
    expect(message(await patch('paul', ns, 'MaintenanceWindow', 'patching', [{ op: 'replace', path: '/spec/duration', value: '5h' }]))).toBe('');
    await eventually(async () => {
      const w = await read<MaintenanceWindow>(ns, 'MaintenanceWindow', 'patching');
      expect(w.status?.currentOccurrence).toEqual({ start: '2027-12-14T21:00:00Z', end: '2027-12-15T02:00:00Z', approval: 'AwaitingApproval' });
      expect(w.spec.approvals).toHaveLength(1);
      const u = await read<ServiceUnit>(ns, 'ServiceUnit', 'os-a');
      expect(u.status?.availability).toMatchObject({ interruptionSeconds: 240, excludedSeconds: 0 });
    });
    await dec.stop();
  });

  it('a patch campaign the client declines is recorded; an incident it caused is client-caused (GTR not applicable, GTD not counted) with the reason in its status; a bad reference is refused', async () => {
    expect(message(await create('paul', patchNs, 'SupportContract', 'acme-2026', {
      start: '2026-11-01', supportChain: 'FullFrance', subscribedLevels: ['OS', 'Middleware', 'Application'], supportLevels: [{ environment: 'Production', level: 'Premium' }], prices: { currency: 'EUR', tokenPrice: 95 },
    }))).toBe('');
    expect(await create('paul', patchNs, 'ServiceUnit', 'os-1', unitSpec('OS', 'vm-1'))).toMatchObject({ ok: true });
    expect(await create('paul', patchNs, 'ServiceUnit', 'app-1', unitSpec('Application', 'vm-2'))).toMatchObject({ ok: true });
    const campaign = (unit: string) => ({
      unitRefs: [{ name: unit }], category: 'StandardSimple', catalogItem: 'os.patching', tokens: 1, initiator: 'Provider', summary: 'January 2027 OS security patches',
      requestedAt: '2026-12-09T09:00:00Z', patch: { patches: ['KB5034441: Secure Boot bypass', 'KB5034439: WinRE'], testedAt: '2026-12-08T17:00:00Z' },
    });
    // The webhook reads units and changes from its caches: wait until they hold what it judges.
    const cached = (plural: string, name: string) => webhook.informer({ group: GROUP, version: VERSION, plural }).get(patchNs, name) as { spec?: { approval?: unknown } } | undefined;
    await eventually(() => cached('serviceunits', 'app-1') !== undefined && cached('serviceunits', 'os-1') !== undefined);
    // seed §5.9.2: OS, Database and Middleware only; the unit named.
    const onApp = await create('paul', patchNs, 'ChangeRequest', 'patch-app', campaign('app-1'));
    expect(message(onApp)).toContain("spec.unitRefs[0]: ServiceUnit 'app-1' is at level Application: a patch campaign (spec.patch) is on OS, Database, Middleware units only (seed §5.9.2)");
    // A client's campaign: refused by the CRD.
    expect(message(await create('paul', patchNs, 'ChangeRequest', 'patch-client', { ...campaign('os-1'), initiator: 'Client' }))).toContain('spec.patch: a patch campaign is the provider\'s');
    expect(await create('paul', patchNs, 'ChangeRequest', 'patch-jan', campaign('os-1'))).toMatchObject({ ok: true });
    expect(await create('paul', patchNs, 'ChangeRequest', 'resize', { ...campaign('os-1'), patch: undefined, catalogItem: 'os.resize', summary: 'Resize' })).toMatchObject({ ok: true });

    // alice declines the campaign (seed §5.9.2: the client validates whether patches are applied).
    const declined = await patch<ChangeRequest>('alice', patchNs, 'ChangeRequest', 'patch-jan', [{ op: 'add', path: '/spec/approval', value: { decision: 'Rejected', approvedBy: 'alice', decidedAt: '2026-12-10T09:00:00Z', comment: 'not during the closing of the accounts' } }]);
    expect(message(declined)).toBe('');
    expect(declined.ok ? declined.object.spec.approval : undefined).toMatchObject({ decision: 'Rejected', approvedBy: 'alice', scopeDigest: expect.stringMatching(/^sha256:/) });
    // Recorded: never removed (CEL), and traced (the history annotation names alice).
    expect(message(await patch('paul', patchNs, 'ChangeRequest', 'patch-jan', [{ op: 'remove', path: '/spec/approval' }]))).toContain('spec.approval cannot be removed');
    const traceOf = async (kind: string, name: string) => JSON.parse((await read<{ metadata: { annotations?: Record<string, string> } }>(patchNs, kind, name)).metadata.annotations?.['managedapps.dev/history'] ?? '[]') as { by: string; field: string }[];
    expect(await traceOf('ChangeRequest', 'patch-jan')).toEqual([expect.objectContaining({ by: 'alice', field: 'spec.approval' })]);

    await eventually(() => cached('changerequests', 'patch-jan')?.spec?.approval !== undefined && cached('changerequests', 'resize') !== undefined);
    // The P1 of Wed 20 Jan 2027, 10:00Z-12:00Z (7,200 s), caused by the declined patches.
    const p1 = { unitRefs: [{ name: 'os-1' }], priority: 'P1', summary: 'Compromised through the unpatched Secure Boot', openedAt: '2027-01-20T10:00:00Z', resolvedAt: '2027-01-20T12:00:00Z', cause: 'Client' };
    expect(await create('paul', patchNs, 'Incident', 'inc-declined', { ...p1, declinedPatchRef: { name: 'patch-jan' } })).toMatchObject({ ok: true });
    // A reference to a change that is not a declined campaign: refused, the field named.
    const bad = await create('paul', patchNs, 'Incident', 'inc-bad', { ...p1, declinedPatchRef: { name: 'resize' } });
    expect(message(bad)).toContain("spec.declinedPatchRef: ChangeRequest 'resize' is not a patch campaign the client declined: it is not a patch campaign (no spec.patch)");
    // Without cause Client: refused by the CRD.
    expect(message(await create('paul', patchNs, 'Incident', 'inc-provider', { ...p1, cause: 'Provider', declinedPatchRef: { name: 'patch-jan' } }))).toContain('spec.cause: an incident caused by a declined patch campaign');
    // GitOps order: an incident naming a campaign not applied yet is admitted.
    expect(await create('paul', patchNs, 'Incident', 'inc-later', { ...p1, declinedPatchRef: { name: 'patch-feb' } })).toMatchObject({ ok: true });
    // So is one naming a change not applied yet that turns out not to be a campaign (a P3: no interruption, GTD unmoved).
    expect(await create('paul', patchNs, 'Incident', 'inc-wrong', { ...p1, priority: 'P3', declinedPatchRef: { name: 'tune' } })).toMatchObject({ ok: true });

    // The reference is an SLA field: set on an incident afterwards, it is traced with who set it.
    expect(await create('paul', patchNs, 'Incident', 'inc-traced', { ...p1, summary: 'Found later to come from the declined patches' })).toMatchObject({ ok: true });
    expect(message(await patch('paul', patchNs, 'Incident', 'inc-traced', [{ op: 'add', path: '/spec/declinedPatchRef', value: { name: 'patch-jan' } }]))).toBe('');
    expect(await traceOf('Incident', 'inc-traced')).toEqual([expect.objectContaining({ by: 'paul', field: 'spec.declinedPatchRef' })]);

    // ---- The controllers on Mon 25 Jan 2027 12:00Z.
    operator('2027-01-25T12:00:00Z', patchNs);
    await eventually(async () => {
      const c = await read<ChangeRequest>(patchNs, 'ChangeRequest', 'patch-jan');
      expect(c.status?.phase).toBe('Rejected');
      expect(cond(c, 'Approved')).toMatchObject({ status: 'False', reason: 'ClientRejected' });
      const i = await read<Incident>(patchNs, 'Incident', 'inc-declined');
      // Premium P1: 4 h, restored in 2 h, but GTR does not apply at all: the client's.
      expect(i.status?.gtr).toEqual({ applicable: false, reason: 'DeclinedPatch: cause: declined patch campaign patch-jan (seed §9.10)' });
      expect(cond(i, 'DeclinedPatch')).toMatchObject({ status: 'True', reason: 'ClientDeclinedPatch' });
      expect(cond(i, 'DeclinedPatch')?.message).toBe('cause: declined patch campaign patch-jan (seed §9.10): declined by alice at 2026-12-10T09:00:00Z; client-caused, GTD and GTR do not apply');
      const later = await read<Incident>(patchNs, 'Incident', 'inc-later');
      expect(cond(later, 'DeclinedPatch')).toMatchObject({ status: 'Unknown', reason: 'ReferenceNotFound' });
      expect(cond(later, 'Ready')).toMatchObject({ status: 'False', reason: 'ReferenceNotFound' });
      // inc-later counts as cause Client alone (os-1 is not co-managed): GTR applies, on time.
      expect(later.status?.gtr).toEqual({ applicable: true });
      // January 2027 on os-1: the two P1s cover the same 7,200 s (the union once); inc-later's count.
      const u = await read<ServiceUnit>(patchNs, 'ServiceUnit', 'os-1');
      expect(u.status?.availability).toMatchObject({ interruptionSeconds: 7200, excludedSeconds: 0 });
    });

    // `tune` is applied: a plain change. The controller says so, naming the field, as the webhook would have.
    expect(await create('paul', patchNs, 'ChangeRequest', 'tune', { ...campaign('os-1'), patch: undefined, catalogItem: 'os.tune', summary: 'Tune the kernel' })).toMatchObject({ ok: true });
    await eventually(async () => {
      const wrong = await read<Incident>(patchNs, 'Incident', 'inc-wrong');
      expect(cond(wrong, 'DeclinedPatch')).toMatchObject({ status: 'False', reason: 'NotDeclinedPatch' });
      expect(cond(wrong, 'DeclinedPatch')?.message).toContain("spec.declinedPatchRef: ChangeRequest 'tune' is not a patch campaign the client declined: it is not a patch campaign (no spec.patch)");
      expect(cond(wrong, 'Ready')).toMatchObject({ status: 'False', reason: 'NotDeclinedPatch' });
      // As cause Client alone: Premium P3, 32 h, restored in 2 h: GTR applies.
      expect(wrong.status?.gtr).toEqual({ applicable: true });
    });

    // The campaign of February is applied afterwards and declined before the incident opened: the
    // incident becomes client-caused, and os-1's interruption is all excluded.
    expect(await create('paul', patchNs, 'ChangeRequest', 'patch-feb', { ...campaign('os-1'), summary: 'February 2027 OS security patches' })).toMatchObject({ ok: true });
    expect(message(await patch('alice', patchNs, 'ChangeRequest', 'patch-feb', [{ op: 'add', path: '/spec/approval', value: { decision: 'Rejected', approvedBy: 'alice', decidedAt: '2026-12-10T09:05:00Z' } }]))).toBe('');
    await eventually(async () => {
      const later = await read<Incident>(patchNs, 'Incident', 'inc-later');
      expect(cond(later, 'DeclinedPatch')).toMatchObject({ status: 'True', reason: 'ClientDeclinedPatch' });
      expect(later.status?.gtr).toEqual({ applicable: false, reason: 'DeclinedPatch: cause: declined patch campaign patch-feb (seed §9.10)' });
      const u = await read<ServiceUnit>(patchNs, 'ServiceUnit', 'os-1');
      // Both P1s client-caused: 7,200 s interrupted, 7,200 s excluded: the unit at 100 %.
      expect(u.status?.availability).toMatchObject({ interruptionSeconds: 7200, excludedSeconds: 7200 });
    });
  });
});
