import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { WorkQueue } from './workqueue.ts';
import { backoffDelay, QUEUE_BACKOFF } from './backoff.ts';

type Deferred = { promise: Promise<void>; resolve: () => void };
const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
};
const flush = async (): Promise<void> => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

/** A queue whose process function records calls and waits for the test to release each one. */
function harness(concurrency = 1) {
  const clock = new ManualClock();
  const queue = new WorkQueue({ name: 't', clock, concurrency, random: () => 0 });
  const calls: string[] = [];
  const pending: { key: string; done: Deferred }[] = [];
  let active = 0;
  let maxActive = 0;
  const activeKeys = new Set<string>();
  let overlap = false;
  queue.start(async (key) => {
    calls.push(key);
    if (activeKeys.has(key)) overlap = true;
    activeKeys.add(key);
    active++;
    maxActive = Math.max(maxActive, active);
    const done = deferred();
    pending.push({ key, done });
    await done.promise;
    active--;
    activeKeys.delete(key);
  });
  const release = async (key: string): Promise<void> => {
    const i = pending.findIndex((p) => p.key === key);
    if (i < 0) throw new Error(`${key} is not in flight`);
    pending.splice(i, 1)[0]!.done.resolve();
    await flush();
  };
  return { clock, queue, calls, release, stats: () => ({ maxActive, overlap, inFlight: pending.map((p) => p.key) }) };
}

describe('WorkQueue', () => {
  it('holds a waiting key once however many times it is added', async () => {
    const h = harness(1);
    h.queue.add('a'); // taken at once
    h.queue.add('b');
    h.queue.add('b');
    h.queue.add('b');
    await h.release('a');
    await h.release('b');
    expect(h.calls).toEqual(['a', 'b']);
  });

  it('never processes one key concurrently, and processes it again when re-added meanwhile', async () => {
    const h = harness(4);
    h.queue.add('a');
    await flush();
    h.queue.add('a');
    h.queue.add('a');
    await flush();
    expect(h.calls).toEqual(['a']);
    await h.release('a');
    expect(h.calls).toEqual(['a', 'a']);
    await h.release('a');
    expect(h.calls).toEqual(['a', 'a']);
    expect(h.stats().overlap).toBe(false);
  });

  it('runs distinct keys up to the configured concurrency', async () => {
    const h = harness(2);
    for (const k of ['a', 'b', 'c', 'd']) h.queue.add(k);
    await flush();
    expect(h.stats().inFlight).toEqual(['a', 'b']);
    await h.release('b');
    expect(h.stats().inFlight).toEqual(['a', 'c']);
    await h.release('a');
    await h.release('c');
    await h.release('d');
    expect(h.calls).toEqual(['a', 'b', 'c', 'd']);
    expect(h.stats().maxActive).toBe(2);
  });

  it('addAfter keeps the earliest pending time for a key', async () => {
    const h = harness();
    h.queue.addAfter('a', 1000);
    h.queue.addAfter('a', 5000);
    h.queue.addAfter('a', 300);
    h.clock.advance(299);
    await flush();
    expect(h.calls).toEqual([]);
    h.clock.advance(1);
    await flush();
    expect(h.calls).toEqual(['a']);
    await h.release('a');
    h.clock.advance(10_000);
    await flush();
    expect(h.calls).toEqual(['a']);
  });

  it('backs a failing key off exponentially from 5 ms, and forget() resets it', () => {
    const h = harness();
    const delays = [1, 2, 3, 4].map(() => h.queue.addRateLimited('x'));
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(h.queue.retries('x')).toBe(4);
    h.queue.forget('x');
    expect(h.queue.addRateLimited('x')).toBe(5);
  });

  it.each([
    [1, 0, 5], [2, 0, 10], [18, 0, 655_360], [19, 0, 1_000_000], [500, 0, 1_000_000], [1, 0.5, 5.25], [30, 0.999, 1_099_900],
  ])('backoffDelay(%i failures, random %f) = %f ms', (failures, random, expected) => {
    expect(backoffDelay(failures, QUEUE_BACKOFF, () => random)).toBeCloseTo(expected, 6);
  });

  it('shutdown waits for in-flight work, drops waiting and delayed keys, and takes no more', async () => {
    const h = harness(1);
    h.queue.add('a');
    h.queue.add('b');
    h.queue.addAfter('c', 10);
    await flush();
    let drained = false;
    const done = h.queue.shutdown().then(() => { drained = true; });
    await flush();
    expect(drained).toBe(false);
    h.queue.add('d');
    await h.release('a');
    await done;
    expect(drained).toBe(true);
    h.clock.advance(100);
    await flush();
    expect(h.calls).toEqual(['a']);
    expect(h.clock.pending()).toBe(0);
  });

  it('keeps working after the process function rejects', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ name: 't', clock });
    const seen: string[] = [];
    queue.start((key) => { seen.push(key); return Promise.reject(new Error('boom')); });
    queue.add('a');
    queue.add('b');
    await flush();
    expect(seen).toEqual(['a', 'b']);
  });
});
