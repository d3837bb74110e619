// config/prometheus: the PrometheusRule embeds rules.yaml verbatim, rules only read metrics that
// src/metrics defines, and promtool accepts the rules and passes every alert's unit tests.
// promtool comes from Debian's `prometheus` package (.ci/run installs it). Without it, these
// tests are skipped locally with a reason, and fail under CI=true.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { METRIC_NAMES } from '../../src/metrics/metrics.ts';
import { baseMetricName, metricNames } from './promql-metric-names.ts';

const dir = join(import.meta.dirname, '../../config/prometheus');
const rulesPath = join(dir, 'rules.yaml');
const prometheusRulePath = join(dir, 'prometheusrule.yaml');
const testFiles = readdirSync(join(dir, 'tests')).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, 'tests', f));

interface Rule { record?: string; alert?: string; expr: string; labels?: Record<string, string> }
interface RuleFile { groups: { name: string; rules: Rule[] }[] }

const rules = parse(readFileSync(rulesPath, 'utf8')) as RuleFile;

function prometheusRuleFor(source: RuleFile): string {
  const header = '# Generated from rules.yaml by test/unit/prometheus-rules.test.ts (UPDATE_PROMETHEUSRULE=1): edit rules.yaml, not this file.\n';
  return header + stringify({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'managed-apps-operator', labels: { 'app.kubernetes.io/name': 'managed-apps-operator', 'app.kubernetes.io/component': 'metrics' } },
    spec: { groups: source.groups },
  }, { lineWidth: 0 });
}

if (process.env.UPDATE_PROMETHEUSRULE === '1') writeFileSync(prometheusRulePath, prometheusRuleFor(rules));

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}
const promtool = hasPromtool();
const ci = process.env.CI === 'true' || process.env.CI === '1';

describe('config/prometheus', () => {
  it('prometheusrule.yaml embeds exactly the groups of rules.yaml (regenerate with UPDATE_PROMETHEUSRULE=1)', () => {
    const embedded = parse(readFileSync(prometheusRulePath, 'utf8')) as { kind: string; spec: RuleFile };
    expect(embedded.kind).toBe('PrometheusRule');
    expect(embedded.spec.groups).toEqual(rules.groups);
  });

  it('reads only metrics that src/metrics defines, or recording rules defined before use', () => {
    const defined = new Set<string>(METRIC_NAMES);
    const recorded = new Set<string>();
    for (const group of rules.groups) {
      for (const rule of group.rules) {
        for (const name of metricNames(rule.expr)) {
          if (name.includes(':')) expect(recorded, `${rule.record ?? rule.alert ?? ''} reads ${name}`).toContain(name);
          else expect(defined, `${rule.record ?? rule.alert ?? ''} reads ${name}`).toContain(baseMetricName(name));
        }
        if (rule.record !== undefined) recorded.add(rule.record);
      }
    }
    expect(recorded.size).toBeGreaterThan(0);
  });

  it('gives every alert a severity and promtool tests where it fires and where it does not', () => {
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.length).toBeGreaterThanOrEqual(15);
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const file of testFiles) {
      const spec = parse(readFileSync(file, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
      for (const t of spec.tests) for (const a of t.alert_rule_test ?? []) (a.exp_alerts.length > 0 ? firing : quiet).add(a.alertname);
    }
    for (const alert of alerts) {
      expect(['critical', 'warning'], alert.alert).toContain(alert.labels?.severity);
      expect(firing, `no promtool test makes ${alert.alert ?? ''} fire`).toContain(alert.alert);
      expect(quiet, `no promtool test where ${alert.alert ?? ''} stays quiet`).toContain(alert.alert);
    }
  });

  it('gives every alert on the operator a runbook entry in docs/operations.md, and lists every alert in docs/metrics.md', () => {
    const operations = readFileSync(join(dir, '../../docs/operations.md'), 'utf8');
    const metricsDoc = readFileSync(join(dir, '../../docs/metrics.md'), 'utf8');
    const operator = rules.groups.find((g) => g.name === 'managedapps-operator.alerts');
    expect(operator?.rules.length).toBeGreaterThanOrEqual(6);
    for (const rule of operator?.rules ?? []) expect(operations, `runbook of ${rule.alert ?? ''}`).toContain(`#### \`${rule.alert ?? ''}\``);
    for (const rule of rules.groups.flatMap((g) => g.rules)) if (rule.alert !== undefined) expect(metricsDoc, rule.alert).toContain(`| \`${rule.alert}\` |`);
  });

  describe.skipIf(!promtool && !ci)('promtool (Debian package `prometheus`)', () => {
    it('is installed (required under CI)', () => {
      expect(promtool, 'promtool not found: apt-get install -y prometheus').toBe(true);
    });

    it('checks the rules', () => {
      const out = execFileSync('promtool', ['check', 'rules', rulesPath], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
    });

    it('passes every rule unit test', { timeout: 120_000 }, () => {
      const run = spawnSync('promtool', ['test', 'rules', ...testFiles], { encoding: 'utf8' });
      expect(run.stdout + run.stderr, 'promtool test rules failed').not.toMatch(/FAILED/);
      expect(run.status).toBe(0);
      expect(run.stdout.match(/SUCCESS/g)).toHaveLength(testFiles.length);
    });
  });

  it.skipIf(promtool || ci)('promtool tests skipped: promtool is not installed (apt-get install -y prometheus) and CI is not set', () => {
    expect(promtool).toBe(false);
  });
});

describe('metricNames', () => {
  it.each([
    ['sum by (namespace) (rate(workqueue_adds_total{name="x"}[5m]))', ['workqueue_adds_total']],
    ['histogram_quantile(0.99, sum by (le) (rate(controller_runtime_reconcile_time_seconds_bucket[$__rate_interval])))', ['controller_runtime_reconcile_time_seconds_bucket']],
    ['a:b:c / on (namespace, name) (1 - max without (x) (m_one{namespace="$tenant"}))', ['a:b:c', 'm_one']],
    ['label_replace(up_x, "unit", "$1", "name", "(.*)") and time() - 7 * 86400 > 1e3', ['up_x']],
  ])('%s', (expr, names) => {
    expect([...metricNames(expr)].sort()).toEqual([...names].sort());
  });
});
