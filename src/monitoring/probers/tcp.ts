// The TCP prober: up when a connection is established within the timeout.
import net from 'node:net';
import type { Clock } from '../../runtime/clock.ts';
import { describeError, Stopwatch, type ProbeResult } from './types.ts';

export interface TcpSocketProbe {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

/** Opens and immediately closes one connection; duration and timeout on `clock`. Never throws. */
export function probeTcpSocket(probe: TcpSocketProbe, clock?: Clock): Promise<ProbeResult> {
  const watch = new Stopwatch(clock);
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
      timer.cancel();
      socket.destroy();
      resolve({ up, durationMs: watch.elapsedMs(), message });
    };
    const timer = watch.after(probe.timeoutMs, () => { finish(false, `connect ${where}: timed out after ${probe.timeoutMs} ms`); });
    socket.once('connect', () => { finish(true, `connected to ${where}`); });
    socket.once('error', (err) => { finish(false, `connect ${where}: ${describeError(err)}`); });
  });
}
