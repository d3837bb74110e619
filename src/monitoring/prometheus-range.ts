// A Prometheus HTTP API range query (`GET /api/v1/query_range`), for the monthly pack's capacity
// section (issue 16 item 2, src/monitoring/capacity.ts). The project's one-shot GET
// (probers/http.ts httpGetOnce: Node's http/https, no client library) rather than the global
// fetch: it takes a CA bundle (fetch needs undici's dispatcher for that, a dependency) and bounds
// the exchange and the body on the injected clock, as the PromQL prober does.
//
// Never throws: an answer is the series, or an error as text with whether trying again may help
// (style.md item 9): the endpoint's failures (a transport error, a timeout, a 5xx, 429, 401/403,
// an answer that is not Prometheus') may pass; a query Prometheus refuses (400/422 `bad_data`,
// `execution`), an answer too large, will not.
import type { Clock } from '../runtime/clock.ts';
import { httpGetOnce } from './probers/http.ts';
import { describeError, type TlsOptions } from './probers/types.ts';

/**
 * The most points of one series Prometheus answers a range query with ("exceeded maximum
 * resolution of 11,000 points per timeseries"): the step is widened to stay under it.
 */
export const MAX_RANGE_POINTS = 11_000;

/** A range answer larger than this is refused (a query that selects thousands of series, not one per unit). */
const MAX_BODY_BYTES = 8 << 20;

export interface PrometheusEndpoint {
  /** Base URL, e.g. `http://prometheus:9090` (a path prefix is kept). */
  readonly url: string;
  /** Budget of one request: connect, answer, body (ms, on the clock). */
  readonly timeoutMs: number;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string | undefined;
  readonly tls?: TlsOptions | undefined;
}

export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** [Unix seconds, value] in time order; NaN for a value Prometheus gives as NaN or ±Inf text JavaScript does not read. */
  readonly values: readonly (readonly [number, number])[];
}

export type RangeOutcome =
  | { readonly ok: true; readonly series: readonly RangeSeries[]; readonly stepSeconds: number }
  | { readonly ok: false; readonly retryable: boolean; readonly message: string };

/**
 * The step of a range query over [start, end): `wanted` seconds, widened so the range has at most
 * MAX_RANGE_POINTS points (a month at 300 s is 8,928 points; 4 months would be 35,712).
 */
export function rangeStep(start: Date, end: Date, wantedSeconds: number): number {
  const span = Math.max(0, (end.getTime() - start.getTime()) / 1000);
  return Math.max(wantedSeconds, Math.ceil(span / (MAX_RANGE_POINTS - 1)));
}

interface RangeAnswer {
  status?: unknown;
  error?: unknown;
  errorType?: unknown;
  data?: { resultType?: unknown; result?: unknown };
}

function seriesOf(answer: RangeAnswer): RangeSeries[] | string {
  if (answer.data?.resultType !== 'matrix') return `result type ${String(answer.data?.resultType)}, expected matrix`;
  const result = answer.data.result;
  if (!Array.isArray(result)) return 'malformed matrix result';
  const out: RangeSeries[] = [];
  for (const item of result as unknown[]) {
    const { metric, values } = (item ?? {}) as { metric?: unknown; values?: unknown };
    if (typeof metric !== 'object' || metric === null || !Array.isArray(values)) return 'malformed matrix result';
    const points: [number, number][] = [];
    for (const v of values as unknown[]) {
      if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') return 'malformed matrix result';
      points.push([v[0], Number(v[1])]);
    }
    out.push({ metric: metric as Record<string, string>, values: points });
  }
  return out;
}

/**
 * `GET /api/v1/query_range?query&start&end&step` once: the series of `query` evaluated every
 * `step` (rangeStep) from `start` to `end` inclusive, as Prometheus does. Never throws.
 */
export async function queryRange(endpoint: PrometheusEndpoint, query: string, start: Date, end: Date, wantedStepSeconds: number, clock?: Clock): Promise<RangeOutcome> {
  const fail = (retryable: boolean, message: string): RangeOutcome => ({ ok: false, retryable, message: `Prometheus ${endpoint.url}: query ${JSON.stringify(query)}: ${message}` });
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    return fail(false, 'invalid Prometheus URL');
  }
  const step = rangeStep(start, end, wantedStepSeconds);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query_range`;
  url.search = new URLSearchParams({ query, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(step) }).toString();
  let response: { status: number; body: string };
  try {
    response = await httpGetOnce(url.toString(), {
      timeoutMs: endpoint.timeoutMs,
      maxBodyBytes: MAX_BODY_BYTES,
      headers: { accept: 'application/json', ...(endpoint.bearerToken === undefined ? {} : { authorization: `Bearer ${endpoint.bearerToken}` }) },
      ...(endpoint.tls === undefined ? {} : { tls: endpoint.tls }),
    }, clock);
  } catch (err) {
    const message = describeError(err);
    // Too large an answer is the query's fault (it selects too many series), not the network's.
    return fail(!message.startsWith('response body larger than'), message);
  }
  let answer: RangeAnswer;
  try {
    answer = JSON.parse(response.body) as RangeAnswer;
  } catch {
    return fail(true, `HTTP ${response.status}, the body is not JSON (not a Prometheus API?)`);
  }
  if (response.status !== 200 || answer.status !== 'success') {
    const why = typeof answer.error === 'string' ? `${typeof answer.errorType === 'string' ? `${answer.errorType}: ` : ''}${answer.error}` : `status ${String(answer.status)}`;
    // Prometheus' refusal of the query itself (api/v1: 400 bad_data, 422 execution) comes again.
    const refused = (response.status === 400 || response.status === 422) && answer.status === 'error';
    return fail(!refused, `HTTP ${response.status}: ${why}`);
  }
  const series = seriesOf(answer);
  if (typeof series === 'string') return fail(false, series);
  return { ok: true, series, stepSeconds: step };
}
