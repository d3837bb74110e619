// The alerts that operator-prometheus.test.ts (the operator process on a real control plane)
// cannot reach in a short run: a real Prometheus scrapes the real metrics server, in-process and
// fed a fixed snapshot (an incident at 75 % of its GTR, a token pack used up, a function past its
// guarantee, a report whose claim deadline is near, a certificate near its expiry), and evaluates
// config/prometheus/rules.yaml.
// promtool test rules checks each alert's logic; this checks that what src/metrics exports is
// what the rules read. Runs where Debian's `prometheus` is installed; under CI=true its absence
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
});
