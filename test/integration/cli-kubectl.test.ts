// `kubectl managedapps` against the REAL API server: the commands of src/cli/kubectl/commands.ts and the
// in-cluster `report`, run through commander as the plugin runs them, on objects this file
// creates. The admission webhook runs in this process (url mode, scoped to this run's namespace
// by a label) so that an approval gets `approvedBy` stamped from the real user, as in a cluster.
// People are client-certificate users named in a kubeconfig file with one context each.
// A few invocations run as a separate process to check real exit codes and commander's errors.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { GROUP, VERSION, reportStatusFromDomain } from '../../src/api/v1alpha1/index.ts';
import { registerKubectlCommands, registerReportCommand } from '../../src/cli/program.ts';
import { monthOf, type MonthlyReport } from '../../src/domain/index.ts';
import { KubeClient, Manager, collectionPath, objectPath, type KindRef } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/cli-test';
const CONFIG_NAME = `mao-cli-test-${run}`;
const TIME_ZONE = 'Pacific/Kiritimati'; // UTC+14: its current month differs from UTC's near a month's end
const ref = (plural: string): KindRef => ({ group: GROUP, version: VERSION, plural });
const API_VERSION = `${GROUP}/${VERSION}`;

interface Result { code: number; stdout: string; stderr: string }

/** What the actions set (read through a function: TypeScript narrows the property after the reset). */
const exitCode = (): number => Number(process.exitCode ?? 0);

/** The plugin's program, as bin/managedapps.js builds it (src/cli/program.ts wires the same two functions). */
async function cli(args: readonly string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => { stdout += s; }, stderr: (s: string) => { stderr += s; } };
  const program = new Command('kubectl-managedapps');
  registerKubectlCommands(program, io);
  registerReportCommand(program, io);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { code: exitCode(), stdout, stderr };
  } finally {
    process.exitCode = undefined;
  }
}

/** The same program in its own process: the exit code the shell sees, commander's errors included. */
function cliProcess(args: readonly string[], kubeconfig: string): Promise<Result> {
  const script = [
    "import { Command } from 'commander';",
    `import { registerKubectlCommands } from ${JSON.stringify(join(ROOT, 'src', 'cli', 'program.ts'))};`,
    "const io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };",
    "const program = new Command('kubectl-managedapps');",
    'registerKubectlCommands(program, io);',
    'await program.parseAsync(process.argv.slice(1), { from: "user" });',
  ].join('\n');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: kubeconfig } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('kubectl managedapps on a real API server', () => {
  const info = inject('controlPlane');
  let admin: KubeConfig;
  let client: KubeClient;
  let ns: string;
  let ns2: string;
  let dir: string;
  let kubeconfig: string;
  let manager: Manager;
  let month: string;
  let report: MonthlyReport;
  /** Common flags: the kubeconfig file and a context (a person). */
  const as = (context: string) => ['--kubeconfig', kubeconfig, '--context', context];

  const create = (plural: string, namespace: string, kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>) =>
    client.request('POST', collectionPath(ref(plural), namespace), { body: { apiVersion: API_VERSION, kind, metadata: { name, ...(labels ? { labels } : {}) }, spec } });
  const read = <T = { spec: Record<string, unknown> }>(plural: string, namespace: string, name: string) => client.request<T>('GET', objectPath(ref(plural), namespace, name));
  /** Writes a status by server-side apply, as the operator does. */
  const applyStatus = (plural: string, namespace: string, kind: string, name: string, status: unknown) =>
    client.request('PATCH', objectPath(ref(plural), namespace, name, 'status'), {
      body: { apiVersion: API_VERSION, kind, metadata: { name }, status },
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'cli-test', force: true },
    });

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    client = new KubeClient(admin);
    ns = await createNamespace(admin, 'cli-kubectl');
    ns2 = await createNamespace(admin, 'cli-kubectl-other');
    const core = admin.makeApiClient(CoreV1Api);
    await core.patchNamespace({ name: ns, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    // RBAC for the people: read and write the group's objects in ns (the chart's client role is cluster-wide, shared by other files).
    await client.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      body: { metadata: { name: 'people' }, rules: [{ apiGroups: [GROUP], resources: ['*'], verbs: ['get', 'list', 'watch', 'patch', 'update', 'create'] }] },
    });
    await client.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      body: {
        metadata: { name: 'people' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'people' },
        subjects: ['alice', 'dave'].map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name })),
      },
    });

    // One kubeconfig file, one context per person; admin's context names ns, the others too.
    dir = mkdtempSync(join(tmpdir(), 'mao-cli-'));
    const configs: Record<string, KubeConfig> = { admin, dave: userKubeConfig(info, 'dave'), alice: userKubeConfig(info, 'alice') };
    type Raw = { clusters: { name: string; cluster: unknown }[]; users: { name: string; user: unknown }[] };
    const raw = (kc: KubeConfig) => JSON.parse(kc.exportConfig()) as Raw;
    const cluster = raw(admin).clusters[0]!;
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config',
      clusters: [{ name: 'test', cluster: cluster.cluster }],
      users: Object.entries(configs).map(([name, kc]) => ({ name, user: raw(kc).users[0]!.user })),
      contexts: [
        ...Object.keys(configs).map((name) => ({ name, context: { cluster: 'test', user: name, namespace: ns } })),
        { name: 'admin-other', context: { cluster: 'test', user: 'admin', namespace: ns2 } },
        { name: 'admin-no-namespace', context: { cluster: 'test', user: 'admin' } },
      ],
      'current-context': 'admin',
    }));

    // The tenant, written by the provider before the webhook serves (it reads the tenant from its cache).
    await create('managedtenants', ns, 'ManagedTenant', 'acme', {
      managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
      calendar: { timeZone: TIME_ZONE, holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
      contacts: [
        { name: 'alice', email: 'alice@acme.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester'] },
        { name: 'dave', email: 'dave@acme.example', users: ['dave'], roles: ['ChangeApprover', 'SLAClaimer'] },
      ],
    });
    const contract = (start: string) => ({
      start, supportChain: 'FullFrance', subscribedLevels: ['OS'],
      supportLevels: [{ environment: 'Production', level: 'Standard' }], prices: { currency: 'EUR', tokenPrice: 95 },
    });
    await create('supportcontracts', ns, 'SupportContract', 'acme-2026', contract('2026-01-01'));

    // The webhook, as `managedapps dev` runs it: the admin (system:masters) acts as provider and operator.
    const log = pino({ level: 'silent' });
    manager = new Manager({ kubeConfig: admin, logger: log, leaderElection: false });
    const certs = await webhookCertificates(manager.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({ manager, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: ['system:masters'], operatorUsername: 'admin', logger: log });
    manager.add(server);
    manager.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(manager.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    await eventually(async () => {
      // An approval by the admin (not a ChangeApprover contact): refused once the webhook serves.
      const probe = await client.request('POST', collectionPath(ref('changerequests'), ns), {
        query: { dryRun: 'All' },
        body: { apiVersion: API_VERSION, kind: 'ChangeRequest', metadata: { name: 'probe' }, spec: {
          unitRefs: [{ name: 'os-vm1' }], category: 'NonStandard', summary: 'probe', requestedAt: '2026-11-20T10:00:00Z', initiator: 'Provider',
          approval: { decision: 'Approved', approvedBy: 'dave', decidedAt: '2026-11-20T11:00:00Z' },
        } },
      }).then(() => 'allowed', (err: unknown) => String(err));
      expect(probe).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    await create('serviceunits', ns, 'ServiceUnit', 'os-vm1', { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }] }, { tier: 'web' });
    await create('serviceunits', ns, 'ServiceUnit', 'os-vm2', { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-2' }] }, { tier: 'db' });
    const change = (initiator: string, summary: string) => ({
      unitRefs: [{ name: 'os-vm1' }], category: 'StandardSimple', catalogItem: 'os.package.install', summary, tokens: 1, requestedAt: '2026-11-20T10:00:00Z', initiator,
    });
    await create('changerequests', ns, 'ChangeRequest', 'kernel-upgrade', change('Provider', 'Kernel upgrade'));
    await create('changerequests', ns, 'ChangeRequest', 'openssl-patch', change('Provider', 'OpenSSL patch'));
    await create('changerequests', ns, 'ChangeRequest', 'client-change', change('Client', 'Install a package'));
    const incident = (summary: string) => ({ unitRefs: [{ name: 'os-vm1' }], priority: 'P2', summary, openedAt: '2026-11-20T10:00:00Z' });
    await create('incidents', ns, 'Incident', 'db-down', incident('Database down'));
    await create('incidents', ns, 'Incident', 'disk-full', incident('Disk full'));

    // Maintenance windows; their status (next occurrences) as the window controller writes it.
    await create('maintenancewindows', ns, 'MaintenanceWindow', 'patch-tuesday', {
      purpose: 'SecurityPatching', duration: '4h', timeZone: 'Europe/Paris', recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '22:00' },
      selector: { matchLabels: { tier: 'web' } }, requiresClientApproval: true,
    });
    await create('maintenancewindows', ns, 'MaintenanceWindow', 'db-upgrade', {
      purpose: 'Upgrade', duration: '2h', timeZone: 'Europe/Paris', start: '2030-01-20T21:00:00Z',
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
    });
    await create('maintenancewindows', ns2, 'MaintenanceWindow', 'everything', { purpose: 'Maintenance', duration: '1h', start: '2030-01-01T00:00:00Z', selector: {} });
    const occurrence = (start: string, hours: number) => ({ start, end: new Date(new Date(start).getTime() + hours * 3_600_000).toISOString().replace('.000Z', 'Z') });
    await applyStatus('maintenancewindows', ns, 'MaintenanceWindow', 'patch-tuesday', {
      active: true, currentOccurrence: occurrence('2026-11-10T21:00:00Z', 4),
      nextOccurrences: [occurrence('2030-01-08T21:00:00Z', 4), occurrence('2030-02-12T21:00:00Z', 4)], units: 1,
    });
    await applyStatus('maintenancewindows', ns, 'MaintenanceWindow', 'db-upgrade', { active: false, nextOccurrences: [occurrence('2030-01-20T21:00:00Z', 2)], units: 1 });
    await applyStatus('maintenancewindows', ns2, 'MaintenanceWindow', 'everything', { active: false, nextOccurrences: [occurrence('2030-01-01T00:00:00Z', 1)], units: 0 });

    // This month's SLAReport (tenant's zone); its status is the report, written as the operator does.
    month = monthOf(new Date(), TIME_ZONE);
    report = {
      period: { month, start: '2026-10-31T10:00:00Z', end: '2026-11-30T10:00:00Z', timeZone: TIME_ZONE },
      final: false,
      currency: 'EUR',
      functions: [{
        name: 'servers', family: 'OS', supportLevel: 'Standard', units: 2, availabilityPercent: 99.396, guaranteePercent: 99.5, gapPoints: 0.104,
        creditPercent: 2, creditAmount: 12, interruptionSeconds: 32400, excludedSeconds: 0,
      }],
      gtr: {
        resolved: 1, late: 1, deviationPercent: 20, creditPercent: 2, creditAmount: 30,
        incidents: [
          { name: 'db-down', priority: 'P2', supportLevel: 'Standard', deadline: '2026-11-21T10:00:00Z', coveredSeconds: 90000, late: true, applicable: true, reason: '' },
          { name: 'disk-full', priority: 'P2', supportLevel: 'Standard', coveredSeconds: 0, late: false, applicable: false, reason: 'not resolved in the month' },
        ],
      },
      gtc: {
        completed: 1, late: 0, creditAmount: 0,
        changes: [{ name: 'client-change', category: 'StandardSimple', accelerated: false, supportLevel: 'Standard', deadline: '2026-11-24T10:00:00Z', coveredSeconds: 3600, late: false, applicable: true, reason: 'Applicable', tokensCharged: 1, price: 95 }],
      },
      tokens: { pack: 20, used: 1, extra: 0, extraAmount: 0 },
      credits: { uncapped: 42, capPercent: 15, cap: 150, total: 42 },
      claimDeadline: '2026-12-30T10:00:00Z',
      conditions: [
        { type: 'GTDMet', status: 'False', reason: 'BelowGuarantee', message: 'servers: 99.3960 % < 99.5 %' },
        { type: 'GTRMet', status: 'False', reason: 'TooManyLate', message: '1 late of 1' },
        { type: 'GTCMet', status: 'True', reason: 'OnTime', message: 'no late change' },
        { type: 'Final', status: 'False', reason: 'MonthOpen', message: 'the month is not over' },
      ],
    };
    await create('slareports', ns, 'SLAReport', `acme-2026-${month}`, { contractRef: { name: 'acme-2026' }, month });
    const lastTransitionTime = '2026-11-20T10:00:00Z';
    await applyStatus('slareports', ns, 'SLAReport', `acme-2026-${month}`, {
      ...reportStatusFromDomain(report),
      observedGeneration: 1,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Reported', message: 'report up to date', lastTransitionTime, observedGeneration: 1 },
        ...report.conditions.map((c) => ({ ...c, lastTransitionTime, observedGeneration: 1 })),
      ],
    });
    // A namespace with two contracts: `report` cannot choose.
    await create('supportcontracts', ns2, 'SupportContract', 'first', contract('2026-01-01'));
    await create('supportcontracts', ns2, 'SupportContract', 'second', contract('2026-06-01'));
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(manager.client, CONFIG_NAME).catch(() => undefined);
    await manager.stop();
    const core = admin.makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await core.deleteNamespace({ name: ns2 }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  type Approval = { decision: string; approvedBy: string; decidedAt: string; comment?: string };
  const approvalOf = async (name: string) => (await read<{ spec: { approval?: Approval } }>('changerequests', ns, name)).spec.approval;

  describe('approve / reject', () => {
    it('approve: the ChangeApprover records the decision; the webhook stamps who from the real user', async () => {
      const before = Date.now() - 1000;
      const r = await cli(['approve', 'kernel-upgrade', ...as('dave'), '--comment', 'ok for Tuesday night']);
      expect(r).toEqual({ code: 0, stdout: `changerequest.managedapps.dev/kernel-upgrade approved by dave\n`, stderr: '' });
      const approval = await approvalOf('kernel-upgrade');
      expect(approval).toMatchObject({ decision: 'Approved', approvedBy: 'dave', comment: 'ok for Tuesday night' });
      expect(new Date(approval!.decidedAt).getTime()).toBeGreaterThanOrEqual(before);
      expect(new Date(approval!.decidedAt).getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('refuses a change already decided, and says how it was decided', async () => {
      const r = await cli(['reject', 'kernel-upgrade', ...as('dave'), '--reason', 'changed my mind']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr)).toEqual([expect.stringMatching(/^error: changerequest\.managedapps\.dev\/kernel-upgrade is already Approved by dave at \d{4}-/)]);
      expect((await approvalOf('kernel-upgrade'))?.decision).toBe('Approved');
    });

    it('reject: the reason is kept; -o json prints the object as stored', async () => {
      const r = await cli(['reject', 'openssl-patch', ...as('dave'), '--reason', 'month-end closing', '-o', 'json']);
      expect(r.code).toBe(0);
      const printed = JSON.parse(r.stdout) as { kind: string; spec: { approval: Approval } };
      expect(printed.kind).toBe('ChangeRequest');
      expect(printed.spec.approval).toMatchObject({ decision: 'Rejected', approvedBy: 'dave', comment: 'month-end closing' });
      expect(await approvalOf('openssl-patch')).toEqual(printed.spec.approval);
    });

    it('refuses a client-initiated change: it needs no approval', async () => {
      const r = await cli(['approve', 'client-change', ...as('dave')]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual(["error: changerequest.managedapps.dev/client-change was requested by the client (spec.initiator Client): only a provider-initiated change needs the client's approval"]);
      expect(await approvalOf('client-change')).toBeUndefined();
    });

    it('a contact who is not a ChangeApprover is refused by the API server, in one line', async () => {
      await create('changerequests', ns, 'ChangeRequest', 'nginx-upgrade', {
        unitRefs: [{ name: 'os-vm1' }], category: 'StandardSimple', catalogItem: 'os.package.install', summary: 'nginx', tokens: 1, requestedAt: '2026-11-20T10:00:00Z', initiator: 'Provider',
      });
      const r = await cli(['approve', 'nginx-upgrade', ...as('alice')]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toHaveLength(1);
      // The mutating hook stamps no approver for her; the schema (checked before the validating hook) then refuses.
      expect(r.stderr).toMatch(/^error: changerequest\.managedapps\.dev\/nginx-upgrade: no approver recorded \(spec\.approval\.approvedBy\): .*ChangeApprover contact/);
      expect(await approvalOf('nginx-upgrade')).toBeUndefined();
    });

    it('-n overrides the context namespace; API errors (NotFound, Forbidden) are one line', async () => {
      const r = await cli(['approve', 'kernel-upgrade', ...as('admin'), '-n', ns2]);
      expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: changerequests.managedapps.dev "kernel-upgrade" not found\n' });
      const forbidden = await cli(['approve', 'kernel-upgrade', ...as('dave'), '--namespace', ns2]);
      expect(forbidden).toEqual({ code: 1, stdout: '', stderr: `error: changerequests.managedapps.dev "kernel-upgrade" is forbidden: User "dave" cannot get resource "changerequests" in API group "managedapps.dev" in the namespace "${ns2}"\n` });
      const missing = await cli(['approve', 'missing', ...as('dave'), '-o', 'name']);
      expect(missing.stderr).toBe('error: changerequests.managedapps.dev "missing" not found\n');
    });
  });

  describe('resolve / close', () => {
    type Times = { spec: { resolvedAt?: string; closedAt?: string } };
    it('close before resolve is refused; resolve --at then close (the client) set the times', async () => {
      const early = await cli(['close', 'db-down', ...as('alice')]);
      expect(early.code).toBe(1);
      expect(lines(early.stderr)).toEqual([expect.stringMatching(/^error: incident\.managedapps\.dev\/db-down is not resolved \(no spec\.resolvedAt\)/)]);
      expect((await read<Times>('incidents', ns, 'db-down')).spec.closedAt).toBeUndefined();

      const resolved = await cli(['resolve', 'db-down', ...as('admin'), '--at', '2026-11-20T12:30:00Z']);
      expect(resolved).toEqual({ code: 0, stdout: 'incident.managedapps.dev/db-down resolved at 2026-11-20T12:30:00Z\n', stderr: '' });
      expect((await read<Times>('incidents', ns, 'db-down')).spec.resolvedAt).toBe('2026-11-20T12:30:00Z');

      const closed = await cli(['close', 'db-down', ...as('alice'), '-o', 'yaml']);
      expect(closed.code).toBe(0);
      const printed = parseYaml(closed.stdout) as Times & { spec: { reporter: { username: string } } };
      const stored = await read<Times>('incidents', ns, 'db-down');
      expect(stored.spec.closedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(printed.spec.closedAt).toBe(stored.spec.closedAt);
      expect(printed.spec.reporter.username).toBe('admin'); // stamped at creation, not changed by the edits
      // Who agreed (domain.md §9), stamped from alice's request: her user and the contact she acts as.
      expect((stored as Times & { spec: { closedBy?: { username: string; contacts?: string[] } } }).spec.closedBy).toMatchObject({ username: 'alice', contacts: ['alice'] });

      const again = await cli(['close', 'db-down', ...as('alice')]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^error: incident\.managedapps\.dev\/db-down is already closed \(spec\.closedAt /);
    });

    it('resolve now (default), then resolving again is refused', async () => {
      const r = await cli(['resolve', 'disk-full', ...as('admin'), '-o', 'name']);
      expect(r).toEqual({ code: 0, stdout: 'incident.managedapps.dev/disk-full\n', stderr: '' });
      const at = (await read<Times>('incidents', ns, 'disk-full')).spec.resolvedAt!;
      expect(Math.abs(new Date(at).getTime() - Date.now())).toBeLessThan(60_000);
      const again = await cli(['resolve', 'disk-full', ...as('admin')]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/is already resolved/);
    });

    it('bad input: --at not RFC 3339, or before the incident opened', async () => {
      const bad = await cli(['resolve', 'db-down', ...as('admin'), '--at', '2026-11-20']);
      expect(bad).toEqual({ code: 1, stdout: '', stderr: "error: --at '2026-11-20' is not an RFC 3339 instant such as 2026-11-02T09:00:00Z\n" });
      await create('incidents', ns, 'Incident', 'net-slow', { unitRefs: [{ name: 'os-vm1' }], priority: 'P3', summary: 'slow', openedAt: '2026-11-20T10:00:00Z' });
      const before = await cli(['resolve', 'net-slow', ...as('admin'), '--at', '2026-11-19T10:00:00Z']);
      expect(before.code).toBe(1);
      expect(before.stderr).toMatch(/^error: --at 2026-11-19T10:00:00Z is before the incident was opened/);
    });
  });

  describe('windows', () => {
    it('lists the next occurrences in order, the running one first, with purpose and selector', async () => {
      const r = await cli(['windows', ...as('alice')]);
      expect(r.code).toBe(0);
      expect(lines(r.stdout).map((l) => l.split(/\s{2,}/))).toEqual([
        ['NAME', 'PURPOSE', 'START', 'END', 'ACTIVE', 'SELECTOR'],
        ['patch-tuesday', 'SecurityPatching', '2026-11-10T21:00:00Z', '2026-11-11T01:00:00Z', 'yes', 'tier=web'],
        ['patch-tuesday', 'SecurityPatching', '2030-01-08T21:00:00Z', '2030-01-09T01:00:00Z', 'no', 'tier=web'],
        ['db-upgrade', 'Upgrade', '2030-01-20T21:00:00Z', '2030-01-20T23:00:00Z', 'no', 'tier in (db)'],
        ['patch-tuesday', 'SecurityPatching', '2030-02-12T21:00:00Z', '2030-02-13T01:00:00Z', 'no', 'tier=web'],
      ]);
    });

    it('-o wide adds the units selected; --count limits', async () => {
      const r = await cli(['windows', ...as('alice'), '-o', 'wide', '--count', '3']);
      expect(r.code).toBe(0);
      const rows = lines(r.stdout).map((l) => l.split(/\s{2,}/));
      expect(rows[0]).toEqual(['NAME', 'PURPOSE', 'START', 'END', 'ACTIVE', 'SELECTOR', 'EXCLUDED', 'APPROVAL', 'UNITS']);
      expect(rows.slice(1).map((row) => [row[0], row[7], row[8]])).toEqual([
        ['patch-tuesday', 'required', 'os-vm1'], ['patch-tuesday', 'required', 'os-vm1'], ['db-upgrade', 'no', 'os-vm2'],
      ]);
    });

    it('-A lists every namespace with a NAMESPACE column; -o json gives the occurrences', async () => {
      // The control plane is shared with other test files, whose windows come first across
      // namespaces: a count large enough to reach this file's.
      const all = await cli(['windows', ...as('admin'), '-A', '-o', 'json', '--count', '9999']);
      expect(all.code).toBe(0);
      const mine = (JSON.parse(all.stdout) as { namespace: string; name: string; start: string; units: string[] }[]).filter((o) => o.namespace === ns || o.namespace === ns2);
      expect(mine.map((o) => `${o.namespace === ns ? 'ns' : 'ns2'}/${o.name}@${o.start}`)).toEqual([
        'ns/patch-tuesday@2026-11-10T21:00:00Z', 'ns2/everything@2030-01-01T00:00:00Z', 'ns/patch-tuesday@2030-01-08T21:00:00Z', 'ns/db-upgrade@2030-01-20T21:00:00Z', 'ns/patch-tuesday@2030-02-12T21:00:00Z',
      ]);
      expect(mine.find((o) => o.name === 'everything')?.units).toEqual([]);
      const table = await cli(['windows', ...as('admin'), '--all-namespaces', '--count', '9999']);
      expect(lines(table.stdout)[0]?.split(/\s{2,}/)[0]).toBe('NAMESPACE');
      expect(table.stdout).toContain(ns2);
    });

    it('the context without a namespace means default; bad -o and --count exit 1', async () => {
      const none = await cli(['windows', ...as('admin-no-namespace')]);
      expect(none).toEqual({ code: 0, stdout: '', stderr: 'No maintenance windows found in default namespace.\n' });
      const xml = await cli(['windows', ...as('alice'), '-o', 'xml']);
      expect(xml).toEqual({ code: 1, stdout: '', stderr: 'error: unable to match a printer suitable for the output format "xml", allowed formats are: json,yaml,wide\n' });
      const count = await cli(['windows', ...as('alice'), '--count', '0']);
      expect(count.code).toBe(1);
    });
  });

  describe('report (in the cluster)', () => {
    it('default contract and month (tenant zone): the table of the SLAReport', async () => {
      const r = await cli(['report', ...as('dave')]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(lines(r.stdout)[0]).toBe(`SLA report ${ns}/acme-2026, ${month} (${TIME_ZONE}: 2026-10-31T10:00:00Z to 2026-11-30T10:00:00Z), provisional`);
      expect(r.stdout).toMatch(/servers\s+OS\s+Standard\s+2\s+99\.3960 %/);
      expect(r.stdout).toContain('Credits  42.00 EUR');
      expect(r.stdout).not.toMatch(/^\s*Ready\s/m);
    });

    it('-o json and -o yaml print exactly the report (design.md §3) the status holds', async () => {
      const json = await cli(['report', ...as('dave'), '--contract', 'acme-2026', '--month', month, '-o', 'json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(report);
      const yaml = await cli(['report', ...as('dave'), '-o', 'yaml']);
      expect(parseYaml(yaml.stdout)).toEqual(report);
    });

    it('errors: no report for the month, several contracts, unknown context', async () => {
      const old = await cli(['report', ...as('dave'), '--month', '2020-01']);
      expect(old.code).toBe(1);
      expect(lines(old.stderr)).toEqual([expect.stringMatching(new RegExp(`^error: no SLAReport "acme-2026-2020-01" in namespace "${ns}"`))]);
      const two = await cli(['report', ...as('admin-other')]);
      expect(two).toEqual({ code: 1, stdout: '', stderr: `error: namespace "${ns2}" has 2 SupportContracts (first, second): choose one with --contract\n` });
      const context = await cli(['report', '--kubeconfig', kubeconfig, '--context', 'nope']);
      expect(context).toEqual({ code: 1, stdout: '', stderr: 'error: context "nope" does not exist\n' });
    });
  });

  describe('confirm-approvers', () => {
    it('a ChangeApprover confirms the approver the provider added; the pending one may not; nothing pending is an error', async () => {
      // The provider (admin) makes alice a ChangeApprover: pending, since the provider added it.
      type Tenant = { metadata: Record<string, unknown>; spec: { contacts: { name: string; roles: string[] }[] } };
      const tenant = await read<Tenant>('managedtenants', ns, 'acme');
      for (const c of tenant.spec.contacts) if (c.name === 'alice') c.roles = [...c.roles, 'ChangeApprover'];
      await client.request('PUT', objectPath(ref('managedtenants'), ns, 'acme'), { body: tenant });
      const byAlice = await cli(['confirm-approvers', 'acme', ...as('alice')]);
      expect(byAlice.code).toBe(1);
      expect(byAlice.stderr).toMatch(/^error: .*confirm-approvers\]: only a ChangeApprover contact in force confirms pending approvers; user 'alice' is not one/);
      expect(lines(byAlice.stderr)).toHaveLength(1);
      const byDave = await cli(['confirm-approvers', 'acme', ...as('dave')]);
      expect(byDave).toEqual({ code: 0, stdout: 'managedtenant.managedapps.dev/acme approvers confirmed: alice (user alice)\n', stderr: '' });
      const stored = await read<{ metadata: { annotations?: Record<string, string> } }>('managedtenants', ns, 'acme');
      expect(JSON.parse(stored.metadata.annotations?.['managedapps.dev/approvers'] ?? '{}')).toEqual({ alice: { users: ['alice'] }, dave: { users: ['dave'] } });
      const again = await cli(['confirm-approvers', 'acme', ...as('dave')]);
      expect(again).toEqual({ code: 1, stdout: '', stderr: 'error: managedtenant.managedapps.dev/acme: no ChangeApprover grant awaits confirmation (status.approvers.pending is empty)\n' });
    });
  });

  describe('as a process', () => {
    it('exit codes and one-line errors as kubectl; help on each command', async () => {
      const missing = await cliProcess(['approve', 'missing', '-n', ns], kubeconfig);
      expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: changerequests.managedapps.dev "missing" not found\n' });
      const noReason = await cliProcess(['reject', 'kernel-upgrade'], kubeconfig);
      expect(noReason.code).toBe(1);
      expect(noReason.stderr).toBe("error: required option '--reason <text>' not specified\n");
      const unknown = await cliProcess(['windows', '--bogus'], kubeconfig);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe("error: unknown option '--bogus'\n");
      const listed = await cliProcess(['windows', '--context', 'alice', '--count', '1'], kubeconfig);
      expect(listed.code).toBe(0);
      expect(lines(listed.stdout)).toHaveLength(2);
      for (const command of ['reject', 'windows']) {
        const help = await cliProcess([command, '--help'], kubeconfig);
        expect(help.code).toBe(0);
        expect(help.stdout).toContain('--namespace');
        expect(help.stdout).toContain('--context');
        expect(help.stdout).toContain(`kubectl managedapps ${command}`);
      }
    });
  });
});
