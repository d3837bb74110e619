// `managedapps report --offline` (design.md §3): the report of config/samples has exactly the §3
// shape; a fixture tenant (test/fixtures/report/*/manifests) matches its golden expected.json
// (UPDATE_GOLDEN=1 rewrites it: review the diff); bad manifests give one line each naming the
// file, the object and the field, and exit 1; bad flags exit 2.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadManifests, formatManifestError } from '../../src/cli/manifests.ts';
import { levelThreeOwnerOf } from '../../src/api/v1alpha1/index.ts';
import { renderPackText, renderStatementText, type MonthlyReport, type StatementReport } from '../../src/domain/index.ts';
import { registerReportCommand } from '../../src/cli/program.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, reportCommand, type ReportOptions } from '../../src/cli/report.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = join(ROOT, 'config', 'samples');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'report');
const update = process.env.UPDATE_GOLDEN === '1';

async function run(options: Partial<ReportOptions>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await reportCommand(
    { offline: true, files: [SAMPLES], month: '2026-10', now: '2026-11-03T08:00:00Z', output: 'json', ...options },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
  );
  return { code, stdout, stderr };
}

const parseReport = (text: string): MonthlyReport & { statement?: StatementReport } => JSON.parse(text) as MonthlyReport & { statement?: StatementReport };
const keys = (value: unknown): string[] => Object.keys(value as object).sort();

// design.md §3, field by field.
const SHAPE = {
  top: ['claimDeadline', 'conditions', 'credits', 'currency', 'final', 'functions', 'gtc', 'gtr', 'pack', 'period', 'problems', 'statement', 'tokens'],
  period: ['end', 'month', 'start', 'timeZone'],
  function: ['availabilityPercent', 'creditAmount', 'creditPercent', 'excludedSeconds', 'family', 'gapPoints', 'guaranteePercent', 'interruptionSeconds', 'name', 'supportLevel', 'units'],
  gtr: ['creditAmount', 'creditPercent', 'deviationPercent', 'incidents', 'late', 'resolved'],
  incident: ['applicable', 'coveredSeconds', 'deadline', 'late', 'name', 'priority', 'reason', 'supportLevel'],
  gtc: ['changes', 'completed', 'creditAmount', 'late'],
  change: ['accelerated', 'applicable', 'category', 'coveredSeconds', 'deadline', 'late', 'name', 'price', 'reason', 'supportLevel', 'tokensCharged'],
  tokens: ['extra', 'extraAmount', 'pack', 'used'],
  credits: ['cap', 'capPercent', 'total', 'uncapped'],
};

const decimals = (n: number): number => (Number.isInteger(n) ? 0 : String(n).split('.')[1]?.length ?? 0);

describe('report --offline on config/samples', () => {
  it('prints one report with exactly the design.md §3 shape', async () => {
    const { code, stdout, stderr } = await run({});
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_OK);
    const report = parseReport(stdout);
    expect(keys(report)).toEqual(SHAPE.top);
    expect(keys(report.period)).toEqual(SHAPE.period);
    expect(report.period).toMatchObject({ month: '2026-10', start: '2026-09-30T22:00:00Z', end: '2026-10-31T23:00:00Z', timeZone: 'Europe/Paris' });
    expect(report.currency).toBe('EUR');
    expect(report.final).toBe(true);
    // One entry per ManagedFunction of the samples, sorted by name.
    expect(report.functions.map((f) => f.name)).toEqual(['containers', 'customer-portal', 'databases', 'erp', 'kubernetes', 'middleware', 'os']);
    for (const f of report.functions) {
      expect(keys(f)).toEqual(SHAPE.function);
      expect(decimals(f.availabilityPercent)).toBeLessThanOrEqual(4);
      expect(decimals(f.creditAmount)).toBeLessThanOrEqual(2);
    }
    expect(keys(report.gtr)).toEqual(SHAPE.gtr);
    expect(report.gtr.incidents.map((i) => i.name)).toEqual(['inc-20261014-erp-down', 'inc-20261021-db-slow']);
    for (const i of report.gtr.incidents) expect(keys(i)).toEqual(SHAPE.incident);
    expect(keys(report.gtc)).toEqual(SHAPE.gtc);
    expect(report.gtc.changes.map((c) => c.name)).toEqual(['chg-20261007-db-user', 'chg-20261019-mw-tuning', 'chg-20261026-db-index']);
    for (const c of report.gtc.changes) expect(keys(c)).toEqual(SHAPE.change);
    // October's ledger (domain.md §10): 1 + 4 × 2 (outside business hours) × 2 (accelerated) + 3 = 20 tokens, the whole pack of 20.
    expect(keys(report.tokens)).toEqual(SHAPE.tokens);
    expect(report.tokens).toEqual({ pack: 20, used: 20, extra: 0, extraAmount: 0 });
    // The sample Problem (seed §5.4): opened 22 October 11:00 Paris (09:00Z), closed 30 October
    // 10:00 Paris (09:00Z, after the DST change), so Closed in October.
    expect(report.problems).toEqual([{
      name: 'prb-20261022-closing-locks', summary: 'Month-end closing batch locks the main ERP tables', state: 'Closed',
      openedAt: '2026-10-22T09:00:00Z', closedAt: '2026-10-30T09:00:00Z', incidents: ['inc-20261021-db-slow'], change: 'chg-20261026-db-index',
    }]);
    expect(report.gtc.changes.map((c) => [c.tokensCharged, c.price])).toEqual([[1, 95], [16, 1520], [3, 285]]);
    expect(keys(report.credits)).toEqual(SHAPE.credits);
    // The cap is 15 % of the contract's monthly fees (2400 + 600 + 5200).
    expect(report.credits).toMatchObject({ capPercent: 15, cap: 1230 });
    expect(report.claimDeadline).toBe('2026-11-30T23:00:00Z');
    expect(report.conditions.map((c) => c.type)).toEqual(['GTDMet', 'GTRMet', 'GTCMet', 'Final']);
  });

  it('prints the monthly statement (design.md §3 "The monthly statement"): in the JSON as status.statement, as text after the table', async () => {
    const json = JSON.parse((await run({ output: 'json' })).stdout) as { statement: StatementReport };
    const s = json.statement;
    // October 2026 of the samples, contract started 2026-01-01: no anniversary yet (the first, 2027-01-01, revises January 2027).
    // Functions 450 + 600 + 380 + 1,200 + 900 + 1,500 + 750.50 = 5,780.50; fees run-platform 5,200 + support 2,400 + 600 = 8,200;
    // subtotal 13,980.50, above the monthly minimum 8,000.00.
    expect(s.recurring).toMatchObject({ subtotal: 13_980.5, minimum: 8000, minimumTopUp: 0, total: 13_980.5 });
    expect(s.recurring.lines.filter((l) => l.kind === 'Support').map((l) => l.name)).toEqual(['support-premium-production', 'support-standard-preproduction']);
    // inc-20261021-db-slow: shared cause but no co-managed unit, on app-erp (Application, level 3 the
    // client's): 150 − 15 = 135 min → ⌈135/30⌉ = 5 tokens; with the changes' 20 of the pack of 20: 5 extra × 95.00 = 475.00.
    expect(s.effort.lines).toEqual([{ name: 'inc-20261021-db-slow', basis: 'RemediationBeyond15Minutes', workMinutes: 150, billedMinutes: 135, tokens: 5 }]);
    expect(s.tokens).toEqual({ pack: 20, fromChanges: 20, fromEffort: 5, used: 25, extra: 5, unitPrice: 95, amount: 475 });
    // One ticket (the erp outage was detected by monitoring), quota 40, Premium (Production's level): nothing billed.
    expect(s.tickets).toMatchObject({ quota: 40, used: 1, overage: 0, tariff: 'Premium', unitPrice: 85, amount: 0, incidents: ['inc-20261021-db-slow'] });
    // 13,980.50 + 475.00 = 14,455.50, no credit granted (no claim in the samples).
    expect(s.totals).toEqual({ beforeCredits: 14_455.5, credits: 0, excludingTax: 14_455.5 });
    const table = (await run({ output: 'table' })).stdout.split('\n');
    const at = table.indexOf('Monthly statement 2026-10 (final), EUR excluding tax');
    expect(at).toBeGreaterThan(table.findIndex((l) => l.startsWith('SLA report ')));
    expect(table).toContain('  Support support-premium-production (since 2026-01): 2400.00 = 2400.00');
    expect(table).toContain('Tokens: pack 20, changes 20, effort 5, used 25, extra 5 × 95.00 = 475.00');
    expect(table).toContain('Totals: before credits 14455.50, credits −0.00, total excluding tax 14455.50 EUR');
  });

  it('-o pack prints the monthly pack as text, the same figures as the JSON\'s pack (design.md §3 "The monthly pack")', async () => {
    const json = parseReport((await run({ output: 'json' })).stdout);
    const { code, stdout, stderr } = await run({ output: 'pack' });
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_OK);
    const pack = json.pack;
    if (pack === undefined) throw new Error('the report has a pack');
    // The samples' tenant names no language: English labels; the report is final (2026-11-03 is after 1 November 23:00Z).
    const [heading, ...body] = stdout.split('\n');
    expect(heading).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/); // namespace/contract
    // The pack, then the month's statement (issue 16: the statement joins the pack).
    if (json.statement === undefined) throw new Error('the samples\' report has a statement');
    expect(body.join('\n')).toBe(`${renderPackText(pack, 'en', true)}\n${renderStatementText(json.statement, 'en', true)}`);
    expect(stdout).toContain(`Incidents: ${pack.volumes.incidents.total}; by priority: P1 ${pack.volumes.incidents.byPriority.P1}`);
    expect(stdout).toContain(`total ${pack.credits.total} EUR`);
    expect(pack.credits).toEqual(json.credits);
    expect(pack.gtr).toEqual({ resolved: json.gtr.resolved, late: json.gtr.late, deviationPercent: json.gtr.deviationPercent, creditAmount: json.gtr.creditAmount });
  });

  it('prints the same report as YAML', async () => {
    const json = await run({ output: 'json' });
    const yaml = await run({ output: 'yaml' });
    expect(yaml.code).toBe(EXIT_OK);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
  });

  it('prints a table with functions, GTR, GTC, credits and the claim deadline', async () => {
    const { code, stdout } = await run({ output: 'table' });
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('SLA report acme-logistics/acme-logistics-2026, 2026-10');
    expect(stdout).toMatch(/^ {2}erp +Application +Premium +1 +99\.\d{4} % +99\.5 %/m);
    expect(stdout).toMatch(/^GTR {2}\d+ late of \d+ resolved/m);
    expect(stdout).toMatch(/^GTC {2}\d+ late of \d+ completed/m);
    expect(stdout).toMatch(/^Credits {2}[\d.]+ EUR \(uncapped [\d.]+ EUR, cap 15 % = 1230\.00 EUR\)/m);
    expect(stdout).toContain('Claim deadline  2026-11-30T23:00:00Z');
  });

  it('is provisional while the month is open: as of mid-month, later incidents are not listed', async () => {
    const { code, stdout } = await run({ now: '2026-10-15T00:00:00Z' });
    expect(code).toBe(EXIT_OK);
    const report = parseReport(stdout);
    expect(report.final).toBe(false);
    expect(report.gtr.incidents.map((i) => i.name)).toEqual(['inc-20261014-erp-down']);
    // The forecast of the running month (design.md §3 "Forecast"): October 2026 in Paris is
    // 745 h = 2,682,000 s, 338 h = 1,216,800 s of it elapsed at the 15th 00:00Z. erp was down
    // 07:12Z → 09:40Z on the 14th = 8,880 s: nothing else 100 × (2,682,000 − 8,880) / 2,682,000
    // = 99.6689 %; at the burn rate 100 − 100 × 8,880 / 1,216,800 = 99.2702 %, gap 0.2298 pt
    // → 2 % of erp's 1,500 = 30.
    const erp = report.forecast?.functions.find((f) => f.name === 'erp');
    expect(report.forecast?.elapsedSeconds).toBe(1_216_800);
    expect(erp?.nothingElse).toEqual({ availabilityPercent: 99.6689, gapPoints: 0, creditPercent: 0, creditAmount: 0 });
    expect(erp?.burnRate).toEqual({ availabilityPercent: 99.2702, gapPoints: 0.2298, creditPercent: 2, creditAmount: 30 });
    expect(report.forecast?.credits.burnRate.total).toBe(30);
  });

  it('has no forecast once the month has ended', async () => {
    const { stdout } = await run({});
    expect('forecast' in parseReport(stdout)).toBe(false);
  });
});

describe('golden reports of test/fixtures/report', () => {
  // Each scenario: manifests/ (any layout), args.json ({ month, now }), expected.json.
  const scenarios = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it('has scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  it.each(scenarios)('%s', async (scenario) => {
    const dir = join(FIXTURES, scenario);
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as { month: string; now: string };
    const { code, stdout, stderr } = await run({ files: [join(dir, 'manifests')], month: args.month, now: args.now });
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_OK);
    const expectedPath = join(dir, 'expected.json');
    if (update || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, stdout);
      if (!update) throw new Error(`${expectedPath} did not exist: written, review it`);
      return;
    }
    expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
});

describe('bad manifests', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mao-report-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const contract = `apiVersion: managedapps.dev/v1alpha1
kind: SupportContract
metadata: { name: c1, namespace: t1 }
spec:
  start: "2026-01-01"
  supportChain: FullFrance
  supportLevels: [{ environment: Production, level: Standard }]
  subscribedLevels: [Database]
  prices: { currency: EUR, tokenPrice: 90 }
`;
  const unit = (name: string, extra = '') => `apiVersion: managedapps.dev/v1alpha1
kind: ServiceUnit
metadata: { name: ${name}, namespace: t1 }
spec:
  level: Database
  targets: [{ kind: VirtualMachine, name: vm-${name} }]
  environment: Production
  subscription: { start: "2026-01-01T00:00:00Z" }
${extra}`;

  it('gives one line per problem naming file, object and field, and exits 1', async () => {
    writeFileSync(join(dir, 'contract.yaml'), contract);
    writeFileSync(join(dir, 'units.yaml'), `${unit('db-1')}---\n${unit('db-2').replace('environment: Production', 'environment: Prod')}`);
    writeFileSync(join(dir, 'incidents.yaml'), `apiVersion: managedapps.dev/v1alpha1
kind: Incident
metadata: { name: inc-1, namespace: t1 }
spec:
  unitRefs: [{ name: db-1 }]
  priority: P1
  openedAt: "2026-10-14 07:12"
`);
    const { code, stdout, stderr } = await run({ files: [dir] });
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines.slice(0, -1).sort()).toEqual([
      `${join(dir, 'incidents.yaml')}:5: Incident/t1/inc-1: spec.summary: Required value`,
      `${join(dir, 'incidents.yaml')}:7: Incident/t1/inc-1: spec.openedAt: Invalid ISO datetime`,
      `${join(dir, 'units.yaml')}:16: ServiceUnit/t1/db-2: spec.environment: Invalid option: expected one of "Production"|"PreProduction"|"Integration"|"Development"`,
    ]);
    expect(lines.at(-1)).toBe('error: 3 problem(s) in the manifests; no report computed');
  });

  it('names the referring object when a conversion fails (an incident on a unit that does not exist)', async () => {
    writeFileSync(join(dir, 'all.yaml'), `${contract}---\n${unit('db-1')}---
apiVersion: managedapps.dev/v1alpha1
kind: Incident
metadata: { name: inc-1, namespace: t1 }
spec:
  unitRefs: [{ name: db-9 }]
  priority: P1
  summary: down
  openedAt: "2026-10-14T07:12:00Z"
`);
    const { code, stderr } = await run({ files: [join(dir, 'all.yaml')] });
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(stderr.split('\n')[0]).toBe(`${join(dir, 'all.yaml')}:20: Incident/t1/inc-1: spec.unitRefs[0].name: no ServiceUnit named 'db-9' in the tenant`);
  });

  it('reports invalid YAML, a missing path and an unknown kind of the group', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    writeFileSync(join(dir, 'unknown.yaml'), 'apiVersion: managedapps.dev/v1alpha1\nkind: Tenant\nmetadata: { name: x }\n');
    const { errors } = await loadManifests([dir, join(dir, 'missing')]);
    expect(errors.map(formatManifestError)).toEqual([
      expect.stringMatching(new RegExp(`^${join(dir, 'broken.yaml')}:2: not valid YAML \\(document 1\\)`)),
      `${join(dir, 'unknown.yaml')}:2: Tenant/x: kind: not a kind of managedapps.dev: "Tenant"`,
      `${join(dir, 'missing')}: no such file or folder`,
    ]);
  });

  it('refuses the same object defined twice', async () => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'u.yaml'), unit('db-1'));
    writeFileSync(join(dir, 'u.yml'), unit('db-1'));
    const { errors } = await loadManifests([dir]);
    expect(errors.map(formatManifestError)).toEqual([`${join(dir, 'u.yml')}:1: ServiceUnit/t1/db-1: metadata.name: defined twice (first in ${join(dir, 'a', 'u.yaml')}:1)`]);
  });
});

describe('loading manifests', () => {
  it('walks folders, flattens Lists and ignores other groups', async () => {
    const { objects, errors } = await loadManifests([join(FIXTURES, 'standard-retail', 'manifests')]);
    expect(errors).toEqual([]);
    const shop = objects.find((o) => o.name === 'app-shop');
    expect(shop).toMatchObject({ kind: 'ServiceUnit', namespace: 'beta-retail', document: 0, item: 0, file: expect.stringMatching(/units\/shop\.json$/) });
    expect(objects.some((o) => (o.kind as string) === 'Namespace' || (o.kind as string) === 'Kustomization')).toBe(false);
    // Defaults applied as the API server would; the level-3 owner by level (domain.md §2): the
    // provider for the Database unit db-shop01 (app-shop, an Application, names Provider itself).
    const db = objects.find((o) => o.name === 'db-shop01');
    expect(db?.resource.kind === 'ServiceUnit' && db.resource.spec.buildModel).toBe('FullBuild');
    expect(db?.resource.kind === 'ServiceUnit' && levelThreeOwnerOf(db.resource)).toBe('Provider');
  });
});

describe('several contracts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mao-report-'));
    const other = readFileSync(join(SAMPLES, 'supportcontract.yaml'), 'utf8').replace('name: acme-logistics-2026', 'name: acme-logistics-2027');
    writeFileSync(join(dir, 'second-contract.yaml'), other);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a list, sorted by contract, or the one named by --contract', async () => {
    const all = await run({ files: [SAMPLES, dir] });
    expect(all.code).toBe(EXIT_OK);
    const list = JSON.parse(all.stdout);
    expect(Array.isArray(list)).toBe(true);
    expect(list).toHaveLength(2);
    const one = await run({ files: [SAMPLES, dir], contract: 'acme-logistics-2027' });
    expect(JSON.parse(one.stdout)).toEqual(list[1]);
  });

  it('exits 1 when the named contract is not there', async () => {
    const { code, stderr } = await run({ contract: 'nope' });
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(stderr).toContain("no SupportContract named 'nope'");
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [{ month: '2026-13' }, "--month '2026-13' is not a calendar month YYYY-MM"],
    [{ month: '10/2026' }, "--month '10/2026' is not a calendar month YYYY-MM"],
    [{ month: '' }, '--month YYYY-MM is required'],
    [{ now: '2026-11-03' }, "--now '2026-11-03' is not an RFC 3339 instant"],
    [{ output: 'xml' as 'json' }, "-o 'xml': expected one of json, yaml, table"],
    [{ files: [] }, '--offline needs manifests'],
    [{ offline: false }, '-f is only with --offline'],
    [{ offline: false, files: [], now: '2026-11-03T08:00:00Z' }, '--now is only with --offline'],
  ] as const)('%j', async (options, message) => {
    const { code, stdout, stderr } = await run(options);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });
});

describe('registerReportCommand', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('parses the flags of the command line', async () => {
    let stdout = '';
    const program = new Command('managedapps');
    registerReportCommand(program, { stdout: (s) => (stdout += s), stderr: () => undefined });
    await program.parseAsync(['report', '--offline', '-f', SAMPLES, '--month', '2026-10', '--now', '2026-11-03T08:00:00Z', '-o', 'yaml', '-n', 'acme-logistics', '--contract', 'acme-logistics-2026'], { from: 'user' });
    expect(process.exitCode).toBe(EXIT_OK);
    expect(parseYaml(stdout)).toMatchObject({ period: { month: '2026-10' }, currency: 'EUR' });
  });

  it('takes objects without a namespace into the one given by -n', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mao-report-'));
    try {
      for (const file of ['supportcontract.yaml', 'managedfunctions.yaml', 'serviceunits.yaml']) {
        writeFileSync(join(dir, file), readFileSync(join(SAMPLES, file), 'utf8').replaceAll('  namespace: acme-logistics\n', ''));
      }
      const program = new Command('managedapps');
      let stdout = '';
      registerReportCommand(program, { stdout: (s) => (stdout += s), stderr: () => undefined });
      await program.parseAsync(['report', '--offline', '-f', dir, '--month', '2026-10', '--now', '2026-11-03T08:00:00Z', '-o', 'json', '-n', 'acme-logistics'], { from: 'user' });
      expect(process.exitCode).toBe(EXIT_OK);
      expect(JSON.parse(stdout).functions).toHaveLength(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
