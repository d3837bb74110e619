import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { KubeClient, RETRY_AFTER_ATTEMPTS, retryAfterMs } from './kube.ts';

describe('retryAfterMs (client-go checkWait)', () => {
  it.each<[string, number, Record<string, string>, number | undefined]>([
    ['429 with Retry-After 1', 429, { 'retry-after': '1' }, 1000],
    ['503 with Retry-After 2 (header case ignored)', 503, { 'Retry-After': '2' }, 2000],
    ['a long delay is capped at 10 s', 429, { 'retry-after': '120' }, 10_000],
    ['429 without Retry-After', 429, {}, undefined],
    ['409 with Retry-After: a conflict is not retried', 409, { 'retry-after': '1' }, undefined],
    ['an HTTP date is not a delay we read', 429, { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }, undefined],
  ])('%s', (_name, status, headers, expected) => {
    expect(retryAfterMs(status, headers)).toBe(expected);
  });
});

describe('KubeClient over HTTP', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s !== undefined) await new Promise<void>((resolve) => { s.close(() => { resolve(); }); });
  });

  /** A server answering each request with the next of `answers` (the last one repeats). */
  async function clientFor(answers: readonly { status: number; headers?: Record<string, string>; body: unknown }[]): Promise<{ client: KubeClient; seen: () => number }> {
    let n = 0;
    server = createServer((_req, res) => {
      const a = answers[Math.min(n, answers.length - 1)]!;
      n++;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    return { client: new KubeClient(kc), seen: () => n };
  }

  const reinitializing = { status: 429, headers: { 'retry-after': '0' }, body: { kind: 'Status', reason: 'TooManyRequests', message: 'storage is (re)initializing' } };

  it('sends again a request the server did not process (429 with Retry-After), then returns its answer', async () => {
    const { client, seen } = await clientFor([reinitializing, reinitializing, { status: 200, body: { items: [{ metadata: { name: 'a' } }] } }]);
    await expect(client.request('GET', '/apis/managedapps.dev/v1alpha1/slaclaims')).resolves.toEqual({ items: [{ metadata: { name: 'a' } }] });
    // Two 429 answers, then the 200: three requests.
    expect(seen()).toBe(3);
  });

  it(`gives up after ${RETRY_AFTER_ATTEMPTS} sends with the server's own message`, async () => {
    const { client, seen } = await clientFor([reinitializing]);
    const err = await client.request('GET', '/apis/managedapps.dev/v1alpha1/slaclaims').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain('storage is (re)initializing');
    expect(seen()).toBe(RETRY_AFTER_ATTEMPTS);
  });

  it('does not retry an error without Retry-After', async () => {
    const { client, seen } = await clientFor([{ status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'not found' } }]);
    await expect(client.request('GET', '/api/v1/namespaces/x')).rejects.toBeInstanceOf(ApiError);
    expect(seen()).toBe(1);
  });
});
