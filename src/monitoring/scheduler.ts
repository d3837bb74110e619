// The probe scheduler: runs each target's probe every period (with jitter), at most `concurrency`
// probes at once, counts consecutive failures and successes, and reports state transitions.
//
// It runs on the leader only (style.md §12: probers need the lease): the composition root
// creates one when it gains leadership and stops it when it loses it. The counters live in memory
// on purpose: the Incident objects are the durable state, so a new leader starts at `Unknown`
// and the incident automation, being level-based, reconciles from what is stored.
import { realClock, type Clock, type Timer } from '../runtime/clock.ts';
import type { ProbeResult } from './probers/index.ts';

export type ProbeState = 'Unknown' | 'Up' | 'Down';

/** A change of a target's state, reported once per change. */
export interface Transition {
  readonly state: 'Up' | 'Down';
  /** Start of the first probe of the consecutive run that crossed the threshold: the detection instant. */
  readonly since: Date;
  /** The message of the probe that crossed the threshold. */
  readonly message: string;
}

export interface ProbeTarget {
  readonly periodMs: number;
  /** Consecutive failures that turn the target Down (≥ 1). */
  readonly failureThreshold: number;
  /** Consecutive successes that turn the target Up (≥ 1). */
  readonly successThreshold: number;
  /** Should never throw (the probers don't); a throw or rejection counts as a failure. */
  readonly probe: () => Promise<ProbeResult>;
}

/** What the scheduler knows about one target after a probe. */
export interface TargetStatus {
  readonly state: ProbeState;
  /** Start of the first probe of the run that made `state` (the last transition's `since`); undefined while Unknown. */
  readonly stateSince?: Date;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly lastResult?: ProbeResult;
  /** When the last probe started. */
  readonly lastProbeAt?: Date;
}

export interface ProbeSchedulerOptions {
  /** Probes running at once, across all targets (≥ 1). */
  readonly concurrency: number;
  /** Called once per state change. A returned promise is not awaited; its rejection goes to `onError`. */
  readonly onTransition: (key: string, transition: Transition) => void | Promise<void>;
  /** Called after every probe (status writes, the probe-duration histogram). Same error contract. */
  readonly onResult?: (key: string, status: TargetStatus) => void | Promise<void>;
  /** Receives what a callback threw or rejected with; the scheduler itself goes on. */
  readonly onError?: (key: string, error: unknown) => void;
  readonly clock?: Clock;
  /** Each interval is `period × (1 ± jitter)`, uniformly. Default 0.1; 0 gives a fixed rate. */
  readonly jitter?: number;
  /** Uniform in [0, 1); injected for deterministic tests. */
  readonly random?: () => number;
  /** How many recent lateness samples `stats()` keeps. Default 10,000. */
  readonly latenessSamples?: number;
}

export interface LatenessStats {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface SchedulerStats {
  /** Probes started since the scheduler was created. */
  readonly started: number;
  /** Scheduled runs dropped because the previous probe of the same target was still running. */
  readonly skipped: number;
  readonly inFlight: number;
  readonly queued: number;
  /** Actual start − scheduled start, over the most recent starts (the benchmark's measure). */
  readonly lateness: LatenessStats;
}

interface Entry {
  readonly key: string;
  target: ProbeTarget;
  state: ProbeState;
  /** Epoch ms: the `since` of the last transition. */
  stateSince?: number;
  failures: number;
  successes: number;
  /** Start (epoch ms) of the first probe of the current run of identical outcomes. */
  streakStart: number;
  lastResult?: ProbeResult;
  lastProbeAt?: number;
  /** Epoch ms: when the scheduler took the target, then the start of its latest probe (running or done). */
  lastStartAt: number;
  /** Scheduled start (epoch ms) of the pending or running probe. */
  dueAt: number;
  timer?: Timer;
  phase: 'waiting' | 'queued' | 'running';
  removed: boolean;
}

export class ProbeScheduler {
  readonly #options: ProbeSchedulerOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #jitter: number;
  readonly #entries = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #lateness: Float64Array;
  #latenessNext = 0;
  #started = 0;
  #skipped = 0;
  #stopped = false;

  constructor(options: ProbeSchedulerOptions) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be ≥ 1');
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.1));
    this.#lateness = new Float64Array(Math.max(1, options.latenessSamples ?? 10_000));
  }

  /**
   * Adds a target, or replaces the definition of an existing one. A new target's first probe is
   * spread uniformly over its first period, so that many targets added at once do not probe
   * together. Replacing keeps the state and counters (it is the same unit; new thresholds apply
   * to the next result); a changed period takes effect at once unless a probe is queued or running.
   */
  upsert(key: string, target: ProbeTarget): void {
    if (this.#stopped) return;
    validate(key, target);
    const now = this.#now();
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      const periodChanged = existing.target.periodMs !== target.periodMs;
      existing.target = target;
      if (periodChanged && existing.phase === 'waiting') this.#schedule(existing, now + this.#random() * target.periodMs);
      return;
    }
    const entry: Entry = { key, target, state: 'Unknown', failures: 0, successes: 0, streakStart: now, lastStartAt: now, dueAt: now, phase: 'waiting', removed: false };
    this.#entries.set(key, entry);
    this.#schedule(entry, now + this.#random() * target.periodMs);
  }

  /** Forgets a target; a probe of it still running completes but reports nothing. */
  remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    entry.removed = true;
    entry.timer?.cancel();
    this.#entries.delete(key);
    const i = this.#queue.indexOf(entry);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  status(key: string): TargetStatus | undefined {
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : statusOf(entry);
  }

  /**
   * How many periods since the target's latest probe started (or, before its first, since it was
   * added), now: ≤ 1 + jitter on schedule; above 2, a whole scheduled run was missed (the queue is
   * saturated at `concurrency`, or probes outlast their period). The `managedapps_unit_probe_age_ratio`
   * gauge, read at scrape time.
   */
  ageRatio(key: string): number | undefined {
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : (this.#now() - entry.lastStartAt) / entry.target.periodMs;
  }

  stats(): SchedulerStats {
    const count = Math.min(this.#started, this.#lateness.length);
    const sorted = this.#lateness.slice(0, count).sort();
    const at = (q: number): number => (count === 0 ? 0 : sorted[Math.min(count - 1, Math.ceil(q * count) - 1)] ?? 0);
    return {
      started: this.#started,
      skipped: this.#skipped,
      inFlight: this.#inFlight.size,
      queued: this.#queue.length,
      lateness: { count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: count === 0 ? 0 : sorted[count - 1] ?? 0 },
    };
  }

  /** Cancels every pending probe and resolves once the running ones have finished. Final. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#entries.values()) entry.timer?.cancel();
    this.#queue.length = 0;
    await Promise.all(this.#inFlight);
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #schedule(entry: Entry, at: number): void {
    entry.timer?.cancel();
    entry.dueAt = at;
    entry.phase = 'waiting';
    entry.timer = this.#clock.setTimeout(() => {
      entry.timer = undefined;
      if (entry.removed || this.#stopped) return;
      entry.phase = 'queued';
      this.#queue.push(entry);
      this.#pump();
    }, at - this.#now());
  }

  #pump(): void {
    while (!this.#stopped && this.#inFlight.size < this.#options.concurrency) {
      const entry = this.#queue.shift();
      if (entry === undefined) return;
      this.#run(entry);
    }
  }

  #run(entry: Entry): void {
    entry.phase = 'running';
    const startedAt = this.#now();
    entry.lastStartAt = startedAt;
    this.#lateness[this.#latenessNext] = Math.max(0, startedAt - entry.dueAt);
    this.#latenessNext = (this.#latenessNext + 1) % this.#lateness.length;
    this.#started++;
    const probe = entry.target.probe;
    const done = (async () => {
      let result: ProbeResult;
      try {
        result = await probe();
      } catch (err) {
        result = { up: false, durationMs: this.#now() - startedAt, message: `probe threw: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (entry.removed || this.#stopped) return;
      this.#record(entry, result, startedAt);
      this.#reschedule(entry);
    })();
    this.#inFlight.add(done);
    void done.finally(() => {
      this.#inFlight.delete(done);
      this.#pump();
    });
  }

  #record(entry: Entry, result: ProbeResult, startedAt: number): void {
    entry.lastResult = result;
    entry.lastProbeAt = startedAt;
    const { failureThreshold, successThreshold } = entry.target;
    let transition: Transition | undefined;
    if (result.up) {
      if (entry.successes === 0) entry.streakStart = startedAt;
      entry.successes++;
      entry.failures = 0;
      if (entry.successes >= successThreshold && entry.state !== 'Up') {
        entry.state = 'Up';
        entry.stateSince = entry.streakStart;
        transition = { state: 'Up', since: new Date(entry.streakStart), message: result.message };
      }
    } else {
      if (entry.failures === 0) entry.streakStart = startedAt;
      entry.failures++;
      entry.successes = 0;
      if (entry.failures >= failureThreshold && entry.state !== 'Down') {
        entry.state = 'Down';
        entry.stateSince = entry.streakStart;
        transition = { state: 'Down', since: new Date(entry.streakStart), message: result.message };
      }
    }
    const status = statusOf(entry);
    if (this.#options.onResult !== undefined) this.#call(entry.key, this.#options.onResult, status);
    if (transition !== undefined) this.#call(entry.key, this.#options.onTransition, transition);
  }

  #call<T>(key: string, fn: (key: string, arg: T) => void | Promise<void>, arg: T): void {
    const report = (err: unknown): void => { this.#options.onError?.(key, err); };
    try {
      const out = fn(key, arg);
      if (out instanceof Promise) out.catch(report);
    } catch (err) {
      report(err);
    }
  }

  /** Fixed rate from the scheduled start, so a slow probe does not shift the schedule; runs that fell entirely behind are skipped. */
  #reschedule(entry: Entry): void {
    const { periodMs } = entry.target;
    const now = this.#now();
    let next = entry.dueAt + periodMs * (1 + this.#jitter * (2 * this.#random() - 1));
    if (next <= now) {
      const behind = Math.ceil((now - next) / periodMs);
      this.#skipped += behind;
      next += behind * periodMs;
      if (next <= now) next = now;
    }
    this.#schedule(entry, next);
  }
}

function statusOf(entry: Entry): TargetStatus {
  return {
    state: entry.state,
    ...(entry.stateSince !== undefined ? { stateSince: new Date(entry.stateSince) } : {}),
    consecutiveFailures: entry.failures,
    consecutiveSuccesses: entry.successes,
    ...(entry.lastResult !== undefined ? { lastResult: entry.lastResult } : {}),
    ...(entry.lastProbeAt !== undefined ? { lastProbeAt: new Date(entry.lastProbeAt) } : {}),
  };
}

function validate(key: string, target: ProbeTarget): void {
  if (!(target.periodMs > 0)) throw new RangeError(`${key}: periodMs must be > 0`);
  if (!Number.isInteger(target.failureThreshold) || target.failureThreshold < 1) throw new RangeError(`${key}: failureThreshold must be an integer ≥ 1`);
  if (!Number.isInteger(target.successThreshold) || target.successThreshold < 1) throw new RangeError(`${key}: successThreshold must be an integer ≥ 1`);
}
