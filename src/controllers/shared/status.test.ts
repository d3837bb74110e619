import { describe, expect, it } from 'vitest';
import { firstBlocker, MAX_REQUEUE_MS, ownedConditions, requeueAt } from './status.ts';

const now = new Date('2026-11-15T12:00:00Z');

describe('requeueAt', () => {
  it.each([
    ['no instant', [], {}],
    ['only past instants', [new Date('2026-11-15T11:00:00Z')], {}],
    ['the earliest future instant, +1 s', [new Date('2026-11-15T14:00:00Z'), new Date('2026-11-15T13:00:00Z'), undefined], { requeueAfter: 3_601_000 }],
    ['capped at the timer limit', [new Date('2027-06-01T00:00:00Z')], { requeueAfter: MAX_REQUEUE_MS }],
  ])('%s', (_name, instants, expected) => {
    expect(requeueAt(now, instants)).toEqual(expected);
  });
});

describe('firstBlocker', () => {
  it('returns the first failing check, in order, and runs no later one', () => {
    let ran = false;
    const b = firstBlocker([() => undefined, () => ({ reason: 'A', message: 'a' }), () => { ran = true; return { reason: 'B', message: 'b' }; }]);
    expect(b).toEqual({ reason: 'A', message: 'a' });
    expect(ran).toBe(false);
  });
});

describe('ownedConditions', () => {
  it('keeps lastTransitionTime while the status stays, drops types it does not own, orders as desired', () => {
    const stored = [
      { type: 'Available', status: 'True' as const, reason: 'ProbeSucceeded', message: '', lastTransitionTime: '2026-11-01T00:00:00Z' },
      { type: 'Ready', status: 'True' as const, reason: 'Reconciled', message: '', lastTransitionTime: '2026-11-02T00:00:00Z' },
    ];
    const out = ownedConditions(stored, [{ type: 'Valid', status: 'True', reason: 'Reconciled', message: '' }, { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'x' }], now, 3);
    expect(out).toEqual([
      { type: 'Valid', status: 'True', reason: 'Reconciled', message: '', lastTransitionTime: '2026-11-15T12:00:00Z', observedGeneration: 3 },
      { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'x', lastTransitionTime: '2026-11-02T00:00:00Z', observedGeneration: 3 },
    ]);
  });
});
