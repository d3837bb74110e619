// SLAClaim reconciler (issue 13 item 1): a record of its month (the retention finalizer held while
// the month's report `<contract>-<month>` exists), its answer's trace projected into
// status.history; the month's claim basis from the tenant's evaluation at the month's close (the
// one the final report is projected from: claims.ts claimBasisOfEvaluation, nothing recomputed
// beyond it) → claim/status.ts → status. Requeued at the AtRisk instant and at the answer
// deadline (style.md 8); the month's report becoming final and the month's other claims wake it
// (controllers/index.ts).
import { ConditionType, claimToDomain } from '../../api/v1alpha1/index.ts';
import { claimBasisOfEvaluation, monthPeriod, reportClosedAt, type ClaimBasis, type FiledClaim, type TenantInput } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { emitNewHistory, historyOf, historyStatus } from '../shared/history.ts';
import { KIND_REFS, converted } from '../shared/kinds.ts';
import { keepRecord } from '../shared/retention.ts';
import { emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { claimOutcome } from './status.ts';

export function claimReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  /**
   * The claim basis of each month, per version of the namespace's input (the Evaluations' input is
   * one object per version: a change of the records makes a new one, and the old entry goes with
   * it). The evaluation at the month's close is released once its basis is taken: a closed month's
   * claims would otherwise keep one whole evaluation per claimed month in memory (design.md §2,
   * "One evaluation per tenant": the report releases its own once final).
   */
  const bases = new WeakMap<TenantInput, Map<string, ClaimBasis>>();
  const basisOf = (ns: string, contract: string, month: string, timeZone: string): ClaimBasis => {
    const input = deps.evaluations.input(ns, contract);
    let months = bases.get(input);
    if (months === undefined) { months = new Map(); bases.set(input, months); }
    const kept = months.get(month);
    if (kept !== undefined) return kept;
    // The month's figures at its close, as its final report (design.md §3 "One instant per month").
    const closedAt = reportClosedAt(monthPeriod(month, timeZone).end);
    const ev = deps.evaluations.at(ns, closedAt, contract);
    const evInput = ev.input;
    if (evInput.contract === undefined) throw new Error(`the evaluation of ${ns} under SupportContract ${contract} has no contract`);
    const basis = claimBasisOfEvaluation(ev, { ...evInput, contract: evInput.contract }, month);
    deps.evaluations.release(ns, closedAt, contract);
    months.set(month, basis);
    return basis;
  };
  return async (req) => {
    const parsed = caches.claims.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.SLAClaim, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const claim = parsed.value;
    const ns = claim.namespace;
    const contractName = claim.spec.contractRef.name;
    const reportName = `${contractName}-${claim.spec.month}`;
    const stored = caches.reports.informer.get(ns, reportName);
    // A claim is kept while its month's report is (the report outlives the contract, issue 12).
    const release = await keepRecord(deps, KIND_REFS.SLAClaim, claim, () => ({ open: caches.reports.informer.get(ns, reportName) === undefined ? [] : [claim.spec.month] }));
    if (release === 'released') return {};
    const contract = caches.contracts.valid(ns, contractName);
    const report = stored === undefined ? undefined : { name: reportName, final: stored.status?.final === true };
    const calendar = contract === undefined ? caches.calendar(ns) : deps.evaluations.input(ns, contract.name).calendar;
    let basis: ClaimBasis | undefined;
    if (contract !== undefined && report?.final === true) basis = basisOf(ns, contract.name, claim.spec.month, calendar.timeZone);
    const monthClaims: FiledClaim[] = caches.claims.byIndex('contract', ns, contractName)
      .filter((c) => c.spec.month === claim.spec.month)
      .map((c) => converted(claimToDomain(c)));
    const self = converted(claimToDomain(claim));
    const outcome = claimOutcome({
      claim: self, contractName, contractFound: contract !== undefined, report, basis, monthClaims, timeZone: calendar.timeZone,
      answeredBy: claim.spec.answer?.answeredBy?.username, now,
    });
    const history = historyOf(claim.raw);
    const written = await writeStatus(manager, KIND_REFS.SLAClaim, claim, { ...outcome.fields, ...historyStatus(history) }, outcome.conditions, now);
    await emitNewHistory(manager, claim.raw, history, claim.status);
    await emitOnTransition(manager, claim.raw, claim.status?.conditions, ConditionType.AtRisk, 'True', written, {
      type: 'Warning', reason: 'ClaimAnswerAtRisk', action: 'Reconcile', note: written.find((c) => c.type === ConditionType.AtRisk)?.message ?? '',
    });
    return requeueAt(now, outcome.nextInstants);
  };
}
