// ServiceUnit status: level valid for its targets, one unit per target (the later claimant gets
// LevelConflict), subscribed-level prerequisites and the Active Directory rules (domain.md §2),
// dependencies present and managed, whether guarantees apply (NoBuild, SelfCare, non-production,
// prerequisites: domain.md §2, §8), month-to-date availability (domain.md §5), InMaintenance. `probe`, `openIncident` and the `Available`
// condition belong to the probing automation (its own field manager): never written here.
import { ConditionReason, ConditionType, unitFamily, type ServiceUnitStatus } from '../../api/v1alpha1/index.ts';
import {
  activeDirectoryViolations, findTargetConflicts, levelAllowedOn, missingLevelPrerequisites, REQUIRED_PREREQUISITES, roundPercent, unguaranteed,
  type ActiveDirectoryUnit, type ManagementModel, type Subscribable, type TargetConflict, type UnitAvailability,
} from '../../domain/index.ts';
import type { Condition, DesiredCondition } from '../../runtime/index.ts';
import type { UnitObj } from '../shared/kinds.ts';
import { firstBlocker, readyCondition, type Blocker } from '../shared/status.ts';

export interface UnitFacts {
  readonly unit: UnitObj;
  /** Every unit of the namespace claiming one of this unit's targets, itself included. */
  readonly claimants: readonly UnitObj[];
  /** Levels and offers the namespace's contract subscribes; undefined while there is no contract. */
  readonly subscribedLevels: readonly Subscribable[] | undefined;
  /** Names of `dependsOn` units that do not exist. */
  readonly missingDependencies: readonly string[];
  /** `dependsOn` units that exist but are not managed (NoBuild), by name. */
  readonly unmanagedDependencies?: readonly string[];
  /** The namespace's units of family ActiveDirectory (this one included when it is one), domain.md §2. */
  readonly activeDirectory?: readonly ActiveDirectoryUnit[];
  /** The tenant's management model; undefined while there is no ManagedTenant. */
  readonly managementModel?: ManagementModel | undefined;
  /** The ManagedTenant's name, for the messages. */
  readonly tenantName?: string | undefined;
  /** The first dependency cycle through the unit (`[unit, …, unit]`), undefined when none (domain.md §2). */
  readonly dependencyCycle: readonly string[] | undefined;
  /** Names of the active maintenance windows that exclude the unit. */
  readonly activeWindows: readonly string[];
  readonly month: string;
  readonly availability: UnitAvailability;
}

/** The conditions this controller owns on a ServiceUnit, in the order it writes them. */
export const UNIT_CONDITIONS = [
  ConditionType.Valid, ConditionType.LevelConflict, ConditionType.PrerequisitesMet, ConditionType.DependenciesReady, ConditionType.GuaranteesApply,
  ConditionType.InMaintenance, ConditionType.Ready,
  ConditionType.Reconciling, ConditionType.Stalled,
] as const;

export function conflictsLost(f: UnitFacts): TargetConflict[] {
  const claims = f.claimants.map((u) => ({ name: u.name, createdAt: u.createdAt, level: u.spec.level, targets: u.spec.targets }));
  return findTargetConflicts(claims).filter((c) => c.loser === f.unit.name);
}

export function validCondition(f: UnitFacts): DesiredCondition {
  const wrong = f.unit.spec.targets.filter((t) => !levelAllowedOn(t.kind, f.unit.spec.level));
  if (wrong.length === 0) return { type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' };
  return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.InvalidSpec, message: `level ${f.unit.spec.level} is not allowed on ${wrong.map((t) => `${t.kind} ${t.name}`).join(', ')} (domain.md §1)` };
}

/** Negative polarity (True is the problem), as the API names it. */
export function levelConflictCondition(f: UnitFacts): DesiredCondition {
  const lost = conflictsLost(f);
  if (lost.length === 0) return { type: ConditionType.LevelConflict, status: 'False', reason: ConditionReason.NoConflict, message: '' };
  return {
    type: ConditionType.LevelConflict,
    status: 'True',
    reason: ConditionReason.TargetClaimed,
    message: lost.map((c) => `${c.target.kind} ${c.target.name} is managed by ServiceUnit ${c.winner}`).join('; ') + ' (one level per target, domain.md §1)',
  };
}

export function prerequisitesCondition(f: UnitFacts): DesiredCondition {
  if (f.subscribedLevels === undefined) {
    return { type: ConditionType.PrerequisitesMet, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet' };
  }
  const level = f.unit.spec.level;
  if (!f.subscribedLevels.includes(level)) {
    return { type: ConditionType.PrerequisitesMet, status: 'False', reason: ConditionReason.LevelNotSubscribed, message: `level ${level} is not subscribed by the contract` };
  }
  const subjects = new Set<Subscribable>([level, unitFamily(f.unit)]);
  const missing = missingLevelPrerequisites([...new Set<Subscribable>([...f.subscribedLevels, ...subjects])]).filter((m) => subjects.has(m.subscribed));
  if (missing.length > 0) {
    return { type: ConditionType.PrerequisitesMet, status: 'False', reason: ConditionReason.LevelNotSubscribed, message: `${missing.map((m) => m.message).join('; ')} (SupportContract spec.subscribedLevels)` };
  }
  if (unitFamily(f.unit) === 'ActiveDirectory') {
    const wrong = activeDirectoryViolations(f.unit.name, f.activeDirectory ?? []);
    if (wrong.length > 0) return { type: ConditionType.PrerequisitesMet, status: 'False', reason: ConditionReason.ActiveDirectoryRules, message: wrong.map((v) => `${v.path}: ${v.message}`).join('; ') };
  }
  return { type: ConditionType.PrerequisitesMet, status: 'True', reason: ConditionReason.Reconciled, message: '' };
}

export function dependenciesCondition(f: UnitFacts): DesiredCondition {
  if (f.dependencyCycle !== undefined) {
    return { type: ConditionType.DependenciesReady, status: 'False', reason: ConditionReason.DependencyCycle, message: `dependency cycle ${f.dependencyCycle.join(' → ')} (spec.dependsOn; domain.md §2)` };
  }
  if (f.missingDependencies.length > 0) {
    return { type: ConditionType.DependenciesReady, status: 'False', reason: ConditionReason.DependencyMissing, message: `spec.dependsOn: ServiceUnit ${f.missingDependencies.join(', ')} not found (domain.md §2: dependencies must be managed)` };
  }
  const unmanaged = f.unmanagedDependencies ?? [];
  if (unmanaged.length > 0) {
    return {
      type: ConditionType.DependenciesReady, status: 'False', reason: ConditionReason.DependencyNotManaged,
      message: `spec.dependsOn: ServiceUnit ${unmanaged.join(', ')} is NoBuild (its spec.buildModel), not managed; a dependency must be managed (domain.md §2, seed §5.11.3)`,
    };
  }
  return { type: ConditionType.DependenciesReady, status: 'True', reason: ConditionReason.Reconciled, message: '' };
}

/**
 * Whether the unit carries the guarantees (GTD, GTR, GTC), informational (Ready does not wait on
 * it): not when NoBuild or SelfCare (domain.md §2 **Reading**), in non-production only the times
 * without penalties, and only once the prerequisites are validated (domain.md §8).
 */
export function guaranteesCondition(f: UnitFacts): DesiredCondition {
  const spec = f.unit.spec;
  const type = ConditionType.GuaranteesApply;
  switch (unguaranteed(spec.buildModel, f.managementModel)) {
    case 'NotManaged':
      return { type, status: 'False', reason: ConditionReason.NotManaged, message: 'spec.buildModel NoBuild: the resource is not managed (seed §4.1): no GTD, GTR or GTC, no credit (domain.md §2)' };
    case 'AdviceOnly':
      return { type, status: 'False', reason: ConditionReason.AdviceOnly, message: `ManagedTenant ${f.tenantName ?? ''} spec.managementModel SelfCare: advice only, no GTD, GTR or GTC (domain.md §2)` };
    case undefined:
      break;
  }
  const validated = spec.prerequisites?.validated ?? [];
  const lacking = REQUIRED_PREREQUISITES.filter((p) => !validated.includes(p));
  if (lacking.length > 0) {
    return { type, status: 'False', reason: ConditionReason.PrerequisitesNotValidated, message: `spec.prerequisites.validated lacks ${lacking.join(', ')}: guarantees apply once the provider validated all (domain.md §8)` };
  }
  if (spec.environment !== 'Production') {
    return { type, status: 'False', reason: ConditionReason.NonProduction, message: `spec.environment ${spec.environment}: restoration and change times are kept, without penalties (domain.md §8)` };
  }
  return { type, status: 'True', reason: ConditionReason.Reconciled, message: '' };
}

export function maintenanceCondition(f: UnitFacts): DesiredCondition {
  if (f.activeWindows.length === 0) return { type: ConditionType.InMaintenance, status: 'False', reason: ConditionReason.NoActiveWindow, message: '' };
  return { type: ConditionType.InMaintenance, status: 'True', reason: ConditionReason.MaintenanceWindowActive, message: `inside MaintenanceWindow ${f.activeWindows.join(', ')}` };
}

/** Ready: the first of Valid, LevelConflict, PrerequisitesMet, DependenciesReady that is not good. */
export function unitReady(conditions: readonly DesiredCondition[]): DesiredCondition {
  const get = (t: string): DesiredCondition | undefined => conditions.find((c) => c.type === t);
  const bad = (t: string, good: Condition['status']): Blocker | undefined => {
    const c = get(t);
    return c === undefined || c.status === good ? undefined : { reason: c.reason, message: c.message };
  };
  return readyCondition(firstBlocker([
    () => bad(ConditionType.Valid, 'True'),
    () => bad(ConditionType.LevelConflict, 'False'),
    () => bad(ConditionType.PrerequisitesMet, 'True'),
    () => bad(ConditionType.DependenciesReady, 'True'),
  ]));
}

export function unitConditions(f: UnitFacts): DesiredCondition[] {
  const list = [validCondition(f), levelConflictCondition(f), prerequisitesCondition(f), dependenciesCondition(f), guaranteesCondition(f), maintenanceCondition(f)];
  return [...list, unitReady(list)];
}

export function availabilityField(f: UnitFacts): NonNullable<ServiceUnitStatus['availability']> {
  const a = f.availability;
  return {
    month: f.month,
    percent: roundPercent(a.availabilityPercent),
    interruptionSeconds: Math.round(a.interruptionSeconds),
    excludedSeconds: Math.round(a.excludedSeconds),
    subscribedSeconds: Math.round(a.subscribedSeconds),
  };
}

/** The part of a stored ServiceUnit status this controller owns (what the status writer compares). */
export function ownedPart(stored: unknown): unknown {
  if (stored === undefined || stored === null || typeof stored !== 'object') return stored;
  const s = stored as ServiceUnitStatus;
  const mine = new Set<string>(UNIT_CONDITIONS);
  return {
    ...(s.availability !== undefined ? { availability: s.availability } : {}),
    ...(s.history !== undefined ? { history: s.history } : {}),
    ...(s.historyOmitted !== undefined ? { historyOmitted: s.historyOmitted } : {}),
    ...(s.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
    ...(s.conditions !== undefined ? { conditions: s.conditions.filter((c) => mine.has(c.type)) } : {}),
  };
}
