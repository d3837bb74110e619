import { describe, expect, it } from 'vitest';
import { reportOfStatus } from './report.ts';

// A report status as an operator before the dated terms wrote it: everything but status.tokens.
const legacy = {
  period: { month: '2026-10', start: '2026-09-30T22:00:00Z', end: '2026-10-31T23:00:00Z', timeZone: 'Europe/Paris' },
  currency: 'EUR',
  functions: [],
  gtr: { resolved: 0, late: 0, deviationPercent: 0, creditPercent: 0, creditAmount: 0, incidents: [] },
  gtc: { completed: 0, late: 0, creditAmount: 0, changes: [] },
  credits: { uncapped: 0, cap: 0, capPercent: 15, total: 0 },
  claimDeadline: '2026-11-30T23:00:00Z',
};

describe('reportOfStatus', () => {
  it('a final report written before status.tokens existed: says so, names the field and how to read it', () => {
    expect(() => reportOfStatus('c-2026-10', { ...legacy, final: true })).toThrow(
      'SLAReport c-2026-10 was made final by an earlier version of the operator, without status.tokens; it is printed as stored by: kubectl get slareport c-2026-10 -o yaml',
    );
  });
  it('a provisional report without its fields: not written yet', () => {
    expect(() => reportOfStatus('c-2026-11', {})).toThrow('SLAReport c-2026-11 has no report in its status yet');
  });
  it('with the ledger: the report', () => {
    const tokens = { pack: 10, used: 3, extra: 0, extraAmount: 0 };
    expect(reportOfStatus('c-2026-10', { ...legacy, tokens, final: true })).toMatchObject({ final: true, tokens, currency: 'EUR' });
  });
});

describe('reportOfStatus: the forecast of a running month', () => {
  it('reads back what the operator wrote (reportStatusFromDomain), as report --offline prints it', async () => {
    const { reportStatusFromDomain } = await import('../../api/v1alpha1/from-domain.ts');
    const forecast = {
      at: '2026-10-15T00:00:00Z', monthSeconds: 2_682_000, elapsedSeconds: 1_216_800,
      functions: [{
        name: 'erp', guaranteePercent: 99.5,
        nothingElse: { availabilityPercent: 99.6689, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
        burnRate: { availabilityPercent: 99.2702, gapPoints: 0.2298, creditPercent: 2, creditAmount: 30 },
      }],
      gtr: { resolved: 1, late: 0, deviationPercent: 0, creditPercent: 0, creditAmount: 0, open: [{ name: 'inc-1', resolveAt: '2026-10-15T06:00:00Z', deadline: '2026-10-15T08:00:00Z', late: false }] },
      gtcCreditAmount: 0,
      credits: { nothingElse: { uncapped: 0, cap: 1230, total: 0 }, burnRate: { uncapped: 30, cap: 1230, total: 30 } },
    };
    const report = {
      ...legacy, final: false, tokens: { pack: 0, used: 0, extra: 0, extraAmount: 0 },
      gtr: { ...legacy.gtr, incidents: [] }, gtc: { ...legacy.gtc, changes: [] }, conditions: [], forecast,
    };
    expect(reportOfStatus('c-2026-10', reportStatusFromDomain(report)).forecast).toEqual(forecast);
  });
});
