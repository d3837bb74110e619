// The other direction: the domain's monthly report (design.md §3) as SLAReport.status. A field
// without a value (no deadline without SLA) is absent from the domain's report as from the
// status, never null (a structural CRD has no nullable fields); an empty reason is left out. Conditions are not copied: the controller's
// condition setter adds lastTransitionTime and observedGeneration to the report's conditions.
import type { MonthlyReport, ReportCondition } from '../../domain/report.ts';
import type { StatementReport } from '../../domain/month-statement.ts';
import { MAX_REPORT_TICKETS, type SLAReportStatus } from './sla-report.ts';

export type SLAReportStatusBody = Omit<SLAReportStatus, 'conditions' | 'observedGeneration'>;

/**
 * The report's list of tickets as the CRD bounds it (MAX_REPORT_TICKETS, which keeps the CEL cost
 * of the "final" rule finite): all of them when they fit, else the ones that matter most (late,
 * then applicable, then the others; by name within each) in the domain's order, and how many
 * were left out. Without the bound a month of more than 512 incidents had its status refused by
 * the API server (422), so its report was never written again.
 */
function bounded<K extends 'incidents' | 'changes', T extends { name: string; late: boolean; applicable: boolean }>(key: K, tickets: T[]): Record<K, T[]> & { omitted?: number } {
  if (tickets.length <= MAX_REPORT_TICKETS) return { [key]: tickets } as Record<K, T[]>;
  const rank = (t: T): number => (t.late ? 0 : t.applicable ? 1 : 2);
  const kept = new Set([...tickets].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, MAX_REPORT_TICKETS));
  return { [key]: tickets.filter((t) => kept.has(t)), omitted: tickets.length - MAX_REPORT_TICKETS } as Record<K, T[]> & { omitted: number };
}

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
      ...bounded('incidents', report.gtr.incidents.map(({ reason, ...rest }) => ({ ...rest, ...(reason === '' ? {} : { reason }) }))),
    },
    gtc: {
      completed: report.gtc.completed,
      late: report.gtc.late,
      creditAmount: report.gtc.creditAmount,
      ...bounded('changes', report.gtc.changes.map(({ reason, ...rest }) => ({ ...rest, ...(reason === '' ? {} : { reason }) }))),
    },
    tokens: { ...report.tokens },
    credits: { ...report.credits },
    claimDeadline: report.claimDeadline,
    ...(report.amended === undefined ? {} : { amended: report.amended.map((a) => ({ ...a, fields: [...a.fields] })) }),
    ...(report.problems === undefined ? {} : { problems: report.problems.slice(0, MAX_REPORT_TICKETS).map((p) => ({ ...p, incidents: [...p.incidents] })) }),
    ...(report.releases === undefined ? {} : { releases: report.releases.map((r) => ({ ...r })) }),
    ...(report.nonProduction === undefined ? {} : {
      nonProduction: {
        incidents: { ...report.nonProduction.incidents, lateIncidents: report.nonProduction.incidents.lateIncidents.slice(0, MAX_REPORT_TICKETS) },
        changes: { ...report.nonProduction.changes, lateChanges: report.nonProduction.changes.lateChanges.slice(0, MAX_REPORT_TICKETS) },
      },
    }),
    ...(report.forecast === undefined ? {} : {
      forecast: {
        ...report.forecast,
        functions: report.forecast.functions.map((f) => ({ ...f, nothingElse: { ...f.nothingElse }, burnRate: { ...f.burnRate } })),
        gtr: { ...report.forecast.gtr, open: report.forecast.gtr.open.slice(0, MAX_REPORT_TICKETS).map((o) => ({ ...o })) },
        credits: { nothingElse: { ...report.forecast.credits.nothingElse }, burnRate: { ...report.forecast.credits.burnRate } },
      },
    }),
    ...(report.pack === undefined ? {} : {
      // The same shape (from-domain.test.ts parses it with the schema): only `readonly` differs.
      pack: structuredClone(report.pack) as unknown as NonNullable<SLAReportStatusBody['pack']>,
    }),
  };
}

/** The report's conditions (GTDMet, GTRMet, GTCMet, Final), for the controller's condition setter. */
export function reportConditions(report: MonthlyReport): readonly ReportCondition[] {
  return report.conditions;
}

/** The statement as SLAReport.status.statement: the same shape (from-domain.test.ts parses it with the schema), only `readonly` differs. */
export function statementStatusFromDomain(statement: StatementReport): NonNullable<SLAReportStatusBody['statement']> {
  return structuredClone(statement) as unknown as NonNullable<SLAReportStatusBody['statement']>;
}
