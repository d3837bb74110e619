// The PromQL prober: an instant query against a Prometheus HTTP API (`GET /api/v1/query`).
import { httpGetOnce } from './http.ts';
import type { Clock } from '../../runtime/clock.ts';
import { describeError, Stopwatch, type ProbeResult, type TlsOptions } from './types.ts';

export interface PrometheusProbe {
  /** Base URL of the Prometheus server, e.g. `http://prometheus:9090` (a path prefix is kept). */
  readonly url: string;
  readonly query: string;
  readonly timeoutMs: number;
  readonly tls?: TlsOptions;
  /** e.g. `{ authorization: 'Bearer …' }`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A query answer larger than this is an error: a health query returns a handful of samples. */
const MAX_BODY_BYTES = 1 << 20;

type Sample = readonly [number, string];

interface QueryAnswer {
  status?: unknown;
  error?: unknown;
  data?: { resultType?: unknown; result?: unknown };
}

function isSample(v: unknown): v is Sample {
  return Array.isArray(v) && v.length === 2 && typeof v[1] === 'string';
}

/** The sample values of a vector or scalar result, or an error message for any other shape. */
function sampleValues(answer: QueryAnswer): number[] | string {
  const type = answer.data?.resultType;
  const result = answer.data?.result;
  if (type === 'scalar') return isSample(result) ? [Number(result[1])] : 'malformed scalar result';
  if (type !== 'vector') return `result type ${String(type)}, expected vector or scalar`;
  if (!Array.isArray(result)) return 'malformed vector result';
  const values: number[] = [];
  for (const item of result as unknown[]) {
    const value = (item as { value?: unknown } | null)?.value;
    if (!isSample(value)) return 'malformed vector result';
    values.push(Number(value[1]));
  }
  return values;
}

/** An instant query's answer: its sample values, or why there are none (never throws). */
export type QueryOutcome = { readonly ok: true; readonly values: number[]; readonly durationMs: number } | { readonly ok: false; readonly message: string; readonly durationMs: number };

/**
 * `GET /api/v1/query` once, bounded by `timeoutMs` on `clock`: the values of a vector or scalar
 * result. Shared by the availability probe (below) and the backup check (issue 15 item 3).
 * Never throws.
 */
export async function queryPrometheus(probe: PrometheusProbe, clock?: Clock): Promise<QueryOutcome> {
  const watch = new Stopwatch(clock);
  const fail = (message: string): QueryOutcome => ({ ok: false, durationMs: watch.elapsedMs(), message: `query ${JSON.stringify(probe.query)}: ${message}` });
  let endpoint: URL;
  try {
    endpoint = new URL(probe.url);
  } catch {
    return fail(`invalid Prometheus URL ${JSON.stringify(probe.url)}`);
  }
  endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, '')}/api/v1/query`;
  endpoint.search = new URLSearchParams({ query: probe.query }).toString();
  try {
    const response = await httpGetOnce(endpoint.toString(), {
      timeoutMs: probe.timeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
      headers: { accept: 'application/json', ...probe.headers },
      ...(probe.tls !== undefined ? { tls: probe.tls } : {}),
    }, clock);
    let answer: QueryAnswer;
    try {
      answer = JSON.parse(response.body) as QueryAnswer;
    } catch {
      return fail(`HTTP ${response.status}, body is not JSON`);
    }
    if (response.status !== 200 || answer.status !== 'success') {
      const why = typeof answer.error === 'string' ? answer.error : `status ${String(answer.status)}`;
      return fail(`HTTP ${response.status}: ${why}`);
    }
    const values = sampleValues(answer);
    if (typeof values === 'string') return fail(values);
    return { ok: true, values, durationMs: watch.elapsedMs() };
  } catch (err) {
    return fail(describeError(err));
  }
}

/**
 * Up when the query succeeds, its result is non-empty, and every sample value is > 0 (NaN is
 * not). An empty result is down: "no series" usually means the target stopped reporting.
 * Duration and timeout on `clock`. Never throws.
 */
export async function probePrometheus(probe: PrometheusProbe, clock?: Clock): Promise<ProbeResult> {
  const outcome = await queryPrometheus(probe, clock);
  if (!outcome.ok) return { up: false, durationMs: outcome.durationMs, message: outcome.message };
  const { values, durationMs } = outcome;
  const down = (message: string): ProbeResult => ({ up: false, durationMs, message: `query ${JSON.stringify(probe.query)}: ${message}` });
  if (values.length === 0) return down('empty result');
  const bad = values.filter((v) => !(v > 0)).length;
  if (bad > 0) return down(`${bad} of ${values.length} samples not > 0`);
  return { up: true, durationMs, message: `${values.length} samples > 0` };
}
