// The other direction: the domain's monthly report (design.md §3) as SLAReport.status. The
// domain's report may hold `null` (no deadline without SLA) and empty reasons; a structural CRD
// has no nullable fields, so those are left out. Conditions are not copied: the controller's
// condition setter adds lastTransitionTime and observedGeneration to the report's conditions.
import type { MonthlyReport, ReportCondition } from '../../domain/report.ts';
import type { SLAReportStatus } from './sla-report.ts';

export type SLAReportStatusBody = Omit<SLAReportStatus, 'conditions' | 'observedGeneration'>;

export function reportStatusFromDomain(report: MonthlyReport): SLAReportStatusBody {
  return {
    period: { ...report.period },
    final: report.final,
    currency: report.currency,
    functions: report.functions.map((f) => ({ ...f })),
    gtr: {
      resolved: report.gtr.resolved,
      late: report.gtr.late,
      deviationPercent: report.gtr.deviationPercent,
      creditPercent: report.gtr.creditPercent,
      creditAmount: report.gtr.creditAmount,
      incidents: report.gtr.incidents.map(({ deadline, reason, ...rest }) => ({
        ...rest,
        ...(deadline === null ? {} : { deadline }),
        ...(reason === '' ? {} : { reason }),
      })),
    },
    gtc: {
      completed: report.gtc.completed,
      late: report.gtc.late,
      creditAmount: report.gtc.creditAmount,
      changes: report.gtc.changes.map(({ deadline, ...rest }) => ({ ...rest, ...(deadline === null ? {} : { deadline }) })),
    },
    credits: { ...report.credits },
    claimDeadline: report.claimDeadline,
  };
}

/** The report's conditions (GTDMet, GTRMet, GTCMet, Final), for the controller's condition setter. */
export function reportConditions(report: MonthlyReport): readonly ReportCondition[] {
  return report.conditions;
}
