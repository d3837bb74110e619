// SLAReport reconciler: the tenant's evaluation under the report's contract → its report of the
// month (the domain's reportOf, the projection the offline report computes too) →
// report/status.ts → status. A final report is never written again (the
// CRD refuses it too). Final 24 h after the later of its month's end and its creation
// (reportCreatedAt, design.md §3). Requeued when it becomes final, and at the deadlines of the
// month's open incidents and pending changes.
import { ConditionReason, ConditionType, REPORT_CREATED_AT_ANNOTATION, answeredClaimsToDomain, statementCarryOfStatus } from '../../api/v1alpha1/index.ts';
import {
  CAPACITY_AT_FINAL, CAPACITY_NOT_CONFIGURED, CAPACITY_RETRY_INTERVAL_MS, CAPACITY_RETRY_MS, capacityUnavailable, FIRST_PREVIOUS, FORECAST_STEP_MS, monthPeriod, monthStatement, previousMonth,
  reportClosedAt, reportFinalAt, rfc3339, sealOf, withCapacity, type CapacitySection, type Interval, type ReportInput, type StatementReport,
} from '../../domain/index.ts';
import type { Reconciler, Request } from '../../runtime/index.ts';
import type { Caches } from '../shared/cache.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS } from '../shared/kinds.ts';
import { keepRecord, reportRelease } from '../shared/retention.ts';
import { emitOnTransition, invalidSpecConditions, readyCondition, requeueAt, writeStatus } from '../shared/status.ts';
import { reportConditions, reportFields, statementCondition, type Uncounted } from './status.ts';

/**
 * The month's statement (design.md §3 "The monthly statement"), by the one assembly
 * (domain monthStatement): the report's token ledger, the contract's answered claims, and the
 * earlier statements as the contract's stored reports hold them (status.statement of
 * `<contract>-<month>`); a report or statement missing is undefined (counted 0, StatementComplete).
 */
export function statementOf(caches: Caches, namespace: string, contract: string, input: ReportInput, month: string, tokens: { readonly pack: number; readonly used: number }): StatementReport {
  const claims = answeredClaimsToDomain(caches.claims.byIndex('contract', namespace, contract));
  return monthStatement({
    input, month, tokens, claims,
    previous: (m) => statementCarryOfStatus(caches.reports.informer.get(namespace, `${contract}-${m}`)?.status),
  });
}

/**
 * The incidents and changes touching `period` that name a unit the namespace does not have (valid):
 * the report counts them on their other units only, or leaves them out (the Complete condition names them). An incident touches the month
 * when opened before its end and not resolved before its start; a change likewise with
 * requestedAt and completedAt.
 */
export function uncountedIn(caches: Caches, namespace: string, period: Interval, now: Date): Uncounted[] {
  const present = new Set(caches.units.list(namespace).map((u) => u.name));
  const touches = (from: string, to: string | undefined): boolean =>
    new Date(from).getTime() < period.end.getTime() && (to === undefined || new Date(to).getTime() >= period.start.getTime());
  const split = (refs: readonly { name: string }[]) => ({
    missingUnits: refs.map((r) => r.name).filter((n) => !present.has(n)),
    countedOn: refs.map((r) => r.name).filter((n) => present.has(n)),
  });
  // A P1's interruption within the month as the report would count it on a unit (domain.md §1:
  // opened → resolved, a resolution later than now not known yet), before exclusions and
  // maintenance windows, which need the unit: an upper bound of what the month misses.
  const horizon = Math.min(period.end.getTime(), now.getTime());
  const p1Seconds = (priority: string, from: string, to: string | undefined): number => {
    if (priority !== 'P1') return 0;
    // A resolution later than now is past the horizon (≤ now) anyway.
    const end = Math.min(horizon, to === undefined ? Infinity : new Date(to).getTime());
    return Math.max(0, Math.round((end - Math.max(period.start.getTime(), new Date(from).getTime())) / 1000));
  };
  const out: Uncounted[] = [];
  for (const i of caches.incidents.list(namespace)) {
    const s = split(i.spec.unitRefs);
    if (s.missingUnits.length > 0 && touches(i.spec.openedAt, i.spec.resolvedAt)) {
      out.push({ kind: 'Incident', name: i.name, ...s, interruptionSeconds: p1Seconds(i.spec.priority, i.spec.openedAt, i.spec.resolvedAt) });
    }
  }
  for (const c of caches.changes.list(namespace)) {
    const s = split(c.spec.unitRefs);
    if (s.missingUnits.length > 0 && touches(c.spec.requestedAt, c.spec.completedAt)) out.push({ kind: 'ChangeRequest', name: c.name, ...s, interruptionSeconds: 0 });
  }
  return out;
}

/**
 * The report's creation, which delays its finality (reportFinalAt, design.md §3): the instant the
 * contract's controller stamped on the operator's clock, else the API server's
 * `metadata.creationTimestamp`; both are metadata, so a restart reads the same instant. Neither
 * readable (a report written without either): undefined, the month's end alone.
 */
export function reportCreatedAt(raw: { readonly metadata?: { readonly annotations?: Readonly<Record<string, string>>; readonly creationTimestamp?: Date | string } }): Date | undefined {
  for (const value of [raw.metadata?.annotations?.[REPORT_CREATED_AT_ANNOTATION], raw.metadata?.creationTimestamp]) {
    if (value === undefined) continue;
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return at;
  }
  return undefined;
}

/**
 * What a final report of `month` chains with (design.md §3 "Seals"): FIRST_PREVIOUS for the
 * contract's first month (the month of `spec.start`) or earlier, else the seal of the previous
 * month's report `<contract>-<previous month>`, or FIRST_PREVIOUS again when that report was final
 * before seals existed (an upgrade: the chain starts again); while that report does not exist or
 * is not final, `waiting` says so and the month is not finalized (months seal in order).
 */
export function previousSeal(caches: Caches, namespace: string, contract: string, contractStart: string, month: string): { previous?: string; waiting?: string } {
  if (month <= contractStart.slice(0, 7)) return { previous: FIRST_PREVIOUS };
  const name = `${contract}-${previousMonth(month)}`;
  const previous = caches.reports.informer.get(namespace, name);
  if (previous === undefined) return { waiting: `the month is closed; it is sealed after SLAReport ${name} (months seal in order), which does not exist yet` };
  if (previous.status?.final !== true) return { waiting: `the month is closed; it is sealed after SLAReport ${name} (months seal in order), which is not final yet` };
  // A final report without a seal was finalized before seals existed (every final write since
  // carries one, and a final status never changes): the chain starts again after it.
  return { previous: previous.status.seal?.sha256 ?? FIRST_PREVIOUS };
}

/**
 * How often, at most, a closed month's report that is not final yet is computed again
 * (performance.now(), real time: an operational bound, not a contract instant). Such a report
 * (created after its month closed, provisional for 24 h) is a whole evaluation at its close, and
 * every record of the namespace re-queues it: a burst (a GitOps sync, 1,000 incidents) on a
 * tenant whose past months were just created cost one evaluation per past month per record, the
 * event loop blocked for seconds. Its content changes only when a record of the month does; the
 * reconcile put back after the window (`settle`) makes the last change count.
 */
export const CLOSED_MONTH_SETTLE_MS = 2_000;

/**
 * The capacity section of a report about to be sealed: read from Prometheus over its month (to
 * the month's end); when Prometheus cannot be read, `pending` (the report waits) until
 * CAPACITY_RETRY_MS after `finalAt`, then the section unavailable with the error and the bound.
 */
async function capacityAtFinal(deps: Deps, namespace: string, contract: string, month: string, timeZone: string, end: Date, finalAt: Date, now: Date): Promise<{ readonly section: CapacitySection; readonly pending?: string }> {
  if (deps.capacity === undefined) return { section: capacityUnavailable(CAPACITY_NOT_CONFIGURED) };
  const units = deps.evaluations.input(namespace, contract).units.map((u) => ({ name: u.name, labels: u.labels }));
  // The queries' timeout in real time (the network's), not on the operator's clock.
  const read = await deps.capacity.read({ namespace, units, month, timeZone, now: end });
  if (read.ok) return { section: read.section };
  const bound = new Date(finalAt.getTime() + CAPACITY_RETRY_MS);
  if (now.getTime() < bound.getTime()) {
    const pending = `the month is closed; it is sealed once Prometheus is read for the capacity section, tried again every ${CAPACITY_RETRY_INTERVAL_MS / 60_000} min until ${rfc3339(bound)}, then sealed without it: ${read.message}`;
    return { section: capacityUnavailable(`not read yet: ${read.message}`), pending };
  }
  return { section: capacityUnavailable(`Prometheus could not be read from ${rfc3339(finalAt)} to ${rfc3339(bound)}, when the report was made final: ${read.message}`) };
}

/** `settle(req, ms)`: reconcile `req` again in `ms` of real time (controllers/index.ts). */
export function reportReconciler(deps: Deps, settle: (req: Request, ms: number) => void): Reconciler {
  const { caches, manager } = deps;
  /** When each closed month's provisional report was last computed (performance.now()), by namespace/name. */
  const computedAt = new Map<string, number>();
  return async (req) => {
    const key = `${req.namespace}/${req.name}`;
    const parsed = caches.reports.get(req.namespace, req.name);
    if (parsed === undefined || parsed.ok && parsed.value.status?.final === true) computedAt.delete(key);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.SLAReport, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const report = parsed.value;
    // design.md §1: once final, the report never changes again; it is kept (its finalizer) until
    // its month's end plus the retention (shared/retention.ts).
    if (report.status?.final === true) {
      const retention = deps.retention;
      if (retention === undefined) return {};
      const end = monthPeriod(report.spec.month, caches.calendar(req.namespace).timeZone).end;
      const release = await keepRecord(deps, KIND_REFS.SLAReport, report, () => reportRelease(retention.months, end));
      return release === 'released' ? {} : requeueAt(now, [release]);
    }
    const contract = caches.contracts.valid(req.namespace, report.spec.contractRef.name);
    if (contract === undefined) {
      const missing = readyCondition({ reason: ConditionReason.ReferenceNotFound, message: `SupportContract ${report.spec.contractRef.name} not found` });
      await writeStatus(manager, KIND_REFS.SLAReport, report, {}, [missing], now);
      return {};
    }
    // design.md §3 "One instant per month": past the month's close (its end plus the grace), the
    // report is its records judged at the close, whenever it is created or reconciled; finality
    // is still decided at now (reportFinalAt).
    const timeZone = deps.evaluations.input(req.namespace, contract.name).calendar.timeZone;
    const period = monthPeriod(report.spec.month, timeZone);
    const closedAt = reportClosedAt(period.end);
    if (now.getTime() >= closedAt.getTime()) {
      const since = performance.now() - (computedAt.get(key) ?? -Infinity);
      if (since < CLOSED_MONTH_SETTLE_MS) {
        settle(req, Math.ceil(CLOSED_MONTH_SETTLE_MS - since));
        return {};
      }
    }
    const ev = now.getTime() >= closedAt.getTime() ? deps.evaluations.at(req.namespace, closedAt, contract.name) : deps.evaluations.of(req.namespace, now, contract.name);
    const createdAt = reportCreatedAt(report.raw);
    const finalAt = reportFinalAt(period.end, createdAt);
    const computed = ev.report(report.spec.month, createdAt, now);
    if (computed === undefined) throw new Error(`the evaluation of ${req.namespace} under SupportContract ${contract.name} has no contract`);
    // design.md §3 "Seals": a final report is sealed in the same write, chained with the previous
    // month's seal; months seal in order, so a closed month waits for the previous one.
    const chain = computed.final ? previousSeal(caches, req.namespace, contract.name, contract.spec.start, report.spec.month) : undefined;
    const sealable = chain?.previous !== undefined;
    // design.md §3 "The monthly pack", capacity: Prometheus is read once, when the report is made
    // final; while it cannot be, the report waits (CAPACITY_RETRY_MS at most), then is sealed
    // with the section unavailable and why.
    const capacity: { readonly section: CapacitySection; readonly pending?: string } = !sealable ? { section: capacityUnavailable(deps.capacity === undefined ? CAPACITY_NOT_CONFIGURED : CAPACITY_AT_FINAL) } : await capacityAtFinal(deps, req.namespace, contract.name, report.spec.month, timeZone, period.end, finalAt, now);
    const previous = capacity.pending !== undefined ? undefined : chain?.previous;
    const final = previous !== undefined;
    const input = deps.evaluations.input(req.namespace, contract.name);
    const statement = input.contract === undefined ? undefined : statementOf(caches, req.namespace, contract.name, { ...input, contract: input.contract }, report.spec.month, computed.tokens);
    const fields = reportFields(withCapacity(computed, capacity.section), final, statement);
    const status = previous !== undefined ? { ...fields, seal: sealOf(fields, previous) } : fields;
    const uncounted = uncountedIn(caches, req.namespace, period, ev.at);
    const written = await writeStatus(manager, KIND_REFS.SLAReport, report, status, [...reportConditions(computed, final, finalAt, uncounted, chain?.waiting, capacity.pending), statementCondition(statement, contract.name)], now);
    // Settled only while provisional: a closed month waiting for the previous month's seal is
    // computed again as soon as that seal wakes it (a chain of past months seals in one pass).
    if (now.getTime() >= closedAt.getTime() && !computed.final) computedAt.set(key, performance.now());
    await emitOnTransition(manager, report.raw, report.status?.conditions, ConditionType.Complete, 'False', written, {
      type: 'Warning', reason: 'ReportIncomplete', action: 'Reconcile', note: written.find((c) => c.type === ConditionType.Complete)?.message ?? '',
    });
    for (const type of [ConditionType.GTDMet, ConditionType.GTRMet, ConditionType.GTCMet]) {
      await emitOnTransition(manager, report.raw, report.status?.conditions, type, 'False', written, {
        type: 'Warning', reason: 'SLABreached', action: 'Reconcile', note: `${type}: ${written.find((c) => c.type === type)?.message ?? ''}`,
      });
    }
    if (final) deps.evaluations.release(req.namespace, closedAt, contract.name);
    // Just final: read back to hold its finalizer (the status write moved its resourceVersion; it wakes no watch).
    if (final) return deps.retention === undefined ? {} : { requeueAfter: 1000 };
    // Waiting for the previous month: its status change re-queues this report (the watch in controllers/index.ts).
    if (chain?.waiting !== undefined) return {};
    // Waiting for Prometheus: tried again after a while, until the bound.
    if (capacity.pending !== undefined) return requeueAt(now, [new Date(Math.min(now.getTime() + CAPACITY_RETRY_INTERVAL_MS, finalAt.getTime() + CAPACITY_RETRY_MS))]);
    const deadlines = [
      // The running month's forecast moves once an hour (forecast.ts FORECAST_STEP_MS).
      ...(computed.forecast === undefined ? [] : [new Date(Date.parse(computed.forecast.at) + FORECAST_STEP_MS)]),
      ...computed.gtr.incidents.flatMap((i) => (i.late || i.deadline === undefined ? [] : [new Date(i.deadline)])),
      ...computed.gtc.changes.flatMap((c) => (c.late || c.deadline === undefined ? [] : [new Date(c.deadline)])),
    ];
    // From the clock, not ev.at: past the close the evaluation's instant is the close itself.
    return requeueAt(ev.at.getTime() === closedAt.getTime() ? now : ev.at, [finalAt, period.end, ...deadlines]);
  };
}
