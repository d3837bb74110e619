// `kubectl managedapps claim file|answer|list` (issue 13 item 5): an SLAClaimer contact files a
// claim of a closed month's credits for the tickets it names; the provider answers it; anyone
// with read rights lists them with their credit, grant and answer deadline. Who filed or answered,
// and when, is never sent: the admission webhook stamps them from the authenticated user and the
// request's instant (docs/security.md "SLA claims"); the refusals (a late claim, an unknown ticket,
// a client answering) are the webhook's, printed as the API server returns them.
import type { SLAClaimSpec, SLAClaimStatus } from '../../api/v1alpha1/index.ts';
import type { KubeClient } from '../../runtime/kube.ts';
import { collectionPath } from '../../runtime/kube.ts';
import {
  CliError, EXIT_OK, OBJECT_FORMATS, REFS, checkFormat, connect, getObject, listObjects, mergePatch, printValue, resourceName, runCommand,
  type ApiObject, type CommandIO, type KubeFlags, type ObjectFormat,
} from './client.ts';
import { table } from '../output.ts';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

export interface ClaimFileOptions extends KubeFlags {
  readonly contract: string;
  readonly month: string;
  readonly tickets: readonly string[];
  /** The claim's name; default: generated from `<contract>-<month>-`. */
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly output?: string | undefined;
}

/** Files an SLAClaim (the webhook stamps spec.filedBy and spec.filedAt). */
export async function claimFileCommand(opts: ClaimFileOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<ObjectFormat>(opts.output, OBJECT_FORMATS);
    if (!MONTH.test(opts.month)) throw new CliError(`month '${opts.month}' is not YYYY-MM`);
    if (opts.tickets.length === 0) throw new CliError('name at least one ticket (an incident or change request of the month)');
    const conn = await connect(opts);
    client = conn.client;
    const body = {
      apiVersion: 'managedapps.dev/v1alpha1', kind: 'SLAClaim',
      metadata: opts.name === undefined ? { generateName: `${opts.contract}-${opts.month}-` } : { name: opts.name },
      spec: { contractRef: { name: opts.contract }, month: opts.month, incidents: [...opts.tickets], ...(opts.description === undefined ? {} : { description: opts.description }) },
    };
    const created = await conn.client.request<ApiObject<SLAClaimSpec, SLAClaimStatus>>('POST', collectionPath(REFS.SLAClaim, conn.namespace), { body });
    const name = resourceName(REFS.SLAClaim, created.metadata.name);
    if (output !== undefined) io.stdout(output === 'name' ? `${name}\n` : printValue(created, output));
    else io.stdout(`${name} filed by ${created.spec?.filedBy?.username ?? '?'} at ${created.spec?.filedAt ?? '?'}\n`);
    return EXIT_OK;
  }, () => client?.server);
}

export interface ClaimAnswerOptions extends KubeFlags {
  readonly claim: string;
  readonly decision: 'Accepted' | 'PartlyAccepted' | 'Rejected';
  /** PartlyAccepted: the amount granted. */
  readonly amount?: string | undefined;
  readonly reason?: string | undefined;
  readonly output?: string | undefined;
}

/** The provider's answer, `spec.answer` (the webhook stamps answeredBy and answeredAt). */
export async function claimAnswerCommand(opts: ClaimAnswerOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<ObjectFormat>(opts.output, OBJECT_FORMATS);
    const reason = (opts.reason ?? '').trim();
    if (opts.decision !== 'Accepted' && reason === '') throw new CliError(`a ${opts.decision} answer needs --reason`);
    let amount: number | undefined;
    if (opts.decision === 'PartlyAccepted') {
      if (opts.amount === undefined || !/^[0-9]+(\.[0-9]{1,2})?$/.test(opts.amount)) throw new CliError(`--grant '${opts.amount ?? ''}' is not an amount such as 30 or 30.50`);
      amount = Number(opts.amount);
    }
    const conn = await connect(opts);
    client = conn.client;
    const claim = await getObject<SLAClaimSpec, SLAClaimStatus>(conn.client, REFS.SLAClaim, conn.namespace, opts.claim);
    const name = resourceName(REFS.SLAClaim, opts.claim);
    const given = claim.spec?.answer;
    if (given !== undefined) throw new CliError(`${name} is already answered: ${given.decision} by ${given.answeredBy?.username ?? '?'} at ${given.answeredAt ?? '?'} (an answer is final)`);
    const answer = { decision: opts.decision, ...(amount === undefined ? {} : { amount }), ...(reason === '' ? {} : { reason }) };
    const patched = await mergePatch<SLAClaimSpec, SLAClaimStatus>(conn.client, REFS.SLAClaim, conn.namespace, opts.claim, {
      metadata: { resourceVersion: claim.metadata.resourceVersion }, spec: { answer },
    });
    if (output !== undefined) io.stdout(output === 'name' ? `${name}\n` : printValue(patched, output));
    else io.stdout(`${name} ${opts.decision} by ${patched.spec?.answer?.answeredBy?.username ?? '?'} at ${patched.spec?.answer?.answeredAt ?? '?'}\n`);
    return EXIT_OK;
  }, () => client?.server);
}

export interface ClaimListOptions extends KubeFlags {
  readonly allNamespaces?: boolean | undefined;
  readonly output?: string | undefined;
}

/** One claim as `claim list` shows it. */
export interface ClaimRow {
  readonly namespace: string;
  readonly name: string;
  readonly contract: string;
  readonly month: string;
  readonly tickets: readonly string[];
  readonly filedBy: string;
  readonly filedAt: string;
  /** What it adds to the month's claims (status.creditAmount), with the currency; absent until computed. */
  readonly credit?: number;
  readonly currency?: string;
  readonly decision?: string;
  readonly granted?: number;
  readonly answerDeadline?: string;
  readonly atRisk: boolean;
  /** Valid's message when the controller found it invalid. */
  readonly invalid?: string;
}

const cond = (s: SLAClaimStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);

export function claimRows(claims: readonly ApiObject<SLAClaimSpec, SLAClaimStatus>[]): ClaimRow[] {
  return claims.flatMap((c): ClaimRow[] => {
    const spec = c.spec;
    if (spec === undefined) return [];
    const s = c.status;
    const valid = cond(s, 'Valid');
    return [{
      namespace: c.metadata.namespace ?? '', name: c.metadata.name, contract: spec.contractRef.name, month: spec.month, tickets: spec.incidents,
      filedBy: spec.filedBy?.username ?? '', filedAt: spec.filedAt ?? '',
      ...(s?.creditAmount === undefined ? {} : { credit: s.creditAmount }), ...(s?.currency === undefined ? {} : { currency: s.currency }),
      ...(spec.answer === undefined ? {} : { decision: spec.answer.decision }), ...(s?.granted === undefined ? {} : { granted: s.granted }),
      ...(s?.answerDeadline === undefined ? {} : { answerDeadline: s.answerDeadline }),
      atRisk: cond(s, 'AtRisk')?.status === 'True',
      ...(valid?.status === 'False' ? { invalid: valid.message } : {}),
    }];
  }).sort((a, b) => `${a.namespace}/${a.month}/${a.filedAt}/${a.name}`.localeCompare(`${b.namespace}/${b.month}/${b.filedAt}/${b.name}`));
}

const amountText = (n: number | undefined): string => (n === undefined ? '-' : n.toFixed(2));

/** The table of `claim list` (`wide`: the tickets, who filed, why invalid). */
export function claimTable(rows: readonly ClaimRow[], allNamespaces: boolean, wide: boolean): string {
  const header = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'CONTRACT', 'MONTH', 'CREDIT', 'DECISION', 'GRANTED', 'ANSWER-BY', 'AT-RISK', ...(wide ? ['TICKETS', 'FILED-BY', 'FILED-AT', 'INVALID'] : [])];
  const body = rows.map((r) => [
    ...(allNamespaces ? [r.namespace] : []), r.name, r.contract, r.month, r.credit === undefined ? '-' : `${amountText(r.credit)}${r.currency === undefined ? '' : ` ${r.currency}`}`,
    r.decision ?? '<none>', amountText(r.granted), r.decision === undefined ? r.answerDeadline ?? '-' : '-', r.atRisk ? 'yes' : 'no',
    ...(wide ? [r.tickets.join(','), r.filedBy, r.filedAt, r.invalid ?? ''] : []),
  ]);
  return table(header, body);
}

export async function claimListCommand(opts: ClaimListOptions, io: CommandIO): Promise<number> {
  let client: KubeClient | undefined;
  return runCommand(io, async () => {
    const output = checkFormat<'wide' | 'json' | 'yaml'>(opts.output, ['wide', 'json', 'yaml']);
    const conn = await connect(opts);
    client = conn.client;
    const scope = opts.allNamespaces === true ? undefined : conn.namespace;
    const rows = claimRows(await listObjects<SLAClaimSpec, SLAClaimStatus>(conn.client, REFS.SLAClaim, scope));
    if (output === 'json' || output === 'yaml') {
      io.stdout(printValue(rows, output));
      return EXIT_OK;
    }
    if (rows.length === 0) {
      io.stderr(`No SLA claims found${scope === undefined ? '' : ` in ${scope} namespace`}.\n`);
      return EXIT_OK;
    }
    io.stdout(`${claimTable(rows, scope === undefined, output === 'wide')}\n`);
    return EXIT_OK;
  }, () => client?.server);
}
