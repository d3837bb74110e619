import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../runtime/clock.ts';
import { probeHttpGet, type ProbeResult } from './probers/index.ts';
import { ProbeScheduler, type ProbeSchedulerOptions, type TargetStatus, type Transition } from './scheduler.ts';

// Real timers with periods of tens of milliseconds; assertions are on outcomes (which
// transitions, which counts), waiting with vi.waitFor, never on how long something took.

const up = (message = 'ok'): ProbeResult => ({ up: true, durationMs: 0, message });
const down = (message = 'boom'): ProbeResult => ({ up: false, durationMs: 0, message });

let schedulers: ProbeScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.map((s) => s.stop()));
  schedulers = [];
});

function recorder(extra: Partial<ProbeSchedulerOptions> = {}) {
  const transitions: [string, Transition][] = [];
  const results: [string, TargetStatus][] = [];
  const errors: unknown[] = [];
  const scheduler = new ProbeScheduler({
    concurrency: 4,
    onTransition: (key, t) => { transitions.push([key, t]); },
    onResult: (key, s) => { results.push([key, s]); },
    onError: (_key, err) => { errors.push(err); },
    ...extra,
  });
  schedulers.push(scheduler);
  const count = (key: string): number => results.filter(([k]) => k === key).length;
  return { scheduler, transitions, results, errors, count };
}

const waitFor = <T>(fn: () => T): Promise<T> => vi.waitFor(fn, { timeout: 5000, interval: 5 });

describe('ProbeScheduler', () => {
  it('turns Up after successThreshold successes, Down after failureThreshold failures, and back', async () => {
    let healthy = true;
    const { scheduler, transitions, results } = recorder();
    scheduler.upsert('ns/web', { periodMs: 10, failureThreshold: 3, successThreshold: 2, probe: () => Promise.resolve(healthy ? up() : down('HTTP 503')) });

    await waitFor(() => { expect(transitions).toHaveLength(1); });
    expect(transitions[0]).toEqual(['ns/web', expect.objectContaining({ state: 'Up', message: 'ok' })]);
    // The Up transition happened on exactly the second success.
    const firstUp = results.findIndex(([, s]) => s.state === 'Up');
    expect(results[firstUp]![1].consecutiveSuccesses).toBe(2);

    healthy = false;
    await waitFor(() => { expect(transitions).toHaveLength(2); });
    const downAt = results.findIndex(([, s]) => s.state === 'Down');
    const firstFailure = results.findIndex(([, s]) => s.lastResult?.up === false);
    expect(downAt - firstFailure).toBe(2); // the third consecutive failure
    // `since` is the detection instant: the start of the first failing probe, not of the third.
    expect(transitions[1]).toEqual(['ns/web', { state: 'Down', since: results[firstFailure]![1].lastProbeAt, message: 'HTTP 503' }]);
    expect(results.slice(firstFailure, downAt).every(([, s]) => s.state === 'Up')).toBe(true);
    // The status carries the same instant from then on (the flap damping's episode start).
    expect(results[downAt]![1].stateSince).toEqual(results[firstFailure]![1].lastProbeAt);

    healthy = true;
    await waitFor(() => { expect(transitions).toHaveLength(3); });
    expect(transitions[2]![1].state).toBe('Up');
    expect(scheduler.status('ns/web')).toMatchObject({ state: 'Up', consecutiveFailures: 0 });
  });

  it('reports no transition for failures below the threshold', async () => {
    let n = 0;
    const { scheduler, transitions, count } = recorder();
    // Fails every other probe: never three in a row.
    scheduler.upsert('ns/flaky', { periodMs: 5, failureThreshold: 3, successThreshold: 1, probe: () => Promise.resolve(n++ % 2 === 0 ? down() : up()) });
    await waitFor(() => { expect(count('ns/flaky')).toBeGreaterThanOrEqual(12); });
    expect(transitions.map(([, t]) => t.state)).toEqual(['Up']);
  });

  it('never runs more than `concurrency` probes at once, and still probes every target', async () => {
    let running = 0;
    let maxRunning = 0;
    const probed = new Set<string>();
    const { scheduler } = recorder({ concurrency: 2 });
    for (let i = 0; i < 10; i++) {
      const key = `ns/t${i}`;
      scheduler.upsert(key, {
        periodMs: 10, failureThreshold: 1, successThreshold: 1,
        probe: async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          probed.add(key);
          return up();
        },
      });
    }
    await waitFor(() => { expect(probed.size).toBe(10); });
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(scheduler.stats().lateness.count).toBeGreaterThanOrEqual(10);
  });

  it('counts a probe that throws as a failure with its message', async () => {
    const { scheduler, transitions } = recorder();
    scheduler.upsert('ns/bad', { periodMs: 10, failureThreshold: 1, successThreshold: 1, probe: () => Promise.reject(new Error('kaput')) });
    await waitFor(() => { expect(transitions).toHaveLength(1); });
    expect(transitions[0]![1]).toMatchObject({ state: 'Down', message: 'probe threw: kaput' });
  });

  it('applies an updated probe and keeps the counters; forgets a removed target', async () => {
    const { scheduler, count, results } = recorder();
    scheduler.upsert('ns/a', { periodMs: 10, failureThreshold: 5, successThreshold: 1, probe: () => Promise.resolve(down('old')) });
    scheduler.upsert('ns/b', { periodMs: 10, failureThreshold: 1, successThreshold: 1, probe: () => Promise.resolve(up()) });
    await waitFor(() => { expect(count('ns/a')).toBeGreaterThanOrEqual(2); });

    scheduler.upsert('ns/a', { periodMs: 10, failureThreshold: 5, successThreshold: 1, probe: () => Promise.resolve(down('new')) });
    await waitFor(() => { expect(scheduler.status('ns/a')?.lastResult?.message).toBe('new'); });
    const afterUpdate = results.filter(([k]) => k === 'ns/a').map(([, s]) => s.consecutiveFailures);
    expect(afterUpdate).toEqual(afterUpdate.map((_, i) => i + 1)); // counting went on across the update

    scheduler.remove('ns/a');
    const frozen = count('ns/a');
    const bBefore = count('ns/b');
    await waitFor(() => { expect(count('ns/b')).toBeGreaterThanOrEqual(bBefore + 5); });
    // At most the probe that was already running when removed; it reports nothing either.
    expect(count('ns/a')).toBe(frozen);
    expect(scheduler.status('ns/a')).toBeUndefined();
    expect(scheduler.keys()).toEqual(['ns/b']);
  });

  it('stop() waits for running probes and reports nothing afterwards', async () => {
    let release: (() => void) | undefined;
    const { scheduler, results } = recorder();
    scheduler.upsert('ns/slow', {
      periodMs: 10, failureThreshold: 1, successThreshold: 1,
      probe: () => new Promise<ProbeResult>((resolve) => { release = () => { resolve(up()); }; }),
    });
    await waitFor(() => { expect(release).toBeDefined(); });
    let stopped = false;
    const stopping = scheduler.stop().then(() => { stopped = true; });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false); // still waiting for the running probe
    release!();
    await stopping;
    expect(results).toEqual([]);
    scheduler.upsert('ns/late', { periodMs: 10, failureThreshold: 1, successThreshold: 1, probe: () => Promise.resolve(up()) });
    expect(scheduler.keys()).toEqual(['ns/slow']);
  });

  it('routes a throwing callback to onError and keeps probing', async () => {
    const errors: unknown[] = [];
    let probes = 0;
    const scheduler = new ProbeScheduler({
      concurrency: 1,
      onTransition: () => { throw new Error('callback failed'); },
      onResult: () => Promise.reject(new Error('async callback failed')),
      onError: (_k, e) => { errors.push(e); },
    });
    schedulers.push(scheduler);
    scheduler.upsert('ns/x', { periodMs: 5, failureThreshold: 1, successThreshold: 1, probe: () => { probes++; return Promise.resolve(up()); } });
    await waitFor(() => { expect(probes).toBeGreaterThanOrEqual(3); });
    await waitFor(() => { expect(errors.map((e) => (e as Error).message)).toContain('callback failed'); });
    expect(errors.map((e) => (e as Error).message)).toContain('async callback failed');
  });

  it('reports each target\'s probe age in periods: from its addition, then from its latest start, growing past 2 when the queue is saturated', async () => {
    const clock = new ManualClock(new Date('2026-03-02T00:00:00Z'));
    // concurrency 1, no jitter, random() = 0.5: each new target's first probe is due half a period after its addition.
    const { scheduler } = recorder({ clock, concurrency: 1, jitter: 0, random: () => 0.5 });
    let release: (r: ProbeResult) => void = () => undefined;
    const slow = (): Promise<ProbeResult> => new Promise((resolve) => { release = resolve; });
    scheduler.upsert('ns/slow', { periodMs: 10_000, failureThreshold: 1, successThreshold: 1, probe: slow });
    scheduler.upsert('ns/fast', { periodMs: 10_000, failureThreshold: 1, successThreshold: 1, probe: () => Promise.resolve(up()) });
    expect(scheduler.ageRatio('ns/none')).toBeUndefined();
    expect(scheduler.ageRatio('ns/fast')).toBe(0);
    clock.advance(4_000);
    // 4,000 ms since the addition / 10,000 ms period.
    expect(scheduler.ageRatio('ns/fast')).toBe(0.4);
    // t = 5,000: both are due; ns/slow (first timer) starts and holds the only slot, ns/fast waits in the queue.
    clock.advance(1_000);
    expect(scheduler.ageRatio('ns/slow')).toBe(0);
    expect(scheduler.ageRatio('ns/fast')).toBe(0.5);
    // t = 30,000: ns/fast never started: 30,000 / 10,000 = 3; ns/slow started at 5,000: 25,000 / 10,000 = 2.5.
    clock.advance(25_000);
    expect(scheduler.ageRatio('ns/fast')).toBe(3);
    expect(scheduler.ageRatio('ns/slow')).toBe(2.5);
    // ns/slow ends: the slot frees, ns/fast starts at once (t = 30,000): age 0.
    release(up());
    await waitFor(() => { expect(scheduler.ageRatio('ns/fast')).toBe(0); });
    expect(scheduler.ageRatio('ns/slow')).toBe(2.5);
  });

  it('rejects invalid targets', () => {
    const { scheduler } = recorder();
    const probe = (): Promise<ProbeResult> => Promise.resolve(up());
    expect(() => { scheduler.upsert('k', { periodMs: 0, failureThreshold: 1, successThreshold: 1, probe }); }).toThrow(/periodMs/);
    expect(() => { scheduler.upsert('k', { periodMs: 10, failureThreshold: 0, successThreshold: 1, probe }); }).toThrow(/failureThreshold/);
    expect(() => new ProbeScheduler({ concurrency: 0, onTransition: () => undefined })).toThrow(/concurrency/);
  });

  it('drives real HTTP probes of a server that goes down and comes back', async () => {
    let status = 200;
    const server = http.createServer((_req, res) => { res.writeHead(status).end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/healthz`;
    try {
      const { scheduler, transitions } = recorder();
      scheduler.upsert('ns/api', { periodMs: 15, failureThreshold: 2, successThreshold: 2, probe: () => probeHttpGet({ url, timeoutMs: 1000 }) });
      await waitFor(() => { expect(transitions.map(([, t]) => t.state)).toEqual(['Up']); });
      status = 503;
      await waitFor(() => { expect(transitions.map(([, t]) => t.state)).toEqual(['Up', 'Down']); });
      expect(transitions[1]![1].message).toBe('HTTP 503, expected 200-399');
      status = 200;
      await waitFor(() => { expect(transitions.map(([, t]) => t.state)).toEqual(['Up', 'Down', 'Up']); });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
