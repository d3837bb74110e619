// What an export describes: one availability objective per managed function of a contract, for
// one calendar month, taken from the monthly report the CLI computes (`report --offline`'s code,
// so the guarantee is the report's own: domain.md §5 by family and the Production support level in
// force that month, the customer-portal row where the function is flagged so).
import type { ComputedReport } from '../report.ts';
import type { FunctionFamily, SupportLevel } from '../../domain/index.ts';

/** One managed function's GTD, as the exporters map it. */
export interface FunctionObjective {
  /** The tenant: the namespace, the `namespace` (and `tenant`) label of the operator's series. */
  readonly namespace: string;
  readonly contract: string;
  /** The ManagedFunction's name, the `name` label of managedapps:function_error:ratio. */
  readonly function: string;
  readonly family: FunctionFamily;
  readonly supportLevel: SupportLevel;
  /** domain.md §5 guarantee, in percent (99.5). */
  readonly guaranteePercent: number;
  /** The production units the function measures (only those count, domain.md §1 and §8), sorted. */
  readonly units: readonly string[];
  /** The calendar month, YYYY-MM, in timeZone. */
  readonly month: string;
  /** The tenant's IANA time zone: the month starts at its local midnight (domain.md §5, "calendar month"). */
  readonly timeZone: string;
}

/** A function with no production unit: the contract measures nothing there (domain.md §8), so nothing is exported. */
export interface Skipped {
  readonly namespace: string;
  readonly function: string;
  readonly reason: string;
}

export function functionObjectives(reports: readonly ComputedReport[]): { objectives: FunctionObjective[]; skipped: Skipped[] } {
  const objectives: FunctionObjective[] = [];
  const skipped: Skipped[] = [];
  for (const r of reports) {
    const environmentOf = new Map(r.input.units.map((u) => [u.name, u.environment]));
    const unitsOf = new Map(r.input.functions.map((f) => [f.name, f.units]));
    for (const f of r.report.functions) {
      const units = (unitsOf.get(f.name) ?? []).filter((u) => environmentOf.get(u) === 'Production').sort();
      if (units.length === 0) {
        skipped.push({ namespace: r.namespace, function: f.name, reason: 'no production unit: the availability guarantee measures production units only (domain.md §8)' });
        continue;
      }
      objectives.push({
        namespace: r.namespace,
        contract: r.contract,
        function: f.name,
        family: f.family,
        supportLevel: f.supportLevel,
        guaranteePercent: f.guaranteePercent,
        units,
        month: r.report.period.month,
        timeZone: r.report.period.timeZone,
      });
    }
  }
  return { objectives, skipped };
}

/** A percent as a ratio, free of binary noise: 99.9 → 0.999 (99.9 / 100 is 0.9990000000000001 in floating point). */
export function ratioOfPercent(percent: number): number {
  // Six decimals of the ratio are four of the percent, the precision the report rounds to.
  return Math.round(percent * 10_000) / 1_000_000;
}

const DNS_LABEL_MAX = 63;

/**
 * A name valid as a DNS label (RFC 1123: lowercase letters, digits and '-', starting and ending
 * with a letter or digit, at most 63 characters), which OpenSLO asks of `metadata.name`: the parts
 * joined by '-', anything else replaced by '-'; a name too long is cut and ends with a hash of the
 * whole, so two long names never collide.
 */
export function dnsLabel(...parts: readonly string[]): string {
  const joined = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  const name = joined === '' ? 'x' : joined;
  if (name.length <= DNS_LABEL_MAX) return name;
  const hash = fnv1a(parts.join('/')).toString(16).padStart(8, '0');
  return `${name.slice(0, DNS_LABEL_MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** 32-bit FNV-1a: a short, stable hash (not for security). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A PromQL string literal (double-quoted, `\` and `"` escaped). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A regular expression matching exactly these names (RE2: `.` and the other metacharacters escaped). */
export function exactAlternatives(names: readonly string[]): string {
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}
