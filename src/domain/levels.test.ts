import { describe, expect, it } from 'vitest';
import {
  activeDirectoryViolations,
  activeDirectoryVmsSufficient,
  backupAllowedForLevel,
  backupViolations,
  defaultLevelThreeOwner,
  unguaranteed,
  backupPolicyFits,
  BACKUP_CATALOGUE,
  dependencyCycle,
  findTargetConflicts,
  levelAllowedOn,
  MAX_RELEASES_PER_MONTH,
  MIN_ACTIVE_DIRECTORY_VMS,
  missingLevelPrerequisites,
  prerequisitesValidated,
  repeatedTargets,
  sdmCbmRequirement,
  type ActiveDirectoryUnit,
  type Subscribable,
} from './levels.ts';
import { MAX_PHONE_CONTACTS, MIN_SERVICE_MONTHS, MIN_SUPPORT_COMMITMENT_MONTHS } from './limits.ts';
import { MANAGEMENT_LEVELS, type BackupPolicy, type BackupScope, type BuildModel, type ManagementLevel, type ManagementModel, type SupportLevel, type TargetKind } from './vocabulary.ts';

describe('domain.md §1: levels a target kind takes', () => {
  const allowed: Record<TargetKind, ManagementLevel[]> = {
    VirtualMachine: ['OS', 'Database', 'Middleware', 'Application'],
    KubernetesCluster: ['Kubernetes', 'Containers', 'Application'],
    Service: ['Database', 'Middleware', 'Application'],
  };
  const cases = (Object.keys(allowed) as TargetKind[]).flatMap((kind) => MANAGEMENT_LEVELS.map((level) => [kind, level, allowed[kind].includes(level)] as const));
  it.each(cases)('%s takes %s: %s', (kind, level, ok) => {
    expect(levelAllowedOn(kind, level)).toBe(ok);
  });
});

describe('domain.md §1: one level per target', () => {
  const t = (iso: string) => new Date(iso);
  it('the later unit (by creation time, then name) loses, whatever the input order', () => {
    const units = [
      { name: 'b-db', createdAt: t('2026-01-02T00:00:00Z'), level: 'Database' as const, targets: [{ kind: 'VirtualMachine' as const, name: 'vm1' }] },
      { name: 'a-os', createdAt: t('2026-01-01T00:00:00Z'), level: 'OS' as const, targets: [{ kind: 'VirtualMachine' as const, name: 'vm1' }] },
      { name: 'a-mw', createdAt: t('2026-01-02T00:00:00Z'), level: 'Middleware' as const, targets: [{ kind: 'VirtualMachine' as const, name: 'vm1' }, { kind: 'VirtualMachine' as const, name: 'vm2' }] },
      { name: 'k', createdAt: t('2026-01-01T00:00:00Z'), level: 'Kubernetes' as const, targets: [{ kind: 'KubernetesCluster' as const, name: 'vm1' }] },
    ];
    const expected = [
      { target: { kind: 'VirtualMachine', name: 'vm1' }, winner: 'a-os', loser: 'a-mw' },
      { target: { kind: 'VirtualMachine', name: 'vm1' }, winner: 'a-os', loser: 'b-db' },
    ];
    expect(findTargetConflicts(units)).toEqual(expected);
    expect(findTargetConflicts([...units].reverse())).toEqual(expected);
  });

  // Issue 20: `VM-1` and `vm-1` were two targets. Inventory names are DNS-like, case-insensitive.
  it('compares target names case-insensitively, within a kind only', () => {
    const vm = (name: string) => ({ kind: 'VirtualMachine' as const, name });
    const units = [
      { name: 'os-1', createdAt: t('2026-01-01T00:00:00Z'), level: 'OS' as const, targets: [vm('vm-1')] },
      { name: 'db-1', createdAt: t('2026-01-02T00:00:00Z'), level: 'Database' as const, targets: [vm('VM-1')] },
      { name: 'k8s-1', createdAt: t('2026-01-03T00:00:00Z'), level: 'Kubernetes' as const, targets: [{ kind: 'KubernetesCluster' as const, name: 'VM-1' }] },
    ];
    expect(findTargetConflicts(units)).toEqual([{ target: vm('VM-1'), winner: 'os-1', loser: 'db-1' }]);
    expect(repeatedTargets([vm('a'), vm('vm-1'), vm('b'), vm('Vm-1')])).toEqual([{ index: 3, first: 1 }]);
  });
});

describe('domain.md §2: dependencies form no cycle', () => {
  const graph = (entries: Record<string, string[]>) => new Map(Object.entries(entries));
  it.each<[string, Record<string, string[]>, string[] | undefined]>([
    ['none', { a: ['b'], b: ['c'] }, undefined],
    ['itself', { a: ['a'] }, ['a', 'a']],
    ['two', { a: ['b'], b: ['a'] }, ['a', 'b', 'a']],
    ['three, behind a branch without one', { a: ['x', 'b'], x: ['y'], b: ['c'], c: ['a'] }, ['a', 'b', 'c', 'a']],
    ['a cycle not through a', { a: ['b'], b: ['c'], c: ['b'] }, undefined],
    ['a dependency not there yet', { a: ['ghost'] }, undefined],
  ])('%s', (_name, entries, cycle) => {
    expect(dependencyCycle('a', graph(entries))).toEqual(cycle);
  });
});

describe('domain.md §2: subscribed-level prerequisites', () => {
  it.each<[Subscribable[], Subscribable[]]>([
    [['Database'], ['Database']],
    [['Database', 'OS'], []],
    [['Middleware'], ['Middleware']],
    [['Middleware', 'OS'], []],
    [['Containers'], ['Containers']],
    [['Containers', 'Kubernetes'], []],
    [['Application', 'OS'], ['Application']],
    [['Application', 'Kubernetes'], ['Application']],
    [['Application', 'OS', 'Database'], []],
    [['Application', 'Database'], ['Application', 'Database']],
    [['Application', 'OS', 'Kubernetes'], []],
    [['RDS', 'OS'], ['RDS']],
    [['RDS', 'OS', 'ActiveDirectory'], []],
    [['ActiveDirectory'], ['ActiveDirectory']],
  ])('%j → unmet: %j', (subscribed, unmet) => {
    expect(missingLevelPrerequisites(subscribed).map((m) => m.subscribed)).toEqual(unmet);
  });

  it('says what is missing', () => {
    const [missing] = missingLevelPrerequisites(['Application']);
    expect(missing).toMatchObject({ missingAllOf: ['OS'], missingAnyOf: ['Database', 'Middleware', 'Kubernetes', 'Containers'] });
  });

  it.each([[1, false], [2, true], [3, true]])('Active Directory on %d VMs: %s', (vms, ok) => {
    expect(MIN_ACTIVE_DIRECTORY_VMS).toBe(2);
    expect(activeDirectoryVmsSufficient(vms)).toBe(ok);
  });

  it('guarantees need all five prerequisites validated (domain.md §8)', () => {
    expect(prerequisitesValidated(['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'])).toBe(true);
    expect(prerequisitesValidated(['Connectivity', 'Monitoring', 'Patching', 'Backup'])).toBe(false);
  });
});

describe('domain.md §3: support offers', () => {
  it('quotes the numbers: 6 months, 1 year, 5 contacts, releases 1/2/4', () => {
    expect(MIN_SUPPORT_COMMITMENT_MONTHS).toBe(6);
    expect(MIN_SERVICE_MONTHS).toBe(12);
    expect(MAX_PHONE_CONTACTS).toBe(5);
    expect(MAX_RELEASES_PER_MONTH).toEqual({ Initial: 1, Standard: 2, Premium: 4 });
  });

  // The dated levels' rules (commitment, raise only, re-commit) are terms.ts's: terms.test.ts.
  it.each<[SupportLevel[], string]>([
    [['Premium'], 'Required'],
    [['Standard', 'Premium'], 'Required'],
    [['Initial', 'Premium'], 'Required'],
    [['Standard'], 'NotAvailable'],
    [['Standard', 'Standard'], 'NotAvailable'],
    [['Initial', 'Standard'], 'Optional'],
  ])('SDM and CBM with %j: %s', (levels, requirement) => {
    expect(sdmCbmRequirement(levels)).toBe(requirement);
  });
});

describe('domain.md §12: backup catalogue', () => {
  it.each<[BackupPolicy, string, number, boolean, boolean]>([
    ['WEEKLY-1', 'Weekly', 1, true, false],
    ['WEEKLY-2', 'Weekly', 2, true, false],
    ['MONTHLY-1', 'Monthly', 1, true, false],
    ['MONTHLY-3', 'Monthly', 3, true, true],
    ['MONTHLY-6', 'Monthly', 6, true, true],
    ['MONTHLY-12', 'Monthly', 12, true, true],
    ['MONTHLY-36', 'Monthly', 36, false, true],
  ])('%s: %s, retention %d, files %s, Office 365 %s', (policy, frequency, retention, files, o365) => {
    expect(BACKUP_CATALOGUE[policy].frequency).toBe(frequency);
    expect(BACKUP_CATALOGUE[policy].retention.count).toBe(retention);
    expect(backupPolicyFits(policy, 'Files')).toBe(files);
    expect(backupPolicyFits(policy, 'Office365')).toBe(o365);
  });

  it.each<[ManagementLevel, boolean]>([
    ['OS', true], ['Database', true], ['Middleware', true], ['Containers', true], ['Application', true], ['Kubernetes', false],
  ])('backup on a %s unit: %s', (level, ok) => {
    expect(backupAllowedForLevel(level)).toBe(ok);
  });
});

describe('domain.md §12: a unit\'s backup, per level and scope (backupViolations)', () => {
  // The catalogue: MONTHLY-36 is Office 365 only; WEEKLY-1, WEEKLY-2, MONTHLY-1 files only; the
  // three others both. Backup at OS, Database, Middleware, Containers, Application: not Kubernetes.
  it.each<[string, ManagementLevel, BackupPolicy, BackupScope, string[]]>([
    ['files on an OS VM', 'OS', 'WEEKLY-1', 'Files', []],
    ['MONTHLY-36 on an OS VM (files)', 'OS', 'MONTHLY-36', 'Files', ['spec.backup.policy']],
    ['MONTHLY-36 for Office 365', 'Application', 'MONTHLY-36', 'Office365', []],
    ['WEEKLY-2 for Office 365', 'Application', 'WEEKLY-2', 'Office365', ['spec.backup.policy']],
    ['MONTHLY-12 for either', 'Database', 'MONTHLY-12', 'Office365', []],
    ['any backup on a Kubernetes unit', 'Kubernetes', 'WEEKLY-1', 'Files', ['spec.backup']],
    ['MONTHLY-36 on a Kubernetes unit', 'Kubernetes', 'MONTHLY-36', 'Files', ['spec.backup', 'spec.backup.policy']],
    ['on a Containers unit', 'Containers', 'MONTHLY-6', 'Files', []],
  ])('%s: %j', (_name, level, policy, scope, paths) => {
    expect(backupViolations(level, { policy, scope }).map((v) => v.path)).toEqual(paths);
  });

  it('names the policies of the scope', () => {
    expect(backupViolations('OS', { policy: 'MONTHLY-36', scope: 'Files' })[0]?.message).toBe(
      'MONTHLY-36 does not back up files (spec.backup.scope Files); the catalogue\'s Files policies are WEEKLY-1, WEEKLY-2, MONTHLY-1, MONTHLY-3, MONTHLY-6, MONTHLY-12 (domain.md §12)',
    );
  });

  it('no backup, nothing to check', () => {
    expect(backupViolations('Kubernetes', undefined)).toEqual([]);
  });
});

describe('domain.md §2 (seed §6.12): Active Directory on at least 2 VMs, one forest, one domain', () => {
  const vm = (name: string) => ({ kind: 'VirtualMachine' as const, name });
  const ad = (name: string, vms: string[], domain = 'corp.example'): ActiveDirectoryUnit => ({ name, targets: vms.map(vm), domain });
  it.each<[string, ActiveDirectoryUnit[], string, string[]]>([
    ['one unit on 2 VMs', [ad('ad-1', ['dc1', 'dc2'])], 'ad-1', []],
    ['one unit on 1 VM', [ad('ad-1', ['dc1'])], 'ad-1', ['spec.targets']],
    ['two units of 1 VM each: 2 VMs together', [ad('ad-1', ['dc1']), ad('ad-2', ['dc2'])], 'ad-2', []],
    ['two units on the same VM (case-insensitive): 1', [ad('ad-1', ['dc1']), ad('ad-2', ['DC1'])], 'ad-2', ['spec.targets']],
    ['a second domain', [ad('ad-1', ['dc1']), ad('ad-2', ['dc2'], 'other.example')], 'ad-2', ['spec.activeDirectory.domain']],
    ['… the first by name keeps it', [ad('ad-1', ['dc1']), ad('ad-2', ['dc2'], 'other.example')], 'ad-1', []],
    ['the same domain in another case', [ad('ad-1', ['dc1']), ad('ad-2', ['dc2'], 'CORP.example')], 'ad-2', []],
    ['no domain named', [{ ...ad('ad-1', ['dc1', 'dc2']), domain: undefined }], 'ad-1', ['spec.activeDirectory.domain']],
    ['on a cluster', [{ name: 'ad-1', targets: [vm('dc1'), vm('dc2'), { kind: 'KubernetesCluster' as const, name: 'k' }], domain: 'corp.example' }], 'ad-1', ['spec.targets[2]']],
  ])('%s (%s)', (_name, units, unit, paths) => {
    expect(activeDirectoryViolations(unit, units).map((v) => v.path)).toEqual(paths);
  });

  it('counts the VMs in the message', () => {
    expect(activeDirectoryViolations('ad-1', [ad('ad-1', ['dc1'])])[0]?.message).toBe(
      'ActiveDirectory runs on at least 2 VMs (domain.md §2, seed §6.12); the tenant\'s ActiveDirectory units (ad-1) have 1',
    );
  });
});

describe('domain.md §2 Reading: who carries guarantees, the level-3 default', () => {
  it.each<[BuildModel, ManagementModel | undefined, string | undefined]>([
    ['FullBuild', 'FullyManaged', undefined],
    ['OperationsBuild', 'CoManaged', undefined],
    ['BackendBuild', undefined, undefined],
    ['NoBuild', 'FullyManaged', 'NotManaged'],
    ['NoBuild', 'SelfCare', 'NotManaged'],
    ['FullBuild', 'SelfCare', 'AdviceOnly'],
  ])('%s in a %s tenant: %s', (build, model, reason) => {
    expect(unguaranteed(build, model)).toBe(reason);
  });

  it.each<[ManagementLevel, string]>([
    ['Application', 'Client'], ['OS', 'Provider'], ['Database', 'Provider'], ['Middleware', 'Provider'], ['Kubernetes', 'Provider'], ['Containers', 'Provider'],
  ])('level-3 owner of a %s unit by default (seed §5.11.3): %s', (level, owner) => {
    expect(defaultLevelThreeOwner(level)).toBe(owner);
  });
});
