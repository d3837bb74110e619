// Health checks behind /readyz and /healthz (issue 20 item 4), in the shape of kube-apiserver's
// `/readyz?verbose`: a list of named checks, each passing or failing with a reason, and the
// report failing when any check fails.
//   - readiness (/readyz, the kubelet takes the pod out of the Services): the API server answers
//     its own /readyz (so etcd down counts), every cache has listed once and its list/watch loop
//     is not failing for longer than a bound, on the leader every controller started, no
//     runnable failed;
//   - liveness (/healthz, the kubelet restarts the container): the event loop is not blocked past
//     a bound, no runnable failed (nothing in the process restarts a failed runnable, and a leader
//     whose probers died would keep the lease and do nothing).
// The two probes that run on their own (the API server check, the event-loop lag sampler) take
// the injected Clock.
import type { Logger } from 'pino';
import { isAborted, sleep, type Clock, type Timer } from './clock.ts';
import type { KubeClient } from './kube.ts';

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  /** Why it fails (or a short state when it passes). */
  readonly message: string;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checks: readonly HealthCheck[];
}

export function healthReport(checks: readonly HealthCheck[]): HealthReport {
  return { ok: checks.every((c) => c.ok), checks };
}

/** The body of /readyz and /healthz: `[+]name ok` / `[-]name failed: reason` lines, then a verdict. */
export function formatHealth(probe: string, report: HealthReport): string {
  const lines = report.checks.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: ${c.message}`));
  lines.push(report.ok ? `${probe} check passed` : `${probe} check failed`);
  return `${lines.join('\n')}\n`;
}

export interface ApiServerCheckOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Time between two checks. */
  readonly periodMs: number;
  /** A check that takes longer fails. */
  readonly timeoutMs: number;
}

/**
 * Asks the API server's own `GET /readyz` every `periodMs` (allowed to every user by the default
 * `system:public-info-viewer` role): it fails when the API server cannot be reached, and when
 * the API server itself is not ready (etcd down or unreachable).
 */
export class ApiServerCheck {
  readonly #opts: ApiServerCheckOptions;
  #state: HealthCheck = { name: 'apiserver', ok: false, message: 'not checked yet' };
  #checks = 0;

  constructor(opts: ApiServerCheckOptions) {
    this.#opts = opts;
  }

  /** Checks at once, then every period (every second at most while failing: readiness comes back fast), until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!isAborted(signal)) {
      await this.checkNow(signal);
      await sleep(this.#opts.clock, this.#state.ok ? this.#opts.periodMs : Math.min(this.#opts.periodMs, 1_000), signal);
    }
  }

  /** One check; its outcome is what `check()` says until the next one. */
  async checkNow(signal?: AbortSignal): Promise<void> {
    const abort = new AbortController();
    const timer = this.#opts.clock.setTimeout(() => { abort.abort(); }, this.#opts.timeoutMs);
    const onStop = (): void => { abort.abort(); };
    signal?.addEventListener('abort', onStop, { once: true });
    const before = this.#state.ok;
    try {
      const res = await this.#opts.client.text('/readyz', { signal: abort.signal });
      if (res.status === 200) this.#state = { name: 'apiserver', ok: true, message: `${this.#opts.client.server} ready` };
      else {
        // kube-apiserver lists its failing checks as `[-]etcd failed: reason withheld`.
        const failing = res.body.split('\n').filter((l) => l.startsWith('[-]')).map((l) => l.slice(3).split(':')[0]?.trim() ?? '');
        const why = failing.length > 0 ? `not ready (${failing.join(', ')})` : res.body.slice(0, 200).trim();
        this.#state = { name: 'apiserver', ok: false, message: `${this.#opts.client.server}/readyz: HTTP ${res.status}: ${why}` };
      }
    } catch (err) {
      if (signal?.aborted === true) return;
      const reason = abort.signal.aborted ? `no answer within ${this.#opts.timeoutMs} ms` : describeError(err);
      this.#state = { name: 'apiserver', ok: false, message: `${this.#opts.client.server}/readyz: ${reason}` };
    } finally {
      timer.cancel();
      signal?.removeEventListener('abort', onStop);
    }
    this.#checks++;
    if (before !== this.#state.ok || this.#checks === 1) {
      if (this.#state.ok) this.#opts.logger.info({ check: 'apiserver' }, 'API server reachable and ready');
      else this.#opts.logger.warn({ check: 'apiserver', reason: this.#state.message }, 'API server not reachable or not ready');
    }
  }

  check(): HealthCheck {
    return this.#state;
  }
}

/** `fetch failed (ECONNREFUSED)`: the message's first line and the cause's code, if any. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
  return `${err.message.split('\n')[0] ?? ''}${code}`;
}

export interface EventLoopLagOptions {
  readonly clock: Clock;
  /** Sampling period: a timer due every `intervalMs`; how late it fires is the lag. */
  readonly intervalMs: number;
  /** The check fails while a lag above `limitMs` was seen within the last `windowMs`. */
  readonly limitMs: number;
  readonly windowMs: number;
  /** Each sample and the highest of the window, in seconds (the `<prefix>event_loop_lag_*` gauges). */
  readonly onSample?: (lagSeconds: number, windowMaxSeconds: number) => void;
}

/**
 * Event-loop lag: how late a timer fires. A CPU-bound task of N ms on the event loop delays the
 * next sample by about N ms, and so every timer, webhook answer and lease renewal of the process.
 */
export class EventLoopLag {
  readonly #opts: EventLoopLagOptions;
  /** Samples of the window: [when, lag ms], oldest first. */
  readonly #samples: [number, number][] = [];
  #last = 0;
  #timer: Timer | undefined;

  constructor(opts: EventLoopLagOptions) {
    this.#opts = opts;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    const arm = (): void => {
      const due = this.#opts.clock.now().getTime() + this.#opts.intervalMs;
      this.#timer = this.#opts.clock.setTimeout(() => {
        const now = this.#opts.clock.now().getTime();
        this.record(Math.max(0, now - due), now);
        arm();
      }, this.#opts.intervalMs);
    };
    arm();
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** One sample: the loop was `lagMs` late at instant `at` (ms since the epoch). */
  record(lagMs: number, at: number): void {
    this.#last = lagMs;
    this.#samples.push([at, lagMs]);
    this.#expire(at);
    this.#opts.onSample?.(lagMs / 1000, this.#max() / 1000);
  }

  /** The last sample, ms. */
  get lastMs(): number {
    return this.#last;
  }

  check(): HealthCheck {
    const now = this.#opts.clock.now().getTime();
    this.#expire(now);
    const worst = this.#max();
    return worst > this.#opts.limitMs
      ? { name: 'event-loop', ok: false, message: `blocked for ${Math.round(worst)} ms within the last ${this.#opts.windowMs} ms (limit ${this.#opts.limitMs} ms)` }
      : { name: 'event-loop', ok: true, message: `lag ${Math.round(this.#last)} ms` };
  }

  #max(): number {
    return this.#samples.reduce((m, [, lag]) => Math.max(m, lag), 0);
  }

  #expire(now: number): void {
    while (this.#samples.length > 0 && (this.#samples[0]?.[0] ?? now) <= now - this.#opts.windowMs) this.#samples.shift();
  }
}
