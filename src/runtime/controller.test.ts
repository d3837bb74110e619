import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { specChanged } from './controller.ts';

const obj = (generation: number, labels: Record<string, string> = {}, status: unknown = {}, deletionTimestamp?: Date): KubernetesObject =>
  ({ metadata: { name: 'u', namespace: 'n', generation, labels, ...(deletionTimestamp ? { deletionTimestamp } : {}) }, status } as KubernetesObject);

describe('specChanged', () => {
  it.each([
    ['an add, a delete or a resync (no previous)', obj(1), undefined, true],
    ['a status write (same generation and labels)', obj(1, {}, { phase: 'Open' }), obj(1, {}, {}), false],
    ['a spec change (new generation)', obj(2), obj(1), true],
    ['a label change', obj(1, { tier: 'gold' }), obj(1), true],
    ['the start of a deletion', obj(1, {}, {}, new Date('2026-11-26T00:00:00Z')), obj(1), true],
  ])('%s → %s', (_what, current, previous, expected) => {
    expect(specChanged(current, previous)).toBe(expected);
  });
});
