import { describe, expect, it } from 'vitest';
import {
  activeDirectoryVmsSufficient,
  backupAllowedForLevel,
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
  type Subscribable,
} from './levels.ts';
import { MAX_PHONE_CONTACTS, MIN_SERVICE_MONTHS, MIN_SUPPORT_COMMITMENT_MONTHS } from './limits.ts';
import { MANAGEMENT_LEVELS, type BackupPolicy, type ManagementLevel, type SupportLevel, type TargetKind } from './vocabulary.ts';

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
