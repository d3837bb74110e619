// SupportContract reconciler: cache → contract/status.ts → status; then it makes sure the SLA
// reports exist (design.md §1: one per contract and month, created by the operator, linked to the
// contract by spec.contractRef and the managedapps.dev/contract label, never owned by it: a report
// outlives its contract, issue 12 "records are kept"): the current month's, and the previous month's until it is final, each stamped with
// its creation on the operator's clock (managedapps.dev/created-at: its finality counts from it).
import { API_VERSION, REPORT_CREATED_AT_ANNOTATION, type SLAReport } from '../../api/v1alpha1/index.ts';
import { monthOf, monthPeriod, rfc3339 } from '../../domain/index.ts';
import { collectionPath, isStatus, type Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type ContractObj } from '../shared/kinds.ts';
import { invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { contractStart, contractStatus } from './status.ts';

/** `<contract>-<YYYY-MM>` (design.md §1). */
export function reportName(contract: string, month: string): string {
  return `${contract}-${month}`;
}

/** The months whose report must exist at `now`: this one, and the previous one unless final (never before the contract's start month). */
export function reportMonths(now: Date, timeZone: string, startMonth: string, isFinal: (month: string) => boolean): string[] {
  const current = monthOf(now, timeZone);
  const previous = monthOf(new Date(monthPeriod(current, timeZone).start.getTime() - 1), timeZone);
  const months = [current];
  if (previous >= startMonth && !isFinal(previous)) months.unshift(previous);
  return months.filter((m) => m >= startMonth);
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
    await deps.manager.client.request('POST', collectionPath(KIND_REFS.SLAReport, contract.namespace), { body });
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
    const facts = { contract, timeZone, changes: deps.evaluations.input(req.namespace, contract.name).changes, now };
    const outcome = contractStatus(facts);
    await writeStatus(manager, KIND_REFS.SupportContract, contract, outcome.fields, outcome.conditions, now);
    if (ctx.signal.aborted || contract.raw.metadata?.deletionTimestamp !== undefined) return {};
    const startMonth = monthOf(contractStart(facts), timeZone);
    const finalMonth = (month: string): boolean => caches.reports.valid(req.namespace, reportName(contract.name, month))?.status?.final === true;
    for (const month of reportMonths(now, timeZone, startMonth, finalMonth)) await ensureReport(deps, contract, month, now);
    return requeueAt(now, outcome.nextInstants);
  };
}
