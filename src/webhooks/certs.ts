// The webhook's serving certificate and its registration with the API server.
//
// Three sources, chosen by `webhookCertificates()`:
//   - cert-manager (in a cluster, when installed): a Certificate writes a Secret that is mounted
//     into the pod (tls.crt, tls.key, ca.crt); the configurations carry the annotation
//     `cert-manager.io/inject-ca-from: <namespace>/<certificate>` and cert-manager's cainjector
//     writes their caBundle. The operator only reads the mounted files (and never touches caBundle).
//   - generated (in a cluster without cert-manager): the first replica to start generates a CA
//     and a serving certificate for `<service>.<namespace>.svc` and stores them in a Secret of its
//     namespace; every replica serves that same certificate (one CA, so the injected caBundle
//     trusts all replicas); a certificate close to expiry, or for other names, is replaced.
//     The CA is injected (`caBundle`) into both configurations by name.
//   - local (`npm start`, tests): generated in memory for 127.0.0.1, with configurations that
//     point at `url: https://127.0.0.1:<port>/...`; or, with a mounted directory, read from it
//     like cert-manager's (the caBundle then belongs to whoever issued it).
//
// Rotation (issue 20 item 5): a mounted certificate is reloaded when its files change
// (runtime/cert-reloader.ts); a generated one is renewed before it expires (renewal.ts). When a
// renewal brings a new CA, the Secret's ca.crt, and so the caBundle, holds the new CA and the
// previous one: replicas still serving the old certificate stay trusted until they swap.
//
// The configurations: rules for our group's kinds only (ownership.ts ADMISSION_RULES: CREATE,
// UPDATE and DELETE of the main resources, and an SLAReport's status; no other status write is
// intercepted, so a webhook outage never blocks the controllers' other statuses), failurePolicy
// Fail, sideEffects None, timeoutSeconds 5, matchPolicy Equivalent, and every namespace: our
// kinds are refused in kube-system and the operator's namespace rather than skipped there.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GROUP } from '../api/v1alpha1/index.ts';
import { ApiError, realClock, type KubeClient } from '../runtime/index.ts';
import { ADMISSION_RULES } from './ownership.ts';
import { generateServingCertificate, needsRenewal, type ServingCertificate } from './pki.ts';
import { MUTATE_PATH, VALIDATE_PATH, type TlsMaterial } from './server.ts';

export const DEFAULT_CONFIGURATION_NAME = 'managed-apps-operator';
export const MUTATING_WEBHOOK_NAME = 'mutate.managedapps.dev';
export const VALIDATING_WEBHOOK_NAME = 'validate.managedapps.dev';
export const CERT_MANAGER_INJECT_ANNOTATION = 'cert-manager.io/inject-ca-from';
/** design.md §2 timeouts: the API server waits this long, then applies failurePolicy Fail. */
export const WEBHOOK_TIMEOUT_SECONDS = 5;

const ADMISSION = '/apis/admissionregistration.k8s.io/v1';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface WebhookConfigurationOptions {
  /** `url`: the API server calls `url` directly (local); `service`: through the operator's Service. */
  readonly mode: 'url' | 'service';
  /** PEM CA bundle; undefined keeps what is there (cert-manager's cainjector owns it). */
  readonly caBundle?: string | undefined;
  /** mode url: the server's base URL, e.g. https://127.0.0.1:9443. */
  readonly url?: string;
  /** mode service: the Service in front of the webhook server. */
  readonly service?: { readonly namespace: string; readonly name: string; readonly port?: number };
  /** Name of both configurations. Default `managed-apps-operator`. */
  readonly name?: string;
  /** The operator's namespace (intercepted like every namespace: our kinds are refused there). */
  readonly operatorNamespace?: string;
  /** Added to the namespaceSelector (tests scope the webhook to their own namespaces with it). */
  readonly namespaceSelector?: LabelSelector;
  /** `<namespace>/<certificate>`: adds the cert-manager CA injection annotation. */
  readonly certManagerInjectFrom?: string;
}

export type WebhookConfiguration = {
  apiVersion: 'admissionregistration.k8s.io/v1';
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
  webhooks: Record<string, unknown>[];
};

/** The two configurations, as they are written to the API server (and to config/webhook). */
export function webhookConfigurations(options: WebhookConfigurationOptions): { mutating: WebhookConfiguration; validating: WebhookConfiguration } {
  const name = options.name ?? DEFAULT_CONFIGURATION_NAME;
  const namespaceSelector = {
    ...(options.namespaceSelector?.matchLabels === undefined ? {} : { matchLabels: options.namespaceSelector.matchLabels }),
    ...(options.namespaceSelector?.matchExpressions === undefined ? {} : { matchExpressions: options.namespaceSelector.matchExpressions }),
  };
  const clientConfig = (path: string): Record<string, unknown> => {
    const caBundle = options.caBundle === undefined ? {} : { caBundle: Buffer.from(options.caBundle).toString('base64') };
    if (options.mode === 'url') {
      if (options.url === undefined) throw new Error('webhook configuration: mode url needs options.url');
      return { url: `${options.url.replace(/\/$/, '')}${path}`, ...caBundle };
    }
    if (options.service === undefined) throw new Error('webhook configuration: mode service needs options.service');
    return { service: { namespace: options.service.namespace, name: options.service.name, path, port: options.service.port ?? 443 }, ...caBundle };
  };
  const common = (path: string, rules: { readonly operations: readonly string[]; readonly resources: readonly string[] }) => ({
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
    ...(Object.keys(namespaceSelector).length === 0 ? {} : { namespaceSelector }),
    rules: [{ apiGroups: [GROUP], apiVersions: ['*'], operations: [...rules.operations], resources: [...rules.resources], scope: 'Namespaced' }],
    clientConfig: clientConfig(path),
  });
  const metadata = () => ({
    name,
    labels: { 'app.kubernetes.io/name': 'managed-apps-operator', 'app.kubernetes.io/component': 'webhook' },
    ...(options.certManagerInjectFrom === undefined ? {} : { annotations: { [CERT_MANAGER_INJECT_ANNOTATION]: options.certManagerInjectFrom } }),
  });
  return {
    mutating: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: metadata(),
      webhooks: [{ name: MUTATING_WEBHOOK_NAME, reinvocationPolicy: 'Never', ...common(MUTATE_PATH, ADMISSION_RULES.mutate) }],
    },
    validating: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: metadata(),
      webhooks: [{ name: VALIDATING_WEBHOOK_NAME, ...common(VALIDATE_PATH, ADMISSION_RULES.validate) }],
    },
  };
}

const collection = (kind: WebhookConfiguration['kind']): string =>
  `${ADMISSION}/${kind === 'MutatingWebhookConfiguration' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations'}`;

/**
 * Creates or updates both configurations (GET, then POST or PUT on the resourceVersion read, so a
 * concurrent writer makes this fail with a Conflict rather than be overwritten). Without
 * `caBundle` the current one is kept. In a cluster the installation creates the configurations
 * and the operator's ClusterRole grants only get/update on them by name.
 */
export async function ensureWebhookConfiguration(client: KubeClient, options: WebhookConfigurationOptions): Promise<void> {
  const { mutating, validating } = webhookConfigurations(options);
  for (const desired of [mutating, validating]) {
    const path = `${collection(desired.kind)}/${encodeURIComponent(desired.metadata.name)}`;
    let current: WebhookConfiguration | undefined;
    try {
      current = await client.request<WebhookConfiguration>('GET', path);
    } catch (err) {
      if (!(err instanceof ApiError) || err.statusCode !== 404) throw err;
    }
    if (current === undefined) {
      await client.request('POST', collection(desired.kind), { body: desired });
      continue;
    }
    const keepCa = (hook: Record<string, unknown>): Record<string, unknown> => {
      if (options.caBundle !== undefined) return hook;
      const before = current.webhooks.find((w) => w.name === hook.name)?.clientConfig as { caBundle?: string } | undefined;
      const clientConfig = hook.clientConfig as Record<string, unknown>;
      return before?.caBundle === undefined ? hook : { ...hook, clientConfig: { ...clientConfig, caBundle: before.caBundle } };
    };
    await client.request('PUT', path, {
      body: {
        ...desired,
        metadata: {
          ...desired.metadata,
          resourceVersion: current.metadata.resourceVersion,
          labels: { ...current.metadata.labels, ...desired.metadata.labels },
          annotations: { ...current.metadata.annotations, ...desired.metadata.annotations },
        },
        webhooks: desired.webhooks.map(keepCa),
      },
    });
  }
}

/** Deletes both configurations (404 is fine). */
export async function deleteWebhookConfiguration(client: KubeClient, name = DEFAULT_CONFIGURATION_NAME): Promise<void> {
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const) {
    try {
      await client.request('DELETE', `${collection(kind)}/${encodeURIComponent(name)}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.statusCode !== 404) throw err;
    }
  }
}

// ---- the serving certificate --------------------------------------------------------------------

/** The names a Service answers to inside the cluster. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/** A certificate mounted from a cert-manager Secret (tls.crt, tls.key, ca.crt), or undefined when absent. */
export function loadMountedCertificate(dir: string): ServingCertificate | undefined {
  const file = (name: string) => join(dir, name);
  if (!existsSync(file('tls.crt')) || !existsSync(file('tls.key'))) return undefined;
  const certPem = readFileSync(file('tls.crt'), 'utf8');
  return { certPem, keyPem: readFileSync(file('tls.key'), 'utf8'), caPem: existsSync(file('ca.crt')) ? readFileSync(file('ca.crt'), 'utf8') : certPem };
}

type Secret = { metadata?: { resourceVersion?: string }; data?: Record<string, string> };

const fromSecret = (secret: Secret): ServingCertificate => {
  const field = (k: string) => Buffer.from(secret.data?.[k] ?? '', 'base64').toString('utf8');
  return { certPem: field('tls.crt'), keyPem: field('tls.key'), caPem: field('ca.crt') };
};

const secretBody = (namespace: string, name: string, cert: ServingCertificate, resourceVersion?: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/tls',
  metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'managed-apps-operator', 'app.kubernetes.io/component': 'webhook' }, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
  data: {
    'tls.crt': Buffer.from(cert.certPem).toString('base64'),
    'tls.key': Buffer.from(cert.keyPem).toString('base64'),
    'ca.crt': Buffer.from(cert.caPem).toString('base64'),
  },
});

/** The generated certificate as its Secret stores it, or undefined when there is no such Secret. */
export async function readCertificateSecret(client: KubeClient, namespace: string, name: string): Promise<ServingCertificate | undefined> {
  try {
    return fromSecret(await client.request<Secret>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`));
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/** PEM blocks of a bundle, in order. */
export function pemCertificates(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.map((c) => c.endsWith('\n') ? c : `${c}\n`) ?? [];
}

/**
 * The CA bundle after a renewal: the new CA first (what `needsRenewal` checks the certificate
 * against), then the previous bundle's first CA while it has not expired, so that a replica still
 * serving the previous certificate is trusted until it swaps. One previous CA is enough: renewals
 * are months apart and a replica swaps within a poll period.
 */
export function renewedCaBundle(newCaPem: string, previousBundle: string, now: Date): string {
  const previous = pemCertificates(previousBundle)[0];
  if (previous === undefined) return newCaPem;
  try {
    const x509 = new X509Certificate(previous);
    if (new Date(x509.validTo).getTime() <= now.getTime() || !x509.ca) return newCaPem;
  } catch {
    return newCaPem;
  }
  return previous === newCaPem ? newCaPem : `${newCaPem}${previous}`;
}

export interface CertificateSecretOptions {
  readonly namespace: string;
  readonly name: string;
  readonly service: string;
  /** Default the real clock's now (certificates are judged on the real clock, see pki.ts). */
  readonly now?: Date;
  /**
   * Called with the new CA bundle before a new certificate is stored (the Secret created or
   * replaced), so that the API server trusts the new CA before any replica can read (and serve)
   * the new certificate: write it into the configurations' caBundle. A throw leaves the Secret
   * as it was.
   */
  readonly beforeStore?: (caBundle: string) => Promise<void>;
  /** When there is no Secret (deleted by hand): the bundle in use, whose first CA stays trusted beside the new one. */
  readonly previousCaBundle?: string;
}

/**
 * The serving certificate shared by every replica, kept in a Secret of the operator's
 * namespace: read it, or generate one (first replica wins a create race; the loser reads the
 * winner's), or replace it when `needsRenewal` says so (its ca.crt then holds the new CA and the
 * previous one, `renewedCaBundle`).
 */
export async function ensureCertificateSecret(client: KubeClient, options: CertificateSecretOptions): Promise<ServingCertificate> {
  const now = options.now ?? realClock.now();
  const dnsNames = serviceDnsNames(options.service, options.namespace);
  const path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/secrets`;
  const generate = () => generateServingCertificate({ commonName: `${options.service}.${options.namespace}.svc`, dnsNames, now });
  for (let attempt = 0; attempt < 3; attempt++) {
    let secret: Secret | undefined;
    try {
      secret = await client.request<Secret>('GET', `${path}/${encodeURIComponent(options.name)}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.statusCode !== 404) throw err;
    }
    try {
      if (secret === undefined) {
        const fresh = generate();
        const cert = { ...fresh, caPem: renewedCaBundle(fresh.caPem, options.previousCaBundle ?? '', now) };
        await options.beforeStore?.(cert.caPem);
        await client.request('POST', path, { body: secretBody(options.namespace, options.name, cert) });
        return cert;
      }
      const stored = fromSecret(secret);
      if (needsRenewal(stored, { dnsNames }, now) === undefined) return stored;
      const fresh = generate();
      const cert = { ...fresh, caPem: renewedCaBundle(fresh.caPem, stored.caPem, now) };
      await options.beforeStore?.(cert.caPem);
      await client.request('PUT', `${path}/${encodeURIComponent(options.name)}`, { body: secretBody(options.namespace, options.name, cert, secret.metadata?.resourceVersion) });
      return cert;
    } catch (err) {
      // Another replica created or renewed it first: read theirs.
      if (err instanceof ApiError && (err.statusCode === 409)) continue;
      throw err;
    }
  }
  throw new Error(`webhook certificate Secret ${options.namespace}/${options.name}: kept conflicting with another writer`);
}

export type CertificateOptions =
  | {
    readonly mode: 'url';
    readonly host: string;
    /** A mounted certificate (tls.crt, tls.key) instead of one generated in memory; its caBundle is then the issuer's to write. */
    readonly mountedDir?: string;
  }
  | {
    readonly mode: 'service';
    readonly namespace: string;
    readonly service: string;
    /** Where cert-manager's Secret is mounted (tls.crt, tls.key, ca.crt): set only with cert-manager. */
    readonly mountedDir?: string;
    /** The Secret the operator keeps its generated certificate in. Default `<service>-selfsigned-tls` (config/rbac names it). */
    readonly secretName?: string;
  };

export interface WebhookCertificates {
  readonly tls: TlsMaterial;
  /** For `ensureWebhookConfiguration`; undefined when cert-manager injects it. */
  readonly caBundle: string | undefined;
  /** cert-manager: mounted files (`mountedDir`), reloaded on change; secret: generated and shared, renewed; local: in memory. */
  readonly source: 'cert-manager' | 'secret' | 'local';
  /** source secret: the certificate as stored, CA bundle included (for the renewer). */
  readonly stored?: ServingCertificate;
}

/** Picks the certificate source (see the header) and returns the serving material. */
export async function webhookCertificates(client: KubeClient, options: CertificateOptions & { readonly beforeStore?: (caBundle: string) => Promise<void> }): Promise<WebhookCertificates> {
  if (options.mountedDir !== undefined) {
    // The kubelet starts the pod only once the Secret exists, so missing files are a mistake.
    const mounted = loadMountedCertificate(options.mountedDir);
    if (mounted === undefined) throw new Error(`webhook certificate: no tls.crt and tls.key in ${options.mountedDir} (is cert-manager's Secret mounted there?)`);
    return { tls: { cert: mounted.certPem, key: mounted.keyPem }, caBundle: undefined, source: 'cert-manager' };
  }
  if (options.mode === 'url') {
    const ip = /^[0-9.]+$|:/.test(options.host);
    const cert = generateServingCertificate({ commonName: options.host, ...(ip ? { ipAddresses: [options.host] } : { dnsNames: [options.host] }) });
    return { tls: { cert: cert.certPem, key: cert.keyPem }, caBundle: cert.caPem, source: 'local' };
  }
  const cert = await ensureCertificateSecret(client, {
    namespace: options.namespace, name: secretNameOf(options), service: options.service,
    ...(options.beforeStore === undefined ? {} : { beforeStore: options.beforeStore }),
  });
  return { tls: { cert: cert.certPem, key: cert.keyPem }, caBundle: cert.caPem, source: 'secret', stored: cert };
}

/** The Secret of the generated certificate: `<service>-selfsigned-tls` unless named (config/rbac grants that name). */
export function secretNameOf(options: { readonly service: string; readonly secretName?: string }): string {
  return options.secretName ?? `${options.service}-selfsigned-tls`;
}
