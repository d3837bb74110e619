import { describe, expect, it } from 'vitest';
import { completeCondition, type Uncounted } from './status.ts';

describe('SLAReport Complete: what the report could not count is named', () => {
  it.each<[string, Uncounted[], string, string, string]>([
    ['everything counted', [], 'True', 'Reconciled', ''],
    ['an incident and a change on units that are not there', [
      { kind: 'Incident', name: 'inc-1', missingUnits: ['db-1'], countedOn: [], interruptionSeconds: 0 },
      { kind: 'ChangeRequest', name: 'chg-1', missingUnits: ['db-1', 'web-2'], countedOn: ['os-1'], interruptionSeconds: 0 },
    ], 'False', 'ReferenceNotFound',
    'cannot count: Incident inc-1 (ServiceUnit db-1 not found or not valid); ChangeRequest chg-1 (ServiceUnit db-1, web-2 not found or not valid, counted on os-1 only); a unit not applied yet, or deleted'],
    // A P1 of 2 h 28 min on a deleted unit, and the same outage on a unit that is there too: 148 min × 60 = 8,880 s each.
    ['P1 incidents on a missing unit: the interruption the month misses, in seconds', [
      { kind: 'Incident', name: 'inc-gone', missingUnits: ['db-1'], countedOn: [], interruptionSeconds: 8880 },
      { kind: 'Incident', name: 'inc-half', missingUnits: ['db-1'], countedOn: ['os-1'], interruptionSeconds: 8880 },
    ], 'False', 'ReferenceNotFound',
    'cannot count: Incident inc-gone (ServiceUnit db-1 not found or not valid, 8880 s of P1 interruption in the month not counted on db-1); '
      + 'Incident inc-half (ServiceUnit db-1 not found or not valid, counted on os-1 only, 8880 s of P1 interruption in the month not counted on db-1); a unit not applied yet, or deleted'],
  ])('%s', (_name, uncounted, status, reason, message) => {
    expect(completeCondition(uncounted)).toEqual({ type: 'Complete', status, reason, message });
  });
});
