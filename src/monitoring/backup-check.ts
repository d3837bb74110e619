// Pure pieces of the backup check (issue 15 item 3, seed §5.10.1 Table 2 "Surveillance des
// sauvegardes Clients"): a unit's `spec.backup.check` as a query plan, the instant its backups are
// owed from, the deterministic incident a missed backup opens, and the part of the unit's status
// the check owns (`status.backup` and the `BackupOnSchedule` condition). No I/O, no clock.
import type { Incident, ServiceUnitStatus } from '../api/v1alpha1/index.ts';
import { ConditionReason, ConditionType, MIN_BACKUP_CHECK_PERIOD, parseGoDuration } from '../api/v1alpha1/index.ts';
import type { BackupVerdict } from '../domain/backup.ts';
import type { BackupPolicy, Priority } from '../domain/vocabulary.ts';
import { findCondition, setCondition, toSeconds, type Condition, type DesiredCondition } from '../runtime/conditions.ts';
import { CHECK_LABEL, compactUtc } from './unit-probe.ts';
import type { IncidentView, UnitView } from './views.ts';

/** The value of CHECK_LABEL on the incidents of a missed backup. */
export const BACKUP_CHECK = 'Backup';

/** What the check needs to query a unit's last success. */
export interface BackupPlan {
  readonly policy: BackupPolicy;
  readonly url: string;
  readonly query: string;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly priority: Priority;
  /** The acceptance test, when recorded (domain/backup.ts BackupObservation.acceptedAt). */
  readonly acceptedAt: Date | undefined;
  /** The subscription start, else the creation (BackupObservation.inServiceSince). */
  readonly inServiceSince: Date;
}

/**
 * The unit's backup check, or undefined when it has none (no `spec.backup.check`), or why it
 * cannot run (a duration the CRD refuses, stored before the rule). Never throws.
 */
export function backupPlan(unit: Pick<UnitView, 'spec' | 'raw'>): { readonly ok: true; readonly plan: BackupPlan } | { readonly ok: false; readonly reason: string } | undefined {
  const backup = unit.spec.backup;
  const check = backup?.check;
  if (backup === undefined || check === undefined) return undefined;
  const periodS = parseGoDuration(check.period);
  const timeoutS = parseGoDuration(check.timeout);
  if (periodS === undefined || !(periodS >= (parseGoDuration(MIN_BACKUP_CHECK_PERIOD) ?? 10))) return { ok: false, reason: `spec.backup.check.period: '${check.period}' is shorter than ${MIN_BACKUP_CHECK_PERIOD}` };
  if (timeoutS === undefined || !(timeoutS > 0)) return { ok: false, reason: `spec.backup.check.timeout: '${check.timeout}' is not a positive Go duration` };
  if (!URL.canParse(check.prometheus.url)) return { ok: false, reason: `spec.backup.check.prometheus.url: '${check.prometheus.url}' is not a URL that parses` };
  return {
    ok: true,
    plan: {
      policy: backup.policy,
      url: check.prometheus.url,
      query: check.prometheus.query,
      periodMs: Math.round(periodS * 1000),
      timeoutMs: Math.max(1, Math.round(Math.min(timeoutS, periodS) * 1000)),
      priority: check.incidentPriority,
      acceptedAt: dateOf(backup.acceptanceTest?.passedAt),
      inServiceSince: inServiceSince(unit),
    },
  };
}

function dateOf(value: string | Date | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * **Reading** (seed §5.10.1 Table 2: the acceptance test ends the implementation phase): with no
 * success recorded and no acceptance test, backups are owed from the unit's subscription start,
 * else from its creation (the API server's, so every replica and restart reads the same instant).
 */
export function inServiceSince(unit: Pick<UnitView, 'spec' | 'raw'>): Date {
  return dateOf(unit.spec.subscription?.start) ?? dateOf(unit.raw.metadata?.creationTimestamp) ?? new Date(0);
}

/** Object names are DNS subdomains of at most 253 characters. */
const MAX_NAME = 253;

/**
 * `<unit>-bkp-<yyyymmddhhmmss>` (UTC) of the deadline missed: a missed backup is named after the
 * instant it was missed, which the last success (durable, in Prometheus) and the spec fix, so a
 * restart, a failover or a retried create finds the same name (409) and opens no second incident.
 */
export function backupIncidentName(unitName: string, deadline: Date): string {
  const suffix = `-bkp-${compactUtc(deadline)}`;
  return `${unitName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** An open incident of a missed backup of the unit (CHECK_LABEL Backup, Monitoring, not resolved). */
export function isOpenBackupIncident(incident: Pick<IncidentView, 'spec' | 'labels'>, unit: string): boolean {
  return incident.labels[CHECK_LABEL] === BACKUP_CHECK && incident.spec.detection === 'Monitoring' && incident.spec.resolvedAt === undefined
    && incident.spec.unitRefs.some((r) => r.name === unit);
}

const iso = (d: Date): string => toSeconds(d);

/** The Incident a missed backup opens: `openedAt` the deadline missed, the unit's backup priority. */
export function backupIncident(unit: { readonly name: string; readonly namespace: string }, plan: BackupPlan, verdict: BackupVerdict, lastSuccess: Date | undefined): Incident {
  const last = lastSuccess === undefined ? `no successful backup recorded since ${iso(verdict.since)}` : `last successful backup ${iso(lastSuccess)}`;
  return {
    apiVersion: 'managedapps.dev/v1alpha1',
    kind: 'Incident',
    metadata: {
      name: backupIncidentName(unit.name, verdict.deadline),
      namespace: unit.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'managedapps-operator', 'managedapps.dev/detection': 'Monitoring', [CHECK_LABEL]: BACKUP_CHECK },
    },
    spec: {
      unitRefs: [{ name: unit.name }],
      priority: plan.priority,
      summary: `${unit.name}: backup missed (${plan.policy}): ${last}`.slice(0, 1024),
      description: `Opened by the backup check (seed §5.10.1 Table 2): policy ${plan.policy} allows at most the policy's period plus 24 h between two successful backups, so a backup was due by ${iso(verdict.deadline)} (openedAt). Query: ${plan.query}`.slice(0, 16384),
      detection: 'Monitoring',
      openedAt: iso(verdict.deadline),
      cause: 'Unknown',
    },
  };
}

/** The instant a missed backup is restored: the new success, never before `openedAt`. */
export function backupResolution(incident: Pick<IncidentView, 'spec'>, success: Date): Date {
  const opened = new Date(incident.spec.openedAt);
  return Number.isNaN(opened.getTime()) || success >= opened ? success : opened;
}

// ---- status -------------------------------------------------------------------------------------

/** What the check observed, as the status says it. */
export type BackupOutcome =
  | { readonly kind: 'Observed'; readonly verdict: BackupVerdict; readonly lastSuccess: Date | undefined; readonly incident?: string | undefined }
  | { readonly kind: 'NotObserved'; readonly message: string };

export function backupCondition(o: BackupOutcome, policy: BackupPolicy): DesiredCondition {
  const type = ConditionType.BackupOnSchedule;
  if (o.kind === 'NotObserved') return { type, status: 'Unknown', reason: ConditionReason.BackupNotObserved, message: o.message.slice(0, 32768) };
  const last = o.lastSuccess === undefined ? `no successful backup recorded since ${iso(o.verdict.since)}` : `last successful backup at ${iso(o.lastSuccess)}`;
  if (o.verdict.state === 'OnSchedule') return { type, status: 'True', reason: ConditionReason.BackupSucceeded, message: `${last}; the next one is due by ${iso(o.verdict.deadline)} (${policy})` };
  return { type, status: 'False', reason: ConditionReason.BackupMissed, message: `${last}; one was due by ${iso(o.verdict.deadline)} (${policy}, its period plus 24 h)${o.incident !== undefined ? `: incident ${o.incident}` : ''}` };
}

type BackupStatus = NonNullable<ServiceUnitStatus['backup']>;

/** The status fields the check owns: `status.backup` and the `BackupOnSchedule` condition (lastTransitionTime kept unless it flips). */
export function backupStatus(o: BackupOutcome, policy: BackupPolicy, existing: Condition | undefined, generation: number | undefined, at: Date): { backup: BackupStatus; conditions: Condition[] } {
  const backup: BackupStatus = o.kind === 'NotObserved'
    ? { message: o.message.slice(0, 1024) }
    : {
      ...(o.lastSuccess !== undefined ? { lastSuccessTime: iso(o.lastSuccess) } : {}),
      deadline: iso(o.verdict.deadline),
      ...(o.incident !== undefined ? { incident: { name: o.incident } } : {}),
    };
  return { backup, conditions: setCondition(existing === undefined ? [] : [existing], backupCondition(o, policy), at, generation) };
}

/** The check's part of a stored status (what its StatusWriter compares). */
export function backupPart(status: ServiceUnitStatus | undefined): object {
  const condition = findCondition(status?.conditions, ConditionType.BackupOnSchedule);
  return {
    ...(status?.backup !== undefined ? { backup: status.backup } : {}),
    conditions: condition === undefined ? [] : [condition],
  };
}
