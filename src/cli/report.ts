// `managedapps report`: the monthly SLA report of design.md §3.
//
// `--offline` computes it from manifests alone, with no cluster, through the same code as the
// controller: parse each object with its schema, convert the tenant's objects with
// reportInputToDomain() (src/api), then computeMonthlyReport() (src/domain).
//
// Without `--offline` it reads the report the operator wrote: the SLAReport `<contract>-<month>`
// of the namespace (kubectl's `-n`, `--context`, `--kubeconfig`), whose status is the report, and
// prints it with the same printers. Default contract: the namespace's only SupportContract;
// default month: the current one in the tenant's time zone.
//
// `-o html|pdf` (pack-output.ts): one page per contract and month, the report and the page's
// series from one evaluation (pack-charts.ts reportWithCharts).
//
// Exit codes: 0 done, 1 bad input (manifests, conversion, no contract) or an API error, 2 usage (flags).
import {
  MONTH_PATTERN, answeredClaimsToDomain, catalogItemsToDomain, reportInputToDomain, type ChangeCatalog, type ChangeRequest, type Incident, type MaintenanceWindow, type Problem, type ManagedFunction, type ManagedTenant,
  type ServiceUnit, type SupportContract,
} from '../api/v1alpha1/index.ts';
import { readFileSync } from 'node:fs';
import {
  CAPACITY_NOT_CONFIGURED, capacityUnavailable, computeMonthlyReport, PACK_LANGUAGES, statementOfRecords, withCapacity, type AnsweredClaim, type CapacitySection, type PackLanguage, type ReportInput,
} from '../domain/index.ts';
import {
  capacityQueries, DEFAULT_CAPACITY_CONCURRENCY, DEFAULT_CAPACITY_STEP_SECONDS, DEFAULT_CAPACITY_TIMEOUT_MS, readCapacity, type CapacityConfig,
} from '../monitoring/capacity.ts';
import { yaml } from './lazy.ts';
import { formatManifestError, loadManifests, objectId, type LoadedObject, type ManifestError } from './manifests.ts';
import { formatReports, OUTPUT_FORMATS, type ContractReport } from './output.ts';

import { DEFAULT_NAMESPACE, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, isPageFormat, type CommandIO, type ReportOptions } from './io.ts';

export { DEFAULT_NAMESPACE, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, type CommandIO, type ReportOptions } from './io.ts';

/** RFC 3339 with a time zone (offset or Z), seconds optional fraction. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export async function reportCommand(opts: ReportOptions, io: CommandIO): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`error: ${message}\n`);
    return EXIT_USAGE;
  };
  if (opts.language !== undefined && !(PACK_LANGUAGES as readonly string[]).includes(opts.language)) return usage(`--language '${opts.language}': expected one of ${PACK_LANGUAGES.join(', ')}`);
  if (opts.outDir !== undefined && !isPageFormat(opts.output)) return usage(`--out-dir is only with -o html or -o pdf`);
  const capacityFlags = [opts.prometheus, opts.capacityQueries, opts.capacityCpu, opts.capacityMemory, opts.capacityDisk, opts.capacityStep, opts.prometheusTokenFile, opts.prometheusCaFile];
  if (!opts.offline) {
    if (capacityFlags.some((f) => f !== undefined)) return usage('--prometheus and the --capacity-* flags are only with --offline (in the cluster the operator read the capacity when it made the report final)');
    if (opts.files.length > 0) return usage('-f is only with --offline (without it the report is read from the cluster)');
    if (opts.now !== undefined) return usage('--now is only with --offline (the operator computed the report in the cluster)');
    if (opts.month !== '' && !MONTH_PATTERN.test(opts.month)) return usage(`--month '${opts.month}' is not a calendar month YYYY-MM`);
    if (!(OUTPUT_FORMATS as readonly string[]).includes(opts.output)) return usage(`-o '${opts.output}': expected one of ${OUTPUT_FORMATS.join(', ')}`);
    // The Kubernetes client only for the in-cluster report: --offline never loads it.
    const { reportFromCluster } = await import('./kubectl/report.ts');
    return reportFromCluster(opts, io);
  }
  if (opts.files.length === 0) return usage('--offline needs manifests: -f <file or folder>...');
  if (opts.month === '') return usage('--month YYYY-MM is required');
  if (!MONTH_PATTERN.test(opts.month)) return usage(`--month '${opts.month}' is not a calendar month YYYY-MM`);
  if (!(OUTPUT_FORMATS as readonly string[]).includes(opts.output)) return usage(`-o '${opts.output}': expected one of ${OUTPUT_FORMATS.join(', ')}`);
  let now = new Date();
  if (opts.now !== undefined) {
    now = new Date(opts.now);
    if (!RFC3339.test(opts.now) || Number.isNaN(now.getTime())) return usage(`--now '${opts.now}' is not an RFC 3339 instant such as 2026-11-02T09:00:00Z`);
  }

  const capacity = capacityConfigOf(opts);
  if (typeof capacity === 'string') return usage(capacity);
  if (capacity === undefined && capacityFlags.some((f) => f !== undefined)) return usage('the --capacity-* and --prometheus-* flags need --prometheus <url>');

  // Without the objects as written (only `verify` hashes them): each object held once.
  const loaded = await loadManifests(opts.files, { raw: false });
  if (loaded.errors.length > 0) return badInput(io, loaded.errors);
  const selection = { contract: opts.contract, namespace: opts.namespace };
  // The pack's capacity section (design.md §3 "The monthly pack"): read now, up to --now, as the
  // operator reads it when it makes the report final; a Prometheus that cannot be read gives the
  // section `available: false` with the error, as a sealed report would have it, and a warning.
  const capacityOf = async (namespace: string, contract: string, input: ReportInput): Promise<CapacitySection> => {
    if (capacity === undefined) return capacityUnavailable(CAPACITY_NOT_CONFIGURED);
    const read = await readCapacity(capacity, {
      namespace, units: input.units.map((u) => ({ name: u.name, labels: u.labels })), month: opts.month, timeZone: input.calendar.timeZone, now,
    });
    if (!read.ok) io.stderr(`warning: ${namespace}/${contract}: capacity not read: ${read.message}\n`);
    return read.ok ? read.section : capacityUnavailable(read.message);
  };
  if (isPageFormat(opts.output)) {
    // One evaluation gives the report and the page's series (pack-charts.ts); ECharts loaded only here.
    const { inputs, errors } = contractInputs(loaded.objects, selection);
    if (errors.length > 0) return badInput(io, errors);
    if (inputs.length === 0) return noContract(io, opts);
    const [{ reportWithCharts }, { writePackPages }] = await Promise.all([import('../domain/pack-charts.ts'), import('./pack-output.ts')]);
    const pages = await Promise.all(inputs.map(async (c) => {
      const { report, charts } = reportWithCharts(c.input, opts.month, now);
      const statement = statementOfRecords(c.input, opts.month, now, answeredClaimsOf(loaded.objects, c.namespace, c.contract.name, selection));
      return {
        namespace: c.namespace, contract: c.contract.name, report: withCapacity(report, await capacityOf(c.namespace, c.contract.name, c.input)), charts, language: languageOf(opts, c.language),
        ...(statement === undefined ? {} : { statement }),
      };
    }));
    return writePackPages(pages, opts.output, opts.outDir, io);
  }
  const computed = computeReports(loaded.objects, opts.month, now, selection);
  if (computed.errors.length > 0) return badInput(io, computed.errors);
  if (computed.reports.length === 0) return noContract(io, opts);
  const reports = await Promise.all(computed.reports.map(async (r) => ({
    ...r, report: withCapacity(r.report, await capacityOf(r.namespace, r.contract, r.input)), language: languageOf(opts, r.language),
  })));
  io.stdout(formatReports(reports, opts.output));
  return EXIT_OK;
}

/** The labels of the pack: --language, else the tenant's, else English. */
export function languageOf(opts: Pick<ReportOptions, 'language'>, tenant: PackLanguage | undefined): PackLanguage {
  return (PACK_LANGUAGES as readonly string[]).includes(opts.language ?? '') ? (opts.language as PackLanguage) : (tenant ?? 'en');
}

function noContract(io: CommandIO, opts: ReportOptions): number {
  const scope = [opts.contract === undefined ? '' : ` named '${opts.contract}'`, opts.namespace === undefined ? '' : ` in namespace '${opts.namespace}'`].join('');
  io.stderr(`error: no SupportContract${scope} in ${opts.files.join(', ')}\n`);
  return EXIT_BAD_INPUT;
}

/**
 * The capacity configuration of the flags: undefined without --prometheus, a usage message when a
 * query's template or the file is refused (the same check as the operator's at start).
 */
export function capacityConfigOf(opts: ReportOptions): CapacityConfig | string | undefined {
  if (opts.prometheus === undefined) return undefined;
  try {
    new URL(opts.prometheus);
  } catch {
    return `--prometheus '${opts.prometheus}' is not a URL such as http://prometheus:9090`;
  }
  let file: Record<string, unknown> = {};
  if (opts.capacityQueries !== undefined) {
    try {
      const parsed: unknown = yaml().parse(readFileSync(opts.capacityQueries, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `--capacity-queries ${opts.capacityQueries}: expected a mapping { cpu, memory, disk, step }`;
      file = parsed as Record<string, unknown>;
    } catch (err) {
      return `--capacity-queries ${opts.capacityQueries}: ${err instanceof Error ? err.message : String(err)}`;
    }
    const unknown = Object.keys(file).filter((k) => !['cpu', 'memory', 'disk', 'step'].includes(k));
    if (unknown.length > 0) return `--capacity-queries ${opts.capacityQueries}: unknown key(s) ${unknown.join(', ')} (expected cpu, memory, disk, step)`;
    for (const k of ['cpu', 'memory', 'disk'] as const) if (file[k] !== undefined && typeof file[k] !== 'string') return `--capacity-queries ${opts.capacityQueries}: ${k} is not a string`;
  }
  const raw = {
    cpu: opts.capacityCpu ?? (file.cpu as string | undefined),
    memory: opts.capacityMemory ?? (file.memory as string | undefined),
    disk: opts.capacityDisk ?? (file.disk as string | undefined),
  };
  if (raw.cpu === undefined && raw.memory === undefined && raw.disk === undefined) return '--prometheus needs at least one capacity query: --capacity-cpu, --capacity-memory, --capacity-disk or --capacity-queries <file>';
  const checked = capacityQueries(raw);
  if (!checked.ok) return `capacity query ${checked.resource}: ${checked.message}`;
  const step = Number(opts.capacityStep ?? file.step ?? DEFAULT_CAPACITY_STEP_SECONDS);
  if (!Number.isInteger(step) || step < 1) return `capacity step '${String(opts.capacityStep ?? file.step)}' is not a whole number of seconds`;
  return {
    prometheusUrl: opts.prometheus, queries: checked.queries, stepSeconds: step, timeoutMs: DEFAULT_CAPACITY_TIMEOUT_MS, concurrency: DEFAULT_CAPACITY_CONCURRENCY,
    bearerTokenFile: opts.prometheusTokenFile, caFile: opts.prometheusCaFile,
  };
}

function badInput(io: CommandIO, errors: readonly ManifestError[]): number {
  io.stderr(errors.map((e) => `${formatManifestError(e)}\n`).join(''));
  io.stderr(`error: ${errors.length} problem(s) in the manifests; no report computed\n`);
  return EXIT_BAD_INPUT;
}

// ---- manifests → reports ----------------------------------------------------------------------

export interface Selection {
  readonly contract?: string | undefined;
  readonly namespace?: string | undefined;
}

interface Tenant {
  tenants: LoadedObject[];
  contracts: LoadedObject[];
  units: ServiceUnit[];
  functions: ManagedFunction[];
  incidents: Incident[];
  changes: ChangeRequest[];
  maintenanceWindows: MaintenanceWindow[];
  /** Problems, with the namespace they were loaded into (an incident of another one is refused). */
  problems: Problem[];
  /** The namespace's ChangeCatalog (issue 14 item 5): the first one loaded prices its standard changes not stamped. */
  catalogs: ChangeCatalog[];
  /** `Kind/name` → where it was read, to point conversion errors at the file. */
  readonly where: Map<string, LoadedObject>;
}

/** A computed report with the domain input it was computed from (`export` reads the units of each function from it). */
export interface ComputedReport extends ContractReport {
  readonly input: ReportInput;
}

/** One SupportContract of the loaded objects, its tenant's objects converted to the domain. */
export interface ContractInput {
  readonly namespace: string;
  readonly contract: LoadedObject;
  readonly input: ReportInput;
  /** The tenant's language for the monthly pack (ManagedTenant spec.language). */
  readonly language?: PackLanguage | undefined;
}

/**
 * The report of every SupportContract of the loaded objects (or the ones selected), sorted by
 * namespace then contract name: the objects of its namespace converted by reportInputToDomain(),
 * then computeMonthlyReport(). Conversion errors come back as manifest errors naming the file.
 */
export function computeReports(objects: readonly LoadedObject[], month: string, now: Date, selection: Selection = {}): { reports: ComputedReport[]; errors: ManifestError[] } {
  const { inputs, errors } = contractInputs(objects, selection);
  return {
    reports: inputs.map((c) => {
      // design.md §3 "The monthly statement": the same assembly as the controller, every month from the start in order (offline has no stored statement).
      const statement = statementOfRecords(c.input, month, now, answeredClaimsOf(objects, c.namespace, c.contract.name, selection));
      return { namespace: c.namespace, contract: c.contract.name, report: computeMonthlyReport(c.input, month, now), input: c.input, language: c.language, ...(statement === undefined ? {} : { statement }) };
    }),
    errors,
  };
}

/** The answered SLAClaims of a contract among the loaded objects (its statement deducts them: design.md §3 "The monthly statement"). */
export function answeredClaimsOf(objects: readonly LoadedObject[], namespace: string, contract: string, selection: Selection = {}): AnsweredClaim[] {
  return answeredClaimsToDomain(objects.flatMap((o) => {
    const r = o.resource;
    if (r.kind !== 'SLAClaim' || (o.namespace ?? selection.namespace ?? DEFAULT_NAMESPACE) !== namespace || r.spec.contractRef.name !== contract) return [];
    return [{ metadata: { name: o.name }, spec: r.spec, status: r.status }];
  }));
}

/** Every SupportContract of the loaded objects (or the ones selected) with its tenant's domain input, sorted by namespace then contract name. */
export function contractInputs(objects: readonly LoadedObject[], selection: Selection = {}): { inputs: ContractInput[]; errors: ManifestError[] } {
  const byNamespace = new Map<string, Tenant>();
  for (const o of objects) {
    const namespace = o.namespace ?? selection.namespace ?? DEFAULT_NAMESPACE;
    if (selection.namespace !== undefined && namespace !== selection.namespace) continue;
    let t = byNamespace.get(namespace);
    if (t === undefined) {
      t = { tenants: [], contracts: [], units: [], functions: [], incidents: [], changes: [], maintenanceWindows: [], problems: [], catalogs: [], where: new Map() };
      byNamespace.set(namespace, t);
    }
    t.where.set(`${o.kind}/${o.name}`, o);
    const r = o.resource;
    switch (r.kind) {
      case 'ManagedTenant': t.tenants.push(o); break;
      case 'SupportContract': t.contracts.push(o); break;
      case 'ServiceUnit': t.units.push(r); break;
      case 'ManagedFunction': t.functions.push(r); break;
      case 'Incident': t.incidents.push(r); break;
      case 'ChangeRequest': t.changes.push(r); break;
      case 'MaintenanceWindow': t.maintenanceWindows.push(r); break;
      case 'Problem': t.problems.push({ ...r, metadata: { ...r.metadata, namespace } }); break;
      case 'ChangeCatalog': t.catalogs.push(r); break;
      case 'SLAReport': break; // the operator's output, not an input
    }
  }

  const inputs: ContractInput[] = [];
  const errors: ManifestError[] = [];
  for (const namespace of [...byNamespace.keys()].sort()) {
    const t = byNamespace.get(namespace);
    if (t === undefined) continue;
    const contracts = t.contracts.filter((c) => selection.contract === undefined || c.name === selection.contract).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (contracts.length === 0) continue;
    // design.md §1: one ManagedTenant per namespace.
    for (const extra of t.tenants.slice(1)) {
      errors.push({ file: extra.file, line: extra.line, object: objectId(extra.kind, namespace, extra.name), message: `a second ManagedTenant in namespace '${namespace}' (one per namespace; the first is ${t.tenants[0]?.name ?? '?'})` });
    }
    if (t.tenants.length > 1) continue;
    const tenant = t.tenants[0]?.resource as ManagedTenant | undefined;
    for (const contractObject of contracts) {
      const contract = contractObject.resource as SupportContract;
      const conversion = reportInputToDomain({
        tenant,
        contract,
        units: t.units,
        functions: t.functions,
        incidents: t.incidents,
        changes: t.changes,
        maintenanceWindows: t.maintenanceWindows,
        problems: t.problems,
        catalog: t.catalogs[0] === undefined ? undefined : catalogItemsToDomain(t.catalogs[0]),
      });
      if (!conversion.ok) {
        for (const e of conversion.errors) errors.push(conversionError(e.path, e.message, namespace, t.where, contractObject));
        continue;
      }
      inputs.push({ namespace, contract: contractObject, input: conversion.value, language: tenant?.spec.language });
    }
  }
  return { inputs, errors };
}

/** `ServiceUnit/db-1: spec.level` → the file and line of ServiceUnit db-1, object and field apart. */
function conversionError(path: string, message: string, namespace: string, where: ReadonlyMap<string, LoadedObject>, fallback: LoadedObject): ManifestError {
  const match = /^([A-Za-z]+)\/([^:]+): (.*)$/.exec(path);
  const source = match === null ? undefined : where.get(`${match[1] ?? ''}/${match[2] ?? ''}`);
  if (match === null || source === undefined) {
    return { file: fallback.file, line: fallback.line, object: objectId(fallback.kind, namespace, fallback.name), path, message };
  }
  return { file: source.file, line: source.line, object: objectId(source.kind, namespace, source.name), path: match[3], message };
}
