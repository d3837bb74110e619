// `kubectl managedapps report` in the cluster: the SLAReport `<contract>-<month>` the operator
// wrote, its status read back as the report of design.md §3 (the inverse of
// reportStatusFromDomain) and printed by the same printers as `report --offline`.
import {
  DEFAULT_CALENDAR, monthOf, type MonthlyReport, type ReportCondition, type StatementReport,
} from '../../domain/index.ts';
import { SLAReportStatus, type ManagedTenantSpec } from '../../api/v1alpha1/index.ts';
import type { KubeClient } from '../../runtime/index.ts';
import { ApiError } from '../../runtime/index.ts';
import { formatReports } from '../output.ts';
import { isPageFormat, type ReportOptions } from '../io.ts';
import { contractInputs, languageOf } from '../report.ts';
import { CliError, EXIT_OK, REFS, connect, getObject, listObjects, runCommand, type CommandIO } from './client.ts';

const REPORT_CONDITIONS: ReadonlySet<string> = new Set<ReportCondition['type']>(['GTDMet', 'GTRMet', 'GTCMet', 'Final']);

/** The report of an SLAReport's status, or why there is none. */
export function reportOfStatus(name: string, raw: unknown): MonthlyReport {
  const parsed = SLAReportStatus.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new CliError(`SLAReport ${name}: status is not a report: ${parsed.error.issues.map((i) => `status.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const s = parsed.data;
  const { period, currency, functions, gtr, gtc, tokens, credits, claimDeadline } = s;
  if (period === undefined || currency === undefined || gtr === undefined || gtc === undefined || tokens === undefined || credits === undefined || claimDeadline === undefined) {
    if (s.final === true) {
      // A final status never changes: one written before a field existed (status.tokens came
      // with the dated terms) keeps lacking it.
      const missing = Object.entries({ period, currency, gtr, gtc, tokens, credits, claimDeadline }).filter(([, v]) => v === undefined).map(([k]) => `status.${k}`);
      throw new CliError(`SLAReport ${name} was made final by an earlier version of the operator, without ${missing.join(', ')}; it is printed as stored by: kubectl get slareport ${name} -o yaml`);
    }
    throw new CliError(`SLAReport ${name} has no report in its status yet: the operator writes it once it has reconciled the contract`);
  }
  return {
    period,
    final: s.final ?? false,
    currency,
    functions: functions ?? [],
    gtr: {
      resolved: gtr.resolved,
      late: gtr.late,
      deviationPercent: gtr.deviationPercent,
      creditPercent: gtr.creditPercent,
      creditAmount: gtr.creditAmount,
      incidents: (gtr.incidents ?? []).map(({ reason, ...rest }) => ({ ...rest, reason: reason ?? '' })),
    },
    gtc: {
      completed: gtc.completed,
      late: gtc.late,
      creditAmount: gtc.creditAmount,
      changes: (gtc.changes ?? []).map(({ reason, ...rest }) => ({ ...rest, reason: reason ?? '' })),
    },
    tokens,
    credits,
    claimDeadline,
    conditions: (s.conditions ?? [])
      .filter((c) => REPORT_CONDITIONS.has(c.type))
      .map((c) => ({ type: c.type as ReportCondition['type'], status: c.status, reason: c.reason, message: c.message })),
    // The pack as stored (the schema parsed it): only `readonly` differs from the domain's MonthlyPack.
    ...(s.pack === undefined ? {} : { pack: s.pack }),
    ...(s.forecast === undefined ? {} : {
      forecast: { ...s.forecast, gtr: { ...s.forecast.gtr, open: s.forecast.gtr.open.map(({ deadline, ...o }) => ({ ...o, ...(deadline === undefined ? {} : { deadline }) })) } },
    }),
  };
}

/** The statement of an SLAReport's status (status.statement as stored: only `readonly` differs from the domain's), or undefined without one. */
export function statementOfStatus(raw: unknown): StatementReport | undefined {
  const parsed = SLAReportStatus.safeParse(raw ?? {});
  return parsed.success ? parsed.data.statement : undefined;
}

/**
 * The warning printed with a report the operator could not complete (its `Complete` condition
 * False: incidents or changes naming units that are not there), so the CLI is never silent about
 * what the report left out; undefined for a complete report.
 */
export function incompleteWarning(name: string, raw: unknown): string | undefined {
  const conditions = (raw as { conditions?: unknown } | null | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const complete = conditions.find((c): c is { type: string; status: string; message?: string } => typeof c === 'object' && c !== null && (c as { type?: unknown }).type === 'Complete');
  return complete?.status === 'False' ? `warning: SLAReport ${name} is incomplete: ${complete.message ?? ''}\n` : undefined;
}

async function defaultContract(client: KubeClient, namespace: string): Promise<string> {
  const contracts = (await listObjects(client, REFS.SupportContract, namespace)).map((c) => c.metadata.name).sort();
  const [only] = contracts;
  if (only === undefined) throw new CliError(`no SupportContract in namespace "${namespace}"`);
  if (contracts.length > 1) throw new CliError(`namespace "${namespace}" has ${contracts.length} SupportContracts (${contracts.join(', ')}): choose one with --contract`);
  return only;
}

/** The namespace's ManagedTenant's spec, if any. */
export async function tenantSpec(client: KubeClient, namespace: string): Promise<Partial<ManagedTenantSpec> | undefined> {
  const tenants = await listObjects<Partial<ManagedTenantSpec>, unknown>(client, REFS.ManagedTenant, namespace);
  return tenants[0]?.spec;
}

/** The current month in the time zone of the namespace's ManagedTenant (the default calendar's without one). */
export function currentMonth(tenant: Partial<ManagedTenantSpec> | undefined, now: Date): string {
  return monthOf(now, tenant?.calendar?.timeZone ?? DEFAULT_CALENDAR.timeZone);
}

/** reportCommand() without --offline; the flags are already checked. */
export async function reportFromCluster(opts: ReportOptions, io: CommandIO, now: Date = new Date()): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const conn = await connect(opts);
    client = conn.client;
    const contract = opts.contract ?? (await defaultContract(conn.client, conn.namespace));
    const labelled = opts.output === 'pack' || isPageFormat(opts.output);
    const tenant = opts.month === '' || labelled ? await tenantSpec(conn.client, conn.namespace) : undefined;
    const month = opts.month !== '' ? opts.month : currentMonth(tenant, now);
    const name = `${contract}-${month}`;
    let object;
    try {
      object = await getObject(conn.client, REFS.SLAReport, conn.namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) {
        throw new CliError(`no SLAReport "${name}" in namespace "${conn.namespace}" (the report of SupportContract ${contract} for ${month}: the operator writes it once the contract and the month have started)`);
      }
      throw err;
    }
    const report = reportOfStatus(name, object.status);
    const warning = incompleteWarning(name, object.status);
    if (warning !== undefined) io.stderr(warning);
    const language = languageOf(opts, tenant?.language);
    const statement = statementOfStatus(object.status);
    if (isPageFormat(opts.output)) {
      // The figures are the SLAReport's (sealed once final); the page's series (the budget burn,
      // the incidents by day) are computed from the namespace's records as they are now, judged
      // at the report's instant (pack-charts.ts), as `report --offline` would from their export.
      const { namespaceManifests } = await import('../export/cluster.ts');
      const loaded = await namespaceManifests(conn.client, conn.namespace);
      const converted = contractInputs(loaded.objects, { contract });
      const input = converted.inputs[0]?.input;
      if (input === undefined) {
        const problems = [...loaded.errors, ...converted.errors].map((e) => `${e.object ?? ''}: ${e.message}`);
        throw new CliError(`the records of namespace "${conn.namespace}" give no report input for SupportContract ${contract}: ${problems.join('; ')}`);
      }
      const { packCharts } = await import('../../domain/pack-charts.ts');
      const { writePackPages } = await import('../pack-output.ts');
      const page = { namespace: conn.namespace, contract, report, charts: packCharts(input, month, now), language, ...(statement === undefined ? {} : { statement }) };
      return writePackPages([page], opts.output, opts.outDir, io);
    }
    io.stdout(formatReports([{ namespace: conn.namespace, contract, report, language, ...(statement === undefined ? {} : { statement }) }], opts.output));
    return EXIT_OK;
  }, () => client?.server);
}
