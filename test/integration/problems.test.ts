// Issue 15 items 4-5 on a real API server, with the admission webhook in this process (url mode)
// and the controllers on a fixed clock (2026-11-15T12:00Z): recurring incidents propose a Problem
// (condition and Event), a Problem linking another tenant's incident is refused naming the field,
// a Problem is a record (finalizer, deletion refused, trace), a P1 on two units is major (condition,
// Event, metric) and its closure notice is recorded with who, and the month's report lists the
// problems.
import { randomBytes } from 'node:crypto';
import {
  ApiException, CoreV1Api, CustomObjectsApi, EventsV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig,
} from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { createMetrics } from '../../src/metrics/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests } from '../../src/webhooks/rbac.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { GROUP, PLURALS, VERSION } from './fixtures.ts';

const NOW = new Date('2026-11-15T12:00:00Z');
const clock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/problems-test';
const CONFIG_NAME = `mao-problems-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';

type Obj = {
  metadata: { name: string; finalizers?: string[]; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { closureNotice?: { sentAt: string; sentBy?: { username: string }; channel?: string } };
  status?: Record<string, unknown> & { conditions?: Condition[]; history?: { by: string; field: string }[] };
};
type Outcome = { ok: true; object: Obj } | { ok: false; code: number; message: string };

async function attempt(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, object: (await fn()) as Obj };
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const e = err as ApiException<unknown>;
    const raw: unknown = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { ok: false, code: e.code, message: (raw as { message?: string } | undefined)?.message ?? String(e.body) };
  }
}

describe('problems and major incidents on a real API server', () => {
  const info = inject('controlPlane');
  let admin: KubeConfig;
  let paul: KubeConfig;
  let ns = '';
  let other = '';
  let manager: Manager;
  let registry: Registry;
  const api = (kc: KubeConfig) => kc.makeApiClient(CustomObjectsApi);
  const body = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name }, spec });
  const create = (kind: string, name: string, spec: Record<string, unknown>, namespace = ns) =>
    attempt(() => api(paul).createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, body: body(kind, name, spec) }));
  const get = async (kind: string, name: string, namespace = ns): Promise<Obj> =>
    (await api(admin).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (kind: string, name: string, check: (o: Obj) => void): Promise<Obj> => eventually(async () => { const o = await get(kind, name); check(o); return o; });
  const events = async (name: string, reason: string) =>
    (await admin.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.regarding?.name === name && e.reason === reason);
  /** GET, change, PUT as paul; again on a 409 (the controllers write statuses meanwhile). */
  const update = async (kind: string, name: string, change: (o: Obj) => void): Promise<Outcome> => {
    for (let i = 0; ; i++) {
      const current = await get(kind, name);
      change(current);
      const outcome = await attempt(() => api(paul).replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name, body: current }));
      if (outcome.ok || outcome.code !== 409 || i >= 5) return outcome;
    }
  };
  const incident = (units: string[], priority: string, openedAt: string, more: Record<string, unknown> = {}) => ({ unitRefs: units.map((name) => ({ name })), priority, summary: 'Slow', openedAt, cause: 'Provider', ...more });

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    ns = await createNamespace(admin, 'problems');
    other = await createNamespace(admin, 'problems-other');
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [ns, other]) await core.patchNamespace({ name, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of rbacManifests({ namespace: ns })) {
      const b = m as unknown as Parameters<RbacAuthorizationV1Api['createClusterRole']>[0]['body'];
      if (m.kind === 'ClusterRole') await rbac.patchClusterRole({ name: m.metadata.name, body: b, fieldManager: 'problems-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    for (const namespace of [ns, other]) {
      await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name: 'provider' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'managedapps-provider' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: PROVIDER_GROUP }] } });
    }
    paul = userKubeConfig(info, 'paul', [PROVIDER_GROUP]);

    manager = new Manager({ kubeConfig: admin, logger: pino({ level: 'silent' }), leaderElection: false });
    const controllers = registerControllers(manager, { clock, retention: { months: 15 } });
    registry = new Registry();
    createMetrics(registry, { snapshot: () => controllers.metricsSnapshot() });
    const certs = await webhookCertificates(manager.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({
      manager, tls: certs.tls, port: 0, host: '127.0.0.1', clock, logger: pino({ level: 'silent' }),
      providerGroups: [PROVIDER_GROUP], breakGlassGroups: [], operatorUsername: 'admin', retentionMonths: 15,
    });
    manager.add(server);
    manager.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(manager.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME,
      operatorNamespace: `problems-operator-${run}`, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    // The API server picks the configuration up asynchronously: wait until a write is judged.
    await eventually(async () => {
      const judged = await attempt(() => api(paul).createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'problems', dryRun: 'All', body: body('Problem', 'probe', { summary: 'x', incidentRefs: [{ name: 'x', namespace: 'elsewhere' }], openedAt: NOW.toISOString() }) }));
      expect(judged.ok ? '' : judged.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    const tenantSpec = { managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' }, contacts: [{ name: 'alice', email: 'alice@acme.example', users: ['alice'], roles: ['IncidentReporter'] }] };
    for (const namespace of [ns, other]) {
      expect(await create('ManagedTenant', 'acme', tenantSpec, namespace)).toMatchObject({ ok: true });
      expect(await create('SupportContract', 'c', { start: '2026-10-01', supportChain: 'FullFrance', subscribedLevels: ['OS'], supportLevels: [{ environment: 'Production', level: 'Standard' }], prices: { currency: 'EUR', tokenPrice: 95 } }, namespace)).toMatchObject({ ok: true });
    }
    for (const [unit, vm] of [['os-1', 'vm-1'], ['os-2', 'vm-2'], ['os-3', 'vm-3']] as const) {
      expect(await create('ServiceUnit', unit, { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: vm }] })).toMatchObject({ ok: true });
    }
    // fn-os groups the three OS units (every unit of the family without a selector).
    expect(await create('ManagedFunction', 'fn-os', { family: 'OS', monthlyCharge: 1000 })).toMatchObject({ ok: true });
    // Three P3 on os-1 on 2, 9 and 14 November: 12 days apart at most, within 30 (the default N = 3, M = 30).
    for (const [name, at] of [['inc-a', '2026-11-02T08:00:00Z'], ['inc-b', '2026-11-09T08:00:00Z'], ['inc-c', '2026-11-14T08:00:00Z']] as const) {
      expect(await create('Incident', name, incident(['os-1'], 'P3', at, { resolvedAt: at.replace('08:00', '10:00') }))).toMatchObject({ ok: true });
    }
    // A P3 on os-2 alone: 1 incident on os-2; on fn-os it makes 4 within 30 days (2 to 14 November).
    // A P1 on os-2 and os-3 opened at 11:00: two units, major; it is an incident of fn-os too.
    expect(await create('Incident', 'inc-major', incident(['os-2', 'os-3'], 'P1', '2026-11-15T11:00:00Z'))).toMatchObject({ ok: true });
    expect(await create('Incident', 'inc-other', incident(['os-1'], 'P3', '2026-11-03T08:00:00Z'), other)).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(manager.client, CONFIG_NAME);
    await manager.stop();
  });

  it('recurring incidents propose a Problem: the ProblemProposed condition and its Event', async () => {
    // os-1: inc-a, inc-b, inc-c (3 within 12 days); fn-os: the same three and inc-major (4 within 13 days 3 h).
    // The condition names where the incident recurs, not the others (incident/status.ts).
    await waitFor('Incident', 'inc-c', (o) => {
      expect(cond(o, 'ProblemProposed')).toMatchObject({
        status: 'True', reason: 'RecurringIncidents',
        message: 'recurs on ServiceUnit os-1, ManagedFunction fn-os (3 or more incidents within 30 days): open a Problem linking them (seed §5.4)',
      });
    });
    // inc-major is on os-2 and os-3, one incident each: it recurs on fn-os only.
    await waitFor('Incident', 'inc-major', (o) => {
      expect(cond(o, 'ProblemProposed')?.message).toBe('recurs on ManagedFunction fn-os (3 or more incidents within 30 days): open a Problem linking them (seed §5.4)');
    });
    // inc-a and inc-b were reconciled before inc-c existed (created in that order): the reconcile
    // that saw inc-c re-queued them, their condition having changed.
    for (const name of ['inc-a', 'inc-b']) await waitFor('Incident', name, (o) => { expect(cond(o, 'ProblemProposed')?.status).toBe('True'); });
    // The Event names the incidents of the recurrence at the time: on os-1, the three.
    await eventually(async () => {
      const notes = await events('inc-a', 'ProblemProposed');
      expect(notes).toHaveLength(1);
      expect(notes[0]?.note).toContain('ServiceUnit os-1: 3 incidents within 30 days (inc-a, inc-b, inc-c)');
    });
  });

  it('a Problem linking an incident of another tenant is refused, the field named', async () => {
    const refused = await create('Problem', 'prb-cross', { summary: 'Slow disk', incidentRefs: [{ name: 'inc-a' }, { name: 'inc-other', namespace: other }], openedAt: '2026-11-15T09:00:00Z' });
    expect(refused).toMatchObject({ ok: false, code: 422 });
    expect(refused.ok ? '' : refused.message).toMatch(new RegExp(`spec\\.incidentRefs\\[1\\]\\.namespace: Incident 'inc-other' of namespace '${other}' is another tenant's`));
  });

  it('a Problem links the incidents: they are no longer proposed; it is a record (finalizer, deletion refused, trace)', async () => {
    expect(await create('Problem', 'prb-disk', { summary: 'Slow disk on vm-1', incidentRefs: [{ name: 'inc-a' }, { name: 'inc-b', namespace: ns }], openedAt: '2026-11-15T09:00:00Z' })).toMatchObject({ ok: true });
    const p = await waitFor('Problem', 'prb-disk', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
    expect(p.status).toMatchObject({ phase: 'Open', incidents: 2 });
    expect(cond(p, 'Closed')).toMatchObject({ status: 'False', reason: 'ProblemOpen' });
    expect(p.metadata.finalizers).toContain('managedapps.dev/retention');
    for (const name of ['inc-a', 'inc-b']) {
      await waitFor('Incident', name, (o) => { expect(cond(o, 'ProblemProposed')).toMatchObject({ status: 'False', reason: 'ProblemLinked', message: 'linked to Problem prb-disk' }); });
    }
    // inc-c is still unlinked: proposed, naming the Problem that links the others.
    await waitFor('Incident', 'inc-c', (o) => { expect(cond(o, 'ProblemProposed')?.message).toContain('link it to Problem prb-disk'); });
    // Linking inc-c too, by paul: traced (who, which field).
    expect(await update('Problem', 'prb-disk', (o) => { o.spec.incidentRefs = [{ name: 'inc-a' }, { name: 'inc-b', namespace: ns }, { name: 'inc-c' }]; })).toMatchObject({ ok: true });
    await waitFor('Problem', 'prb-disk', (o) => { expect(o.status?.history).toEqual([expect.objectContaining({ by: 'paul', field: 'spec.incidentRefs' })]); });
    await waitFor('Incident', 'inc-c', (o) => { expect(cond(o, 'ProblemProposed')?.reason).toBe('ProblemLinked'); });
    // Opened 15 November, kept 15 months after it: the provider may not delete it now.
    const removed = await attempt(() => api(paul).deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'problems', name: 'prb-disk' }));
    expect(removed.ok ? '' : removed.message).toMatch(/may not delete Problem 'prb-disk': it is kept until 2028-02-15T09:00:00Z/);
  });

  it('a P1 on two units is major: the Major condition, its Event and managedapps_incident_major', async () => {
    const m = await waitFor('Incident', 'inc-major', (o) => { expect(cond(o, 'Major')?.status).toBe('True'); });
    expect(cond(m, 'Major')).toMatchObject({ reason: 'SeveralUnits', message: 'major incident (seed §5.3.2): a P1 on 2 units (os-2, os-3)' });
    await eventually(async () => { expect(await events('inc-major', 'MajorIncident')).toHaveLength(1); });
    const a = await get('Incident', 'inc-a');
    expect(cond(a, 'Major')).toMatchObject({ status: 'False', reason: 'NotMajor' });
    await eventually(async () => {
      const text = await registry.metrics();
      expect(text).toContain(`managedapps_incident_major{namespace="${ns}",name="inc-major",priority="P1",tenant="${ns}"} 1`);
      expect(text).not.toMatch(new RegExp(`managedapps_incident_major\\{namespace="${ns}",name="inc-a"`)); // resolved: not an open incident
    });
  });

  it('the closure notice of the major incident is recorded with who, and traced', async () => {
    // Resolved at 11:30, the closure notified at 11:45: the webhook stamps sentBy with paul.
    expect(await update('Incident', 'inc-major', (o) => { o.spec.resolvedAt = '2026-11-15T11:30:00Z'; })).toMatchObject({ ok: true });
    expect(await update('Incident', 'inc-major', (o) => { o.spec.closureNotice = { sentAt: '2026-11-15T11:45:00Z', sentBy: { username: 'someone-else' } }; })).toMatchObject({ ok: true });
    const m = await waitFor('Incident', 'inc-major', (o) => { expect(cond(o, 'Major')?.message).toContain('closure notified to the client at 2026-11-15T11:45:00Z by paul'); });
    expect(m.spec.closureNotice).toMatchObject({ sentAt: '2026-11-15T11:45:00Z', sentBy: { username: 'paul' } });
    expect(m.status?.history?.map((h) => [h.by, h.field])).toEqual([['paul', 'spec.resolvedAt'], ['paul', 'spec.closureNotice']]);
    // Once recorded, it does not change: the mutating hook puts the stored notice back (a GitOps re-apply passes).
    expect(await update('Incident', 'inc-major', (o) => { o.spec.closureNotice = { sentAt: '2026-11-15T11:50:00Z' }; })).toMatchObject({ ok: true });
    expect((await get('Incident', 'inc-major')).spec.closureNotice).toMatchObject({ sentAt: '2026-11-15T11:45:00Z', sentBy: { username: 'paul' } });
  });

  it('a closed incident still takes its closure notice, and nothing else (CEL)', async () => {
    // A record the provider re-creates: resolved 9 November, closed by the client on the 10th.
    expect(await create('Incident', 'inc-closed', incident(['os-3'], 'P2', '2026-11-09T08:00:00Z', {
      resolvedAt: '2026-11-09T10:00:00Z', closedAt: '2026-11-10T08:00:00Z', closedBy: { username: 'alice', contacts: ['alice'] },
    }))).toMatchObject({ ok: true });
    expect(await update('Incident', 'inc-closed', (o) => { o.spec.closureNotice = { sentAt: '2026-11-10T09:00:00Z', channel: 'e-mail' }; })).toMatchObject({ ok: true });
    expect((await get('Incident', 'inc-closed')).spec.closureNotice).toMatchObject({ sentAt: '2026-11-10T09:00:00Z', sentBy: { username: 'paul' } });
    const edit = await update('Incident', 'inc-closed', (o) => { o.spec.priority = 'P1'; });
    expect(edit.ok ? '' : edit.message).toContain('spec is frozen once the incident is closed');
  });

  it('the monthly report lists the month\'s problems', async () => {
    await eventually(async () => {
      const r = await get('SLAReport', 'c-2026-11');
      expect(r.status?.problems).toEqual([{ name: 'prb-disk', summary: 'Slow disk on vm-1', state: 'Open', openedAt: '2026-11-15T09:00:00Z', incidents: ['inc-a', 'inc-b', 'inc-c'] }]);
    }, { timeoutMs: 30_000 });
  });
});
