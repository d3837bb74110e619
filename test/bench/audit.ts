// The control plane's audit log (test/controlplane: JSON lines), read incrementally by the
// benchmarks that count the operator's writes (operator, shards).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userKubeConfig } from '../controlplane/client.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { installCrds } from '../../src/main.ts';
import { KubeClient } from '../../src/runtime/kube.ts';

export type AuditLine = {
  verb: string; user: { username: string }; userAgent?: string; stageTimestamp: string; responseStatus?: { code?: number };
  objectRef?: { apiGroup?: string; resource?: string; namespace?: string; name?: string; subresource?: string };
};

/** Reads the audit log incrementally; keeps `username`'s successful writes to `group`. */
export class AuditTail {
  #offset = 0;
  readonly writes: AuditLine[] = [];
  readonly #path: string;
  readonly #username: string;
  readonly #group: string;
  constructor(path: string, username: string, group: string) {
    this.#path = path;
    this.#username = username;
    this.#group = group;
  }
  /** The lines written since the last read (whole lines only), also appended to `writes`. */
  read(): AuditLine[] {
    const text = readFileSync(this.#path).subarray(this.#offset).toString('utf8');
    const last = text.lastIndexOf('\n');
    if (last < 0) return [];
    this.#offset += Buffer.byteLength(text.slice(0, last + 1));
    const fresh = text.slice(0, last).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditLine)
      .filter((e) => e.user.username === this.#username && e.objectRef?.apiGroup === this.#group && (e.responseStatus?.code ?? 0) < 300);
    this.writes.push(...fresh);
    return fresh;
  }
}

/**
 * A private control plane with its audit log, the CRDs installed, an admin client, a kubeconfig
 * file for the operator as `username` (in system:masters: its writes are told apart in the audit
 * log by the user) and the audit log's reader of that user's writes to `group`.
 */
export async function startAuditedControlPlane(username: string, group: string): Promise<{ cp: ControlPlane; client: KubeClient; kubeconfigPath: string; audit: AuditTail }> {
  const cp = await startControlPlane({ auditLog: true });
  try {
    const kc = cp.kubeConfig();
    await installCrds(kc);
    const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'managedapps-bench-')), 'kubeconfig');
    writeFileSync(kubeconfigPath, userKubeConfig(cp.info, username, ['system:masters']).exportConfig(), { mode: 0o600 });
    return { cp, client: new KubeClient(kc), kubeconfigPath, audit: new AuditTail(cp.info.auditLogPath!, username, group) };
  } catch (err) {
    await cp.stop();
    throw err;
  }
}
