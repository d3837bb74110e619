// Probe targets that point back at the cluster's own API or at the operator itself (SSRF, issue
// 20 item 2): the prober runs with the operator's network position and identity, so a tenant's
// ServiceUnit must not be able to make it call the API server or the operator's own endpoints.
// The admission webhook refuses them (field named) and the prober does not probe them, unless the
// operator runs with --allow-internal-probe-targets. Pure: the endpoints come in as a parameter
// (main.ts reads them from the kube config and the options).
import type { FieldError } from './to-domain.ts';

/** What counts as internal for this operator. */
export interface InternalEndpoints {
  /** The API server as the operator's kube config names it (its `server` URL). */
  readonly apiServer?: string;
  /** The operator's namespace: every Service in it (`<svc>.<ns>`, `<svc>.<ns>.svc[.<domain>]`). */
  readonly namespace?: string;
  /** The operator's own listening ports (metrics, webhook), refused on loopback and unspecified addresses. */
  readonly ports?: readonly number[];
}

interface Target {
  readonly path: string;
  readonly host: string;
  readonly port: number;
}

type MonitoringLike = {
  readonly httpGet?: { readonly url: string } | undefined;
  readonly prometheus?: { readonly url: string } | undefined;
  readonly tcpSocket?: { readonly host: string; readonly port: number } | undefined;
};

/** `[::1]` → `::1`, lower case, no trailing dot. */
function normalizeHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

function urlTarget(path: string, url: string): Target | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { path, host: normalizeHost(u.hostname), port };
}

function targetsOf(m: MonitoringLike): Target[] {
  const out: Target[] = [];
  if (m.httpGet !== undefined) {
    const t = urlTarget('spec.monitoring.httpGet.url', m.httpGet.url);
    if (t !== undefined) out.push(t);
  }
  if (m.prometheus !== undefined) {
    const t = urlTarget('spec.monitoring.prometheus.url', m.prometheus.url);
    if (t !== undefined) out.push(t);
  }
  if (m.tcpSocket !== undefined) out.push({ path: 'spec.monitoring.tcpSocket.host', host: normalizeHost(m.tcpSocket.host), port: m.tcpSocket.port });
  return out;
}

/** 127.0.0.0/8, ::1, localhost, and the unspecified addresses (which reach the local host). */
function isLocal(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '::' || host === '0.0.0.0'
    || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\./.test(host);
}

/** The `kubernetes` Service of the `default` namespace, in every form a pod's resolver accepts. */
function isKubernetesService(host: string): boolean {
  return host === 'kubernetes' || host === 'kubernetes.default' || host === 'kubernetes.default.svc' || host.startsWith('kubernetes.default.svc.');
}

function inNamespace(host: string, namespace: string): boolean {
  const labels = host.split('.');
  // <svc>.<ns>, <svc>.<ns>.svc, <svc>.<ns>.svc.<cluster domain>; also <pod-ip>.<ns>.pod...
  return labels.length >= 2 && labels[1] === namespace && (labels.length === 2 || labels[2] === 'svc' || labels[2] === 'pod');
}

/**
 * Why the probe of a `spec.monitoring` block points at the cluster's API or at the operator
 * (one error per target, naming its field); empty when it does not, or when `endpoints` is
 * undefined (internal targets allowed).
 */
export function internalTargetErrors(monitoring: MonitoringLike | undefined, endpoints: InternalEndpoints | undefined): FieldError[] {
  if (monitoring === undefined || endpoints === undefined) return [];
  const api = endpoints.apiServer !== undefined ? urlTarget('', endpoints.apiServer) : undefined;
  const flag = 'the operator runs without --allow-internal-probe-targets';
  const errors: FieldError[] = [];
  for (const t of targetsOf(monitoring)) {
    const where = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
    if (isKubernetesService(t.host) || (api !== undefined && t.host === api.host && t.port === api.port)) {
      errors.push({ path: t.path, message: `${where} is the cluster's own API server: probing it is refused (${flag})` });
    } else if (endpoints.namespace !== undefined && inNamespace(t.host, endpoints.namespace)) {
      errors.push({ path: t.path, message: `${where} is in the operator's namespace '${endpoints.namespace}': probing the operator's endpoints is refused (${flag})` });
    } else if (isLocal(t.host) && (endpoints.ports ?? []).includes(t.port)) {
      errors.push({ path: t.path, message: `${where} is one of the operator's own endpoints (port ${t.port} on the local host): probing it is refused (${flag})` });
    }
  }
  return errors;
}

/**
 * The same for a backup check's Prometheus (`spec.backup.check.prometheus.url`, issue 15 item 3):
 * the operator queries it from the same network position.
 */
export function backupCheckInternalErrors(check: { readonly prometheus: { readonly url: string } } | undefined, endpoints: InternalEndpoints | undefined): FieldError[] {
  if (check === undefined) return [];
  return internalTargetErrors({ prometheus: check.prometheus }, endpoints)
    .map((e) => ({ ...e, path: e.path.replace('spec.monitoring.', 'spec.backup.check.') }));
}
