// Approval per occurrence and change exclusions on a real API server (issue 14 items 1 and 6):
// the RBAC of config/rbac applied, the admission webhook in this process (url mode, this run's
// namespaces only), minted users, and the controllers and the prober in Managers whose clocks are
// set to instants derived from the test clock (a window occurrence in progress), never the day.
//
// The window: daily 11:50 Europe/Paris, 1 h, requiring the client's approval, from day D, the
// first day after the test clock's instant whose 12:00 Paris is in the same month as the next
// day's (so D and D + 1 fall in one month's availability). Manager A runs at D 12:00 (inside the
// unapproved occurrence of D), Manager B at D + 1 12:00 (inside the occurrence alice approved).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUP, VERSION, type ChangeRequest, type Incident, type MaintenanceWindow, type ServiceUnit } from '../../src/api/v1alpha1/index.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { ProbeAutomation } from '../../src/monitoring/automation.ts';
import { clockStartingAt, type Clock } from '../../src/runtime/clock.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { attempt } from '../support/attempt.ts';
import { testClock } from '../support/clock.ts';
import { PLURALS } from './fixtures.ts';

const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/approval-test';
const CONFIG_NAME = `mao-approval-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';
const CONTACTS_GROUP = `acme-${run}:contacts`;
const ZONE = 'Europe/Paris';

/** A target that answers 503: a unit that is down. Counts the requests. */
class DownTarget {
  requests = 0;
  readonly #server = http.createServer((_req, res) => { this.requests++; res.writeHead(503).end('unavailable'); });
  async start(): Promise<void> { await new Promise<void>((resolve) => { this.#server.listen(0, '127.0.0.1', resolve); }); }
  get url(): string { return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/healthz`; }
  async more(n: number): Promise<void> { const target = this.requests + n; await eventually(() => this.requests >= target); }
  close(): Promise<void> { this.#server.closeAllConnections(); return new Promise((resolve) => { this.#server.close(() => { resolve(); }); }); }
}

/** D: the first day after the test clock whose 12:00 Paris is after it, moved to the 1st of the next month when D + 1 would be in another month. */
function dayD(): DateTime {
  let d = DateTime.fromJSDate(testClock.now(), { zone: ZONE }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 }).plus({ days: 1 });
  if (d.plus({ days: 1 }).month !== d.month) d = d.plus({ months: 1 }).set({ day: 1 });
  return d;
}
const rfc = (d: DateTime): string => d.toUTC().toISO({ suppressMilliseconds: true })!;

describe('approval per occurrence and change exclusions on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  let ns: string;
  let gtcNs: string;
  let webhook: Manager;
  let operatorKc: KubeConfig;
  let applied: RbacManifest[] = [];
  const users = new Map<string, KubeConfig>();
  const targets: DownTarget[] = [];
  const managers: Manager[] = [];
  const api = (user: string) => (users.get(user) ?? admin).makeApiClient(CustomObjectsApi);
  const D = dayD();
  const occurrence = (day: DateTime) => day.set({ hour: 11, minute: 50 });

  const create = (user: string, namespace: string, kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>) =>
    attempt<{ spec: Record<string, unknown> }>(() => api(user).createNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, ...(labels === undefined ? {} : { labels }) }, spec },
    }));
  const read = async <T>(namespace: string, kind: string, name: string): Promise<T> =>
    (await api('admin').getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, name })) as T;
  /** A JSON patch of the window as `user` (the `patch` verb). */
  const patchWindow = (user: string, ops: unknown[]) =>
    attempt<MaintenanceWindow>(() => api(user).patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'maintenancewindows', name: 'patching', body: ops }));
  const monitoringIncidents = async (unit: string): Promise<Incident[]> => {
    const list = (await api('admin').listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'incidents' })) as { items: Incident[] };
    return list.items.filter((i) => i.spec.detection === 'Monitoring' && i.spec.unitRefs.some((r) => r.name === unit));
  };
  const cond = (o: { status?: { conditions?: { type: string; status: string; reason: string }[] } }, type: string) => o.status?.conditions?.find((c) => c.type === type);

  /** The operator's controllers and prober on `clock`, for `namespace`. */
  function operator(clock: Clock, namespace: string): { manager: Manager; automation: ProbeAutomation } {
    const manager = new Manager({ kubeConfig: operatorKc, logger: log, leaderElection: false, clock, watch: { namespaces: [namespace] } });
    const views = registerControllers(manager).caches;
    const automation = new ProbeAutomation({ manager, views, concurrency: 4, statusWriteIntervalMs: 1000 });
    manager.add(automation);
    manager.start();
    managers.push(manager);
    return { manager, automation };
  }
  /** A production OS unit on `vm`, probed at `url`, its prerequisites validated (else no interruption counts, domain.md §8). */
  const unitSpec = (vm: string, url: string) => ({
    level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: vm }], monitoring: probe(url),
    prerequisites: { validated: ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'] },
  });
  const probe = (url: string) => ({ httpGet: { url }, period: '1s', timeout: '500ms', failureThreshold: 2, successThreshold: 1, openAfter: '0s', resolveAfter: '0s', incidentPriority: 'P1' });

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    ns = await createNamespace(admin, 'approval');
    gtcNs = await createNamespace(admin, 'approval-gtc');
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [ns, gtcNs]) await core.patchNamespace({ name, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    // config/rbac's roles; the client's people and the provider bound in the tenant namespaces.
    const opNs = `approval-op-${run}`;
    applied = rbacManifests({ namespace: opNs }).filter((m) => m.kind === 'ClusterRole');
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      await rbac.patchClusterRole({ name: m.metadata.name, body: m, fieldManager: 'approval-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    for (const namespace of [ns, gtcNs]) {
      for (const [name, role, group] of [['contacts', 'managedapps-client', CONTACTS_GROUP], ['provider', 'managedapps-provider', PROVIDER_GROUP]] as const) {
        await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] } });
      }
    }
    users.set('alice', userKubeConfig(info, 'alice', [CONTACTS_GROUP]));
    users.set('carol', userKubeConfig(info, 'carol', [CONTACTS_GROUP]));
    users.set('paul', userKubeConfig(info, 'paul', [PROVIDER_GROUP]));
    // The operator as the webhook knows it (its ServiceAccount's name), with the rights of the cluster's admin.
    const operatorUser = `system:serviceaccount:${opNs}:managed-apps-operator`;
    operatorKc = userKubeConfig(info, operatorUser, ['system:masters']);

    // The webhook on the test clock (the instant an approval is given), over its own Manager's caches.
    webhook = new Manager({ kubeConfig: admin, logger: log, leaderElection: false, clock: testClock });
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

    for (const namespace of [ns, gtcNs]) {
      expect(await create('paul', namespace, 'ManagedTenant', 'acme', {
        managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
        contacts: [
          { name: 'alice', email: 'alice@acme.example', users: ['alice'], roles: ['ChangeApprover', 'IncidentReporter'] },
          { name: 'carol', email: 'carol@acme.example', users: ['carol'], roles: ['ChangeRequester', 'IncidentReporter'] },
        ],
      })).toMatchObject({ ok: true });
    }
    await eventually(() => [ns, gtcNs].every((n) => webhook.informer({ group: GROUP, version: VERSION, plural: 'managedtenants' }).get(n, 'acme') !== undefined));
  });

  afterAll(async () => {
    for (const m of managers) await m.stop();
    for (const t of targets) await t.close();
    await deleteWebhookConfiguration(webhook.client, CONFIG_NAME);
    await webhook.stop();
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [ns, gtcNs]) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('an unapproved occurrence excludes nothing and the prober opens an incident in it; after approval the next occurrence is excluded; the approver is stamped', async () => {
    const day1 = D.plus({ days: 1 });
    expect(await create('paul', ns, 'MaintenanceWindow', 'patching', {
      purpose: 'SecurityPatching', recurrence: { rrule: 'FREQ=DAILY', startTime: '11:50', from: rfc(D.startOf('day')) }, duration: '1h', timeZone: ZONE,
      selector: { matchLabels: { tier: 'patched' } }, excludeFromAvailability: true, requiresClientApproval: true,
    })).toMatchObject({ ok: true });
    const downA = new DownTarget();
    const downB = new DownTarget();
    for (const t of [downA, downB]) { await t.start(); targets.push(t); }

    // ---- A: D 12:00 Paris, ten minutes into the occurrence of D, which nobody approved.
    const a = operator(clockStartingAt(D.toJSDate()), ns);
    const windowA = await eventually(async () => {
      const w = await read<MaintenanceWindow>(ns, 'MaintenanceWindow', 'patching');
      expect(w.status?.currentOccurrence).toEqual({ start: rfc(occurrence(D)), end: rfc(occurrence(D).plus({ hours: 1 })), approval: 'AwaitingApproval' });
      return w;
    });
    expect(windowA.status?.active).toBe(false);
    expect(cond(windowA, 'Active')).toMatchObject({ status: 'False', reason: 'AwaitingApproval' });
    expect(windowA.status?.nextOccurrences?.[0]).toEqual({ start: rfc(occurrence(day1)), end: rfc(occurrence(day1).plus({ hours: 1 })), approval: 'AwaitingApproval' });
    expect(await create('paul', ns, 'ServiceUnit', 'web-a', unitSpec('vm-a', downA.url), { tier: 'patched' })).toMatchObject({ ok: true });
    // The prober opens a P1 inside the occurrence: it suppresses nothing.
    const [opened] = await eventually(async () => {
      const found = await monitoringIncidents('web-a');
      expect(found).toHaveLength(1);
      return found;
    });
    const openedAt = DateTime.fromISO(opened!.spec.openedAt);
    expect(openedAt >= occurrence(D) && openedAt < occurrence(D).plus({ hours: 1 })).toBe(true);
    // Not excluded from availability: the unit is not in maintenance and none of its interruption is excluded.
    await eventually(async () => {
      const u = await read<ServiceUnit>(ns, 'ServiceUnit', 'web-a');
      expect(cond(u, 'InMaintenance')).toMatchObject({ status: 'False', reason: 'NoActiveWindow' });
      expect(u.status?.availability?.interruptionSeconds).toBeGreaterThan(0);
      expect(u.status?.availability?.excludedSeconds).toBe(0);
    });
    await a.manager.stop();

    // ---- The approval of D + 1's occurrence (the test clock's instant is before it).
    const next = rfc(occurrence(day1));
    // carol is a contact without the ChangeApprover role: refused, the entry named.
    const byCarol = await patchWindow('carol', [{ op: 'add', path: '/spec/approvals', value: [{ occurrence: next }] }]);
    expect(byCarol).toMatchObject({ ok: false, code: 403 });
    expect(byCarol.ok ? '' : byCarol.message).toMatch(/spec\.approvals\[0\]: user 'carol' \(groups [^)]+\) is not a ChangeApprover contact of ManagedTenant 'acme'/);
    // The provider cannot approve for the client either.
    const byPaul = await patchWindow('paul', [{ op: 'add', path: '/spec/approvals', value: [{ occurrence: next }] }]);
    expect(byPaul.ok ? '' : byPaul.message).toMatch(/spec\.approvals\[0\]: user 'paul' .* is not a ChangeApprover contact/);
    // An instant that starts no occurrence (D + 1 12:00, ten minutes in) approves nothing: refused.
    const off = await patchWindow('alice', [{ op: 'add', path: '/spec/approvals', value: [{ occurrence: rfc(day1) }] }]);
    expect(off.ok ? '' : off.message).toContain(`spec.approvals[0].occurrence: ${rfc(day1)} is not the start of an occurrence of this window`);
    // alice approves, with a forged stamp in the body: the webhook writes who and when.
    const before = Date.now();
    const approved = await patchWindow('alice', [{ op: 'add', path: '/spec/approvals', value: [{ occurrence: next, comment: 'patches tested on pre-production', approvedBy: { username: 'ceo', contact: 'ceo' }, approvedAt: '2020-01-01T00:00:00Z' }] }]);
    expect(approved).toMatchObject({ ok: true });
    const approval = approved.ok ? approved.object.spec.approvals?.[0] : undefined;
    expect(approval?.approvedBy).toEqual({ username: 'alice', groups: expect.arrayContaining([CONTACTS_GROUP]), contact: 'alice' });
    expect(approval?.scopeDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // approvedAt: the webhook's (test) clock at the request, to the second.
    const stampedAt = new Date(approval!.approvedAt!).getTime();
    const testOffset = testClock.now().getTime() - Date.now();
    expect(stampedAt).toBeGreaterThanOrEqual(Math.floor((before + testOffset) / 1000) * 1000 - 1000);
    expect(stampedAt).toBeLessThanOrEqual(Date.now() + testOffset);
    // A record: neither removed nor edited, by the provider or anyone.
    const removed = await patchWindow('paul', [{ op: 'remove', path: '/spec/approvals' }]);
    expect(removed.ok ? '' : removed.message).toMatch(/spec\.approvals: the approval of the occurrence .* by alice is a record: it is never removed/);
    const edited = await patchWindow('alice', [{ op: 'replace', path: '/spec/approvals/0/comment', value: 'not tested' }]);
    expect(edited.ok ? '' : edited.message).toMatch(/spec\.approvals\[0\]: the approval of the occurrence .* is a record: it is never edited/);

    // Two provider P1s on web-b, 11:52 to 11:56 Paris (4 min = 240 s each): in D's occurrence
    // (unapproved: counted) and in D + 1's (approved: excluded).
    for (const [name, day] of [['p1-d', D], ['p1-d1', day1]] as const) {
      const start = day.set({ hour: 11, minute: 52 });
      expect(await create('paul', ns, 'Incident', name, { unitRefs: [{ name: 'web-b' }], priority: 'P1', summary: 'Down during patching', openedAt: rfc(start), resolvedAt: rfc(start.plus({ minutes: 4 })), cause: 'Provider' })).toMatchObject({ ok: true });
    }

    // ---- B: D + 1 12:00 Paris, inside the approved occurrence.
    const b = operator(clockStartingAt(day1.toJSDate()), ns);
    const windowB = await eventually(async () => {
      const w = await read<MaintenanceWindow>(ns, 'MaintenanceWindow', 'patching');
      expect(w.status?.currentOccurrence).toEqual({ start: next, end: rfc(occurrence(day1).plus({ hours: 1 })), approval: 'Approved' });
      return w;
    });
    expect(windowB.status?.active).toBe(true);
    expect(cond(windowB, 'Active')).toMatchObject({ status: 'True', reason: 'MaintenanceWindowActive' });
    expect(await create('paul', ns, 'ServiceUnit', 'web-b', unitSpec('vm-b', downB.url), { tier: 'patched' })).toMatchObject({ ok: true });
    await eventually(async () => {
      const u = await read<ServiceUnit>(ns, 'ServiceUnit', 'web-b');
      expect(cond(u, 'Available')).toMatchObject({ status: 'False', reason: 'ProbeFailed' });
      expect(cond(u, 'InMaintenance')).toMatchObject({ status: 'True', reason: 'MaintenanceWindowActive' });
      // interruption 240 + 240 = 480 s; excluded: D + 1's 240 s only.
      expect(u.status?.availability).toMatchObject({ interruptionSeconds: 480, excludedSeconds: 240 });
    });
    // Down well past the threshold of 2, inside an approved occurrence: no incident.
    await downB.more(6);
    expect(b.automation.status(`${ns}/web-b`)?.state).toBe('Down');
    expect(await monitoringIncidents('web-b')).toEqual([]);

    // The provider lengthens the window after the approval: what was approved is no longer what
    // runs, so the approval no longer counts (it stays, as a record).
    const longer = await patchWindow('paul', [{ op: 'replace', path: '/spec/duration', value: '2h' }]);
    expect(longer.ok ? '' : longer.message).toBe('');
    await eventually(async () => {
      const w = await read<MaintenanceWindow>(ns, 'MaintenanceWindow', 'patching');
      expect(w.status?.currentOccurrence).toEqual({ start: next, end: rfc(occurrence(day1).plus({ hours: 2 })), approval: 'AwaitingApproval' });
      expect(w.spec.approvals).toHaveLength(1);
    });
  });

  it('a change timer with an exclusion: the GTC deadline is pushed by the excluded time; an accelerated non-standard change is refused naming the field', async () => {
    // Premium in production from November 2026; the controllers on a clock at Wed 25 Nov 2026 12:00Z.
    expect(await create('paul', gtcNs, 'SupportContract', 'acme-2026', {
      start: '2026-11-01', supportChain: 'FullFrance', subscribedLevels: ['OS'], supportLevels: [{ environment: 'Production', level: 'Premium' }], prices: { currency: 'EUR', tokenPrice: 95 },
    })).toMatchObject({ ok: true });
    expect(await create('paul', gtcNs, 'ServiceUnit', 'os-1', { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }] })).toMatchObject({ ok: true });
    // Simple, Premium: 8 business hours. Requested Mon 23 Nov 2026 09:00 Paris (08:00Z). Without
    // exclusion: Mon 17:00 Paris (16:00Z). Waiting on the client Mon 11:00-13:00 Paris (10:00Z-12:00Z)
    // is 2 covered hours: 8 + 2 = 10 h from Mon 09:00 → Mon 9 h (to 18:00) + Tue 1 h → Tue 24 Nov
    // 10:00 Paris (09:00Z). Completed then: covered 9 + 1 − 2 = 8 h = 28,800 s, on time.
    const spec = { unitRefs: [{ name: 'os-1' }], category: 'StandardSimple', catalogItem: 'os.package.install', summary: 'Install a package', tokens: 1, requestedAt: '2026-11-23T08:00:00Z', completedAt: '2026-11-24T09:00:00Z' };
    expect(await create('paul', gtcNs, 'ChangeRequest', 'chg-waiting', { ...spec, exclusions: [{ start: '2026-11-23T10:00:00Z', end: '2026-11-23T12:00:00Z', reason: 'waiting on the client for the package source' }] })).toMatchObject({ ok: true });
    // The same change without the exclusion: deadline Mon 16:00Z; covered 9 + 1 = 10 h = 36,000 s > 8 h: late.
    expect(await create('paul', gtcNs, 'ChangeRequest', 'chg-plain', spec)).toMatchObject({ ok: true });
    // A client contact may not record an exclusion (the provider's, as an incident's).
    const byCarol = await create('carol', gtcNs, 'ChangeRequest', 'chg-carol', { ...spec, completedAt: undefined, exclusions: [{ start: '2026-11-23T10:00:00Z', end: '2026-11-23T12:00:00Z', reason: 'x' }] });
    expect(byCarol.ok ? '' : byCarol.message).toMatch(/spec\.exclusions: set by provider only/);
    operator(clockStartingAt(new Date('2026-11-25T12:00:00Z')), gtcNs);
    await eventually(async () => {
      const waiting = await read<ChangeRequest>(gtcNs, 'ChangeRequest', 'chg-waiting');
      expect(waiting.status).toMatchObject({ gtcDeadline: '2026-11-24T09:00:00Z', coveredSeconds: 28_800, late: false });
      const plain = await read<ChangeRequest>(gtcNs, 'ChangeRequest', 'chg-plain');
      expect(plain.status).toMatchObject({ gtcDeadline: '2026-11-23T16:00:00Z', coveredSeconds: 36_000, late: true });
    });

    // domain.md §10: only standard changes are accelerated; the API server refuses it, naming the field.
    const accelerated = await create('paul', gtcNs, 'ChangeRequest', 'chg-fast', { unitRefs: [{ name: 'os-1' }], category: 'NonStandard', summary: 'Migrate the database engine', accelerated: true, requestedAt: '2026-11-23T08:00:00Z' });
    expect(accelerated).toMatchObject({ ok: false, code: 422 });
    expect(accelerated.ok ? '' : accelerated.message).toContain('spec.accelerated: only a standard change (StandardSimple, StandardComplex) may be accelerated');
  });
});
