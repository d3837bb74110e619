// Releases of a managed application (seed Table 1 "Gestion des versions", domain.md §3): a release
// is a change (a ChangeRequest with spec.release) on Application units; the releases of a calendar
// month are counted against the month's quota of the support level, and the one over it is billed
// as a change (seed §5.5, domain.md §10). Pure: the caller gives each release its level.
import { DateTime } from 'luxon';
import { monthOf } from './calendar.ts';
import { SUPPORT_LEVELS, type ManagementLevel, type SupportLevel } from './vocabulary.ts';

/** domain.md §3 (seed Table 1 "Nombre de versions max. par mois"): releases per calendar month by support level. */
export const RELEASES_PER_MONTH: Readonly<Record<SupportLevel, number>> = { Initial: 1, Standard: 2, Premium: 4 };

/**
 * **Reading** (seed Table 1): the quota is a service of the support level, which is subscribed per
 * environment; the table does not say per environment or per contract. We count per contract (a
 * namespace) and per level: the month's releases on the environments of one level share that
 * level's quota (two Premium environments share 4). Per environment would key by environment here.
 */
export const RELEASE_QUOTA_KEY = 'contract-and-level' as const;

/**
 * **Reading** (seed Table 1, §5.5): a release within the quota is part of the support level's
 * service (Table 1 lists it as included): it is charged 0 tokens. The one over the quota is "billed
 * as a change": its catalogue (or quoted) tokens, with the usual multipliers.
 */
export const INCLUDED_RELEASE_TOKENS = 0;

/**
 * **Reading** (seed Table 1 "par mois"): a release counts in the calendar month (tenant time zone)
 * of its request, known at admission and never moved by a later completion, as accelerated changes
 * count in the year of theirs (tokens.ts acceleratedDecisions).
 */
export const RELEASE_MONTH_OF = 'request' as const;

/** The management level a release is made on (domain.md §1: a managed application). */
export const RELEASE_UNIT_LEVEL: ManagementLevel = 'Application';

export interface ReleaseRequest {
  readonly name: string;
  readonly release: boolean;
  readonly requestedAt: Date;
  /** The support level of the change's environment in force in the month of its request (domain.md §3). */
  readonly supportLevel: SupportLevel;
}

export interface ReleaseDecision {
  /** 'YYYY-MM' in the tenant's time zone. */
  readonly month: string;
  readonly supportLevel: SupportLevel;
  /** Its rank among the month's releases of the same level (1 = first), by request time then name. */
  readonly rank: number;
  readonly quota: number;
  /** rank ≤ quota: included in the support level, 0 tokens. */
  readonly withinQuota: boolean;
  readonly message: string;
}

const ordinal = (n: number): string => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
};

/** 'YYYY-MM' as "November 2026". */
export const monthName = (month: string): string => DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).setLocale('en').toFormat('LLLL yyyy');

/**
 * The decision on each release (non-releases are not listed): its rank in its month and level,
 * within or over RELEASES_PER_MONTH. Ranked by request time, then name, so that the decision does
 * not depend on the order the objects are read in.
 */
export function releaseDecisions(
  requests: readonly ReleaseRequest[],
  timeZone: string,
  quotas: Readonly<Record<SupportLevel, number>> = RELEASES_PER_MONTH,
): Map<string, ReleaseDecision> {
  const ordered = requests
    .filter((r) => r.release)
    .sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const used = new Map<string, number>();
  const out = new Map<string, ReleaseDecision>();
  for (const r of ordered) {
    const month = monthOf(r.requestedAt, timeZone);
    const key = `${month}/${r.supportLevel}`;
    const rank = (used.get(key) ?? 0) + 1;
    used.set(key, rank);
    const quota = quotas[r.supportLevel];
    const withinQuota = rank <= quota;
    const message = withinQuota
      ? `the ${ordinal(rank)} release of ${monthName(month)} on ${r.supportLevel}, within the quota of ${quota}: included, 0 tokens (seed Table 1)`
      : `the ${ordinal(rank)} release of ${monthName(month)} on ${r.supportLevel}, over the quota of ${quota}: billed as a change (seed §5.5)`;
    out.set(r.name, { month, supportLevel: r.supportLevel, rank, quota, withinQuota, message });
  }
  return out;
}

export interface ReleaseProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * What makes a release wrong, each naming its field: a unit whose level is not Application.
 * `levelOf(name)` answers the unit's level, undefined when the unit is not known (not applied
 * yet: GitOps order, not refused).
 */
export function releaseProblems(change: { readonly release?: boolean | undefined; readonly unitRefs: readonly { readonly name: string }[] }, levelOf: (unit: string) => ManagementLevel | undefined): ReleaseProblem[] {
  if (change.release !== true) return [];
  const out: ReleaseProblem[] = [];
  change.unitRefs.forEach((ref, i) => {
    const level = levelOf(ref.name);
    if (level !== undefined && level !== RELEASE_UNIT_LEVEL) {
      out.push({ path: `spec.unitRefs[${i}]`, message: `ServiceUnit '${ref.name}' is at level ${level}: a release (spec.release) is a change on a managed application, level ${RELEASE_UNIT_LEVEL} (seed Table 1)` });
    }
  });
  return out;
}

/** The month's releases per level, as the report lists them: count, quota, and how many are over it. */
export interface ReleaseMonthRow {
  readonly supportLevel: SupportLevel;
  readonly count: number;
  readonly quota: number;
  readonly overQuota: number;
}

/** The rows of `month`, for the levels `levels` (those in force) and any level a release of the month was on. */
export function releasesOfMonth(decisions: Iterable<ReleaseDecision>, month: string, levels: readonly SupportLevel[], quotas: Readonly<Record<SupportLevel, number>> = RELEASES_PER_MONTH): ReleaseMonthRow[] {
  const counts = new Map<SupportLevel, number>();
  for (const l of levels) counts.set(l, 0);
  for (const d of decisions) if (d.month === month) counts.set(d.supportLevel, (counts.get(d.supportLevel) ?? 0) + 1);
  return SUPPORT_LEVELS.filter((l) => counts.has(l)).map((l) => {
    const count = counts.get(l) ?? 0;
    return { supportLevel: l, count, quota: quotas[l], overQuota: Math.max(0, count - quotas[l]) };
  });
}
