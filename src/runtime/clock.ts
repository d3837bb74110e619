// The runtime's only source of time. Everything that reads the time or schedules work takes a
// Clock, so tests can drive time explicitly (ManualClock) and the composition root passes
// `realClock`. No module-level instance is shared: `realClock` is stateless.

/** A scheduled callback; `cancel()` is idempotent. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Runs `fn` once after `ms` milliseconds (clamped at 0). Real timers are unref'd: they never keep the process alive. */
  setTimeout(fn: () => void, ms: number): Timer;
}

/** Node's timers hold at most 2^31-1 ms (~24.8 days); a longer delay would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    // A requeue at the month's end can be 31 days away: chain timers instead of overflowing.
    const due = Date.now() + Math.max(0, ms);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const left = due - Date.now();
      handle = globalThis.setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
      handle.unref();
    };
    arm();
    return { cancel: () => { globalThis.clearTimeout(handle); } };
  },
};

/**
 * A clock that reads `at` now and runs on from there at the pace of `base` (timers are `base`'s).
 * For demos, replays and the date matrix of the tests (`--clock-at`): the operator behaves as on
 * that day, whatever the day it runs.
 */
export function clockStartingAt(at: Date, base: Clock = realClock): Clock {
  const offset = at.getTime() - base.now().getTime();
  return {
    now: () => new Date(base.now().getTime() + offset),
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
  };
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (never rejects). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) { resolve(); return; }
    const onAbort = (): void => { timer.cancel(); resolve(); };
    const timer = clock.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A clock that only moves when told to: `advance(ms)` fires due timers in time order. For tests. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const id = this.#seq++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return { cancel: () => { this.#timers.delete(id); } };
  }

  /** Number of timers not yet fired nor cancelled. */
  pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they schedule). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let nextId: number | undefined;
      let nextAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && (t.at < nextAt || (t.at === nextAt && nextId !== undefined && id < nextId))) { nextId = id; nextAt = t.at; }
      }
      if (nextId === undefined) break;
      const t = this.#timers.get(nextId);
      this.#timers.delete(nextId);
      this.#now = nextAt;
      t?.fn();
    }
    this.#now = end;
  }
}

/** Reads `signal.aborted` through a call: the compiler otherwise keeps it narrowed across awaits. */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
