// The report's ticket lists as the CRD bounds them (MAX_REPORT_TICKETS = 512): a month with more
// tickets keeps the ones that matter most and says how many it left out, so its status is still
// accepted by the API server (found by test/integration/operator-faults.test.ts: 1,002 incidents
// in a month had the status refused with 422 "must have at most 512 items").
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../../domain/calendar.ts';
import type { IncidentReport, MonthlyReport, ReportInput } from '../../domain/report.ts';
import { computeMonthlyReport } from '../../domain/tenant.ts';
import { PREREQUISITES } from '../../domain/vocabulary.ts';
import { monthStatement } from '../../domain/month-statement.ts';
import { reportStatusFromDomain, statementStatusFromDomain } from './from-domain.ts';
import { MAX_REPORT_TICKETS, SLAReportStatus } from './sla-report.ts';

const incident = (i: number, late: boolean, applicable: boolean): IncidentReport => ({
  name: `inc-${String(i).padStart(4, '0')}`, priority: 'P3', supportLevel: 'Standard', coveredSeconds: 60, late, applicable, reason: applicable ? '' : 'no SLA',
});

function report(incidents: IncidentReport[]): MonthlyReport {
  return {
    period: { month: '2026-11', start: '2026-10-31T23:00:00Z', end: '2026-11-30T23:00:00Z', timeZone: 'Europe/Paris' },
    final: false, currency: 'EUR', functions: [],
    gtr: { resolved: incidents.filter((i) => i.applicable).length, late: incidents.filter((i) => i.late).length, deviationPercent: 0, creditPercent: 0, creditAmount: 0, incidents },
    gtc: { completed: 0, late: 0, creditAmount: 0, changes: [] },
    tokens: { pack: 0, used: 0, extra: 0, extraAmount: 0 },
    credits: { uncapped: 0, capPercent: 15, cap: 0, total: 0 },
    claimDeadline: '2026-12-30T23:00:00Z', conditions: [],
  };
}

describe('reportStatusFromDomain: ticket lists within the CRD bound', () => {
  it('lists every incident when they fit, with no omitted count', () => {
    const status = reportStatusFromDomain(report(Array.from({ length: MAX_REPORT_TICKETS }, (_, i) => incident(i, false, true))));
    expect(status.gtr?.incidents).toHaveLength(512);
    expect(status.gtr?.omitted).toBeUndefined();
  });

  it('beyond 512: the late ones, then the applicable ones, then the others; the counts stay whole', () => {
    // 1,000 incidents: i % 10 === 0 late (100: 0, 10, ..., 990), i % 10 in 1..4 not applicable
    // (400), the other 500 applicable and on time. Kept: the 100 late + the first 412 applicable
    // on-time ones by name (512 - 100 = 412); omitted: 1,000 - 512 = 488 (88 applicable ones and
    // the 400 without GTR).
    const all = Array.from({ length: 1000 }, (_, i) => incident(i, i % 10 === 0, i % 10 === 0 || i % 10 >= 5));
    const status = reportStatusFromDomain(report(all));
    const kept = status.gtr?.incidents ?? [];
    expect(kept).toHaveLength(512);
    expect(status.gtr?.omitted).toBe(488);
    expect(kept.filter((i) => i.late)).toHaveLength(100);
    expect(kept.filter((i) => !i.applicable)).toHaveLength(0);
    // The applicable on-time ones kept are the first 412 by name: the 412th is the 412th with
    // i % 10 in 5..9, i.e. 82 full decades (410) and two more of the 83rd (i = 825, 826).
    expect(kept.filter((i) => !i.late).at(-1)?.name).toBe('inc-0826');
    // In the domain's order, the counts are the domain's (all 1,000 incidents: 600 applicable, 100 late).
    expect(kept.map((i) => i.name)).toEqual([...kept.map((i) => i.name)].sort());
    expect([status.gtr?.resolved, status.gtr?.late]).toEqual([600, 100]);
    // What the CRD accepts.
    expect(SLAReportStatus.safeParse({ ...status, conditions: [] }).success).toBe(true);
  });
});

describe('reportStatusFromDomain: the monthly pack (design.md §3 "The monthly pack")', () => {
  it('a computed report\'s pack is in the status and the schema accepts it', () => {
    const at = (iso: string) => new Date(iso);
    const input: ReportInput = {
      calendar: DEFAULT_CALENDAR,
      contract: { currency: 'EUR', supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000 },
      units: [{ name: 'db-1', level: 'Database', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm' }], subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {} }],
      functions: [{ name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 600 }],
      // One P1 of 1 h on 2 November, detected by monitoring.
      incidents: [{ name: 'inc-1', unitNames: ['db-1'], priority: 'P1', openedAt: at('2026-11-02T10:00:00Z'), resolvedAt: at('2026-11-02T11:00:00Z'), cause: 'Provider', exclusions: [], detection: 'Monitoring' }],
      changes: [], maintenanceWindows: [],
    };
    const status = reportStatusFromDomain(computeMonthlyReport(input, '2026-11', at('2027-01-01T00:00:00Z')));
    expect(status.pack?.volumes.incidents).toEqual({ total: 1, byPriority: { P1: 1, P2: 0, P3: 0, P4: 0 }, byEnvironment: { Production: 1, PreProduction: 0, Integration: 0, Development: 0 }, byDetection: { Monitoring: 1, Client: 0 } });
    expect(status.pack?.majorIncidents).toEqual({ items: [{ name: 'inc-1', openedAt: '2026-11-02T10:00:00Z', resolvedAt: '2026-11-02T11:00:00Z', units: ['db-1'] }], more: 0 });
    const parsed = SLAReportStatus.safeParse(status);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.pack).toEqual(status.pack);
  });
});

describe('statementStatusFromDomain: the statement within the CRD bounds', () => {
  it('600 client tickets in a month: 512 listed by name, 88 omitted, all 600 counted; the schema accepts it', () => {
    const input: ReportInput = {
      calendar: DEFAULT_CALENDAR,
      contract: { currency: 'EUR', start: '2026-11-01', supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 100, ticketQuota: 100, ticketPrices: { Premium: 90, Standard: 60, Initial: 40, NoSLA: 25 } },
      units: [{ name: 'u', level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm' }], subscription: { start: new Date('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {} }],
      functions: [{ name: 'os', family: 'OS', units: ['u'], monthlyCharge: 1000 }],
      incidents: Array.from({ length: 600 }, (_, i) => ({ name: `t-${String(i).padStart(4, '0')}`, unitNames: ['u'], priority: 'P4' as const, openedAt: new Date('2026-11-10T10:00:00Z'), cause: 'Provider' as const, exclusions: [] })),
      changes: [], maintenanceWindows: [],
    };
    const status = statementStatusFromDomain(monthStatement({ input, month: '2026-11', tokens: { pack: 0, used: 0 }, claims: [], previous: () => undefined }));
    // 600 − 100 = 500 over the quota × 60.00 (Standard) = 30,000.00; + 1,000.00 = 31,000.00.
    expect(status.tickets).toMatchObject({ used: 600, overage: 500, amount: 30_000, omitted: 88 });
    expect(status.tickets.incidents).toHaveLength(512);
    expect(status.totals.excludingTax).toBe(31_000);
    expect(SLAReportStatus.safeParse({ statement: status }).success).toBe(true);
  });
});
