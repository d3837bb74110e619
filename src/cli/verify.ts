// `managedapps verify` (issue 12 item 6; docs/cli.md "verify"): recomputes every final month of
// each SupportContract from the stored records and checks the SLAReports' seals (design.md §3
// "Seals"): each month from the contract's start to its latest final report exists, is final and
// sealed, its seal is the SHA-256 of its content chained with the previous month's, and its
// content is what the records give, computed as the controller computes it (the month judged at
// its close, reportClosedAt). Read from the cluster (-n, the objects as `export` writes them) or
// `--offline -f <export folder>`: both go through the same manifest parsing and conversion as
// `report --offline`. A difference names the month and the field.
//
// Exit codes as `report`: 0 verified, 1 a difference, bad input or an API error, 2 usage (flags).
import { SLAReportStatus, reportStatusFromDomain, statementCarryOfStatus, statementStatusFromDomain } from '../api/v1alpha1/index.ts';
import {
  computeMonthlyReport, monthPeriod, monthStatement, REPORT_RULES, reportClosedAt, verifyChain, withCapacity, type AnsweredClaim, type CapacitySection, type ReportInput, type StatementCarry, type StoredReport,
} from '../domain/index.ts';
import { DEFAULT_NAMESPACE, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, type CommandIO } from './io.ts';
import { formatManifestError, loadManifests, type LoadedObject, type LoadResult } from './manifests.ts';
import { answeredClaimsOf, contractInputs } from './report.ts';

export interface VerifyOptions {
  readonly offline: boolean;
  readonly files: readonly string[];
  readonly contract?: string | undefined;
  readonly namespace?: string | undefined;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

/** What the statement of a closed month reads besides the records: the answered claims, and the earlier statements as stored (the controller's). */
export interface StatementInputs {
  readonly claims: readonly AnsweredClaim[];
  readonly previous: (month: string) => StatementCarry | undefined;
}

/**
 * The status the controller writes for a closed month (final), as recomputed from the records,
 * with its statement (design.md §3 "The monthly statement") by the controller's assembly, the
 * earlier statements read from the stored reports as the controller reads them. The pack's
 * capacity section is not a record's: it is what Prometheus answered when the report was made
 * final (design.md §3 "The monthly pack"), so it is taken from the stored report (`stored`), when
 * it has one; its seal still covers it, so a capacity changed after the seal is found by the hash.
 */
export function closedMonthStatus(input: ReportInput, month: string, statementInputs?: StatementInputs, stored?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const closedAt = reportClosedAt(monthPeriod(month, input.calendar.timeZone).end);
  const report = computeMonthlyReport(input, month, closedAt);
  const storedPack = stored?.pack;
  const capacity = typeof storedPack === 'object' && storedPack !== null ? (storedPack as { capacity?: CapacitySection }).capacity : undefined;
  const statement = statementInputs === undefined ? undefined : monthStatement({ input, month, tokens: report.tokens, ...statementInputs });
  return {
    ...reportStatusFromDomain(capacity === undefined ? report : withCapacity(report, capacity)),
    ...(statement === undefined ? {} : { statement: statementStatusFromDomain(statement) }), final: true, rules: REPORT_RULES,
  };
}

export interface ContractVerdict {
  readonly namespace: string;
  readonly contract: string;
  readonly months: readonly string[];
  readonly findings: readonly { readonly month: string; readonly message: string }[];
  readonly notes: readonly { readonly month: string; readonly message: string }[];
}

/** Every selected contract of the loaded objects, verified against its SLAReports. */
export function verifyObjects(objects: readonly LoadedObject[], selection: { contract?: string | undefined; namespace?: string | undefined }): { verdicts: ContractVerdict[]; errors: ReturnType<typeof contractInputs>['errors'] } {
  const { inputs, errors } = contractInputs(objects, selection);
  const verdicts = inputs.map((c): ContractVerdict => {
    const reports: StoredReport[] = objects.flatMap((o) => {
      if (o.resource.kind !== 'SLAReport' || (o.namespace ?? selection.namespace ?? DEFAULT_NAMESPACE) !== c.namespace) return [];
      if (o.resource.spec.contractRef.name !== c.contract.name) return [];
      const status = o.raw?.status;
      return [{ month: o.resource.spec.month, status: typeof status === 'object' && status !== null ? status as Record<string, unknown> : undefined }];
    });
    const start = c.contract.resource.kind === 'SupportContract' ? c.contract.resource.spec.start.slice(0, 7) : '';
    const stored = new Map(reports.map((r) => [r.month, r.status]));
    const statementInputs: StatementInputs = {
      claims: answeredClaimsOf(objects, c.namespace, c.contract.name, selection),
      previous: (m) => {
        const parsed = SLAReportStatus.safeParse(stored.get(m) ?? {});
        return parsed.success ? statementCarryOfStatus(parsed.data) : undefined;
      },
    };
    const verdict = verifyChain({ firstMonth: start, reports, recompute: (month) => closedMonthStatus(c.input, month, statementInputs, reports.find((r) => r.month === month)?.status) });
    return { namespace: c.namespace, contract: c.contract.name, ...verdict };
  });
  return { verdicts, errors };
}

export async function verifyCommand(opts: VerifyOptions, io: CommandIO): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`error: ${message}\n`);
    return EXIT_USAGE;
  };
  let loaded: LoadResult;
  let namespace = opts.namespace;
  if (opts.offline) {
    if (opts.files.length === 0) return usage('--offline needs an export: -f <folder or files>...');
    if (opts.kubeconfig !== undefined || opts.context !== undefined) return usage('--kubeconfig and --context read the cluster: not with --offline');
    loaded = await loadManifests(opts.files);
  } else {
    if (opts.files.length > 0) return usage('-f is only with --offline (without it the records are read from the cluster)');
    // The Kubernetes client only in the cluster: --offline never loads it.
    const { connect, runCommand } = await import('./kubectl/client.ts');
    const { recordsText, tenantRecords } = await import('./export/records.ts');
    const { parseManifestText } = await import('./manifests.ts');
    let read: { loaded: LoadResult; namespace: string } | undefined;
    const code = await runCommand(io, async () => {
      const conn = await connect(opts);
      const text = recordsText(await tenantRecords(conn.client, conn.namespace));
      read = { loaded: parseManifestText(text, `namespace ${conn.namespace} (${conn.client.server})`), namespace: conn.namespace };
      return EXIT_OK;
    });
    if (code !== EXIT_OK || read === undefined) return EXIT_BAD_INPUT;
    loaded = read.loaded;
    namespace = read.namespace;
  }
  if (loaded.errors.length > 0) {
    io.stderr(loaded.errors.map((e) => `${formatManifestError(e)}\n`).join(''));
    io.stderr(`error: ${loaded.errors.length} problem(s) in the records; nothing verified\n`);
    return EXIT_BAD_INPUT;
  }
  const { verdicts, errors } = verifyObjects(loaded.objects, { contract: opts.contract, namespace });
  if (errors.length > 0) {
    io.stderr(errors.map((e) => `${formatManifestError(e)}\n`).join(''));
    io.stderr(`error: ${errors.length} problem(s) in the records; nothing verified\n`);
    return EXIT_BAD_INPUT;
  }
  if (verdicts.length === 0) {
    io.stderr(`error: no SupportContract${opts.contract === undefined ? '' : ` named '${opts.contract}'`}${namespace === undefined ? '' : ` in namespace '${namespace}'`}\n`);
    return EXIT_BAD_INPUT;
  }
  let differences = 0;
  for (const v of verdicts) {
    const span = v.months.length === 0 ? 'no final month' : `${v.months[0] ?? ''} to ${v.months.at(-1) ?? ''}, ${v.months.length} final month(s)`;
    io.stdout(`SupportContract ${v.namespace}/${v.contract}: ${span}: ${v.findings.length === 0 ? 'verified, the seals chain' : `${v.findings.length} difference(s)`}\n`);
    for (const f of [...v.notes, ...v.findings]) io.stdout(`${f.month}: ${f.message}\n`);
    differences += v.findings.length;
  }
  if (differences > 0) {
    io.stderr(`error: verification failed: ${differences} difference(s)\n`);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}
