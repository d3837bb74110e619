import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { probeHttpGet, probePrometheus, probeTcpSocket, runProbe } from './index.ts';

// Real servers on 127.0.0.1, started here; nothing is mocked.

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => { resolve((server.address() as net.AddressInfo).port); });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if ('closeAllConnections' in server) (server as http.Server).closeAllConnections();
    server.close(() => { resolve(); });
  });
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

const handler: http.RequestListener = (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/slow') return; // never answers: the probe must time out
  const status = Number(path.slice(1)) || 200;
  res.writeHead(status, status >= 300 && status < 400 ? { location: '/200' } : {});
  res.end('body');
};

describe('httpGet', () => {
  const server = http.createServer(handler);
  let base = '';
  beforeAll(async () => { base = `http://127.0.0.1:${await listen(server)}`; });
  afterAll(() => close(server));

  it.each([
    ['/200', undefined, true, 'HTTP 200'],
    ['/204', undefined, true, 'HTTP 204'],
    ['/302', undefined, true, 'HTTP 302'],
    ['/500', undefined, false, 'HTTP 500, expected 200-399'],
    ['/404', undefined, false, 'HTTP 404, expected 200-399'],
    ['/404', [404], true, 'HTTP 404'],
    ['/200', [201, { from: 500, to: 599 }], false, 'HTTP 200, expected 201, 500-599'],
  ] as const)('GET %s expecting %j: up=%s', async (path, expectedStatuses, up, message) => {
    const result = await probeHttpGet({ url: base + path, timeoutMs: 2000, ...(expectedStatuses ? { expectedStatuses } : {}) });
    expect(result).toMatchObject({ up, message });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('times out on a server that never answers', async () => {
    const result = await probeHttpGet({ url: `${base}/slow`, timeoutMs: 100 });
    expect(result.up).toBe(false);
    expect(result.message).toBe(`GET ${base}/slow: timed out after 100 ms`);
  });

  it('reports a refused connection', async () => {
    const url = `http://127.0.0.1:${await freePort()}/`;
    const result = await probeHttpGet({ url, timeoutMs: 2000 });
    expect(result).toMatchObject({ up: false, message: `GET ${url}: connection refused` });
  });

  it.each(['not a url', 'ftp://127.0.0.1/'])('rejects the URL %j without throwing', async (url) => {
    const result = await probeHttpGet({ url, timeoutMs: 100 });
    expect(result.up).toBe(false);
    expect(result.message).toMatch(/invalid URL|unsupported scheme/);
  });
});

describe('on the injected clock', () => {
  // A server that counts requests and never answers: only the probe's timeout ends a probe of it.
  let requests = 0;
  const server = http.createServer(() => { requests++; });
  let base = '';
  beforeAll(async () => { base = `http://127.0.0.1:${await listen(server)}`; });
  afterAll(() => close(server));

  it('times out when the ManualClock says so, and reports the clock\'s duration', async () => {
    const clock = new ManualClock(new Date('2031-03-04T05:06:07Z'));
    const before = requests;
    let settled = false;
    const probe = probeHttpGet({ url: `${base}/hang`, timeoutMs: 250 }, clock).finally(() => { settled = true; });
    await new Promise<void>((resolve) => { const poll = (): void => { if (requests > before) resolve(); else setTimeout(poll, 5); }; poll(); });
    // The request is in; the clock has not moved, so its timeout (a ManualClock timer) cannot have fired.
    expect(settled).toBe(false);
    expect(clock.pending()).toBe(1);
    // 100 ms of the clock: still short of the 250 ms timeout. Then 150 more: 250 in all, it fires.
    clock.advance(100);
    expect(clock.pending()).toBe(1);
    clock.advance(150);
    // durationMs: 100 + 150 = 250 ms of the clock (not the real time the probe took).
    expect(await probe).toEqual({ up: false, durationMs: 250, message: `GET ${base}/hang: timed out after 250 ms` });
    expect(clock.pending()).toBe(0);
  });

  it('measures a probe that answers on the clock too: 0 ms on a clock that does not move', async () => {
    const target = http.createServer((_req, res) => { res.writeHead(200).end('ok'); });
    const url = `http://127.0.0.1:${await listen(target)}/`;
    try {
      const clock = new ManualClock();
      expect(await runProbe({ kind: 'httpGet', url, timeoutMs: 1_000 }, clock)).toEqual({ up: true, durationMs: 0, message: 'HTTP 200' });
      // The answer cancelled the timeout timer.
      expect(clock.pending()).toBe(0);
    } finally {
      await close(target);
    }
  });
});

describe('httpGet over TLS with a self-signed certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probers-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=probe-test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:probe.test',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, handler);
  let base = '';
  beforeAll(async () => { base = `https://127.0.0.1:${await listen(server)}`; });
  afterAll(async () => { await close(server); rmSync(dir, { recursive: true, force: true }); });

  it('is down when the certificate is not trusted', async () => {
    const result = await probeHttpGet({ url: `${base}/200`, timeoutMs: 2000 });
    expect(result.up).toBe(false);
    expect(result.message).toMatch(/self-signed certificate/);
  });

  it('is up with insecureSkipVerify', async () => {
    expect(await probeHttpGet({ url: `${base}/200`, timeoutMs: 2000, tls: { insecureSkipVerify: true } })).toMatchObject({ up: true, message: 'HTTP 200' });
  });

  it('is up when the CA bundle trusts the certificate', async () => {
    expect(await probeHttpGet({ url: `${base}/200`, timeoutMs: 2000, tls: { caBundle: cert } })).toMatchObject({ up: true, message: 'HTTP 200' });
  });

  it('checks the server name given for SNI against the certificate', async () => {
    expect((await probeHttpGet({ url: `${base}/200`, timeoutMs: 2000, tls: { caBundle: cert, serverName: 'probe.test' } })).up).toBe(true);
    const wrong = await probeHttpGet({ url: `${base}/200`, timeoutMs: 2000, tls: { caBundle: cert, serverName: 'other.test' } });
    expect(wrong.up).toBe(false);
    expect(wrong.message).toMatch(/other\.test/);
  });

  it('still applies the expected statuses over TLS', async () => {
    expect(await probeHttpGet({ url: `${base}/503`, timeoutMs: 2000, tls: { caBundle: cert } })).toMatchObject({ up: false, message: 'HTTP 503, expected 200-399' });
  });
});

describe('tcpSocket', () => {
  it('is up when something listens, down once it stops', async () => {
    const server = net.createServer((s) => s.destroy());
    const port = await listen(server);
    expect(await probeTcpSocket({ host: '127.0.0.1', port, timeoutMs: 2000 })).toMatchObject({ up: true, message: `connected to 127.0.0.1:${port}` });
    await close(server);
    expect(await probeTcpSocket({ host: '127.0.0.1', port, timeoutMs: 2000 })).toMatchObject({ up: false, message: `connect 127.0.0.1:${port}: connection refused` });
  });

  it('rejects an invalid port without throwing', async () => {
    expect(await probeTcpSocket({ host: '127.0.0.1', port: 70000, timeoutMs: 100 })).toMatchObject({ up: false, message: 'connect 127.0.0.1:70000: invalid port' });
  });
});

describe('prometheus', () => {
  // A stand-in for Prometheus' HTTP API that answers what each query names; the real server is
  // exercised by the e2e tests.
  const answers: Record<string, { status: number; body: unknown }> = {
    'all_up': { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [{ metric: { a: '1' }, value: [1, '1'] }, { metric: { a: '2' }, value: [1, '0.5'] }] } } },
    'one_zero': { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }, { metric: {}, value: [1, '0'] }] } } },
    'nan': { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] } } },
    'empty': { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } },
    'scalar_up': { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, '3'] } } },
    'matrix': { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } },
    'bad(': { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error: unclosed left parenthesis' } },
  };
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url.pathname);
    const query = url.searchParams.get('query') ?? '';
    if (query === 'html') { res.writeHead(200).end('<html>'); return; }
    const answer = answers[query] ?? { status: 404, body: {} };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  let base = '';
  beforeAll(async () => { base = `http://127.0.0.1:${await listen(server)}`; });
  afterAll(() => close(server));

  it.each([
    ['all_up', true, '2 samples > 0'],
    ['scalar_up', true, '1 samples > 0'],
    ['one_zero', false, '1 of 2 samples not > 0'],
    ['nan', false, '1 of 1 samples not > 0'],
    ['empty', false, 'empty result'],
    ['matrix', false, 'result type matrix, expected vector or scalar'],
    ['bad(', false, 'HTTP 400: parse error: unclosed left parenthesis'],
    ['html', false, 'HTTP 200, body is not JSON'],
  ] as const)('%s: up=%s', async (query, up, message) => {
    expect(await probePrometheus({ url: base, query, timeoutMs: 2000 })).toMatchObject({ up, message: up ? message : `query ${JSON.stringify(query)}: ${message}` });
  });

  it('keeps a path prefix of the Prometheus URL', async () => {
    seen.length = 0;
    await probePrometheus({ url: `${base}/prom/`, query: 'all_up', timeoutMs: 2000 });
    expect(seen).toEqual(['/prom/api/v1/query']);
  });

  it('is down, not thrown, when Prometheus is unreachable', async () => {
    const result = await probePrometheus({ url: `http://127.0.0.1:${await freePort()}`, query: 'up', timeoutMs: 2000 });
    expect(result).toMatchObject({ up: false, message: 'query "up": connection refused' });
  });
});

describe('runProbe', () => {
  it('dispatches on the kind', async () => {
    const server = net.createServer((s) => s.destroy());
    const port = await listen(server);
    try {
      expect((await runProbe({ kind: 'tcpSocket', host: '127.0.0.1', port, timeoutMs: 1000 })).up).toBe(true);
      expect((await runProbe({ kind: 'httpGet', url: `http://127.0.0.1:${await freePort()}/`, timeoutMs: 1000 })).up).toBe(false);
    } finally {
      await close(server);
    }
  });
});
