// Records kept and traced (issue 12, domain.md §9), on a REAL API server: config/rbac applied,
// the admission webhook in this process (url mode, on a fixed clock), the controllers with the
// retention finalizer on the same clock, and minted users (client certificates) sending the
// requests. Each refused deletion and edit is checked by role (provider, client contact,
// stranger, break-glass) with the layer that refused it: RBAC (403 "is forbidden"), the webhook
// ("denied the request"), the CRD (CEL), or the finalizer (the delete admitted, the object still
// there, Terminating, and still counted). A second namespace the webhook does not select plays
// "the webhook is down".
//
// NOW = 2026-11-15T12:00Z (Europe/Paris). The contract starts 2026-10-01: October's report (created
// at NOW, so final 24 h after the later of its end and its creation, 2026-11-16T12:00Z) is open at
// first; the test then moves the clock past it.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { GROUP, PLURALS, VERSION } from './fixtures.ts';
import { attempt as attemptCall, type Outcome as CallOutcome } from '../support/attempt.ts';

let NOW = new Date('2026-11-15T12:00:00Z');
const clock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/records-test';
const CONFIG_NAME = `mao-records-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';
const BREAK_GLASS_GROUP = `sre-${run}:break-glass`;
const CONTACTS_GROUP = `acme-${run}:contacts`;
const FINALIZER = 'managedapps.dev/retention';

type Obj = {
  metadata: { name: string; deletionTimestamp?: string; finalizers?: string[]; annotations?: Record<string, string>; uid?: string };
  spec: Record<string, unknown>; status?: { final?: boolean; history?: { by: string; field: string; from?: string; to?: string; afterClosure?: boolean }[] };
};
type Outcome = CallOutcome<Obj>;

const attempt = (fn: () => Promise<unknown>): Promise<Outcome> => attemptCall<Obj>(fn);

describe('records kept and traced, by role and layer, on a real API server', () => {
  const info = inject('controlPlane');
  let admin: KubeConfig;
  let ns = '';
  let down = '';
  let manager: Manager;
  let applied: RbacManifest[] = [];
  const users = new Map<string, KubeConfig>();
  const api = (user: string) => (users.get(user) ?? admin).makeApiClient(CustomObjectsApi);
  const body = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name }, spec });
  const create = (user: string, kind: string, name: string, spec: Record<string, unknown>, namespace = ns) =>
    attempt(() => api(user).createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, body: body(kind, name, spec) }));
  const get = async (kind: string, name: string, namespace = ns): Promise<Obj | undefined> => {
    const got = await attempt(() => api('admin').getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, name }));
    return got.ok ? got.object : undefined;
  };
  const remove = (user: string, kind: string, name: string, namespace = ns) =>
    attempt(() => api(user).deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, name }));
  /** GET as admin, change, PUT as `user`; again on a 409 (the controllers write statuses meanwhile). */
  const update = async (user: string, kind: string, name: string, change: (o: Obj) => void): Promise<Outcome> => {
    for (let i = 0; ; i++) {
      const current = (await get(kind, name))!;
      change(current);
      const outcome = await attempt(() => api(user).replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name, body: current }));
      if (outcome.ok || outcome.code !== 409 || i >= 5) return outcome;
    }
  };
  const held = async (kind: string, name: string, namespace = ns) => eventually(async () => {
    const o = await get(kind, name, namespace);
    expect(o?.metadata.finalizers).toContain(FINALIZER);
    return o!;
  });

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    ns = await createNamespace(admin, 'records');
    down = await createNamespace(admin, 'records-webhook-down');
    const core = admin.makeApiClient(CoreV1Api);
    await core.patchNamespace({ name: ns, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    applied = rbacManifests({ namespace: ns });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      const b = m as unknown as Parameters<RbacAuthorizationV1Api['createClusterRole']>[0]['body'];
      if (m.kind === 'ClusterRole') await rbac.patchClusterRole({ name: m.metadata.name, body: b, fieldManager: 'records-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    for (const namespace of [ns, down]) {
      const bind = (name: string, role: string, group: string) =>
        rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] } });
      await bind('contacts', 'managedapps-client', CONTACTS_GROUP);
      await bind('provider', 'managedapps-provider', PROVIDER_GROUP);
      // Break-glass people hold the provider's RBAC; the webhook lets their deletes through.
      await bind('break-glass', 'managedapps-provider', BREAK_GLASS_GROUP);
    }
    const mint = (name: string, groups: string[]) => { users.set(name, userKubeConfig(info, name, groups)); };
    mint('alice', [CONTACTS_GROUP]);
    mint('dave', [CONTACTS_GROUP]);
    mint('frank', []);
    mint('paul', [PROVIDER_GROUP]);
    mint('gina', [BREAK_GLASS_GROUP]);

    // One Manager: the controllers (retention finalizer) and the webhook read the fixed clock (its
    // work queue runs on real time, so requeues fire); the controllers write as the admin user,
    // which the webhook knows as the operator.
    manager = new Manager({ kubeConfig: admin, logger: pino({ level: 'silent' }), leaderElection: false });
    registerControllers(manager, { clock, retention: { months: 15 } });
    const certs = await webhookCertificates(manager.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({
      manager, tls: certs.tls, port: 0, host: '127.0.0.1', clock, logger: pino({ level: 'silent' }),
      providerGroups: [PROVIDER_GROUP], breakGlassGroups: [BREAK_GLASS_GROUP], operatorUsername: 'admin', retentionMonths: 15,
    });
    manager.add(server);
    manager.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(manager.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME,
      operatorNamespace: `records-operator-${run}`, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    // The API server picks the configuration up asynchronously: wait until a write is judged
    // (alice's create before the tenant exists: the webhook refuses it, no ManagedTenant).
    await eventually(async () => {
      const judged = await attempt(() => api('alice').createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', dryRun: 'All', body: body('Incident', 'probe', { unitRefs: [{ name: 'x' }], priority: 'P3', summary: 'x', openedAt: NOW.toISOString() }) }));
      expect(judged.ok ? '' : judged.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    const tenantSpec = {
      managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
      contacts: [
        { name: 'alice', email: 'alice@acme.example', users: ['alice'], roles: ['IncidentReporter'] },
        { name: 'dave', email: 'dave@acme.example', users: ['dave'], roles: ['SLAClaimer'] },
      ],
    };
    const contractSpec = { start: '2026-10-01', supportChain: 'FullFrance', subscribedLevels: ['OS'], supportLevels: [{ environment: 'Production', level: 'Standard' }], prices: { currency: 'EUR', tokenPrice: 95 } };
    for (const namespace of [ns, down]) {
      expect(await create('paul', 'ManagedTenant', 'acme', tenantSpec, namespace)).toMatchObject({ ok: true });
      expect(await create('paul', 'SupportContract', 'c', contractSpec, namespace)).toMatchObject({ ok: true });
      expect(await create('paul', 'ServiceUnit', 'os-1', { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }] }, namespace)).toMatchObject({ ok: true });
    }
    await eventually(() => manager.informer({ group: GROUP, version: VERSION, plural: 'managedtenants' }).get(ns, 'acme') !== undefined);
    // An October P1 the provider records (2 h), and a November one alice reports (at NOW).
    expect(await create('paul', 'Incident', 'inc-oct', { unitRefs: [{ name: 'os-1' }], priority: 'P1', summary: 'Down', openedAt: '2026-10-14T07:00:00Z', resolvedAt: '2026-10-14T09:00:00Z', cause: 'Provider' })).toMatchObject({ ok: true });
    await eventually(async () => (await create('alice', 'Incident', 'inc-nov', { unitRefs: [{ name: 'os-1' }], priority: 'P3', summary: 'Slow', openedAt: NOW.toISOString() })).ok);
    expect(await create('paul', 'Incident', 'inc-down', { unitRefs: [{ name: 'os-1' }], priority: 'P3', summary: 'Slow', openedAt: '2026-11-10T10:00:00Z' }, down)).toMatchObject({ ok: true });
    for (const name of ['inc-oct', 'inc-nov']) await held('Incident', name);
    await held('Incident', 'inc-down', down);
    await held('ServiceUnit', 'os-1');
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(manager.client, CONFIG_NAME);
    await manager.stop();
    // Cluster-scoped: left behind, they would stop a later file's `helm install` (not Helm's to adopt).
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) if (m.kind === 'ClusterRole') await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
  });

  const WEBHOOK = /^403 .*admission webhook "validate\.managedapps\.dev" denied the request: /;
  const RBAC = /^403 .*is forbidden: User "[^"]+" cannot delete resource/;
  const text = (o: Outcome): string => (o.ok ? 'allowed' : `${o.code} ${o.message}`);

  describe('edits, and who the trace names', () => {
    it('paul (provider) reclassifies inc-nov: admitted; the trace and status.history name paul, with one RecordChanged Event', async () => {
      expect(text(await update('paul', 'Incident', 'inc-nov', (o) => { o.spec.priority = 'P2'; }))).toBe('allowed');
      const o = await eventually(async () => {
        const got = (await get('Incident', 'inc-nov'))!;
        expect(got.status?.history).toEqual([{ at: NOW.toISOString().replace('.000Z', 'Z'), by: 'paul', field: 'spec.priority', from: 'P3', to: 'P2' }]);
        return got;
      });
      expect(JSON.parse(o.metadata.annotations?.['managedapps.dev/history'] ?? '[]')).toEqual([{ at: '2026-11-15T12:00:00Z', by: 'paul', field: 'spec.priority', from: 'P3', to: 'P2' }]);
      await eventually(async () => {
        const events = (await admin.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.regarding?.name === 'inc-nov' && e.reason === 'RecordChanged');
        expect(events.map((e) => e.note)).toEqual(['spec.priority: P3 → P2 by paul at 2026-11-15T12:00:00Z']);
      });
    });

    it.each<[string, string, (o: Obj) => void, RegExp]>([
      ['alice (client contact) reclassifies: refused by the webhook', 'alice', (o) => { o.spec.priority = 'P1'; }, /spec\.priority: changed by operator or provider only; user 'alice'/],
      ['paul (provider) closes without the client: refused by the webhook', 'paul', (o) => { o.spec.resolvedAt = '2026-11-15T12:00:00Z'; o.spec.closedAt = '2026-11-15T12:00:00Z'; }, /spec\.closedAt: changed by client only/],
      ['frank (stranger) reclassifies: refused by RBAC', 'frank', (o) => { o.spec.priority = 'P1'; }, /^403 .*is forbidden: User "frank" cannot update resource "incidents"/],
    ])('%s', async (_name, user, change, expected) => {
      expect(text(await update(user, 'Incident', 'inc-nov', change))).toMatch(expected);
    });

    it('paul amends inc-oct\'s cause after its resolution: the trace flags it, and October\'s report lists it in amended', async () => {
      expect(text(await update('paul', 'Incident', 'inc-oct', (o) => { o.spec.cause = 'Shared'; }))).toBe('allowed');
      const trace = JSON.parse((await get('Incident', 'inc-oct'))!.metadata.annotations?.['managedapps.dev/history'] ?? '[]') as unknown[];
      expect(trace).toEqual([{ at: '2026-11-15T12:00:00Z', by: 'paul', field: 'spec.cause', from: 'Provider', to: 'Shared', afterClosure: true }]);
      await eventually(async () => {
        expect((await get('SLAReport', 'c-2026-10'))?.status).toMatchObject({ amended: [{ kind: 'Incident', name: 'inc-oct', fields: ['spec.cause'] }] });
      });
      // November lists nothing amended: the field is absent, not empty.
      await eventually(async () => { expect((await get('SLAReport', 'c-2026-11'))?.status).toMatchObject({ period: { month: '2026-11' } }); });
      expect((await get('SLAReport', 'c-2026-11'))?.status).not.toHaveProperty('amended');
    });

    it('alice empties the trace in her body: the mutating hook puts the stored trace back (the validating hook refuses any other)', async () => {
      expect(text(await update('alice', 'Incident', 'inc-nov', (o) => { o.metadata.annotations = { ...o.metadata.annotations, 'managedapps.dev/history': '[]' }; }))).toBe('allowed');
      const trace = JSON.parse((await get('Incident', 'inc-nov'))!.metadata.annotations?.['managedapps.dev/history'] ?? '[]') as { by: string }[];
      expect(trace.map((e) => e.by)).toEqual(['paul']);
    });

    it('the client agrees: dave (a contact, SLAClaimer only) closes the resolved incident; closedBy and the trace name dave; then the spec is frozen (CEL)', async () => {
      expect(text(await update('paul', 'Incident', 'inc-nov', (o) => { o.spec.resolvedAt = '2026-11-15T12:00:00Z'; }))).toBe('allowed');
      expect(text(await update('dave', 'Incident', 'inc-nov', (o) => { o.spec.closedAt = '2026-11-01T00:00:00Z'; }))).toBe('allowed');
      const o = (await get('Incident', 'inc-nov'))!;
      // Stamped: the request's instant (not the back-dated body) and who agreed.
      expect(o.spec.closedAt).toBe('2026-11-15T12:00:00Z');
      expect(o.spec.closedBy).toEqual({ username: 'dave', groups: [CONTACTS_GROUP, 'system:authenticated'], contacts: ['dave'] });
      const trace = JSON.parse(o.metadata.annotations?.['managedapps.dev/history'] ?? '[]') as { by: string; field: string; afterClosure?: boolean }[];
      expect(trace.map((e) => `${e.by} ${e.field}${e.afterClosure === true ? ' (after resolution)' : ''}`)).toEqual([
        'paul spec.priority', 'paul spec.resolvedAt', 'dave spec.closedAt (after resolution)',
      ]);
      expect(text(await update('paul', 'Incident', 'inc-nov', (x) => { x.spec.cause = 'Client'; }))).toMatch(/^422 .*spec is frozen once the incident is closed/);
    });
  });

  describe('deletions, by role and layer', () => {
    it.each<[string, string, string, string, RegExp]>([
      ['alice (client contact)', 'alice', 'Incident', 'inc-oct', RBAC],
      ['frank (stranger)', 'frank', 'Incident', 'inc-oct', RBAC],
      ['alice (client contact)', 'alice', 'SLAReport', 'c-2026-10', RBAC],
      // inc-oct: resolved 2026-10-14T09:00Z + 15 months = 2028-01-14T09:00Z.
      ['paul (provider), an incident within its retention', 'paul', 'Incident', 'inc-oct', /denied the request: metadata: user 'paul' .*may not delete Incident 'inc-oct': it is kept until 2028-01-14T09:00:00Z \(its latest instant plus the retention of 15 months\) \(domain\.md §9: records are kept\); only a member of the break-glass group/],
      ['paul (provider), a unit subscribed this month', 'paul', 'ServiceUnit', 'os-1', /may not delete ServiceUnit 'os-1': it weighs in the report of 2026-10, 2026-11, not final yet/],
    ])('%s deletes %s %s %s: refused', async (_who, user, kind, name, expected) => {
      const outcome = await remove(user, kind, name);
      expect(text(outcome)).toMatch(expected);
      if (expected !== RBAC) expect(text(outcome)).toMatch(WEBHOOK);
      expect((await get(kind, name))?.metadata.deletionTimestamp).toBeUndefined();
    });

    it('October final (the clock past 2026-11-16T12:00Z): paul may not delete its report, nor the incident it lists (webhook)', async () => {
      NOW = new Date('2026-11-16T12:00:01Z');
      expect(text(await attempt(() => api('admin').patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'slareports', name: 'c-2026-10', body: { metadata: { labels: { touched: '1' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))))).toBe('allowed');
      await eventually(async () => { expect((await get('SLAReport', 'c-2026-10'))?.status?.final).toBe(true); });
      await held('SLAReport', 'c-2026-10');
      expect((await get('SLAReport', 'c-2026-10'))?.status).toMatchObject({ amended: [{ kind: 'Incident', name: 'inc-oct', fields: ['spec.cause'] }] });
      expect(text(await remove('paul', 'SLAReport', 'c-2026-10'))).toMatch(/denied the request: status\.final: user 'paul' .*may not delete SLAReport 'c-2026-10': the report of 2026-10 is final, the record of its month/);
      expect(text(await remove('paul', 'Incident', 'inc-oct'))).toMatch(/may not delete Incident 'inc-oct': final SLAReport 'c-2026-10' lists it/);
      expect(text(await remove('admin', 'SLAReport', 'c-2026-10'))).toMatch(/may not delete SLAReport 'c-2026-10'/);
    });

    it('gina (break-glass) deletes the final report and the incident: the webhook admits, the finalizer holds them (Terminating, still counted)', async () => {
      expect(text(await remove('gina', 'SLAReport', 'c-2026-10'))).toBe('allowed');
      expect(text(await remove('gina', 'Incident', 'inc-oct'))).toBe('allowed');
      for (const [kind, name] of [['SLAReport', 'c-2026-10'], ['Incident', 'inc-oct']] as const) {
        const o = (await get(kind, name))!;
        expect(o.metadata.deletionTimestamp).toBeDefined();
        expect(o.metadata.finalizers).toEqual([FINALIZER]);
      }
      // The November report still counts the terminating October incident nowhere (it is October's) and
      // the October report, final, keeps it listed.
      expect(((await get('SLAReport', 'c-2026-10'))!.status as { gtr?: { incidents?: { name: string }[] } }).gtr?.incidents?.map((i) => i.name)).toEqual(['inc-oct']);
      // Paul may not remove the finalizer; only the operator (or break-glass) does.
      const patch = (user: string) => attempt(() => api(user).patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', name: 'inc-oct', body: { metadata: { finalizers: [] } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
      expect(text(await patch('paul'))).toMatch(/denied the request: metadata\.finalizers: managedapps\.dev\/retention is removed by the operator once the record's retention ends, not by user 'paul'/);
    });

    it('the webhook down (a namespace it does not select): paul\'s delete is admitted, the finalizer holds the incident', async () => {
      expect(text(await remove('paul', 'Incident', 'inc-down', down))).toBe('allowed');
      const o = (await get('Incident', 'inc-down', down))!;
      expect(o.metadata.deletionTimestamp).toBeDefined();
      expect(o.metadata.finalizers).toEqual([FINALIZER]);
      // Released at its retention's end: opened 2026-11-10T10:00Z + 15 months = 2028-02-10T10:00Z.
      NOW = new Date('2028-02-10T10:00:01Z');
      await attempt(() => api('admin').patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: down, plural: 'incidents', name: 'inc-down', body: { metadata: { labels: { touched: '1' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
      await eventually(async () => { expect(await get('Incident', 'inc-down', down)).toBeUndefined(); });
    });
  });
});
