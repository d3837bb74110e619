// `managedapps export --format openslo|pyrra`: the managed functions' availability guarantees
// (GTD, domain.md §5) as OpenSLO v1 documents (openslo.ts) or Pyrra ServiceLevelObjectives
// (pyrra.ts), for one calendar month (the support level in force then), docs/openslo.md.
//
// With -f it reads manifests, as `report --offline` does (the same loading, unknown-field refusal,
// CEL rules and conversion to the domain: an error names the file, line, object and field); without
// -f it reads the objects of the namespace from the cluster (kubectl's flags) through that same
// parsing. The guarantee of each function is the one the monthly report computes.
//
// Owns the mapping only; must not compute any figure of the contract (src/domain does).
// Exit codes as `report`: 0 done, 1 bad input or an API error, 2 usage (flags).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { MONTH_PATTERN } from '../../api/v1alpha1/index.ts';
import { DEFAULT_CALENDAR, monthOf } from '../../domain/index.ts';
import { DEFAULT_NAMESPACE, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, type CommandIO } from '../io.ts';
import { formatManifestError, loadManifests, type LoadedObject, type LoadResult, type ManifestError } from '../manifests.ts';
import { computeReports } from '../report.ts';
import { openSloDocuments } from './openslo.ts';
import { pyrraObjectives } from './pyrra.ts';
import { functionObjectives, type FunctionObjective } from './targets.ts';

/** `records` (the default): every object of the tenant, to keep or re-apply (records.ts); the others: the GTD as SLO documents. */
export const EXPORT_FORMATS = ['records', 'openslo', 'pyrra'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Default: records. */
  readonly format?: string | undefined;
  /** Manifest files or folders; none: read the cluster. */
  readonly files: readonly string[];
  /** YYYY-MM; default: the month of `now` in the tenant's time zone. */
  readonly month?: string | undefined;
  /** RFC 3339; default: the real clock (read here only). */
  readonly now?: string | undefined;
  readonly contract?: string | undefined;
  readonly namespace?: string | undefined;
  /** Write one file per tenant there instead of stdout. */
  readonly outputDir?: string | undefined;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The documents of one format as a YAML stream (`---` between documents). */
export function renderDocuments(format: Exclude<ExportFormat, 'records'>, objectives: readonly FunctionObjective[]): string {
  const docs: readonly unknown[] = format === 'openslo' ? openSloDocuments(objectives) : pyrraObjectives(objectives);
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

export async function exportCommand(opts: ExportOptions, io: CommandIO): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`error: ${message}\n`);
    return EXIT_USAGE;
  };
  const requested = opts.format ?? 'records';
  if (!(EXPORT_FORMATS as readonly string[]).includes(requested)) return usage(`--format '${requested}': expected one of ${EXPORT_FORMATS.join(', ')}`);
  if (requested === 'records') return exportRecordsCommand(opts, io, usage);
  const format = requested as Exclude<ExportFormat, 'records'>;
  if (opts.month !== undefined && !MONTH_PATTERN.test(opts.month)) return usage(`--month '${opts.month}' is not a calendar month YYYY-MM`);
  let now = new Date();
  if (opts.now !== undefined) {
    now = new Date(opts.now);
    if (!RFC3339.test(opts.now) || Number.isNaN(now.getTime())) return usage(`--now '${opts.now}' is not an RFC 3339 instant such as 2026-11-02T09:00:00Z`);
  }

  let loaded: LoadResult;
  let namespace = opts.namespace;
  if (opts.files.length > 0) {
    if (opts.kubeconfig !== undefined || opts.context !== undefined) return usage('--kubeconfig and --context read the cluster: not with -f');
    loaded = await loadManifests(opts.files);
  } else {
    // The Kubernetes client only without -f: the offline export never loads it.
    const { loadFromCluster } = await import('./cluster.ts');
    const fromCluster = await loadFromCluster(opts, io);
    if (fromCluster === undefined) return EXIT_BAD_INPUT;
    loaded = fromCluster.loaded;
    namespace = fromCluster.namespace;
  }
  if (loaded.errors.length > 0) return badInput(io, loaded.errors);

  const month = opts.month ?? monthOf(now, tenantTimeZone(loaded.objects, namespace));
  const computed = computeReports(loaded.objects, month, now, { contract: opts.contract, namespace });
  if (computed.errors.length > 0) return badInput(io, computed.errors);
  if (computed.reports.length === 0) {
    const scope = [opts.contract === undefined ? '' : ` named '${opts.contract}'`, namespace === undefined ? '' : ` in namespace '${namespace}'`].join('');
    io.stderr(`error: no SupportContract${scope}${opts.files.length > 0 ? ` in ${opts.files.join(', ')}` : ''}\n`);
    return EXIT_BAD_INPUT;
  }
  const { objectives, skipped } = functionObjectives(computed.reports);
  for (const s of skipped) io.stderr(`warning: ManagedFunction/${s.namespace}/${s.function} not exported: ${s.reason}\n`);

  if (opts.outputDir === undefined) {
    io.stdout(renderDocuments(format, objectives));
    return EXIT_OK;
  }
  await mkdir(opts.outputDir, { recursive: true });
  const tenants = [...new Set(objectives.map((o) => o.namespace))];
  for (const tenant of tenants) {
    const file = join(opts.outputDir, `${tenant}.${format}.yaml`);
    await writeFile(file, renderDocuments(format, objectives.filter((o) => o.namespace === tenant)));
    io.stderr(`wrote ${file}\n`);
  }
  return EXIT_OK;
}

/** `--format records`: the tenant's objects from the cluster, one file per object under `--output-dir`, or one YAML stream on stdout. */
async function exportRecordsCommand(opts: ExportOptions, io: CommandIO, usage: (message: string) => number): Promise<number> {
  if (opts.files.length > 0) return usage('--format records reads the cluster (-n <tenant>): -f is for openslo and pyrra');
  for (const [flag, value] of [['--month', opts.month], ['--now', opts.now], ['--contract', opts.contract]] as const) {
    if (value !== undefined) return usage(`${flag} is for openslo and pyrra: --format records exports every object of the tenant`);
  }
  // The Kubernetes client only here: the offline exports never load it.
  const { connect, runCommand } = await import('../kubectl/client.ts');
  const { exportRecords, tenantRecords } = await import('./records.ts');
  return runCommand(io, async () => {
    if (opts.outputDir === undefined) {
      const conn = await connect(opts);
      const records = await tenantRecords(conn.client, conn.namespace);
      io.stdout(records.map((r) => stringify(r.record, { lineWidth: 0 })).join('---\n'));
      return EXIT_OK;
    }
    const { namespace, files } = await exportRecords(opts, opts.outputDir);
    io.stderr(`wrote ${files.length} object(s) of namespace ${namespace} to ${opts.outputDir}\n`);
    return EXIT_OK;
  });
}

/** The time zone of the month when none is given: the selected namespace's ManagedTenant's, else the only tenant's, else the default calendar's. */
function tenantTimeZone(objects: readonly LoadedObject[], namespace: string | undefined): string {
  const tenants = objects.filter((o) => o.resource.kind === 'ManagedTenant' && (namespace === undefined || (o.namespace ?? DEFAULT_NAMESPACE) === namespace));
  const zones = new Set(tenants.map((t) => (t.resource.kind === 'ManagedTenant' ? t.resource.spec.calendar.timeZone : DEFAULT_CALENDAR.timeZone)));
  const [only] = zones;
  return zones.size === 1 && only !== undefined ? only : DEFAULT_CALENDAR.timeZone;
}

function badInput(io: CommandIO, errors: readonly ManifestError[]): number {
  io.stderr(errors.map((e) => `${formatManifestError(e)}\n`).join(''));
  io.stderr(`error: ${errors.length} problem(s) in the manifests; nothing exported\n`);
  return EXIT_BAD_INPUT;
}
