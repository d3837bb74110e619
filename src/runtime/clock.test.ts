import { describe, expect, it } from 'vitest';
import { clockStartingAt, ManualClock, realClock, sleep } from './clock.ts';

describe('realClock', () => {
  it('does not fire a delay longer than a Node timer can hold (31 days) early', async () => {
    let fired = false;
    const timer = realClock.setTimeout(() => { fired = true; }, 31 * 24 * 3600 * 1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
    timer.cancel();
  });

  it('fires a short delay', async () => {
    await new Promise<void>((resolve) => { realClock.setTimeout(resolve, 1); });
  });
});

describe('ManualClock', () => {
  it('fires timers in time order, including those scheduled by a firing timer, and honours cancel', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const fired: string[] = [];
    clock.setTimeout(() => { fired.push('b@20'); }, 20);
    clock.setTimeout(() => { fired.push('a@10'); clock.setTimeout(() => { fired.push('c@15'); }, 5); }, 10);
    clock.setTimeout(() => { fired.push('never'); }, 5).cancel();
    clock.advance(19);
    expect(fired).toEqual(['a@10', 'c@15']);
    clock.advance(1);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.020Z');
  });

  it('sleep resolves when time passes or at once on abort', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    let done = false;
    const p = sleep(clock, 1000, ac.signal).then(() => { done = true; });
    await Promise.resolve();
    expect(done).toBe(false);
    ac.abort();
    await p;
    expect(clock.pending()).toBe(0);
  });
});

describe('clockStartingAt', () => {
  it('reads the given instant now and moves with its base clock, timers included', () => {
    const base = new ManualClock(new Date('2026-12-01T21:00:00Z'));
    const clock = clockStartingAt(new Date('2028-02-29T11:00:00Z'), base);
    expect(clock.now().toISOString()).toBe('2028-02-29T11:00:00.000Z');
    let fired = false;
    clock.setTimeout(() => { fired = true; }, 90_000);
    base.advance(89_999);
    expect(fired).toBe(false);
    base.advance(1);
    expect(fired).toBe(true);
    // 90 s after the start: 11:00:00 + 90 s = 11:01:30.
    expect(clock.now().toISOString()).toBe('2028-02-29T11:01:30.000Z');
  });
});
