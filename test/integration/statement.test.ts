// The monthly statement (issue 13 item 4, design.md §3 "The monthly statement") on a real API
// server: the RBAC of config/rbac applied, minted users, the admission webhook in this process
// (url mode, this run's namespace only) and the controllers, on explicit instants.
//
// The tenant (Europe/Paris, French labels) has contract c from 2026-10-01: Premium in
// production, a pack of 10 tokens at 100 EUR, one fee `run` of 1,000 EUR a month in October
// (the recurring charge of the 15 % cap: 150), none from November (an amendment lists no fee:
// the recurring charge is the functions', 40). One OS function `os` of 40 EUR a month over unit
// web-1. Two changes of October recorded by the provider, chg-1 and chg-2: StandardSimple, 1
// token, requested 2026-10-05T08:00Z, completed 2026-10-20T08:00Z, past the 8 covered hours of
// Premium: late, each credited 50 % of its 100 price = 50 (October's credits 100 ≤ 150).
//
// The webhook's clock reads 2026-10-20T12:00Z while the objects are created (the amendment of
// November is then a later month), then 2026-11-10T12:00Z: claire (SLAClaimer) files a claim of
// October for chg-1 (credit 50), paul (provider) accepts it: answered in November. The
// controllers run at 2026-11-10T12:00Z (October final, November provisional), then, with the
// webhook's clock, at 2026-12-05T12:00Z (November final and sealed, December provisional).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPORT_CREATED_AT_ANNOTATION } from '../../src/api/v1alpha1/index.ts';
import { registerKubectlCommands } from '../../src/cli/program.ts';
import { verifyCommand } from '../../src/cli/verify.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { sealOf } from '../../src/domain/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig, writePeopleKubeconfig } from '../controlplane/client.ts';
import { attempt } from '../support/attempt.ts';
import { changeRequest, completedAt, contract, createAll, GROUP, managedFunction, PLURALS, requestedAt, serviceUnit, tenant, VERSION, withSpec, type Manifest } from './fixtures.ts';

const SETUP = new Date('2026-10-20T12:00:00Z');
const T1 = new Date('2026-11-10T12:00:00Z');
const T2 = new Date('2026-12-05T12:00:00Z');
let hookNow = SETUP;
const hookClock: Clock = { now: () => hookNow, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const fixed = (at: Date): Clock => ({ now: () => at, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) });
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/statement-test';
const CONFIG_NAME = `mao-statement-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';
const CONTACTS_GROUP = `acme-${run}:contacts`;

const exitCode = (): number => Number(process.exitCode ?? 0);

type Statement = {
  recurring: { lines: { name: string; kind: string; amount: number }[]; total: number };
  tokens: Record<string, number>;
  credits: { granted: { claim: string; amount: number }[]; carriedIn: number; available: number; deducted: number; carriedOut: number };
  totals: { beforeCredits: number; credits: number; excludingTax: number };
  missing?: string[];
};
type Obj = {
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[]; final?: boolean; statement?: Statement; seal?: { sha256: string; previous: string } };
};

const octoberChange = (name: string): Manifest => changeRequest(name, 'web-1', requestedAt('2026-10-05T08:00:00Z'), completedAt('2026-10-20T08:00:00Z'));

describe('the monthly statement on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  let operator: KubeConfig;
  const operatorUser = `operator-${run}`;
  let ns: string;
  let webhook: Manager;
  let controllers: Manager;
  let applied: RbacManifest[] = [];
  const users = new Map<string, KubeConfig>();
  const api = (user: string) => (users.get(user) ?? admin).makeApiClient(CustomObjectsApi);
  const get = async (kind: string, name: string): Promise<Obj> =>
    (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace: ns, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (kind: string, name: string, check: (o: Obj) => void): Promise<Obj> => eventually(async () => { const o = await get(kind, name); check(o); return o; });
  const patchStatus = (user: string, name: string, value: unknown) => attempt<Obj>(() => api(user).patchNamespacedCustomObjectStatus({
    group: GROUP, version: VERSION, namespace: ns, plural: 'slareports', name, body: [{ op: 'replace', path: '/status/statement/totals/excludingTax', value }],
  }));
  let dir: string;
  let kubeconfig: string;
  const cli = async (context: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const program = new Command('kubectl-managedapps');
    registerKubectlCommands(program, { stdout: (t: string) => { stdout += t; }, stderr: (t: string) => { stderr += t; } });
    process.exitCode = undefined;
    try {
      await program.parseAsync([...args, '--kubeconfig', kubeconfig, '--context', context], { from: 'user' });
      return { code: exitCode(), stdout, stderr };
    } finally {
      process.exitCode = undefined;
    }
  };
  const startControllers = (clock: Clock): Manager => {
    const m = new Manager({ kubeConfig: operator, logger: log, leaderElection: false, watch: { namespaces: [ns] } });
    registerControllers(m, { clock, retention: { months: 15 } });
    m.start();
    return m;
  };

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    operator = userKubeConfig(info, operatorUser, ['system:masters']);
    ns = await createNamespace(admin, 'statement');
    await admin.makeApiClient(CoreV1Api).patchNamespace({ name: ns, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    applied = rbacManifests({ namespace: ns }).filter((m) => m.kind === 'ClusterRole');
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      await rbac.patchClusterRole({ name: m.metadata.name, body: m, fieldManager: 'statement-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    for (const [name, role, group] of [['contacts', 'managedapps-client', CONTACTS_GROUP], ['provider', 'managedapps-provider', PROVIDER_GROUP]] as const) {
      await rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] } });
    }
    users.set('claire', userKubeConfig(info, 'claire', [CONTACTS_GROUP]));
    users.set('paul', userKubeConfig(info, 'paul', [PROVIDER_GROUP]));
    users.set('operator', operator);
    dir = mkdtempSync(join(tmpdir(), 'mao-statement-'));
    kubeconfig = join(dir, 'kubeconfig');
    writePeopleKubeconfig(kubeconfig, admin, (['claire', 'paul'] as const).map((name) => [name, users.get(name)!] as const), ns, 'claire');

    webhook = new Manager({ kubeConfig: admin, logger: log, leaderElection: false, clock: hookClock, watch: { namespaces: [ns] } });
    const certs = await webhookCertificates(webhook.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({ manager: webhook, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: [PROVIDER_GROUP], operatorUsername: operatorUser, logger: log });
    webhook.add(server);
    webhook.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(webhook.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME, operatorNamespace: `statement-op-${run}`, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    await eventually(async () => {
      const probe = await attempt(() => api('admin').createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: 'slaclaims', body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAClaim', metadata: { name: 'probe' }, spec: { contractRef: { name: 'c' }, month: '2026-10', incidents: ['x'] } },
      }));
      expect(probe.ok ? '' : probe.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    await createAll(users.get('paul')!, ns, [
      tenant('acme', withSpec({
        language: 'fr',
        calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
        contacts: [{ name: 'claire', email: 'claire@acme.example', users: ['claire'], roles: ['SLAClaimer'] }],
      })),
      contract('c', withSpec({
        start: '2026-10-01',
        prices: { currency: 'EUR', tokenPrice: 100, monthlyFees: [{ name: 'run', amount: 1000 }] },
        amendments: [{ from: '2026-11', prices: { monthlyFees: [] }, description: 'the run fee ends with October' }],
      })),
      serviceUnit('web-1'), managedFunction('os', 'OS', withSpec({ monthlyCharge: 40 })), octoberChange('chg-1'), octoberChange('chg-2'),
    ]);
    hookNow = T1;
    // October's report, created by the operator as of the month's start (final 24 h after its end).
    await eventually(async () => {
      const created = await attempt(() => api('operator').createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: 'slareports',
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAReport', metadata: { name: 'c-2026-10', labels: { 'managedapps.dev/contract': 'c' }, annotations: { [REPORT_CREATED_AT_ANNOTATION]: '2026-10-01T00:00:00Z' } }, spec: { contractRef: { name: 'c' }, month: '2026-10' } },
      }));
      expect(created.ok ? 'created' : created.message).toBe('created');
    });
    controllers = startControllers(fixed(T1));
    expect(await controllers.waitForCacheSync()).toBe(true);
    await waitFor('SLAReport', 'c-2026-10', (o) => { expect(o.status?.final).toBe(true); });
    await eventually(() => (webhook.informer({ group: GROUP, version: VERSION, plural: 'slareports' }).get(ns, 'c-2026-10') as Obj | undefined)?.status?.final === true);
  }, 120_000);

  afterAll(async () => {
    await controllers.stop();
    await deleteWebhookConfiguration(webhook.client, CONFIG_NAME);
    await webhook.stop();
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
    await admin.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('October\'s statement, final with its report: the function and the fee, no claim answered in October', async () => {
    const oct = await get('SLAReport', 'c-2026-10');
    // os 40.00 + run 1,000.00 = 1,040.00; tokens: chg-1 and chg-2 (1 each) of the pack of 10, none extra; no ticket quota.
    expect(oct.status?.statement?.recurring).toMatchObject({ lines: [{ name: 'os', kind: 'Function', amount: 40 }, { name: 'run', kind: 'Fee', amount: 1000 }], total: 1040 });
    expect(oct.status?.statement?.tokens).toMatchObject({ pack: 10, fromChanges: 2, extra: 0, amount: 0 });
    expect(oct.status?.statement?.credits).toEqual({ granted: [], carriedIn: 0, available: 0, deducted: 0, carriedOut: 0 });
    expect(oct.status?.statement?.totals).toEqual({ beforeCredits: 1040, credits: 0, excludingTax: 1040 });
    // The first month reads no earlier statement.
    expect(cond(oct, 'StatementComplete')).toMatchObject({ status: 'True' });
    expect(oct.status?.rules).toBe(4);
    expect(oct.status?.seal).toEqual(sealOf(oct.status ?? {}, ''));
  });

  it('a claim of October answered in November: November\'s statement deducts the credit granted, the rest carried out', async () => {
    expect(await attempt(() => api('claire').createNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: ns, plural: 'slaclaims',
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAClaim', metadata: { name: 'claim-1' }, spec: { contractRef: { name: 'c' }, month: '2026-10', incidents: ['chg-1'] } },
    }))).toMatchObject({ ok: true });
    // chg-1 alone: its 50 of October's 100.
    await waitFor('SLAClaim', 'claim-1', (o) => { expect(o.status?.creditAmount).toBe(50); });
    // Accepted: the webhook stamps the credit it accepts (50) and the instant, 2026-11-10T12:00Z: November (Paris).
    const answered = await eventually(async () => {
      const r = await attempt<Obj>(() => api('paul').patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'slaclaims', name: 'claim-1', body: [{ op: 'add', path: '/spec/answer', value: { decision: 'Accepted' } }] }));
      expect(r.ok ? r.object.spec.answer : r.message).toMatchObject({ decision: 'Accepted', amount: 50, answeredAt: '2026-11-10T12:00:00Z' });
      return r;
    });
    expect(answered.ok).toBe(true);
    // November, provisional: os 40.00 (the fee ended with October); 50.00 available, 40.00 deducted, 10.00 carried out; 0.00 due.
    const nov = await waitFor('SLAReport', 'c-2026-11', (o) => { expect(o.status?.statement?.credits.granted).toEqual([{ claim: 'claim-1', amount: 50 }]); });
    expect(nov.status?.final).toBe(false);
    expect(nov.status?.statement?.recurring.total).toBe(40);
    expect(nov.status?.statement?.credits).toEqual({ granted: [{ claim: 'claim-1', amount: 50 }], carriedIn: 0, available: 50, deducted: 40, carriedOut: 10 });
    expect(nov.status?.statement?.totals).toEqual({ beforeCredits: 40, credits: 40, excludingTax: 0 });
  });

  it('a client cannot write status.statement: RBAC refuses; with the right granted, the webhook does', async () => {
    const byClaire = await patchStatus('claire', 'c-2026-11', 999);
    expect(byClaire).toMatchObject({ ok: false, code: 403 });
    expect(byClaire.ok ? '' : byClaire.message).toContain('User "claire" cannot patch resource "slareports/status"');
    expect(byClaire.ok ? '' : byClaire.message).not.toContain('admission webhook');
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'reports-status' }, rules: [{ apiGroups: [GROUP], resources: ['slareports/status'], verbs: ['patch'] }] } });
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name: 'reports-status' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reports-status' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'claire' }] } });
    const refused = await eventually(async () => {
      const r = await patchStatus('claire', 'c-2026-11', 999);
      expect(r.ok ? '' : r.message).toContain('admission webhook');
      return r;
    });
    expect(refused.ok ? '' : refused.message).toContain("denied the request: status: an SLAReport's status is written by the operator only");
    expect((await get('SLAReport', 'c-2026-11')).status?.statement?.totals.excludingTax).toBe(0);
  });

  it('November final: its statement frozen and sealed with the report, verify passes; December carries the 10.00 in', async () => {
    // The webhook lets the operator make a report final only past its grace period, on its own clock: both at T2 now.
    hookNow = T2;
    await controllers.stop();
    controllers = startControllers(fixed(T2));
    const nov = await waitFor('SLAReport', 'c-2026-11', (o) => { expect(cond(o, 'Final')).toMatchObject({ status: 'True', reason: 'MonthClosed' }); });
    expect(nov.status?.final).toBe(true);
    const oct = await get('SLAReport', 'c-2026-10');
    // The statement of the provisional month, as sealed: the claim answered in November stays deducted.
    expect(nov.status?.statement?.credits).toEqual({ granted: [{ claim: 'claim-1', amount: 50 }], carriedIn: 0, available: 50, deducted: 40, carriedOut: 10 });
    expect(nov.status?.seal).toEqual(sealOf(nov.status ?? {}, oct.status?.seal?.sha256 ?? '?'));
    expect(cond(nov, 'StatementComplete')).toMatchObject({ status: 'True' });
    // December, provisional: os 40.00; November's 10.00 carried in and deducted: 30.00 due.
    const dec = await waitFor('SLAReport', 'c-2026-12', (o) => { expect(o.status?.statement?.credits.carriedIn).toBe(10); });
    expect(dec.status?.statement?.credits).toEqual({ granted: [], carriedIn: 10, available: 10, deducted: 10, carriedOut: 0 });
    expect(dec.status?.statement?.totals).toEqual({ beforeCredits: 40, credits: 10, excludingTax: 30 });
    // Frozen: the operator's own write of a final statement is refused by the CRD's rule (the webhook lets the operator write statuses).
    const rewritten = await patchStatus('operator', 'c-2026-11', 999);
    expect(rewritten.ok ? '' : rewritten.message).toContain("status is final: a closed month's report no longer changes");
    expect(rewritten.ok ? '' : rewritten.message).not.toContain('admission webhook');
    // The status as sealed (its metadata may still change: a finalizer, labels).
    expect((await get('SLAReport', 'c-2026-11')).status).toEqual(nov.status);
    // verify recomputes both months, their statements included (from the stored earlier statement and the claims).
    let out = '';
    const io = { stdout: (t: string) => { out += t; }, stderr: (t: string) => { out += t; } };
    expect(await verifyCommand({ offline: false, files: [], namespace: ns, kubeconfig: info.kubeconfigPath }, io)).toBe(0);
    expect(out).toBe(`SupportContract ${ns}/c: 2026-10 to 2026-11, 2 final month(s): verified, the seals chain\n`);
  });

  it('kubectl managedapps statement prints the stored statement: text in the tenant\'s language, YAML as stored', async () => {
    const nov = await get('SLAReport', 'c-2026-11');
    const yaml = await cli('paul', ['statement', 'c', '--month', '2026-11', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(nov.status?.statement);
    const text = await cli('claire', ['statement', 'c', '--month', '2026-11']);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('Relevé mensuel 2026-11 (définitif), EUR hors taxes');
    expect(lines).toContain('Pénalités: accordées claim-1 50.00; report entrant 0.00, disponibles 50.00, déduites 40.00, report sortant 10.00');
    expect(lines).toContain('Totaux: avant pénalités 40.00, pénalités −40.00, total hors taxes 0.00 EUR');
    const english = await cli('claire', ['statement', 'c', '--month', '2026-11', '--language', 'en']);
    expect(english.stdout.split('\n')[0]).toBe('Monthly statement 2026-11 (final), EUR excluding tax');
  });
});
