import { describe, expect, it } from 'vitest';
import { HEALTHY, action, adopt, observe, opened, resolved, type DampingOptions, type DampingState } from './damping.ts';

const T0 = Date.parse('2026-10-14T08:00:00Z');
const at = (s: number): Date => new Date(T0 + s * 1000);
const secondsOf = (d: Date): number => (d.getTime() - T0) / 1000;

interface Episode { openedAt: number; resolvedAt?: number; openedAtStep: number; resolvedAtStep?: number }

/**
 * Feeds one probe a second, `up(t)` saying whether the probe at t seconds succeeded, through the
 * machine with failureThreshold = successThreshold = 1 (the scheduler's state is then the last
 * result, and `since` the start of the current run). Every action is performed and confirmed at
 * once. Returns the incidents as instants in seconds after T0.
 */
function run(seconds: number, up: (t: number) => boolean, opts: DampingOptions, start: DampingState = HEALTHY): { episodes: Episode[]; state: DampingState } {
  let state = start;
  const episodes: Episode[] = [];
  let runSince = 0;
  for (let t = 0; t < seconds; t++) {
    if (t > 0 && up(t) !== up(t - 1)) runSince = t;
    state = observe(state, { at: at(t), state: up(t) ? 'Up' : 'Down', since: at(runSince) }, opts);
    const a = action(state, opts);
    if (a?.kind === 'open') {
      episodes.push({ openedAt: secondsOf(a.openedAt), openedAtStep: t });
      state = opened(state, `inc-${episodes.length}`);
    } else if (a?.kind === 'resolve') {
      const e = episodes.at(-1);
      if (e !== undefined) Object.assign(e, { resolvedAt: secondsOf(a.resolvedAt), resolvedAtStep: t });
      state = resolved(state);
    }
  }
  return { episodes, state };
}

describe('flap damping', () => {
  const opts: DampingOptions = { openAfterMs: 30_000, resolveAfterMs: 60_000 };

  it('a target flapping every second for 2 minutes opens ONE incident, from its first failure to the first success of the final recovery', () => {
    // Down at even seconds 0..118, up at odd ones, then up for good from t = 120.
    const flap = (t: number): boolean => t >= 120 || t % 2 === 1;
    const { episodes, state } = run(240, flap, opts);
    // Opens at the first failing probe once the episode is 30 s old: t = 30 (even: down), openedAt = 0.
    // The last failure is t = 118 (even), so the final recovery's first success is t = 119 (odd);
    // up for 60 s at t = 179: resolvedAt = 119. 240 probes, 120 flaps, 1 incident.
    expect(episodes).toEqual([{ openedAt: 0, openedAtStep: 30, resolvedAt: 119, resolvedAtStep: 179 }]);
    expect(state.phase).toBe('Healthy');
  });

  it('without hold-downs (0s, 0s) the same flap opens one incident per flap, as before damping', () => {
    const flap = (t: number): boolean => t >= 120 || t % 2 === 1;
    // Down at t = 0, 2, ..., 118: 60 failures, each opened at once and resolved at the next second.
    expect(run(240, flap, { openAfterMs: 0, resolveAfterMs: 0 }).episodes).toHaveLength(60);
  });

  it('an outage shorter than openAfter opens nothing, and the episode ends once recovered for resolveAfter', () => {
    // Down t = 0..19 (20 s < 30 s), up from t = 20.
    const { episodes, state } = run(100, (t) => t >= 20, opts);
    expect(episodes).toEqual([]);
    // Pending until t = 80 (up since 20, for 60 s), Healthy after.
    expect(state).toMatchObject({ phase: 'Healthy' });
    expect(run(80, (t) => t >= 20, opts).state.phase).toBe('Pending');
  });

  it('an outage longer than openAfter opens at 30 s with openedAt = its first failure', () => {
    // Down t = 0..44, up from t = 45: opens at t = 30 (openedAt 0), resolves at t = 45 + 60 = 105 (resolvedAt 45).
    expect(run(200, (t) => t >= 45, opts).episodes).toEqual([{ openedAt: 0, openedAtStep: 30, resolvedAt: 45, resolvedAtStep: 105 }]);
  });

  it('a short outage that recurs inside resolveAfter joins the episode: it opens, from the first outage', () => {
    // Down 0..9, up 10..39 (30 s < 60 s), down 40..49, up from 50.
    // At t = 40 the episode is 40 s old (≥ 30) and down: opens, openedAt 0. Resolved at 50 + 60 = 110, resolvedAt 50.
    const up = (t: number): boolean => (t >= 10 && t < 40) || t >= 50;
    expect(run(200, up, opts).episodes).toEqual([{ openedAt: 0, openedAtStep: 40, resolvedAt: 50, resolvedAtStep: 110 }]);
  });

  it('two outages separated by more than resolveAfter are two episodes, two incidents', () => {
    // Down 0..39, up 40..139 (100 s ≥ 60), down 140..179, up from 180.
    // First: opens t = 30 (openedAt 0), resolves t = 100 (resolvedAt 40). Second: starts 140, opens t = 170, resolves t = 240 (resolvedAt 180).
    const up = (t: number): boolean => (t >= 40 && t < 140) || t >= 180;
    expect(run(300, up, opts).episodes).toEqual([
      { openedAt: 0, openedAtStep: 30, resolvedAt: 40, resolvedAtStep: 100 },
      { openedAt: 140, openedAtStep: 170, resolvedAt: 180, resolvedAtStep: 240 },
    ]);
  });

  it('keeps asking to open until the automation confirms (a failed create is retried at the next probe)', () => {
    let s = observe(HEALTHY, { at: at(0), state: 'Down', since: at(0) }, { openAfterMs: 0, resolveAfterMs: 0 });
    expect(action(s, { openAfterMs: 0, resolveAfterMs: 0 })).toEqual({ kind: 'open', openedAt: at(0) });
    s = observe(s, { at: at(1), state: 'Down', since: at(0) }, { openAfterMs: 0, resolveAfterMs: 0 });
    expect(action(s, { openAfterMs: 0, resolveAfterMs: 0 })).toEqual({ kind: 'open', openedAt: at(0) });
    expect(action(opened(s, 'inc'), { openAfterMs: 0, resolveAfterMs: 0 })).toBeUndefined();
  });

  it('after a restart, the open incident in the API server is adopted: no second incident, resolved after recovery', () => {
    // The incident opened at -50 s; the new leader's first states: down at t = 0..9, up from 10.
    const adopted = adopt(HEALTHY, { name: 'web-mon-x', openedAt: at(-50) });
    const { episodes, state } = run(100, (t) => t >= 10, opts, adopted);
    expect(episodes).toEqual([]); // no open
    expect(state.phase).toBe('Healthy'); // resolved at t = 10 + 60 = 70
    // Resolution instant: the first success of the recovery, t = 10.
    let s = adopted;
    s = observe(s, { at: at(70), state: 'Up', since: at(10) }, opts);
    expect(action(s, opts)).toEqual({ kind: 'resolve', resolvedAt: at(10) });
    expect(adopt(opened(HEALTHY, 'a'), { name: 'b', openedAt: at(0) }).incident).toBe('a');
  });
});
