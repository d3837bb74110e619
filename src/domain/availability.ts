// GTD: availability of a unit and of a managed function over a calendar month (domain.md §5, §8).
//
// Unit availability = (t_month − t_interruption + t_exclusion) / t_month, where
// - t_month is the unit's subscribed time inside the calendar month, in real elapsed time;
// - t_interruption is the length of the UNION of its P1 incidents' interruptions (overlaps once),
//   an unresolved incident running to `now`, everything clipped to the subscribed part of the month;
// - t_exclusion is the part of that union that no counted interruption covers once exclusions are
//   taken out (maintenance windows that exclude the unit, IaaS outages, the incident's own exclusion
//   periods, client-involved incidents on co-managed units, incidents caused by a declined patch, third-party AI bugs on Computer Vision,
//   and everything on a unit whose prerequisites are not validated, or that carries no guarantee:
//   NoBuild, SelfCare, domain.md §2).
import { clipOne, subtract, totalSeconds, union, type Interval } from './interval.ts';
import { creditPercentFor, GTD_CREDIT_TIERS } from './guarantees.ts';
import type { Unguaranteed } from './levels.ts';
import type { FunctionFamily, IncidentCause, Priority } from './vocabulary.ts';

const MS_PER_SECOND = 1000;

export interface AvailabilityUnit {
  readonly name: string;
  readonly subscription: { readonly start: Date; readonly end?: Date | undefined };
  readonly coManaged: boolean;
  readonly prerequisitesValidated: boolean;
  /** Why the unit carries no guarantee at all (NoBuild, SelfCare: domain.md §2 **Reading**); undefined when it may. */
  readonly unguaranteed?: Unguaranteed | undefined;
}

/** Whether the unit's interruptions count against the guarantee: prerequisites validated, and a managed unit of a tenant that is not SelfCare. */
export function availabilityGuaranteed(unit: AvailabilityUnit): boolean {
  return unit.prerequisitesValidated && unit.unguaranteed === undefined;
}

export interface InterruptionRecord {
  readonly name: string;
  readonly priority: Priority;
  readonly openedAt: Date;
  readonly resolvedAt?: Date | undefined;
  readonly cause: IncidentCause;
  /** Periods during which the commitments do not apply to this incident. */
  readonly exclusions: readonly Interval[];
  /**
   * The patch campaign the client declined that caused the incident, once resolved
   * (patching.ts resolveDeclinedPatch): then neither GTD nor GTR applies to it (seed §9.10).
   * Absent: none, or a reference that names no declined campaign.
   */
  readonly declinedPatch?: string | undefined;
}

export interface UnitAvailabilityInput {
  readonly unit: AvailabilityUnit;
  /** The family of the managed function the unit is measured in (Computer Vision has its own exclusion). */
  readonly family: FunctionFamily;
  /** Incidents that reference the unit, any priority (only P1 traces an interruption, domain.md §1). */
  readonly incidents: readonly InterruptionRecord[];
  /** Occurrences of maintenance windows marked excludeFromAvailability that cover the unit. */
  readonly maintenance: readonly Interval[];
}

/** Why none of an interruption counts, or the part of all of them that does not (domain.md §8). */
export type ExclusionReason = 'IaaSUnavailable' | 'ClientInvolved' | 'ThirdPartyAIBug' | 'DeclinedPatch' | 'PrerequisitesNotValidated';

export interface UnitAvailability {
  readonly unit: string;
  /** t_month: subscribed seconds in the month; 0 when the unit was not subscribed at all. */
  readonly subscribedSeconds: number;
  readonly interruptionSeconds: number;
  readonly excludedSeconds: number;
  /** Unrounded percent in [0, 100]; 100 for a unit with no subscribed time. */
  readonly availabilityPercent: number;
  /** False when the unit's prerequisites are not validated, or it carries no guarantee (NoBuild, SelfCare): reported, never penalised. */
  readonly guaranteeApplies: boolean;
  /** Names of the incidents whose interruption counted against the unit (the GTD-versus-GTR rule needs them). */
  readonly countedIncidents: readonly string[];
  /**
   * The counted part of each incident of countedIncidents, in its order (exclusions taken out,
   * clipped to the subscribed month); they may overlap. An SLA claim that names some of the
   * month's incidents recounts the unit on those alone (claims.ts). Absent: none counted.
   */
  readonly countedIntervals?: readonly CountedInterruption[];
}

/** One incident's counted interruption on a unit (UnitAvailability.countedIntervals). */
export interface CountedInterruption {
  readonly incident: string;
  readonly intervals: readonly Interval[];
}

/** domain.md §8: incidents whose whole interruption does not count, whatever the overlap. */
export function excludedCause(cause: IncidentCause, unit: AvailabilityUnit, family: FunctionFamily): ExclusionReason | undefined {
  if (cause === 'IaaS') return 'IaaSUnavailable';
  if (cause === 'ThirdPartySoftware' && family === 'ComputerVision') return 'ThirdPartyAIBug';
  if ((cause === 'Client' || cause === 'Shared') && unit.coManaged) return 'ClientInvolved';
  return undefined;
}

/**
 * Why none of an incident's interruption counts: its cause (excludedCause), or, on any unit,
 * co-managed or not, a patch campaign the client declined (seed §9.10: the provider is in no way
 * responsible for a compromise made possible by the absence of updates due to the client).
 */
export function excludedIncident(incident: Pick<InterruptionRecord, 'cause' | 'declinedPatch'>, unit: AvailabilityUnit, family: FunctionFamily): ExclusionReason | undefined {
  return excludedCause(incident.cause, unit, family) ?? (incident.declinedPatch === undefined ? undefined : 'DeclinedPatch');
}

/** The part of [subscription] inside the month, or undefined when the unit was not subscribed then. */
export function subscribedPart(unit: AvailabilityUnit, month: Interval): Interval | undefined {
  return clipOne({ start: unit.subscription.start, end: unit.subscription.end ?? month.end }, month);
}

/** The interruption of one incident: openedAt → resolvedAt, or → now while unresolved. */
export function interruptionOf(incident: InterruptionRecord, now: Date): Interval {
  // A resolution recorded later than `now` is not known yet: the incident is open as of `now`
  // (as computeMonthlyReport reads it, so a unit's status and the month's report agree).
  const known = incident.resolvedAt !== undefined && incident.resolvedAt.getTime() <= now.getTime() ? incident.resolvedAt : undefined;
  const end = known ?? (now.getTime() > incident.openedAt.getTime() ? now : incident.openedAt);
  return { start: incident.openedAt, end };
}

export function unitAvailability(input: UnitAvailabilityInput, month: Interval, now: Date): UnitAvailability {
  const { unit, family } = input;
  const bound = subscribedPart(unit, month);
  if (bound === undefined) {
    return { unit: unit.name, subscribedSeconds: 0, interruptionSeconds: 0, excludedSeconds: 0, availabilityPercent: 100, guaranteeApplies: availabilityGuaranteed(unit), countedIncidents: [] };
  }
  const subscribedSeconds = (bound.end.getTime() - bound.start.getTime()) / MS_PER_SECOND;

  const raw: { incident: InterruptionRecord; interval: Interval }[] = [];
  for (const incident of input.incidents) {
    if (incident.priority !== 'P1') continue;
    const interval = clipOne(interruptionOf(incident, now), bound);
    if (interval !== undefined) raw.push({ incident, interval });
  }
  const interruption = union(raw.map((r) => r.interval));
  const interruptionSeconds = totalSeconds(interruption);

  // domain.md §8 "nothing applies while the client's IaaS is unavailable": an IaaS outage removes
  // that period for every incident of the unit, like a maintenance window that excludes it.
  const unitWide = union(input.maintenance, raw.filter((r) => r.incident.cause === 'IaaS').map((r) => r.interval));
  const counted: Interval[] = [];
  const countedIncidents: string[] = [];
  const countedIntervals: CountedInterruption[] = [];
  if (availabilityGuaranteed(unit)) {
    for (const { incident, interval } of raw) {
      if (excludedIncident(incident, unit, family) !== undefined) continue;
      const left = subtract(subtract([interval], incident.exclusions), unitWide);
      if (left.length === 0) continue;
      counted.push(...left);
      countedIncidents.push(incident.name);
      countedIntervals.push({ incident: incident.name, intervals: left });
    }
  }
  const countedSeconds = totalSeconds(counted);
  return {
    unit: unit.name,
    subscribedSeconds,
    interruptionSeconds,
    excludedSeconds: interruptionSeconds - countedSeconds,
    availabilityPercent: (100 * (subscribedSeconds - countedSeconds)) / subscribedSeconds,
    guaranteeApplies: availabilityGuaranteed(unit),
    countedIncidents,
    ...(countedIntervals.length > 0 ? { countedIntervals } : {}),
  };
}

export interface FunctionAvailability {
  /** Production units with subscribed time in the month. */
  readonly units: number;
  /** Unrounded arithmetic mean of the units' availability; 100 when no unit was subscribed. */
  readonly availabilityPercent: number;
  readonly guaranteePercent: number;
  /** Guarantee − measured in points, only when measured is strictly below; else 0. */
  readonly gapPoints: number;
  readonly creditPercent: number;
  readonly interruptionSeconds: number;
  readonly excludedSeconds: number;
  readonly countedIncidents: ReadonlySet<string>;
}

/** domain.md §5: the gap (guarantee − measured, only when strictly below) in points, and its credit tier. */
export function gtdGap(guaranteePercent: number, availabilityPercent: number): { readonly gapPoints: number; readonly creditPercent: number } {
  // Rounded to 9 decimals so that an availability exactly on the guarantee, computed in binary
  // floating point (99.49999999999999), is not a gap.
  const gapPoints = Math.max(0, Math.round((guaranteePercent - availabilityPercent) * 1e9) / 1e9);
  return { gapPoints, creditPercent: creditPercentFor(GTD_CREDIT_TIERS, gapPoints) };
}

/** domain.md §5: function availability = arithmetic mean of its units' availability; gap and credit tier. */
export function functionAvailability(units: readonly UnitAvailability[], guaranteePercent: number): FunctionAvailability {
  const measured = units.filter((u) => u.subscribedSeconds > 0);
  const availabilityPercent = measured.length === 0 ? 100 : measured.reduce((sum, u) => sum + u.availabilityPercent, 0) / measured.length;
  const { gapPoints, creditPercent } = gtdGap(guaranteePercent, availabilityPercent);
  return {
    units: measured.length,
    availabilityPercent,
    guaranteePercent,
    gapPoints,
    creditPercent,
    interruptionSeconds: measured.reduce((sum, u) => sum + u.interruptionSeconds, 0),
    excludedSeconds: measured.reduce((sum, u) => sum + u.excludedSeconds, 0),
    countedIncidents: new Set(measured.flatMap((u) => u.countedIncidents)),
  };
}
