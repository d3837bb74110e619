// SLAReport status (design.md §3): the domain's computeMonthlyReport, shaped as the API's status
// (absent values omitted rather than null), with `final` decided by the report's grace period.
// Conditions GTDMet, GTRMet, GTCMet, Final come from the domain; Ready says the report is computed.
import { ConditionReason, ConditionType, type SLAReportStatus } from '../../api/v1alpha1/index.ts';
import { rfc3339, type MonthlyReport } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';

export type ReportFields = Omit<SLAReportStatus, 'conditions' | 'observedGeneration'>;

/** Whether the month's report is final at `now`: its end plus the grace period has passed. */
export function isFinal(periodEnd: Date, gracePeriodMs: number, now: Date): boolean {
  return now.getTime() >= periodEnd.getTime() + gracePeriodMs;
}

export function reportFields(report: MonthlyReport, final: boolean): ReportFields {
  return {
    period: report.period,
    final,
    currency: report.currency,
    functions: report.functions.map((f) => ({ ...f })),
    gtr: {
      resolved: report.gtr.resolved,
      late: report.gtr.late,
      deviationPercent: report.gtr.deviationPercent,
      creditPercent: report.gtr.creditPercent,
      creditAmount: report.gtr.creditAmount,
      incidents: report.gtr.incidents.map((i) => ({
        name: i.name,
        priority: i.priority,
        supportLevel: i.supportLevel,
        ...(i.deadline !== null ? { deadline: i.deadline } : {}),
        coveredSeconds: Math.floor(i.coveredSeconds),
        late: i.late,
        applicable: i.applicable,
        ...(i.applicable ? {} : { reason: i.reason }),
      })),
    },
    gtc: {
      completed: report.gtc.completed,
      late: report.gtc.late,
      creditAmount: report.gtc.creditAmount,
      changes: report.gtc.changes.map((c) => ({
        name: c.name,
        category: c.category,
        accelerated: c.accelerated,
        ...(c.deadline !== null ? { deadline: c.deadline } : {}),
        coveredSeconds: Math.floor(c.coveredSeconds),
        late: c.late,
        applicable: c.applicable,
      })),
    },
    credits: report.credits,
    claimDeadline: report.claimDeadline,
  };
}

/** The domain's four conditions (Final replaced by the grace period in force), then Ready. */
export function reportConditions(report: MonthlyReport, final: boolean, finalAt: Date): DesiredCondition[] {
  const fromDomain = report.conditions.filter((c) => c.type !== 'Final').map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
  const finalCondition: DesiredCondition = final
    ? { type: ConditionType.Final, status: 'True', reason: ConditionReason.MonthClosed, message: `the month ended ${report.period.end}; the report is final` }
    : { type: ConditionType.Final, status: 'False', reason: ConditionReason.MonthOpen, message: `the report becomes final at ${rfc3339(finalAt)}` };
  return [...fromDomain, finalCondition, { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Reconciled, message: '' }];
}
