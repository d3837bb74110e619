// `kubectl managedapps windows` over the status the operator writes: an occurrence awaiting the
// client's approval is listed (not active), each occurrence with its approval (domain.md §11).
import { describe, expect, it } from 'vitest';
import type { MaintenanceWindowSpec, MaintenanceWindowStatus } from '../../api/v1alpha1/index.ts';
import { windowOccurrences } from './commands.ts';

const spec = {
  purpose: 'SecurityPatching', recurrence: { rrule: 'FREQ=DAILY', startTime: '02:30' }, duration: '2h', timeZone: 'Europe/Paris', selector: {},
  excludeFromAvailability: true, requiresClientApproval: true,
} as MaintenanceWindowSpec;
const window = (status: MaintenanceWindowStatus) => ({ apiVersion: 'managedapps.dev/v1alpha1', kind: 'MaintenanceWindow', metadata: { name: 'w', namespace: 'acme' }, spec, status });

describe('windowOccurrences', () => {
  it('lists the running occurrence awaiting approval as not active, then the next ones with their approval', () => {
    const rows = windowOccurrences([window({
      active: false,
      currentOccurrence: { start: '2026-11-26T01:30:00Z', end: '2026-11-26T03:30:00Z', approval: 'AwaitingApproval' },
      nextOccurrences: [{ start: '2026-11-27T01:30:00Z', end: '2026-11-27T03:30:00Z', approval: 'Approved' }],
    })], [], 10, () => true);
    expect(rows.map((r) => [r.start, r.active, r.approval])).toEqual([['2026-11-26T01:30:00Z', false, 'AwaitingApproval'], ['2026-11-27T01:30:00Z', false, 'Approved']]);
  });

  it('an approved running occurrence is active', () => {
    const rows = windowOccurrences([window({ active: true, currentOccurrence: { start: '2026-11-26T01:30:00Z', end: '2026-11-26T03:30:00Z', approval: 'Approved' }, nextOccurrences: [] })], [], 10, () => true);
    expect(rows.map((r) => [r.active, r.approval])).toEqual([[true, 'Approved']]);
  });
});

describe('an occurrence approved by the yearly patch plan (seed §5.8)', () => {
  it('carries its plan\'s year', () => {
    const rows = windowOccurrences([window({
      active: false,
      nextOccurrences: [{ start: '2027-12-14T21:00:00Z', end: '2027-12-15T01:00:00Z', approval: 'Approved', plan: 2027 }, { start: '2028-01-11T21:00:00Z', end: '2028-01-12T01:00:00Z', approval: 'AwaitingApproval' }],
    })], [], 10, () => true);
    expect(rows.map((r) => [r.start, r.approval, r.plan])).toEqual([['2027-12-14T21:00:00Z', 'Approved', 2027], ['2028-01-11T21:00:00Z', 'AwaitingApproval', undefined]]);
  });
});
