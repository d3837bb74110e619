import { describe, expect, it } from 'vitest';
import type { DesiredCondition } from '../../runtime/index.ts';
import { firstBlocker, invalidSpecConditions, kstatusConditions, MAX_REQUEUE_MS, ownedConditions, requeueAt, withKstatusConditions } from './status.ts';

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

describe('kstatusConditions (abnormal-true: at most one of Ready, Reconciling, Stalled is True)', () => {
  const ready = (status: 'True' | 'False' | 'Unknown', reason: string, message = 'm'): DesiredCondition => ({ type: 'Ready', status, reason, message });
  it.each([
    ['Ready: both False, Settled', ready('True', 'Reconciled', ''), 'True', ['False', 'Settled'], ['False', 'Settled']],
    ['a reference not applied yet: Reconciling', ready('False', 'ReferenceNotFound'), 'False', ['True', 'ReferenceNotFound'], ['False', 'Waiting']],
    ['a dependency not applied yet: Reconciling', ready('False', 'DependencyMissing'), 'False', ['True', 'DependencyMissing'], ['False', 'Waiting']],
    ['no contract yet, Ready Unknown: Reconciling, Ready kept', ready('Unknown', 'ReferenceNotFound'), 'Unknown', ['True', 'ReferenceNotFound'], ['False', 'Waiting']],
    ['an invalid spec: Stalled', ready('False', 'InvalidSpec'), 'False', ['False', 'Settled'], ['True', 'InvalidSpec']],
    ['a rule violated (target claimed): Stalled', ready('False', 'TargetClaimed'), 'False', ['False', 'Settled'], ['True', 'TargetClaimed']],
    ['a level not subscribed: Stalled', ready('False', 'LevelNotSubscribed'), 'False', ['False', 'Settled'], ['True', 'LevelNotSubscribed']],
    ['an internal error retried: Stalled', ready('False', 'InternalError'), 'False', ['False', 'Settled'], ['True', 'InternalError']],
    ['an undecided Ready (guarded throw): Stalled, Ready False', ready('Unknown', 'InternalError'), 'False', ['False', 'Settled'], ['True', 'InternalError']],
  ])('%s', (_name, given, readyStatus, [recStatus, recReason], [stStatus, stReason]) => {
    const k = kstatusConditions(given);
    expect(k.ready).toEqual({ ...given, status: readyStatus });
    expect(k.reconciling).toMatchObject({ type: 'Reconciling', status: recStatus, reason: recReason });
    expect(k.stalled).toMatchObject({ type: 'Stalled', status: stStatus, reason: stReason });
    expect([k.ready, k.reconciling, k.stalled].filter((c) => c.status === 'True').length).toBeLessThanOrEqual(1);
    if (recStatus === 'True') expect(k.reconciling.message).toBe(given.message);
    if (stStatus === 'True') expect(k.stalled.message).toBe(given.message);
  });
});

describe('withKstatusConditions', () => {
  const valid: DesiredCondition = { type: 'Valid', status: 'False', reason: 'InvalidSpec', message: 'bad' };
  it.each([
    ['no Ready: unchanged', [valid], ['Valid']],
    ['Reconciling and Stalled right after Ready', [valid, { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'bad' }], ['Valid', 'Ready', 'Reconciling', 'Stalled']],
    [
      'given (stale) ones replaced',
      [{ type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'old' }, { type: 'Ready', status: 'True', reason: 'Reconciled', message: '' }, { type: 'Reconciling', status: 'True', reason: 'ReferenceNotFound', message: 'old' }],
      ['Ready', 'Reconciling', 'Stalled'],
    ],
  ] as [string, DesiredCondition[], string[]][])('%s', (_name, desired, types) => {
    const out = withKstatusConditions(desired);
    expect(out.map((c) => c.type)).toEqual(types);
    const ready = out.find((c) => c.type === 'Ready');
    if (ready !== undefined) expect(out.filter((c) => c.type !== 'Ready' && c.type !== 'Valid')).toEqual([kstatusConditions(ready).reconciling, kstatusConditions(ready).stalled]);
  });

  it('invalidSpecConditions: Ready False and Stalled True, InvalidSpec', () => {
    expect(invalidSpecConditions('spec.level: bad')).toEqual([
      { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'spec.level: bad' },
      { type: 'Reconciling', status: 'False', reason: 'Settled', message: '' },
      { type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'spec.level: bad' },
    ]);
  });
});
