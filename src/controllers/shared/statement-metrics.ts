// The monthly statements the metrics export (issue 13 item 5: managedapps_statement_*), read
// from what the report controller already wrote: each SLAReport's status.statement. Per contract,
// the months a user of the billing dashboard looks at, and no more (a contract's series stay
// bounded however long it runs; Prometheus keeps the history):
//   - the last final month (its statement frozen and sealed with the report);
//   - the current month and the one before it while they are not final (provisional, recomputed:
//     the month before is closed but not final for the report's grace period, design.md §3).
// Nothing per incident, claim or recurring line: those are in the status (kubectl managedapps
// statement), not in label values.
import type { SLAReportStatus } from '../../api/v1alpha1/index.ts';
import { addMonths } from '../../domain/index.ts';
import type { StatementSnapshot } from '../../metrics/index.ts';

type Statement = NonNullable<SLAReportStatus['statement']>;

/** What this module reads of an SLAReport (the cache's typed view has it). */
export interface ReportWithStatement {
  readonly namespace: string;
  readonly spec: { readonly contractRef: { readonly name: string }; readonly month: string };
  readonly status?: { readonly final?: boolean | undefined; readonly statement?: Statement | undefined } | undefined;
}

/** The metrics' view of one statement: the status's amounts, as written (2 decimals, the currency's). */
export function statementSnapshot(namespace: string, contract: string, month: string, final: boolean, s: Statement): StatementSnapshot {
  return {
    namespace, contract, month, final,
    amounts: {
      // The parts of beforeCredits (recurring.total = subtotal + minimumTopUp), then the totals.
      recurring: s.recurring.subtotal,
      minimum_top_up: s.recurring.minimumTopUp,
      tokens: s.tokens.amount,
      tickets: s.tickets.amount,
      shortfall: s.minimumRevenue?.shortfall ?? 0,
      before_credits: s.totals.beforeCredits,
      credits_deducted: s.totals.credits,
      excluding_tax: s.totals.excludingTax,
    },
    tokens: { pack: s.tokens.pack, used: s.tokens.used, extra: s.tokens.extra },
    tickets: { quota: s.tickets.quota, used: s.tickets.used, overage: s.tickets.overage },
    creditsCarriedAmount: s.credits.carriedOut,
  };
}

/**
 * The statements shown (the header's months), by contract then month. `currentMonth` gives a
 * namespace's month now, in the tenant's time zone.
 */
export function shownStatements(reports: readonly ReportWithStatement[], currentMonth: (namespace: string) => string): StatementSnapshot[] {
  const byContract = new Map<string, ReportWithStatement[]>();
  for (const r of reports) {
    if (r.status?.statement === undefined) continue;
    const key = `${r.namespace}/${r.spec.contractRef.name}`;
    const list = byContract.get(key);
    if (list === undefined) byContract.set(key, [r]);
    else list.push(r);
  }
  const out: StatementSnapshot[] = [];
  for (const key of [...byContract.keys()].sort()) {
    const list = byContract.get(key) ?? [];
    const namespace = list[0]?.namespace ?? '';
    const now = currentMonth(namespace);
    const open = new Set([now, addMonths(now, -1)]);
    let lastFinal: ReportWithStatement | undefined;
    for (const r of list) if (r.status?.final === true && (lastFinal === undefined || r.spec.month > lastFinal.spec.month)) lastFinal = r;
    const shown = list.filter((r) => r === lastFinal || (r.status?.final !== true && open.has(r.spec.month)));
    shown.sort((a, b) => (a.spec.month < b.spec.month ? -1 : a.spec.month > b.spec.month ? 1 : 0));
    for (const r of shown) {
      const s = r.status?.statement;
      if (s !== undefined) out.push(statementSnapshot(r.namespace, r.spec.contractRef.name, r.spec.month, r.status?.final === true, s));
    }
  }
  return out;
}
