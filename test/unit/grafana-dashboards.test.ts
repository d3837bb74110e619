// config/grafana: every dashboard has a tenant variable, every panel query reads only metrics that
// src/metrics defines (or recording rules of config/prometheus/rules.yaml) and is valid PromQL for
// promtool, and the kustomization turns each JSON file into a ConfigMap the Grafana sidecar picks
// up. Whether each query returns data is checked against a real Prometheus by the e2e tests;
// whether each file (and the chart's copy) is a dashboard Grafana's schema accepts, by
// test/integration/grafana-dashboards.test.ts with the Grafana Foundation SDK (a Go build).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { METRIC_NAMES } from '../../src/metrics/metrics.ts';
import { PRODUCT_NAMES } from '../../src/product.ts';
import { runtimeMetricNames } from '../../src/runtime/metrics.ts';
import { baseMetricName, metricNames } from './promql-metric-names.ts';

const root = join(import.meta.dirname, '../..');
const dashboardsDir = join(root, 'config/grafana/dashboards');
const files = readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')).sort();

interface Target { refId: string; expr?: string }
interface Panel { id: number; title: string; type: string; targets?: Target[]; gridPos?: unknown }
interface Variable { name: string; type: string; query?: string | { query: string } }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: Variable[] } }

const dashboards = files.map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Dashboard }));
const recorded = new Set(
  (parse(readFileSync(join(root, 'config/prometheus/rules.yaml'), 'utf8')) as { groups: { rules: { record?: string }[] }[] })
    .groups.flatMap((g) => g.rules).flatMap((r) => (r.record === undefined ? [] : [r.record])),
);
const defined = new Set<string>(METRIC_NAMES);
/** The runtime's metrics under the product's prefix: per replica, not per tenant. */
const runtimeNames = runtimeMetricNames(PRODUCT_NAMES.metricPrefix);
const isDefined = (name: string): boolean => (name.includes(':') ? recorded.has(name) : defined.has(baseMetricName(name)));

const panelQueries = dashboards.flatMap(({ file, dashboard }) =>
  dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => ({ where: `${file} › ${panel.title} › ${t.refId}`, expr: t.expr ?? '' }))));

/** Grafana's variables replaced by what they mean in a plain PromQL query. */
const asPromQL = (expr: string): string => expr.replaceAll('$__rate_interval', '5m').replaceAll('$tenant', '.*').replaceAll('$month', '.*');

describe('config/grafana dashboards', () => {
  it('has the five dashboards of design.md §4, with unique uids', () => {
    expect(files).toEqual(['billing.json', 'changes-tokens.json', 'incidents-gtr.json', 'operator-health.json', 'sla-overview.json']);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(files.length);
  });

  it.each(dashboards)('$file has a tenant variable over the namespaces of a defined metric', ({ dashboard }) => {
    const tenant = dashboard.templating.list.find((v) => v.name === 'tenant');
    expect(tenant?.type).toBe('query');
    const query = typeof tenant?.query === 'string' ? tenant.query : tenant?.query?.query ?? '';
    const m = /^label_values\((\w+),\s*namespace\)$/.exec(query);
    expect(m, query).not.toBeNull();
    expect(defined).toContain(m![1]);
  });

  it.each(dashboards)('$file: panels have unique ids, a position and at least one query', ({ dashboard }) => {
    expect(dashboard.panels.length).toBeGreaterThan(0);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos, panel.title).toBeDefined();
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets ?? []) expect(t.expr, `${panel.title} ${t.refId}`).toMatch(/\S/);
    }
  });

  it('reads only metrics defined in src/metrics or recorded by config/prometheus/rules.yaml', () => {
    expect(panelQueries.length).toBeGreaterThan(20);
    for (const { where, expr } of panelQueries) {
      const names = [...metricNames(expr)];
      expect(names.length, where).toBeGreaterThan(0);
      for (const name of names) expect(isDefined(name), `${where} reads undefined ${name}`).toBe(true);
    }
  });

  it('filters every tenant-scoped series by the tenant variable', () => {
    for (const { where, expr } of panelQueries) {
      const scoped = [...metricNames(expr)].some((n) => /^managedapps[_:]/.test(n) && !runtimeNames.includes(n));
      if (scoped) expect(expr, where).toContain('namespace=~"$tenant"');
    }
  });

  it('kustomization makes one labelled ConfigMap with a stable name per dashboard file', () => {
    const k = parse(readFileSync(join(root, 'config/grafana/kustomization.yaml'), 'utf8')) as {
      generatorOptions: { disableNameSuffixHash: boolean; labels: Record<string, string> };
      configMapGenerator: { name: string; files: string[] }[];
    };
    expect(k.generatorOptions.disableNameSuffixHash).toBe(true);
    expect(k.generatorOptions.labels.grafana_dashboard).toBe('1');
    expect(k.configMapGenerator.flatMap((g) => g.files).sort()).toEqual(files.map((f) => `dashboards/${f}`));
    expect(new Set(k.configMapGenerator.map((g) => g.name)).size).toBe(files.length);
  });

  const promtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  it.skipIf(!promtool && !ci)('every panel query is valid PromQL for promtool', () => {
    expect(promtool, 'promtool not found: apt-get install -y prometheus').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'dashboards-'));
    try {
      const file = join(dir, 'panels.yaml');
      const rules = panelQueries.map(({ expr }, i) => ({ record: `panel:query:${i}`, expr: asPromQL(expr) }));
      writeFileSync(file, stringify({ groups: [{ name: 'panels', rules }] }));
      const out = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
