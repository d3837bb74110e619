// Rules of the contract about management levels, support levels and the backup catalogue
// (domain.md §1, §2, §3, §12). Pure checks: each returns what is wrong, never throws on bad input.
import { CLUSTER_LEVELS, VM_LEVELS } from './limits.ts';
import {
  PREREQUISITES,
  type BackupPolicy,
  type BackupScope,
  type BuildModel,
  type FunctionFamily,
  type LevelThreeOwner,
  type ManagementModel,
  type ManagementLevel,
  type Prerequisite,
  type SupportLevel,
  type TargetKind,
} from './vocabulary.ts';

// ---------------------------------------------------------------------------------------------
// domain.md §1, §2: levels per target kind, one level per target

/**
 * domain.md §1: the levels a target kind takes. VM and cluster from the contract; a `Service`
 * instance (a managed PaaS service) has no OS or cluster of its own to manage, so it takes the
 * levels above them: Database, Middleware or Application (our decision; the contract is silent).
 */
export const ALLOWED_LEVELS: Readonly<Record<TargetKind, readonly ManagementLevel[]>> = {
  VirtualMachine: VM_LEVELS,
  KubernetesCluster: CLUSTER_LEVELS,
  Service: ['Database', 'Middleware', 'Application'],
};

export function levelAllowedOn(kind: TargetKind, level: ManagementLevel): boolean {
  return ALLOWED_LEVELS[kind].includes(level);
}

export interface Target {
  readonly kind: TargetKind;
  readonly name: string;
}

export interface TargetClaim {
  readonly name: string;
  readonly createdAt: Date;
  readonly level: ManagementLevel;
  readonly targets: readonly Target[];
}

export interface TargetConflict {
  readonly target: Target;
  /** The unit that keeps the target: the earliest created, then the first by name. */
  readonly winner: string;
  /** The unit that loses it (one entry per losing unit and target). */
  readonly loser: string;
}

/**
 * domain.md §1: the identity of a target, for "one unit per target". VM, cluster and service
 * names are DNS-like (RFC 1123 host names, Azure/AWS/vSphere inventory names), which are
 * case-insensitive: `VM-1` and `vm-1` are the same machine, so names compare lower-cased.
 */
export function targetKey(target: Target): string {
  return `${target.kind}/${target.name.toLowerCase()}`;
}

/** Indexes of the targets of one unit that repeat an earlier one of the same unit (targetKey). */
export function repeatedTargets(targets: readonly Target[]): { index: number; first: number }[] {
  const seen = new Map<string, number>();
  const out: { index: number; first: number }[] = [];
  targets.forEach((t, index) => {
    const first = seen.get(targetKey(t));
    if (first === undefined) seen.set(targetKey(t), index);
    else out.push({ index, first });
  });
  return out;
}

function byCreationThenName(a: TargetClaim, b: TargetClaim): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * domain.md §1 (§7.1.2): one management level per target, so one unit per target. Every later
 * claim on an already claimed target (compared by targetKey: case-insensitively) is a conflict;
 * the order does not depend on input order.
 */
export function findTargetConflicts(units: readonly TargetClaim[]): TargetConflict[] {
  const owner = new Map<string, string>();
  const conflicts: TargetConflict[] = [];
  for (const unit of [...units].sort(byCreationThenName)) {
    for (const target of unit.targets) {
      const key = targetKey(target);
      const winner = owner.get(key);
      if (winner === undefined) owner.set(key, unit.name);
      else if (winner !== unit.name) conflicts.push({ target, winner, loser: unit.name });
    }
  }
  return conflicts;
}

/**
 * domain.md §2 (a function's dependencies must themselves be managed): dependencies are a graph
 * of units, with no cycle (a unit that needs itself, directly or through others, has no order to
 * be restored in). The first cycle through `unit`, as the path `[unit, …, unit]`, following
 * `dependsOn` in its order; undefined when there is none. Units absent from the map depend on
 * nothing (yet).
 */
export function dependencyCycle(unit: string, dependsOn: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const walk = (path: string[]): string[] | undefined => {
    const at = path[path.length - 1] ?? unit;
    for (const next of dependsOn.get(at) ?? []) {
      if (next === unit) return [...path, next];
      if (done.has(next) || path.includes(next)) continue;
      const found = walk([...path, next]);
      if (found !== undefined) return found;
      done.add(next);
    }
    return undefined;
  };
  return walk([unit]);
}

// ---------------------------------------------------------------------------------------------
// domain.md §2: what a subscribed level or family requires the tenant to subscribe as well

export type Subscribable = ManagementLevel | FunctionFamily;

export interface LevelPrerequisite {
  /** Every one of these must be subscribed. */
  readonly allOf: readonly Subscribable[];
  /** At least one of these must be subscribed (empty: no such condition). */
  readonly anyOf: readonly Subscribable[];
}

/** domain.md §2, the subscribed-level prerequisites. */
export const LEVEL_PREREQUISITES: Readonly<Partial<Record<Subscribable, LevelPrerequisite>>> = {
  Database: { allOf: ['OS'], anyOf: [] },
  Middleware: { allOf: ['OS'], anyOf: [] },
  Containers: { allOf: ['Kubernetes'], anyOf: [] },
  Application: { allOf: ['OS'], anyOf: ['Database', 'Middleware', 'Kubernetes', 'Containers'] },
  RDS: { allOf: ['OS', 'ActiveDirectory'], anyOf: [] },
  ActiveDirectory: { allOf: ['OS'], anyOf: [] },
};

export interface MissingPrerequisite {
  readonly subscribed: Subscribable;
  readonly missingAllOf: readonly Subscribable[];
  /** Non-empty when none of `anyOf` is subscribed: one of these is needed. */
  readonly missingAnyOf: readonly Subscribable[];
  readonly message: string;
}

export function missingLevelPrerequisites(subscribed: readonly Subscribable[]): MissingPrerequisite[] {
  const have = new Set<Subscribable>(subscribed);
  const out: MissingPrerequisite[] = [];
  for (const level of have) {
    const rule = LEVEL_PREREQUISITES[level];
    if (rule === undefined) continue;
    const missingAllOf = rule.allOf.filter((l) => !have.has(l));
    const missingAnyOf = rule.anyOf.length > 0 && !rule.anyOf.some((l) => have.has(l)) ? rule.anyOf : [];
    if (missingAllOf.length === 0 && missingAnyOf.length === 0) continue;
    const parts = [...(missingAllOf.length > 0 ? [missingAllOf.join(' and ')] : []), ...(missingAnyOf.length > 0 ? [`one of ${missingAnyOf.join(', ')}`] : [])];
    out.push({ subscribed: level, missingAllOf, missingAnyOf, message: `${level} requires ${parts.join(' and ')} to be subscribed (domain.md §2)` });
  }
  return out;
}

/** domain.md §2: Active Directory runs on at least 2 VMs (single forest, single domain). */
export const MIN_ACTIVE_DIRECTORY_VMS = 2;

export function activeDirectoryVmsSufficient(vmCount: number): boolean {
  return vmCount >= MIN_ACTIVE_DIRECTORY_VMS;
}

/** domain.md §8: guarantees apply only once the provider validated all of these on the unit. */
export const REQUIRED_PREREQUISITES: readonly Prerequisite[] = PREREQUISITES;

export function prerequisitesValidated(validated: readonly Prerequisite[]): boolean {
  return REQUIRED_PREREQUISITES.every((p) => validated.includes(p));
}

// ---------------------------------------------------------------------------------------------
// domain.md §3: support offers

/** domain.md §3 (table 1): maximum managed-application releases per month. */
export const MAX_RELEASES_PER_MONTH: Readonly<Record<SupportLevel, number>> = { Initial: 1, Standard: 2, Premium: 4 };

// The dated support levels (commitment, raise only, re-commit 6 months) are terms.ts's.

export type ManagerRequirement = 'Required' | 'Optional' | 'NotAvailable';

/**
 * domain.md §3: an SDM and a CBM are mandatory with at least one Premium environment and not
 * available when all environments are Standard; otherwise (a mix with Initial) optional.
 */
export function sdmCbmRequirement(levels: readonly SupportLevel[]): ManagerRequirement {
  if (levels.includes('Premium')) return 'Required';
  if (levels.length > 0 && levels.every((l) => l === 'Standard')) return 'NotAvailable';
  return 'Optional';
}

// ---------------------------------------------------------------------------------------------
// domain.md §12: the backup catalogue

export interface BackupPolicySpec {
  readonly frequency: 'Weekly' | 'Monthly';
  readonly retention: { readonly unit: 'Weeks' | 'Months'; readonly count: number };
  readonly files: boolean;
  readonly office365: boolean;
}

/** domain.md §12, the backup catalogue. */
export const BACKUP_CATALOGUE: Readonly<Record<BackupPolicy, BackupPolicySpec>> = {
  'WEEKLY-1': { frequency: 'Weekly', retention: { unit: 'Weeks', count: 1 }, files: true, office365: false },
  'WEEKLY-2': { frequency: 'Weekly', retention: { unit: 'Weeks', count: 2 }, files: true, office365: false },
  'MONTHLY-1': { frequency: 'Monthly', retention: { unit: 'Months', count: 1 }, files: true, office365: false },
  'MONTHLY-3': { frequency: 'Monthly', retention: { unit: 'Months', count: 3 }, files: true, office365: true },
  'MONTHLY-6': { frequency: 'Monthly', retention: { unit: 'Months', count: 6 }, files: true, office365: true },
  'MONTHLY-12': { frequency: 'Monthly', retention: { unit: 'Months', count: 12 }, files: true, office365: true },
  'MONTHLY-36': { frequency: 'Monthly', retention: { unit: 'Months', count: 36 }, files: false, office365: true },
};


export function backupPolicyFits(policy: BackupPolicy, scope: BackupScope): boolean {
  const spec = BACKUP_CATALOGUE[policy];
  return scope === 'Files' ? spec.files : spec.office365;
}

/** domain.md §12: backup is offered to units at these levels (or subscribed on its own, as the Backup family). */
export const BACKUP_LEVELS: readonly ManagementLevel[] = ['OS', 'Database', 'Middleware', 'Containers', 'Application'];

export function backupAllowedForLevel(level: ManagementLevel): boolean {
  return BACKUP_LEVELS.includes(level);
}

/** A rule of the catalogue broken by a ServiceUnit, with the field to fix. */
export interface RuleViolation {
  readonly path: string;
  readonly message: string;
}

/**
 * domain.md §12: what a unit's backup may be: offered at BACKUP_LEVELS only, and a policy of the
 * catalogue that covers its scope (files, or Office 365). The field paths are the ServiceUnit's.
 */
export function backupViolations(level: ManagementLevel, backup: { readonly policy: BackupPolicy; readonly scope: BackupScope } | undefined): RuleViolation[] {
  if (backup === undefined) return [];
  const out: RuleViolation[] = [];
  if (!backupAllowedForLevel(level)) {
    out.push({ path: 'spec.backup', message: `backup is offered to units at ${BACKUP_LEVELS.join(', ')} level, not ${level} (domain.md §12)` });
  }
  if (!backupPolicyFits(backup.policy, backup.scope)) {
    const fitting = (Object.keys(BACKUP_CATALOGUE) as BackupPolicy[]).filter((p) => backupPolicyFits(p, backup.scope));
    out.push({ path: 'spec.backup.policy', message: `${backup.policy} does not back up ${backup.scope === 'Files' ? 'files' : 'Office 365'} (spec.backup.scope ${backup.scope}); the catalogue's ${backup.scope} policies are ${fitting.join(', ')} (domain.md §12)` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// domain.md §2 (seed §6.12): Active Directory, collectively

/** Why an ActiveDirectory unit names its domain (the message of `spec.activeDirectory.domain`). */
export const AD_DOMAIN_REQUIRED = 'an ActiveDirectory unit names its domain: one forest, one domain (domain.md §2, seed §6.12)';

export interface ActiveDirectoryUnit {
  readonly name: string;
  readonly targets: readonly Target[];
  /** The unit's `spec.activeDirectory.domain`: the one domain, root of the one forest; undefined when not named. */
  readonly domain: string | undefined;
}

/**
 * domain.md §2 (seed §6.12 "au minimum 2 VMs", "mono-forêt, mono-domaine"): the tenant's
 * ActiveDirectory units, taken together (the ActiveDirectory function, domain.md §1), run on at
 * least MIN_ACTIVE_DIRECTORY_VMS distinct VMs and name one domain, which is then also the root of
 * its one forest. What is wrong for `unit`, with the field to fix; [] when nothing is. The first
 * unit by name that names a domain sets it; a unit naming another is the one flagged.
 */
export function activeDirectoryViolations(unit: string, units: readonly ActiveDirectoryUnit[]): RuleViolation[] {
  const own = units.find((u) => u.name === unit);
  if (own === undefined) return [];
  const out: RuleViolation[] = [];
  own.targets.forEach((t, i) => {
    if (t.kind !== 'VirtualMachine') out.push({ path: `spec.targets[${i}]`, message: `ActiveDirectory runs on VMs with OS managed (domain.md §2), not on a ${t.kind}` });
  });
  const vms = new Set(units.flatMap((u) => u.targets.filter((t) => t.kind === 'VirtualMachine').map(targetKey)));
  if (!activeDirectoryVmsSufficient(vms.size)) {
    out.push({
      path: 'spec.targets',
      message: `ActiveDirectory runs on at least ${MIN_ACTIVE_DIRECTORY_VMS} VMs (domain.md §2, seed §6.12); the tenant's ActiveDirectory units (${units.map((u) => u.name).sort().join(', ')}) have ${vms.size}`,
    });
  }
  if (own.domain === undefined) {
    out.push({ path: 'spec.activeDirectory.domain', message: AD_DOMAIN_REQUIRED });
  } else {
    const first = [...units].filter((u) => u.domain !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
    if (first !== undefined && first.domain?.toLowerCase() !== own.domain.toLowerCase()) {
      out.push({ path: 'spec.activeDirectory.domain', message: `domain ${own.domain} is a second domain: the tenant's ActiveDirectory is one forest with one domain, ${first.domain ?? ''} (ServiceUnit ${first.name}; domain.md §2, seed §6.12)` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// domain.md §2, §8: who carries guarantees at all

/** Why a unit carries no guarantee at all, whatever its environment (domain.md §2 **Reading**). */
export type Unguaranteed = 'NotManaged' | 'AdviceOnly';

/**
 * domain.md §2 **Reading**: a NoBuild unit is not managed (seed §4.1 "la ressource n'est pas
 * managée"): no GTD, GTR or GTC; a SelfCare tenant gets advice only (seed §3): none either.
 * undefined when the unit may carry guarantees (the other conditions of domain.md §8 still apply).
 */
export function unguaranteed(buildModel: BuildModel | undefined, managementModel: ManagementModel | undefined): Unguaranteed | undefined {
  if (buildModel === 'NoBuild') return 'NotManaged';
  if (managementModel === 'SelfCare') return 'AdviceOnly';
  return undefined;
}

/**
 * domain.md §2 (seed §5.11.3): the level-3 support owner of a unit that does not name one: the
 * client for a business application, the provider otherwise.
 */
export function defaultLevelThreeOwner(level: ManagementLevel): LevelThreeOwner {
  return level === 'Application' ? 'Client' : 'Provider';
}
