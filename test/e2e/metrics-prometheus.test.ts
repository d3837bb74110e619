// A real Prometheus scrapes the real metrics server (in-process, fed a fixed snapshot) with the
// repo's rules: the metrics parse, recording rules produce the expected series, and every
// dashboard panel query runs without error and returns data. Runs where Debian's `prometheus` is
// installed; under CI=true its absence fails.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMetrics, startMetricsServer, type MetricsServer, type MetricsSnapshot } from '../../src/metrics/index.ts';
import { hasPrometheus, startPrometheus, type RunningPrometheus } from './prometheus.ts';

const root = join(import.meta.dirname, '../..');
const available = hasPrometheus();
const ci = process.env.CI === 'true' || process.env.CI === '1';

const snapshot: MetricsSnapshot = {
  units: [
    { namespace: 'acme', name: 'db-1', environment: 'Production', up: false, availabilityRatio: 0.99, maintenance: false },
    { namespace: 'acme', name: 'db-2', environment: 'Production', up: true, availabilityRatio: 1, maintenance: false },
    { namespace: 'acme', name: 'db-3', environment: 'Production', up: false, availabilityRatio: 0.98, maintenance: true },
  ],
  functions: [{ namespace: 'acme', name: 'databases', family: 'Database', units: ['db-1', 'db-2', 'db-3'], availabilityRatio: 0.99, guaranteeRatio: 0.995, errorBudgetRemainingRatio: -1 }],
  incidents: [{ namespace: 'acme', name: 'inc-1', priority: 'P1', restorationDeadline: new Date(Date.now() + 3_600_000), restorationElapsedRatio: 0.8, atRisk: true }],
  changes: [{ namespace: 'acme', phase: 'Completed' }],
  contracts: [{ namespace: 'acme', name: 'main', tokensUsed: 12, tokensIncluded: 10, creditsAmount: 82 }],
  reports: [{ namespace: 'acme', name: 'main-2026-09', claimDeadline: new Date(Date.now() + 3 * 86_400_000) }],
};

describe.skipIf(!available && !ci)('metrics scraped by a real Prometheus with the repo rules', () => {
  let server: MetricsServer | undefined;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    expect(available, 'prometheus not found: apt-get install -y prometheus').toBe(true);
    const registry = new Registry();
    const metrics = createMetrics(registry, { snapshot: () => snapshot });
    // One observation of each runtime series, as a running operator would have.
    metrics.runtime.reconcile('incident', 'success', 0.01);
    metrics.runtime.reconcile('incident', 'error', 0.01, 'Conflict');
    metrics.runtime.reconcile('incident', 'terminal', 0.01, 'Invalid');
    metrics.runtime.depth('incident', 0);
    metrics.runtime.add('incident');
    metrics.runtime.queueLatency('incident', 0.001);
    metrics.runtime.workDuration('incident', 0.01);
    metrics.runtime.retry('incident');
    metrics.runtime.watchRestart('incidents.managedapps.dev', 'Watchdog');
    metrics.runtime.leader(true);
    metrics.probeDuration.observe({ namespace: 'acme', probe: 'httpGet', result: 'success' }, 0.002);
    server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry, ready: () => true });
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${server.port}`], ruleFiles: [join(root, 'config/prometheus/rules.yaml')] });
    // Enough scrapes for rate() and the recording rules' windows to have two samples.
    await vi.waitFor(async () => {
      const r = await prometheus!.query('count_over_time(managedapps_tokens_used[1m])');
      expect(Number(r[0]?.value[1] ?? 0)).toBeGreaterThanOrEqual(4);
    }, { timeout: 60_000, interval: 500 });
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  it('scrapes the domain series with the tenant as `namespace`', async () => {
    const r = await prometheus!.query('managedapps_unit_up');
    expect(r.map((s) => [s.metric.namespace, s.metric.name, s.value[1]]).sort()).toEqual([['acme', 'db-1', '0'], ['acme', 'db-2', '1'], ['acme', 'db-3', '0']]);
  });

  it('records the function error ratio, leaving out units in maintenance', async () => {
    const r = await prometheus!.query('managedapps:function_error:ratio');
    expect(r).toHaveLength(1);
    expect(r[0]!.metric).toMatchObject({ namespace: 'acme', name: 'databases' });
    expect(Number(r[0]!.value[1])).toBeCloseTo(1 / 3, 6);
    const burn = await prometheus!.query('managedapps:function_error_budget:burnrate5m');
    expect(Number(burn[0]!.value[1])).toBeCloseTo((1 / 3) / 0.005, 3);
  });

  it('fires the alerts this state calls for', async () => {
    await vi.waitFor(async () => {
      const r = await prometheus!.query('ALERTS{alertstate="firing"}');
      expect(new Set(r.map((s) => s.metric.alertname))).toEqual(new Set([
        'ManagedFunctionErrorBudgetFastBurn', 'ManagedFunctionErrorBudgetSlowBurn', 'ManagedFunctionGuaranteeMissed',
        'ManagedIncidentRestorationAtRisk', 'ManagedTokenPackExhausted', 'ManagedSLAClaimDeadlineNear',
      ]));
    }, { timeout: 30_000, interval: 500 });
  });

  const panels = readdirSync(join(root, 'config/grafana/dashboards')).filter((f) => f.endsWith('.json')).flatMap((file) => {
    const d = JSON.parse(readFileSync(join(root, 'config/grafana/dashboards', file), 'utf8')) as { panels: { title: string; targets: { refId: string; expr: string }[] }[] };
    return d.panels.flatMap((p) => p.targets.map((t) => ({ name: `${file} › ${p.title} › ${t.refId}`, expr: t.expr })));
  });

  it.each(panels)('dashboard query returns data: $name', async ({ expr }) => {
    const promql = expr.replaceAll('$__rate_interval', '1m').replaceAll('$tenant', 'acme');
    expect((await prometheus!.query(promql)).length).toBeGreaterThan(0);
  });
});
