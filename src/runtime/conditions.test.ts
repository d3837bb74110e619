import { describe, expect, it } from 'vitest';
import { setCondition, setConditions, toSeconds, type Condition } from './conditions.ts';

const t0 = new Date('2026-03-01T10:00:00.789Z');
const t1 = new Date('2026-03-01T11:30:15.250Z');

describe('setCondition', () => {
  it('adds a new condition with the time truncated to seconds and the generation', () => {
    expect(setCondition(undefined, { type: 'Valid', status: 'True', reason: 'OK', message: '' }, t0, 3)).toEqual([
      { type: 'Valid', status: 'True', reason: 'OK', message: '', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 3 },
    ]);
  });

  it('keeps lastTransitionTime when the status stays, even if reason, message or generation change', () => {
    const first = setCondition([], { type: 'Valid', status: 'False', reason: 'A', message: 'a' }, t0, 1);
    const second = setCondition(first, { type: 'Valid', status: 'False', reason: 'B', message: 'b' }, t1, 2);
    expect(second).toEqual([{ type: 'Valid', status: 'False', reason: 'B', message: 'b', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 2 }]);
  });

  it.each([
    ['True', 'False'], ['False', 'True'], ['Unknown', 'True'], ['True', 'Unknown'],
  ] as const)('moves lastTransitionTime when the status flips %s → %s', (from, to) => {
    const first = setCondition([], { type: 'Valid', status: from, reason: 'R', message: '' }, t0);
    const [c] = setCondition(first, { type: 'Valid', status: to, reason: 'R', message: '' }, t1);
    expect(c?.lastTransitionTime).toBe('2026-03-01T11:30:15Z');
  });

  it('replaces in place and leaves the other conditions and the input untouched', () => {
    const existing: Condition[] = [
      { type: 'A', status: 'True', reason: 'r', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'B', status: 'True', reason: 'r', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ];
    const copy = structuredClone(existing);
    const next = setConditions(existing, [{ type: 'A', status: 'False', reason: 'x', message: 'y' }, { type: 'C', status: 'True', reason: 'z', message: '' }], t0, 4);
    expect(next.map((c) => c.type)).toEqual(['A', 'B', 'C']);
    expect(next[1]).toEqual(existing[1]);
    expect(existing).toEqual(copy);
  });

  it('truncates toward the earlier second', () => {
    expect(toSeconds(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31T23:59:59Z');
  });
});
