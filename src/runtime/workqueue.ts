// A de-duplicating, rate-limited work queue of string keys, after client-go's workqueue:
//   - a key waiting in the queue is held once however many times it is added (dirty set);
//   - a key being processed is never processed concurrently: if it is added meanwhile, it is
//     processed again once the current run ends (processing set);
//   - `addRateLimited` delays a key by its own exponential backoff (5 ms → 1000 s, jittered),
//     `forget` resets that backoff after a success;
//   - `addAfter(key, ms)` schedules a key; when several are pending for one key the earliest wins;
//   - `shutdown()` stops handing out keys, cancels timers and resolves once in-flight work ends.
// The queue runs its own workers (`start(process)`, `concurrency` at a time) so exclusivity and
// draining are enforced in one place.
import { QUEUE_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.ts';
import type { Clock, Timer } from './clock.ts';

/** Observations of a queue. Injected (no global registry); `noopQueueMetrics` ignores them. */
export interface QueueMetrics {
  /** A key was added (de-duplicated adds included, like client-go). */
  add(queue: string): void;
  /** Keys waiting (not counting delayed ones nor in-flight ones). */
  depth(queue: string, depth: number): void;
  /** Time between a key becoming ready and a worker taking it, seconds. */
  queueLatency(queue: string, seconds: number): void;
  /** Time a worker spent on a key, seconds. */
  workDuration(queue: string, seconds: number): void;
  /** A key was re-added with backoff after a failure. */
  retry(queue: string): void;
}

export const noopQueueMetrics: QueueMetrics = {
  add() {}, depth() {}, queueLatency() {}, workDuration() {}, retry() {},
};

export type WorkQueueOptions = {
  name: string;
  clock: Clock;
  /** Workers processing distinct keys at once. Default 1. */
  concurrency?: number;
  backoff?: BackoffOptions;
  metrics?: QueueMetrics;
  /** [0, 1) source for jitter; injectable for tests. */
  random?: () => number;
};

/** Processes one key. A rejection is the caller's to handle: the queue only logs nothing and moves on. */
export type ProcessFn = (key: string) => Promise<void>;

export class WorkQueue {
  readonly name: string;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #backoff: BackoffOptions;
  readonly #metrics: QueueMetrics;
  readonly #random: () => number;

  /** FIFO of ready keys; `#head` avoids O(n) shifts. */
  #queue: string[] = [];
  #head = 0;
  /** Keys that need processing, mapped to the time they became ready (for latency). */
  readonly #dirty = new Map<string, number>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, { at: number; timer: Timer }>();
  readonly #failures = new Map<string, number>();
  #process: ProcessFn | undefined;
  #shuttingDown = false;
  #idle: (() => void) | undefined;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.#clock = opts.clock;
    this.#concurrency = Math.max(1, opts.concurrency ?? 1);
    this.#backoff = opts.backoff ?? QUEUE_BACKOFF;
    this.#metrics = opts.metrics ?? noopQueueMetrics;
    this.#random = opts.random ?? Math.random;
  }

  /** Begins handing keys to `process`, at most `concurrency` at a time. Call once. */
  start(process: ProcessFn): void {
    if (this.#process !== undefined) throw new Error(`queue ${this.name} already started`);
    this.#process = process;
    this.#dispatch();
  }

  /** Makes `key` ready now (no-op once shut down). */
  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.add(this.name);
    if (this.#dirty.has(key)) return;
    this.#dirty.set(key, this.#clock.now().getTime());
    if (this.#processing.has(key)) return; // requeued by #done
    this.#queue.push(key);
    this.#metrics.depth(this.name, this.length);
    this.#dispatch();
  }

  /** Makes `key` ready after `ms`; if the key is already scheduled earlier, that earlier time stays. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) { this.add(key); return; }
    const at = this.#clock.now().getTime() + ms;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      pending.timer.cancel();
    }
    const timer = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, timer });
  }

  /** Re-adds `key` after its next backoff delay; returns that delay (ms). */
  addRateLimited(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delay = backoffDelay(failures, this.#backoff, this.#random);
    this.#metrics.retry(this.name);
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the backoff of `key` (after a success or a terminal failure). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Consecutive failures recorded for `key`. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Keys ready and waiting for a worker. */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  get inFlight(): number {
    return this.#processing.size;
  }

  /** Time (epoch ms) `key` is scheduled for by addAfter/addRateLimited, if any. */
  scheduledAt(key: string): number | undefined {
    return this.#delayed.get(key)?.at;
  }

  /**
   * Stops handing out keys, drops waiting and delayed ones, and resolves once every in-flight
   * `process` call has settled. Idempotent.
   */
  shutdown(): Promise<void> {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) timer.cancel();
    this.#delayed.clear();
    this.#queue = [];
    this.#head = 0;
    this.#dirty.clear();
    this.#metrics.depth(this.name, 0);
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#idle;
      this.#idle = () => { previous?.(); resolve(); };
    });
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #dispatch(): void {
    const process = this.#process;
    if (process === undefined) return;
    while (!this.#shuttingDown && this.#processing.size < this.#concurrency && this.#head < this.#queue.length) {
      const key = this.#queue[this.#head] as string;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      const readyAt = this.#dirty.get(key) ?? this.#clock.now().getTime();
      this.#dirty.delete(key);
      this.#processing.add(key);
      const started = this.#clock.now().getTime();
      this.#metrics.depth(this.name, this.length);
      this.#metrics.queueLatency(this.name, (started - readyAt) / 1000);
      void this.#run(process, key, started);
    }
  }

  async #run(process: ProcessFn, key: string, started: number): Promise<void> {
    try {
      await process(key);
    } catch {
      // The process function owns error handling (retry, logging); a rejection must not stop the queue.
    } finally {
      this.#metrics.workDuration(this.name, (this.#clock.now().getTime() - started) / 1000);
      this.#done(key);
    }
  }

  #done(key: string): void {
    this.#processing.delete(key);
    if (!this.#shuttingDown && this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#metrics.depth(this.name, this.length);
    }
    if (this.#shuttingDown && this.#processing.size === 0) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle?.();
    }
    this.#dispatch();
  }
}
