import { describe, expect, it } from 'vitest';
import { ManualClock, realClock } from './clock.ts';
import { EventLoopLag, formatHealth, healthReport } from './health.ts';

describe('formatHealth', () => {
  it('lists every check, passing and failing, then the verdict', () => {
    const report = healthReport([
      { name: 'apiserver', ok: false, message: 'https://127.0.0.1:6443/readyz: Unavailable: connect ECONNREFUSED' },
      { name: 'caches', ok: true, message: '8 synced' },
    ]);
    expect(report.ok).toBe(false);
    expect(formatHealth('readyz', report)).toBe(
      '[-]apiserver failed: https://127.0.0.1:6443/readyz: Unavailable: connect ECONNREFUSED\n[+]caches ok\nreadyz check failed\n',
    );
    expect(formatHealth('healthz', healthReport([]))).toBe('healthz check passed\n');
  });
});

describe('EventLoopLag', () => {
  // limit 5,000 ms, window 30,000 ms; samples as (instant, lag).
  it.each([
    { name: 'no sample over the limit', samples: [[1_000, 10], [2_000, 4_999]], at: 2_000, ok: true },
    { name: 'one stall over the limit, within the window', samples: [[1_000, 10], [10_000, 9_700]], at: 20_000, ok: false },
    // 10,000 + 30,000 = 40,000: the stall leaves the window at 40,000.
    { name: 'the stall has left the window', samples: [[10_000, 9_700]], at: 40_000, ok: true },
    { name: 'exactly the limit is not over it', samples: [[1_000, 5_000]], at: 1_000, ok: true },
  ])('$name', ({ samples, at, ok }) => {
    const clock = new ManualClock(new Date(0));
    const seen: [number, number][] = [];
    const lag = new EventLoopLag({ clock, intervalMs: 1_000, limitMs: 5_000, windowMs: 30_000, onSample: (s, max) => { seen.push([s, max]); } });
    for (const [when, ms] of samples) lag.record(ms ?? 0, when ?? 0);
    clock.advance(at);
    const check = lag.check();
    expect(check.ok, check.message).toBe(ok);
    expect(check.name).toBe('event-loop');
    if (!ok) expect(check.message).toBe('blocked for 9700 ms within the last 30000 ms (limit 5000 ms)');
    // The gauge gets each sample and the highest of the window so far.
    expect(seen.at(-1)?.[0]).toBe((samples.at(-1)?.[1] ?? 0) / 1000);
    expect(seen.at(-1)?.[1]).toBe(Math.max(...samples.map(([, ms]) => ms ?? 0)) / 1000);
  });

  it('measures a real stall: a 300 ms busy loop shows as at least 300 - 20 ms of lag', async () => {
    // Sampler due every 20 ms; the loop is blocked for 300 ms right after arming, so the timer
    // due at +20 ms fires at >= +300 ms: lag >= 280 ms. Limit 100 ms < 280 ms: the check fails.
    const lag = new EventLoopLag({ clock: realClock, intervalMs: 20, limitMs: 100, windowMs: 60_000 });
    lag.start();
    const until = Date.now() + 300;
    while (Date.now() < until) { /* block the event loop */ }
    await new Promise((r) => setTimeout(r, 60));
    lag.stop();
    const check = lag.check();
    expect(check.ok).toBe(false);
    expect(Number(/blocked for (\d+) ms/.exec(check.message)?.[1])).toBeGreaterThanOrEqual(280);
  });
});
