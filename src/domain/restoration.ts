// GTR: time to restore each incident and the month's deviation (domain.md §6, §8).
//
// Restoration time = ticket opened → resolution, counted inside the exploitation window
// (domain.md §4), minus the incident's exclusion periods. The deadline is the instant at which the
// target covered time is reached, exclusion periods not counting.
import type { InterruptionRecord } from './availability.ts';
import { coveredSeconds, instantAfterCovered, type BusinessCalendar, type ServiceWindow } from './calendar.ts';
import { creditPercentFor, GTR_CREDIT_TIERS, GTR_MIN_DIVISOR, GTR_TARGETS, targetSeconds, type RestorationTarget } from './guarantees.ts';
import { union, type Interval } from './interval.ts';
import { exploitationWindow } from './windows.ts';
import type { Unguaranteed } from './levels.ts';
import type { Environment, LevelThreeOwner, Priority, SupportLevel } from './vocabulary.ts';

export interface RestorationUnit {
  readonly name: string;
  readonly environment: Environment;
  readonly coManaged: boolean;
  readonly levelThreeOwner: LevelThreeOwner;
  readonly prerequisitesValidated: boolean;
  /** The unit is measured in a Computer Vision function (third-party AI bugs do not count, domain.md §8). */
  readonly computerVision: boolean;
  /** The unit's subscription; an incident opened outside it carries no guarantee. Absent: always subscribed. */
  readonly subscription?: { readonly start: Date; readonly end?: Date | undefined } | undefined;
  /** Why the unit carries no guarantee at all (NoBuild, SelfCare: domain.md §2 **Reading**); undefined when it may. */
  readonly unguaranteed?: Unguaranteed | undefined;
}

/** Whether `unit` was subscribed at `instant` (subscription end exclusive). */
export function subscribedAt(unit: { readonly subscription?: { readonly start: Date; readonly end?: Date | undefined } | undefined }, instant: Date): boolean {
  const sub = unit.subscription;
  if (sub === undefined) return true;
  return instant.getTime() >= sub.start.getTime() && (sub.end === undefined || instant.getTime() < sub.end.getTime());
}

/** An incident as GTR sees it: the same record GTD measures interruptions from. */
export type RestorationIncident = InterruptionRecord;

export interface RestorationContext {
  readonly calendar: BusinessCalendar;
  readonly supportLevelOf: (environment: Environment) => SupportLevel;
  /** The reversibility (exit) period, when one started (domain.md §8: GTR does not apply during it). */
  readonly reversibility?: Interval | undefined;
}

/** Why GTR does not apply to an incident, in the order they are checked (domain.md §6, §8). */
export const GTR_REASONS = [
  'Applicable',
  'NoCommitment',
  'UnknownUnit',
  'NotSubscribed',
  'NotManaged',
  'AdviceOnly',
  'NonProduction',
  'NoSLA',
  'Reversibility',
  'IaaSUnavailable',
  'ThirdPartyAIBug',
  'DeclinedPatch',
  'ProviderNotLevelThree',
  'ClientInvolved',
  'PrerequisitesNotValidated',
] as const;
export type GtrReason = (typeof GTR_REASONS)[number];

export interface RestorationResult {
  readonly name: string;
  readonly priority: Priority;
  readonly supportLevel: SupportLevel;
  /** GTR applies: the incident counts in the month's deviation and its credit (domain.md §6). */
  readonly applicable: boolean;
  readonly reason: GtrReason;
  /**
   * The restoration time is promised: applicable, or a non-production incident that would be
   * (domain.md §8, seed §8.4.3: the times hold in non-production, without penalties). Its
   * deadline, at-risk and late are shown; only `applicable` ones count in credits.
   */
  readonly timed: boolean;
  /** Undefined when the table has no target for the cell (P4, "no SLA"). */
  readonly targetSeconds: number | undefined;
  readonly deadline: Date | undefined;
  /** Covered restoration time, to resolution or, while unresolved, to `now`. */
  readonly coveredSeconds: number;
  readonly resolved: boolean;
  /** Resolved after its target, or still unresolved past its deadline at `now`. */
  readonly late: boolean;
  /** With reason DeclinedPatch: the campaign the client declined (seed §9.10). */
  readonly declinedPatch?: string;
}

/**
 * The window a target's clock runs in: the exploitation window of domain.md §4, except
 * "1 business day" (**Reading** of §6), which counts business hours whatever the priority's window.
 */
export function restorationWindow(target: RestorationTarget, calendar: BusinessCalendar, environment: Environment, priority: Priority): ServiceWindow {
  if (target.kind === 'BusinessDays') return { kind: 'BusinessHours', calendar };
  return exploitationWindow(calendar, environment, priority);
}

/** Covered seconds of `window` in [from, to) minus those inside `exclusions` (normalized). */
export function coveredExcluding(window: ServiceWindow, from: Date, to: Date, exclusions: readonly Interval[]): number {
  let covered = coveredSeconds(window, from, to);
  for (const ex of exclusions) {
    const s = Math.max(ex.start.getTime(), from.getTime());
    const e = Math.min(ex.end.getTime(), to.getTime());
    if (e > s) covered -= coveredSeconds(window, new Date(s), new Date(e));
  }
  return covered;
}

/**
 * The earliest instant at which `seconds` of covered, non-excluded time have elapsed since `start`:
 * walk the exclusions in order, spending the covered time before each one and resuming after it.
 */
export function deadlineExcluding(window: ServiceWindow, start: Date, seconds: number, exclusions: readonly Interval[]): Date {
  let remaining = seconds;
  let cursor = start;
  for (const ex of union(exclusions)) {
    if (ex.end.getTime() <= cursor.getTime()) continue;
    const candidate = instantAfterCovered(window, cursor, remaining);
    if (candidate.getTime() <= ex.start.getTime()) return candidate;
    if (ex.start.getTime() > cursor.getTime()) remaining -= coveredSeconds(window, cursor, ex.start);
    cursor = ex.end;
  }
  return instantAfterCovered(window, cursor, Math.max(0, remaining));
}

/**
 * Why GTR does not apply, in the order of GTR_REASONS. `asProduction` judges non-production units
 * as if they were production: what the incident's timer would be under (`timed`, domain.md §8).
 */
function applicability(incident: RestorationIncident, units: readonly RestorationUnit[], target: RestorationTarget, context: RestorationContext, asProduction = false): GtrReason {
  if (incident.priority === 'P4' || target.kind === 'NoCommitment') return 'NoCommitment';
  if (units.length === 0) return 'UnknownUnit';
  const subscribed = units.filter((u) => subscribedAt(u, incident.openedAt));
  if (subscribed.length === 0) return 'NotSubscribed';
  const managed = subscribed.filter((u) => u.unguaranteed === undefined);
  if (managed.length === 0) return subscribed.some((u) => u.unguaranteed === 'NotManaged') ? 'NotManaged' : 'AdviceOnly';
  const production = asProduction ? managed : managed.filter((u) => u.environment === 'Production');
  if (production.length === 0) return 'NonProduction';
  if (target.kind === 'NoSLA') return 'NoSLA';
  const rev = context.reversibility;
  if (rev !== undefined && incident.openedAt >= rev.start && incident.openedAt < rev.end) return 'Reversibility';
  if (incident.cause === 'IaaS') return 'IaaSUnavailable';
  if (incident.cause === 'ThirdPartySoftware' && production.every((u) => u.computerVision)) return 'ThirdPartyAIBug';
  // seed §9.10: caused by a patch campaign the client declined (patching.ts), on any unit.
  if (incident.declinedPatch !== undefined) return 'DeclinedPatch';
  let candidates = production.filter((u) => u.levelThreeOwner === 'Provider');
  if (candidates.length === 0) return 'ProviderNotLevelThree';
  if (incident.cause === 'Client' || incident.cause === 'Shared') candidates = candidates.filter((u) => !u.coManaged);
  if (candidates.length === 0) return 'ClientInvolved';
  if (!candidates.some((u) => u.prerequisitesValidated)) return 'PrerequisitesNotValidated';
  return 'Applicable';
}

/**
 * Deadline, covered time and applicability of one incident. The support level and window are
 * those of its production units when it has some (only they carry the guarantee), else of its
 * first unit's environment, so a non-production incident still shows its clock.
 */
export function evaluateRestoration(incident: RestorationIncident, units: readonly RestorationUnit[], context: RestorationContext, now: Date): RestorationResult {
  const environment: Environment = units.some((u) => u.environment === 'Production') ? 'Production' : (units[0]?.environment ?? 'Production');
  const supportLevel = context.supportLevelOf(environment);
  const target = GTR_TARGETS[incident.priority][supportLevel];
  const seconds = targetSeconds(target);
  const reason = applicability(incident, units, target, context);
  const timed = reason === 'Applicable' || (reason === 'NonProduction' && applicability(incident, units, target, context, true) === 'Applicable');
  const window = restorationWindow(target, context.calendar, environment, incident.priority);
  const resolved = incident.resolvedAt !== undefined;
  const end = incident.resolvedAt ?? now;
  const exclusions = union(incident.exclusions);
  const covered = Math.max(0, coveredExcluding(window, incident.openedAt, end, exclusions));
  const deadline = seconds === undefined ? undefined : deadlineExcluding(window, incident.openedAt, seconds, exclusions);
  let late = false;
  if (seconds !== undefined && deadline !== undefined) late = resolved ? covered > seconds : now.getTime() > deadline.getTime();
  const declined = reason === 'DeclinedPatch' && incident.declinedPatch !== undefined ? { declinedPatch: incident.declinedPatch } : {};
  return { name: incident.name, priority: incident.priority, supportLevel, applicable: reason === 'Applicable', reason, timed, targetSeconds: seconds, deadline, coveredSeconds: covered, resolved, late, ...declined };
}

/** domain.md §6: late / resolved with at least 5 resolved incidents; late / 5 below. */
export function gtrDeviationPercent(resolved: number, late: number): number {
  if (late === 0) return 0;
  return (100 * late) / Math.max(resolved, GTR_MIN_DIVISOR);
}

/** domain.md §6: the credit tier of a deviation (none up to 5 % included). */
export function gtrCreditPercent(deviationPercent: number): number {
  return creditPercentFor(GTR_CREDIT_TIERS, deviationPercent);
}
