// The HTTP GET prober, and the one-shot HTTP(S) GET that the PromQL prober shares.
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../runtime/clock.ts';
import { describeError, Stopwatch, type ProbeResult, type TlsOptions } from './types.ts';

/** A single status or an inclusive range of statuses. */
export type StatusMatcher = number | { readonly from: number; readonly to: number };

/** Kubernetes' httpGet probe semantics: every 2xx or 3xx is up, redirects are not followed. */
export const DEFAULT_EXPECTED_STATUSES: readonly StatusMatcher[] = [{ from: 200, to: 399 }];

export interface HttpGetProbe {
  readonly url: string;
  /** Default {@link DEFAULT_EXPECTED_STATUSES}. */
  readonly expectedStatuses?: readonly StatusMatcher[];
  readonly tls?: TlsOptions;
  /** Budget for the whole exchange: connect, TLS, request, status line and headers. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export function statusMatches(status: number, expected: readonly StatusMatcher[]): boolean {
  return expected.some((m) => (typeof m === 'number' ? status === m : status >= m.from && status <= m.to));
}

function describeStatuses(expected: readonly StatusMatcher[]): string {
  return expected.map((m) => (typeof m === 'number' ? String(m) : `${m.from}-${m.to}`)).join(', ');
}

export interface HttpResponse {
  readonly status: number;
  /** Only read when asked for (`maxBodyBytes > 0`); empty otherwise. */
  readonly body: string;
}

export interface HttpRequestOptions {
  readonly tls?: TlsOptions;
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** 0 (default): the body is discarded once the headers arrive. Above the limit the request fails. */
  readonly maxBodyBytes?: number;
}

/**
 * One HTTP(S) GET on a fresh connection (no agent, `Connection: close`): a probe must see the
 * target as a new client would, and thousands of idle pooled sockets would cost more than they save.
 * Rejects on any error, including the timeout, which covers the whole exchange (on `clock`).
 */
export function httpGetOnce(target: string, options: HttpRequestOptions, clock?: Clock): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      reject(new Error(`invalid URL ${JSON.stringify(target)}`));
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(new Error(`unsupported scheme ${url.protocol} (http: or https: only)`));
      return;
    }
    const maxBody = options.maxBodyBytes ?? 0;
    const common: http.RequestOptions = {
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'managedapps-prober', connection: 'close', ...options.headers },
    };
    const req =
      url.protocol === 'https:'
        ? https.request(url, {
            ...common,
            rejectUnauthorized: options.tls?.insecureSkipVerify !== true,
            ...(options.tls?.caBundle !== undefined ? { ca: options.tls.caBundle } : {}),
            ...(options.tls?.serverName !== undefined ? { servername: options.tls.serverName } : {}),
          })
        : http.request(url, common);
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      fn();
    };
    const timer = new Stopwatch(clock).after(options.timeoutMs, () => {
      settle(() => { reject(new Error(`timed out after ${options.timeoutMs} ms`)); });
      req.destroy();
    });
    req.on('error', (err) => { settle(() => { reject(err); }); });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (maxBody === 0) {
        settle(() => { resolve({ status, body: '' }); });
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          settle(() => { reject(new Error(`response body larger than ${maxBody} bytes`)); });
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => { settle(() => { resolve({ status, body: Buffer.concat(chunks).toString('utf8') }); }); });
      res.on('error', (err) => { settle(() => { reject(err); }); });
    });
    req.end();
  });
}

/** Up when the status is one of `expectedStatuses`; duration and timeout on `clock`. Never throws. */
export async function probeHttpGet(probe: HttpGetProbe, clock?: Clock): Promise<ProbeResult> {
  const expected = probe.expectedStatuses ?? DEFAULT_EXPECTED_STATUSES;
  const watch = new Stopwatch(clock);
  try {
    const { status } = await httpGetOnce(probe.url, {
      timeoutMs: probe.timeoutMs,
      ...(probe.tls !== undefined ? { tls: probe.tls } : {}),
      ...(probe.headers !== undefined ? { headers: probe.headers } : {}),
    }, clock);
    const durationMs = watch.elapsedMs();
    return statusMatches(status, expected)
      ? { up: true, durationMs, message: `HTTP ${status}` }
      : { up: false, durationMs, message: `HTTP ${status}, expected ${describeStatuses(expected)}` };
  } catch (err) {
    return { up: false, durationMs: watch.elapsedMs(), message: `GET ${probe.url}: ${describeError(err)}` };
  }
}
