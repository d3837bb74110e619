// Everything the runtime observes, as one injected interface (no global registry). The
// composition root passes `promRuntimeMetrics(registry, { prefix })` with its own prom-client Registry;
// tests pass nothing (`noopRuntimeMetrics`). Names follow client-go's workqueue_* and
// controller-runtime's controller_runtime_* (and leader_election_master_status) so existing
// dashboards read them; the runtime's own metrics, which neither defines, carry the program's
// prefix (`metricPrefix`, names.ts).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InformerMetrics } from './informer.ts';
import { DEFAULT_NAMES } from './names.ts';
import type { QueueMetrics } from './workqueue.ts';

export type ReconcileOutcome = 'success' | 'requeue_after' | 'error' | 'terminal';

/** The `outcome` label of <prefix>status_writes_total. */
export type StatusWriteOutcome = 'written' | 'skipped' | 'rejected';

/** `loaded`: a rotated pair is served; `renewed`: the operator issued a new one; `invalid`: a new pair refused (the old one kept); `failed`: a renewal or a read of it failed. */
export type CertificateOutcome = 'loaded' | 'renewed' | 'invalid' | 'failed';

/** What the certificate reloader and renewer report (cert-reloader.ts, src/webhooks/renewal.ts). */
export interface CertificateMetrics {
  certificateReload(certificate: string, outcome: CertificateOutcome): void;
  /** The served certificate's notAfter, seconds since the epoch. */
  certificateNotAfter(certificate: string, seconds: number): void;
}

export interface RuntimeMetrics extends QueueMetrics, InformerMetrics, CertificateMetrics {
  /** One reconcile ended; `code` is the error code for error/terminal outcomes. */
  reconcile(controller: string, outcome: ReconcileOutcome, seconds: number, code?: string): void;
  /** A status apply was sent (`written`), found unnecessary (`skipped`), or refused by the API server with 422 (`rejected`: the status itself is invalid). */
  statusWrite(resource: string, outcome: StatusWriteOutcome): void;
  /** An Event was created or dropped as a duplicate. */
  event(reason: string, outcome: 'created' | 'deduplicated' | 'failed'): void;
  /** This replica holds (1) or does not hold (0) the lease. */
  leader(isLeader: boolean): void;
  /** How late the event-loop sampler's timer fired, and the highest such lag within the health window, seconds (health.ts). */
  eventLoopLag(seconds: number, windowMaxSeconds: number): void;
}

export const noopRuntimeMetrics: RuntimeMetrics = {
  add() {}, depth() {}, queueLatency() {}, workDuration() {}, retry() {},
  watchRestart() {}, cacheSize() {},
  reconcile() {}, statusWrite() {}, event() {}, leader() {}, eventLoopLag() {},
  certificateReload() {}, certificateNotAfter() {},
};

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** controller-runtime's and client-go's names, unprefixed. */
const STANDARD_NAMES = [
  'workqueue_adds_total', 'workqueue_depth', 'workqueue_queue_duration_seconds', 'workqueue_work_duration_seconds', 'workqueue_retries_total',
  'controller_runtime_reconcile_total', 'controller_runtime_reconcile_errors_total', 'controller_runtime_terminal_reconcile_errors_total',
  'controller_runtime_reconcile_time_seconds', 'leader_election_master_status',
] as const;

/** The runtime's own names, after the program's prefix. */
const OWN_NAMES = [
  'informer_watch_restarts_total', 'informer_cached_objects', 'status_writes_total', 'events_total',
  'event_loop_lag_seconds', 'event_loop_lag_max_seconds', 'certificate_reloads_total', 'certificate_expiry_timestamp_seconds',
] as const;

export type RuntimeMetricsOptions = {
  /** Prefix of the runtime's own metric names; default {@link DEFAULT_NAMES}`.metricPrefix`. */
  prefix?: string;
};

/** Every metric `promRuntimeMetrics(registry, { prefix })` defines (src/metrics adds them to its list for dashboards and rules). */
export function runtimeMetricNames(prefix: string = DEFAULT_NAMES.metricPrefix): string[] {
  return [...STANDARD_NAMES, ...OWN_NAMES.map((name) => `${prefix}${name}`)];
}

export function promRuntimeMetrics(registry: Registry, options: RuntimeMetricsOptions = {}): RuntimeMetrics {
  const registers = [registry];
  const own = (name: (typeof OWN_NAMES)[number]): string => `${options.prefix ?? DEFAULT_NAMES.metricPrefix}${name}`;
  const adds = new Counter({ name: 'workqueue_adds_total', help: 'Keys added to a work queue.', labelNames: ['name'], registers });
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Keys waiting in a work queue.', labelNames: ['name'], registers });
  const latency = new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'Time a key waits before a worker takes it.', labelNames: ['name'], buckets: SECONDS, registers });
  const work = new Histogram({ name: 'workqueue_work_duration_seconds', help: 'Time spent processing a key.', labelNames: ['name'], buckets: SECONDS, registers });
  const retries = new Counter({ name: 'workqueue_retries_total', help: 'Keys re-added with backoff after a failure.', labelNames: ['name'], registers });
  const restarts = new Counter({ name: own('informer_watch_restarts_total'), help: 'List/watch loop restarts by reason (error code, Watchdog, Expired).', labelNames: ['resource', 'reason'], registers });
  const cache = new Gauge({ name: own('informer_cached_objects'), help: 'Objects held in an informer cache.', labelNames: ['resource'], registers });
  const reconciles = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Reconciles by outcome.', labelNames: ['controller', 'result'], registers });
  const errors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Failed reconciles by error code (retried).', labelNames: ['controller', 'code'], registers });
  const terminal = new Counter({ name: 'controller_runtime_terminal_reconcile_errors_total', help: 'Reconciles that failed for good (not retried), by error code.', labelNames: ['controller', 'code'], registers });
  const reconcileTime = new Histogram({ name: 'controller_runtime_reconcile_time_seconds', help: 'Duration of one reconcile, per controller.', labelNames: ['controller'], buckets: SECONDS, registers });
  const status = new Counter({ name: own('status_writes_total'), help: 'Status applies sent (written), skipped as unchanged (skipped), or refused by the API server as invalid, 422 (rejected).', labelNames: ['resource', 'outcome'], registers });
  const events = new Counter({ name: own('events_total'), help: 'Kubernetes Events created, deduplicated or failed.', labelNames: ['reason', 'outcome'], registers });
  const leader = new Gauge({ name: 'leader_election_master_status', help: '1 when this replica holds the lease.', registers });
  const lag = new Gauge({ name: own('event_loop_lag_seconds'), help: 'Event-loop lag: how late the last sample timer fired (a CPU-bound task delays every timer, webhook answer and lease renewal by as much).', registers });
  // A stall between two scrapes is not lost: the highest sample of the health window (30 s).
  const lagMax = new Gauge({ name: own('event_loop_lag_max_seconds'), help: 'Highest event-loop lag sampled within the /healthz window (default 30 s).', registers });
  const certReloads = new Counter({ name: own('certificate_reloads_total'), help: 'Serving certificates swapped under a running server (loaded, renewed) or refused (invalid, failed), by certificate (webhook, metrics).', labelNames: ['certificate', 'outcome'], registers });
  const certExpiry = new Gauge({ name: own('certificate_expiry_timestamp_seconds'), help: 'notAfter of the serving certificate in use, by certificate (webhook, metrics).', labelNames: ['certificate'], registers });
  return {
    add: (name) => { adds.inc({ name }); },
    depth: (name, n) => { depth.set({ name }, n); },
    queueLatency: (name, s) => { latency.observe({ name }, s); },
    workDuration: (name, s) => { work.observe({ name }, s); },
    retry: (name) => { retries.inc({ name }); },
    watchRestart: (resource, reason) => { restarts.inc({ resource, reason }); },
    cacheSize: (resource, n) => { cache.set({ resource }, n); },
    reconcile: (controller, outcome, seconds, code) => {
      reconciles.inc({ controller, result: outcome });
      reconcileTime.observe({ controller }, seconds);
      if (outcome === 'error') errors.inc({ controller, code: code ?? 'Unknown' });
      if (outcome === 'terminal') terminal.inc({ controller, code: code ?? 'Terminal' });
    },
    statusWrite: (resource, outcome) => { status.inc({ resource, outcome }); },
    event: (reason, outcome) => { events.inc({ reason, outcome }); },
    leader: (is) => { leader.set(is ? 1 : 0); },
    eventLoopLag: (s, max) => { lag.set(s); lagMax.set(max); },
    certificateReload: (certificate, outcome) => { certReloads.inc({ certificate, outcome }); },
    certificateNotAfter: (certificate, seconds) => { certExpiry.set({ certificate }, seconds); },
  };
}
