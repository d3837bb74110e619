// Metrics: the prom-client definitions of docs/design.md §4 and the /metrics server.
// Owns metric names, help texts and label sets (docs/metrics.md lists them); it computes nothing
// of the SLA: domain gauges are read at scrape time from a snapshot the composition root builds
// from the cache. No default registry, no module-level state: createMetrics(registry) per process.
export { createMetrics, METRIC_NAMES, STATEMENT_AMOUNT_LINES, STATEMENT_TOKEN_KINDS, STATEMENT_TICKET_KINDS } from './metrics.ts';
export type {
  Metrics, MetricsOptions, MetricsSnapshot, UnitSnapshot, FunctionSnapshot, IncidentSnapshot,
  ChangeSnapshot, ContractSnapshot, ReportSnapshot, ClaimSnapshot, ClaimCreditsSnapshot, ClaimCreditState,
  StatementSnapshot, StatementAmountLine,
} from './metrics.ts';
export { startMetricsServer } from './server.ts';
export type { MetricsServer, MetricsServerOptions, TlsPair } from './server.ts';
export { kubeMetricsAuthorizer, type AuthDecision, type MetricsAuthorizer, type KubeAuthorizerOptions } from './auth.ts';
