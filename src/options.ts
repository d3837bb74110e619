// The operator's configuration: the ONLY module that reads process.env (style.md item 11).
// Flags win over environment variables, which win over defaults. Bad values fail at start with
// one line naming the flag and the variable.
import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_RECORD_RETENTION_MONTHS } from './domain/retention.ts';
import { capacityQueries, DEFAULT_CAPACITY_CONCURRENCY, DEFAULT_CAPACITY_STEP_SECONDS, parseCapacityQuery, type CapacityConfig } from './monitoring/capacity.ts';
import { namespaceNameError, parseLabelSelector, type WatchScope } from './runtime/namespaces.ts';
import { MAX_SHARDS } from './runtime/shards.ts';

const port = z.coerce.number().int().min(0).max(65535);
const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''));
/** A capacity query template (src/monitoring/capacity.ts), refused at start with the reason. */
const capacityQuery = z.string().superRefine((s, ctx) => {
  const parsed = parseCapacityQuery(s);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')]);

const schema = z.object({
  kubeconfig: z.string().optional(),
  metricsHost: z.string().default('0.0.0.0'),
  metricsPort: port.default(8080),
  /** HTTPS, and /metrics for authorized callers only (TokenReview + SubjectAccessReview); false: plain HTTP, loopback only. */
  metricsSecure: bool.default(true),
  /** Where a mounted certificate for the metrics server is (tls.crt, tls.key; reloaded on change); unset: self-signed, generated at start. */
  metricsCertDir: z.string().optional(),
  webhookHost: z.string().default('0.0.0.0'),
  webhookPort: port.default(9443),
  /** Serve the admission webhook (its certificate and configuration are set up at start). */
  webhook: bool.default(false),
  /**
   * Run the controllers (and the probers, with `probes`). False with `webhook`: a process that only
   * serves the admission webhook, on an event loop of its own (the chart's `webhook.separate`).
   */
  controllers: bool.default(true),
  /** `service`: the API server calls the webhook through a Service (in a cluster); `url`: at https://<webhookHost>:<port> (local). */
  webhookMode: z.enum(['service', 'url']).default('service'),
  webhookService: z.string().min(1).default('managed-apps-operator-webhook'),
  /** Where a mounted certificate is (cert-manager's Secret: tls.crt, tls.key; reloaded on change); unset: the operator generates the certificate, injects its CA and renews both. */
  webhookCertDir: z.string().optional(),
  webhookConfigurationName: z.string().min(1).default('managed-apps-operator'),
  /** The operator's own ServiceAccount (its user is always allowed by the admission rules). */
  serviceAccount: z.string().min(1).default('managed-apps-operator'),
  /** The operator's user as the API server sees it; default `system:serviceaccount:<namespace>:<serviceAccount>`. */
  operatorUsername: z.string().min(1).optional(),
  leaderElect: bool.default(true),
  /** Watch (and reconcile) these namespaces only (comma-separated); default all namespaces. */
  watchNamespace: z.string().transform((s, ctx) => {
    const names = s.split(',').map((x) => x.trim());
    for (const name of names) {
      const problem = namespaceNameError(name);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${problem} in '${s}' (a comma-separated list of namespaces)` });
        return z.NEVER;
      }
    }
    return [...new Set(names)];
  }).optional(),
  /** Watch (and reconcile) the namespaces matching this label selector, followed as labels change; default all namespaces. */
  watchNamespaceSelector: z.string().superRefine((s, ctx) => {
    const parsed = parseLabelSelector(s);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: `invalid label selector: ${parsed.error}` });
  }).optional(),
  /**
   * Spread the namespaces over this many buckets, each reconciled by the replica holding its Lease
   * (docs/operations.md "Sharding"); 0: one leader reconciles everything. The webhook stamps the
   * bucket as a label with the same count: give every operator and webhook process the same value.
   */
  shards: z.coerce.number().int().min(0).max(MAX_SHARDS).default(0),
  leaderElectionNamespace: z.string().min(1).default('managedapps-system'),
  leaderElectionName: z.string().min(1).default('managed-apps-operator'),
  identity: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** Groups whose members act as the provider (admission rules, docs/security.md). */
  providerGroups: list.default(['managedapps:provider']),
  /** Groups whose members may delete the records the webhook keeps and remove the retention finalizer (docs/security.md); none by default. */
  breakGlassGroups: list.default([]),
  /** How long Incidents and ChangeRequests are kept after their latest instant, in months (domain.md §9: the contract's duration plus reversibility). */
  recordRetentionMonths: z.coerce.number().int().min(0).max(1200).default(DEFAULT_RECORD_RETENTION_MONTHS),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** Run the availability probers (leader only). */
  probes: bool.default(true),
  probeConcurrency: z.coerce.number().int().positive().default(64),
  /** Let probes target the cluster's API server and the operator's own endpoints (refused by default: SSRF). */
  allowInternalProbeTargets: bool.default(false),
  /**
   * The instant the operator's clock reads at start (RFC 3339), running on from there; unset: the
   * real clock. For demos, replays and the tests' date matrix, never for a production operator.
   */
  clockAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  /** /healthz fails while the event loop was blocked longer than this (seconds) within the last 30 s; 0 disables. */
  eventLoopLagLimit: z.coerce.number().min(0).max(3600).default(5),
  /** Seconds between two reads of the mounted certificate directories (backing up their watch) and of the generated webhook certificate's Secret. */
  certPollInterval: z.coerce.number().min(1).max(3600).default(60),
  /** Seconds between two checks of the API server's /readyz (our /readyz fails while it fails); 0 disables. */
  apiServerCheckPeriod: z.coerce.number().min(0).max(3600).default(10),
  /** The Prometheus the monthly pack's capacity section is read from when a report is made final (design.md §3 "The monthly pack"); unset: the section says none is configured. */
  capacityPrometheusUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The capacity queries (PromQL templates with {{unit}}, {{namespace}}, {{labels.<key>}}); a resource without one has no list. */
  capacityQueryCpu: capacityQuery.optional(),
  capacityQueryMemory: capacityQuery.optional(),
  capacityQueryDisk: capacityQuery.optional(),
  /** The step of the capacity range queries, seconds (widened to 11,000 points a month). */
  capacityStep: z.coerce.number().int().min(1).max(86_400).default(DEFAULT_CAPACITY_STEP_SECONDS),
  /** Budget of one capacity query, seconds. */
  capacityTimeout: z.coerce.number().min(1).max(600).default(30),
  /** A file holding the bearer token sent to Prometheus (read at each read: a projected token rotates). */
  capacityBearerTokenFile: z.string().min(1).optional(),
  /** A PEM file of the CAs to trust for an https Prometheus. */
  capacityCaFile: z.string().min(1).optional(),
});

export type Options = z.infer<typeof schema>;

/** Where each option can come from: its flag (camelCase, from commander) and its variable. */
const ENV: Record<keyof Options, string> = {
  kubeconfig: 'KUBECONFIG',
  metricsHost: 'MANAGEDAPPS_METRICS_HOST',
  metricsPort: 'MANAGEDAPPS_METRICS_PORT',
  metricsSecure: 'MANAGEDAPPS_METRICS_SECURE',
  metricsCertDir: 'MANAGEDAPPS_METRICS_CERT_DIR',
  webhookHost: 'MANAGEDAPPS_WEBHOOK_HOST',
  webhookPort: 'MANAGEDAPPS_WEBHOOK_PORT',
  webhook: 'MANAGEDAPPS_WEBHOOK',
  controllers: 'MANAGEDAPPS_CONTROLLERS',
  webhookMode: 'MANAGEDAPPS_WEBHOOK_MODE',
  webhookService: 'MANAGEDAPPS_WEBHOOK_SERVICE',
  webhookCertDir: 'MANAGEDAPPS_WEBHOOK_CERT_DIR',
  webhookConfigurationName: 'MANAGEDAPPS_WEBHOOK_CONFIGURATION',
  serviceAccount: 'MANAGEDAPPS_SERVICE_ACCOUNT',
  operatorUsername: 'MANAGEDAPPS_OPERATOR_USERNAME',
  leaderElect: 'MANAGEDAPPS_LEADER_ELECT',
  watchNamespace: 'MANAGEDAPPS_WATCH_NAMESPACE',
  watchNamespaceSelector: 'MANAGEDAPPS_WATCH_NAMESPACE_SELECTOR',
  shards: 'MANAGEDAPPS_SHARDS',
  leaderElectionNamespace: 'POD_NAMESPACE',
  leaderElectionName: 'MANAGEDAPPS_LEADER_ELECTION_NAME',
  identity: 'POD_NAME',
  providerGroups: 'MANAGEDAPPS_PROVIDER_GROUPS',
  breakGlassGroups: 'MANAGEDAPPS_BREAK_GLASS_GROUPS',
  recordRetentionMonths: 'MANAGEDAPPS_RECORD_RETENTION_MONTHS',
  logLevel: 'LOG_LEVEL',
  probes: 'MANAGEDAPPS_PROBES',
  probeConcurrency: 'MANAGEDAPPS_PROBE_CONCURRENCY',
  allowInternalProbeTargets: 'MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS',
  clockAt: 'MANAGEDAPPS_CLOCK_AT',
  eventLoopLagLimit: 'MANAGEDAPPS_EVENT_LOOP_LAG_LIMIT',
  apiServerCheckPeriod: 'MANAGEDAPPS_APISERVER_CHECK_PERIOD',
  certPollInterval: 'MANAGEDAPPS_CERT_POLL_INTERVAL',
  capacityPrometheusUrl: 'MANAGEDAPPS_CAPACITY_PROMETHEUS_URL',
  capacityQueryCpu: 'MANAGEDAPPS_CAPACITY_QUERY_CPU',
  capacityQueryMemory: 'MANAGEDAPPS_CAPACITY_QUERY_MEMORY',
  capacityQueryDisk: 'MANAGEDAPPS_CAPACITY_QUERY_DISK',
  capacityStep: 'MANAGEDAPPS_CAPACITY_STEP',
  capacityTimeout: 'MANAGEDAPPS_CAPACITY_TIMEOUT',
  capacityBearerTokenFile: 'MANAGEDAPPS_CAPACITY_BEARER_TOKEN_FILE',
  capacityCaFile: 'MANAGEDAPPS_CAPACITY_CA_FILE',
};

export function environmentVariables(): Readonly<Record<keyof Options, string>> {
  return ENV;
}

/** Merges flags over process.env over defaults; throws one readable line on a bad value. */
export function loadOptions(flags: Partial<Record<keyof Options, unknown>>, env: NodeJS.ProcessEnv = process.env): Options {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV) as (keyof Options)[]) {
    const value = flags[key] ?? env[ENV[key]];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = schema.refine((o) => o.metricsSecure || isLoopback(o.metricsHost), {
    path: ['metricsSecure'],
    message: 'plain-HTTP metrics (metricsSecure false) only on a loopback address (127.0.0.1, ::1, localhost): anyone who reaches the port would read every tenant\'s series',
  }).refine((o) => o.watchNamespace === undefined || o.watchNamespaceSelector === undefined, {
    path: ['watchNamespaceSelector'],
    message: 'give either a list of namespaces (watchNamespace) or a namespace label selector, not both',
  }).refine((o) => o.capacityPrometheusUrl === undefined || [o.capacityQueryCpu, o.capacityQueryMemory, o.capacityQueryDisk].some((q) => q !== undefined), {
    path: ['capacityPrometheusUrl'],
    message: 'a Prometheus for the capacity section needs at least one query (capacityQueryCpu, capacityQueryMemory, capacityQueryDisk)',
  }).refine((o) => o.capacityPrometheusUrl !== undefined || [o.capacityQueryCpu, o.capacityQueryMemory, o.capacityQueryDisk].every((q) => q === undefined), {
    path: ['capacityPrometheusUrl'],
    message: 'capacity queries are given but no Prometheus to run them on (capacityPrometheusUrl)',
  }).refine((o) => o.shards === 0 || o.watchNamespace === undefined, {
    path: ['shards'],
    message: 'shards spread the namespaces over the replicas: not with a list of namespaces (watchNamespace; a watchNamespaceSelector combines)',
  }).refine((o) => o.shards === 0 || o.leaderElect || !o.controllers, {
    path: ['shards'],
    message: 'shards are held through Leases: leave leaderElect on',
  }).refine((o) => o.controllers || o.webhook, {
    path: ['controllers'],
    message: 'with controllers false the process only serves the webhook: set webhook true too (or leave controllers on)',
  }).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const variable = key in ENV ? ENV[key as keyof Options] : '';
    throw new Error(`invalid option ${key}${variable !== '' ? ` (flag or ${variable})` : ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The capacity section's configuration (design.md §3 "The monthly pack"); undefined when no Prometheus is configured. */
export function capacityConfig(options: Options): CapacityConfig | undefined {
  if (options.capacityPrometheusUrl === undefined) return undefined;
  const checked = capacityQueries({ cpu: options.capacityQueryCpu, memory: options.capacityQueryMemory, disk: options.capacityQueryDisk });
  // loadOptions checked each template already.
  if (!checked.ok) throw new Error(`invalid option capacityQuery ${checked.resource}: ${checked.message}`);
  return {
    prometheusUrl: options.capacityPrometheusUrl, queries: checked.queries, stepSeconds: options.capacityStep, timeoutMs: options.capacityTimeout * 1000,
    concurrency: DEFAULT_CAPACITY_CONCURRENCY, bearerTokenFile: options.capacityBearerTokenFile, caFile: options.capacityCaFile,
  };
}

/** The namespaces the operator watches (`--watch-namespace`, `--watch-namespace-selector`); undefined: all. */
export function watchScope(options: Pick<Options, 'watchNamespace' | 'watchNamespaceSelector'>): WatchScope | undefined {
  if (options.watchNamespace !== undefined) return { namespaces: options.watchNamespace };
  if (options.watchNamespaceSelector !== undefined) return { namespaceSelector: options.watchNamespaceSelector };
  return undefined;
}

/** 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True when the process runs in a pod (the service-account token and API address are there). */
export function inCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KUBERNETES_SERVICE_HOST !== undefined && env.KUBERNETES_SERVICE_PORT !== undefined;
}
