// SLAReport reconciler: the tenant's evaluation under the report's contract → its report of the
// month (the domain's reportOf, the projection the offline report computes too) →
// report/status.ts → status. A final report is never written again (the
// CRD refuses it too). Final 24 h after the later of its month's end and its creation
// (reportCreatedAt, design.md §3). Requeued when it becomes final, and at the deadlines of the
// month's open incidents and pending changes.
import { ConditionReason, ConditionType, REPORT_CREATED_AT_ANNOTATION } from '../../api/v1alpha1/index.ts';
import { monthPeriod, reportFinalAt, type Interval } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Caches } from '../shared/cache.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS } from '../shared/kinds.ts';
import { keepRecord, reportRelease } from '../shared/retention.ts';
import { emitOnTransition, invalidSpecConditions, readyCondition, requeueAt, writeStatus } from '../shared/status.ts';
import { reportConditions, reportFields, type Uncounted } from './status.ts';

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

export function reportReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.reports.get(req.namespace, req.name);
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
    const ev = deps.evaluations.of(req.namespace, now, contract.name);
    const period = monthPeriod(report.spec.month, ev.input.calendar.timeZone);
    const createdAt = reportCreatedAt(report.raw);
    const finalAt = reportFinalAt(period.end, createdAt);
    const computed = ev.report(report.spec.month, createdAt);
    if (computed === undefined) throw new Error(`the evaluation of ${req.namespace} under SupportContract ${contract.name} has no contract`);
    const final = computed.final;
    const uncounted = uncountedIn(caches, req.namespace, period, ev.at);
    const written = await writeStatus(manager, KIND_REFS.SLAReport, report, reportFields(computed, final), reportConditions(computed, final, finalAt, uncounted), now);
    await emitOnTransition(manager, report.raw, report.status?.conditions, ConditionType.Complete, 'False', written, {
      type: 'Warning', reason: 'ReportIncomplete', action: 'Reconcile', note: written.find((c) => c.type === ConditionType.Complete)?.message ?? '',
    });
    for (const type of [ConditionType.GTDMet, ConditionType.GTRMet, ConditionType.GTCMet]) {
      await emitOnTransition(manager, report.raw, report.status?.conditions, type, 'False', written, {
        type: 'Warning', reason: 'SLABreached', action: 'Reconcile', note: `${type}: ${written.find((c) => c.type === type)?.message ?? ''}`,
      });
    }
    // Just final: read back to hold its finalizer (the status write moved its resourceVersion; it wakes no watch).
    if (final) return deps.retention === undefined ? {} : { requeueAfter: 1000 };
    const deadlines = [
      ...computed.gtr.incidents.flatMap((i) => (i.late || i.deadline === undefined ? [] : [new Date(i.deadline)])),
      ...computed.gtc.changes.flatMap((c) => (c.late || c.deadline === undefined ? [] : [new Date(c.deadline)])),
    ];
    return requeueAt(ev.at, [finalAt, period.end, ...deadlines]);
  };
}
