// End to end (issue 6, design.md §4): the operator run as a process (`managedapps run --probes
// true`, leader election on) against a private control plane holding config/samples, scraped by
// Debian's `prometheus` with config/prometheus/rules.yaml. The samples' units probe targets this
// test starts on 127.0.0.1 (HTTP 200/503, a listening and a closed TCP port) and the test's own
// Prometheus (PromQL probes), so some units are up, some down (the operator opens Monitoring
// incidents), one is down inside a maintenance window; an outage of the previous month makes its
// final SLAReport owe credits (a claim deadline to export). Asserted: the domain series carry the
// values the cluster implies (and agree with the statuses the controllers wrote: the monthly
// statements' amounts with their reports' status.statement among them), the runtime
// series exist, the recording rules produce the expected series, the alerts this state calls for
// are pending or firing, and every dashboard panel query runs without error and returns data
// (the exceptions are listed in NO_DATA_IN_A_SHORT_RUN, with the reason).
// Runs where Debian's `prometheus` is installed; under CI=true its absence fails.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyObjects, readObjects } from '../../src/cli/apply.ts';
import { eventually } from '../controlplane/client.ts';
import { installCrds, readCrds } from '../controlplane/crds.ts';
import { ensureBinaries, startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { testNow } from '../support/clock.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { hasPrometheus, startPrometheus, type RunningPrometheus } from './prometheus.ts';

const root = join(import.meta.dirname, '../..');
const available = hasPrometheus();
const ci = process.env.CI === 'true' || process.env.CI === '1';

const TENANT = 'acme-logistics';
const CONTRACT = 'acme-logistics-2026';
/** The samples' contract starts on 2026-01-01 (config/samples/supportcontract.yaml), in Europe/Paris. */
const CONTRACT_START = DateTime.fromISO('2026-01-01', { zone: 'Europe/Paris' });
const OPERATOR_NAMESPACE = 'managedapps-system';
const GROUP = 'managedapps.dev';
const VERSION = 'v1alpha1';

/** Grafana's variables, replaced as Grafana would for a 1 s scrape interval and a 1 h range (the billing dashboard's month: every month shown). */
const substitute = (expr: string): string => expr
  .replaceAll('$month', '.*')
  .replaceAll('$__rate_interval', '1m')
  .replaceAll('$__interval', '15s')
  .replaceAll('$__range', '1h')
  .replaceAll('${tenant}', TENANT)
  .replaceAll('$tenant', TENANT);

/**
 * Panel queries that are valid but cannot have a series in a short healthy run, with the reason;
 * for these the test asserts only that Prometheus accepts the query.
 */
const NO_DATA_IN_A_SHORT_RUN: Record<string, string> = {
  'operator-health.json › Reconcile errors › A': 'controller_runtime_reconcile_errors_total has a series only after a reconcile fails (a conflict, an API error); a healthy run has none',
  'operator-health.json › Reconcile errors › B': 'controller_runtime_terminal_reconcile_errors_total has a series only after a reconcile fails for good',
  'operator-health.json › Queue adds and retries › B': 'workqueue_retries_total has a series only after a key is re-queued with backoff after a failure',
  'operator-health.json › Watch restarts (1 h) › A': 'managedapps_informer_watch_restarts_total has a series only after a list/watch loop restarted (API server restart, watchdog, 410 Expired)',
};

/** How each unit of config/samples is probed here, and what its state must become. */
interface Plan {
  readonly monitoring: Record<string, unknown>;
  readonly up: boolean;
  /** Labels added to the unit (the maintenance window below selects on them). */
  readonly labels?: Record<string, string>;
}

/**
 * The newest month whose report is final at `now` (ms), in the tenant's zone (Europe/Paris): a
 * report created by then is final 24 h after its month's end (docs/design.md §3), so the previous month from the
 * second day of a month on, and the month before it on a month's first day.
 * 2026-12-15T12:00+01:00 → 2026-11; 2026-12-01T10:00+01:00 → 2026-10; 2026-12-02T00:00+01:00 → 2026-11.
 */
function lastFinalMonth(now: number): DateTime {
  const current = DateTime.fromMillis(now, { zone: 'Europe/Paris' }).startOf('month');
  return now >= current.plus({ hours: 24 }).toMillis() ? current.minus({ months: 1 }) : current.minus({ months: 2 });
}

/**
 * A 10-hour P1 outage of app-erp on the second day of the newest month whose report is final
 * (08:00 to 18:00 Paris): that report owes credits (GTD and GTR missed), so its claim deadline
 * (30 days after the month) is exported while that window is open, and the claim panel and alert
 * have data. The report of that month exists before the operator starts, as in a cluster where
 * the operator has run since that month closed: created then by the contract's controller, whose
 * created-at annotation says so (the month's end), so it is final 24 h after the month's end and
 * not 24 h after this run's start (design.md §3: final at the later of the month's end and the
 * report's creation, plus 24 h). On a month's first day that month is two months back, a report
 * the operator would not create by itself.
 */
function lastFinalMonthOutage(now: number): Obj[] {
  const month = lastFinalMonth(now);
  const opened = month.plus({ days: 1, hours: 8 });
  const at = (hours: number): string => opened.plus({ hours }).toUTC().toISO({ suppressMilliseconds: true }) ?? '';
  // Months seal in order (design.md §3 "Seals"): the months before it, since the contract's start,
  // exist as they would there too, each created when it closed, so each is final at once.
  const report = (m: DateTime): Obj => ({
    apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAReport',
    metadata: { name: `${CONTRACT}-${m.toFormat('yyyy-MM')}`, namespace: TENANT, annotations: { 'managedapps.dev/created-at': m.plus({ months: 1 }).toUTC().toISO({ suppressMilliseconds: true }) ?? '' } },
    spec: { contractRef: { name: CONTRACT }, month: m.toFormat('yyyy-MM') },
  });
  const before: Obj[] = [];
  for (let m = CONTRACT_START; m < month; m = m.plus({ months: 1 })) before.push(report(m));
  return [
    {
      apiVersion: `${GROUP}/${VERSION}`, kind: 'Incident', metadata: { name: 'e2e-last-month-outage', namespace: TENANT },
      spec: {
        unitRefs: [{ name: 'app-erp' }], priority: 'P1', summary: 'ERP down for ten hours (e2e)', detection: 'Monitoring',
        openedAt: at(0), resolvedAt: at(10), closedAt: at(24), closedBy: { username: 'e2e-client' }, cause: 'Provider',
      },
    },
    ...before,
    report(month),
  ];
}

type Report = Obj & { spec: { month: string }; status?: { final?: boolean; claimDeadline?: string; credits?: { total?: number } } };

/** Final reports that owe credits and whose claim window is still open: those the operator exports. */
const claimableOf = (reports: readonly Report[], now: number): Report[] => reports.filter((r) => r.status?.final === true
  && (r.status.credits?.total ?? 0) > 0 && r.status.claimDeadline !== undefined && Date.parse(r.status.claimDeadline) > now);

/** An HTTP target answering `status` to every request. */
async function httpTarget(status: number): Promise<http.Server> {
  const server = http.createServer((_req, res) => { res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status)); });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  return server;
}

const portOf = (server: net.Server): number => (server.address() as AddressInfo).port;

const closeServer = (server: net.Server | undefined): Promise<void> => new Promise((resolve) => {
  if (server === undefined || !server.listening) { resolve(); return; }
  if (server instanceof http.Server) server.closeAllConnections();
  server.close(() => { resolve(); });
});

type Sample = { metric: Record<string, string>; value: [number, string] };
/** `label value` → numeric value, for comparisons of whole vectors. */
const byLabel = (samples: readonly Sample[], label: string): Record<string, number> =>
  Object.fromEntries(samples.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));

interface Status { readonly [key: string]: unknown }
type Obj = KubernetesObject & { spec: Record<string, unknown>; status?: Status };

describe.skipIf(!available && !ci)('the operator process scraped by a real Prometheus with the repo rules and dashboards', () => {
  let controlPlane: ControlPlane | undefined;
  let operator: OperatorProcess | undefined;
  let prometheus: RunningPrometheus | undefined;
  let kc: KubeConfig;
  const servers: net.Server[] = [];
  let plan: Record<string, Plan> = {};

  const list = async (plural: string): Promise<Obj[]> => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const res = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: TENANT, plural })) as { items: Obj[] };
    return res.items;
  };
  const query = (expr: string): Promise<Sample[]> => prometheus!.query(expr);

  beforeAll(async () => {
    expect(available, 'prometheus not found: apt-get install -y prometheus').toBe(true);
    const binDir = await ensureBinaries();
    controlPlane = await startControlPlane({ binDir });
    kc = controlPlane.kubeConfig();
    // The CRDs of crds/, as `kubectl apply -f crds/` and the chart install them (with their
    // defaults and CEL rules; src/main.ts installCrds loses both, see the report of issue 6).
    await installCrds(kc, readCrds(join(root, 'crds')));

    // Probe targets on loopback: up (HTTP 200, listening TCP) and down (HTTP 503, closed port).
    const httpUp = await httpTarget(200);
    const httpDown = await httpTarget(503);
    const tcpUp = net.createServer((socket) => { socket.destroy(); });
    await new Promise<void>((resolve) => { tcpUp.listen(0, '127.0.0.1', resolve); });
    const closed = net.createServer();
    await new Promise<void>((resolve) => { closed.listen(0, '127.0.0.1', resolve); });
    const closedPort = portOf(closed);
    await closeServer(closed);
    servers.push(httpUp, httpDown, tcpUp);

    // The samples, their units probing the loopback targets (the two PromQL units start on TCP:
    // the Prometheus they query starts after the operator), a one-off maintenance window active
    // now over the units labelled e2e/maintenance, and an outage of the previous month. All of it
    // exists before the operator starts, as in a cluster it runs in: the outage month's report,
    // created when that month closed (lastFinalMonthOutage), is final from its first computation.
    const fast = { period: '1s', timeout: '1s' };
    const http200 = { httpGet: { url: `http://127.0.0.1:${portOf(httpUp)}/health` } };
    const http503 = { httpGet: { url: `http://127.0.0.1:${portOf(httpDown)}/health` } };
    const tcpOpen = { tcpSocket: { host: '127.0.0.1', port: portOf(tcpUp) } };
    const tcpClosed = { tcpSocket: { host: '127.0.0.1', port: closedPort } };
    plan = {
      'os-files01': { monitoring: tcpOpen, up: true },
      'db-erp01': { monitoring: tcpClosed, up: false },
      'mw-erp01': { monitoring: http200, up: true },
      'k8s-platform': { monitoring: tcpOpen, up: true },
      'containers-apps': { monitoring: tcpClosed, up: false },
      'app-erp': { monitoring: http200, up: true },
      'app-portal': { monitoring: http503, up: false, labels: { 'e2e/maintenance': 'now' } },
      'db-erp-pp01': { monitoring: tcpOpen, up: true },
      'app-erp-pp': { monitoring: http503, up: false },
    };
    const samples = readObjects(join(root, 'config/samples')) as Obj[];
    const sampleUnits = samples.filter((o) => o.kind === 'ServiceUnit');
    expect(sampleUnits.map((u) => u.metadata!.name).sort()).toEqual(Object.keys(plan).sort());
    const unitsAsPlanned = (): Obj[] => sampleUnits.map((u) => {
      const p = plan[u.metadata!.name!]!;
      const { httpGet: _h, tcpSocket: _t, prometheus: _p, ...rest } = u.spec.monitoring as Record<string, unknown>;
      return {
        ...u,
        metadata: { name: u.metadata!.name!, namespace: TENANT, labels: { ...u.metadata!.labels, ...p.labels } },
        spec: { ...u.spec, monitoring: { ...rest, ...fast, ...p.monitoring } },
      };
    });
    const now = testNow();
    await applyObjects(kc, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } },
      ...samples.filter((o) => o.kind !== 'ServiceUnit'),
      ...unitsAsPlanned(),
      {
        apiVersion: `${GROUP}/${VERSION}`, kind: 'MaintenanceWindow', metadata: { name: 'e2e-now', namespace: TENANT },
        spec: {
          purpose: 'Maintenance', description: 'Active during the whole e2e run.',
          start: new Date(now - 3_600_000).toISOString(), duration: '12h',
          selector: { matchLabels: { 'e2e/maintenance': 'now' } }, excludeFromAvailability: true,
        },
      } as Obj,
      ...lastFinalMonthOutage(now),
    ]);

    operator = await startOperatorProcess({ kubeconfigPath: controlPlane.info.kubeconfigPath, probes: true, leaderElectionNamespace: OPERATOR_NAMESPACE });
    await operator.ready(120_000);
    prometheus = await startPrometheus({ targets: [new URL(operator.metricsUrl).host], ruleFiles: [join(root, 'config/prometheus/rules.yaml')] });
    // Once Prometheus has scraped the operator, the two units of the Prometheus family switch to
    // PromQL probes against it: one up while Prometheus scrapes the operator, one empty (down).
    await eventually(async () => { expect(await prometheus!.query('up{job="managed-apps-operator"} == 1')).toHaveLength(1); }, { timeoutMs: 60_000, intervalMs: 200 });
    plan['k8s-platform'] = { monitoring: { prometheus: { url: prometheus.url, query: 'up{job="managed-apps-operator"} == 1' } }, up: true };
    plan['containers-apps'] = { monitoring: { prometheus: { url: prometheus.url, query: 'up{job="no-such-job"} == 1' } }, up: false };
    await applyObjects(kc, unitsAsPlanned().filter((u) => u.metadata!.name === 'k8s-platform' || u.metadata!.name === 'containers-apps'));
    await eventually(async () => {
      const probes = await query(`sum by (result) (managedapps_probe_duration_seconds_count{namespace="${TENANT}",probe="prometheus"})`);
      expect(probes.map((s) => s.metric.result).sort()).toEqual(['failure', 'success']);
    }, { timeoutMs: 60_000, intervalMs: 250 });

    // Ready when Prometheus has every unit's probe state and enough scrapes for the 1m windows.
    try {
      await eventually(async () => {
        expect(byLabel(await query(`managedapps_unit_up{namespace="${TENANT}"}`), 'name'))
          .toEqual(Object.fromEntries(Object.entries(plan).map(([name, p]) => [name, p.up ? 1 : 0])));
        const scrapes = await query('count_over_time(up{job="managed-apps-operator"}[1m])');
        expect(Number(scrapes[0]?.value[1] ?? 0)).toBeGreaterThanOrEqual(5);
      }, { timeoutMs: 90_000, intervalMs: 500 });
    } catch (error) {
      // What the operator wrote and said, to tell a probe problem from an export problem.
      const statuses = (await list('serviceunits')).map((u) => `${u.metadata!.name}: ${JSON.stringify(u.status)}`);
      throw new Error(`${String(error)}\n--- unit statuses\n${statuses.join('\n')}\n--- operator log\n${operator.process.tail().join('\n')}`, { cause: error });
    }
  });

  afterAll(async () => {
    await operator?.stop();
    await prometheus?.stop();
    for (const server of servers) await closeServer(server);
    await controlPlane?.stop();
  });

  it('exports the probe state of each unit and the maintenance window that covers one', async () => {
    // Up and down were awaited in beforeAll; the environment label is the unit's.
    const up = await query(`managedapps_unit_up{namespace="${TENANT}"}`);
    expect(Object.fromEntries(up.map((s) => [s.metric.name, s.metric.environment]))).toMatchObject({
      'db-erp01': 'Production', 'app-erp-pp': 'PreProduction', 'db-erp-pp01': 'PreProduction',
    });
    expect(byLabel(await query(`managedapps_unit_maintenance_active{namespace="${TENANT}"}`), 'name'))
      .toEqual(Object.fromEntries(Object.keys(plan).map((name) => [name, name === 'app-portal' ? 1 : 0])));
    // Every unit also has its month-to-date availability, the one its status holds.
    const units = await list('serviceunits');
    const availability = byLabel(await query(`managedapps_unit_availability_ratio{namespace="${TENANT}"}`), 'name');
    for (const u of units) {
      const percent = (u.status?.availability as { percent?: number } | undefined)?.percent;
      expect(percent, u.metadata!.name).toBeDefined();
      expect(availability[u.metadata!.name!], u.metadata!.name).toBeCloseTo(percent! / 100, 3);
    }
  });

  it('opens one Monitoring incident per unit down outside maintenance, counted in managedapps_incidents_open', async () => {
    // The operator's incidents: one per down unit outside the window (app-portal is in it).
    const incidents = await list('incidents');
    const monitoring = incidents.filter((i) => i.spec.detection === 'Monitoring' && i.status?.phase === 'Open');
    const unitsOf = (i: Obj) => (i.spec.unitRefs as { name: string }[]).map((r) => r.name);
    expect(monitoring.map(unitsOf).flat().sort()).toEqual(['app-erp-pp', 'containers-apps', 'db-erp01']);
    // Open: those three (priorities from the units: P1, P2, P3) and the sample's P3 inc-20261103-pp-login.
    expect(incidents.filter((i) => i.status?.phase === 'Open').map((i) => i.metadata!.name).filter((n) => !monitoring.some((m) => m.metadata!.name === n)))
      .toEqual(['inc-20261103-pp-login']);
    expect(byLabel(await query(`managedapps_incidents_open{namespace="${TENANT}"}`), 'priority')).toEqual({ P1: 1, P2: 1, P3: 2, P4: 0 });

    // The P1 on db-erp01 (Premium production) has a GTR deadline ahead, not yet at risk.
    const p1 = monitoring.find((i) => unitsOf(i).includes('db-erp01'))!;
    const [deadline] = await query(`managedapps_incident_restoration_deadline_timestamp_seconds{namespace="${TENANT}",name="${p1.metadata!.name}"}`);
    expect(deadline?.metric.priority).toBe('P1');
    expect(Number(deadline!.value[1])).toBeGreaterThan(testNow() / 1000);
    const [elapsed] = await query(`managedapps_incident_restoration_elapsed_ratio{namespace="${TENANT}",name="${p1.metadata!.name}"}`);
    expect(Number(elapsed!.value[1])).toBeGreaterThanOrEqual(0);
    expect(Number(elapsed!.value[1])).toBeLessThan(0.75);
    expect(byLabel(await query(`managedapps_incident_deadline_at_risk{namespace="${TENANT}"}`), 'name')[p1.metadata!.name!]).toBe(0);
  });

  it('exports each function\'s guarantee, availability, error budget and production units as their statuses say', async () => {
    const guarantee = byLabel(await query(`managedapps_function_guarantee_ratio{namespace="${TENANT}"}`), 'name');
    // domain.md: Premium GTD 99.9 % for Kubernetes, 99.5 % for the other functions and the customer portal.
    const gtd = { os: 0.995, databases: 0.995, middleware: 0.995, kubernetes: 0.999, containers: 0.995, erp: 0.995, 'customer-portal': 0.995 };
    expect(Object.keys(guarantee).sort()).toEqual(Object.keys(gtd).sort());
    for (const [name, ratio] of Object.entries(gtd)) expect(guarantee[name], name).toBeCloseTo(ratio, 12);

    const members = await query(`managedapps_function_unit{namespace="${TENANT}"}`);
    const unitsOf: Record<string, string[]> = {};
    for (const s of members) (unitsOf[s.metric.name!] ??= []).push(s.metric.unit!);
    for (const units of Object.values(unitsOf)) units.sort();
    // Production units only: the pre-production ones count in no function.
    expect(unitsOf).toEqual({
      os: ['os-files01'], databases: ['db-erp01'], middleware: ['mw-erp01'], kubernetes: ['k8s-platform'],
      containers: ['containers-apps'], erp: ['app-erp'], 'customer-portal': ['app-portal'],
    });

    const availability = byLabel(await query(`managedapps_function_availability_ratio{namespace="${TENANT}"}`), 'name');
    const budget = byLabel(await query(`managedapps_function_error_budget_remaining_ratio{namespace="${TENANT}"}`), 'name');
    for (const f of await list('managedfunctions')) {
      const name = f.metadata!.name!;
      const s = f.status as { availabilityPercent?: number; errorBudgetRemainingPercent?: number; units?: string[] };
      expect(s.units?.slice().sort(), name).toEqual(unitsOf[name]);
      // Down units keep adding downtime between the last scrape and this read: 3 decimals.
      expect(availability[name], name).toBeCloseTo(s.availabilityPercent! / 100, 3);
      expect(budget[name], name).toBeCloseTo(s.errorBudgetRemainingPercent! / 100, 1);
    }
  });

  it('exports the contract\'s tokens (the monthly pack included), credits, changes and claimable reports', async () => {
    const [contract] = await list('supportcontracts');
    const tokens = contract!.status?.tokens as { used: number; included: number; month: string };
    // The samples' pack: 20 tokens a month, 30 from 2027-01 (its amendment, domain.md §10).
    expect(byLabel(await query(`managedapps_tokens_included{namespace="${TENANT}"}`), 'name')).toEqual({ [CONTRACT]: tokens.month >= '2027-01' ? 30 : 20 });
    expect(byLabel(await query(`managedapps_tokens_used{namespace="${TENANT}"}`), 'name')).toEqual({ [CONTRACT]: tokens.used });

    const changes = await list('changerequests');
    const phases: Record<string, number> = {};
    for (const c of changes) phases[c.status!.phase as string] = (phases[c.status!.phase as string] ?? 0) + 1;
    expect(Object.values(phases).reduce((a, b) => a + b, 0)).toBe(5);
    expect(byLabel(await query(`managedapps_changes{namespace="${TENANT}"}`), 'phase')).toEqual(phases);

    const reports = (await list('slareports')) as Report[];
    const month = (contract!.status?.tokens as { month: string }).month;
    const current = reports.find((r) => r.spec.month === month);
    expect(byLabel(await query(`managedapps_credits_amount{namespace="${TENANT}"}`), 'name')).toEqual({ [CONTRACT]: current?.status?.credits?.total ?? 0 });
    // The month of the e2e outage is final and owes credits.
    const outageMonth = lastFinalMonth(testNow()).toFormat('yyyy-MM');
    const last = reports.find((r) => r.spec.month === outageMonth);
    expect(last?.status?.final, outageMonth).toBe(true);
    expect(last?.status?.credits?.total, `${outageMonth}: ${JSON.stringify(last?.status)}`).toBeGreaterThan(0);
    // Its claim window closes 30 days after its end (domain.md §8): open on most days, closed on a
    // month's first day (the outage is then two months back: November ends 2026-12-01T00:00+01:00,
    // its window closes 2026-12-31T00:00+01:00, before 2027-01-01T00:30).
    const claimable = claimableOf(reports, testNow());
    const outageClaimDeadline = lastFinalMonth(testNow()).plus({ months: 1 }).plus({ days: 30 }).toMillis();
    if (testNow() < outageClaimDeadline) expect(claimable.map((r) => r.spec.month)).toContain(outageMonth);
    else expect(claimable.map((r) => r.spec.month)).not.toContain(outageMonth);
    expect(byLabel(await query(`managedapps_sla_claim_deadline_timestamp_seconds{namespace="${TENANT}"}`), 'name'))
      .toEqual(Object.fromEntries(claimable.map((r) => [r.metadata!.name, Date.parse(r.status!.claimDeadline!) / 1000])));
  });

  it('exports the statements of the months shown (the last final one, the current month and the one before while not final) as the reports\' status.statement says', async () => {
    type Billed = Report & { status?: { statement?: { totals: { beforeCredits: number; excludingTax: number }; tokens: { used: number }; tickets: { used: number } } } };
    await eventually(async () => {
      const reports = ((await list('slareports')) as Billed[]).filter((r) => r.status?.statement !== undefined);
      const current = DateTime.fromMillis(testNow(), { zone: 'Europe/Paris' }).startOf('month');
      const open = [current.toFormat('yyyy-MM'), current.minus({ months: 1 }).toFormat('yyyy-MM')];
      const lastFinal = reports.filter((r) => r.status?.final === true).map((r) => r.spec.month).sort().at(-1);
      const shown = reports.filter((r) => r.spec.month === lastFinal || (r.status?.final !== true && open.includes(r.spec.month)));
      // The outage month (final) and the current month at least.
      expect(shown.map((r) => r.spec.month)).toContain(lastFinalMonth(testNow()).toFormat('yyyy-MM'));
      expect(shown.map((r) => r.spec.month)).toContain(current.toFormat('yyyy-MM'));
      const statementOf = (r: Billed) => r.status!.statement!;
      expect(byLabel(await query(`managedapps_statement_amount{namespace="${TENANT}",line="excluding_tax"}`), 'month'))
        .toEqual(Object.fromEntries(shown.map((r) => [r.spec.month, statementOf(r).totals.excludingTax])));
      expect(byLabel(await query(`managedapps_statement_amount{namespace="${TENANT}",line="before_credits"}`), 'month'))
        .toEqual(Object.fromEntries(shown.map((r) => [r.spec.month, statementOf(r).totals.beforeCredits])));
      expect(byLabel(await query(`managedapps_statement_tickets{namespace="${TENANT}",kind="used"}`), 'month'))
        .toEqual(Object.fromEntries(shown.map((r) => [r.spec.month, statementOf(r).tickets.used])));
      expect(byLabel(await query(`managedapps_statement_final{namespace="${TENANT}"}`), 'month'))
        .toEqual(Object.fromEntries(shown.map((r) => [r.spec.month, r.status?.final === true ? 1 : 0])));
    }, { timeoutMs: 60_000, intervalMs: 500 });
  });

  it('exports the runtime series: reconciles, work queues, the lease held, probe durations', async () => {
    // Every controller reconciled (success or requeue_after), each has its work queue: the ten
    // kinds' (the samples hold a ChangeCatalog) and, with --probes, the incident automation's (issue 11 item 4: a controller on the
    // runtime) and the backup check's (issue 15 item 3).
    const reconciles = await query('sum by (controller) (controller_runtime_reconcile_total)');
    expect(reconciles.map((s) => s.metric.controller).sort()).toEqual([
      'backup-check', 'changecatalog', 'changerequest', 'incident', 'maintenancewindow', 'managedfunction', 'managedtenant', 'probe-automation', 'problem', 'serviceunit', 'slareport', 'supportcontract',
    ]);
    for (const s of reconciles) expect(Number(s.value[1]), s.metric.controller).toBeGreaterThan(0);
    expect((await query('workqueue_depth')).map((s) => s.metric.name).sort()).toEqual(reconciles.map((s) => s.metric.controller).sort());
    expect((await query('leader_election_master_status')).map((s) => Number(s.value[1]))).toEqual([1]);
    const probes = await query(`sum by (probe, result) (managedapps_probe_duration_seconds_count{namespace="${TENANT}"})`);
    expect(probes.map((s) => `${s.metric.probe}/${s.metric.result}`).sort()).toEqual([
      'httpGet/failure', 'httpGet/success', 'prometheus/failure', 'prometheus/success', 'tcpSocket/failure', 'tcpSocket/success',
    ]);
  });

  it('exports what the alerts on the operator read: the probe age of every unit, and the gauge that picks out its targets', async () => {
    // One series per probed unit (all of the plan's), from the leader. Each 1 s period: on
    // schedule the age stays ≤ 1.1; the bound here is loose (a shared CI machine's event loop can
    // lag by a second), a scheduler that stopped would pass it within seconds.
    const ages = byLabel(await query(`managedapps_unit_probe_age_ratio{namespace="${TENANT}"}`), 'name');
    expect(Object.keys(ages).sort()).toEqual(Object.keys(plan).sort());
    for (const [unit, age] of Object.entries(ages)) {
      expect(age, unit).toBeGreaterThanOrEqual(0);
      expect(age, unit).toBeLessThan(5);
    }
    // The operator alerts keep the targets exporting managedapps_event_loop_lag_seconds: the
    // process does, so the join keeps all 12 controllers' series (the ten kinds', probe-automation and backup-check).
    const joined = await query('sum by (job, controller) (controller_runtime_reconcile_total and on (job, instance) managedapps_event_loop_lag_seconds)');
    expect(joined.map((s) => s.metric.controller).sort()).toEqual([
      'backup-check', 'changecatalog', 'changerequest', 'incident', 'maintenancewindow', 'managedfunction', 'managedtenant', 'probe-automation', 'problem', 'serviceunit', 'slareport', 'supportcontract',
    ]);
    expect(new Set(joined.map((s) => s.metric.job))).toEqual(new Set(['managed-apps-operator']));
    expect(await query('ALERTS{alertname="ManagedAppsOperatorNoLeader"}')).toEqual([]);
  });

  it('records the unit and function error ratios and burn rates, leaving out the unit in maintenance', async () => {
    // The rules run every second on the scraped series: wait for an evaluation after the last unit's state.
    await eventually(async () => {
      // Production units only; app-portal is down but in maintenance.
      expect(byLabel(await query(`managedapps:unit_error:ratio{namespace="${TENANT}"}`), 'name')).toEqual({
        'os-files01': 0, 'db-erp01': 1, 'mw-erp01': 0, 'k8s-platform': 0, 'containers-apps': 1, 'app-erp': 0, 'app-portal': 0,
      });
      expect(byLabel(await query(`managedapps:function_error:ratio{namespace="${TENANT}"}`), 'name')).toEqual({
        os: 0, databases: 1, middleware: 0, kubernetes: 0, containers: 1, erp: 0, 'customer-portal': 0,
      });
    }, { timeoutMs: 30_000, intervalMs: 250 });
    // The 5 m window holds only down samples of db-erp01 once the unit went down; the rate is 1 / (1 - 0.995).
    await eventually(async () => {
      const burn = byLabel(await query(`managedapps:function_error_budget:burnrate5m{namespace="${TENANT}"}`), 'name');
      expect(burn.databases).toBeCloseTo(200, 6);
      expect(burn.kubernetes).toBe(0);
    }, { timeoutMs: 60_000, intervalMs: 500 });
    for (const window of ['5m', '30m', '1h', '6h', '3d']) {
      expect((await query(`managedapps:function_error:ratio_avg${window}{namespace="${TENANT}"}`)).length, window).toBe(7);
      expect((await query(`managedapps:function_error_budget:burnrate${window}{namespace="${TENANT}"}`)).length, window).toBe(7);
    }
  });

  it('fires the burn-rate alerts for the functions whose units are down and holds ManagedUnitDown pending', async () => {
    await eventually(async () => {
      const alerts = await query(`ALERTS{namespace="${TENANT}"}`);
      const of = (name: string, state: string) => alerts.filter((a) => a.metric.alertname === name && a.metric.alertstate === state).map((a) => a.metric.name).sort();
      expect(of('ManagedFunctionErrorBudgetFastBurn', 'firing')).toEqual(['containers', 'databases']);
      // Routing labels: the tenant and the function, from the series.
      for (const a of alerts.filter((x) => x.metric.alertname === 'ManagedFunctionErrorBudgetFastBurn')) {
        expect(a.metric, a.metric.name).toMatchObject({ tenant: TENANT, function: a.metric.name, severity: 'critical' });
      }
      expect(of('ManagedFunctionErrorBudgetSlowBurn', 'firing')).toEqual(['containers', 'databases']);
      // `for: 5m`: pending in a short run; app-portal is in maintenance and not concerned.
      expect(of('ManagedUnitDown', 'pending')).toEqual(['app-erp-pp', 'containers-apps', 'db-erp01']);
      expect(of('ManagedUnitDown', 'firing')).toEqual([]);
      // A claim deadline (30 days after its month) within 7 days: the alert fires for exactly the
      // exported reports (claimable on the operator's clock) that close that soon on Prometheus'
      // clock (`time()`, the real one, also under the date matrix's shifted clock).
      const [promNow] = await query('vector(time())');
      const near = claimableOf((await list('slareports')) as Report[], testNow())
        .filter((r) => { const left = Date.parse(r.status!.claimDeadline!) / 1000 - Number(promNow!.value[1]); return left > 0 && left < 7 * 86_400; })
        .map((r) => r.metadata!.name).sort();
      expect(of('ManagedSLAClaimDeadlineNear', 'firing')).toEqual(near);
    }, { timeoutMs: 60_000, intervalMs: 500 });
  });

  it('serves the dashboards\' tenant variable from the series', async () => {
    for (const file of readdirSync(join(root, 'config/grafana/dashboards')).filter((f) => f.endsWith('.json'))) {
      const d = JSON.parse(readFileSync(join(root, 'config/grafana/dashboards', file), 'utf8')) as { templating: { list: { name: string; query: string | { query: string } }[] } };
      for (const v of d.templating.list.filter((x) => x.name === 'tenant')) {
        const q = typeof v.query === 'string' ? v.query : v.query.query;
        const m = /^label_values\((\w+),\s*namespace\)$/.exec(q);
        expect(m, `${file}: ${q}`).not.toBeNull();
        expect((await query(`count by (namespace) (${m![1]!})`)).map((s) => s.metric.namespace), file).toContain(TENANT);
      }
    }
  });

  const panels = readdirSync(join(root, 'config/grafana/dashboards')).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
    const d = JSON.parse(readFileSync(join(root, 'config/grafana/dashboards', file), 'utf8')) as { panels: { title: string; targets?: { refId: string; expr: string }[] }[] };
    return d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ name: `${file} › ${p.title} › ${t.refId}`, expr: t.expr })));
  });

  it('lists only real panel queries as exceptions', () => {
    expect(panels.length).toBeGreaterThan(0);
    for (const name of Object.keys(NO_DATA_IN_A_SHORT_RUN)) expect(panels.map((p) => p.name)).toContain(name);
  });

  it.each(panels)('dashboard query runs and returns data: $name', async ({ name, expr }) => {
    const result = await query(substitute(expr));
    if (name in NO_DATA_IN_A_SHORT_RUN) return;
    // 'Time left to claim SLA credits' has a series per claimable report, and none on the days
    // when no claim window is open (a month's first day, the 31st of a 31-day month).
    if (name === 'changes-tokens.json › Time left to claim SLA credits › A' && claimableOf((await list('slareports')) as Report[], testNow()).length === 0) {
      expect(result).toEqual([]);
      return;
    }
    // At least one series with a number (a quantile of a controller idle over the window is NaN).
    expect(result.filter((s) => !Number.isNaN(Number(s.value[1]))), `${substitute(expr)} returned no series`).not.toHaveLength(0);
  });

});
