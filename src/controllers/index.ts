// src/controllers: one controller per kind of managedapps.dev/v1alpha1 (design.md §2), each a thin
// adapter: read the caches → call the domain → write status (conditions with observedGeneration,
// a `Ready` summary) → requeue at the next instant the domain says something changes.
//
// Owns: the reconcilers and their pure status builders (<kind>/status.ts), the caches' indexes and
// typed views (shared/cache.ts; the conversions to the domain's inputs are src/api's toDomain(),
// shared with the webhook and the offline report), the creation of SLAReports, the metrics
// snapshot read from the caches.
// Imports: src/domain, src/api, src/runtime (and src/metrics' types). Must not import the CLI,
// webhooks or monitoring; main.ts wires this module. No module-level state.
//
// Status ownership: the operator's field manager writes every status field of every kind except
// ServiceUnit's `probe`, `openIncident` and `Available` condition, which belong to the probing
// automation; it must apply them with a field manager of its own so that neither removes the other's fields.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ConditionType, MONTH_PATTERN } from '../api/v1alpha1/index.ts';
import { monthOf, nextMonth } from '../domain/index.ts';
import type { MetricsSnapshot } from '../metrics/index.ts';
import { realClock, specChanged, type Clock, type Controller, type Informer, type Manager, type Request, type Watch } from '../runtime/index.ts';
import { catalogReconciler } from './catalog/reconciler.ts';
import { changeReconciler } from './change/reconciler.ts';
import { CHANGE_LABEL, JOBS, RUNBOOK_LABEL, jobOutcomeChanged } from './change/runbook.ts';
import { claimReconciler } from './claim/reconciler.ts';
import { contractReconciler } from './contract/reconciler.ts';
import { functionReconciler } from './function/reconciler.ts';
import { incidentReconciler } from './incident/reconciler.ts';
import { problemReconciler } from './problem/reconciler.ts';
import { reportReconciler } from './report/reconciler.ts';
import { Caches, refNames, targetKeys } from './shared/cache.ts';
import { monthClaimCredits } from './shared/claim-credits.ts';
import { shownStatements } from './shared/statement-metrics.ts';
import type { CapacityReader, Deps } from './shared/deps.ts';
import type { Retention } from './shared/retention.ts';
import { Evaluations } from './shared/evaluation.ts';
import { KIND_REFS } from './shared/kinds.ts';
import { reportingInternalErrors } from './shared/status.ts';
import { tenantReconciler } from './tenant/reconciler.ts';
import { unitReconciler } from './unit/reconciler.ts';
import { windowReconciler } from './window/reconciler.ts';

export { Caches } from './shared/cache.ts';
export { Evaluations, EVALUATION_MAX_AGE_MS } from './shared/evaluation.ts';
export { KIND_REFS } from './shared/kinds.ts';
export { reportName } from './contract/reconciler.ts';
export type { Retention } from './shared/retention.ts';
export type { CapacityReader } from './shared/deps.ts';

export interface ControllerOptions {
  /** The clock the reconcilers read `now` from; default the Manager's. */
  readonly clock?: Clock;
  /** Distinct keys reconciled at once per controller; default the runtime's. */
  readonly concurrency?: number;
  /**
   * Records are kept (issue 12): hold the retention finalizer on incidents, changes, units and
   * final reports, released when the retention ends (`months`, --record-retention-months). The
   * operator's `run` always sets it; an embedder that keeps no records leaves it out.
   */
  readonly retention?: Retention;
  /** The capacity section's Prometheus and queries (--capacity-*): read when a report is made final (design.md §3 "The monthly pack"). */
  readonly capacity?: CapacityReader;
}

export interface RegisteredControllers {
  readonly caches: Caches;
  /** The tenants' evaluations the reconcilers and the metrics share. */
  readonly evaluations: Evaluations;
  /** The snapshot src/metrics reads at scrape time, built from the caches. */
  metricsSnapshot(): MetricsSnapshot;
}

const nameOf = (o: KubernetesObject): string => o.metadata?.name ?? '';
const nsOf = (o: KubernetesObject): string => o.metadata?.namespace ?? '';
const spec = (o: KubernetesObject): Record<string, unknown> => (o as { spec?: Record<string, unknown> }).spec ?? {};

/** Every object of `informer` in the namespace of `o`. */
const inNamespace = (informer: Informer) => (o: KubernetesObject): Request[] => informer.list(nsOf(o)).map((x) => ({ namespace: nsOf(o), name: nameOf(x) }));
/** The objects of `informer` filed under `value(o)` in `index`. */
const indexed = (informer: Informer, index: string, values: (o: KubernetesObject) => string[]) => (o: KubernetesObject): Request[] =>
  values(o).flatMap((v) => informer.byIndex(index, `${nsOf(o)}/${v}`)).map((x) => ({ namespace: nsOf(o), name: nameOf(x) }));
/**
 * The units depending on `o`, directly or through others (index `dependsOn`): a cycle is every
 * member's condition, and a change anywhere on it is seen by all of them (domain.md §2).
 */
const dependents = (informer: Informer) => (o: KubernetesObject): Request[] => {
  const ns = nsOf(o);
  const seen = new Set<string>();
  const queue = [nameOf(o)];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const x of informer.byIndex('dependsOn', `${ns}/${name}`)) {
      if (!seen.has(nameOf(x))) { seen.add(nameOf(x)); queue.push(nameOf(x)); }
    }
  }
  return [...seen].map((name) => ({ namespace: ns, name }));
};
/**
 * A watch on a kind whose SPEC (and labels) the primaries read: its status writes, the operator's
 * own most of all, re-queue nobody. Every kind but SupportContract (whose status holds the
 * effective support levels: watchContract), SLAReport (status.final) and ChangeRequest for the
 * contract's ledger (watchAll).
 */
const watch = (kind: keyof typeof KIND_REFS, map: (o: KubernetesObject) => readonly Request[]): Watch => ({ kind: KIND_REFS[kind], map, predicate: specChanged });
const watchContract = (map: (o: KubernetesObject) => readonly Request[]): Watch => ({ kind: KIND_REFS.SupportContract, map, predicate: specChanged });
/** A watch whose STATUS the primaries read too: every update counts. */
const watchAll = (kind: keyof typeof KIND_REFS, map: (o: KubernetesObject) => readonly Request[]): Watch => ({ kind: KIND_REFS[kind], map });

/**
 * Registers the ten controllers on `manager` (call before `manager.start()`), with the watches
 * that map a change of a secondary kind to the primaries it affects. Returns the caches' handle
 * and the metrics snapshot factory.
 */
export function registerControllers(manager: Manager, options: ControllerOptions = {}): RegisteredControllers {
  const caches = new Caches(manager);
  const clock = options.clock ?? manager.clock;
  const deps: Deps = { manager, caches, evaluations: new Evaluations(caches), now: () => clock.now(), ...(options.retention !== undefined ? { retention: options.retention } : {}), ...(options.capacity !== undefined ? { capacity: options.capacity } : {}) };
  const i = {
    tenants: caches.tenants.informer as unknown as Informer,
    contracts: caches.contracts.informer as unknown as Informer,
    units: caches.units.informer as unknown as Informer,
    functions: caches.functions.informer as unknown as Informer,
    incidents: caches.incidents.informer as unknown as Informer,
    changes: caches.changes.informer as unknown as Informer,
    windows: caches.windows.informer as unknown as Informer,
    reports: caches.reports.informer as unknown as Informer,
    problems: caches.problems.informer as unknown as Informer,
    catalogs: caches.catalogs.informer as unknown as Informer,
    claims: caches.claims.informer as unknown as Informer,
  };
  const add = (name: string, kind: keyof typeof KIND_REFS, reconcile: ReturnType<typeof tenantReconciler>, watches: Watch[]): Controller => {
    // specChanged on the primary too: a status write (ours, or the prober's on a ServiceUnit)
    // does not wake the object's own reconcile; time-dependent figures (covered time of open
    // incidents, month-to-date availability) are refreshed at the requeue instants the domain gives.
    return manager.addController({ name, kind: KIND_REFS[kind], reconcile: reportingInternalErrors(manager, KIND_REFS[kind], deps.now, reconcile), watches, predicate: specChanged, ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) });
  };
  const unitTargets = (o: KubernetesObject): string[] => targetKeys(spec(o).targets);
  // domain.md §2: the tenant's Active Directory is judged over all its units (2 VMs, one domain).
  const activeDirectoryUnits = (o: KubernetesObject): Request[] => (spec(o).family === 'ActiveDirectory'
    ? i.units.list(nsOf(o)).filter((x) => spec(x).family === 'ActiveDirectory').map((x) => ({ namespace: nsOf(o), name: nameOf(x) }))
    : []);
  const accelerated = (o: KubernetesObject): Request[] => (spec(o).accelerated === true ? i.changes.list(nsOf(o)).filter((c) => spec(c).accelerated === true).map((c) => ({ namespace: nsOf(o), name: nameOf(c) })) : []);
  // seed Table 1: a release's rank in its month depends on the namespace's other releases.
  // issue 14 item 3: the window a change's runbook runs in (spec.runbook.windowRef.name).
  const runbookWindow = (o: KubernetesObject): unknown => ((spec(o).runbook as { windowRef?: { name?: unknown } } | undefined)?.windowRef?.name);
  const releases = (o: KubernetesObject): Request[] => (spec(o).release === true ? i.changes.list(nsOf(o)).filter((c) => spec(c).release === true).map((c) => ({ namespace: nsOf(o), name: nameOf(c) })) : []);

  // seed §9.10: the incidents naming a patch campaign (spec.declinedPatchRef) are client-caused
  // once the client declined it: a change of the campaign moves their GTR, their units'
  // availability and their functions' (reports watch every change already).
  const namingPatch = (o: KubernetesObject): KubernetesObject[] => i.incidents.byIndex('declinedPatch', `${nsOf(o)}/${nameOf(o)}`);
  const patchIncidents = (o: KubernetesObject): Request[] => namingPatch(o).map((x) => ({ namespace: nsOf(o), name: nameOf(x) }));
  const patchUnits = (o: KubernetesObject): Request[] => [...new Set(namingPatch(o).flatMap((x) => refNames(spec(x).unitRefs)))].map((name) => ({ namespace: nsOf(o), name }));
  const patchFunctions = (o: KubernetesObject): Request[] => (namingPatch(o).length === 0 ? [] : inNamespace(i.functions)(o));

  add('managedtenant', 'ManagedTenant', tenantReconciler(deps), [
    watch('ManagedTenant', inNamespace(i.tenants)),
    watchContract(inNamespace(i.tenants)),
  ]);
  add('supportcontract', 'SupportContract', contractReconciler(deps), [
    watchAll('ChangeRequest', inNamespace(i.contracts)),
    watch('ManagedTenant', inNamespace(i.contracts)),
    watchAll('SLAReport', (o) => refNames(spec(o).contractRef).map((name) => ({ namespace: nsOf(o), name }))),
    // issue 13: the month's credits by state (status.claimCredits) read the claims' statuses.
    watchAll('SLAClaim', (o) => refNames(spec(o).contractRef).map((name) => ({ namespace: nsOf(o), name }))),
  ]);
  add('serviceunit', 'ServiceUnit', unitReconciler(deps), [
    watch('ServiceUnit', (o) => [...indexed(i.units, 'target', unitTargets)(o), ...dependents(i.units)(o), ...activeDirectoryUnits(o)]),
    watch('MaintenanceWindow', inNamespace(i.units)),
    watch('Incident', (o) => refNames(spec(o).unitRefs).map((name) => ({ namespace: nsOf(o), name }))),
    watch('ChangeRequest', patchUnits),
    watchContract(inNamespace(i.units)),
    watch('ManagedTenant', inNamespace(i.units)),
    // A report's finality releases the units being deleted that waited on its month (shared/retention.ts).
    watchAll('SLAReport', (o) => i.units.list(nsOf(o)).filter((u) => u.metadata?.deletionTimestamp !== undefined).map((u) => ({ namespace: nsOf(o), name: nameOf(u) }))),
  ]);
  add('managedfunction', 'ManagedFunction', functionReconciler(deps), [
    watch('ServiceUnit', inNamespace(i.functions)),
    watch('Incident', inNamespace(i.functions)),
    watch('MaintenanceWindow', inNamespace(i.functions)),
    watch('ChangeRequest', patchFunctions),
    watchContract(inNamespace(i.functions)),
    watch('ManagedTenant', inNamespace(i.functions)),
  ]);
  // seed §5.4: the other incidents of a changed incident's recurrences are re-queued by the
  // reconciler itself, only those whose ProblemProposed condition changed (incident/reconciler.ts).
  const incidents: Controller = add('incident', 'Incident', incidentReconciler(deps, (req) => { incidents.enqueue(req); }), [
    watch('ServiceUnit', indexed(i.incidents, 'unit', (o) => [nameOf(o)])),
    // A Problem links incidents: those re-queued say so, and tell the others of their recurrences.
    watch('Problem', (o) => refNames(spec(o).incidentRefs).map((name) => ({ namespace: nsOf(o), name }))),
    watch('ManagedFunction', inNamespace(i.incidents)),
    watch('ChangeRequest', patchIncidents),
    watchContract(inNamespace(i.incidents)),
    watch('ManagedTenant', inNamespace(i.incidents)),
  ]);
  add('changerequest', 'ChangeRequest', changeReconciler(deps), [
    watch('ChangeRequest', (o) => [...accelerated(o), ...releases(o)]),
    watch('ServiceUnit', indexed(i.changes, 'unit', (o) => [nameOf(o)])),
    watch('Incident', indexed(i.changes, 'incident', (o) => [nameOf(o)])),
    watchContract(inNamespace(i.changes)),
    watch('ManagedTenant', inNamespace(i.changes)),
    // issue 14 item 3: a change's runbook Jobs (only those the operator labelled, change/runbook.ts)
    // wake their change on every update: their status is what it reads. A window wakes the
    // changes whose runbook runs in it: its occurrences and approvals move the start.
    // Only what the change reads wakes it: the Job's creation, deletion and outcome (running →
    // succeeded / failed), not each of its status updates (active, ready, startTime, ...).
    {
      kind: JOBS, labelSelector: RUNBOOK_LABEL, predicate: jobOutcomeChanged,
      map: (o) => { const name = o.metadata?.labels?.[CHANGE_LABEL]; return name === undefined ? [] : [{ namespace: nsOf(o), name }]; },
    },
    watch('MaintenanceWindow', (o) => i.changes.list(nsOf(o)).filter((c) => runbookWindow(c) === nameOf(o)).map((c) => ({ namespace: nsOf(o), name: nameOf(c) }))),
    // issue 14 item 5: the catalogue prices the namespace's standard changes not stamped (and says which item is unknown).
    watch('ChangeCatalog', inNamespace(i.changes)),
  ]);
  // One per namespace, the oldest wins: a catalogue's creation or deletion tells the others.
  add('changecatalog', 'ChangeCatalog', catalogReconciler(deps), [
    watch('ChangeCatalog', inNamespace(i.catalogs)),
  ]);
  add('problem', 'Problem', problemReconciler(deps), [
    watch('Incident', indexed(i.problems, 'incident', (o) => [nameOf(o)])),
    watch('ChangeRequest', (o) => i.problems.list(nsOf(o)).filter((p) => refNames(spec(p).changeRef).includes(nameOf(o))).map((p) => ({ namespace: nsOf(o), name: nameOf(p) }))),
  ]);
  add('maintenancewindow', 'MaintenanceWindow', windowReconciler(deps), [
    watch('ServiceUnit', inNamespace(i.windows)),
  ]);
  // design.md §3 "Seals": months seal in order, so a report's status (final, sealed) or its
  // creation wakes the next month's report of the same contract, waiting for it.
  const nextReport = (o: KubernetesObject): Request[] => {
    const month = spec(o).month;
    if (typeof month !== 'string' || !MONTH_PATTERN.test(month)) return [];
    return refNames(spec(o).contractRef).map((contract) => ({ namespace: nsOf(o), name: `${contract}-${nextMonth(month)}` }));
  };
  // The report whose statement deducts a claim's answer: the month of its answeredAt, tenant's time zone.
  const answeredMonthReport = (o: KubernetesObject): Request[] => {
    const at = (spec(o).answer as { answeredAt?: unknown } | undefined)?.answeredAt;
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return [];
    const month = monthOf(new Date(at), caches.calendar(nsOf(o)).timeZone);
    return refNames(spec(o).contractRef).map((contract) => ({ namespace: nsOf(o), name: `${contract}-${month}` }));
  };
  // A closed month's provisional report computed again within CLOSED_MONTH_SETTLE_MS is put back
  // on the queue once the window has passed, in real time (a frozen test clock never fires it).
  const settled = new Set<string>();
  const settle = (req: Request, ms: number): void => {
    const key = `${req.namespace}/${req.name}`;
    if (settled.has(key)) return;
    settled.add(key);
    realClock.setTimeout(() => { settled.delete(key); reports.enqueue(req); }, ms);
  };
  const reports: Controller = add('slareport', 'SLAReport', reportReconciler(deps, settle), [
    watchAll('SLAReport', nextReport),
    watchContract(indexed(i.reports, 'contract', (o) => [nameOf(o)])),
    watch('ManagedTenant', inNamespace(i.reports)),
    watch('ServiceUnit', inNamespace(i.reports)),
    watch('ManagedFunction', inNamespace(i.reports)),
    watch('Incident', inNamespace(i.reports)),
    watch('ChangeRequest', inNamespace(i.reports)),
    watch('MaintenanceWindow', inNamespace(i.reports)),
    watch('Problem', inNamespace(i.reports)),
    // issue 13: a claim's answer is deducted on the statement of the month it was answered in.
    watch('SLAClaim', answeredMonthReport),
  ]);

  // issue 13: a claim's credit is what it adds to the month's claims filed before it, judged on
  // the month's final report: the report's status (final) and the month's other claims wake it.
  // Records changed after the month is final do not (the sealed report does not move either).
  const monthClaims = (o: KubernetesObject): Request[] => {
    const month = spec(o).month;
    return refNames(spec(o).contractRef).flatMap((contract) => i.claims.byIndex('contract', `${nsOf(o)}/${contract}`))
      .filter((c) => spec(c).month === month).map((c) => ({ namespace: nsOf(o), name: nameOf(c) }));
  };
  // The kinds the month's evaluation reads are declared too, mapped to nobody: the controller
  // starts once their caches are synced (a basis computed on a half-listed namespace would count
  // no ticket, and nothing would wake the claim again).
  const syncOnly = (kind: keyof typeof KIND_REFS): Watch => ({ kind: KIND_REFS[kind], map: () => [], predicate: () => false });
  add('slaclaim', 'SLAClaim', claimReconciler(deps), [
    watch('SLAClaim', monthClaims),
    watchAll('SLAReport', monthClaims),
    watchContract(inNamespace(i.claims)),
    watch('ManagedTenant', inNamespace(i.claims)),
    ...(['ServiceUnit', 'ManagedFunction', 'Incident', 'ChangeRequest', 'MaintenanceWindow', 'Problem'] as const).map(syncOnly),
  ]);

  return { caches, evaluations: deps.evaluations, metricsSnapshot: () => snapshot(deps) };
}

/** What src/metrics exports at scrape time, from the caches (statuses written by the controllers and the prober). */
function snapshot(deps: Deps): MetricsSnapshot {
  const { caches } = deps;
  const now = deps.now();
  const cond = (conditions: readonly { type: string; status: string }[] | undefined, type: string): string | undefined => conditions?.find((c) => c.type === type)?.status;
  const units = caches.units.all().map((u) => {
    const up = cond(u.status?.conditions, ConditionType.Available);
    const percent = u.status?.availability?.percent;
    const backup = u.spec.backup?.check === undefined ? undefined : cond(u.status?.conditions, ConditionType.BackupOnSchedule);
    const deadline = backup === undefined ? undefined : u.status?.backup?.deadline;
    return {
      namespace: u.namespace, name: u.name, environment: u.spec.environment,
      ...(up === 'True' || up === 'False' ? { up: up === 'True' } : {}),
      ...(percent !== undefined ? { availabilityRatio: percent / 100 } : {}),
      maintenance: cond(u.status?.conditions, ConditionType.InMaintenance) === 'True',
      ...(backup === 'True' || backup === 'False' ? { backupOnSchedule: backup === 'True' } : {}),
      ...(deadline !== undefined ? { backupDeadline: new Date(deadline) } : {}),
    };
  });
  const functions = caches.functions.all().map((f) => {
    const s = f.status;
    return {
      namespace: f.namespace, name: f.name, family: f.spec.family, units: s?.units ?? [],
      ...(s?.availabilityPercent !== undefined ? { availabilityRatio: s.availabilityPercent / 100 } : {}),
      ...(s?.guaranteePercent !== undefined ? { guaranteeRatio: s.guaranteePercent / 100 } : {}),
      ...(s?.errorBudgetRemainingPercent !== undefined ? { errorBudgetRemainingRatio: s.errorBudgetRemainingPercent / 100 } : {}),
    };
  });
  const incidents = caches.incidents.all().filter((inc) => inc.status?.phase === 'Open').map((inc) => {
    const r = deps.evaluations.of(inc.namespace, now).incident(inc.name)?.result;
    // Timed: GTR applies, or a non-production incident kept without penalties (domain.md §8).
    const timed = r?.timed === true && r.deadline !== undefined && r.targetSeconds !== undefined;
    return {
      namespace: inc.namespace, name: inc.name, priority: inc.spec.priority, penalties: r?.applicable === true,
      ...(timed ? { restorationDeadline: r.deadline, restorationElapsedRatio: r.coveredSeconds / r.targetSeconds } : {}),
      atRisk: cond(inc.status?.conditions, ConditionType.AtRisk) === 'True',
      major: cond(inc.status?.conditions, ConditionType.Major) === 'True',
    };
  });
  const changes = caches.changes.all().flatMap((c) => (c.status?.phase === undefined ? [] : [{ namespace: c.namespace, phase: c.status.phase }]));
  const reports = caches.reports.all();
  const contracts = caches.contracts.all().map((c) => {
    const month = c.status?.tokens?.month;
    const current = month === undefined ? undefined : reports.find((r) => r.namespace === c.namespace && r.spec.contractRef.name === c.name && r.spec.month === month);
    return {
      namespace: c.namespace, name: c.name,
      tokensUsed: c.status?.tokens?.used ?? 0,
      tokensIncluded: c.status?.tokens?.included ?? c.spec.monthlyTokens,
      creditsAmount: current?.status?.credits?.total ?? 0,
    };
  });
  // issue 13: a month whose credits are all claimed (its SLAClaims) owes nothing more to claim.
  const split = monthClaimCredits(reports, caches.claims.all(), now);
  const unclaimed = new Map(split.map((m) => [`${m.namespace}/${m.contract}-${m.month}`, m.claimable]));
  const claimable = reports.flatMap((r) => {
    const s = r.status;
    if (s?.final !== true || s.claimDeadline === undefined || (s.credits?.total ?? 0) <= 0) return [];
    if ((unclaimed.get(`${r.namespace}/${r.name}`) ?? 1) <= 0) return [];
    const deadline = new Date(s.claimDeadline);
    return deadline.getTime() > now.getTime() ? [{ namespace: r.namespace, name: r.name, claimDeadline: deadline }] : [];
  });
  // design.md §3 "Forecast": the running month's report carries one; a final report never does.
  const forecasts = reports.flatMap((r) => {
    const f = r.status?.forecast;
    if (f === undefined || r.status?.final === true) return [];
    return [{
      namespace: r.namespace, contract: r.spec.contractRef.name,
      functions: f.functions.flatMap((fn) => [
        { name: fn.name, case: 'NothingElse' as const, availabilityRatio: fn.nothingElse.availabilityPercent / 100, creditAmount: fn.nothingElse.creditAmount },
        { name: fn.name, case: 'BurnRate' as const, availabilityRatio: fn.burnRate.availabilityPercent / 100, creditAmount: fn.burnRate.creditAmount },
      ]),
      gtr: { deviationRatio: f.gtr.deviationPercent / 100, creditAmount: f.gtr.creditAmount },
      credits: [{ case: 'NothingElse' as const, amount: f.credits.nothingElse.total }, { case: 'BurnRate' as const, amount: f.credits.burnRate.total }],
    }];
  });
  // issue 13: the unanswered valid claims (their answer deadline and AtRisk instant), and each
  // recent closed month's credits by state, read from its final report and its claims' statuses.
  const validClaims = caches.claims.all().filter((c) => cond(c.status?.conditions, ConditionType.Valid) === 'True');
  const claims = validClaims.flatMap((c) => (c.spec.answer !== undefined || c.status?.answerDeadline === undefined || c.status.answerAtRiskAt === undefined ? [] : [{
    namespace: c.namespace, name: c.name, contract: c.spec.contractRef.name, month: c.spec.month,
    answerDeadline: new Date(c.status.answerDeadline), answerAtRiskAt: new Date(c.status.answerAtRiskAt),
  }]));
  const claimCredits = split.map((m) => ({
    namespace: m.namespace, contract: m.contract, month: m.month,
    amounts: { owed: m.owed, claimed: m.claimed, granted: m.granted, pending: m.pending, claimable: m.claimable, expired: m.expired },
  }));
  // issue 13 item 5: each contract's statements of the months the billing dashboard shows.
  const statements = shownStatements(reports, (namespace) => monthOf(now, caches.calendar(namespace).timeZone));
  return { units, functions, incidents, changes, contracts, reports: claimable, forecasts, claims, claimCredits, statements };
}

