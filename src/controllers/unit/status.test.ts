import { describe, expect, it } from 'vitest';
import type { ServiceUnitSpec } from '../../api/v1alpha1/index.ts';
import type { ManagementLevel } from '../../domain/index.ts';
import { typed } from '../shared/testing.ts';
import { unitConditions, type UnitFacts } from './status.ts';

const spec = (level: ManagementLevel, vms: string[]): ServiceUnitSpec => ({
  level, targets: vms.map((name) => ({ kind: 'VirtualMachine' as const, name })), environment: 'Production', buildModel: 'FullBuild', levelThreeOwner: 'Provider',
});
const older = typed('older', spec('OS', ['vm-1']), { createdAt: '2026-01-01T00:00:00Z' });
const olderUpper = typed('older', spec('OS', ['VM-1']), { createdAt: '2026-01-01T00:00:00Z' });
type Over = Partial<UnitFacts> & { level?: ManagementLevel; others?: UnitFacts['claimants'] };
const facts = ({ others = [], ...over }: Over): UnitFacts => {
  const unit = typed('me', spec(over.level ?? 'OS', ['vm-1', 'vm-2']), { createdAt: '2026-02-01T00:00:00Z' });
  return {
    unit, claimants: [unit, ...others], subscribedLevels: ['OS', 'Database'], missingDependencies: [], dependencyCycle: undefined, activeWindows: [], month: '2026-11',
    availability: { unit: 'me', subscribedSeconds: 1, interruptionSeconds: 0, excludedSeconds: 0, availabilityPercent: 100, guaranteeApplies: true, countedIncidents: [] },
    ...over,
  };
};
const unitWith = (name: string, s: ServiceUnitSpec) => typed(name, s, { createdAt: '2026-02-01T00:00:00Z' });
const validatedSpec: ServiceUnitSpec = { ...spec('OS', ['vm-1', 'vm-2']), prerequisites: { validated: ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'] } };
const validated = unitWith('me', validatedSpec);
const noBuild = unitWith('me', { ...validatedSpec, buildModel: 'NoBuild' });
const preProduction = unitWith('me', { ...validatedSpec, environment: 'PreProduction' });
const rds = unitWith('me', { ...spec('OS', ['vm-1', 'vm-2']), family: 'RDS' });
const adOne = unitWith('ad', { ...spec('OS', ['dc1']), family: 'ActiveDirectory', activeDirectory: { domain: 'corp.example' } });
const get = (f: UnitFacts, type: string) => unitConditions(f).find((c) => c.type === type);

describe('ServiceUnit conditions and the Ready chain', () => {
  it.each<[string, Over, string, string, string]>([
    ['all good', {}, 'Ready', 'True', 'Reconciled'],
    ['the later claimant of a target', { others: [older] }, 'LevelConflict', 'True', 'TargetClaimed'],
    ['… is not ready', { others: [older] }, 'Ready', 'False', 'TargetClaimed'],
    ['level not subscribed', { level: 'Middleware' }, 'PrerequisitesMet', 'False', 'LevelNotSubscribed'],
    ['Database without OS', { level: 'Database', subscribedLevels: ['Database'] }, 'PrerequisitesMet', 'False', 'LevelNotSubscribed'],
    ['no contract yet', { subscribedLevels: undefined }, 'PrerequisitesMet', 'Unknown', 'ReferenceNotFound'],
    ['a level the VM does not take', { level: 'Kubernetes', subscribedLevels: ['Kubernetes'] }, 'Ready', 'False', 'InvalidSpec'],
    ['the later claimant of `VM-1` when it holds `vm-1` (names compare case-insensitively)', { others: [olderUpper] }, 'LevelConflict', 'True', 'TargetClaimed'],
    ['a dependency cycle', { dependencyCycle: ['me', 'db', 'me'] }, 'DependenciesReady', 'False', 'DependencyCycle'],
    ['… is not ready', { dependencyCycle: ['me', 'db', 'me'] }, 'Ready', 'False', 'DependencyCycle'],
    ['a dependency missing', { missingDependencies: ['db'] }, 'DependenciesReady', 'False', 'DependencyMissing'],
    ['inside a window', { activeWindows: ['patching'] }, 'InMaintenance', 'True', 'MaintenanceWindowActive'],
    ['in maintenance is still ready', { activeWindows: ['patching'] }, 'Ready', 'True', 'Reconciled'],
    ['a dependency that is NoBuild', { unmanagedDependencies: ['db'] }, 'DependenciesReady', 'False', 'DependencyNotManaged'],
    ['… is not ready', { unmanagedDependencies: ['db'] }, 'Ready', 'False', 'DependencyNotManaged'],
    ['a production unit with everything validated carries the guarantees', {}, 'GuaranteesApply', 'False', 'PrerequisitesNotValidated'],
    ['… with its prerequisites validated', { unit: validated }, 'GuaranteesApply', 'True', 'Reconciled'],
    ['a NoBuild unit', { unit: noBuild }, 'GuaranteesApply', 'False', 'NotManaged'],
    ['… is still ready (informational)', { unit: noBuild }, 'Ready', 'True', 'Reconciled'],
    ['a unit of a SelfCare tenant', { unit: validated, managementModel: 'SelfCare', tenantName: 't' }, 'GuaranteesApply', 'False', 'AdviceOnly'],
    ['a non-production unit', { unit: preProduction }, 'GuaranteesApply', 'False', 'NonProduction'],
    // domain.md §2: RDS ⇒ OS and ActiveDirectory subscribed; an RDS unit with both is ready.
    ['RDS without ActiveDirectory subscribed', { unit: rds, subscribedLevels: ['OS'] }, 'PrerequisitesMet', 'False', 'LevelNotSubscribed'],
    ['RDS with OS and ActiveDirectory subscribed', { unit: rds, subscribedLevels: ['OS', 'ActiveDirectory'] }, 'Ready', 'True', 'Reconciled'],
    ['ActiveDirectory on one VM', { unit: adOne, subscribedLevels: ['OS', 'ActiveDirectory'], activeDirectory: [{ name: 'ad', targets: adOne.spec.targets, domain: 'corp.example' }] }, 'PrerequisitesMet', 'False', 'ActiveDirectoryRules'],
    ['ActiveDirectory on one VM is not ready', { unit: adOne, subscribedLevels: ['OS', 'ActiveDirectory'], activeDirectory: [{ name: 'ad', targets: adOne.spec.targets, domain: 'corp.example' }] }, 'Ready', 'False', 'ActiveDirectoryRules'],
    ['ActiveDirectory on one VM, with a second unit on another', {
      unit: adOne, subscribedLevels: ['OS', 'ActiveDirectory'],
      activeDirectory: [{ name: 'ad', targets: adOne.spec.targets, domain: 'corp.example' }, { name: 'ad-2', targets: [{ kind: 'VirtualMachine', name: 'dc2' }], domain: 'corp.example' }],
    }, 'Ready', 'True', 'Reconciled'],
  ])('%s', (_name, over, type, status, reason) => {
    expect(get(facts(over), type)).toMatchObject({ status, reason });
  });
});
