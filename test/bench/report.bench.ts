// The offline report at scale (issue 4 "Performance", issue 17 item 2): one tenant of 10,000
// units, 50,000 incidents and 5,000 changes (22.7 MiB of YAML), times MAO_BENCH_REPORT_SCALE
// (default 1; 10 for the 10× tenant), generated seeded (the same text on every machine) and
// written one object at a time to a temporary folder: the YAML manifests, the same objects as
// NDJSON (one object as written per line) and as JSON Lists.
//
// Whole processes, in turn (whole-process.ts: wall, CPU, peak memory, ratios pair by pair):
//   report --offline on the YAML: `managedapps report --offline -f <yaml> -o json`, end to end
//     (stream, parse, the API server's checks, the report, printed);
//   the floor: JSON.parse + zod of the same objects (report-floor.ts), each object kept;
//   report --offline on the JSON Lists: the command's JSON path, with the same checks.
// Aim: report --offline within 2× of the floor, at 1× and 10×, memory printed too.
// In this process, at scale 1 only (phases, the old figures): load = loadManifests of the YAML
// (stream + js-yaml + zod + checks), report = computeReports (toDomain + computeMonthlyReport),
// computeMonthlyReport alone, the floor's load in this process. Aim: report ≤ 3 × load. The HTML
// pack (`-o html` from the input: reportWithCharts + renderPackHtml) against computeMonthlyReport
// (aim ≤ 2×) and its size (aim < 5 MB). And the month's statement (issue 13: monthStatement against
// computeMonthlyReport, aim ≤ 0.5×), and every statement from the contract's start as the offline
// report computes them.
// MAO_BENCH_REPORT_RUNS sets the runs (default 3 at scale 1, 1 above, after one warm-up at scale 1).
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import type { ChangeRequest, Incident, MaintenanceWindow, ManagedFunction, ManagedTenant, ServiceUnit, SupportContract } from '../../src/api/v1alpha1/index.ts';
import { reportInputToDomain } from '../../src/api/v1alpha1/index.ts';
import { loadManifests, type LoadedObject } from '../../src/cli/manifests.ts';
import { computeReports } from '../../src/cli/report.ts';
import { renderPackHtml } from '../../src/cli/pack-html.ts';
import { claimBasisOf, claimCredit, computeMonthlyReport, evaluateTenant, monthlyPack, monthStatement, reportWithCharts, statementsThrough, type ReportInput } from '../../src/domain/index.ts';
import { heapUsedMiB, measure, mib, ms, seededRandom, type Benchmark, type Figure } from './harness.ts';
import { floorLoad } from './report-floor.ts';
import { measurePaired, pairedFigures, wallsText, type ProcessCommand } from './whole-process.ts';

const SCALE = Number(process.env.MAO_BENCH_REPORT_SCALE ?? 1);
/** The 1× tenant of issue 4; every count but the applications' grows with the scale. */
export const SIZE = { units: 10_000, incidents: 50_000, changes: 5_000, applications: 20 } as const;
type Size = { readonly units: number; readonly incidents: number; readonly changes: number; readonly applications: number };
const sizeAt = (scale: number): Size => ({ units: Math.round(SIZE.units * scale), incidents: Math.round(SIZE.incidents * scale), changes: Math.round(SIZE.changes * scale), applications: SIZE.applications });
const NS = 'bench';
const MONTH = '2026-03'; // with the change to summer time on the 29th
const NOW = new Date('2026-04-05T08:00:00Z');
const FROM = Date.parse('2026-02-20T00:00:00Z');
const TO = Date.parse('2026-03-31T20:00:00Z');

const VM_LEVELS = ['OS', 'Database', 'Middleware', 'Application'] as const;
const CLUSTER_LEVELS = ['Kubernetes', 'Containers'] as const;
const PRIORITIES = ['P1', 'P1', 'P2', 'P2', 'P2', 'P3', 'P3', 'P3', 'P3', 'P4'] as const;
const CAUSES = ['Provider', 'Provider', 'Provider', 'Provider', 'Provider', 'Provider', 'Client', 'Shared', 'IaaS', 'Unknown'] as const;

/** A file written in pieces of about 1 MiB, never held whole. */
class Output {
  readonly #fd: number;
  #buffer = '';
  bytes = 0;
  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }
  write(text: string): void {
    this.#buffer += text;
    this.bytes += Buffer.byteLength(text);
    if (this.#buffer.length > 1 << 20) this.flush();
  }
  flush(): void {
    writeSync(this.#fd, this.#buffer);
    this.#buffer = '';
  }
  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/**
 * The tenant's files, three ways: <dir>/yaml/<name>.yaml (documents separated by `---`),
 * <dir>/ndjson/<name>.ndjson (each document as js-yaml reads it, one per line: the floor's input)
 * and <dir>/json/<name>.json (the same objects as a `List`).
 */
class TenantFiles {
  readonly #dir: string;
  yamlBytes = 0;
  objects = 0;
  constructor(dir: string) {
    this.#dir = dir;
    for (const sub of ['yaml', 'ndjson', 'json']) mkdirSync(join(dir, sub), { recursive: true });
  }
  open(name: string): { push(doc: string): void; close(): void } {
    const base = name.replace(/\.yaml$/, '');
    const yaml = new Output(join(this.#dir, 'yaml', name));
    const ndjson = new Output(join(this.#dir, 'ndjson', `${base}.ndjson`));
    const json = new Output(join(this.#dir, 'json', `${base}.json`));
    json.write('{"apiVersion":"v1","kind":"List","items":[');
    let first = true;
    return {
      push: (doc: string) => {
        yaml.write(first ? doc : `---\n${doc}`);
        const object = JSON.stringify(load(doc, { schema: CORE_SCHEMA }));
        ndjson.write(`${object}\n`);
        json.write(first ? object : `,${object}`);
        first = false;
        this.objects++;
      },
      close: () => {
        json.write(']}');
        for (const o of [yaml, ndjson, json]) o.close();
        this.yamlBytes += yaml.bytes;
      },
    };
  }
  write(name: string, docs: readonly string[]): void {
    const file = this.open(name);
    for (const doc of docs) file.push(doc);
    file.close();
  }
}

const header = (kind: string, name: string, labels = ''): string =>
  `apiVersion: managedapps.dev/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${labels}`;
const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');


/** Writes the tenant of `size` into `dir` (tenant.yaml, units.yaml, ...: see TenantFiles); returns the YAML bytes. */
export function writeTenant(dir: string, size: Size, seed = 42, files = new TenantFiles(dir)): number {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  files.write('tenant.yaml', [
    `${header('ManagedTenant', NS)}spec:
  displayName: Benchmark tenant
  managementModel: FullyManaged
  iaas: { provider: OutscaleCloud, region: eu-west-2 }
  calendar: { timeZone: Europe/Paris, holidayCountry: FR, businessHours: { start: "09:00", end: "18:00" } }
  contacts:
    - { name: ops, fullName: Operations, email: ops@bench.example, roles: [IncidentReporter, ChangeRequester, ChangeApprover, SLAClaimer] }
`,
    `${header('SupportContract', `${NS}-2026`)}spec:
  start: "2025-01-01"
  supportChain: FullFrance
  supportLevels:
    - { environment: Production, level: Premium }
    - { environment: PreProduction, level: Standard }
  subscribedLevels: [OS, Database, Middleware, Application, Kubernetes, Containers]
  prices:
    currency: EUR
    tokenPrice: 95
    monthlyMinimum: 600000
    monthlyFees: [{ name: run, amount: 250000 }]
    ticketPrices: { Premium: 85, Standard: 60, Initial: 45, NoSLA: 30 }
  monthlyTokens: 200
  monthlyTickets: 4000
  syntecIndices: [{ year: 2025, index: 290.1 }, { year: 2026, index: 298.7 }]
`,
  ]);

  const unitNames: string[] = [];
  const units = files.open('units.yaml');
  for (let i = 0; i < size.units; i++) {
    const cluster = random() < 0.15;
    const level = cluster ? pick(CLUSTER_LEVELS) : pick(VM_LEVELS);
    const name = `${level.toLowerCase()}-${String(i).padStart(5, '0')}`;
    unitNames.push(name);
    const app = level === 'Application' ? `    managedapps.dev/application: app-${Math.floor(random() * size.applications)}\n` : '';
    const patch = random() < 0.5 ? '    managedapps.dev/patch-group: weekly\n' : '';
    const labels = app + patch === '' ? '' : `  labels:\n${app}${patch}`;
    const start = random() < 0.05 ? '2026-03-16T00:00:00+01:00' : '2025-06-01T00:00:00+02:00';
    const validated = random() < 0.97 ? '[Connectivity, Monitoring, Patching, Backup, RestoreProcedure]' : '[Connectivity, Monitoring]';
    units.push(`${header('ServiceUnit', name, labels)}spec:
  level: ${level}
  targets:
    - kind: ${cluster ? 'KubernetesCluster' : 'VirtualMachine'}
      name: t-${name}
  environment: ${random() < 0.8 ? 'Production' : 'PreProduction'}
  levelThreeOwner: ${random() < 0.95 ? 'Provider' : 'Client'}
  subscription:
    start: "${start}"
  prerequisites:
    validated: ${validated}
  monitoring:
    tcpSocket: { host: ${name}.bench.internal, port: 443 }
    period: 30s
    timeout: 5s
`);
  }
  units.close();

  const functions = files.open('functions.yaml');
  for (const family of ['OS', 'Database', 'Middleware', 'Kubernetes', 'Containers']) {
    functions.push(`${header('ManagedFunction', family.toLowerCase())}spec:\n  family: ${family}\n  monthlyCharge: ${Math.round(5000 + random() * 20000)}\n`);
  }
  for (let a = 0; a < size.applications; a++) {
    functions.push(`${header('ManagedFunction', `app-${a}`)}spec:
  family: Application
  selector:
    matchLabels:
      managedapps.dev/application: app-${a}
  monthlyCharge: ${Math.round(2000 + random() * 8000)}
`);
  }
  functions.close();

  files.write('windows.yaml', [
    `${header('MaintenanceWindow', 'weekly-patching')}spec:
  purpose: SecurityPatching
  recurrence: { rrule: "FREQ=WEEKLY;BYDAY=TU", from: "2025-06-01T00:00:00+02:00", startTime: "22:00" }
  duration: 3h
  timeZone: Europe/Paris
  selector: { matchLabels: { managedapps.dev/patch-group: weekly } }
  excludeFromAvailability: true
`,
    `${header('MaintenanceWindow', 'monthly-maintenance')}spec:
  purpose: Maintenance
  recurrence: { rrule: "FREQ=MONTHLY;BYDAY=1SU", from: "2025-06-01T00:00:00+02:00", startTime: "06:00" }
  duration: 2h30m
  timeZone: Europe/Paris
  selector: { matchExpressions: [{ key: managedapps.dev/application, operator: DoesNotExist }] }
  excludeFromAvailability: true
`,
    `${header('MaintenanceWindow', 'cluster-upgrade')}spec:
  purpose: Upgrade
  start: "2026-03-21T20:00:00+01:00"
  duration: 6h
  selector: { matchLabels: { managedapps.dev/patch-group: weekly } }
  excludeFromAvailability: true
`,
  ]);

  const incidents = files.open('incidents.yaml');
  for (let i = 0; i < size.incidents; i++) {
    const opened = FROM + random() * (TO - FROM);
    const resolved = opened + (600 + random() * 30 * 3600) * 1000;
    const unitCount = random() < 0.9 ? 1 : 2;
    const refs = Array.from({ length: unitCount }, () => `{ name: ${pick(unitNames)} }`);
    const exclusion = random() < 0.1
      ? `  exclusions:\n    - { start: "${iso(opened + 300_000)}", end: "${iso(opened + 1_200_000)}", reason: waiting for the client }\n`
      : '';
    // issue 13: one incident in five records its work time (billable effort on the statement);
    // derived from the index, not drawn, so the seeded sequence (and every other figure) stays.
    const work = i % 5 === 0 ? `  workMinutes: ${20 + (i % 100)}\n` : '';
    incidents.push(`${header('Incident', `inc-${String(i).padStart(6, '0')}`)}spec:
  unitRefs: [${[...new Set(refs)].join(', ')}]
  priority: ${pick(PRIORITIES)}
  summary: Generated incident ${i}
  detection: ${random() < 0.7 ? 'Monitoring' : 'Client'}
  openedAt: "${iso(opened)}"
  resolvedAt: "${iso(resolved)}"
  cause: ${pick(CAUSES)}
${work}${exclusion}`);
  }
  incidents.close();

  const changes = files.open('changes.yaml');
  for (let i = 0; i < size.changes; i++) {
    const requested = FROM + random() * (TO - FROM);
    const completed = requested + (1800 + random() * 5 * 86400) * 1000;
    const kind = random();
    const category = kind < 0.6 ? 'StandardSimple' : kind < 0.95 ? 'StandardComplex' : 'NonStandard';
    const tokens = category === 'StandardSimple' ? 1 : 2 + Math.floor(random() * 10);
    const catalog = category === 'NonStandard' ? '' : '  catalogItem: generated.item\n';
    const validation = category === 'NonStandard'
      ? `  validation: { decision: Accepted, validatedBy: sdm, validatedAt: "${iso(requested + 86_400_000)}", quoteTokens: ${tokens} }\n`
      : '';
    changes.push(`${header('ChangeRequest', `chg-${String(i).padStart(5, '0')}`)}spec:
  unitRefs: [{ name: ${pick(unitNames)} }]
  category: ${category}
${catalog}  summary: Generated change ${i}
  tokens: ${tokens}
  accelerated: ${random() < 0.01}
  outsideBusinessHours: ${random() < 0.1}
  requestedAt: "${iso(requested)}"
  completedAt: "${iso(completed)}"
${validation}`);
  }
  changes.close();
  return files.yamlBytes;
}

/** The ReportInput of the single tenant, as computeReports builds it (for timing the domain alone). */
function reportInput(objects: readonly LoadedObject[]): ReportInput {
  const of = <T>(kind: string): T[] => objects.filter((o) => o.kind === kind).map((o) => o.resource as T);
  const contract = of<SupportContract>('SupportContract')[0];
  if (contract === undefined) throw new Error('no contract');
  const conversion = reportInputToDomain({
    tenant: of<ManagedTenant>('ManagedTenant')[0],
    contract,
    units: of<ServiceUnit>('ServiceUnit'),
    functions: of<ManagedFunction>('ManagedFunction'),
    incidents: of<Incident>('Incident'),
    changes: of<ChangeRequest>('ChangeRequest'),
    maintenanceWindows: of<MaintenanceWindow>('MaintenanceWindow'),
  });
  if (!conversion.ok) throw new Error(JSON.stringify(conversion.errors.slice(0, 3)));
  return conversion.value;
}

async function loadAll(dir: string): Promise<LoadedObject[]> {
  const { objects, errors } = await loadManifests([dir], { raw: false });
  if (errors.length > 0) throw new Error(`generated manifests are invalid: ${JSON.stringify(errors.slice(0, 3))}`);
  return objects;
}

/** The phases in this process (scale 1): the figures this benchmark printed before issue 17, the floor beside them. */
async function phases(dir: string, runs: number, log: (line: string) => void): Promise<Figure[]> {
  const heapBefore = heapUsedMiB();
  const parse = await measure(() => loadAll(join(dir, 'yaml')), { warmup: 1, runs });
  const objects = parse.last;
  const heapParsed = heapUsedMiB();
  log(`load YAML: ${parse.samplesMs.map(ms).join(', ')}`);
  const report = await measure(() => {
    const result = computeReports(objects, MONTH, NOW);
    if (result.errors.length > 0 || result.reports.length !== 1) throw new Error(`report failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
    return result.reports;
  }, { warmup: 1, runs });
  log(`report: ${report.samplesMs.map(ms).join(', ')}`);
  const r = report.last[0]?.report;
  const heapReported = heapUsedMiB();
  const input = reportInput(objects);
  const domain = await measure(() => computeMonthlyReport(input, MONTH, NOW), { warmup: 1, runs });
  // issue 16: the monthly pack alone (computeMonthlyReport computes it too), and its JSON's size in the status.
  const reported = domain.last;
  const pack = await measure(() => monthlyPack(input, reported, NOW), { warmup: 1, runs });
  const packBytes = Buffer.byteLength(JSON.stringify(pack.last));
  // issue 16 item 3: `report -o html` of the same tenant, from its input (the report and the page's
  // series from one evaluation, then the page with its ECharts SVG), against computeMonthlyReport
  // (aim ≤ 2×), and the page's size (aim < 5 MB); the series and the page alone too.
  const page = await measure(() => {
    const { report: month, charts } = reportWithCharts(input, MONTH, NOW);
    return renderPackHtml({ namespace: 'bench', contract: 'bench', report: month, charts, language: 'en' });
  }, { warmup: 1, runs });
  const pageBytes = Buffer.byteLength(page.last);
  const withCharts = reportWithCharts(input, MONTH, NOW);
  const render = await measure(() => renderPackHtml({ namespace: 'bench', contract: 'bench', ...withCharts, language: 'en' }), { warmup: 1, runs });
  log(`html pack: ${page.samplesMs.map(ms).join(', ')}; render alone: ${render.samplesMs.map(ms).join(', ')}`);
  // issue 13: the month's statement as the report controller computes it (monthStatement: the
  // records, the month's terms, the report's token ledger, the previous month's carry), and as
  // `report --offline` does with no stored statement (statementsThrough: every month from the
  // contract's start, 2025-01, each carrying the one before; the months' ledgers from one
  // evaluation, as the offline report has it).
  const statement = await measure(() => monthStatement({ input, month: MONTH, tokens: { pack: reported.tokens.pack, used: reported.tokens.used }, claims: [], previous: () => ({ creditsCarriedOut: 0, excludingTax: 0, minimumRevenueShortfall: 0 }) }), { warmup: 1, runs });
  const st = statement.last;
  const ev = evaluateTenant(input, NOW);
  const tokensOf = (m: string) => { const l = ev.ledger(m); return { pack: l?.packTokens ?? 0, used: l?.consumedTokens ?? 0 }; };
  const through = await measure(() => statementsThrough(input, MONTH, tokensOf, []), { warmup: 1, runs });
  // issue 13: what an SLAClaim's reconcile computes once per month and version (claim/reconciler.ts):
  // the month's claim basis (an evaluation at its close, then a pass over its rows), then a credit.
  const basis = await measure(() => claimBasisOf(input, MONTH), { warmup: 1, runs });
  const b = basis.last;
  const every = await measure(() => claimCredit(b, b.tickets), { warmup: 1, runs });
  const half = b.tickets.filter((_, i) => i % 2 === 0);
  const some = await measure(() => claimCredit(b, half), { warmup: 1, runs });
  const json = await measure(() => loadAll(join(dir, 'json')), { warmup: 1, runs });
  const floor = await measure(() => floorLoad(join(dir, 'ndjson')), { warmup: 1, runs });
  log(`load JSON: ${json.samplesMs.map(ms).join(', ')}; floor: ${floor.samplesMs.map(ms).join(', ')}`);
  return [
    { label: 'in this process: report content', value: `${r?.functions.length ?? 0} functions, ${r?.gtr.incidents.length ?? 0} incidents (${r?.gtr.resolved ?? 0} counted), ${r?.gtc.changes.length ?? 0} changes` },
    { label: '  load YAML (stream, js-yaml, zod, checks), median', value: ms(parse.medianMs) },
    { label: '  load the JSON Lists (JSON.parse, zod, checks), median', value: `${ms(json.medianMs)} (YAML / JSON ${(parse.medianMs / json.medianMs).toFixed(2)}×)` },
    { label: '  floor: JSON.parse + zod of NDJSON, median', value: `${ms(floor.medianMs)} (load YAML / floor ${(parse.medianMs / floor.medianMs).toFixed(2)}×)` },
    { label: '  report (toDomain + computeMonthlyReport), median', value: `${ms(report.medianMs)} (report / load YAML ${(report.medianMs / parse.medianMs).toFixed(2)}×, aim ≤ 3×)` },
    { label: '    of which computeMonthlyReport', value: ms(domain.medianMs) },
    { label: '      of which the monthly pack (monthlyPack), median', value: `${ms(pack.medianMs)} (${((pack.medianMs / domain.medianMs) * 100).toFixed(1)} % of computeMonthlyReport), ${packBytes} bytes of JSON` },
    { label: '  HTML pack (report + series + page, -o html), median', value: `${ms(page.medianMs)} (${(page.medianMs / domain.medianMs).toFixed(2)}× computeMonthlyReport, aim ≤ 2×), ${(pageBytes / 1e6).toFixed(2)} MB (aim < 5 MB)` },
    { label: '    of which the page alone (renderPackHtml: ECharts SVG, tables), median', value: `${ms(render.medianMs)}, ${withCharts.charts.burn.length} functions' burn, ${withCharts.charts.incidentsByDay.reduce((n, d) => n + d.P1 + d.P2 + d.P3 + d.P4, 0)} incidents by day` },
    { label: '  the month\'s statement (monthStatement), median', value: `${ms(statement.medianMs)} (statement / computeMonthlyReport ${(statement.medianMs / domain.medianMs).toFixed(2)}×, aim ≤ 0.5×): ${st.tickets.used} tickets, ${st.effort.lines.length + (st.effort.omitted ?? 0)} effort lines, ${st.tokens.used} tokens, ${st.totals.excludingTax.toFixed(2)} ${st.currency} excluding tax` },
    { label: '  every statement since the contract\'s start (statementsThrough), median', value: `${ms(through.medianMs)} for ${through.last.length} months (${(through.medianMs / domain.medianMs).toFixed(2)}× computeMonthlyReport)` },
    { label: '  claim basis of the month (claimBasisOf), median', value: `${ms(basis.medianMs)} (${(basis.medianMs / domain.medianMs).toFixed(2)}× computeMonthlyReport), ${b.tickets.length} tickets` },
    { label: '  a claim of every ticket, of every other one (claimCredit), median', value: `${ms(every.medianMs)}, ${ms(some.medianMs)} (total ${every.last.total.toFixed(2)}, report ${r?.credits.total.toFixed(2) ?? '?'})` },
    { label: '  heap used: before, + parsed objects, + report', value: `${mib(heapBefore)}, ${mib(heapParsed)}, ${mib(heapReported)}` },
  ];
}

const benchmark: Benchmark = {
  name: 'report',
  description: `offline SLA report of ${MONTH}: ${sizeAt(SCALE).units} units, ${sizeAt(SCALE).incidents} incidents, ${sizeAt(SCALE).changes} changes (scale ${SCALE})`,
  async run(log) {
    const runs = Number(process.env.MAO_BENCH_REPORT_RUNS ?? process.env.BENCH_RUNS ?? (SCALE > 1 ? 1 : 3));
    const warmup = SCALE > 1 ? 0 : 1;
    const dir = mkdtempSync(join(tmpdir(), 'mao-bench-report-'));
    try {
      const started = performance.now();
      const files = new TenantFiles(dir);
      const bytes = writeTenant(dir, sizeAt(SCALE), 42, files);
      log(`wrote ${(bytes / 2 ** 20).toFixed(1)} MiB of YAML (${files.objects} objects) to ${dir} in ${ms(performance.now() - started)}; ${warmup} warm-up, then ${runs} run(s)`);
      const root = join(import.meta.dirname, '..', '..');
      const command = (input: string): ProcessCommand => ({
        args: [join(root, 'bin', 'managedapps.js'), 'report', '--offline', '-f', join(dir, input), '--month', MONTH, '--now', NOW.toISOString(), '-o', 'json'], cwd: root,
      });
      const floor: ProcessCommand = { args: [join(root, 'test', 'bench', 'report-floor.ts'), join(dir, 'ndjson')], cwd: root };
      const yaml = measurePaired(command('yaml'), floor, runs, warmup);
      log(`report --offline YAML: wall ${wallsText(yaml.command)}; floor ${wallsText(yaml.reference)}`);
      const json = measurePaired(command('json'), floor, runs, warmup);
      log(`report --offline JSON: wall ${wallsText(json.command)}; floor ${wallsText(json.reference)}`);
      const figures: Figure[] = [
        { label: 'objects', value: `${files.objects} in ${(bytes / 2 ** 20).toFixed(1)} MiB of YAML` },
        ...pairedFigures('report --offline (YAML), whole process', 'floor (JSON.parse + zod)', yaml),
        ...pairedFigures('report --offline (JSON Lists), whole process', 'floor (JSON.parse + zod)', json),
      ];
      if (SCALE <= 1) figures.push(...await phases(dir, runs, log));
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
