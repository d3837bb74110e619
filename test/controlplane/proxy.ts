// A TCP proxy for fault tests (docs/testing.md, "Faults"): it sits between a client (the operator,
// through a kubeconfig naming the proxy's port) and a server (kube-apiserver) and forwards bytes
// untouched (TLS passes through: the API server's certificate names 127.0.0.1, whatever the port).
// It can slow the link (every chunk delivered `delayMs` after it arrived, in order) and partition
// it, then heal:
//   - `hold`: nothing moves either way, connections stay open, new ones are accepted and wait,
//     as when packets are dropped and TCP keeps retransmitting; at heal everything flows again;
//   - `reset`: every open connection is reset and new ones are reset at once, as when a
//     firewall answers with RST.
// It owns no process: `close()` stops the listener and destroys every connection.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type PartitionMode = 'hold' | 'reset';

export interface TcpProxyOptions {
  /** Where to forward: 127.0.0.1:<port> of the server. */
  readonly target: { host: string; port: number };
  /** Listen port (default: a free one) on 127.0.0.1. */
  readonly port?: number;
}

export interface TcpProxy {
  /** The port the proxy listens on, 127.0.0.1. */
  readonly port: number;
  /** Every chunk is delivered this long after it arrived (0: at once). Applies to chunks arriving from now on. */
  setDelay(ms: number): void;
  partition(mode: PartitionMode): void;
  heal(): void;
  readonly partitioned: PartitionMode | undefined;
  /** Open connection pairs, and how many were accepted since the start. */
  stats(): { open: number; accepted: number; bytesForwarded: number };
  close(): Promise<void>;
}

interface Pending { readonly chunk: Buffer; readonly at: number }

/** One direction of a connection: a queue of chunks, each written when its time has come and the link is up. */
class Pipe {
  readonly #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #last = 0;

  readonly to: Socket;
  readonly proxy: Link;

  constructor(from: Socket, to: Socket, proxy: Link) {
    this.to = to;
    this.proxy = proxy;
    from.on('data', (chunk: Buffer) => {
      // In order: never before the previous chunk.
      const at = Math.max(Date.now() + proxy.delayMs, this.#last);
      this.#last = at;
      this.#queue.push({ chunk, at });
      this.drain();
    });
    from.on('end', () => { this.#queue.push({ chunk: Buffer.alloc(0), at: Math.max(Date.now() + proxy.delayMs, this.#last) }); this.drain(); });
  }

  drain(): void {
    if (this.#timer !== undefined || this.proxy.partitioned !== undefined) return;
    const now = Date.now();
    while (this.#queue.length > 0 && this.#queue[0]!.at <= now) {
      const { chunk } = this.#queue.shift()!;
      if (this.to.destroyed) continue;
      if (chunk.length === 0) this.to.end();
      else {
        this.proxy.bytesForwarded += chunk.length;
        this.to.write(chunk);
      }
    }
    const next = this.#queue[0];
    if (next !== undefined) {
      this.#timer = setTimeout(() => { this.#timer = undefined; this.drain(); }, next.at - now);
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

class Link implements TcpProxy {
  delayMs = 0;
  partitioned: PartitionMode | undefined;
  bytesForwarded = 0;
  accepted = 0;
  readonly #server: Server;
  readonly #pairs = new Set<{ client: Socket; upstream: Socket | undefined; pipes: Pipe[] }>();
  /** Connections accepted during a `hold` partition: connected upstream at heal. */
  readonly #waiting: Socket[] = [];

  readonly target: { host: string; port: number };

  constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server;
    this.target = target;
    server.on('connection', (client) => { this.#accept(client); });
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  #accept(client: Socket): void {
    this.accepted++;
    client.on('error', () => { /* the peer went away: the pair is closed below */ });
    if (this.partitioned === 'reset') { client.resetAndDestroy(); return; }
    if (this.partitioned === 'hold') { client.pause(); this.#waiting.push(client); return; }
    this.#connect(client);
  }

  #connect(client: Socket): void {
    if (client.destroyed) return;
    const upstream = createConnection(this.target);
    const pair = { client, upstream, pipes: [] as Pipe[] };
    this.#pairs.add(pair);
    pair.pipes.push(new Pipe(client, upstream, this), new Pipe(upstream, client, this));
    const close = (): void => {
      if (!this.#pairs.delete(pair)) return;
      for (const p of pair.pipes) p.stop();
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', () => { if (!client.destroyed) client.resetAndDestroy(); close(); });
    client.on('close', close);
    upstream.on('close', close);
    client.resume();
  }

  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  partition(mode: PartitionMode): void {
    this.partitioned = mode;
    for (const pair of [...this.#pairs]) {
      if (mode === 'reset') {
        pair.client.resetAndDestroy();
        pair.upstream?.resetAndDestroy();
      } else {
        // Stop reading both ways: the kernel buffers fill and the peers' writes stall, as on a
        // link that drops every packet.
        pair.client.pause();
        pair.upstream?.pause();
        for (const p of pair.pipes) p.stop();
      }
    }
  }

  heal(): void {
    const was = this.partitioned;
    this.partitioned = undefined;
    if (was !== 'hold') return;
    for (const pair of this.#pairs) {
      pair.client.resume();
      pair.upstream?.resume();
      for (const p of pair.pipes) p.drain();
    }
    for (const client of this.#waiting.splice(0)) this.#connect(client);
  }

  stats(): { open: number; accepted: number; bytesForwarded: number } {
    return { open: this.#pairs.size, accepted: this.accepted, bytesForwarded: this.bytesForwarded };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => { resolve(); }));
    for (const pair of this.#pairs) { pair.client.destroy(); pair.upstream?.destroy(); for (const p of pair.pipes) p.stop(); }
    for (const c of this.#waiting.splice(0)) c.destroy();
    await closed;
  }
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const server = createServer({ pauseOnConnect: true });
  const proxy = new Link(server, options.target);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  return proxy;
}
