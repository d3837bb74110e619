import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { SLAReportStatus } from '../../api/v1alpha1/index.ts';
import { createMetrics } from '../../metrics/index.ts';
import { shownStatements, statementSnapshot, type ReportWithStatement } from './statement-metrics.ts';

type Statement = NonNullable<SLAReportStatus['statement']>;

/**
 * September 2026 of contract `main`, every figure by hand:
 * - recurring: the function `databases` 9,000.00 and the fee `run` 3,000.00, no revision
 *   (ratio 1): subtotal 12,000.00; the monthly minimum 12,500.00 tops it up by 500.00, total 12,500.00;
 * - tokens: pack 20, 22 from changes + 4 from effort = 26 used, 26 − 20 = 6 extra × 95.00 = 570.00;
 * - tickets: quota 10, 13 used, 3 over × 85.00 (Premium) = 255.00;
 * - no minimum-revenue check this month: shortfall 0;
 * - before credits: 12,500.00 + 570.00 + 255.00 + 0 = 13,325.00;
 * - credits: claim-1 granted 300.00, nothing carried in: 300.00 available, all deducted, 0 carried out;
 * - excluding tax: 13,325.00 − 300.00 = 13,025.00.
 */
const september: Statement = {
  month: '2026-09', currency: 'EUR', revision: { hostingFactor: 1 },
  recurring: {
    lines: [
      { name: 'databases', kind: 'Function', since: '2026-01', base: 9000, ratio: 1, amount: 9000 },
      { name: 'run', kind: 'Fee', since: '2026-01', base: 3000, ratio: 1, amount: 3000 },
    ],
    subtotal: 12000, minimum: 12500, minimumTopUp: 500, total: 12500,
  },
  tokens: { pack: 20, fromChanges: 22, fromEffort: 4, used: 26, extra: 6, unitPrice: 95, amount: 570 },
  tickets: { quota: 10, used: 13, overage: 3, tariff: 'Premium', unitPrice: 85, amount: 255, incidents: [] },
  effort: { lines: [], tokens: 4 },
  credits: { granted: [{ claim: 'claim-1', amount: 300 }], carriedIn: 0, available: 300, deducted: 300, carriedOut: 0 },
  totals: { beforeCredits: 13325, credits: 300, excludingTax: 13025 },
};

/**
 * November 2026, the last month of a run year, with a credit larger than the statement:
 * - recurring 12,000.00 topped up by 500.00 to the minimum: 12,500.00;
 * - tokens: 8 used of a pack of 20, none extra: 0; tickets: 4 of a quota of 10: 0;
 * - the minimum-revenue check bills a shortfall of 1,250.00;
 * - before credits: 12,500.00 + 0 + 0 + 1,250.00 = 13,750.00;
 * - credits: 15,000.00 granted, at most 13,750.00 deducted, 15,000.00 − 13,750.00 = 1,250.00 carried out;
 * - excluding tax: 13,750.00 − 13,750.00 = 0.
 */
const november: Statement = {
  ...september, month: '2026-11',
  tokens: { pack: 20, fromChanges: 8, fromEffort: 0, used: 8, extra: 0, unitPrice: 95, amount: 0 },
  tickets: { quota: 10, used: 4, overage: 0, tariff: 'Premium', unitPrice: 85, amount: 0, incidents: [] },
  effort: { lines: [], tokens: 0 },
  minimumRevenue: { runYear: 1, annualMinimum: 150000, billed: 148750, carriedIn: 0, shortfall: 1250, carriedOut: 0 },
  credits: { granted: [{ claim: 'claim-2', amount: 15000 }], carriedIn: 0, available: 15000, deducted: 13750, carriedOut: 1250 },
  totals: { beforeCredits: 13750, credits: 13750, excludingTax: 0 },
};

const report = (namespace: string, contract: string, month: string, final: boolean, statement?: Statement): ReportWithStatement => ({
  namespace, spec: { contractRef: { name: contract }, month },
  status: { final, ...(statement === undefined ? {} : { statement: { ...statement, month } }) },
});

describe('statementSnapshot', () => {
  it('takes the parts of the total before credits and the totals from the status, as written', () => {
    const s = statementSnapshot('acme', 'main', '2026-09', true, september);
    expect(s.amounts).toEqual({
      recurring: 12000, minimum_top_up: 500, tokens: 570, tickets: 255, shortfall: 0,
      before_credits: 13325, credits_deducted: 300, excluding_tax: 13025,
    });
    // The parts add up to the total before credits: 12,000 + 500 + 570 + 255 + 0 = 13,325.
    const a = s.amounts;
    expect(a.recurring + a.minimum_top_up + a.tokens + a.tickets + a.shortfall).toBe(a.before_credits);
    expect(s.tokens).toEqual({ pack: 20, used: 26, extra: 6 });
    expect(s.tickets).toEqual({ quota: 10, used: 13, overage: 3 });
    expect(s.creditsCarriedAmount).toBe(0);
    // November: the shortfall is a line of its own, 1,250.00 carried out.
    const n = statementSnapshot('acme', 'main', '2026-11', false, november);
    expect(n.amounts.shortfall).toBe(1250);
    expect(n.amounts.recurring + n.amounts.minimum_top_up + n.amounts.tokens + n.amounts.tickets + n.amounts.shortfall).toBe(13750);
    expect(n.creditsCarriedAmount).toBe(1250);
  });
});

describe('shownStatements', () => {
  // Now is in November 2026 (the tenant's month): November runs, October is closed but not final.
  const current = (): string => '2026-11';

  it('shows per contract the last final month and the current month and the one before while not final', () => {
    const reports = [
      report('acme', 'main', '2026-07', false, september), // older than the month before and not final: a stalled month, not shown
      report('acme', 'main', '2026-08', true, september), // final, but September is the last final one
      report('acme', 'main', '2026-11', false, november),
      report('acme', 'main', '2026-09', true, september),
      report('acme', 'main', '2026-10', false, september),
      report('acme', 'old', '2026-06', true), // sealed before statements existed: none
      report('beta', 'other', '2026-11', false, november), // no final month yet
    ];
    expect(shownStatements(reports, current).map((s) => `${s.namespace}/${s.contract} ${s.month} ${s.final ? 'final' : 'provisional'}`)).toEqual([
      'acme/main 2026-09 final', 'acme/main 2026-10 provisional', 'acme/main 2026-11 provisional', 'beta/other 2026-11 provisional',
    ]);
  });

  it('drops a final month once the month after it is final too', () => {
    // On the 2nd of November the grace period has passed: October is final, the last final one.
    const reports = [report('acme', 'main', '2026-09', true, september), report('acme', 'main', '2026-10', true, september), report('acme', 'main', '2026-11', false, november)];
    expect(shownStatements(reports, current).map((s) => s.month)).toEqual(['2026-10', '2026-11']);
  });

  it('reads each namespace\'s current month in its own time zone', () => {
    // A tenant already in December (UTC+14) and one still in November.
    const reports = [report('east', 'main', '2026-11', false, november), report('west', 'main', '2026-11', false, november), report('east', 'main', '2026-12', false, november)];
    const shown = shownStatements(reports, (ns) => (ns === 'east' ? '2026-12' : '2026-11'));
    expect(shown.map((s) => `${s.namespace} ${s.month}`)).toEqual(['east 2026-11', 'east 2026-12', 'west 2026-11']);
  });

  it('is what /metrics exports, one series per contract, month and line or kind', async () => {
    const reports = [report('acme', 'main', '2026-09', true, september), report('acme', 'main', '2026-11', false, november)];
    const registry = new Registry();
    createMetrics(registry, { snapshot: () => ({ units: [], functions: [], incidents: [], changes: [], contracts: [], reports: [], statements: shownStatements(reports, current) }) });
    const lines = (await registry.metrics()).split('\n');
    for (const line of [
      // September's figures (above): 12,000 + 500 + 570 + 255 + 0 = 13,325 before credits, − 300 = 13,025.
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="recurring",tenant="acme"} 12000',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="minimum_top_up",tenant="acme"} 500',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="tokens",tenant="acme"} 570',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="tickets",tenant="acme"} 255',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="shortfall",tenant="acme"} 0',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="before_credits",tenant="acme"} 13325',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="credits_deducted",tenant="acme"} 300',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-09",line="excluding_tax",tenant="acme"} 13025',
      'managedapps_statement_tokens{namespace="acme",contract="main",month="2026-09",kind="pack",tenant="acme"} 20',
      'managedapps_statement_tokens{namespace="acme",contract="main",month="2026-09",kind="used",tenant="acme"} 26',
      'managedapps_statement_tokens{namespace="acme",contract="main",month="2026-09",kind="extra",tenant="acme"} 6',
      'managedapps_statement_tickets{namespace="acme",contract="main",month="2026-09",kind="quota",tenant="acme"} 10',
      'managedapps_statement_tickets{namespace="acme",contract="main",month="2026-09",kind="used",tenant="acme"} 13',
      'managedapps_statement_tickets{namespace="acme",contract="main",month="2026-09",kind="overage",tenant="acme"} 3',
      'managedapps_statement_credits_carried_amount{namespace="acme",contract="main",month="2026-09",tenant="acme"} 0',
      'managedapps_statement_final{namespace="acme",contract="main",month="2026-09",tenant="acme"} 1',
      // November's (above): 1,250 shortfall; 13,750 before credits, all of it deducted, 1,250 carried out, 0 due.
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-11",line="shortfall",tenant="acme"} 1250',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-11",line="credits_deducted",tenant="acme"} 13750',
      'managedapps_statement_amount{namespace="acme",contract="main",month="2026-11",line="excluding_tax",tenant="acme"} 0',
      'managedapps_statement_credits_carried_amount{namespace="acme",contract="main",month="2026-11",tenant="acme"} 1250',
      'managedapps_statement_final{namespace="acme",contract="main",month="2026-11",tenant="acme"} 0',
    ]) expect(lines).toContain(line);
    // Bounded: 2 months × (8 lines + 3 token kinds + 3 ticket kinds + carried + final) = 2 × 16 = 32 series.
    expect(lines.filter((l) => l.startsWith('managedapps_statement_'))).toHaveLength(32);
  });
});
