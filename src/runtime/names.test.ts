import { readdirSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Manager } from './manager.ts';
import { promRuntimeMetrics, runtimeMetricNames } from './metrics.ts';
import { DEFAULT_NAMES } from './names.ts';

/** A kube config that names a server; nothing here connects to it. */
function offlineKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
  });
  return kc;
}

const registered = async (prefix?: string): Promise<string[]> => {
  const registry = new Registry();
  promRuntimeMetrics(registry, prefix !== undefined ? { prefix } : {});
  return (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
};

describe('the names the runtime writes under', () => {
  it('prefixes its own metrics with the prefix given, and lists exactly what it registers', async () => {
    const names = await registered('acme_');
    expect(names).toEqual(runtimeMetricNames('acme_').sort());
    // 10 standard names (5 workqueue_*, 4 controller_runtime_*, leader_election_master_status) + 8 of its own = 18.
    expect(names).toHaveLength(18);
    expect(names).toContain('acme_status_writes_total');
    expect(names).toContain('acme_event_loop_lag_max_seconds');
    // controller-runtime's and client-go's standard names keep theirs.
    expect(names).toContain('controller_runtime_reconcile_total');
    expect(names).toContain('workqueue_depth');
    expect(names).toContain('leader_election_master_status');
    expect(names.filter((n) => n.startsWith('acme_'))).toHaveLength(8);
  });

  it('defaults to DEFAULT_NAMES when given none', async () => {
    expect(await registered()).toEqual(runtimeMetricNames(DEFAULT_NAMES.metricPrefix).sort());
    expect(await registered()).toContain('runtime_status_writes_total');
    const manager = new Manager({ kubeConfig: offlineKubeConfig(), logger: pino({ level: 'silent' }), leaderElection: false, health: { apiServerCheckPeriodMs: 0, eventLoopLagLimitMs: 0 } });
    expect(manager.fieldManager).toBe('controller-runtime');
    const named = new Manager({ kubeConfig: offlineKubeConfig(), logger: pino({ level: 'silent' }), leaderElection: false, fieldManager: 'acme-operator', health: { apiServerCheckPeriodMs: 0, eventLoopLagLimitMs: 0 } });
    expect(named.fieldManager).toBe('acme-operator');
  });

  it('names no product in src/runtime (the operator\'s names are in src/product.ts)', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/managedapps|managed-apps/i);
  });
});
