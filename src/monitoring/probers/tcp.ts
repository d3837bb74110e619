// The TCP prober: up when a connection is established within the timeout.
import net from 'node:net';
import { describeError, elapsedSince, type ProbeResult } from './types.ts';

export interface TcpSocketProbe {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

/** Opens and immediately closes one connection. Never throws. */
export function probeTcpSocket(probe: TcpSocketProbe): Promise<ProbeResult> {
  const start = performance.now();
  const where = `${probe.host}:${probe.port}`;
  if (!Number.isInteger(probe.port) || probe.port < 1 || probe.port > 65535) {
    return Promise.resolve({ up: false, durationMs: 0, message: `connect ${where}: invalid port` });
  }
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host: probe.host, port: probe.port });
    const finish = (up: boolean, message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ up, durationMs: elapsedSince(start), message });
    };
    const timer = setTimeout(() => { finish(false, `connect ${where}: timed out after ${probe.timeoutMs} ms`); }, probe.timeoutMs);
    socket.once('connect', () => { finish(true, `connected to ${where}`); });
    socket.once('error', (err) => { finish(false, `connect ${where}: ${describeError(err)}`); });
  });
}
