// The seal of a final report (design.md §3 "Seals"; issue 12 item 6): what makes the operator's
// reports a record that a dispute can rely on (domain.md §8: "in a dispute, the provider's records
// prevail"; §9: interventions are traced and kept). A final SLAReport carries
// `status.seal: { sha256, previous }`:
//
//   sha256 = SHA-256( UTF-8( JCS({ "previous": <previous>, "report": <content> }) ) ), lowercase hex
//
// where JCS is the JSON Canonicalization Scheme of RFC 8785 (sorted keys, no whitespace, ES6
// number and string serialization), <content> is the report's status without UNSEALED_FIELDS
// (taken away generically: every other field, today's and any added later, is sealed), and
// <previous> the previous month's seal.sha256, or FIRST_PREVIOUS for the contract's first month.
// A changed figure changes the month's hash; a removed or replaced month breaks the next one's
// `previous`.
//
// Pure: hashing is computation (node:crypto's createHash reads no clock and does no I/O).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { REPORT_RULES, REPORT_RULES_UNNAMED } from './report.ts';

/** What `previous` is for the contract's first month (the month of its start): there is no seal before it. */
export const FIRST_PREVIOUS = '';

/**
 * The fields of a report's status that are not its content: how the object was reconciled
 * (conditions with their transition times, observedGeneration) and the seal itself.
 */
export const UNSEALED_FIELDS: readonly string[] = ['conditions', 'observedGeneration', 'seal'];

export interface Seal {
  /** SHA-256 (hex) of the canonical document { previous, report }. */
  readonly sha256: string;
  /** The previous month's sha256; FIRST_PREVIOUS for the contract's first month. */
  readonly previous: string;
}


/** The sealed content of a report's status: every field but UNSEALED_FIELDS (undefined values dropped, as JSON does). */
export function sealedContent(status: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(status).filter(([key, value]) => !UNSEALED_FIELDS.includes(key) && value !== undefined));
}

/** The RFC 8785 canonical form of the document the seal hashes. */
export function sealDocument(status: Readonly<Record<string, unknown>>, previous: string): string {
  const text = canonicalize({ previous, report: sealedContent(status) });
  if (text === undefined) throw new Error('a report has a JSON form');
  return text;
}

/** The seal of a final report's status chained with `previous` (the previous month's sha256, or FIRST_PREVIOUS). */
export function sealOf(status: Readonly<Record<string, unknown>>, previous: string): Seal {
  return { sha256: createHash('sha256').update(sealDocument(status, previous), 'utf8').digest('hex'), previous };
}

/** The month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${String(y - 1).padStart(4, '0')}-12` : `${String(y).padStart(4, '0')}-${String(m - 1).padStart(2, '0')}`;
}

/** The month after `month` (YYYY-MM). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}

// ---- verification ------------------------------------------------------------------------------

/** One difference between what was sealed and what the records give, or a break of the chain. */
export interface Finding {
  readonly month: string;
  /** `gtr.incidents[inc-1].late: sealed true, recomputed false`, `missing, the chain breaks at 2026-10`, ... */
  readonly message: string;
}

const show = (value: unknown): string => (value === undefined ? 'absent' : value === '' ? "''" : typeof value === 'string' ? value : JSON.stringify(value));

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list whose items all have a string `name` (incidents, changes, functions): compared by name, not position. */
function named(list: readonly unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || out.has(item.name)) return undefined;
    out.set(item.name, item);
  }
  return out;
}

/**
 * Every leaf where `sealed` and `recomputed` differ, as `path: sealed X, recomputed Y` (generic:
 * any field, today's or added later). Lists of named items are matched by name
 * (`gtr.incidents[inc-1].late`), other lists by index; an item or field on one side only is
 * `absent` on the other.
 */
export function differences(sealed: unknown, recomputed: unknown, path = ''): string[] {
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  if (isRecord(sealed) && isRecord(recomputed)) {
    const keys = [...new Set([...Object.keys(sealed), ...Object.keys(recomputed)])].sort();
    return keys.flatMap((k) => differences(sealed[k], recomputed[k], at(k)));
  }
  if (Array.isArray(sealed) && Array.isArray(recomputed)) {
    const a = named(sealed as unknown[]);
    const b = named(recomputed as unknown[]);
    if (a !== undefined && b !== undefined) {
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((n) => {
        const x = a.get(n);
        const y = b.get(n);
        if (x === undefined || y === undefined) return [`${path}[${n}]: sealed ${x === undefined ? 'absent' : 'present'}, recomputed ${y === undefined ? 'absent' : 'present'}`];
        return differences(x, y, `${path}[${n}]`);
      });
    }
    const length = Math.max(sealed.length, recomputed.length);
    return Array.from({ length }, (_, i) => differences(sealed[i] as unknown, recomputed[i] as unknown, `${path}[${i}]`)).flat();
  }
  if (canonicalize(sealed) === canonicalize(recomputed)) return [];
  return [`${path}: sealed ${show(sealed)}, recomputed ${show(recomputed)}`];
}

/** A stored report of one month, as read from the cluster or an export. */
export interface StoredReport {
  readonly month: string;
  /** Its status as stored (the raw JSON object). */
  readonly status: Readonly<Record<string, unknown>> | undefined;
}

export interface ChainInput {
  /** The contract's first month (the month of its start): it chains with FIRST_PREVIOUS. */
  readonly firstMonth: string;
  /** The contract's stored reports, any order. */
  readonly reports: readonly StoredReport[];
  /** The report of a closed month recomputed from the records (its status fields as the controller writes them, final). */
  readonly recompute: (month: string) => Readonly<Record<string, unknown>>;
}

export interface ChainVerdict {
  /** The final months checked, in order. */
  readonly months: readonly string[];
  readonly findings: readonly Finding[];
  /** What is not a difference but worth saying: months final before seals existed. */
  readonly notes: readonly Finding[];
}

interface SealLike { readonly sha256?: unknown; readonly previous?: unknown }

/**
 * Checks every month from `firstMonth` to the latest final report: each exists, is final and
 * sealed; its seal is the hash of its content chained with the previous month's seal; and its
 * content is what the records give (recompute). Months after the latest final one are open and not
 * checked.
 */
export function verifyChain(input: ChainInput): ChainVerdict {
  const byMonth = new Map(input.reports.map((r) => [r.month, r]));
  const finals = input.reports.filter((r) => r.status?.final === true && r.month >= input.firstMonth).map((r) => r.month).sort();
  const last = finals.at(-1);
  const findings: Finding[] = [];
  const notes: Finding[] = [];
  const months: string[] = [];
  if (last === undefined) return { months, findings, notes };
  /** The stored content against the records: differences are findings, or notes when it was computed under other rules (REPORT_RULES). */
  const checkContent = (month: string, stored: Readonly<Record<string, unknown>>): void => {
    const rules = typeof stored.rules === 'number' ? stored.rules : REPORT_RULES_UNNAMED;
    const { rules: _sealed, ...content } = sealedContent(stored);
    const { rules: _today, ...recomputed } = sealedContent(input.recompute(month));
    const changed = differences(content, recomputed);
    if (rules === REPORT_RULES) {
      for (const d of changed) findings.push({ month, message: d });
      return;
    }
    notes.push({ month, message: `sealed under reporting rules ${rules}, recomputed under rules ${REPORT_RULES}: ${changed.length === 0 ? 'the same content' : `${changed.length} difference(s) of the rules, not of the records`}` });
    for (const d of changed) notes.push({ month, message: `rules ${rules} → ${REPORT_RULES}: ${d}` });
  };
  let expectedPrevious: string | undefined = FIRST_PREVIOUS;
  for (let month = input.firstMonth; month <= last; month = nextMonth(month)) {
    months.push(month);
    const stored = byMonth.get(month)?.status;
    const breaks = `the chain breaks at ${nextMonth(month)}`;
    if (stored === undefined) {
      findings.push({ month, message: `missing, ${breaks}` });
      expectedPrevious = undefined;
      continue;
    }
    if (stored.final !== true) {
      findings.push({ month, message: `not final, ${breaks}` });
      expectedPrevious = undefined;
      continue;
    }
    const seal = stored.seal as SealLike | undefined;
    if (seal === undefined) {
      // Finalized before seals existed (a final status never changes, and every final write since
      // carries a seal): its content is still checked, and the chain starts again after it.
      notes.push({ month, message: `final without a seal (finalized before seals existed): content checked, the chain starts again at ${nextMonth(month)}` });
      checkContent(month, stored);
      expectedPrevious = FIRST_PREVIOUS;
      continue;
    }
    if (typeof seal.sha256 !== 'string' || typeof seal.previous !== 'string') {
      findings.push({ month, message: `seal: not a { sha256, previous } of strings, ${breaks}` });
      expectedPrevious = undefined;
      continue;
    }
    if (expectedPrevious !== undefined && seal.previous !== expectedPrevious) {
      findings.push({ month, message: `seal.previous: sealed ${show(seal.previous)}, the seal of ${month === input.firstMonth ? 'nothing (first month)' : previousMonth(month)} is ${show(expectedPrevious)}` });
    }
    const rehashed: string = sealOf(stored, seal.previous).sha256;
    if (rehashed !== seal.sha256) {
      findings.push({ month, message: `seal.sha256: sealed ${seal.sha256}, the content hashes to ${rehashed} (changed after it was sealed)` });
    }
    checkContent(month, stored);
    expectedPrevious = seal.sha256;
  }
  return { months, findings, notes };
}
