// The outcome of one probe, shared by every prober and the scheduler.

/**
 * One probe's outcome. A prober never throws: every error (refused, timeout, TLS, bad answer)
 * becomes `up: false` with a message a person can act on, because the message is kept in the
 * unit's status and in the incident it opens.
 */
export interface ProbeResult {
  readonly up: boolean;
  /** Wall time of the probe, from the first byte sent to the verdict (monotonic clock). */
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

/** Rounds a monotonic duration to microseconds, enough for a histogram and stable in messages. */
export function elapsedSince(startMs: number): number {
  return Math.round((performance.now() - startMs) * 1000) / 1000;
}
