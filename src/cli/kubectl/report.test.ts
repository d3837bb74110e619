import { describe, expect, it } from 'vitest';
import { incompleteWarning } from './report.ts';

describe('kubectl managedapps report: an incomplete report is said so', () => {
  const complete = (status: string, message = '') => ({ conditions: [{ type: 'GTDMet', status: 'True' }, { type: 'Complete', status, reason: 'ReferenceNotFound', message }] });
  it.each<[string, unknown, string | undefined]>([
    ['complete', complete('True'), undefined],
    ['no condition yet', {}, undefined],
    ['no status', undefined, undefined],
    ['incomplete', complete('False', 'cannot count: Incident inc-1 (ServiceUnit db-1 not found or not valid); a unit not applied yet, or deleted'),
      'warning: SLAReport c-2026-11 is incomplete: cannot count: Incident inc-1 (ServiceUnit db-1 not found or not valid); a unit not applied yet, or deleted\n'],
  ])('%s', (_name, status, expected) => {
    expect(incompleteWarning('c-2026-11', status)).toBe(expected);
  });
});
