// The alerts that operator-prometheus.test.ts (the operator process on a real control plane)
// cannot reach in a short run: a real Prometheus scrapes the real metrics server, in-process and
// fed a fixed snapshot (an incident at 75 % of its GTR, a token pack used up, a function past its
// guarantee, a report whose claim deadline is near, a certificate near its expiry), and evaluates
// config/prometheus/rules.yaml; and a final monthly statement (issue 13), whose amounts the
// billing dashboard reads.
// promtool test rules checks each alert's logic; this checks that what src/metrics exports is
// what the rules and dashboards read. Runs where Debian's `prometheus` is installed; under CI=true its absence
// fails.
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
  // A final September statement: 9,500 recurring + 500 to the minimum + 4 extra tokens × 95 = 380
  // + 2 tickets over the quota × 85 = 170 + no shortfall = 10,550 before credits; 30 of credits
  // deducted: 10,550 − 30 = 10,520 excluding tax.
  statements: [{
    namespace: 'acme', contract: 'main', month: '2026-09', final: true,
    amounts: { recurring: 9500, minimum_top_up: 500, tokens: 380, tickets: 170, shortfall: 0, before_credits: 10550, credits_deducted: 30, excluding_tax: 10520 },
    tokens: { pack: 10, used: 14, extra: 4 }, tickets: { quota: 40, used: 42, overage: 2 }, creditsCarriedAmount: 0,
  }],
};

describe.skipIf(!available && !ci)('alerts on a fixed snapshot of src/metrics, evaluated by a real Prometheus', () => {
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
    metrics.webhook.requestStarted('/validate');
    metrics.webhook.requestDone('/validate', 403, 0.01);
    // A metrics certificate 3 days from expiry (< 14 days): ManagedAppsOperatorCertificateExpiringSoon, no `for:`.
    metrics.runtime.certificateNotAfter('metrics', Date.now() / 1000 + 3 * 86_400);
    metrics.runtime.certificateNotAfter('webhook', Date.now() / 1000 + 90 * 86_400);
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

  it('fires the alerts this state calls for', async () => {
    await vi.waitFor(async () => {
      const r = await prometheus!.query('ALERTS{alertstate="firing"}');
      expect(new Set(r.map((s) => s.metric.alertname))).toEqual(new Set([
        'ManagedFunctionErrorBudgetFastBurn', 'ManagedFunctionErrorBudgetSlowBurn', 'ManagedFunctionGuaranteeMissed',
        'ManagedIncidentRestorationAtRisk', 'ManagedTokenPackExhausted', 'ManagedSLAClaimDeadlineNear',
        'ManagedAppsOperatorCertificateExpiringSoon',
      ]));
      expect(r.filter((s) => s.metric.alertname === 'ManagedAppsOperatorCertificateExpiringSoon').map((s) => s.metric.certificate)).toEqual(['metrics']);
    }, { timeout: 30_000, interval: 500 });
  });

  it('scrapes the statement\'s amounts, which the billing dashboard\'s stacked lines add up to', async () => {
    const [total] = await prometheus!.query('managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="excluding_tax"}');
    expect(total?.metric.tenant).toBe('acme');
    expect(Number(total?.value[1])).toBe(10520);
    // The dashboard's stacked lines: 9,500 + 500 + 380 + 170 + 0 = 10,550, the total before credits.
    const [stacked] = await prometheus!.query('sum(managedapps_statement_amount{namespace="acme",month="2026-09",line=~"recurring|minimum_top_up|tokens|tickets|shortfall"})');
    expect(Number(stacked?.value[1])).toBe(10550);
    expect(Number((await prometheus!.query('managedapps_statement_final{namespace="acme",month="2026-09"}'))[0]?.value[1])).toBe(1);
  });
});
