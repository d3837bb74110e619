// SLAReport status (design.md §3): the domain's computeMonthlyReport, shaped as the API's status
// (absent values omitted rather than null), with `final` decided by the report's grace period.
// Conditions GTDMet, GTRMet, GTCMet, Final come from the domain; Ready says the report is computed.
import { ConditionReason, ConditionType, reportStatusFromDomain, type SLAReportStatus } from '../../api/v1alpha1/index.ts';
import { rfc3339, type MonthlyReport } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';

export type ReportFields = Omit<SLAReportStatus, 'conditions' | 'observedGeneration'>;

/** The report as SLAReport.status (the same shape `report --offline` prints), `final` by the grace period in force. */
export function reportFields(report: MonthlyReport, final: boolean): ReportFields {
  return { ...reportStatusFromDomain(report), final };
}

/** The domain's four conditions (Final replaced by the grace period in force), then Ready. */
export function reportConditions(report: MonthlyReport, final: boolean, finalAt: Date): DesiredCondition[] {
  const fromDomain = report.conditions.filter((c) => c.type !== 'Final').map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
  const finalCondition: DesiredCondition = final
    ? { type: ConditionType.Final, status: 'True', reason: ConditionReason.MonthClosed, message: `the month ended ${report.period.end}; the report is final` }
    : { type: ConditionType.Final, status: 'False', reason: ConditionReason.MonthOpen, message: `the report becomes final at ${rfc3339(finalAt)}` };
  return [...fromDomain, finalCondition, { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Reconciled, message: '' }];
}
