// Helpers for integration test files. The control plane itself is started once, by
// global-setup.ts; a test file gets its ControlPlaneInfo with `inject('controlPlane')`:
//
//   const info = inject('controlPlane');
//   const kc = adminKubeConfig(info);
//   const ns = await createNamespace(kc, 'leases');
//   await eventually(async () => { expect(await read()).toBe(...) }, { timeoutMs: 10_000 });
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ControlPlaneInfo } from './index.ts';
import { kubeConfigFor } from './kubeconfig.ts';
import { loadCertificateAuthority, type CertificateAuthority } from './pki.ts';

export type { ControlPlaneInfo } from './index.ts';

/** A KubeConfig for the admin user (group system:masters). */
export function adminKubeConfig(info: ControlPlaneInfo): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(info.kubeconfigPath);
  return kc;
}

const authorities = new Map<string, CertificateAuthority>();

/** A KubeConfig for a user with a new client certificate (CN = name, O = groups) signed by the test CA. */
export function userKubeConfig(info: ControlPlaneInfo, name: string, groups: string[] = []): KubeConfig {
  let ca = authorities.get(info.certDir);
  if (!ca) {
    ca = loadCertificateAuthority(readFileSync(join(info.certDir, 'ca.crt'), 'utf8'), readFileSync(join(info.certDir, 'ca.key'), 'utf8'));
    authorities.set(info.certDir, ca);
  }
  const user = ca.issue({ commonName: name, organizations: groups, usage: 'client' });
  return kubeConfigFor({ server: info.server, caPem: ca.certPem, certPem: user.certPem, keyPem: user.keyPem, user: name });
}

/** Creates a namespace named `<prefix>-<random>` (a valid DNS label) and returns its name. */
export async function createNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const base = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'test';
  const name = `${base}-${randomBytes(4).toString('hex')}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name, labels: { 'managedapps.dev/test': 'true' } } } });
  return name;
}

export interface EventuallyOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default 100 ms. */
  intervalMs?: number;
}

/**
 * Calls `fn` until it neither throws nor returns `false`, and returns its result. Put `expect`s
 * inside. After `timeoutMs` it throws the last error (or says that `fn` kept returning false).
 */
export async function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Exclude<T, false>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await fn();
      if (result !== false) return result as Exclude<T, false>;
      lastError = new Error('the condition returned false');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      if (lastError instanceof Error) {
        lastError.message = `still failing after ${timeoutMs} ms (${attempt} attempts): ${lastError.message}`;
        throw lastError;
      }
      throw new Error(`still failing after ${timeoutMs} ms (${attempt} attempts): ${String(lastError)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * Writes one kubeconfig file for the CLI with a context per person (named after them, in
 * `namespace`), the cluster of `admin`, `current` the current context: how the kubectl-plugin
 * tests act as a client contact or the provider.
 */
export function writePeopleKubeconfig(path: string, admin: KubeConfig, people: readonly (readonly [string, KubeConfig])[], namespace: string, current: string): void {
  type Raw = { clusters: { cluster: unknown }[]; users: { user: unknown }[] };
  const raw = (kc: KubeConfig) => JSON.parse(kc.exportConfig()) as Raw;
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'test', cluster: raw(admin).clusters[0]!.cluster }],
    users: people.map(([name, kc]) => ({ name, user: raw(kc).users[0]!.user })),
    contexts: people.map(([name]) => ({ name, context: { cluster: 'test', user: name, namespace } })),
    'current-context': current,
  }));
}
