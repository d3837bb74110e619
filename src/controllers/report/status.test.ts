import { describe, expect, it } from 'vitest';
import { completeCondition, type Uncounted } from './status.ts';

describe('SLAReport Complete: what the report could not count is named', () => {
  it.each<[string, Uncounted[], string, string, string]>([
    ['everything counted', [], 'True', 'Reconciled', ''],
    ['an incident and a change on units that are not there', [
      { kind: 'Incident', name: 'inc-1', missingUnits: ['db-1'], countedOn: [] },
      { kind: 'ChangeRequest', name: 'chg-1', missingUnits: ['db-1', 'web-2'], countedOn: ['os-1'] },
    ], 'False', 'ReferenceNotFound',
    'cannot count: Incident inc-1 (ServiceUnit db-1 not found or not valid); ChangeRequest chg-1 (ServiceUnit db-1, web-2 not found or not valid, counted on os-1 only); a unit not applied yet, or deleted'],
  ])('%s', (_name, uncounted, status, reason, message) => {
    expect(completeCondition(uncounted)).toEqual({ type: 'Complete', status, reason, message });
  });
});
