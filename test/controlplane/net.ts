// Free ports and the small HTTP(S) probes used for readiness.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';

/** `count` distinct ports that were free on 127.0.0.1 a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<import('node:net').Server>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          resolve(server);
        });
      }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface Probe {
  readonly status: number;
  readonly body: string;
}

export interface TlsClient {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** GET a URL once; resolves with status and body, rejects on a connection error or after 5 s. */
export function get(url: string, tls?: TlsClient): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', agent: false, timeout: 5_000, ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}) },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within 5 s`)));
    request.on('error', reject);
    request.end();
  });
}
