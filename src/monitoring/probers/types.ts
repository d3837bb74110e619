// The outcome of one probe, shared by every prober and the scheduler.
import { realClock, type Clock, type Timer } from '../../runtime/clock.ts';

/**
 * One probe's outcome. A prober never throws: every error (refused, timeout, TLS, bad answer)
 * becomes `up: false` with a message a person can act on, because the message is kept in the
 * unit's status and in the incident it opens.
 */
export interface ProbeResult {
  readonly up: boolean;
  /** Time the probe took, from the first byte sent to the verdict, on the injected clock (ms, ≥ 0). */
  readonly durationMs: number;
  readonly message: string;
}

/** TLS options of an HTTPS target (the HTTP and PromQL probers). */
export interface TlsOptions {
  /** Accept any certificate (self-signed, wrong name, expired): the probe checks liveness, not trust. */
  readonly insecureSkipVerify?: boolean;
  /** PEM bundle of the CAs to trust instead of Node's default roots. */
  readonly caBundle?: string;
  /** SNI and certificate name to check, when it differs from the URL's host. */
  readonly serverName?: string;
}

/** Turns any thrown value into a short, stable message (`CODE: message` when Node gives a code). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ECONNRESET') return 'connection reset by peer';
    if (code === 'ENOTFOUND') return `host not found (${err.message})`;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * The prober's view of time: the injected clock (design.md §2 "Probes"), for the probe's duration
 * and its timeout, so a test that drives the clock drives the probe. `realClock` by default (the
 * benchmark and the probers' own tests); the automation always passes the Manager's.
 */
export class Stopwatch {
  readonly #clock: Clock;
  readonly #start: number;

  constructor(clock: Clock = realClock) {
    this.#clock = clock;
    this.#start = clock.now().getTime();
  }

  /** Milliseconds since the start, on the clock; never negative (a wall clock stepped back reads 0). */
  elapsedMs(): number {
    return Math.max(0, this.#clock.now().getTime() - this.#start);
  }

  /** Runs `fn` after `ms` on the clock (the probe's timeout). */
  after(ms: number, fn: () => void): Timer {
    return this.#clock.setTimeout(fn, ms);
  }
}
