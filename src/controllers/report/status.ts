// SLAReport status (design.md §3): the domain's computeMonthlyReport, shaped as the API's status
// (absent values omitted rather than null), with `final` decided by the report's grace period.
// Conditions GTDMet, GTRMet, GTCMet, Final come from the domain; Complete names what the report could not count; Ready says the report is computed and complete.
import { ConditionReason, ConditionType, reportStatusFromDomain, statementStatusFromDomain, type SLAReportStatus } from '../../api/v1alpha1/index.ts';
import { REPORT_RULES, rfc3339, type MonthlyReport, type StatementReport } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';

export type ReportFields = Omit<SLAReportStatus, 'conditions' | 'observedGeneration'>;

/** The report as SLAReport.status (the same shape `report --offline` prints), `final` by the grace period in force, with the month's statement (design.md §3 "The monthly statement"). */
export function reportFields(report: MonthlyReport, final: boolean, statement?: StatementReport): ReportFields {
  return { ...reportStatusFromDomain(report), ...(statement === undefined ? {} : { statement: statementStatusFromDomain(statement) }), final, rules: REPORT_RULES };
}

/** StatementComplete: True, or False naming the months whose statement was missing (counted 0). */
export function statementCondition(statement: StatementReport | undefined, contract: string): DesiredCondition {
  const missing = statement?.missing ?? [];
  if (missing.length === 0) return { type: ConditionType.StatementComplete, status: 'True', reason: ConditionReason.Reconciled, message: '' };
  return {
    type: ConditionType.StatementComplete, status: 'False', reason: ConditionReason.PreviousStatementMissing,
    message: `the statement reads ${missing.map((m) => `SLAReport ${contract}-${m}`).join(', ')}, which does not exist or has no statement: counted 0 (credits carried, minimum revenue billed), never guessed`,
  };
}

/** An incident or change of the month the report cannot count: the units it names that do not exist. */
export interface Uncounted {
  readonly kind: 'Incident' | 'ChangeRequest';
  readonly name: string;
  readonly missingUnits: readonly string[];
  /** The units of it that are there, on which it is counted; empty: not counted at all. */
  readonly countedOn: readonly string[];
  /** A P1 incident's interruption within the month as of now, seconds: what is missing from the month on each missing unit (0 otherwise). */
  readonly interruptionSeconds: number;
}

/**
 * Complete (issue 20: a report never drops an object silently): False naming every incident and
 * change of the month that references a unit the namespace does not have, not applied yet
 * (GitOps order: it clears when the unit appears) or deleted (its downtime is then missing from
 * the month, and the message says how much: design.md §3 "What a report cannot count").
 */
export function completeCondition(uncounted: readonly Uncounted[]): DesiredCondition {
  if (uncounted.length === 0) return { type: ConditionType.Complete, status: 'True', reason: ConditionReason.Reconciled, message: '' };
  const list = uncounted.map((u) => {
    const partly = u.countedOn.length === 0 ? '' : `, counted on ${u.countedOn.join(', ')} only`;
    const lost = u.interruptionSeconds > 0 ? `, ${u.interruptionSeconds} s of P1 interruption in the month not counted on ${u.missingUnits.join(', ')}` : '';
    return `${u.kind} ${u.name} (ServiceUnit ${u.missingUnits.join(', ')} not found or not valid${partly}${lost})`;
  }).join('; ');
  return { type: ConditionType.Complete, status: 'False', reason: ConditionReason.ReferenceNotFound, message: `cannot count: ${list}; a unit not applied yet, or deleted` };
}

/** The domain's four conditions (Final replaced by the grace period in force), Complete, then Ready (False while incomplete). */
/** `waitingFor`: the month is closed but waits for the previous month's seal (design.md §3 "Seals"), why; `capacityPending`: it waits for Prometheus (the pack's capacity section), why. */
export function reportConditions(report: MonthlyReport, final: boolean, finalAt: Date, uncounted: readonly Uncounted[] = [], waitingFor?: string, capacityPending?: string): DesiredCondition[] {
  const fromDomain = report.conditions.filter((c) => c.type !== 'Final').map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
  const finalCondition: DesiredCondition = final
    ? { type: ConditionType.Final, status: 'True', reason: ConditionReason.MonthClosed, message: `the month ended ${report.period.end}; the report is final` }
    : waitingFor !== undefined
      ? { type: ConditionType.Final, status: 'False', reason: ConditionReason.PreviousMonthOpen, message: waitingFor }
      : capacityPending !== undefined
        ? { type: ConditionType.Final, status: 'False', reason: ConditionReason.CapacityPending, message: capacityPending }
        : { type: ConditionType.Final, status: 'False', reason: ConditionReason.MonthOpen, message: `the report becomes final at ${rfc3339(finalAt)}` };
  const complete = completeCondition(uncounted);
  const ready: DesiredCondition = complete.status === 'True'
    ? { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Reconciled, message: '' }
    : { type: ConditionType.Ready, status: 'False', reason: complete.reason, message: complete.message };
  return [...fromDomain, complete, finalCondition, ready];
}
