// Helpers of the packaging tests: the helm and kustomize binaries (built once by
// test/controlplane/build-helm.sh), rendering manifests, and server-side apply of arbitrary
// manifests to the test API server as raw JSON (no client-node model in between, which would drop
// keys such as `x-kubernetes-validations`).
import { execFile } from 'node:child_process';
import { request, type RequestOptions } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { namespacedCrd } from '../controlplane/crds.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const chartDir = join(root, 'charts', 'managed-apps-operator');
const run = promisify(execFile);

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [key: string]: unknown;
}

let toolsDir: Promise<string> | undefined;

/** The directory holding `helm` and `kustomize` (built on first use, a few minutes once). */
export function packagingTools(): Promise<string> {
  toolsDir ??= run('bash', [join(root, 'test', 'controlplane', 'build-helm.sh')], { maxBuffer: 1 << 24 }).then(({ stdout }) => {
    const dir = stdout.trim().split('\n').at(-1);
    if (!dir) throw new Error('build-helm.sh printed no directory');
    return dir;
  });
  return toolsDir;
}

/** Runs a packaging tool; rejects with its stderr. */
export async function tool(name: 'helm' | 'kustomize', args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const bin = join(await packagingTools(), name);
  try {
    const { stdout } = await run(bin, [...args], {
      cwd: root,
      maxBuffer: 1 << 26,
      // Helm keeps its caches and config under HOME-like paths: keep them out of the user's.
      env: { ...process.env, HELM_CACHE_HOME: '/tmp/mao-helm/cache', HELM_CONFIG_HOME: '/tmp/mao-helm/config', HELM_DATA_HOME: '/tmp/mao-helm/data', ...env },
    });
    return stdout;
  } catch (error) {
    // helm lint reports its findings on stdout and only the verdict on stderr: both.
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${name} ${args.join(' ')} failed: ${e.stdout ?? ''}${e.stderr || e.message}`);
  }
}

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      return doc.toJS() as Manifest | null;
    })
    .filter((o): o is Manifest => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

export async function helmTemplate(args: readonly string[]): Promise<Manifest[]> {
  return parseManifests(await tool('helm', ['template', ...args]));
}

export async function kustomizeBuild(dir: string): Promise<Manifest[]> {
  return parseManifests(await tool('kustomize', ['build', join(root, dir)]));
}

interface Resource { plural: string; namespaced: boolean }
const discovery = new Map<string, Map<string, Resource>>();

async function raw(kc: KubeConfig, method: string, path: string, body?: string, contentType?: string): Promise<{ status: number; body: string }> {
  const server = new URL(kc.getCurrentCluster()?.server ?? '');
  const headers: Record<string, string | number> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/json';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  const options: RequestOptions = { method, host: server.hostname, port: server.port, path, headers };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Forgets what discovery said (after CRDs were added). */
export function resetDiscovery(): void {
  discovery.clear();
}

async function resourceFor(kc: KubeConfig, apiVersion: string, kind: string): Promise<Resource> {
  let kinds = discovery.get(apiVersion);
  if (!kinds) {
    const res = await raw(kc, 'GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
    if (res.status !== 200) throw new Error(`the API server does not serve ${apiVersion} (HTTP ${res.status})`);
    kinds = new Map();
    for (const r of (JSON.parse(res.body) as { resources: { name: string; kind: string; namespaced: boolean }[] }).resources) {
      if (!r.name.includes('/')) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    }
    discovery.set(apiVersion, kinds);
  }
  const resource = kinds.get(kind);
  if (!resource) throw new Error(`the API server does not serve ${kind} in ${apiVersion}`);
  return resource;
}

/** The URL path of an object. */
export async function objectPath(kc: KubeConfig, o: Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>): Promise<string> {
  const r = await resourceFor(kc, o.apiVersion, o.kind);
  const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  if (r.namespaced && !o.metadata.namespace) throw new Error(`${o.kind}/${o.metadata.name} has no namespace`);
  return `${base}${r.namespaced ? `/namespaces/${o.metadata.namespace ?? ''}` : ''}/${r.plural}/${o.metadata.name}`;
}

/**
 * Server-side apply of each object (`dryRun: true` sends dryRun=All: the API server validates,
 * defaults and admits it but stores nothing). Returns the objects as the server answered them;
 * throws listing every refusal with the server's message.
 */
export async function serverSideApply(kc: KubeConfig, objects: readonly Manifest[], options: { dryRun: boolean; fieldManager?: string }): Promise<Manifest[]> {
  const out: Manifest[] = [];
  const errors: string[] = [];
  for (const o of objects) {
    const query = `fieldManager=${options.fieldManager ?? 'managedapps-packaging-test'}&force=true${options.dryRun ? '&dryRun=All' : ''}`;
    try {
      const res = await raw(kc, 'PATCH', `${await objectPath(kc, o)}?${query}`, JSON.stringify(o), 'application/apply-patch+yaml');
      if (res.status >= 300) {
        errors.push(`${o.kind}/${o.metadata.name}: HTTP ${res.status} ${(JSON.parse(res.body) as { message?: string }).message ?? res.body}`);
      } else {
        out.push(JSON.parse(res.body) as Manifest);
      }
    } catch (error) {
      errors.push(`${o.kind}/${o.metadata.name}: ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) throw new Error(`the API server refused ${errors.length} object(s):\n  ${errors.join('\n  ')}`);
  return out;
}

/** GET an object; undefined when it does not exist. */
export async function getObject(kc: KubeConfig, o: Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>): Promise<Manifest | undefined> {
  const res = await raw(kc, 'GET', await objectPath(kc, o));
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${o.kind}/${o.metadata.name}: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Manifest;
}

/** DELETE an object (a missing one is fine). */
export async function deleteObject(kc: KubeConfig, o: Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>): Promise<void> {
  const res = await raw(kc, 'DELETE', await objectPath(kc, o));
  if (res.status !== 404 && res.status >= 300) throw new Error(`DELETE ${o.kind}/${o.metadata.name}: HTTP ${res.status} ${res.body}`);
}

/** `Kind/namespace/name`, the identity the tests compare. */
export function identity(o: Manifest): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/**
 * Minimal CRDs for the third-party kinds the chart may render (prometheus-operator, cert-manager):
 * the real schemas are not vendored here, so these accept any spec; the test checks that our
 * objects reach the right group, version, kind and scope, not the third-party schemas.
 */
export function thirdPartyCrds(): Manifest[] {
  const crd = (group: string, kind: string, plural: string, version: string): Manifest =>
    namespacedCrd({ group, version, kind, plural, schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
  return [
    crd('monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors', 'v1'),
    crd('monitoring.coreos.com', 'PrometheusRule', 'prometheusrules', 'v1'),
    crd('cert-manager.io', 'Issuer', 'issuers', 'v1'),
    crd('cert-manager.io', 'Certificate', 'certificates', 'v1'),
  ];
}
