// SupportContract reconciler: cache → contract/status.ts → status; then it makes sure the SLA
// reports exist (design.md §1: one per contract and month, created by the operator, linked to the
// contract by spec.contractRef and the managedapps.dev/contract label, never owned by it: a report
// outlives its contract, issue 12 "records are kept"): one for every month from the contract's
// start to the current one (issue 12: a month missed while the operator was down or not installed
// yet is created, computed with that month's terms, and made final by reportFinalAt), each stamped
// with its creation on the operator's clock (managedapps.dev/created-at: its finality counts from
// it). At most REPORTS_CREATED_PER_RECONCILE a reconcile, the most recent first; the rest at the
// next one, requeued at once.
import { API_VERSION, REPORT_CREATED_AT_ANNOTATION, type SLAReport } from '../../api/v1alpha1/index.ts';
import { addMonths, monthOf, rfc3339 } from '../../domain/index.ts';
import { collectionPath, isStatus, type Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type ContractObj } from '../shared/kinds.ts';
import { invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { contractStart, contractStatus } from './status.ts';
import { monthClaimCredits } from '../shared/claim-credits.ts';

/** `<contract>-<YYYY-MM>` (design.md §1). */
export function reportName(contract: string, month: string): string {
  return `${contract}-${month}`;
}

/** Reports created by one reconcile at most (a contract started years ago has as many months missing): the rest are created by the next. */
export const REPORTS_CREATED_PER_RECONCILE = 24;

/** Delay before the next batch of missing reports. */
const NEXT_BATCH_MS = 1000;

/** Every month from `startMonth` to the current one at `now`, oldest first (never before the start month). */
export function reportMonths(now: Date, timeZone: string, startMonth: string): string[] {
  const current = monthOf(now, timeZone);
  const months: string[] = [];
  for (let m = startMonth; m <= current; m = addMonths(m, 1)) months.push(m);
  return months;
}

async function ensureReport(deps: Deps, contract: ContractObj, month: string, now: Date): Promise<void> {
  const name = reportName(contract.name, month);
  if (deps.caches.reports.informer.get(contract.namespace, name) !== undefined) return;
  const body: Omit<SLAReport, 'status'> = {
    apiVersion: API_VERSION,
    kind: 'SLAReport',
    metadata: {
      name,
      namespace: contract.namespace,
      labels: { 'managedapps.dev/contract': contract.name, 'managedapps.dev/month': month },
      // The creation on our clock (the one finality is judged on): design.md §3.
      annotations: { [REPORT_CREATED_AT_ANNOTATION]: rfc3339(now) },
    },
    spec: { contractRef: { name: contract.name }, month },
  };
  try {
    await deps.manager.client.request('POST', collectionPath(KIND_REFS.SLAReport, contract.namespace), { body: deps.manager.withShardLabel(body) });
  } catch (err) {
    // The cache lags a creation of ours: the report exists, which is all we want.
    if (!isStatus(err, 409)) throw err;
  }
}

export function contractReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req, ctx) => {
    const parsed = caches.contracts.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.SupportContract, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const contract = parsed.value;
    const timeZone = caches.calendar(req.namespace).timeZone;
    // The changes as the tenant's evaluation reads them (converted once per version of the namespace).
    const ev = deps.evaluations.of(req.namespace, now, contract.name);
    const ledger = ev.ledger(monthOf(now, timeZone));
    if (ledger === undefined) throw new Error(`the evaluation of ${req.namespace} under SupportContract ${contract.name} has no contract`);
    // issue 13: the contract's closed months' credits by state, from its final reports and claims.
    const claimCredits = monthClaimCredits(
      caches.reports.byIndex('contract', req.namespace, contract.name), caches.claims.byIndex('contract', req.namespace, contract.name), now,
    );
    const facts = { contract, timeZone, changes: ev.input.changes, ledger, claimCredits, now };
    const outcome = contractStatus(facts);
    await writeStatus(manager, KIND_REFS.SupportContract, contract, outcome.fields, outcome.conditions, now);
    if (ctx.signal.aborted || contract.raw.metadata?.deletionTimestamp !== undefined) return {};
    const startMonth = monthOf(contractStart(facts), timeZone);
    const missing = reportMonths(now, timeZone, startMonth).filter((m) => caches.reports.informer.get(req.namespace, reportName(contract.name, m)) === undefined);
    const batch = missing.slice(-REPORTS_CREATED_PER_RECONCILE).reverse();
    for (const month of batch) await ensureReport(deps, contract, month, now);
    if (missing.length > batch.length) return { requeueAfter: NEXT_BATCH_MS };
    return requeueAt(now, outcome.nextInstants);
  };
}
