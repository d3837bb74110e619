// The composition root (docs/design.md §2, style.md item 11): the only module that wires the layers
// together. `managedapps run` builds one Manager (caches, leader election), registers the eight
// controllers, the probe automation (a ninth controller fed by the probe scheduler, leader only) and the backup check (a tenth, leader only), the metrics/health server and, when enabled,
// the admission webhook (every replica; with --controllers=false, alone in its process); options.ts is the only reader of the environment. The
// command line that calls it is src/cli/program.ts.
// client-node's KubeConfig without its generated API, and the CLI's helpers (apply, dev, the CRDs)
// only when a command needs them: `managedapps run` keeps none of them in its heap (issue 17, a lean operator).
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { SHARD_LABEL, type InternalEndpoints } from './api/v1alpha1/index.ts';
import { kubeConfigClass } from './cli/kubectl/kubeconfig.ts';
import { registerControllers } from './controllers/index.ts';
import { createMetrics, kubeMetricsAuthorizer, startMetricsServer, type Metrics, type MetricsSnapshot, type TlsPair } from './metrics/index.ts';
import { ProbeAutomation } from './monitoring/automation.ts';
import { BackupCheck } from './monitoring/backup.ts';
import {
  CertificateRenewer, createWebhookServer, DEFAULT_CA_PROPAGATION_MS, ensureWebhookConfiguration, generateServingCertificate, loadMountedCertificate, secretNameOf, webhookCertificates,
  type WebhookConfigurationOptions,
} from './webhooks/index.ts';
import { readCapacity, type CapacityScope } from './monitoring/capacity.ts';
import { capacityConfig, inCluster, loadOptions, watchScope, type Options } from './options.ts';
import { PRODUCT_NAMES } from './product.ts';
import { assertConfigured, CertificateReloader, clockStartingAt, installProcessHandlers, KubeClient, Manager, realClock, type CertificateMetrics } from './runtime/index.ts';

export interface Operator {
  readonly manager: Manager;
  readonly metricsPort: number;
  stop(): Promise<void>;
}

/** What a replica that does not lead exports: no domain series (the leader's are authoritative). */
function emptySnapshot(): MetricsSnapshot {
  return { units: [], functions: [], incidents: [], changes: [], contracts: [], reports: [] };
}

/** The kubeconfig to use: an explicit file, else in-cluster, else the default chain (never the silent localhost:8080). */
export async function loadKubeConfig(options: Pick<Options, 'kubeconfig'>): Promise<KubeConfig> {
  const kc = new (await kubeConfigClass())();
  if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
  else if (inCluster()) kc.loadFromCluster();
  else kc.loadFromDefault();
  assertConfigured(kc);
  return kc;
}

/** Starts the operator; resolves once its servers listen (the caches sync in the background). */
export async function startOperator(options: Options, logger: Logger, given?: KubeConfig): Promise<Operator> {
  const kubeConfig = given ?? await loadKubeConfig(options);
  const registry = new Registry();
  const watch = watchScope(options);
  // The snapshot reads the caches at scrape time; they exist once the manager is built below.
  let snapshot: () => MetricsSnapshot = emptySnapshot;
  const metrics = createMetrics(registry, { snapshot: () => snapshot() });
  const manager = new Manager({
    kubeConfig,
    logger,
    // The product's names, not the runtime's defaults (src/product.ts; the metric prefix is src/metrics').
    fieldManager: PRODUCT_NAMES.fieldManager,
    reportingController: PRODUCT_NAMES.reportingController,
    ...(options.clockAt !== undefined ? { clock: clockStartingAt(options.clockAt) } : {}),
    metrics: metrics.runtime,
    health: { eventLoopLagLimitMs: options.eventLoopLagLimit * 1000, apiServerCheckPeriodMs: options.apiServerCheckPeriod * 1000 },
    ...(watch !== undefined ? { watch } : {}),
    // A webhook-only process reconciles nothing: it holds no bucket (its caches keep every namespace), it only stamps the label.
    ...(options.shards > 0 && options.controllers ? { shards: { count: options.shards, labelKey: SHARD_LABEL } } : {}),
    leaderElection: options.leaderElect
      ? { namespace: options.leaderElectionNamespace, name: options.leaderElectionName, identity: options.identity }
      : false,
  });
  // A webhook-only process (--controllers=false, the chart's webhook.separate) registers no
  // controller and no prober: its caches are the webhook's view, its event loop the webhook's.
  // The retention finalizer and its instant (issue 12: records are kept); the capacity section's Prometheus (issue 16).
  const capacityOptions = capacityConfig(options);
  const capacity = capacityOptions === undefined ? undefined : { read: (scope: CapacityScope) => readCapacity(capacityOptions, scope) };
  const controllers = options.controllers ? registerControllers(manager, { retention: { months: options.recordRetentionMonths }, ...(capacity === undefined ? {} : { capacity }) }) : undefined;
  let probes: ProbeAutomation | undefined;
  if (controllers !== undefined) {
    snapshot = () => {
      // Sharded: every replica exports the objects of its buckets (its caches hold no other).
      if (!manager.isLeader() && manager.shards() === undefined) return emptySnapshot();
      const snap = controllers.metricsSnapshot();
      const probed = new Map((probes?.probeSnapshot() ?? []).map((p) => [`${p.namespace}/${p.name}`, p]));
      return {
        ...snap,
        units: snap.units.map((u) => {
          const p = probed.get(`${u.namespace}/${u.name}`);
          return p === undefined ? u : { ...u, maintenance: p.maintenance, ...(p.up !== undefined ? { up: p.up } : {}), ...(p.probeAgeRatio !== undefined ? { probeAgeRatio: p.probeAgeRatio } : {}) };
        }),
      };
    };
  }
  const internalEndpoints = internalEndpointsOf(options, kubeConfig);
  if (controllers !== undefined && options.probes) {
    // The automation reads the controllers' typed views of the cache: one parse per object version.
    probes = new ProbeAutomation({ manager, views: controllers.caches, concurrency: options.probeConcurrency, metrics, ...(internalEndpoints !== undefined ? { internalEndpoints } : {}) });
    manager.add(probes);
    // The backup check (issue 15 item 3): the units' spec.backup.check, queried on the leader.
    new BackupCheck({ manager, views: controllers.caches, metrics, ...(internalEndpoints !== undefined ? { internalEndpoints } : {}) });
  }
  const webhook = options.webhook ? await startWebhook(manager, options, logger, metrics, internalEndpoints) : undefined;
  const metricsTls = options.metricsSecure ? metricsCertificate(options) : undefined;
  const server = await startMetricsServer({
    host: options.metricsHost, port: options.metricsPort, registry, ready: () => manager.readiness(), live: () => manager.liveness(),
    ...(metricsTls !== undefined ? { tls: metricsTls, auth: kubeMetricsAuthorizer({ client: manager.client, clock: manager.clock }) } : {}),
  });
  if (metricsTls !== undefined && options.metricsCertDir !== undefined) {
    manager.add(new CertificateReloader({
      name: 'metrics', dir: options.metricsCertDir, initial: metricsTls, onChange: (pair) => { server.setCertificate(pair); },
      clock: realClock, logger, metrics: metrics.runtime, pollIntervalMs: options.certPollInterval * 1000,
    }));
  }
  manager.start();
  if (webhook !== undefined) await webhook();
  if (options.clockAt !== undefined) logger.warn({ clockAt: options.clockAt.toISOString() }, 'the operator runs on a clock started at --clock-at, not the real one');
  logger.info({ identity: manager.identity, metricsPort: server.port, metricsSecure: options.metricsSecure, leaderElection: options.leaderElect, shards: options.shards, controllers: options.controllers, webhook: options.webhook, watch: watch ?? 'all namespaces' }, 'operator started');
  return {
    manager,
    metricsPort: server.port,
    async stop() {
      await manager.stop();
      await server.close();
    },
  };
}

/**
 * What probes may not target (SSRF, docs/security.md): the API server of the kube config, the
 * Services of the operator's namespace, and its own metrics and webhook ports on the local host.
 * Undefined with --allow-internal-probe-targets.
 */
export function internalEndpointsOf(options: Options, kubeConfig: KubeConfig): InternalEndpoints | undefined {
  if (options.allowInternalProbeTargets) return undefined;
  const server = kubeConfig.getCurrentCluster()?.server;
  return {
    ...(server !== undefined ? { apiServer: server } : {}),
    namespace: options.leaderElectionNamespace,
    ports: [options.metricsPort, ...(options.webhook ? [options.webhookPort] : [])].filter((p) => p > 0),
  };
}

/**
 * The metrics server's certificate: the mounted one (`--metrics-cert-dir`, e.g. a cert-manager
 * Secret), or a self-signed one generated in memory (Prometheus then scrapes with
 * `insecureSkipVerify`, as controller-runtime's generated certificate is scraped: the bearer token
 * is what authenticates, the certificate only encrypts).
 */
function metricsCertificate(options: Options): TlsPair {
  if (options.metricsCertDir !== undefined) {
    const mounted = loadMountedCertificate(options.metricsCertDir);
    if (mounted === undefined) throw new Error(`metrics certificate: no tls.crt and tls.key in ${options.metricsCertDir}`);
    return { cert: mounted.certPem, key: mounted.keyPem };
  }
  const generated = generateServingCertificate({ commonName: 'managed-apps-operator-metrics', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  return { cert: generated.certPem, key: generated.keyPem };
}

/**
 * Sets up the admission webhook (docs/security.md): its certificate (a mounted directory, e.g.
 * cert-manager's Secret, reloaded when it changes; or generated and shared through a Secret,
 * renewed before it expires; or generated for 127.0.0.1 in url mode), the server (every replica,
 * not leader-bound) and, once it listens, both webhook configurations.
 * Certificates run on the real clock, not --clock-at's: the API server judges them on its own.
 * Returns the step to run after `manager.start()`.
 */
async function startWebhook(manager: Manager, options: Options, logger: Logger, operatorMetrics: Metrics, internalEndpoints: InternalEndpoints | undefined): Promise<() => Promise<void>> {
  const metrics: CertificateMetrics = operatorMetrics.runtime;
  const namespace = options.leaderElectionNamespace;
  const configuration = (caBundle: string | undefined, port?: number): WebhookConfigurationOptions => ({
    mode: options.webhookMode,
    caBundle,
    name: options.webhookConfigurationName,
    operatorNamespace: namespace,
    ...(options.webhookMode === 'url'
      ? { url: `https://${options.webhookHost}:${String(port)}` }
      : { service: { namespace, name: options.webhookService } }),
  });
  // Service mode only (url mode never renews): the new CA is trusted before anyone serves its certificate (renewal.ts).
  const publishCaBundle = async (caBundle: string): Promise<void> => { await ensureWebhookConfiguration(manager.client, configuration(caBundle)); };
  const certs = options.webhookMode === 'url'
    ? await webhookCertificates(manager.client, { mode: 'url', host: options.webhookHost, ...(options.webhookCertDir !== undefined ? { mountedDir: options.webhookCertDir } : {}) })
    : await webhookCertificates(manager.client, {
      mode: 'service', namespace, service: options.webhookService,
      ...(options.webhookCertDir !== undefined ? { mountedDir: options.webhookCertDir } : {}),
      // A referenced timer (node:timers/promises), not the clock's unref'd one: nothing else keeps the process alive this early.
      beforeStore: async (caBundle) => { await publishCaBundle(caBundle); await delay(DEFAULT_CA_PROPAGATION_MS); },
    });
  const server = createWebhookServer({
    manager, tls: certs.tls, port: options.webhookPort, host: options.webhookHost, logger, clock: manager.clock,
    providerGroups: options.providerGroups,
    breakGlassGroups: options.breakGlassGroups,
    retentionMonths: options.recordRetentionMonths,
    operatorUsername: options.operatorUsername ?? `system:serviceaccount:${namespace}:${options.serviceAccount}`,
    ...(internalEndpoints !== undefined ? { internalEndpoints } : {}),
    metrics: operatorMetrics.webhook,
    ...(options.shards > 0 ? { shards: { count: options.shards, labelKey: SHARD_LABEL } } : {}),
  });
  manager.add(server);
  let renewer: CertificateRenewer | undefined;
  if (options.webhookCertDir !== undefined) {
    manager.add(new CertificateReloader({
      name: 'webhook', dir: options.webhookCertDir, initial: certs.tls, onChange: (pair) => { server.setCertificate(pair); },
      clock: realClock, logger, metrics, pollIntervalMs: options.certPollInterval * 1000,
    }));
  } else if (certs.stored !== undefined) {
    renewer = new CertificateRenewer({
      client: manager.client, clock: realClock, logger, metrics, namespace, service: options.webhookService,
      secretName: secretNameOf({ service: options.webhookService }), served: certs.stored,
      // One writer of a new CA: the leader (with --leader-elect=false, the only replica).
      mayRenew: () => manager.isLeader(),
      publishCaBundle, onCertificate: (tls) => { server.setCertificate(tls); }, periodMs: options.certPollInterval * 1000,
    });
    manager.add(renewer);
  }
  return async () => {
    const address = await server.listening;
    // The renewer's bundle if it has renewed since the start (never write back an older one).
    await ensureWebhookConfiguration(manager.client, configuration(renewer?.served().caPem ?? certs.caBundle, address.port));
    logger.info({ port: address.port, certificates: certs.source }, 'admission webhook serving');
  };
}

/** Applies the CRDs and waits until the API server serves them. */
export async function installCrds(kc: KubeConfig): Promise<void> {
  const [{ crdManifests }, { applyObjects }] = await Promise.all([import('./api/crds.ts'), import('./cli/apply.ts')]);
  const crds = crdManifests() as unknown as Parameters<typeof applyObjects>[1];
  await applyObjects(kc, crds);
  const client = new KubeClient(kc);
  type Crd = { status?: { conditions?: { type: string; status: string }[] } };
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    for (let attempt = 0; ; attempt++) {
      const got = await client.request<Crd>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`);
      if (got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true) break;
      if (attempt > 100) throw new Error(`CRD ${name} not Established after 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `managedapps run` (src/cli/program.ts declares its flags). */
export async function runCommand(flags: Record<string, unknown>): Promise<void> {
  const options = loadOptions(flags);
  const logger = pino({ level: options.logLevel, base: { component: 'managedapps-operator' } });
  const operator = await startOperator(options, logger);
  installProcessHandlers({ logger, shutdown: () => operator.stop() });
}

/** `managedapps dev` (`npm start`). */
export async function devCommand(flags: { controlPlaneOnly?: boolean; samples?: boolean }): Promise<void> {
  const [{ dev }, { applyObjects, readObjects }] = await Promise.all([import('./cli/dev.ts'), import('./cli/apply.ts')]);
  await dev({
    controlPlaneOnly: flags.controlPlaneOnly === true,
    onReady: async (kubeconfigPath, cluster) => {
      // On the local control plane the admission webhook runs in url mode on 127.0.0.1, and its
      // admin (system:masters) acts as the provider and as the operator's own identity, so that
      // `kubectl apply` of incidents and changes passes the admission rules. Against a configured
      // cluster no webhook is registered: it would point the cluster at this machine.
      const options = loadOptions({
        kubeconfig: kubeconfigPath, leaderElect: false, metricsHost: '127.0.0.1', metricsPort: 0, metricsSecure: false,
        ...(cluster.local
          ? { webhook: true, webhookMode: 'url', webhookHost: '127.0.0.1', webhookPort: 0, providerGroups: 'managedapps:provider,system:masters', operatorUsername: 'admin' }
          : { webhook: false }),
      });
      const logger = pino({ level: options.logLevel });
      const kc = await loadKubeConfig(options);
      await installCrds(kc);
      process.stderr.write('managedapps dev: CRDs installed\n');
      if (flags.samples !== false) {
        await applyObjects(kc, readObjects(fileURLToPath(new URL('../config/samples/', import.meta.url))));
        process.stderr.write('managedapps dev: samples applied (namespace acme-logistics)\n');
      }
      const operator = await startOperator(options, logger, kc);
      process.stderr.write(`managedapps dev: operator running; metrics on http://127.0.0.1:${operator.metricsPort}/metrics\n`);
      process.stderr.write(`managedapps dev: look at it with: KUBECONFIG=${kubeconfigPath} kubectl get managedapps -A\n`);
      return () => operator.stop();
    },
  });
}
