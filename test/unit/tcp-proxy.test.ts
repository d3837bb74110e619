// The fault tests' TCP proxy (test/controlplane/proxy.ts) against a local echo server: bytes pass
// untouched, a delay holds each chunk, a `hold` partition stops the flow and heals without losing
// a byte, a `reset` partition resets open and new connections.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../controlplane/proxy.ts';

let echo: Server;
let proxy: TcpProxy;

beforeAll(async () => {
  echo = createServer((s) => { s.on('error', () => undefined); s.pipe(s); });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const address = echo.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: address.port } });
});

afterAll(async () => {
  await proxy.close();
  await new Promise((r) => echo.close(r));
});

async function client(): Promise<{ socket: Socket; received: () => string; closed: Promise<string> }> {
  const socket = connect(proxy.port, '127.0.0.1');
  let data = '';
  socket.setEncoding('utf8').on('data', (c: string) => { data += c; });
  const closed = new Promise<string>((resolve) => {
    socket.on('error', (e: NodeJS.ErrnoException) => { resolve(e.code ?? 'error'); });
    socket.on('close', () => { resolve('closed'); });
  });
  await new Promise<void>((r) => socket.once('connect', () => { r(); }));
  return { socket, received: () => data, closed };
}

const until = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within the deadline');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('tcp proxy', () => {
  it('forwards bytes both ways, untouched', async () => {
    const c = await client();
    const payload = 'x'.repeat(100_000) + 'end';
    c.socket.write(payload);
    await until(() => c.received().length === payload.length);
    expect(c.received()).toBe(payload);
    c.socket.destroy();
  });

  it('delays each chunk, in order', async () => {
    proxy.setDelay(150);
    const c = await client();
    const sent = Date.now();
    c.socket.write('a');
    await sleep(20);
    c.socket.write('b');
    await until(() => c.received() === 'ab');
    // There and back: each chunk waits 150 ms at the proxy twice, so 'b' (sent 20 ms after 'a')
    // comes back no sooner than 20 + 2 × 150 = 320 ms after 'a' was sent. A lower bound only:
    // how much later it comes depends on the machine.
    expect(Date.now() - sent).toBeGreaterThanOrEqual(320);
    proxy.setDelay(0);
    c.socket.destroy();
  });

  it('a hold partition stops the flow, keeps connections, and loses nothing at heal', async () => {
    const c = await client();
    proxy.partition('hold');
    c.socket.write('during');
    const late = connect(proxy.port, '127.0.0.1');
    let lateData = '';
    late.setEncoding('utf8').on('data', (d: string) => { lateData += d; });
    late.write('new');
    await sleep(200);
    expect(c.received()).toBe('');
    expect(lateData).toBe('');
    expect(c.socket.destroyed).toBe(false);
    proxy.heal();
    await until(() => c.received() === 'during' && lateData === 'new');
    c.socket.destroy();
    late.destroy();
  });

  it('a reset partition resets open connections and new ones until healed', async () => {
    const c = await client();
    proxy.partition('reset');
    expect(await c.closed).toBe('ECONNRESET');
    const refused = connect(proxy.port, '127.0.0.1');
    const outcome = await new Promise<string>((resolve) => {
      refused.on('error', (e: NodeJS.ErrnoException) => { resolve(e.code ?? 'error'); });
      refused.on('close', () => { resolve('closed'); });
    });
    expect(['ECONNRESET', 'closed']).toContain(outcome);
    proxy.heal();
    const again = await client();
    again.socket.write('back');
    await until(() => again.received() === 'back');
    again.socket.destroy();
    await until(() => proxy.stats().open === 0);
  });
});
