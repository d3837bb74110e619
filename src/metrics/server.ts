// The /metrics, /healthz and /readyz server (docs/design.md §4). It runs on every replica, leader
// or not (style.md §12), on its own port, and serves only these three GET paths.
// Secure mode (the default in a cluster, issue 19 item 6): HTTPS, and /metrics only for a caller
// whose bearer token the API server authenticates and authorizes (auth.ts); /healthz and /readyz
// stay open (the kubelet probes carry no token; they name checks, never tenants). Plain HTTP is
// for a loopback address only (`npm start`, tests; options.ts refuses it elsewhere).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { formatHealth, type HealthReport } from '../runtime/health.ts';
import type { MetricsAuthorizer } from './auth.ts';

export interface TlsPair {
  /** PEM certificate chain. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
}

export interface MetricsServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  /** /readyz: the Manager's readiness (API server, caches, leader work, runnables), or a plain verdict. */
  readonly ready: () => boolean | HealthReport;
  /** /healthz: the Manager's liveness (event loop, runnables); default always live. */
  readonly live?: () => boolean | HealthReport;
  /** Serve HTTPS with this certificate (replaced later with `setCertificate`); unset: plain HTTP. */
  readonly tls?: TlsPair;
  /** Who may GET /metrics; unset: anyone who reaches the port. */
  readonly auth?: MetricsAuthorizer;
}

/** Answers a probe: 200 with the passing checks, 503 naming the failing ones (kube-apiserver's `[+]`/`[-]` lines). */
function probe(res: http.ServerResponse, name: string, fn: () => boolean | HealthReport): void {
  let report: HealthReport;
  try {
    const got = fn();
    report = typeof got === 'boolean' ? { ok: got, checks: [] } : got;
  } catch (err) {
    report = { ok: false, checks: [{ name: 'probe', ok: false, message: err instanceof Error ? err.message : String(err) }] };
  }
  res.writeHead(report.ok ? 200 : 503, { 'content-type': 'text/plain' }).end(report.checks.length === 0 ? (report.ok ? 'ok\n' : 'not ready\n') : formatHealth(name, report));
}

export interface MetricsServer {
  /** The bound port (the real one when `port` was 0). */
  readonly port: number;
  /** Serves new connections with this certificate (TLS only); open connections keep theirs. */
  setCertificate(tls: TlsPair): void;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const serveMetrics = (res: http.ServerResponse): void => {
    options.registry.metrics().then(
      (body) => { res.writeHead(200, { 'content-type': options.registry.contentType }).end(body); },
      (err: unknown) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`); },
    );
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/metrics': {
        const auth = options.auth;
        if (auth === undefined) { serveMetrics(res); return; }
        auth.authorize(req.headers.authorization, path, 'get').then(
          (decision) => {
            if (decision.status === 200) { serveMetrics(res); return; }
            res.writeHead(decision.status, {
              'content-type': 'text/plain',
              ...(decision.status === 401 ? { 'www-authenticate': 'Bearer realm="managed-apps-operator metrics"' } : {}),
            }).end(`${decision.status === 401 ? 'Unauthorized' : decision.status === 403 ? 'Forbidden' : 'Service Unavailable'}: ${decision.reason}\n`);
          },
          (err: unknown) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`authorization failed: ${err instanceof Error ? err.message : String(err)}\n`); },
        );
        return;
      }
      case '/healthz':
        probe(res, 'healthz', options.live ?? (() => true));
        return;
      case '/readyz':
        probe(res, 'readyz', options.ready);
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };
  const tls = options.tls;
  const server: http.Server | https.Server = tls !== undefined
    ? https.createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  return {
    port: (server.address() as AddressInfo).port,
    setCertificate(pair) {
      if (!(server instanceof https.Server)) throw new Error('the metrics server serves plain HTTP: no certificate to set');
      // A new context replaces the whole one: the TLS floor is set again with it.
      server.setSecureContext({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' });
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => { if (err) reject(err); else resolve(); });
    }),
  };
}
