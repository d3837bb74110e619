import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, METRIC_NAMES, type MetricsSnapshot } from './metrics.ts';
import { startMetricsServer, type MetricsServer } from './server.ts';

const empty: MetricsSnapshot = { units: [], functions: [], incidents: [], changes: [], contracts: [], reports: [] };

const state: MetricsSnapshot = {
  units: [
    { namespace: 'acme', name: 'db-1', environment: 'Production', up: false, availabilityRatio: 0.99, maintenance: false, probeAgeRatio: 0.25 },
    { namespace: 'acme', name: 'db-2', environment: 'Production', up: true, availabilityRatio: 1, maintenance: true, probeAgeRatio: 2.5, backupOnSchedule: false, backupDeadline: new Date('2026-10-05T12:00:00Z') },
    { namespace: 'acme', name: 'new', environment: 'Development', maintenance: false },
  ],
  functions: [{ namespace: 'acme', name: 'databases', family: 'Database', units: ['db-1', 'db-2'], availabilityRatio: 0.995, guaranteeRatio: 0.995, errorBudgetRemainingRatio: 0 }],
  incidents: [
    { namespace: 'acme', name: 'inc-a', priority: 'P1', restorationDeadline: new Date('2026-10-05T12:00:00Z'), restorationElapsedRatio: 0.8, atRisk: true },
    { namespace: 'acme', name: 'inc-b', priority: 'P1', atRisk: false },
    // A non-production incident: timed without penalties (domain.md §8), 1.2 = past its deadline.
    { namespace: 'acme', name: 'inc-pp', priority: 'P2', penalties: false, restorationDeadline: new Date('2026-10-05T12:00:00Z'), restorationElapsedRatio: 1.2, atRisk: false },
  ],
  changes: [{ namespace: 'acme', phase: 'Pending' }, { namespace: 'acme', phase: 'Pending' }, { namespace: 'acme', phase: 'Completed' }],
  contracts: [{ namespace: 'acme', name: 'main', tokensUsed: 12, tokensIncluded: 10, creditsAmount: 82 }],
  reports: [{ namespace: 'acme', name: 'main-2026-09', claimDeadline: new Date('2026-10-31T00:00:00Z') }],
  forecasts: [{
    namespace: 'acme', contract: 'main',
    functions: [
      { name: 'databases', case: 'NothingElse', availabilityRatio: 0.997222, creditAmount: 0 },
      { name: 'databases', case: 'BurnRate', availabilityRatio: 0.991266, creditAmount: 12 },
    ],
    gtr: { deviationRatio: 0.4, creditAmount: 75 },
    credits: [{ case: 'NothingElse', amount: 75 }, { case: 'BurnRate', amount: 87 }],
  }],
  claims: [{ namespace: 'acme', name: 'claim-1', contract: 'main', month: '2026-09', answerDeadline: new Date('2026-10-31T00:00:00Z'), answerAtRiskAt: new Date('2026-10-23T12:00:00Z') }],
  claimCredits: [{ namespace: 'acme', contract: 'main', month: '2026-09', amounts: { owed: 120, claimed: 50, granted: 30, pending: 0, claimable: 70, expired: 0 } }],
  // September's statement, final: 9,500 recurring + 500 to the minimum + 4 extra tokens × 95 = 380
  // + 2 tickets over × 85 = 170 + no shortfall = 10,550 before credits; 30 granted, deducted:
  // 10,520 excluding tax. October's, provisional: 10,000 before credits, 0 deducted.
  statements: [
    {
      namespace: 'acme', contract: 'main', month: '2026-09', final: true,
      amounts: { recurring: 9500, minimum_top_up: 500, tokens: 380, tickets: 170, shortfall: 0, before_credits: 10550, credits_deducted: 30, excluding_tax: 10520 },
      tokens: { pack: 10, used: 14, extra: 4 }, tickets: { quota: 40, used: 42, overage: 2 }, creditsCarriedAmount: 0,
    },
    {
      namespace: 'acme', contract: 'main', month: '2026-10', final: false,
      amounts: { recurring: 9500, minimum_top_up: 500, tokens: 0, tickets: 0, shortfall: 0, before_credits: 10000, credits_deducted: 0, excluding_tax: 10000 },
      tokens: { pack: 10, used: 3, extra: 0 }, tickets: { quota: 40, used: 5, overage: 0 }, creditsCarriedAmount: 0,
    },
  ],
};

function setup(initial: MetricsSnapshot) {
  let current = initial;
  let calls = 0;
  const registry = new Registry();
  const metrics = createMetrics(registry, { snapshot: () => { calls++; return current; } });
  return { registry, metrics, set: (s: MetricsSnapshot) => { current = s; }, calls: () => calls };
}

describe('createMetrics', () => {
  it('exports the domain state read at scrape time', async () => {
    const { registry } = setup(state);
    const text = await registry.metrics();
    for (const line of [
      'managedapps_unit_up{namespace="acme",name="db-1",environment="Production",tenant="acme"} 0',
      'managedapps_unit_up{namespace="acme",name="db-2",environment="Production",tenant="acme"} 1',
      'managedapps_unit_maintenance_active{namespace="acme",name="db-2",tenant="acme"} 1',
      'managedapps_unit_maintenance_active{namespace="acme",name="new",tenant="acme"} 0',
      'managedapps_unit_availability_ratio{namespace="acme",name="db-1",environment="Production",tenant="acme"} 0.99',
      'managedapps_unit_probe_age_ratio{namespace="acme",name="db-1",tenant="acme"} 0.25',
      'managedapps_unit_probe_age_ratio{namespace="acme",name="db-2",tenant="acme"} 2.5',
      'managedapps_unit_backup_on_schedule{namespace="acme",name="db-2",tenant="acme"} 0',
      // 2026-10-05T12:00:00Z = 1791201600 Unix seconds (as below).
      'managedapps_unit_backup_deadline_timestamp_seconds{namespace="acme",name="db-2",tenant="acme"} 1791201600',
      'managedapps_function_unit{namespace="acme",name="databases",unit="db-2",tenant="acme"} 1',
      'managedapps_function_availability_ratio{namespace="acme",name="databases",family="Database",tenant="acme"} 0.995',
      'managedapps_function_guarantee_ratio{namespace="acme",name="databases",family="Database",tenant="acme"} 0.995',
      'managedapps_function_error_budget_remaining_ratio{namespace="acme",name="databases",family="Database",tenant="acme"} 0',
      'managedapps_incidents_open{namespace="acme",priority="P1",tenant="acme"} 2',
      'managedapps_incidents_open{namespace="acme",priority="P4",tenant="acme"} 0',
      // 2026-10-05T12:00:00Z = 1791201600 Unix seconds.
      'managedapps_incident_restoration_deadline_timestamp_seconds{namespace="acme",name="inc-a",priority="P1",penalties="true",tenant="acme"} 1791201600',
      'managedapps_incident_restoration_elapsed_ratio{namespace="acme",name="inc-a",priority="P1",penalties="true",tenant="acme"} 0.8',
      'managedapps_incident_deadline_at_risk{namespace="acme",name="inc-a",priority="P1",penalties="true",tenant="acme"} 1',
      'managedapps_incident_deadline_at_risk{namespace="acme",name="inc-b",priority="P1",penalties="true",tenant="acme"} 0',
      'managedapps_incident_restoration_deadline_timestamp_seconds{namespace="acme",name="inc-pp",priority="P2",penalties="false",tenant="acme"} 1791201600',
      'managedapps_incident_restoration_elapsed_ratio{namespace="acme",name="inc-pp",priority="P2",penalties="false",tenant="acme"} 1.2',
      'managedapps_changes{namespace="acme",phase="Pending",tenant="acme"} 2',
      'managedapps_changes{namespace="acme",phase="Completed",tenant="acme"} 1',
      'managedapps_tokens_used{namespace="acme",name="main",tenant="acme"} 12',
      'managedapps_tokens_included{namespace="acme",name="main",tenant="acme"} 10',
      'managedapps_credits_amount{namespace="acme",name="main",tenant="acme"} 82',
      'managedapps_sla_claim_deadline_timestamp_seconds{namespace="acme",name="main-2026-09",tenant="acme"} 1793404800',
      // 2026-10-31T00:00:00Z = 1793404800 (as above); 7.5 days earlier, 2026-10-23T12:00:00Z = 1793404800 − 648,000 = 1792756800.
      'managedapps_claim_answer_deadline_timestamp_seconds{namespace="acme",name="claim-1",contract="main",month="2026-09",tenant="acme"} 1793404800',
      'managedapps_claim_answer_at_risk_timestamp_seconds{namespace="acme",name="claim-1",contract="main",month="2026-09",tenant="acme"} 1792756800',
      'managedapps_claim_credits_amount{namespace="acme",contract="main",month="2026-09",state="owed",tenant="acme"} 120',
      'managedapps_claim_credits_amount{namespace="acme",contract="main",month="2026-09",state="granted",tenant="acme"} 30',
      'managedapps_claim_credits_amount{namespace="acme",contract="main",month="2026-09",state="claimable",tenant="acme"} 70',
      'managedapps_forecast_credit_amount{namespace="acme",contract="main",guarantee="GTD",function="databases",case="NothingElse",tenant="acme"} 0',
      'managedapps_forecast_credit_amount{namespace="acme",contract="main",guarantee="GTD",function="databases",case="BurnRate",tenant="acme"} 12',
      'managedapps_forecast_credit_amount{namespace="acme",contract="main",guarantee="GTR",function="",case="AtRisk",tenant="acme"} 75',
      'managedapps_forecast_availability_ratio{namespace="acme",contract="main",function="databases",case="BurnRate",tenant="acme"} 0.991266',
      'managedapps_forecast_gtr_deviation_ratio{namespace="acme",contract="main",tenant="acme"} 0.4',
      'managedapps_forecast_contract_credit_amount{namespace="acme",contract="main",case="BurnRate",tenant="acme"} 87',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="before_credits",tenant="acme"} 10550',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="excluding_tax",tenant="acme"} 10520',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-10",line="excluding_tax",tenant="acme"} 10000',
      'managedapps_statement_tokens{namespace="acme",contract="main",month="2026-09",kind="extra",tenant="acme"} 4',
      'managedapps_statement_tickets{namespace="acme",contract="main",month="2026-09",kind="overage",tenant="acme"} 2',
      'managedapps_statement_credits_carried_amount{namespace="acme",contract="main",month="2026-09",tenant="acme"} 0',
      'managedapps_statement_final{namespace="acme",contract="main",month="2026-09",tenant="acme"} 1',
      'managedapps_statement_final{namespace="acme",contract="main",month="2026-10",tenant="acme"} 0',
    ]) expect(text.split('\n')).toContain(line);
    // Not probed yet: no up series rather than a false 0.
    expect(text).not.toMatch(/managedapps_unit_up\{[^}]*name="new"/);
    expect(text).not.toMatch(/managedapps_unit_probe_age_ratio\{[^}]*name="new"/);
    // No backup check: no backup series.
    expect(text).not.toMatch(/managedapps_unit_backup_\w+\{[^}]*name="db-1"/);
    expect(text).not.toMatch(/restoration_deadline_timestamp_seconds\{[^}]*inc-b/);
  });

  it('reads the snapshot once per scrape, and drops objects that went away', async () => {
    const { registry, set, calls } = setup(state);
    await registry.metrics();
    expect(calls()).toBe(1);
    set(empty);
    await new Promise((r) => setImmediate(r));
    const text = await registry.metrics();
    expect(calls()).toBe(2);
    expect(text).not.toMatch(/^managedapps_(unit|function|incident|tokens|credits|changes|sla|statement)\w*\{/m);
  });

  it('defines exactly METRIC_NAMES, each with a help text', async () => {
    const { registry } = setup(empty);
    const all = await registry.getMetricsAsJSON();
    expect(all.map((m) => m.name).sort()).toEqual([...METRIC_NAMES].sort());
    for (const m of all) expect(m.help.length, m.name).toBeGreaterThan(20);
  });

  it('names the runtime\'s own metrics under the product\'s prefix, as before the prefix was an option (dashboards and alerts read them)', async () => {
    const { registry } = setup(empty);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining([
      'managedapps_informer_watch_restarts_total', 'managedapps_informer_cached_objects', 'managedapps_status_writes_total', 'managedapps_events_total',
      'managedapps_event_loop_lag_seconds', 'managedapps_event_loop_lag_max_seconds', 'managedapps_certificate_reloads_total', 'managedapps_certificate_expiry_timestamp_seconds',
      // controller-runtime's standard names take no prefix.
      'controller_runtime_reconcile_total', 'leader_election_master_status', 'workqueue_depth',
    ]));
  });

  it('exports runtime metrics in controller-runtime\'s vocabulary', async () => {
    const { registry, metrics } = setup(empty);
    metrics.runtime.reconcile('incident', 'success', 0.02);
    metrics.runtime.depth('incident', 3);
    metrics.runtime.leader(true);
    metrics.probeDuration.observe({ namespace: 'acme', probe: 'httpGet', result: 'success' }, 0.004);
    const lines = (await registry.metrics()).split('\n');
    expect(lines).toContain('controller_runtime_reconcile_total{controller="incident",result="success"} 1');
    expect(lines).toContain('controller_runtime_reconcile_time_seconds_count{controller="incident"} 1');
    expect(lines).toContain('workqueue_depth{name="incident"} 3');
    expect(lines).toContain('leader_election_master_status 1');
    expect(lines).toContain('managedapps_probe_duration_seconds_bucket{le="0.005",namespace="acme",probe="httpGet",result="success",tenant="acme"} 1');
  });

  it('exports the webhook\'s requests, codes, latency and in-flight count under controller-runtime\'s names', async () => {
    const { registry, metrics } = setup(empty);
    metrics.webhook.requestStarted('/validate');
    metrics.webhook.requestStarted('/validate');
    metrics.webhook.requestDone('/validate', 422, 0.03);
    metrics.webhook.requestStarted('/mutate');
    metrics.webhook.requestDone('/mutate', 200, 0.004);
    const lines = (await registry.metrics()).split('\n');
    expect(lines).toContain('controller_runtime_webhook_requests_total{webhook="/validate",code="422"} 1');
    expect(lines).toContain('controller_runtime_webhook_requests_total{webhook="/mutate",code="200"} 1');
    // Two /validate started, one done: 1 in flight; /mutate: 1 - 1 = 0.
    expect(lines).toContain('controller_runtime_webhook_requests_in_flight{webhook="/validate"} 1');
    expect(lines).toContain('controller_runtime_webhook_requests_in_flight{webhook="/mutate"} 0');
    // 0.03 s: first bucket ≥ it is 0.05 (0.025 < 0.03); 0.004 s falls in the first, 0.005.
    expect(lines).toContain('controller_runtime_webhook_latency_seconds_bucket{le="0.025",webhook="/validate"} 0');
    expect(lines).toContain('controller_runtime_webhook_latency_seconds_bucket{le="0.05",webhook="/validate"} 1');
    expect(lines).toContain('controller_runtime_webhook_latency_seconds_bucket{le="0.005",webhook="/mutate"} 1');
  });

  it('keeps registries apart: two instances in one process do not collide', () => {
    expect(() => { setup(empty); setup(empty); }).not.toThrow();
  });
});

describe('startMetricsServer', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it('serves /metrics, /healthz and /readyz over real HTTP', async () => {
    const { registry } = setup(state);
    let ready = false;
    server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry, ready: () => ready });
    const base = `http://127.0.0.1:${server.port}`;

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(registry.contentType);
    expect(await metrics.text()).toContain('managedapps_tokens_used{namespace="acme",name="main",tenant="acme"} 12');

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 500 when collecting fails, and keeps serving', async () => {
    const registry = new Registry();
    let fail = true;
    createMetrics(registry, { snapshot: () => { if (fail) throw new Error('cache not synced'); return empty; } });
    server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry, ready: () => true });
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('cache not synced');
    fail = false;
    await new Promise((r) => setImmediate(r));
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
  });

  it('rejects when the port is taken', async () => {
    const registry = new Registry();
    server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry, ready: () => true });
    await expect(startMetricsServer({ port: server.port, host: '127.0.0.1', registry, ready: () => true })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('docs/metrics.md', () => {
  it('documents every metric', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    for (const name of METRIC_NAMES) expect(doc, name).toContain(`| \`${name}\` |`);
  });
});
