// Jittered exponential backoff, shared by the work queue (per key) and the informer and leader
// loops (per loop). client-go's item limiter doubles from 5 ms up to 1000 s; the jitter spreads
// retries of many keys (or many replicas) that failed together.

export type BackoffOptions = {
  /** First delay, ms. */
  baseMs: number;
  /** Ceiling, ms. */
  maxMs: number;
  /** Each delay is multiplied by a factor drawn in [1, 1 + jitter). 0 disables jitter. */
  jitter: number;
};

/** client-go `DefaultControllerRateLimiter` item limiter: 5 ms → 1000 s. */
export const QUEUE_BACKOFF: BackoffOptions = { baseMs: 5, maxMs: 1_000_000, jitter: 0.1 };
/** Informer and leader-election restarts: 500 ms → 30 s. */
export const LOOP_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };

/** Delay after `failures` consecutive failures (1 → baseMs). `random` returns [0, 1). */
export function backoffDelay(failures: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.max(0, failures - 1);
  // 2^exp overflows to Infinity for large exp; min() keeps it at the ceiling.
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(exp, 1024));
  return Math.min(opts.maxMs * (1 + opts.jitter), raw * (1 + opts.jitter * random()));
}

/** A failure counter for one loop: `next()` returns the delay to wait, `reset()` after a success. */
export class Backoff {
  #failures = 0;
  readonly #opts: BackoffOptions;
  readonly #random: () => number;
  constructor(opts: BackoffOptions, random: () => number = Math.random) {
    this.#opts = opts;
    this.#random = random;
  }
  next(): number {
    this.#failures++;
    return backoffDelay(this.#failures, this.#opts, this.#random);
  }
  reset(): void {
    this.#failures = 0;
  }
  get failures(): number {
    return this.#failures;
  }
}
