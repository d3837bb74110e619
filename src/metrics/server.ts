// The /metrics, /healthz and /readyz server (docs/design.md §4). It runs on every replica, leader
// or not (style.md §12), on its own port, and serves only these three GET paths.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  /** /readyz: caches synced and, on the leader, controllers started. */
  readonly ready: () => boolean;
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
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      case '/readyz': {
        let ready = false;
        try { ready = options.ready(); } catch { ready = false; }
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ok\n' : 'not ready\n');
        return;
      }
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
