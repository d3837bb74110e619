// The offline report at scale (issue 4, "Performance"): one tenant with 10,000 units, 50,000
// incidents and 5,000 changes, generated in memory as YAML manifests (seeded: the same text on
// every machine). Measured in one run, through the code of `managedapps report --offline`:
//   parse  = parseManifestText (YAML parse + zod validation of every object);
//   report = computeReports (reportInputToDomain + computeMonthlyReport) on the parsed objects.
// Aim: report ≤ 3 × parse. YAML is read by js-yaml (files with a problem again by `yaml`, for
// exact lines; issue 17); the same objects as JSON (which the command reads too, same code path)
// give the stricter baseline, printed as a second ratio (aim: YAML within 2× of JSON);
// computeMonthlyReport alone is printed as well.
import type { ChangeRequest, Incident, MaintenanceWindow, ManagedFunction, ManagedTenant, ServiceUnit, SupportContract } from '../../src/api/v1alpha1/index.ts';
import { reportInputToDomain } from '../../src/api/v1alpha1/index.ts';
import { parseManifestText, type LoadedObject } from '../../src/cli/manifests.ts';
import { computeReports } from '../../src/cli/report.ts';
import { computeMonthlyReport, type ReportInput } from '../../src/domain/index.ts';
import { heapUsedMiB, measure, mib, ms, seededRandom, type Benchmark } from './harness.ts';

export const SIZE = { units: 10_000, incidents: 50_000, changes: 5_000, applications: 20 } as const;
const NS = 'bench';
const MONTH = '2026-03'; // with the change to summer time on the 29th
const NOW = new Date('2026-04-05T08:00:00Z');
const FROM = Date.parse('2026-02-20T00:00:00Z');
const TO = Date.parse('2026-03-31T20:00:00Z');

const VM_LEVELS = ['OS', 'Database', 'Middleware', 'Application'] as const;
const CLUSTER_LEVELS = ['Kubernetes', 'Containers'] as const;
const PRIORITIES = ['P1', 'P1', 'P2', 'P2', 'P2', 'P3', 'P3', 'P3', 'P3', 'P4'] as const;
const CAUSES = ['Provider', 'Provider', 'Provider', 'Provider', 'Provider', 'Provider', 'Client', 'Shared', 'IaaS', 'Unknown'] as const;

export interface GeneratedTenant {
  /** File name → YAML text (multi-document), as the command would read them. */
  readonly files: ReadonlyMap<string, string>;
}

const header = (kind: string, name: string, labels = ''): string =>
  `apiVersion: managedapps.dev/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${labels}`;
const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function generateTenant(seed = 42): GeneratedTenant {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const files = new Map<string, string>();

  files.set('tenant.yaml', [
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
    monthlyFees: [{ name: run, amount: 250000 }]
  monthlyTokens: 200
`,
  ].join('---\n'));

  const unitNames: string[] = [];
  const units: string[] = [];
  for (let i = 0; i < SIZE.units; i++) {
    const cluster = random() < 0.15;
    const level = cluster ? pick(CLUSTER_LEVELS) : pick(VM_LEVELS);
    const name = `${level.toLowerCase()}-${String(i).padStart(5, '0')}`;
    unitNames.push(name);
    const app = level === 'Application' ? `    managedapps.dev/application: app-${Math.floor(random() * SIZE.applications)}\n` : '';
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
  files.set('units.yaml', units.join('---\n'));

  const functions: string[] = [];
  for (const family of ['OS', 'Database', 'Middleware', 'Kubernetes', 'Containers']) {
    functions.push(`${header('ManagedFunction', family.toLowerCase())}spec:\n  family: ${family}\n  monthlyCharge: ${Math.round(5000 + random() * 20000)}\n`);
  }
  for (let a = 0; a < SIZE.applications; a++) {
    functions.push(`${header('ManagedFunction', `app-${a}`)}spec:
  family: Application
  selector:
    matchLabels:
      managedapps.dev/application: app-${a}
  monthlyCharge: ${Math.round(2000 + random() * 8000)}
`);
  }
  files.set('functions.yaml', functions.join('---\n'));

  files.set('windows.yaml', [
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
  ].join('---\n'));

  const incidents: string[] = [];
  for (let i = 0; i < SIZE.incidents; i++) {
    const opened = FROM + random() * (TO - FROM);
    const resolved = opened + (600 + random() * 30 * 3600) * 1000;
    const unitCount = random() < 0.9 ? 1 : 2;
    const refs = Array.from({ length: unitCount }, () => `{ name: ${pick(unitNames)} }`);
    const exclusion = random() < 0.1
      ? `  exclusions:\n    - { start: "${iso(opened + 300_000)}", end: "${iso(opened + 1_200_000)}", reason: waiting for the client }\n`
      : '';
    incidents.push(`${header('Incident', `inc-${String(i).padStart(6, '0')}`)}spec:
  unitRefs: [${[...new Set(refs)].join(', ')}]
  priority: ${pick(PRIORITIES)}
  summary: Generated incident ${i}
  detection: ${random() < 0.7 ? 'Monitoring' : 'Client'}
  openedAt: "${iso(opened)}"
  resolvedAt: "${iso(resolved)}"
  cause: ${pick(CAUSES)}
${exclusion}`);
  }
  files.set('incidents.yaml', incidents.join('---\n'));

  const changes: string[] = [];
  for (let i = 0; i < SIZE.changes; i++) {
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
  files.set('changes.yaml', changes.join('---\n'));
  return { files };
}

/** The same objects as JSON files, one `List` per file (defaults already applied: same content). */
function asJson(objects: readonly LoadedObject[]): GeneratedTenant {
  const byFile = new Map<string, unknown[]>();
  for (const o of objects) {
    const file = o.file.replace(/\.yaml$/, '.json');
    const items = byFile.get(file) ?? [];
    items.push(o.resource);
    byFile.set(file, items);
  }
  return { files: new Map([...byFile].map(([file, items]) => [file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items })])) };
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

function parseAll(tenant: GeneratedTenant): LoadedObject[] {
  const objects: LoadedObject[] = [];
  for (const [file, text] of tenant.files) {
    const result = parseManifestText(text, file);
    if (result.errors.length > 0) throw new Error(`generated manifests are invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
    objects.push(...result.objects);
  }
  return objects;
}

const benchmark: Benchmark = {
  name: 'report',
  description: `offline SLA report of ${MONTH}: ${SIZE.units} units, ${SIZE.incidents} incidents, ${SIZE.changes} changes`,
  async run(log) {
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    const tenant = generateTenant();
    const bytes = [...tenant.files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
    log(`generated ${(bytes / 2 ** 20).toFixed(1)} MiB of YAML; warm-up once, then median of ${runs} runs`);
    const heapBefore = heapUsedMiB();

    const parse = await measure(() => parseAll(tenant), { warmup: 1, runs });
    const objects = parse.last;
    const heapParsed = heapUsedMiB();
    log(`parse: ${parse.samplesMs.map(ms).join(', ')}`);

    const report = await measure(() => {
      const result = computeReports(objects, MONTH, NOW);
      if (result.errors.length > 0 || result.reports.length !== 1) throw new Error(`report failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
      return result.reports;
    }, { warmup: 1, runs });
    log(`report: ${report.samplesMs.map(ms).join(', ')}`);
    const r = report.last[0]?.report;
    const heapReported = heapUsedMiB();

    const json = asJson(objects);
    const parseJson = await measure(() => parseAll(json), { warmup: 1, runs });
    log(`parse JSON: ${parseJson.samplesMs.map(ms).join(', ')}`);
    const input = reportInput(objects);
    const domain = await measure(() => computeMonthlyReport(input, MONTH, NOW), { warmup: 1, runs });
    log(`computeMonthlyReport: ${domain.samplesMs.map(ms).join(', ')}`);

    return [
      { label: 'objects parsed', value: String(objects.length) },
      { label: 'report content', value: `${r?.functions.length ?? 0} functions, ${r?.gtr.incidents.length ?? 0} incidents (${r?.gtr.resolved ?? 0} counted), ${r?.gtc.changes.length ?? 0} changes` },
      { label: 'parse YAML (js-yaml + zod), median', value: ms(parse.medianMs) },
      { label: 'report (toDomain + computeMonthlyReport), median', value: ms(report.medianMs) },
      { label: '  of which computeMonthlyReport', value: ms(domain.medianMs) },
      { label: 'ratio report / parse YAML', value: `${(report.medianMs / parse.medianMs).toFixed(2)}× (aim ≤ 3×)` },
      { label: 'parse JSON (JSON.parse + zod), median', value: ms(parseJson.medianMs) },
      { label: 'ratio report / parse JSON', value: `${(report.medianMs / parseJson.medianMs).toFixed(2)}×` },
      { label: 'ratio parse YAML / parse JSON', value: `${(parse.medianMs / parseJson.medianMs).toFixed(2)}× (aim ≤ 2×)` },
      { label: 'heap used: generated text only', value: mib(heapBefore) },
      { label: 'heap used: + parsed objects', value: mib(heapParsed) },
      { label: 'heap used: + report', value: mib(heapReported) },
    ];
  },
};

export default benchmark;
