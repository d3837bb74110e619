// Probers: one function per probe kind, each returning a ProbeResult and never throwing.
// Owns the network I/O of availability probing; knows nothing of Kubernetes, units or incidents
// (the incident automation maps a unit's `monitoring` spec to a ProbeSpec and calls runProbe).
import { probeHttpGet, type HttpGetProbe } from './http.ts';
import { probePrometheus, type PrometheusProbe } from './prometheus.ts';
import { probeTcpSocket, type TcpSocketProbe } from './tcp.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { ProbeResult } from './types.ts';

export { probeHttpGet, statusMatches, httpGetOnce, DEFAULT_EXPECTED_STATUSES } from './http.ts';
export type { HttpGetProbe, StatusMatcher, HttpRequestOptions, HttpResponse } from './http.ts';
export { probeTcpSocket } from './tcp.ts';
export type { TcpSocketProbe } from './tcp.ts';
export { probePrometheus, queryPrometheus } from './prometheus.ts';
export type { PrometheusProbe, QueryOutcome } from './prometheus.ts';
export { Stopwatch } from './types.ts';
export type { ProbeResult, TlsOptions } from './types.ts';

/** The probe of a unit, as a discriminated union on `kind`. */
export type ProbeSpec =
  | ({ readonly kind: 'httpGet' } & HttpGetProbe)
  | ({ readonly kind: 'tcpSocket' } & TcpSocketProbe)
  | ({ readonly kind: 'prometheus' } & PrometheusProbe);

export type ProbeKind = ProbeSpec['kind'];

/** Runs the probe a spec describes, timing it and bounding it on `clock` (default the real one). Never throws. */
export function runProbe(spec: ProbeSpec, clock?: Clock): Promise<ProbeResult> {
  switch (spec.kind) {
    case 'httpGet':
      return probeHttpGet(spec, clock);
    case 'tcpSocket':
      return probeTcpSocket(spec, clock);
    case 'prometheus':
      return probePrometheus(spec, clock);
  }
}
