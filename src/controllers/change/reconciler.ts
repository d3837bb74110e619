// ChangeRequest reconciler: cache (its units, the related incident) and the tenant's evaluation
// (the change's GTC and accelerated rank at its instant) → change/status.ts → status. Requeued at
// the GTC deadline; ChangeLate Event when it passes.
import { ConditionReason, ConditionType, catalogItemsToDomain } from '../../api/v1alpha1/index.ts';
import { lookUpCatalogItem, patchProblems, releaseProblems, restoreProblems, type BackupPolicy, type CatalogItem, type CatalogLookup, type PatchProblem, type ReleaseProblem, type RestoreProblem, type TenantEvaluation } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import { missingUnits, type Caches } from '../shared/cache.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type ChangeObj, type IncidentObj } from '../shared/kinds.ts';
import { emitNewHistory, historyOf, historyStatus } from '../shared/history.ts';
import { changeRelease, keepRecord } from '../shared/retention.ts';
import { MAX_REQUEUE_MS, emitOnTransition, invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { RUNBOOK_REQUEUE_MARGIN_MS, reconcileRunbook } from './runbook.ts';
import { changeConditions, changeFields, type ChangeFacts } from './status.ts';

/** What the cache says around a change: the related incident, the references not found. */
export interface ChangeSurroundings {
  readonly related: IncidentObj | undefined;
  readonly missingUnits: readonly string[];
  readonly missingIncident: string | undefined;
  /** What is wrong with a restore (seed §5.10): a unit without a backup policy, ... (empty or absent for other changes). */
  readonly restoreProblems?: readonly RestoreProblem[];
  /** What is wrong with a release (seed Table 1): a unit not at level Application (empty or absent for other changes). */
  readonly releaseProblems?: readonly ReleaseProblem[];
  /** What is wrong with a patch campaign (seed §5.9.2): a unit not at level OS, Database or Middleware (empty or absent for other changes). */
  readonly patchProblems?: readonly PatchProblem[];
  /** The namespace's ChangeCatalog items (issue 14 item 5), undefined without one. */
  readonly catalog?: readonly CatalogItem[] | undefined;
  /** A standard change not stamped and without spec.tokens: its item in the catalogue, or why not. */
  readonly catalogLookup?: CatalogLookup | undefined;
}

/** A unit's backup policy: null when it has none, undefined when the unit is not applied (yet) or invalid. */
export function backupPolicyIn(caches: Caches, namespace: string): (unit: string) => BackupPolicy | null | undefined {
  return (unit) => {
    const u = caches.units.valid(namespace, unit);
    return u === undefined ? undefined : (u.spec.backup?.policy ?? null);
  };
}

export function changeSurroundings(caches: Caches, change: ChangeObj): ChangeSurroundings {
  const ns = change.namespace;
  const ref = change.spec.relatedIncident?.name;
  const catalog = caches.catalog(ns);
  const items = catalog === undefined ? undefined : catalogItemsToDomain(catalog);
  const unpriced = change.spec.category !== 'NonStandard' && change.spec.tokens === undefined;
  return {
    catalog: items,
    ...(unpriced ? { catalogLookup: lookUpCatalogItem(change.spec, items, catalog?.name) } : {}),
    related: ref === undefined ? undefined : caches.incidents.valid(ns, ref),
    missingUnits: missingUnits(caches, ns, change.spec.unitRefs),
    missingIncident: ref !== undefined && caches.incidents.informer.get(ns, ref) === undefined ? ref : undefined,
    restoreProblems: restoreProblems(change.spec, backupPolicyIn(caches, ns)),
    releaseProblems: releaseProblems(change.spec, (unit) => caches.units.valid(ns, unit)?.spec.level),
    patchProblems: patchProblems(change.spec, (unit) => caches.units.valid(ns, unit)?.spec.level),
  };
}

/** The change's facts: its part of the tenant's evaluation, and its surroundings. */
export function changeFacts(change: ChangeObj, ev: TenantEvaluation, around: ChangeSurroundings): ChangeFacts {
  const evaluated = ev.change(change.name);
  return {
    change,
    accelerated: change.spec.accelerated ? evaluated?.decision : undefined,
    release: change.spec.release ? evaluated?.release : undefined,
    forP1Incident: around.related?.spec.priority === 'P1',
    result: evaluated?.result,
    currency: ev.input.contract?.currency,
    missingUnits: around.missingUnits,
    missingIncident: around.missingIncident,
    restoreProblems: around.restoreProblems,
    releaseProblems: around.releaseProblems,
    patchProblems: around.patchProblems,
    catalog: around.catalog,
    catalogLookup: around.catalogLookup,
    now: ev.at,
  };
}

export function changeReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.changes.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.ChangeRequest, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const change = parsed.value;
    const retention = deps.retention;
    const release = retention === undefined ? undefined : await keepRecord(deps, KIND_REFS.ChangeRequest, change, () => changeRelease(retention.months, change.spec, change.createdAt));
    if (release === 'released') return {};
    const ev = deps.evaluations.of(change.namespace, now);
    const around = changeSurroundings(caches, change);
    // issue 14 item 3: the runbook's Jobs (runbook.ts), before the status that reports them.
    const windowRef = change.spec.runbook?.windowRef?.name;
    const missingWindow = windowRef !== undefined && caches.windows.informer.get(change.namespace, windowRef) === undefined ? windowRef : undefined;
    const runbook = change.spec.runbook === undefined ? undefined : await reconcileRunbook(deps, change, around.related, ev, missingWindow, now);
    const facts = { ...changeFacts(change, ev, around), runbook, missingWindow };
    const history = historyOf(change.raw);
    const written = await writeStatus(manager, KIND_REFS.ChangeRequest, change, { ...changeFields(facts), ...historyStatus(history) }, changeConditions(facts), now);
    await emitNewHistory(manager, change.raw, history, change.status);
    const stored = change.status?.conditions;
    const message = (type: string): string => written.find((c) => c.type === type)?.message ?? '';
    await emitOnTransition(manager, change.raw, stored, ConditionType.WithinGuarantee, 'False', written, { type: 'Warning', reason: 'ChangeLate', action: 'Reconcile', note: message(ConditionType.WithinGuarantee) });
    // The Event is named after what made the change invalid: the condition's reason (RestoreInvalid,
    // ReleaseInvalid, PatchInvalid, CatalogItemUnknown...), AcceleratedQuotaExceeded for the 7th accelerated change.
    const invalidReason = written.find((c) => c.type === ConditionType.Valid)?.reason;
    const validReason = invalidReason === undefined || invalidReason === ConditionReason.QuotaExceeded ? 'AcceleratedQuotaExceeded' : invalidReason;
    await emitOnTransition(manager, change.raw, stored, ConditionType.Valid, 'False', written, { type: 'Warning', reason: validReason, action: 'Reconcile', note: message(ConditionType.Valid) });
    await emitOnTransition(manager, change.raw, stored, ConditionType.WithinReleaseQuota, 'False', written, { type: 'Warning', reason: 'ReleaseQuotaExceeded', action: 'Reconcile', note: message(ConditionType.WithinReleaseQuota) });
    const reasonOf = (conditions: readonly { type: string; reason?: string }[] | undefined): string | undefined => conditions?.find((c) => c.type === ConditionType.Approved)?.reason;
    if (reasonOf(written) === ConditionReason.ApprovalVoided && reasonOf(stored) !== ConditionReason.ApprovalVoided) {
      await manager.events.emit(change.raw, { type: 'Warning', reason: 'ApprovalVoided', action: 'Reconcile', note: message(ConditionType.Approved) });
    }
    const s = change.spec;
    const future = [s.completedAt, s.validation?.validatedAt, s.approval?.decidedAt].map((t) => (t === undefined ? undefined : new Date(t)));
    future.push(release);
    const r = facts.result;
    const result = requeueAt(ev.at, [...future, r !== undefined && r.measuredAt === undefined ? r.deadline : undefined]);
    // issue 14 item 3: a runbook's start is judged on the reconcile's own clock (not the evaluation's), so its
    // requeue lands just after the instant, without requeueAt's second of margin.
    const start = runbook?.requeueAt;
    if (start === undefined || start.getTime() <= now.getTime()) return result;
    const after = Math.min(MAX_REQUEUE_MS, start.getTime() - now.getTime() + RUNBOOK_REQUEUE_MARGIN_MS);
    return result.requeueAfter !== undefined && result.requeueAfter <= after ? result : { requeueAfter: after };
  };
}
