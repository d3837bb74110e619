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
  ])('%s', (_name, over, type, status, reason) => {
    expect(get(facts(over), type)).toMatchObject({ status, reason });
  });
});
