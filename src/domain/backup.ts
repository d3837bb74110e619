// Backups observed and restores (issue 15 item 3; domain.md §12, seed §5.10).
//
// Table 2 (§5.10.1) makes the provider watch the client's backups ("Surveillance des sauvegardes
// Clients") and restart a failed one ("Redémarrage de sauvegarde en cas d'échec"); Table 3
// (§5.10.2) fixes how often each policy backs up. A unit's backup is on schedule while its latest
// success is younger than the policy's period plus a tolerance; past that instant the backup is
// missed (a failed run is one that did not succeed: the same rule), which opens one incident.
// A restore is a change the client asks for (§5.10.1 "Procéder aux restaurations sur demande du
// Client (via change)"; §5.10.3 the decision to restore is the client's).
import { BACKUP_CATALOGUE } from './levels.ts';
import type { BackupPolicy, ChangeCategory, Initiator, Priority } from './vocabulary.ts';

const DAY_SECONDS = 86_400;

/**
 * **Reading** (seed §5.10.2 Table 3, domain.md §12): the longest time between two successful
 * backups of a policy. Weekly: 7 days. Monthly: 31 days, the longest calendar month, so a backup
 * that runs on the same day of every month is never late.
 */
export const BACKUP_PERIOD_SECONDS: Readonly<Record<'Weekly' | 'Monthly', number>> = {
  Weekly: 7 * DAY_SECONDS,
  Monthly: 31 * DAY_SECONDS,
};

/**
 * **Reading** (seed §5.10.1 Table 2, "Redémarrage de sauvegarde en cas d'échec"): a backup that
 * succeeds up to 24 h after its period (a run that failed and was restarted the same day) is on
 * time; past that, it is missed.
 */
export const BACKUP_TOLERANCE_SECONDS = DAY_SECONDS;

/**
 * **Reading** (domain.md §1 "Priority", §5): a missed backup loses no user's service, so its
 * incident is never a P1 (a P1 is an interruption and counts against availability). P3 ("minor
 * difficulties") by default; P2 or P4 may be chosen per unit.
 */
export const BACKUP_INCIDENT_PRIORITIES = ['P2', 'P3', 'P4'] as const satisfies readonly Priority[];
export type BackupIncidentPriority = (typeof BACKUP_INCIDENT_PRIORITIES)[number];
export const DEFAULT_BACKUP_INCIDENT_PRIORITY: BackupIncidentPriority = 'P3';

/** The longest a backup of `policy` may wait, tolerance included, after the previous one (seconds). */
export function backupAllowedGapSeconds(policy: BackupPolicy): number {
  return BACKUP_PERIOD_SECONDS[BACKUP_CATALOGUE[policy].frequency] + BACKUP_TOLERANCE_SECONDS;
}

export interface BackupObservation {
  readonly policy: BackupPolicy;
  /** The latest successful backup the source recorded; undefined when it recorded none. */
  readonly lastSuccess: Date | undefined;
  /**
   * The backup's acceptance test (§5.10.3), when recorded: backups are owed from then, so the
   * clock never starts before it (a success recorded during the implementation phase does not
   * make the first week of service late).
   */
  readonly acceptedAt?: Date | undefined;
  /**
   * Where the clock starts when nothing is recorded and no acceptance test is: the unit's
   * subscription start, else its creation.
   */
  readonly inServiceSince: Date;
}

export type BackupState = 'OnSchedule' | 'Missed';

export interface BackupVerdict {
  readonly state: BackupState;
  /** What the clock counts from: the last success (never before the acceptance test), else the acceptance test, else `inServiceSince`. */
  readonly since: Date;
  /** When the backup is (or was) missed without a new success: `since` + period + tolerance. The incident's `openedAt`. */
  readonly deadline: Date;
  /** Seconds past the deadline (0 while on schedule). */
  readonly overdueSeconds: number;
}

const later = (a: Date, b: Date | undefined): Date => (b !== undefined && b.getTime() > a.getTime() ? b : a);

/** Missed from the deadline on (`now >= deadline`), on schedule before. Pure: `now` is a parameter. */
export function backupVerdict(o: BackupObservation, now: Date): BackupVerdict {
  const since = later(o.lastSuccess ?? o.acceptedAt ?? o.inServiceSince, o.acceptedAt);
  const deadline = new Date(since.getTime() + backupAllowedGapSeconds(o.policy) * 1000);
  const overdueMs = now.getTime() - deadline.getTime();
  return overdueMs >= 0
    ? { state: 'Missed', since, deadline, overdueSeconds: Math.floor(overdueMs / 1000) }
    : { state: 'OnSchedule', since, deadline, overdueSeconds: 0 };
}

/**
 * The latest success among the values a source answered (Unix seconds, one per series), or why
 * they are not timestamps. Several series (one per backup job of the unit): the latest counts.
 * An empty answer is "no success recorded".
 */
export function latestBackupSuccess(values: readonly number[]): { readonly ok: true; readonly at: Date | undefined } | { readonly ok: false; readonly message: string } {
  let latest: number | undefined;
  for (const v of values) {
    // 0 is what an exporter reports before any success (e.g. Velero's, node_exporter's textfile): none recorded.
    if (v === 0) continue;
    if (!Number.isFinite(v) || v < 0) return { ok: false, message: `${String(v)} is not a Unix timestamp in seconds` };
    if (latest === undefined || v > latest) latest = v;
  }
  return { ok: true, at: latest === undefined ? undefined : new Date(Math.round(latest * 1000)) };
}

// ---- restore (§5.10) ------------------------------------------------------------------------------

/**
 * **Reading** (seed §5.10.1 Table 2, §5.10.3, domain.md §7, §10): a restore is a standard change
 * of the catalogue, `catalogItem: backup-restore`, on units that have a backup policy; the client
 * decides it, so it is client-initiated; its tokens are its effort (30 minutes each, the catalogue
 * §5.11.8 prices effort so): 1 token is a StandardSimple change, more a StandardComplex one, priced
 * and timed (GTC) as every standard change, ×2 outside business hours and ×2 accelerated.
 */
export const RESTORE_CATALOG_ITEM = 'backup-restore';
export const RESTORE_CATEGORIES = ['StandardSimple', 'StandardComplex'] as const satisfies readonly ChangeCategory[];
export const RESTORE_INITIATOR: Initiator = 'Client';

export interface RestoreChange {
  readonly catalogItem?: string | undefined;
  readonly category: ChangeCategory;
  readonly initiator: Initiator;
  readonly unitRefs: readonly { readonly name: string }[];
}

export interface RestoreProblem {
  readonly path: string;
  readonly message: string;
}

export function isRestore(change: Pick<RestoreChange, 'catalogItem'>): boolean {
  return change.catalogItem === RESTORE_CATALOG_ITEM;
}

/**
 * What makes a restore change wrong, each naming its field: a NonStandard category, a provider
 * initiator, a unit without a backup policy. `backupPolicyOf(name)` answers the unit's policy,
 * `null` when the unit has none, undefined when the unit is not known (not applied yet: not a
 * problem of the change, GitOps applies in any order). Empty for a change that is not a restore.
 */
export function restoreProblems(change: RestoreChange, backupPolicyOf: (unit: string) => BackupPolicy | null | undefined): RestoreProblem[] {
  if (!isRestore(change)) return [];
  const out: RestoreProblem[] = [];
  if (!(RESTORE_CATEGORIES as readonly ChangeCategory[]).includes(change.category)) {
    out.push({ path: 'spec.category', message: `a restore (${RESTORE_CATALOG_ITEM}) is a standard change of the catalogue: ${RESTORE_CATEGORIES.join(' or ')}, not ${change.category} (seed §5.10.1)` });
  }
  if (change.initiator !== RESTORE_INITIATOR) {
    out.push({ path: 'spec.initiator', message: `a restore (${RESTORE_CATALOG_ITEM}) is decided by the client (seed §5.10.3): initiator ${RESTORE_INITIATOR}, not ${change.initiator}` });
  }
  change.unitRefs.forEach((ref, i) => {
    if (backupPolicyOf(ref.name) === null) out.push({ path: `spec.unitRefs[${i}]`, message: `ServiceUnit '${ref.name}' has no backup policy (spec.backup): there is no backup to restore from (domain.md §12)` });
  });
  return out;
}
