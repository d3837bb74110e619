// `kubectl managedapps statement <contract> [--month]` (issue 13 item 5): the monthly statement
// the operator wrote in the SLAReport `<contract>-<month>` (status.statement, design.md §3 "The
// monthly statement"), printed as text in the tenant's language (ManagedTenant spec.language, or
// --language) by the renderer `report` uses, or as YAML or JSON exactly as stored.
import { PACK_LANGUAGES, renderStatementText, type PackLanguage } from '../../domain/index.ts';
import { ApiError, type KubeClient } from '../../runtime/index.ts';
import { CliError, EXIT_OK, REFS, connect, getObject, printValue, runCommand, type CommandIO, type KubeFlags } from './client.ts';
import { currentMonth, statementOfStatus, tenantSpec } from './report.ts';

/** The formats of `statement`: text (default), yaml, json. */
export const STATEMENT_FORMATS = ['text', 'yaml', 'json'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export interface StatementOptions extends KubeFlags {
  readonly contract: string;
  /** 'YYYY-MM'; '' or absent: the current month in the tenant's time zone. */
  readonly month?: string | undefined;
  readonly output?: string | undefined;
  readonly language?: string | undefined;
}

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

export async function statementCommand(opts: StatementOptions, io: CommandIO, now: Date = new Date()): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = (opts.output ?? 'text') as StatementFormat;
    if (!(STATEMENT_FORMATS as readonly string[]).includes(output)) throw new CliError(`-o '${opts.output ?? ''}': expected one of ${STATEMENT_FORMATS.join(', ')}`);
    if (opts.language !== undefined && !(PACK_LANGUAGES as readonly string[]).includes(opts.language)) throw new CliError(`--language '${opts.language}': expected one of ${PACK_LANGUAGES.join(', ')}`);
    if (opts.month !== undefined && opts.month !== '' && !MONTH.test(opts.month)) throw new CliError(`--month '${opts.month}' is not a calendar month YYYY-MM`);
    const conn = await connect(opts);
    client = conn.client;
    const tenant = await tenantSpec(conn.client, conn.namespace);
    const month = opts.month !== undefined && opts.month !== '' ? opts.month : currentMonth(tenant, now);
    const name = `${opts.contract}-${month}`;
    let object;
    try {
      object = await getObject(conn.client, REFS.SLAReport, conn.namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) throw new CliError(`no SLAReport "${name}" in namespace "${conn.namespace}" (the statement of SupportContract ${opts.contract} for ${month} is a section of that report)`);
      throw err;
    }
    const statement = statementOfStatus(object.status);
    const final = (object.status as { final?: unknown } | undefined)?.final === true;
    if (statement === undefined) {
      throw new CliError(final
        ? `SLAReport ${name} was made final before the operator wrote statements (REPORT_RULES 4): it has none, and a final report never changes`
        : `SLAReport ${name} has no statement in its status yet: the operator writes it once it has reconciled the report`);
    }
    if (output === 'text') io.stdout(renderStatementText(statement, (opts.language ?? tenant?.language ?? 'en') as PackLanguage, final));
    else io.stdout(printValue(statement, output));
    return EXIT_OK;
  }, () => client?.server);
}
