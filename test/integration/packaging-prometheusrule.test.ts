// The chart's PrometheusRule with its alert values (prometheusRule.severities, additionalLabels,
// groupLabels, for): the real helm renders it, the real promtool checks the rendered groups and
// runs alert tests on them (the labels Alertmanager routes on, the holds), and a value naming no
// alert, a label the series own or a malformed duration fails the render with its path. helm
// comes from test/controlplane/build-helm.sh; promtool from Debian's `prometheus` (.ci/run):
// without it, the promtool cases are skipped locally and fail under CI=true.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { chartDir, helmTemplate, packagingTools, root, tool, type Manifest } from './packaging-support.ts';

interface Rule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleFile { groups: { name: string; rules: Rule[] }[] }

const source = parse(readFileSync(join(root, 'config', 'prometheus', 'rules.yaml'), 'utf8')) as RuleFile;
const promtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const ci = process.env.CI === 'true' || process.env.CI === '1';

/** Values a platform team would set: its own severity names, routing labels, other holds. */
const CUSTOM = {
  prometheusRule: {
    enabled: true,
    severities: {
      critical: 'page', warning: 'ticket',
      groups: { operator: 'platform-page' },
      alerts: { ManagedUnitDown: 'page', ManagedAppsOperatorProbesLate: 'ticket' },
    },
    additionalLabels: { cluster: 'prod-eu', team: 'managed-services' },
    groupLabels: { operator: { team: 'platform' }, sla: { queue: 'service-desk' } },
    for: { ManagedUnitDown: '10m', ManagedAppsOperatorNoLeader: '2m', ManagedIncidentRestorationAtRisk: '1m' },
  },
};

/** The labels each alert must carry under CUSTOM, derived by hand from the precedence rules. */
function expectedLabels(group: string, alert: string, level: string): Record<string, string> {
  const sla = { cluster: 'prod-eu', team: 'managed-services', queue: 'service-desk' };
  const operator = { cluster: 'prod-eu', team: 'platform' }; // the group's team wins over additionalLabels'
  if (group === 'managedapps-operator.alerts') {
    // severities.alerts wins over severities.groups (platform-page for the whole group).
    return { ...operator, severity: alert === 'ManagedAppsOperatorProbesLate' ? 'ticket' : 'platform-page' };
  }
  if (alert === 'ManagedUnitDown') return { ...sla, severity: 'page' }; // a warning, paged by name
  return { ...sla, severity: level === 'critical' ? 'page' : 'ticket' };
}

const HOLDS: Record<string, string> = { ManagedUnitDown: '10m', ManagedAppsOperatorNoLeader: '2m', ManagedIncidentRestorationAtRisk: '1m' };

let dir: string;
const ruleOf = (objects: readonly Manifest[]): RuleFile => {
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  expect(rules).toHaveLength(1);
  return (rules[0] as unknown as { spec: RuleFile }).spec;
};
const render = async (values: unknown): Promise<RuleFile> => {
  const file = join(dir, `values-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(file, JSON.stringify(values));
  return ruleOf(await helmTemplate(['managed-apps-operator', chartDir, '--namespace', 'managedapps-system', '-f', file]));
};

beforeAll(async () => {
  await packagingTools(); // builds helm once (minutes), cached afterwards
  dir = mkdtempSync(join(tmpdir(), 'mao-prometheusrule-'));
}, 900_000);

describe('the chart\'s PrometheusRule', () => {
  it('renders rules.yaml\'s groups unchanged with the default values', async () => {
    expect(await render({ prometheusRule: { enabled: true } })).toEqual(source);
  });

  it('applies severities, routing labels and holds to every alert, and nothing else', async () => {
    const rendered = await render(CUSTOM);
    expect(rendered.groups.map((g) => g.name)).toEqual(source.groups.map((g) => g.name));
    let alerts = 0;
    for (const [i, group] of source.groups.entries()) {
      const out = rendered.groups[i]!;
      expect(out.rules).toHaveLength(group.rules.length);
      for (const [j, rule] of group.rules.entries()) {
        const got = out.rules[j]!;
        if (rule.alert === undefined) { expect(got, rule.record).toEqual(rule); continue; }
        alerts++;
        expect(got.labels, rule.alert).toEqual(expectedLabels(group.name, rule.alert, rule.labels?.severity ?? ''));
        expect(got.for, rule.alert).toBe(HOLDS[rule.alert] ?? rule.for);
        // The expression and the annotations (Prometheus templates: {{ $labels.… }}) are untouched.
        expect({ expr: got.expr, annotations: got.annotations }, rule.alert).toEqual({ expr: rule.expr, annotations: rule.annotations });
      }
    }
    // 12 contract alerts (ManagedAppsCreditForecast, ManagedUnitBackupMissed, ManagedIncidentMajor and ManagedAppsClaimAnswerAtRisk the last four) and 7 on the operator.
    expect(alerts).toBe(19);
  });

  describe.skipIf(!promtool && !ci)('checked by promtool (Debian package `prometheus`)', () => {
    it('is installed (required under CI)', () => {
      expect(promtool, 'promtool not found: apt-get install -y prometheus').toBe(true);
    });

    it('accepts the rendered groups (promtool check rules)', async () => {
      for (const [name, values] of [['default', { prometheusRule: { enabled: true } }], ['custom', CUSTOM]] as const) {
        const file = join(dir, `rendered-${name}.yaml`);
        writeFileSync(file, stringify(await render(values), { lineWidth: 0 }));
        const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
        expect(run.stdout + run.stderr, name).toMatch(/SUCCESS: 31 rules found/);
        expect(run.status, name).toBe(0);
      }
    });

    it('fires the rendered alerts with the labels Alertmanager routes on and the holds of the values', async () => {
      const rules = join(dir, 'rendered-for-test.yaml');
      writeFileSync(rules, stringify(await render(CUSTOM), { lineWidth: 0 }));
      const tests = join(dir, 'rendered-test.yaml');
      const lag = 'managedapps_event_loop_lag_seconds{job="managed-apps-operator",instance="10.0.0.1:8443",namespace="managedapps-system"}';
      writeFileSync(tests, stringify({
        rule_files: [rules],
        evaluation_interval: '1m',
        tests: [{
          interval: '1m',
          input_series: [
            // A function past its guarantee from t = 0 (no `for:`): fires at once, with the
            // series' tenant, the function label, and the sla group's routing labels.
            { series: 'managedapps_function_error_budget_remaining_ratio{namespace="acme",tenant="acme",name="databases",family="Database"}', values: '-0.5x10' },
            // The only replica does not lead from t = 0: active from 0, the values' `for: 2m`
            // (not rules.yaml's 5m) makes it fire at 2m.
            { series: lag, values: '0.001x10' },
            { series: 'leader_election_master_status{job="managed-apps-operator",instance="10.0.0.1:8443",namespace="managedapps-system"}', values: '0x10' },
          ],
          alert_rule_test: [
            {
              eval_time: '0m', alertname: 'ManagedFunctionGuaranteeMissed',
              exp_alerts: [{
                exp_labels: { severity: 'page', tenant: 'acme', namespace: 'acme', name: 'databases', family: 'Database', function: 'databases', cluster: 'prod-eu', team: 'managed-services', queue: 'service-desk' },
                exp_annotations: {
                  summary: 'Managed function acme/databases has spent its whole GTD error budget this month.',
                  description: 'Month-to-date availability is at or below the guarantee; credits are owed unless the downtime is excluded.',
                },
              }],
            },
            { eval_time: '1m', alertname: 'ManagedAppsOperatorNoLeader', exp_alerts: [] },
            {
              eval_time: '2m', alertname: 'ManagedAppsOperatorNoLeader',
              exp_alerts: [{
                exp_labels: { severity: 'platform-page', namespace: 'managedapps-system', job: 'managed-apps-operator', cluster: 'prod-eu', team: 'platform' },
                exp_annotations: {
                  summary: 'managed-apps-operator (managedapps-system) has no leader, or no replica is scraped.',
                  description: 'No replica holds the leader lease (or Prometheus scrapes none), so controllers, probes and the incident automation are stopped and availability is not measured.',
                },
              }],
            },
          ],
        }],
      }));
      const run = spawnSync('promtool', ['test', 'rules', tests], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).not.toMatch(/FAILED/);
      expect(run.stdout).toMatch(/SUCCESS/);
      expect(run.status).toBe(0);
    });
  });

  it.each([
    ['an alert that does not exist', { severities: { alerts: { ManagedUnitDwon: 'page' } } }, /prometheusRule\.severities\.alerts\.ManagedUnitDwon: no such alert/],
    ['a hold of an alert that does not exist', { for: { NoSuchAlert: '5m' } }, /prometheusRule\.for\.NoSuchAlert: no such alert/],
    ['a group that does not exist', { groupLabels: { operators: { team: 'x' } } }, /prometheusRule\.groupLabels\.operators: no such group \(sla, operator\)/],
    ['a label the series own', { additionalLabels: { tenant: 'acme' } }, /prometheusRule\.additionalLabels\.tenant: tenant is set by the series or by prometheusRule\.severities/],
    ['the severity as a group label', { groupLabels: { sla: { severity: 'page' } } }, /prometheusRule\.groupLabels\.sla\.severity: severity is set by the series or by prometheusRule\.severities/],
    // values.schema.json (scripts/chart-schema.ts):
    ['a duration Prometheus cannot read', { for: { ManagedUnitDown: '10 minutes' } }, /at '\/prometheusRule\/for\/ManagedUnitDown'/],
    ['a label name Prometheus refuses', { additionalLabels: { 'team-name': 'x' } }, /at '\/prometheusRule\/additionalLabels': additional properties 'team-name' not allowed/],
    ['a group label name Prometheus refuses', { groupLabels: { sla: { 'queue.name': 'x' } } }, /at '\/prometheusRule\/groupLabels\/sla': additional properties 'queue\.name' not allowed/],
    ['an empty severity', { severities: { critical: '' } }, /at '\/prometheusRule\/severities\/critical'/],
  ])('refuses %s, naming the value', async (_name, values, expected) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2, 8)}.yaml`);
    writeFileSync(file, JSON.stringify({ prometheusRule: { enabled: true, ...values } }));
    await expect(tool('helm', ['template', 'x', chartDir, '-f', file])).rejects.toThrow(expected);
  });
});
