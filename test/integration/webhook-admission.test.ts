// Who may do what, enforced by the REAL API server: the RBAC of config/rbac applied, the
// admission webhook running in this process on 127.0.0.1 and registered in url mode, and
// minted users (client certificates) sending the requests. The control plane is shared by every
// integration file: the webhook configurations select only the namespaces labelled with this
// run's id, and are deleted in afterAll.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  APPROVERS_ANNOTATION, CONFIRM_APPROVERS_ANNOTATION, CONTACTS_LOG_ANNOTATION, GROUP, VERSION, pendingDigest, pendingGrants, scopeDigest,
  type ManagedTenant, type ScopedSpec,
} from '../../src/api/v1alpha1/index.ts';
import { addMonths, monthOf } from '../../src/domain/index.ts';
import { createMetrics, type MetricsSnapshot } from '../../src/metrics/index.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { createWebhookServer, type WebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { PLURALS } from './fixtures.ts';
import { attempt as attemptCall, type Outcome as CallOutcome } from '../support/attempt.ts';

const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/webhook-test';
const CONFIG_NAME = `mao-webhook-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';
const CONTACTS_GROUP = `acme-${run}:contacts`;
const OPS_GROUP = `acme-${run}:ops`;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; resourceVersion?: string }; spec: Record<string, unknown>; status?: Record<string, unknown> };
type Outcome = CallOutcome<Obj>;


const attempt = (fn: () => Promise<unknown>): Promise<Outcome> => attemptCall<Obj>(fn);
/** seed §9.6: the four unit ticket prices (issue 13). */
const TICKET_PRICES = { Premium: 85, Standard: 60, Initial: 45, NoSLA: 30 };

describe('admission webhook and RBAC on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  let ns: string;
  let opNs: string;
  let operatorUser: string;
  let manager: Manager;
  let server: WebhookServer;
  /** The webhook server's metrics (controller_runtime_webhook_*). */
  const registry = new Registry();
  let applied: RbacManifest[] = [];
  const users = new Map<string, KubeConfig>();
  const api = (user: string) => (users.get(user) ?? admin).makeApiClient(CustomObjectsApi);

  const create = (user: string, kind: string, name: string, spec: Record<string, unknown>) =>
    attempt(() => api(user).createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name }, spec } }));
  const get = (user: string, kind: string, name: string) =>
    attempt(() => api(user).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name }));
  const list = (user: string, kind: string) =>
    attempt(() => api(user).listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]! }));
  /** GET as admin, change the spec, PUT as `user` (the `update` verb). */
  const update = async (user: string, kind: string, name: string, change: (spec: Record<string, unknown>) => void) => {
    const current = (await api('admin').getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name })) as Obj;
    change(current.spec);
    return attempt(() => api(user).replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name, body: current }));
  };
  const remove = (user: string, kind: string, name: string) =>
    attempt(() => api(user).deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name }));
  /** GET as admin, change the whole object (metadata too), PUT as `user`. */
  const updateObject = async (user: string, kind: string, name: string, change: (object: Obj & { metadata: Record<string, unknown> }) => void) => {
    const current = (await api('admin').getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name })) as Obj & { metadata: Record<string, unknown> };
    change(current);
    return attempt(() => api(user).replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURALS[kind]!, name, body: current }));
  };
  const createIn = (user: string, namespace: string, kind: string, name: string, spec: Record<string, unknown>) =>
    attempt(() => api(user).createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURALS[kind]!, body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name }, spec } }));
  /** JSON-patches an SLAReport's status as `user` (the status subresource). */
  const patchReportStatus = (user: string, name: string, status: Record<string, unknown>) =>
    attempt(() => api(user).patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: ns, plural: 'slareports', name, body: [{ op: 'add', path: '/status', value: status }] }));

  const incident = (extra: Record<string, unknown> = {}) => ({ unitRefs: [{ name: 'os-vm1' }], priority: 'P3', summary: 'Slow logins', openedAt: '2026-11-20T10:00:00Z', ...extra });
  const change = (extra: Record<string, unknown> = {}) => ({
    unitRefs: [{ name: 'os-vm1' }], category: 'StandardSimple', catalogItem: 'os.package.install', summary: 'Install a package', tokens: 1, requestedAt: '2026-11-20T10:00:00Z', ...extra,
  });
  /** Waits until the webhook's cache holds `name` (what the next rule reads), then runs `action`. */
  const eventuallyCached = async (plural: string, name: string, action: () => Promise<Outcome>) => {
    await eventually(() => manager.informer({ group: GROUP, version: VERSION, plural }).get(ns, name) !== undefined);
    return action();
  };
  const unit = (target: string) => ({ level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: target }] });

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    ns = await createNamespace(admin, 'webhook');
    opNs = await createNamespace(admin, 'webhook-operator');
    const core = admin.makeApiClient(CoreV1Api);
    // The configuration selects this run's namespaces only: the tenant, the operator's, and
    // (for this file's duration) kube-system, where our kinds are refused.
    for (const name of [ns, opNs, 'kube-system']) {
      await core.patchNamespace({ name, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    }

    // config/rbac as kustomize would install it in opNs, and bindings for the people of the tenant.
    applied = rbacManifests({ namespace: opNs });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      const body = m as unknown as Parameters<RbacAuthorizationV1Api['createClusterRole']>[0]['body'];
      if (m.kind === 'ClusterRole') await rbac.patchClusterRole({ name: m.metadata.name, body, fieldManager: 'webhook-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
      if (m.kind === 'ClusterRoleBinding') await rbac.patchClusterRoleBinding({ name: m.metadata.name, body, fieldManager: 'webhook-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
      if (m.kind === 'Role') await rbac.patchNamespacedRole({ name: m.metadata.name, namespace: opNs, body, fieldManager: 'webhook-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
      if (m.kind === 'RoleBinding') await rbac.patchNamespacedRoleBinding({ name: m.metadata.name, namespace: opNs, body, fieldManager: 'webhook-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    const bind = (name: string, role: string, subject: { kind: 'Group' | 'User'; name: string }) =>
      rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }] } });
    await bind('contacts', 'managedapps-client', { kind: 'Group', name: CONTACTS_GROUP });
    await bind('provider', 'managedapps-provider', { kind: 'Group', name: PROVIDER_GROUP });
    await bind('viewer', 'view', { kind: 'User', name: 'viewer' });
    await bind('editor', 'edit', { kind: 'User', name: 'editor' });
    await bind('nsadmin', 'admin', { kind: 'User', name: 'nsadmin' });

    operatorUser = `system:serviceaccount:${opNs}:managed-apps-operator`;
    const mint = (name: string, groups: string[]) => { users.set(name, userKubeConfig(info, name, groups)); };
    mint('alice', [CONTACTS_GROUP]);
    mint('bob', [CONTACTS_GROUP, OPS_GROUP]);
    mint('carol', [CONTACTS_GROUP]);
    mint('dave', [CONTACTS_GROUP]);
    mint('eve', [CONTACTS_GROUP]);
    mint('frank', []);
    mint('paul', [PROVIDER_GROUP]);
    mint('viewer', []);
    mint('editor', []);
    mint('nsadmin', []);
    users.set('operator', userKubeConfig(info, operatorUser, ['system:serviceaccounts', `system:serviceaccounts:${opNs}`]));

    // The webhook, in this process, over the Manager's caches.
    manager = new Manager({ kubeConfig: admin, logger: log, leaderElection: false });
    const certs = await webhookCertificates(manager.client, { mode: 'url', host: '127.0.0.1' });
    // Internal probe targets refused as `managedapps run` refuses them (without --allow-internal-probe-targets):
    // this API server, and the Services of the operator's namespace.
    server = createWebhookServer({
      manager, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: [PROVIDER_GROUP], operatorUsername: operatorUser, logger: log,
      internalEndpoints: { apiServer: admin.getCurrentCluster()!.server, namespace: opNs, ports: [] },
      metrics: createMetrics(registry, { snapshot: (): MetricsSnapshot => ({ units: [], functions: [], incidents: [], changes: [], contracts: [], reports: [] }) }).webhook,
    });
    manager.add(server);
    manager.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(manager.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME,
      operatorNamespace: opNs, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    // The API server picks the configurations up asynchronously: wait until a write is judged.
    await eventually(async () => {
      const probe = await attempt(() => api('admin').createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', dryRun: 'All',
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Incident', metadata: { name: 'probe' }, spec: incident() },
      }));
      expect(probe.ok ? '' : probe.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    // The tenant, its contract and a unit, written by the provider.
    expect(await create('paul', 'ManagedTenant', 'acme', {
      managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
      contacts: [
        { name: 'alice', email: 'alice@acme.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] },
        { name: 'ops-team', email: 'ops@acme.example', groups: [OPS_GROUP], roles: ['IncidentReporter'] },
        { name: 'carol', email: 'carol@acme.example', users: ['carol'], roles: ['ChangeRequester'] },
        { name: 'dave', email: 'dave@acme.example', users: ['dave'], roles: ['ChangeApprover', 'SLAClaimer'] },
      ],
    })).toMatchObject({ ok: true });
    expect(await create('paul', 'SupportContract', 'acme-2026', {
      start: '2026-11-01', supportChain: 'FullFrance', subscribedLevels: ['OS', 'Database'],
      supportLevels: [{ environment: 'Production', level: 'Standard' }], prices: { currency: 'EUR', tokenPrice: 95 },
    })).toMatchObject({ ok: true });
    expect(await create('paul', 'ServiceUnit', 'os-vm1', unit('vm-1'))).toMatchObject({ ok: true });
    expect(await create('paul', 'ChangeRequest', 'provider-change', change({ initiator: 'Provider', summary: 'Kernel upgrade' }))).toMatchObject({ ok: true });
    expect(await create('paul', 'ChangeRequest', 'provider-change-2', change({ initiator: 'Provider', summary: 'Reboot' }))).toMatchObject({ ok: true });
    // The webhook judges a client by the tenant's contacts in its cache: wait until the tenant is
    // there (just after its creation the cache may lag, and alice would be refused as no contact;
    // one CI run saw a 403 here).
    await eventually(() => manager.informer({ group: GROUP, version: VERSION, plural: 'managedtenants' }).get(ns, 'acme') !== undefined);
    // A client's non-standard change the provider quotes, and a client's complex change run
    // outside business hours: 8 tokens × 2 = 16 charged.
    // (A refused create leaves nothing: retried while alice's RoleBinding or the cache is not there yet.)
    await eventually(async () => (await create('alice', 'ChangeRequest', 'chg-quoted', change({ category: 'NonStandard', catalogItem: undefined, tokens: undefined, summary: 'Tune the database' }))).ok);
    await eventually(async () => (await create('alice', 'ChangeRequest', 'chg-done', change({ category: 'StandardComplex', catalogItem: 'os.kernel.tune', tokens: 8, outsideBusinessHours: true, summary: 'Tune the kernel' }))).ok);
    // The caches the webhook reads have them before the matrix runs.
    await eventually(() => ['provider-change', 'provider-change-2', 'chg-quoted', 'chg-done'].every((n) => manager.informer({ group: GROUP, version: VERSION, plural: 'changerequests' }).get(ns, n) !== undefined));
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(manager.client, CONFIG_NAME);
    await manager.stop();
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      if (m.kind === 'ClusterRole') await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
      if (m.kind === 'ClusterRoleBinding') await rbac.deleteClusterRoleBinding({ name: m.metadata.name }).catch(() => undefined);
    }
    const core = admin.makeApiClient(CoreV1Api);
    await core.patchNamespace({ name: 'kube-system', body: { metadata: { labels: { [SELECT_LABEL]: null } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)).catch(() => undefined);
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await core.deleteNamespace({ name: opNs }).catch(() => undefined);
  });

  const WEBHOOK = /admission webhook "(validate|mutate)\.managedapps\.dev" denied the request/;
  const RBAC = /is forbidden: User ".*" cannot/;
  /** `cel`: the CRD's transition rules refused it (the API server, before the validating webhook). */
  type Expect = 'allowed' | { rbac: true } | { webhook: RegExp } | { cel: RegExp };
  // The current month (of the real clock) is never final; January 2020 always is (its end + 24 h passed).
  const thisMonth = new Date().toISOString().slice(0, 7);
  // The month after the current one in the tenant's zone (Europe/Paris): a new level's earliest month.
  const nextMonth = addMonths(monthOf(new Date(), 'Europe/Paris'), 1);
  const validation = (quoteTokens: number) => ({ decision: 'Accepted', validatedBy: 'paul', validatedAt: '2026-11-21T09:00:00Z', quoteTokens });
  const matrix: [string, string, string, string, () => Promise<Outcome>, Expect][] = [
    // user, kind, verb, what, action, expected
    ['alice (contact, all roles)', 'Incident', 'create', '', () => create('alice', 'Incident', 'inc-alice', incident()), 'allowed'],
    ['bob (contact by group, IncidentReporter)', 'Incident', 'create', '', () => create('bob', 'Incident', 'inc-bob', incident()), 'allowed'],
    ['carol (contact, ChangeRequester only)', 'Incident', 'create', '', () => create('carol', 'Incident', 'inc-carol', incident()), { webhook: /metadata: user 'carol'.*is contact 'carol' of ManagedTenant 'acme' without the IncidentReporter role/ }],
    ['dave (contact, ChangeApprover only)', 'Incident', 'create', '', () => create('dave', 'Incident', 'inc-dave', incident()), { webhook: /without the IncidentReporter role/ }],
    ['eve (client role, not a contact)', 'Incident', 'create', '', () => create('eve', 'Incident', 'inc-eve', incident()), { webhook: /user 'eve'.*is not a named contact of ManagedTenant 'acme' \(spec\.contacts\)/ }],
    ['frank (stranger, no role)', 'Incident', 'create', '', () => create('frank', 'Incident', 'inc-frank', incident()), { rbac: true }],
    ['paul (provider)', 'Incident', 'create', '', () => create('paul', 'Incident', 'inc-paul', incident()), 'allowed'],
    ['operator service account', 'Incident', 'create', 'from monitoring', () => create('operator', 'Incident', 'inc-operator', incident({ detection: 'Monitoring' })), 'allowed'],
    ['alice', 'ChangeRequest', 'create', '', () => create('alice', 'ChangeRequest', 'chg-alice', change()), 'allowed'],
    ['carol (ChangeRequester)', 'ChangeRequest', 'create', '', () => create('carol', 'ChangeRequest', 'chg-carol', change()), 'allowed'],
    ['bob (IncidentReporter only)', 'ChangeRequest', 'create', '', () => create('bob', 'ChangeRequest', 'chg-bob', change()), { webhook: /is contact 'ops-team' of ManagedTenant 'acme' without the ChangeRequester role/ }],
    ['dave (ChangeApprover only)', 'ChangeRequest', 'create', '', () => create('dave', 'ChangeRequest', 'chg-dave', change()), { webhook: /without the ChangeRequester role/ }],
    ['eve (not a contact)', 'ChangeRequest', 'create', '', () => create('eve', 'ChangeRequest', 'chg-eve', change()), { webhook: /is not a named contact/ }],
    ['frank (no role)', 'ChangeRequest', 'create', '', () => create('frank', 'ChangeRequest', 'chg-frank', change()), { rbac: true }],
    ['carol', 'ChangeRequest', 'create', 'initiator Provider', () => create('carol', 'ChangeRequest', 'chg-carol-p', change({ initiator: 'Provider' })), { webhook: /spec\.initiator: only the provider initiates a change with initiator Provider/ }],
    ['paul (provider)', 'ChangeRequest', 'create', 'initiator Provider', () => create('paul', 'ChangeRequest', 'chg-paul', change({ initiator: 'Provider' })), 'allowed'],
    ['operator service account', 'ChangeRequest', 'create', 'least privilege: it never requests changes', () => create('operator', 'ChangeRequest', 'chg-operator', change()), { rbac: true }],
    ['operator service account', 'ChangeRequest', 'update', 'finalizers, labels', () => updateObject('operator', 'ChangeRequest', 'chg-alice', (o) => { o.metadata.labels = { noted: 'yes' }; }), 'allowed'],
    ['operator service account', 'ChangeRequest', 'update', 'the requester\'s summary', () => update('operator', 'ChangeRequest', 'chg-alice', (s) => { s.summary = 'Install a package (noted)'; }), { webhook: /spec\.summary: frozen once the change is accepted, rejected or refused/ }],
    ['carol (not ChangeApprover)', 'ChangeRequest', 'update', 'approve', () => update('carol', 'ChangeRequest', 'provider-change', (s) => { s.approval = { decision: 'Approved', approvedBy: 'carol', decidedAt: '2026-11-21T09:00:00Z' }; }), { webhook: /spec\.approval: user 'carol'.* is not a ChangeApprover contact of ManagedTenant 'acme'/ }],
    ['paul (provider)', 'ChangeRequest', 'update', 'approve its own change', () => update('paul', 'ChangeRequest', 'provider-change', (s) => { s.approval = { decision: 'Approved', approvedBy: 'dave', decidedAt: '2026-11-21T09:00:00Z' }; }), { webhook: /spec\.approval: user 'paul'.* is not a ChangeApprover contact/ }],
    ['dave (ChangeApprover)', 'ChangeRequest', 'update', 'approve', () => update('dave', 'ChangeRequest', 'provider-change', (s) => { s.approval = { decision: 'Approved', approvedBy: 'alice', decidedAt: '2026-11-21T09:00:00Z' }; }), 'allowed'],
    ['paul (provider)', 'ChangeRequest', 'update', 'widen its approved change (1 → 40 tokens, another unit, a new summary)', () => update('paul', 'ChangeRequest', 'provider-change', (s) => { s.category = 'StandardComplex'; s.tokens = 40; s.unitRefs = [{ name: 'os-vm1' }, { name: 'db-1' }]; s.summary = 'Kernel upgrade and more'; }), { webhook: /spec\.unitRefs: frozen once the change is accepted.*spec\.category: frozen.*spec\.summary: frozen.*spec\.tokens: frozen/ }],
    ['dave (ChangeApprover)', 'ChangeRequest', 'update', 'flip its decision (Approved → Rejected)', () => update('dave', 'ChangeRequest', 'provider-change', (s) => { (s.approval as Record<string, unknown>).decision = 'Rejected'; }), { webhook: /spec\.approval: frozen once a decision is made/ }],
    ['dave (ChangeApprover)', 'ChangeRequest', 'update', 'reject', () => update('dave', 'ChangeRequest', 'provider-change-2', (s) => { s.approval = { decision: 'Rejected', approvedBy: 'dave', decidedAt: '2026-11-21T09:00:00Z' }; }), 'allowed'],
    ['paul (provider)', 'ChangeRequest', 'update', 'turn the rejected change into initiator Client', () => update('paul', 'ChangeRequest', 'provider-change-2', (s) => { s.initiator = 'Client'; delete s.approval; }), { cel: /spec\.initiator is immutable/ }],
    ['alice (ChangeRequester)', 'ChangeRequest', 'update', 'edit the provider\'s change', () => update('alice', 'ChangeRequest', 'chg-paul', (s) => { s.summary = 'Something else'; }), { webhook: /spec\.summary: changed by provider only/ }],
    ['alice', 'ChangeRequest', 'update', 'quote its own non-standard change', () => update('alice', 'ChangeRequest', 'chg-quoted', (s) => { s.validation = validation(1); }), { webhook: /spec\.validation: changed by provider only/ }],
    ['paul (provider)', 'ChangeRequest', 'update', 'quote and validate (12 tokens)', () => update('paul', 'ChangeRequest', 'chg-quoted', (s) => { s.tokens = 12; s.validation = validation(12); }), 'allowed'],
    ['alice', 'ChangeRequest', 'update', 'rewrite the quote (12 → 1)', () => update('alice', 'ChangeRequest', 'chg-quoted', (s) => { s.tokens = 1; s.validation = validation(1); }), { webhook: /spec\.tokens: frozen once the change is accepted.*spec\.validation: changed by provider only/ }],
    ['alice', 'ChangeRequest', 'update', 'complete its own change', () => update('alice', 'ChangeRequest', 'chg-done', (s) => { s.completedAt = '2099-01-01T09:00:00Z'; }), { webhook: /spec\.completedAt: changed by provider or operator only/ }],
    ['paul (provider)', 'ChangeRequest', 'update', 'complete', () => update('paul', 'ChangeRequest', 'chg-done', (s) => { s.completedAt = '2099-01-01T10:00:00Z'; }), 'allowed'],
    ['alice', 'ChangeRequest', 'update', 'the tokens and multiplier of the completed change (16 → 2)', () => update('alice', 'ChangeRequest', 'chg-done', (s) => { s.tokens = 2; s.outsideBusinessHours = false; }), { cel: /spec is frozen once the change is completed/ }],
    ['alice', 'ChangeRequest', 'update', 'move completedAt', () => update('alice', 'ChangeRequest', 'chg-done', (s) => { s.completedAt = '2099-01-02T10:00:00Z'; }), { cel: /spec\.completedAt is immutable once set/ }],
    ['alice (IncidentReporter)', 'Incident', 'create', 'claim Monitoring', () => create('alice', 'Incident', 'inc-alice-mon', incident({ detection: 'Monitoring' })), { webhook: /spec\.detection: set by operator only; user 'alice'.*\(client\) may not set it/ }],
    ['paul (provider)', 'Incident', 'create', 'claim Monitoring', () => create('paul', 'Incident', 'inc-paul-mon', incident({ detection: 'Monitoring' })), { webhook: /spec\.detection: set by operator only/ }],
    ['alice (IncidentReporter)', 'Incident', 'create', 'already resolved and closed, caused by the provider', () => create('alice', 'Incident', 'inc-alice-credits', incident({ priority: 'P1', resolvedAt: '2099-01-01T06:00:00Z', closedAt: '2099-01-01T07:00:00Z', cause: 'Provider' })),
      { webhook: /spec\.resolvedAt: set by provider only.*spec\.cause: set by provider only.*spec\.closedAt: set by provider only/ }],
    ['paul (provider)', 'Incident', 'create', 'a past incident, resolved, with its cause', () => create('paul', 'Incident', 'inc-paul-past', incident({ openedAt: '2026-11-02T10:00:00Z', resolvedAt: '2026-11-02T12:00:00Z', cause: 'IaaS' })), 'allowed'],
    ['alice (IncidentReporter)', 'Incident', 'update', 'resolve its incident', () => update('alice', 'Incident', 'inc-alice', (s) => { s.resolvedAt = '2099-01-01T00:00:00Z'; }), { webhook: /spec\.resolvedAt: changed by operator or provider only/ }],
    ['paul (provider)', 'Incident', 'update', 'resolve, set the cause', () => update('paul', 'Incident', 'inc-paul-past', (s) => { s.cause = 'Client'; }), 'allowed'],
    // issue 13: the work time billed on the statement is the provider's record (traced), frozen once closed.
    ['alice (IncidentReporter)', 'Incident', 'update', 'record the work time', () => update('alice', 'Incident', 'inc-paul-past', (s) => { s.workMinutes = 60; }), { webhook: /spec\.workMinutes: changed by provider only/ }],
    ['paul (provider)', 'Incident', 'update', 'record the work time of a resolved incident', () => update('paul', 'Incident', 'inc-paul-past', (s) => { s.workMinutes = 95; }), 'allowed'],
    ['paul (provider)', 'Incident', 'update', 'close (the client agrees, not the provider)', () => update('paul', 'Incident', 'inc-paul-past', (s) => { s.closedAt = '2026-11-02T13:00:00Z'; }), { webhook: /spec\.closedAt: changed by client only/ }],
    ['alice (IncidentReporter)', 'Incident', 'update', 'close a resolved incident (its agreement)', () => update('alice', 'Incident', 'inc-paul-past', (s) => { s.closedAt = '2026-11-02T13:00:00Z'; }), 'allowed'],
    ['paul (provider)', 'Incident', 'update', 'the cause of a closed incident', () => update('paul', 'Incident', 'inc-paul-past', (s) => { s.cause = 'Provider'; }), { cel: /spec is frozen once the incident is closed/ }],
    ['paul (provider)', 'Incident', 'update', 'the work time of a closed incident', () => update('paul', 'Incident', 'inc-paul-past', (s) => { s.workMinutes = 30; }), { cel: /spec is frozen once the incident is closed/ }],
    ['operator service account', 'Incident', 'update', 'resolve its monitoring incident', () => update('operator', 'Incident', 'inc-operator', (s) => { s.resolvedAt = '2099-01-01T00:00:00Z'; }), 'allowed'],
    ['nsadmin (aggregated admin, not a contact)', 'Incident', 'delete', '', () => remove('nsadmin', 'Incident', 'inc-bob'), { webhook: /metadata: user 'nsadmin' may not delete Incident 'inc-bob': the provider and the operator delete our records/ }],
    ['editor (aggregated edit)', 'ChangeRequest', 'delete', '', () => remove('editor', 'ChangeRequest', 'chg-carol'), { webhook: /may not delete ChangeRequest 'chg-carol'/ }],
    // Records are kept (test/integration/records.test.ts has the rest): resolved 2099-01-01 above, so kept until 2100-04-01 (+ 15 months).
    ['paul (provider)', 'Incident', 'delete', 'within its retention', () => remove('paul', 'Incident', 'inc-operator'), { webhook: /metadata: user 'paul'.* may not delete Incident 'inc-operator': it is kept until 2100-04-01T00:00:00Z \(its latest instant plus the retention of 15 months\)/ }],
    ['operator service account', 'Incident', 'create', 'in its own namespace', () => createIn('operator', opNs, 'Incident', 'inc-opns', incident({ detection: 'Monitoring' })), { webhook: /metadata\.namespace: namespace 'webhook-operator-.*' is not a tenant/ }],
    ['operator service account', 'Incident', 'create', 'in kube-system', () => createIn('operator', 'kube-system', 'Incident', 'inc-kube-system', incident({ detection: 'Monitoring' })), { webhook: /metadata\.namespace: namespace 'kube-system' is not a tenant/ }],
    ['operator service account', 'SLAReport', 'create', 'in kube-system', () => createIn('operator', 'kube-system', 'SLAReport', 'acme-2026-2026-10', { contractRef: { name: 'acme-2026' }, month: '2026-10' }), { webhook: /namespace 'kube-system' is not a tenant/ }],
    ['alice', 'Incident', 'list', '', () => list('alice', 'Incident'), 'allowed'],
    ['eve (not a contact)', 'Incident', 'get', 'reads are RBAC only', () => get('eve', 'Incident', 'inc-alice'), 'allowed'],
    ['alice', 'SupportContract', 'get', '', () => get('alice', 'SupportContract', 'acme-2026'), 'allowed'],
    ['alice', 'SupportContract', 'update', 'its own contract', () => update('alice', 'SupportContract', 'acme-2026', (s) => { s.monthlyTokens = 500; }), { rbac: true }],
    ['alice', 'ServiceUnit', 'create', '', () => create('alice', 'ServiceUnit', 'os-alice', unit('vm-alice')), { rbac: true }],
    ['alice (ChangeApprover)', 'ManagedTenant', 'update', 'the rest of the tenant', () => update('alice', 'ManagedTenant', 'acme', (s) => { s.displayName = 'ACME'; }), { webhook: /spec: a client's ChangeApprover edits spec\.contacts only/ }],
    ['carol (not ChangeApprover)', 'ManagedTenant', 'update', 'add a contact', () => update('carol', 'ManagedTenant', 'acme', (s) => { (s.contacts as unknown[]).push({ name: 'carol2', email: 'c2@acme.example', users: ['carol2'], roles: ['ChangeApprover'] }); }), { webhook: /spec\.contacts: user 'carol'.* is not a ChangeApprover contact of ManagedTenant 'acme'/ }],
    ['alice', 'ManagedTenant', 'delete', '', () => remove('alice', 'ManagedTenant', 'acme'), { rbac: true }],
    ['alice', 'MaintenanceWindow', 'create', '', () => create('alice', 'MaintenanceWindow', 'mw-alice', { timeZone: 'Europe/Paris', duration: '2h', start: '2026-12-01T22:00:00Z', purpose: 'Maintenance' }), { rbac: true }],
    ['alice', 'ManagedFunction', 'create', '', () => create('alice', 'ManagedFunction', 'mf-alice', { family: 'OS', monthlyCharge: 1 }), { rbac: true }],
    ['alice', 'Incident', 'delete', '', () => remove('alice', 'Incident', 'inc-alice'), { rbac: true }],
    ['alice', 'Incident', 'update', 'the priority is the provider\'s', () => update('alice', 'Incident', 'inc-alice', (s) => { s.priority = 'P1'; }), { webhook: /spec\.priority: changed by operator or provider only/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'VM already claimed', () => create('paul', 'ServiceUnit', 'os-vm1-again', unit('vm-1')), { webhook: /spec\.targets\[0\]: VirtualMachine 'vm-1' is already managed by ServiceUnit 'os-vm1'/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'VM-1 while os-vm1 holds vm-1 (names compare case-insensitively)', () => create('paul', 'ServiceUnit', 'os-vm1-upper', unit('VM-1')), { webhook: /spec\.targets\[0\]: VirtualMachine 'VM-1' is already managed by ServiceUnit 'os-vm1' as 'vm-1'/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'depends on itself', () => create('paul', 'ServiceUnit', 'os-self', { ...unit('vm-self'), dependsOn: [{ name: 'os-self' }] }), { webhook: /spec\.dependsOn\[0\]: ServiceUnit 'os-self' depends on itself/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'depends on a unit not applied yet', () => create('paul', 'ServiceUnit', 'os-dep-a', { ...unit('vm-dep-a'), dependsOn: [{ name: 'os-dep-b' }] }), 'allowed'],
    ['paul (provider)', 'ServiceUnit', 'create', 'closes a dependency cycle', () => eventuallyCached('serviceunits', 'os-dep-a', () => create('paul', 'ServiceUnit', 'os-dep-b', { ...unit('vm-dep-b'), dependsOn: [{ name: 'os-dep-a' }] })), { webhook: /spec\.dependsOn\[0\]: dependency cycle os-dep-b → os-dep-a → os-dep-b/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'a probe of the cluster\'s API server (SSRF)', () => create('paul', 'ServiceUnit', 'os-ssrf-api', { ...unit('vm-ssrf-api'), monitoring: { httpGet: { url: `${info.server}/api/v1/namespaces/kube-system/secrets` } } }), { webhook: /spec\.monitoring\.httpGet\.url: 127\.0\.0\.1:\d+ is the cluster's own API server: probing it is refused \(the operator runs without --allow-internal-probe-targets\)/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'a probe of a Service in the operator\'s namespace (SSRF)', () => create('paul', 'ServiceUnit', 'os-ssrf-ns', { ...unit('vm-ssrf-ns'), monitoring: { tcpSocket: { host: `managed-apps-operator-metrics.${opNs}.svc`, port: 8080 } } }), { webhook: /spec\.monitoring\.tcpSocket\.host: managed-apps-operator-metrics\.webhook-operator-[a-z0-9]+\.svc:8080 is in the operator's namespace/ }],
    ['paul (provider)', 'ServiceUnit', 'create', 'level not subscribed', () => create('paul', 'ServiceUnit', 'k8s-1', { level: 'Kubernetes', environment: 'Production', targets: [{ kind: 'KubernetesCluster', name: 'c-1' }] }), { webhook: /spec\.level: level Kubernetes is not subscribed by SupportContract 'acme-2026'/ }],
    ['paul (provider)', 'SupportContract', 'update', 'subscribe Middleware without... OS kept', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.subscribedLevels = ['Database', 'Middleware']; }), { webhook: /spec\.subscribedLevels: Database requires OS to be subscribed/ }],
    // Dated support levels (domain.md §3). The contract started 2026-11-01 on Standard, committed to 2027-05 (6 months).
    ['paul (provider)', 'SupportContract', 'update', 'lower support level in commitment', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.supportLevels = [{ environment: 'Production', level: 'Standard' }, { environment: 'Production', level: 'Initial', from: '2027-01' }]; }), { webhook: /spec\.supportLevels\[1\]\.level: Production cannot move down from Standard to Initial in 2027-01: the commitment on Standard runs until 2027-05/ }],
    ['paul (provider)', 'SupportContract', 'update', 'edit the level in force since the start', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.supportLevels = [{ environment: 'Production', level: 'Premium' }]; }), { webhook: /spec\.supportLevels\[0\]\.level: the entry Production Standard from 2026-11 is in force .*: it cannot be edited/ }],
    ['paul (provider)', 'SupportContract', 'update', 'raise support level from next month', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.supportLevels = [{ environment: 'Production', level: 'Standard' }, { environment: 'Production', level: 'Premium', from: nextMonth }]; }), 'allowed'],
    // issue 13 (seed §9.5–§9.6): the ticket quota and prices are dated terms; a quota needs the prices.
    ['paul (provider)', 'SupportContract', 'update', 'a ticket quota without ticket prices', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.amendments = [{ from: nextMonth, monthlyTickets: 20 }]; }), { webhook: /spec\.amendments\[0\]\.monthlyTickets: a ticket quota from \d{4}-\d{2} needs the ticket prices in force by then/ }],
    ['paul (provider)', 'SupportContract', 'update', 'the ticket quota from the start, once started', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.monthlyTickets = 20; s.prices = { ...(s.prices as object), ticketPrices: TICKET_PRICES }; }), { webhook: /spec\.monthlyTickets: the ticket quota from the start \(none\) is in force since 2026-11-01/ }],
    ['paul (provider)', 'SupportContract', 'update', 'the ticket quota and prices from next month, a SYNTEC index', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.amendments = [{ from: nextMonth, monthlyTickets: 20, prices: { ticketPrices: TICKET_PRICES } }]; s.syntecIndices = [{ year: 2026, index: 298.7 }]; }), 'allowed'],
    ['paul (provider)', 'SupportContract', 'update', 'the SYNTEC index of a year begun, edited', () => update('paul', 'SupportContract', 'acme-2026', (s) => { s.syntecIndices = [{ year: 2026, index: 300 }]; }), { webhook: /spec\.syntecIndices\[0\]\.index: the SYNTEC index of 2026 \(298\.7\) is recorded for a year begun/ }],
    ['paul (provider)', 'SLAReport', 'create', '', () => create('paul', 'SLAReport', 'acme-2026-2026-10', { contractRef: { name: 'acme-2026' }, month: '2026-10' }), { webhook: /an SLAReport is written by the operator only/ }],
    ['operator service account', 'SLAReport', 'create', 'the contract\'s first month', () => create('operator', 'SLAReport', 'acme-2026-2026-11', { contractRef: { name: 'acme-2026' }, month: '2026-11' }), 'allowed'],
    ['operator service account', 'SLAReport', 'create', 'before the contract\'s start (2026-11-01)', () => create('operator', 'SLAReport', 'acme-2026-2026-10', { contractRef: { name: 'acme-2026' }, month: '2026-10' }), { webhook: /spec\.month: 2026-10 is before the start of SupportContract 'acme-2026' \(spec\.start 2026-11-01\)/ }],
    // The CRD's year bound (CEL) refuses it before the webhook sees it.
    ['operator service account', 'SLAReport', 'create', 'month 0000-01', () => create('operator', 'SLAReport', 'acme-2026-0000-01', { contractRef: { name: 'acme-2026' }, month: '0000-01' }), { cel: /spec\.month: Invalid value: .*year must be 1970 to 2200/ }],
    ['operator service account', 'SLAReport', 'create', 'for a contract that does not exist', () => create('operator', 'SLAReport', 'ghost-2026-11', { contractRef: { name: 'ghost' }, month: '2026-11' }), { webhook: /spec\.contractRef\.name: no SupportContract 'ghost' in namespace 'webhook-[a-z0-9]+'/ }],
    ['operator service account', 'SLAReport', 'create', 'the current month', () => create('operator', 'SLAReport', `acme-2026-${thisMonth}`, { contractRef: { name: 'acme-2026' }, month: thisMonth }), 'allowed'],
    ['operator service account', 'SLAReport', 'create', 'January 2020, before the contract', () => create('operator', 'SLAReport', 'acme-2026-2020-01', { contractRef: { name: 'acme-2026' }, month: '2020-01' }), { webhook: /spec\.month: 2020-01 is before the start/ }],
    ['admin (system:masters, not a provider)', 'SLAReport', 'delete', '', () => remove('admin', 'SLAReport', 'acme-2026-2026-11'), { webhook: /user 'admin'.*may not delete SLAReport/ }],
    ['admin (system:masters)', 'SLAReport', 'update', 'status: final on the current month', () => patchReportStatus('admin', `acme-2026-${thisMonth}`, { final: true }), { webhook: /status: an SLAReport's status is written by the operator only/ }],
    ['operator service account', 'SLAReport', 'update', 'status: final on the current month', () => patchReportStatus('operator', `acme-2026-${thisMonth}`, { final: true }), { webhook: new RegExp(`status\\.final: the report of ${thisMonth} becomes final at .* not before`) }],
    ['operator service account', 'SLAReport', 'update', 'status: the running month, not final', () => patchReportStatus('operator', `acme-2026-${thisMonth}`, { final: false }), 'allowed'],
    ['operator service account', 'SLAReport', 'update', 'status: final once its month plus the grace period passed', () => patchReportStatus('operator', 'acme-2026-2026-11', { final: true }), 'allowed'],
    ['alice', 'SLAReport', 'update', 'its report', () => update('alice', 'SLAReport', 'acme-2026-2026-11', (s) => { s.month = '2026-09'; }), { rbac: true }],
    ['alice', 'ChangeRequest', 'update', 'status', () => attempt(() => api('alice').patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace: ns, plural: 'changerequests', name: 'chg-alice', body: [{ op: 'add', path: '/status', value: { phase: 'Completed' } }] })), { rbac: true }],
    ['viewer (aggregated view)', 'ServiceUnit', 'list', '', () => list('viewer', 'ServiceUnit'), 'allowed'],
    ['viewer (aggregated view)', 'Incident', 'create', '', () => create('viewer', 'Incident', 'inc-viewer', incident()), { rbac: true }],
    ['editor (aggregated edit, not a contact)', 'Incident', 'create', '', () => create('editor', 'Incident', 'inc-editor', incident()), { webhook: /is not a named contact/ }],
    ['editor (aggregated edit)', 'SupportContract', 'update', '', () => update('editor', 'SupportContract', 'acme-2026', (s) => { s.monthlyTokens = 1; }), { rbac: true }],
  ];

  it('the matrix has at least 30 cases', () => {
    expect(matrix.length).toBeGreaterThanOrEqual(30);
  });

  it.each(matrix)('%s: %s %s %s', async (_user, _kind, _verb, _what, action, expected) => {
    const outcome = await action();
    if (expected === 'allowed') {
      expect(outcome.ok ? 'allowed' : `${outcome.code} ${outcome.message}`).toBe('allowed');
    } else if ('rbac' in expected) {
      expect(outcome.ok ? 'allowed' : `${outcome.code} ${outcome.message}`).toMatch(/^403 .*is forbidden: User ".*" cannot/);
    } else if ('cel' in expected) {
      expect(outcome.ok ? 'allowed' : `${outcome.code} ${outcome.message}`).toMatch(/^422 .* is invalid: /);
      if (!outcome.ok) {
        expect(outcome.message).toMatch(expected.cel);
        expect(outcome.message).not.toMatch(WEBHOOK);
      }
    } else {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.message).toMatch(WEBHOOK);
        expect(outcome.message).toMatch(expected.webhook);
        expect(outcome.message).not.toMatch(RBAC);
      }
    }
  });

  it('stamps reporter and requester from the request, overwriting a spoofed body', async () => {
    const spoof = { username: 'mallory', groups: [PROVIDER_GROUP] };
    const inc = await create('bob', 'Incident', 'inc-spoofed', incident({ reporter: spoof }));
    expect(inc.ok && inc.object.spec.reporter).toEqual({ username: 'bob', groups: [CONTACTS_GROUP, OPS_GROUP, 'system:authenticated'] });
    // Non-standard: it awaits the provider's validation, so its requester may still edit it.
    const chg = await create('carol', 'ChangeRequest', 'chg-spoofed', change({ requester: spoof, category: 'NonStandard', catalogItem: undefined, tokens: undefined }));
    expect(chg.ok && chg.object.spec.requester).toEqual({ username: 'carol', groups: [CONTACTS_GROUP, 'system:authenticated'] });
    // An update cannot rewrite it either: the stored requester is put back.
    const updated = await update('carol', 'ChangeRequest', 'chg-spoofed', (s) => { s.requester = spoof; s.summary = 'Install two packages'; });
    expect(updated.ok && updated.object.spec).toMatchObject({ summary: 'Install two packages', requester: { username: 'carol' } });
  });

  it('an approval is stamped with the approver contact, not what the body says', async () => {
    const stored = await get('admin', 'ChangeRequest', 'provider-change');
    expect(stored.ok && stored.object.spec.approval).toMatchObject({ decision: 'Approved', approvedBy: 'dave' });
  });

  it('a client cannot back-date: its incident opens, and its change is requested, at the time of the request', async () => {
    const before = Date.now();
    const inc = await create('alice', 'Incident', 'inc-backdated', incident({ openedAt: '2026-11-01T00:00:00Z' }));
    const chg = await create('alice', 'ChangeRequest', 'chg-backdated', change({ requestedAt: '2026-11-01T00:00:00Z' }));
    const after = Date.now();
    // Stamped to the second (RFC 3339, UTC): within [before − 1 s, after].
    for (const at of [inc.ok ? inc.object.spec.openedAt : '', chg.ok ? chg.object.spec.requestedAt : '']) {
      const t = new Date(String(at)).getTime();
      expect(t).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(t).toBeLessThanOrEqual(after);
    }
    // The provider's records keep their own dates.
    const past = await get('admin', 'Incident', 'inc-paul-past');
    expect(past.ok && past.object.spec.openedAt).toBe('2026-11-02T10:00:00Z');
  });

  it('a GitOps re-apply of the same manifest is accepted: the stamps are put back, nothing changes', async () => {
    // The manifest as written in Git: a back-dated openedAt, no reporter.
    const manifest = incident({ openedAt: '2026-11-01T00:00:00Z' });
    const created = await create('bob', 'Incident', 'inc-gitops', manifest);
    expect(created.ok).toBe(true);
    const stored = created.ok ? created.object : undefined;
    const reapplied = await attempt(() => api('bob').replaceNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', name: 'inc-gitops',
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Incident', metadata: { name: 'inc-gitops', resourceVersion: stored?.metadata.resourceVersion }, spec: manifest },
    }));
    expect(reapplied.ok ? 'allowed' : reapplied.message).toBe('allowed');
    expect(reapplied.ok && reapplied.object.spec).toEqual(stored?.spec);
    // The approver's decision re-applied (approvedBy and scopeDigest as the body says): kept as stored.
    const approved = await get('admin', 'ChangeRequest', 'provider-change');
    const again = await update('dave', 'ChangeRequest', 'provider-change', (s) => { s.approval = { decision: 'Approved', approvedBy: 'alice', decidedAt: '2026-11-21T09:00:00Z' }; });
    expect(again.ok ? 'allowed' : again.message).toBe('allowed');
    expect(again.ok && again.object.spec.approval).toEqual(approved.ok && approved.object.spec.approval);
  });

  it('an approval records the digest of what was approved', async () => {
    const stored = await get('admin', 'ChangeRequest', 'provider-change');
    const spec = stored.ok ? stored.object.spec : {};
    expect(spec.approval).toMatchObject({ decision: 'Approved', approvedBy: 'dave', scopeDigest: scopeDigest(spec as unknown as ScopedSpec) });
  });

  it('the provider adds itself as ChangeApprover: recorded with who and when, pending, and refused as approver until a client approver confirms', async () => {
    const tenants = manager.informer({ group: GROUP, version: VERSION, plural: 'managedtenants' });
    const annotations = async (): Promise<Record<string, string>> => {
      const t = await get('admin', 'ManagedTenant', 'acme');
      return (t.ok ? (t.object as unknown as ManagedTenant).metadata.annotations : undefined) ?? {};
    };
    expect(await create('paul', 'ChangeRequest', 'provider-change-3', change({ initiator: 'Provider', summary: 'Patch the kernel' }))).toMatchObject({ ok: true });
    const before = Math.floor(Date.now() / 1000) * 1000;
    const added = await update('paul', 'ManagedTenant', 'acme', (s) => { (s.contacts as unknown[]).push({ name: 'paul', email: 'paul@provider.example', users: ['paul'], roles: ['ChangeApprover'] }); });
    expect(added.ok ? 'allowed' : added.message).toBe('allowed');
    const log = JSON.parse((await annotations())[CONTACTS_LOG_ANNOTATION] ?? '[]') as { at: string; by: string }[];
    // Created by paul (alice and dave in force), then paul's addition, pending.
    expect(log.map(({ at: _at, ...e }) => e)).toEqual([
      { by: 'paul', added: ['alice', 'ops-team', 'carol', 'dave'], confirmed: ['alice (user alice)', 'dave (user dave)'] },
      { by: 'paul', added: ['paul'], pending: ['paul (user paul)'] },
    ]);
    expect(new Date(log[1]?.at ?? '').getTime()).toBeGreaterThanOrEqual(before);
    expect(JSON.parse((await annotations())[APPROVERS_ANNOTATION] ?? '{}')).toEqual({ alice: { users: ['alice'] }, dave: { users: ['dave'] } });
    await eventually(() => (tenants.get(ns, 'acme') as ManagedTenant | undefined)?.spec.contacts.some((c) => c.name === 'paul') === true);
    const approve = (user: string) => update(user, 'ChangeRequest', 'provider-change-3', (s) => { s.approval = { decision: 'Approved', approvedBy: user, decidedAt: '2026-11-21T09:00:00Z' }; });
    const refused = await approve('paul');
    expect(refused.ok ? 'allowed' : refused.message).toMatch(/spec\.approval: user 'paul'.* is not a ChangeApprover contact of ManagedTenant 'acme' \(its grant as paul awaits the confirmation/);
    // The provider cannot confirm its own addition; dave (an approver in force) does, with the digest of what is pending.
    const stored = await get('admin', 'ManagedTenant', 'acme');
    const digest = stored.ok ? pendingDigest(pendingGrants(stored.object as unknown as ManagedTenant)) : '';
    const confirm = (user: string, value: string) => updateObject(user, 'ManagedTenant', 'acme', (o) => { o.metadata.annotations = { ...(o.metadata.annotations as Record<string, string>), [CONFIRM_APPROVERS_ANNOTATION]: value }; });
    const byPaul = await confirm('paul', digest);
    expect(byPaul.ok ? 'allowed' : byPaul.message).toMatch(/confirm-approvers\]: only a ChangeApprover contact in force confirms pending approvers; user 'paul'/);
    const wrong = await confirm('dave', 'sha256:0');
    expect(wrong.ok ? 'allowed' : wrong.message).toMatch(/'sha256:0' is not the digest of the pending grants/);
    const byDave = await confirm('dave', digest);
    expect(byDave.ok ? 'allowed' : byDave.message).toBe('allowed');
    const after = await annotations();
    expect(after[CONFIRM_APPROVERS_ANNOTATION]).toBeUndefined();
    expect(JSON.parse(after[APPROVERS_ANNOTATION] ?? '{}')).toEqual({ alice: { users: ['alice'] }, dave: { users: ['dave'] }, paul: { users: ['paul'] } });
    expect((JSON.parse(after[CONTACTS_LOG_ANNOTATION] ?? '[]') as { by: string }[]).at(-1)).toMatchObject({ by: 'dave', confirmed: ['paul (user paul)'], confirmation: digest });
    // Now in force: paul's approval is stamped with its contact.
    await eventually(async () => {
      const ok = await approve('paul');
      expect(ok.ok ? 'allowed' : ok.message).toBe('allowed');
    });
    const approved = await get('admin', 'ChangeRequest', 'provider-change-3');
    expect(approved.ok && approved.object.spec.approval).toMatchObject({ decision: 'Approved', approvedBy: 'paul' });
  });

  it('refuses the 7th accelerated change of a year', async () => {
    for (let i = 1; i <= 6; i++) {
      expect(await create('paul', 'ChangeRequest', `acc-${i}`, change({ accelerated: true, requestedAt: `2026-03-0${i}T10:00:00Z` }))).toMatchObject({ ok: true });
    }
    await eventually(() => manager.informer({ group: GROUP, version: VERSION, plural: 'changerequests' }).get(ns, 'acc-6') !== undefined);
    // By the provider: a client's change is requested now, whatever the body says.
    const seventh = await create('paul', 'ChangeRequest', 'acc-7', change({ accelerated: true, requestedAt: '2026-06-01T10:00:00Z' }));
    expect(seventh.ok ? 'allowed' : seventh.message).toMatch(/spec\.accelerated: accelerated change 7 of 2026: at most 6 a year/);
    // Another year has its own quota.
    expect(await create('paul', 'ChangeRequest', 'acc-2027', change({ accelerated: true, requestedAt: '2027-01-05T10:00:00Z' }))).toMatchObject({ ok: true });
  });

  it('counts each admission request in controller_runtime_webhook_*, a refusal under its code', async () => {
    const sample = async (series: string): Promise<number> => {
      const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };
    const series = [
      'controller_runtime_webhook_requests_total{webhook="/mutate",code="200"}',
      'controller_runtime_webhook_requests_total{webhook="/validate",code="403"}',
      'controller_runtime_webhook_requests_total{webhook="/validate",code="200"}',
      'controller_runtime_webhook_latency_seconds_count{webhook="/mutate"}',
      'controller_runtime_webhook_latency_seconds_count{webhook="/validate"}',
      'controller_runtime_webhook_requests_in_flight{webhook="/validate"}',
    ];
    const before = await Promise.all(series.map(sample));
    // eve is no contact: the API server calls /mutate (Incident CREATE: the reporter is stamped,
    // allowed, 200), then /validate, which refuses with 403 Forbidden. One request each.
    const outcome = await create('eve', 'Incident', 'inc-eve-counted', incident());
    expect(outcome.ok ? 'allowed' : outcome.code).toBe(403);
    const after = await Promise.all(series.map(sample));
    expect(after.map((v, i) => v - before[i]!)).toEqual([1, 1, 0, 1, 1, 0]);
  });

  describe('webhook down', () => {
    it('fails closed for our kinds; reads and other kinds are not affected', async () => {
      await manager.stop();
      const write = await create('paul', 'Incident', 'inc-while-down', incident());
      expect(write.ok).toBe(false);
      if (!write.ok) expect(write.message).toMatch(/failed calling webhook "(mutate|validate)\.managedapps\.dev"/);
      const read = await get('alice', 'Incident', 'inc-alice');
      expect(read.ok).toBe(true);
      const configMap = await attempt(() => admin.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'unaffected' }, data: { a: 'b' } } }));
      expect(configMap.ok).toBe(true);
    });
  });
});
