// `managedapps export` (docs/openslo.md): the mapping of each managed function's GTD (domain.md §5)
// to OpenSLO v1 and Pyrra, on config/samples and variants of it, with every expected figure
// computed by hand from domain.md; the command's exit codes and errors on bad input.
// The real validators (oslo, the API server) judge the same output in
// test/integration/export-openslo.test.ts.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exportCommand, type ExportOptions } from './index.ts';
import { dnsLabel, exactAlternatives, ratioOfPercent } from './targets.ts';
import { percentString } from './pyrra.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SAMPLES = join(ROOT, 'config', 'samples');
// The injected clock of these tests: mid-November 2026, whatever day they run.
const NOW = '2026-11-15T12:00:00Z';

async function run(options: Partial<ExportOptions>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await exportCommand(
    { format: 'openslo', files: [SAMPLES], month: '2026-11', now: NOW, ...options },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
  );
  return { code, stdout, stderr };
}

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, unknown>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & {
    objectives?: { target: number }[];
    timeWindow?: unknown[];
    target?: string;
    window?: string;
    indicator?: { bool_gauge: { metric: string } };
    ratioMetric?: { counter: boolean; good: { metricSource: { type: string; spec: { query: string } } }; total: { metricSource: { type: string; spec: { query: string } } } };
  };
}

const docsOf = (text: string): Doc[] => parseAllDocuments(text).map((d) => d.toJS() as Doc);
const byKind = (docs: readonly Doc[], kind: string): Doc[] => docs.filter((d) => d.kind === kind);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** config/samples copied, with `edit` applied to one file's text. */
function samplesWith(file: string, edit: (text: string) => string): string {
  const copy = join(dir, 'samples');
  cpSync(SAMPLES, copy, { recursive: true });
  writeFileSync(join(copy, file), edit(readFileSync(join(copy, file), 'utf8')));
  return copy;
}

describe('export --format openslo on config/samples (Production: Premium)', () => {
  it('writes a Service for the tenant, then an SLI and an SLO per function, each target the GTD as a ratio', async () => {
    const { code, stdout, stderr } = await run({});
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const docs = docsOf(stdout);
    expect(docs.every((d) => d.apiVersion === 'openslo/v1')).toBe(true);
    expect(byKind(docs, 'Service').map((d) => d.metadata.name)).toEqual(['acme-logistics']);
    // domain.md §5 at Premium: the "any managed function" row is 99.5 %, the Kubernetes row 99.9 %,
    // the customer-portal row 99.5 %; as ratios 0.995 and 0.999.
    const targets = Object.fromEntries(byKind(docs, 'SLO').map((d) => [d.metadata.name, d.spec.objectives?.map((o) => o.target)]));
    expect(targets).toEqual({
      'acme-logistics-containers-gtd': [0.995],
      'acme-logistics-customer-portal-gtd': [0.995],
      'acme-logistics-databases-gtd': [0.995],
      'acme-logistics-erp-gtd': [0.995],
      'acme-logistics-kubernetes-gtd': [0.999],
      'acme-logistics-middleware-gtd': [0.995],
      'acme-logistics-os-gtd': [0.995],
    });
    expect(byKind(docs, 'SLI').map((d) => d.metadata.name)).toEqual(Object.keys(targets).map((n) => n.replace(/-gtd$/, '-availability')));
  });

  it('measures the calendar month in the tenant\'s time zone, Occurrences of the function\'s recorded error ratio', async () => {
    const docs = docsOf((await run({})).stdout);
    const slo = byKind(docs, 'SLO').find((d) => d.metadata.name === 'acme-logistics-kubernetes-gtd');
    expect(slo?.spec).toMatchObject({
      service: 'acme-logistics',
      indicatorRef: 'acme-logistics-kubernetes-availability',
      budgetingMethod: 'Occurrences',
      // The ManagedTenant's calendar is Europe/Paris: November 2026 starts at local midnight on the 1st.
      timeWindow: [{ duration: '1M', isRolling: false, calendar: { startTime: '2026-11-01 00:00:00', timeZone: 'Europe/Paris' } }],
    });
    expect(slo?.metadata.labels).toEqual({ tenant: ['acme-logistics'], function: ['kubernetes'], family: ['Kubernetes'], supportLevel: ['Premium'], contract: ['acme-logistics-2026'] });
    expect(slo?.metadata.annotations?.['managedapps.dev/month']).toBe('2026-11');
    const sli = byKind(docs, 'SLI').find((d) => d.metadata.name === 'acme-logistics-kubernetes-availability');
    expect(sli?.spec.ratioMetric).toEqual({
      counter: false,
      good: { metricSource: { type: 'Prometheus', spec: { query: 'sum(1 - managedapps:function_error:ratio{namespace="acme-logistics",name="kubernetes"})' } } },
      total: { metricSource: { type: 'Prometheus', spec: { query: 'count(managedapps:function_error:ratio{namespace="acme-logistics",name="kubernetes"})' } } },
    });
  });

  it('keeps the calendar startTime a plain scalar (quoted, oslo\'s YAML reader would not take it as a date)', async () => {
    const { stdout } = await run({});
    expect(stdout).toContain('        startTime: 2026-11-01 00:00:00\n');
  });

  it('takes the month of --now in the tenant\'s zone when --month is not given', async () => {
    // 2026-10-31T23:30Z is 2026-11-01 00:30 in Paris (CET, +01:00, since 25 October): November.
    const november = docsOf((await run({ month: undefined, now: '2026-10-31T23:30:00Z' })).stdout);
    expect(byKind(november, 'SLO')[0]?.spec.timeWindow).toEqual([{ duration: '1M', isRolling: false, calendar: { startTime: '2026-11-01 00:00:00', timeZone: 'Europe/Paris' } }]);
    // 22:30Z is 23:30 in Paris, still 31 October.
    const october = docsOf((await run({ month: undefined, now: '2026-10-31T22:30:00Z' })).stdout);
    expect(byKind(october, 'SLO')[0]?.spec.timeWindow).toEqual([{ duration: '1M', isRolling: false, calendar: { startTime: '2026-10-01 00:00:00', timeZone: 'Europe/Paris' } }]);
  });

  it('follows the Production support level: Initial gives 98.5 % everywhere but the customer portal (99.5 %)', async () => {
    const files = samplesWith('supportcontract.yaml', (t) => t.replace('      level: Premium', '      level: Initial'));
    const docs = docsOf((await run({ files: [files] })).stdout);
    const targets = Object.fromEntries(byKind(docs, 'SLO').map((d) => [d.metadata.name.replace(/^acme-logistics-|-gtd$/g, ''), d.spec.objectives?.[0]?.target]));
    // domain.md §5, column Initial: any function 98.5, Kubernetes 98.5, customer portal 99.5.
    expect(targets).toEqual({ containers: 0.985, 'customer-portal': 0.995, databases: 0.985, erp: 0.985, kubernetes: 0.985, middleware: 0.985, os: 0.985 });
    expect(byKind(docs, 'SLO').every((d) => (d.metadata.labels?.supportLevel as string[])[0] === 'Initial')).toBe(true);
  });
});

describe('export --format pyrra on config/samples', () => {
  it('writes one ServiceLevelObjective per function in the tenant\'s namespace: the GTD in percent, 30d, its production units up', async () => {
    const { code, stdout, stderr } = await run({ format: 'pyrra' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const docs = docsOf(stdout);
    expect(docs.every((d) => d.apiVersion === 'pyrra.dev/v1alpha1' && d.kind === 'ServiceLevelObjective' && d.metadata.namespace === 'acme-logistics')).toBe(true);
    // Premium: 99.5 % but Kubernetes 99.9 % (domain.md §5); the units are the samples' production
    // units of each family (serviceunits.yaml), never the PreProduction db-erp-pp01 or app-erp-pp.
    const got = Object.fromEntries(docs.map((d) => [d.metadata.name, [d.spec.target, d.spec.window, d.spec.indicator?.bool_gauge.metric]]));
    const up = (units: string) => `managedapps_unit_up{namespace="acme-logistics",environment="Production",name=~"${units}"}`;
    expect(got).toEqual({
      'containers-gtd': ['99.5', '30d', up('containers-apps')],
      'customer-portal-gtd': ['99.5', '30d', up('app-portal')],
      'databases-gtd': ['99.5', '30d', up('db-erp01')],
      'erp-gtd': ['99.5', '30d', up('app-erp')],
      'kubernetes-gtd': ['99.9', '30d', up('k8s-platform')],
      'middleware-gtd': ['99.5', '30d', up('mw-erp01')],
      'os-gtd': ['99.5', '30d', up('os-files01')],
    });
    expect(docs[0]?.metadata.labels).toEqual({
      'managedapps.dev/tenant': 'acme-logistics',
      'managedapps.dev/function': 'containers',
      'managedapps.dev/family': 'Containers',
      'managedapps.dev/support-level': 'Premium',
      'managedapps.dev/contract': 'acme-logistics-2026',
    });
  });

  it('writes one file per tenant with --output-dir', async () => {
    const out = join(dir, 'out');
    const { code, stdout, stderr } = await run({ format: 'pyrra', outputDir: out });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(`wrote ${join(out, 'acme-logistics.pyrra.yaml')}\n`);
    expect(readdirSync(out)).toEqual(['acme-logistics.pyrra.yaml']);
    expect(docsOf(readFileSync(join(out, 'acme-logistics.pyrra.yaml'), 'utf8'))).toHaveLength(7);
  });
});

describe('the mapping\'s small parts', () => {
  it.each([
    // percent → ratio, free of floating-point noise (99.9 / 100 is 0.9990000000000001).
    [99.9, 0.999],
    [99.5, 0.995],
    [98.5, 0.985],
    [99.95, 0.9995],
    [100, 1],
  ])('ratioOfPercent(%s) = %s', (percent, ratio) => {
    expect(ratioOfPercent(percent)).toBe(ratio);
  });

  it.each([
    [99.9, '99.9'],
    [99.5, '99.5'],
    [98.5, '98.5'],
  ])('Pyrra target of %s percent is %s', (percent, text) => {
    expect(percentString(percent)).toBe(text);
  });

  it('makes DNS labels of names, cutting long ones with a hash that keeps them apart', () => {
    expect(dnsLabel('acme', 'db.primary', 'gtd')).toBe('acme-db-primary-gtd');
    const long = 'f'.repeat(80);
    const a = dnsLabel('acme', long, 'gtd');
    const b = dnsLabel('acme', `${long}x`, 'gtd');
    for (const n of [a, b]) expect(n).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(a).not.toBe(b);
  });

  it('names units exactly in the regular expression (a dot is not any character)', () => {
    expect(exactAlternatives(['db.1', 'db-2'])).toBe('db\\.1|db-2');
  });
});

describe('export: errors', () => {
  it('refuses an unknown field with the file, line, object and field, as report --offline does (exit 1)', async () => {
    const files = samplesWith('managedfunctions.yaml', (t) => t.replace('  family: OS\n', '  family: OS\n  familly: Database\n'));
    const { code, stdout, stderr } = await run({ files: [files] });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    // managedfunctions.yaml: line 1 a comment, 2-6 apiVersion, kind, metadata, name, namespace,
    // 7 `spec:`, 8 `family: OS`: the inserted field is line 9.
    expect(stderr).toContain(`${join(files, 'managedfunctions.yaml')}:9: ManagedFunction/acme-logistics/os: spec.familly: unknown field "spec.familly": the API server refuses it (strict decoding error)\n`);
    expect(stderr).toContain('error: 1 problem(s) in the manifests; nothing exported\n');
  });

  it('refuses a format it does not know, a bad month and a bad instant (exit 2)', async () => {
    expect(await run({ format: 'sloth' })).toMatchObject({ code: 2, stdout: '', stderr: "error: --format 'sloth': expected one of records, openslo, pyrra\n" });
    expect(await run({ month: '2026-13' })).toMatchObject({ code: 2, stderr: "error: --month '2026-13' is not a calendar month YYYY-MM\n" });
    expect(await run({ now: 'yesterday' })).toMatchObject({ code: 2 });
    expect(await run({ kubeconfig: '/nowhere' })).toMatchObject({ code: 2, stderr: 'error: --kubeconfig and --context read the cluster: not with -f\n' });
  });

  it('says so when there is no contract to export (exit 1)', async () => {
    expect(await run({ namespace: 'nobody' })).toMatchObject({ code: 1, stdout: '', stderr: `error: no SupportContract in namespace 'nobody' in ${SAMPLES}\n` });
  });

  it('skips, with a warning, a function that has no production unit', async () => {
    const files = samplesWith('managedfunctions.yaml', (t) => `${t}---\napiVersion: managedapps.dev/v1alpha1\nkind: ManagedFunction\nmetadata:\n  name: mail\n  namespace: acme-logistics\nspec:\n  family: Exchange\n  monthlyCharge: 10\n`);
    const { code, stdout, stderr } = await run({ files: [files] });
    expect(code).toBe(0);
    expect(stderr).toBe('warning: ManagedFunction/acme-logistics/mail not exported: no production unit: the availability guarantee measures production units only (domain.md §8)\n');
    expect(byKind(docsOf(stdout), 'SLO')).toHaveLength(7);
  });
});

describe('export as a process (bin/managedapps.js): the exit codes the shell sees', () => {
  const cli = (args: readonly string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'managedapps.js'), ...args], { encoding: 'utf8' });

  it('exits 0 with the documents, 1 on a bad manifest, 2 with -f but no --format (records, the default, read the cluster)', () => {
    const ok = cli(['export', '--format', 'pyrra', '-f', SAMPLES, '--month', '2026-11', '--now', NOW]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(docsOf(ok.stdout)).toHaveLength(7);

    const files = samplesWith('supportcontract.yaml', (t) => t.replace('  commitmentMonths: 36\n', '  commitmentMonths: 36\n  commitment: 36\n'));
    const bad = cli(['export', '--format', 'openslo', '-f', files, '--month', '2026-11', '--now', NOW]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    // supportcontract.yaml: 1 apiVersion, 2 kind, 3 metadata, 4 name, 5 namespace, 6 spec, 7 start,
    // 8 commitmentMonths: the inserted field is line 9.
    expect(bad.stderr).toContain(`${join(files, 'supportcontract.yaml')}:9: SupportContract/acme-logistics/acme-logistics-2026: spec.commitment: unknown field "spec.commitment"`);

    const usage = cli(['export', '-f', SAMPLES]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('error: --format records reads the cluster (-n <tenant>): -f is for openslo and pyrra');
  }, 60_000); // three Node processes on a shared machine
});
