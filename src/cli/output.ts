// Printers of the CLI: the report of design.md §3 as JSON or YAML (exactly its shape: one object,
// or a list when several contracts are reported), or as a table for a person.
import { renderPackText, renderStatementText, type MonthlyReport, type PackLanguage, type StatementReport } from '../domain/index.ts';

import type { OutputFormat } from './io.ts';
import { yaml } from './lazy.ts';

export { OUTPUT_FORMATS, type OutputFormat } from './io.ts';

/** A report and the contract it belongs to (the §3 shape itself does not name its contract). */
export interface ContractReport {
  readonly namespace: string;
  readonly contract: string;
  readonly report: MonthlyReport;
  /** The tenant's language for the pack's labels (ManagedTenant spec.language); absent: en. */
  readonly language?: PackLanguage | undefined;
  /** The month's statement (SLAReport status.statement, design.md §3 "The monthly statement"); absent: none (a month before the contract, a report sealed before statements). */
  readonly statement?: StatementReport | undefined;
}

export function formatReports(reports: readonly ContractReport[], format: OutputFormat): string {
  // The statement is a section of the report's status: printed in it, after the report's own fields.
  const bodies = reports.map((r) => (r.statement === undefined ? r.report : { ...r.report, statement: r.statement }));
  const value = bodies.length === 1 ? bodies[0] : bodies;
  switch (format) {
    case 'json':
      return `${JSON.stringify(value, null, 2)}\n`;
    case 'yaml':
      return yaml().stringify(value, { lineWidth: 0 });
    case 'table':
      return reports.map((r) => `${reportTable(r)}${r.statement === undefined ? '' : `\n${renderStatementText(r.statement, r.language ?? 'en', r.report.final)}`}`).join('\n');
    case 'pack':
      return reports.map(packText).join('\n');
    case 'html':
    case 'pdf':
      // Pages, not text: pack-output.ts writes them (they need the page's series and ECharts).
      throw new Error(`-o ${format} is written by writePackPages`);
  }
}

/** `-o pack`: the monthly pack as text (design.md §3 "The monthly pack"), in the tenant's language. */
function packText(r: ContractReport): string {
  const heading = `${r.namespace}/${r.contract}\n`;
  if (r.report.pack === undefined) return `${heading}no monthly pack: the report of ${r.report.period.month} was made final before the operator wrote packs (REPORT_RULES 3)\n`;
  // The statement joins the pack (issue 16: "the credits and the statement"), after it.
  const statement = r.statement === undefined ? '' : `\n${renderStatementText(r.statement, r.language ?? 'en', r.report.final)}`;
  return heading + renderPackText(r.report.pack, r.language ?? 'en', r.report.final) + statement;
}

// ---- table -------------------------------------------------------------------------------------

const amount = (value: number, currency: string): string => `${value.toFixed(2)} ${currency}`;
const percent = (value: number): string => `${value.toFixed(4)} %`;
const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** Seconds as `1h02m03s` (hours not folded into days: deadlines are counted in covered hours). */
export function formatSeconds(total: number): string {
  const s = Math.round(total);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** Left-aligned columns separated by two spaces, kubectl style. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function reportTable({ namespace, contract, report }: ContractReport): string {
  const r = report;
  const c = r.currency;
  const out: string[] = [];
  out.push(`SLA report ${namespace}/${contract}, ${r.period.month} (${r.period.timeZone}: ${r.period.start} to ${r.period.end})${r.final ? ', final' : ', provisional'}`);
  out.push('');
  out.push('GTD');
  out.push(
    r.functions.length === 0
      ? '  no managed function'
      : indent(table(
        ['FUNCTION', 'FAMILY', 'LEVEL', 'UNITS', 'AVAILABILITY', 'GUARANTEE', 'GAP', 'INTERRUPTED', 'EXCLUDED', 'CREDIT'],
        r.functions.map((f) => [
          f.name,
          f.family,
          f.supportLevel,
          String(f.units),
          percent(f.availabilityPercent),
          `${f.guaranteePercent} %`,
          f.gapPoints > 0 ? `${f.gapPoints.toFixed(4)} pt` : 'met',
          formatSeconds(f.interruptionSeconds),
          formatSeconds(f.excludedSeconds),
          f.creditAmount > 0 ? `${f.creditPercent} % = ${amount(f.creditAmount, c)}` : amount(0, c),
        ]),
      )),
  );
  out.push('');
  out.push(`GTR  ${r.gtr.late} late of ${r.gtr.resolved} resolved, deviation ${percent(r.gtr.deviationPercent)}, credit ${r.gtr.creditPercent} % = ${amount(r.gtr.creditAmount, c)}`);
  if (r.gtr.incidents.length > 0) {
    out.push(indent(table(
      ['INCIDENT', 'PRIORITY', 'LEVEL', 'DEADLINE', 'COVERED', 'LATE', 'GTR'],
      r.gtr.incidents.map((i) => [i.name, i.priority, i.supportLevel, i.deadline ?? '-', formatSeconds(i.coveredSeconds), yesNo(i.late), i.applicable ? 'applies' : `no: ${i.reason}`]),
    )));
  }
  out.push('');
  out.push(`GTC  ${r.gtc.late} late of ${r.gtc.completed} completed, credit ${amount(r.gtc.creditAmount, c)}`);
  if (r.gtc.changes.length > 0) {
    out.push(indent(table(
      ['CHANGE', 'CATEGORY', 'ACCELERATED', 'LEVEL', 'DEADLINE', 'COVERED', 'LATE', 'TOKENS', 'PRICE', 'GTC'],
      r.gtc.changes.map((ch) => [
        ch.name, ch.category, yesNo(ch.accelerated), ch.supportLevel, ch.deadline ?? '-', formatSeconds(ch.coveredSeconds), yesNo(ch.late),
        String(ch.tokensCharged), amount(ch.price, c), ch.applicable ? 'applies' : `no: ${ch.reason}`,
      ]),
    )));
  }
  out.push('');
  out.push(`Tokens  ${r.tokens.used} used of a pack of ${r.tokens.pack}, ${r.tokens.extra} extra = ${amount(r.tokens.extraAmount, c)}`);
  // seed Table 1: only when the month has a release; those over the quota are billed as changes (in the tokens above).
  if (r.releases !== undefined) out.push(`Releases  ${r.releases.map((x) => `${x.supportLevel} ${x.count} of ${x.quota}${x.overQuota > 0 ? ` (${x.overQuota} over, billed as changes)` : ''}`).join('; ')}`);
  out.push('');
  out.push(`Credits  ${amount(r.credits.total, c)} (uncapped ${amount(r.credits.uncapped, c)}, cap ${r.credits.capPercent} % = ${amount(r.credits.cap, c)})`);
  out.push(`Claim deadline  ${r.claimDeadline}`);
  out.push('');
  if (r.forecast !== undefined) {
    const f = r.forecast;
    const figures = (x: { availabilityPercent: number; gapPoints: number; creditPercent: number; creditAmount: number }): string =>
      `${percent(x.availabilityPercent)}${x.gapPoints > 0 ? ` (gap ${x.gapPoints.toFixed(4)} pt, ${x.creditPercent} % = ${amount(x.creditAmount, c)})` : ''}`;
    out.push(`Forecast at ${f.at} (${formatSeconds(f.elapsedSeconds)} of ${formatSeconds(f.monthSeconds)})`);
    if (f.functions.length > 0) {
      out.push(indent(table(
        ['FUNCTION', 'GUARANTEE', 'NOTHING ELSE', 'AT THE BURN RATE'],
        f.functions.map((fn) => [fn.name, `${fn.guaranteePercent} %`, figures(fn.nothingElse), figures(fn.burnRate)]),
      )));
    }
    out.push(`  GTR if the open incidents resolve at their at-risk projection: ${f.gtr.late} late of ${f.gtr.resolved}, deviation ${percent(f.gtr.deviationPercent)}, credit ${f.gtr.creditPercent} % = ${amount(f.gtr.creditAmount, c)}`);
    out.push(`  Credits: nothing else ${amount(f.credits.nothingElse.total, c)}, at the burn rate ${amount(f.credits.burnRate.total, c)}`);
    out.push('');
  }
  out.push(indent(table(['CONDITION', 'STATUS', 'REASON', 'MESSAGE'], r.conditions.map((cond) => [cond.type, cond.status, cond.reason, cond.message]))));
  return `${out.join('\n')}\n`;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
