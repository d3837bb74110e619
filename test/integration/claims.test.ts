// SLA claims (issue 13 item 1) on a real API server: the RBAC of config/rbac applied, minted
// users, the admission webhook in this process (url mode, this run's namespace only) and the
// controllers, on explicit instants, never the day the test runs.
//
// The tenant (Europe/Paris) has contract c from 2026-10-01, Premium in production, one OS
// function of 1,000 EUR a month (the recurring charge: cap 15 % = 150) over unit web-1, and two
// changes of October recorded by the provider, chg-1 and chg-2: StandardSimple, 1 token at 100
// EUR, requested 2026-10-05T08:00Z, completed 2026-10-20T08:00Z, far past the 8 covered hours of
// Premium (domain.md §7): late, each credited 50 % of its 100 price = 50. October's report is
// final (created as of 2026-10-01 by the operator: final 24 h after the month's end,
// 2026-10-31T23:00Z); its credits total 50 + 50 = 100.
//
// The webhook's clock reads 2026-11-10T12:00Z (October over, its claim deadline
// 2026-11-30T23:00Z ahead), moved to 2026-12-01T00:00Z for the late claim. The controllers run
// at 2026-11-10T12:00Z, then at 2026-12-04T00:00Z for AtRisk.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPORT_CREATED_AT_ANNOTATION } from '../../src/api/v1alpha1/index.ts';
import { registerKubectlCommands } from '../../src/cli/program.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import type { MetricsSnapshot } from '../../src/metrics/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig, writePeopleKubeconfig } from '../controlplane/client.ts';
import { attempt } from '../support/attempt.ts';
import {
  changeRequest, completedAt, contract, createAll, GROUP, managedFunction, PLURALS, requestedAt, serviceUnit, tenant, VERSION, withSpec, type Manifest,
} from './fixtures.ts';

const T1 = new Date('2026-11-10T12:00:00Z');
const LATE = new Date('2026-12-01T00:00:00Z');
const AT_RISK = new Date('2026-12-04T00:00:00Z');
let hookNow = T1;
const hookClock: Clock = { now: () => hookNow, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const fixed = (at: Date): Clock => ({ now: () => at, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) });
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/claims-test';
const CONFIG_NAME = `mao-claims-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';
const CONTACTS_GROUP = `acme-${run}:contacts`;

/** What the actions set (read through a function: TypeScript narrows the property after the reset). */
const exitCode = (): number => Number(process.exitCode ?? 0);

type Obj = { metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: Condition[] } };

/** An October change recorded by the provider: requested on the 5th, completed on the 20th (late). */
const octoberChange = (name: string): Manifest => changeRequest(name, 'web-1', requestedAt('2026-10-05T08:00:00Z'), completedAt('2026-10-20T08:00:00Z'));

describe('SLA claims on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  let operator: KubeConfig;
  const operatorUser = `operator-${run}`;
  let ns: string;
  let otherNs: string;
  /** A namespace the webhook does not select: what GitOps applies while it is down, in any order. */
  let bypassed: string;
  let webhook: Manager;
  let controllers: Manager;
  let snapshot: () => MetricsSnapshot;
  let applied: RbacManifest[] = [];
  const users = new Map<string, KubeConfig>();
  const api = (user: string) => (users.get(user) ?? admin).makeApiClient(CustomObjectsApi);

  const get = async (kind: string, name: string, namespace = ns): Promise<Obj> =>
    (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (kind: string, name: string, check: (o: Obj) => void, namespace = ns): Promise<Obj> =>
    eventually(async () => { const o = await get(kind, name, namespace); check(o); return o; });
  const file = (user: string, name: string, spec: Record<string, unknown>) => attempt<Obj>(() => api(user).createNamespacedCustomObject({
    group: GROUP, version: VERSION, namespace: ns, plural: 'slaclaims', body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAClaim', metadata: { name }, spec: { contractRef: { name: 'c' }, month: '2026-10', ...spec } },
  }));
  const answer = (user: string, name: string, value: Record<string, unknown>) => attempt<Obj>(() => api(user).patchNamespacedCustomObject({
    group: GROUP, version: VERSION, namespace: ns, plural: 'slaclaims', name, body: [{ op: 'add', path: '/spec/answer', value }],
  }));
  let dir: string;
  let kubeconfig: string;
  /** `kubectl managedapps ...` in this process, as `context` (one context per person, namespace ns). */
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
    const m = new Manager({ kubeConfig: operator, logger: log, leaderElection: false, watch: { namespaces: [ns, bypassed] } });
    const registered = registerControllers(m, { clock, retention: { months: 15 } });
    snapshot = () => registered.metricsSnapshot();
    m.start();
    return m;
  };

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    operator = userKubeConfig(info, operatorUser, ['system:masters']);
    ns = await createNamespace(admin, 'claims');
    otherNs = await createNamespace(admin, 'claims-other');
    bypassed = await createNamespace(admin, 'claims-bypassed');
    await admin.makeApiClient(CoreV1Api).patchNamespace({ name: ns, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    // config/rbac's roles: the client's people (one group) and the provider bound in the tenant namespace; erin is bound to nothing.
    applied = rbacManifests({ namespace: ns }).filter((m) => m.kind === 'ClusterRole');
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) {
      await rbac.patchClusterRole({ name: m.metadata.name, body: m, fieldManager: 'claims-test', force: true }, setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply));
    }
    for (const [name, role, group] of [['contacts', 'managedapps-client', CONTACTS_GROUP], ['provider', 'managedapps-provider', PROVIDER_GROUP]] as const) {
      await rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] } });
    }
    for (const name of ['claire', 'carol', 'dave']) users.set(name, userKubeConfig(info, name, [CONTACTS_GROUP]));
    users.set('erin', userKubeConfig(info, 'erin'));
    users.set('paul', userKubeConfig(info, 'paul', [PROVIDER_GROUP]));
    // One kubeconfig file for the commands, a context per person.
    dir = mkdtempSync(join(tmpdir(), 'mao-claims-'));
    kubeconfig = join(dir, 'kubeconfig');
    writePeopleKubeconfig(kubeconfig, admin, (['claire', 'paul'] as const).map((name) => [name, users.get(name)!] as const), ns, 'claire');

    webhook = new Manager({ kubeConfig: admin, logger: log, leaderElection: false, clock: hookClock, watch: { namespaces: [ns] } });
    const certs = await webhookCertificates(webhook.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({ manager: webhook, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: [PROVIDER_GROUP], operatorUsername: operatorUser, logger: log });
    webhook.add(server);
    webhook.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(webhook.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME, operatorNamespace: `claims-op-${run}`, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    await eventually(async () => {
      const probe = await file('admin', 'probe', { incidents: ['x'] });
      expect(probe.ok ? '' : probe.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    const tenancy = tenant('acme', withSpec({
      calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
      contacts: [
        { name: 'claire', email: 'claire@acme.example', users: ['claire'], roles: ['SLAClaimer'] },
        { name: 'carol', email: 'carol@acme.example', users: ['carol'], roles: ['IncidentReporter'] },
      ],
    }));
    await createAll(users.get('paul')!, ns, [
      tenancy, contract('c', withSpec({ start: '2026-10-01' })), serviceUnit('web-1'), managedFunction('os', 'OS'), octoberChange('chg-1'), octoberChange('chg-2'),
    ]);
    // Bypassed: the claims come first, as recorded (filedAt given: no webhook stamps it), one naming a ticket October does not have;
    // no report of October yet (the contract's controller creates it at 2026-11-10T12:00Z: final 24 h later).
    const claimManifest = (name: string, incidents: string[]): Manifest => ({
      apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAClaim', metadata: { name },
      spec: { contractRef: { name: 'c' }, month: '2026-10', incidents, filedBy: { username: 'claire' }, filedAt: '2026-11-10T12:00:00Z' },
    });
    await createAll(admin, bypassed, [
      claimManifest('gitops-1', ['chg-1']), claimManifest('gitops-2', ['chg-1', 'inc-404']),
      tenancy, contract('c', withSpec({ start: '2026-10-01' })), serviceUnit('web-1'), managedFunction('os', 'OS'), octoberChange('chg-1'),
    ]);
    // Another tenant's contract: not this namespace's to claim on.
    await createAll(admin, otherNs, [contract('c2', withSpec({ start: '2026-10-01' }))]);
    // October's report, created by the operator as of the month's start (its finality counts from then).
    users.set('operator', operator);
    // (The webhook checks the contract exists in its cache: retried until it has it.)
    await eventually(async () => {
      const created = await attempt(() => api('operator').createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: 'slareports',
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAReport', metadata: { name: 'c-2026-10', labels: { 'managedapps.dev/contract': 'c' }, annotations: { [REPORT_CREATED_AT_ANNOTATION]: '2026-10-01T00:00:00Z' } }, spec: { contractRef: { name: 'c' }, month: '2026-10' } },
      }));
      expect(created.ok ? 'created' : created.message).toBe('created');
    });

    controllers = startControllers(fixed(T1));
    expect(await controllers.waitForCacheSync()).toBe(true);
    const report = await waitFor('SLAReport', 'c-2026-10', (o) => { expect(o.status?.final).toBe(true); });
    // chg-1 and chg-2 late, 50 each: 100, under the cap of 150.
    expect(report.status?.credits).toMatchObject({ uncapped: 100, cap: 150, total: 100 });
    // The webhook judges on its own cache: wait until it has the final report.
    await eventually(() => (webhook.informer({ group: GROUP, version: VERSION, plural: 'slareports' }).get(ns, 'c-2026-10') as Obj | undefined)?.status?.final === true);
  }, 120_000);

  afterAll(async () => {
    await controllers.stop();
    await deleteWebhookConfiguration(webhook.client, CONFIG_NAME);
    await webhook.stop();
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of applied) await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [ns, otherNs, bypassed]) await core.deleteNamespace({ name }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a claimer files, stamped by the webhook; the controller computes the credit of the tickets listed and the answer deadline', async () => {
    // The body says someone else filed it, earlier: the webhook writes who and when.
    const filed = await file('claire', 'claim-1', { incidents: ['chg-1'], filedBy: { username: 'mallory' }, filedAt: '2026-11-01T00:00:00Z' });
    expect(filed.ok ? filed.object.spec : filed.message).toMatchObject({ filedBy: { username: 'claire', groups: [CONTACTS_GROUP, 'system:authenticated'] }, filedAt: '2026-11-10T12:00:00Z' });
    // chg-1 alone: 50 of the month's 100 (a claim listing only some of the month's tickets).
    // Filed 2026-11-10T12:00Z: answer by 30 days later in Paris, 2026-12-10T12:00Z; at risk at 75 % of 2,592,000 s = 22.5 days, 2026-12-03T00:00Z.
    const claim = await waitFor('SLAClaim', 'claim-1', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
    expect(claim.status).toMatchObject({
      creditAmount: 50, currency: 'EUR', claimDeadline: '2026-11-30T23:00:00Z', answerDeadline: '2026-12-10T12:00:00Z', answerAtRiskAt: '2026-12-03T00:00:00Z',
      credit: { gtc: { late: ['chg-1'], amount: 50 }, gtr: { late: [], amount: 0 }, uncapped: 50, cap: 150, total: 50 },
    });
    expect(cond(claim, 'Answered')).toMatchObject({ status: 'False', reason: 'AwaitingAnswer' });
    expect(cond(claim, 'AtRisk')).toMatchObject({ status: 'False', reason: 'NotAtRisk' });
    expect(cond(claim, 'Valid')).toMatchObject({ status: 'True' });
    // A record of its month: the retention finalizer held.
    expect((claim.metadata as { finalizers?: string[] }).finalizers).toContain('managedapps.dev/retention');
  });

  it('GitOps order (no webhook): a claim before its month\'s report is final waits, Reconciling, not refused', async () => {
    const waiting = await waitFor('SLAClaim', 'gitops-1', (o) => { expect(cond(o, 'Valid')?.status).toBe('Unknown'); }, bypassed);
    expect(cond(waiting, 'Valid')).toMatchObject({ reason: 'ReferenceNotFound', message: "the report of 2026-10 (SLAReport c-2026-10) is not final yet: the claim is judged on the month's final report" });
    expect(cond(waiting, 'Reconciling')).toMatchObject({ status: 'True' });
    expect(waiting.status?.creditAmount).toBeUndefined();
  });

  it('a contact without the role and a stranger are refused by the webhook; a user without RBAC by the API server', async () => {
    const carol = await file('carol', 'by-carol', { incidents: ['chg-1'] });
    expect(carol).toMatchObject({ ok: false, code: 403 });
    expect(carol.ok ? '' : carol.message).toContain('admission webhook "validate.managedapps.dev" denied the request: metadata: user \'carol\'');
    expect(carol.ok ? '' : carol.message).toContain("is contact 'carol' of ManagedTenant 'acme' without the SLAClaimer role (spec.contacts[].roles)");
    const dave = await file('dave', 'by-dave', { incidents: ['chg-1'] });
    expect(dave.ok ? '' : dave.message).toContain("admission webhook \"validate.managedapps.dev\" denied the request: metadata: user 'dave'");
    expect(dave.ok ? '' : dave.message).toContain("is not a named contact of ManagedTenant 'acme' (spec.contacts)");
    // RBAC, before any webhook: erin is bound to no role.
    const erin = await file('erin', 'by-erin', { incidents: ['chg-1'] });
    expect(erin).toMatchObject({ ok: false, code: 403 });
    expect(erin.ok ? '' : erin.message).toContain('slaclaims.managedapps.dev is forbidden: User "erin" cannot create resource "slaclaims"');
    expect(erin.ok ? '' : erin.message).not.toContain('admission webhook');
  });

  it('bad input is refused naming the field: a late claim, a month not closed, another tenant\'s contract, a ticket twice or unknown', async () => {
    hookNow = LATE;
    try {
      const late = await file('claire', 'late', { incidents: ['chg-2'] });
      expect(late.ok ? '' : late.message).toContain('admission webhook "validate.managedapps.dev" denied the request: spec.month: the claim deadline of 2026-10 was 2026-11-30T23:00:00.000Z: 30 days after the month (domain.md §8)');
    } finally {
      hookNow = T1;
    }
    const open = await file('claire', 'november', { month: '2026-11', incidents: ['chg-2'] });
    expect(open.ok ? '' : open.message).toContain('spec.month: 2026-11 is not over: a claim is filed after the month');
    const other = await file('claire', 'other', { contractRef: { name: 'c2' }, incidents: ['chg-2'] });
    expect(other.ok ? '' : other.message).toContain(`spec.contractRef.name: no SupportContract 'c2' in namespace '${ns}': a claim is for the tenant's own contract`);
    // Listed twice: the CRD's set refuses it, before the webhook.
    const twice = await file('claire', 'twice', { incidents: ['chg-2', 'chg-2'] });
    expect(twice.ok ? '' : twice.message).toContain('spec.incidents[1]: Duplicate value: "chg-2"');
    expect(twice.ok ? '' : twice.message).not.toContain('admission webhook');
    const unknown = await file('claire', 'unknown', { incidents: ['chg-2', 'inc-404'] });
    expect(unknown.ok ? '' : unknown.message).toContain("spec.incidents[1]: inc-404 is not a ticket of 2026-10's report (SLAReport c-2026-10");
  });

  it('the provider answers (stamped, traced, final); a client contact answering and a negative amount are refused naming the field', async () => {
    const byClaire = await answer('claire', 'claim-1', { decision: 'Accepted' });
    expect(byClaire).toMatchObject({ ok: false });
    // RBAC lets the client update nothing of a claim: the API server refuses first.
    expect(byClaire.ok ? '' : byClaire.message).toContain('User "claire" cannot patch resource "slaclaims"');
    // With update rights (RBAC is not the only guard), the webhook refuses a client's answer naming spec.answer.
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'claims-patch' }, rules: [{ apiGroups: [GROUP], resources: ['slaclaims'], verbs: ['patch'] }] } });
    await rbac.createNamespacedRoleBinding({ namespace: ns, body: { metadata: { name: 'claims-patch' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'claims-patch' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'claire' }] } });
    const patched = await eventually(async () => {
      const r = await answer('claire', 'claim-1', { decision: 'Accepted' });
      expect(r.ok ? '' : r.message).toContain('admission webhook');
      return r;
    });
    expect(patched.ok ? '' : patched.message).toContain("spec.answer: the provider answers a claim (seed §8.2); user 'claire'");
    // A negative amount: the CRD's minimum, before the webhook.
    const negative = await answer('paul', 'claim-1', { decision: 'PartlyAccepted', amount: -5, reason: 'x' });
    expect(negative.ok ? '' : negative.message).toContain('spec.answer.amount: Invalid value: -5: spec.answer.amount in body should be greater than or equal to 0');
    // Above the claim's credit of 50: the webhook, reading the claim's status.
    const above = await answer('paul', 'claim-1', { decision: 'PartlyAccepted', amount: 60, reason: 'x' });
    expect(above.ok ? '' : above.message).toContain("spec.answer.amount: 60 is above the claim's credit of 50");
    // Without a reason: the CRD.
    const bare = await answer('paul', 'claim-1', { decision: 'Rejected' });
    expect(bare.ok ? '' : bare.message).toContain('spec.answer.reason is required for a PartlyAccepted or Rejected answer');

    const given = await answer('paul', 'claim-1', { decision: 'PartlyAccepted', amount: 30, reason: 'chg-1 waited a day on the client', answeredBy: { username: 'someone' } });
    expect(given.ok ? given.object.spec.answer : given.message).toEqual({
      decision: 'PartlyAccepted', amount: 30, reason: 'chg-1 waited a day on the client', answeredBy: { username: 'paul', groups: [PROVIDER_GROUP, 'system:authenticated'] }, answeredAt: '2026-11-10T12:00:00Z',
    });
    const claim = await waitFor('SLAClaim', 'claim-1', (o) => { expect(cond(o, 'Answered')?.status).toBe('True'); });
    // 30 of its 50 granted.
    expect(claim.status).toMatchObject({ granted: 30, answeredLate: false });
    expect(cond(claim, 'Answered')).toMatchObject({ reason: 'ClaimAnswered', message: 'PartlyAccepted by paul at 2026-11-10T12:00:00Z: 30.00 EUR granted' });
    expect(claim.status?.history).toEqual([expect.objectContaining({ by: 'paul', field: 'spec.answer', at: '2026-11-10T12:00:00Z' })]);
    // Final once given: a second answer leaves the first as it was (the mutating hook puts it back).
    await answer('paul', 'claim-1', { decision: 'Accepted' });
    expect((await get('SLAClaim', 'claim-1')).spec.answer).toMatchObject({ decision: 'PartlyAccepted', amount: 30 });
    // A record of its month: not deleted while October's report is kept.
    const deleted = await attempt(() => api('paul').deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'slaclaims', name: 'claim-1' }));
    expect(deleted.ok ? '' : deleted.message).toContain("SLAReport 'c-2026-10' is kept, and its month's claims with it");
  });

  it('kubectl managedapps claim file, answer and list', async () => {
    const filed = await cli('claire', ['claim', 'file', 'c', '2026-10', 'chg-2', '--name', 'claim-cli', '--description', 'chg-2 was late too']);
    expect(filed).toMatchObject({ code: 0, stdout: 'slaclaim.managedapps.dev/claim-cli filed by claire at 2026-11-10T12:00:00Z\n' });
    // The webhook's refusal, as kubectl prints it.
    const late = await cli('claire', ['claim', 'file', 'c', '2026-11', 'chg-2']);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^error: .*spec\.month: 2026-11 is not over/);
    // The provider answers once the operator has computed the claim (claim-1 claimed chg-1 before it: it adds chg-2's 50).
    await waitFor('SLAClaim', 'claim-cli', (o) => { expect(o.status?.creditAmount).toBe(50); });
    const rejected = await cli('paul', ['claim', 'answer', 'claim-cli', '--reject', '--reason', 'claimed by claim-2 already']);
    expect(rejected).toMatchObject({ code: 0, stdout: 'slaclaim.managedapps.dev/claim-cli Rejected by paul at 2026-11-10T12:00:00Z\n' });
    const again = await cli('paul', ['claim', 'answer', 'claim-cli', '--accept']);
    expect(again.stderr).toMatch(/^error: slaclaim\.managedapps\.dev\/claim-cli is already answered: Rejected by paul at 2026-11-10T12:00:00Z \(an answer is final\)/);
    await waitFor('SLAClaim', 'claim-cli', (o) => { expect(o.status?.granted).toBe(0); });
    const listed = await cli('paul', ['claim', 'list', '-o', 'json']);
    const rows = JSON.parse(listed.stdout) as { name: string; decision?: string; granted?: number }[];
    expect(rows.find((r) => r.name === 'claim-cli')).toMatchObject({ decision: 'Rejected', granted: 0 });
    expect(rows.find((r) => r.name === 'claim-1')).toMatchObject({ decision: 'PartlyAccepted', granted: 30 });
  });

  it('a second claim adds what the first did not claim; unanswered at 75 % of the time to answer, it is AtRisk', async () => {
    expect(await file('claire', 'claim-2', { incidents: ['chg-1', 'chg-2'] })).toMatchObject({ ok: true });
    // chg-1 and chg-2: 100 alone; claim-1 (filed at the same instant, first by name) claimed chg-1's 50: it adds 50.
    const before = await waitFor('SLAClaim', 'claim-2', (o) => { expect(o.status?.creditAmount).toBe(50); });
    expect(before.status?.credit).toMatchObject({ total: 100 });
    expect(cond(before, 'AtRisk')?.status).toBe('False');
    // 2026-12-04T00:00Z: past claim-2's at-risk instant (2026-12-03T00:00Z, as claim-1's), before its deadline.
    await controllers.stop();
    controllers = startControllers(fixed(AT_RISK));
    const atRisk = await waitFor('SLAClaim', 'claim-2', (o) => { expect(cond(o, 'AtRisk')?.status).toBe('True'); });
    expect(cond(atRisk, 'AtRisk')).toMatchObject({ reason: 'AnswerAtRisk', message: 'unanswered, 75 % of the time to answer spent at 2026-12-03T00:00:00Z: the provider answers by 2026-12-10T12:00:00Z' });
    expect(cond(atRisk, 'Answered')).toMatchObject({ status: 'False', reason: 'AwaitingAnswer' });
    // The answered one is not at risk.
    const answered = await waitFor('SLAClaim', 'claim-1', (o) => { expect(o.status?.observedGeneration).toBeDefined(); });
    expect(cond(answered, 'AtRisk')).toMatchObject({ status: 'False' });
    // October's credits by state on the contract (the report is sealed): owed 100, claimed 50 + 50, granted 30 (claim-1),
    // pending 50 (claim-2); the deadline passed (2026-11-30T23:00Z) with nothing unclaimed: 0 expired.
    // (November's report, final since 2026-12-01T23:00Z with no credit, is listed after it.)
    await waitFor('SupportContract', 'c', (o) => {
      expect((o.status?.claimCredits as unknown[] | undefined)?.[0]).toEqual({ month: '2026-10', currency: 'EUR', claimDeadline: '2026-11-30T23:00:00Z', owed: 100, claimed: 100, granted: 30, pending: 50, claimable: 0, expired: 0 });
    });
    // The restarted controllers judged the claims on the whole namespace (their caches synced first), and still do.
    for (const n of ['claim-1', 'claim-2', 'claim-cli']) expect(cond(await get('SLAClaim', n), 'Valid'), n).toMatchObject({ status: 'True' });
    // Bypassed: October's report is final now (created 2026-11-10T12:00Z, final 24 h later): gitops-1 is credited chg-1's 50;
    // gitops-2 names a ticket October does not have, flagged naming the field, and counts for nothing.
    const one = await waitFor('SLAClaim', 'gitops-1', (o) => { expect(cond(o, 'Valid')?.status).toBe('True'); }, bypassed);
    expect(one.status?.creditAmount).toBe(50);
    const two = await waitFor('SLAClaim', 'gitops-2', (o) => { expect(cond(o, 'Valid')?.status).toBe('False'); }, bypassed);
    expect(cond(two, 'Valid')).toMatchObject({ reason: 'ClaimInvalid', message: "spec.incidents[1]: inc-404 is not a ticket of 2026-10's report (seed §8.2: only ticketed incidents of the month)" });
    expect(cond(two, 'Stalled')).toMatchObject({ status: 'True', reason: 'ClaimInvalid' });
    expect(two.status?.creditAmount).toBeUndefined();
    // The metrics say the same: claim-2 is the only one awaiting an answer (its deadline and AtRisk instant), October split as above.
    const snap = snapshot();
    expect(snap.claims?.filter((c) => c.namespace === ns)).toEqual([{ namespace: ns, name: 'claim-2', contract: 'c', month: '2026-10', answerDeadline: new Date('2026-12-10T12:00:00Z'), answerAtRiskAt: new Date('2026-12-03T00:00:00Z') }]);
    expect(snap.claimCredits?.find((m) => m.namespace === ns && m.month === '2026-10')?.amounts).toEqual({ owed: 100, claimed: 100, granted: 30, pending: 50, claimable: 0, expired: 0 });
  });
});
