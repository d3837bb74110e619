// The /metrics, /healthz and /readyz server (docs/design.md §4). It runs on every replica, leader
// or not (style.md §12), on its own port, and serves only these three GET paths.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { formatHealth, type HealthReport } from '../runtime/health.ts';

export interface MetricsServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  /** /readyz: the Manager's readiness (API server, caches, leader work, runnables), or a plain verdict. */
  readonly ready: () => boolean | HealthReport;
  /** /healthz: the Manager's liveness (event loop, runnables); default always live. */
  readonly live?: () => boolean | HealthReport;
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
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/metrics':
        options.registry.metrics().then(
          (body) => { res.writeHead(200, { 'content-type': options.registry.contentType }).end(body); },
          (err: unknown) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`); },
        );
        return;
      case '/healthz':
        probe(res, 'healthz', options.live ?? (() => true));
        return;
      case '/readyz':
        probe(res, 'readyz', options.ready);
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => { if (err) reject(err); else resolve(); });
    }),
  };
}
