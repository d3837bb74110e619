// Helpers of the operator-process tests (operator-*.test.ts): the operator runs as a real process
// (test/support/operator.ts) under a user of its own, so that the API server's audit log tells its
// writes apart from the test's; statuses are read back and compared with transition times left
// out; /metrics is parsed for the counters the runtime exports.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, expect, inject } from 'vitest';
import { adminKubeConfig, eventually, userKubeConfig, type ControlPlaneInfo } from '../controlplane/client.ts';
import type { OperatorProcess } from '../support/operator.ts';
import { DateTime } from 'luxon';
import { testNow } from '../support/clock.ts';
import { GROUP, PLURALS, VERSION } from './fixtures.ts';

/**
 * How many SLAReports the samples' contract has at the test clock's instant (issue 12: one for
 * every month since its start, 2026-01-01, to the current month in Europe/Paris, inclusive).
 */
export function sampleReports(now: number = testNow()): number {
  const current = DateTime.fromMillis(now, { zone: 'Europe/Paris' });
  return Math.max(0, (current.year - 2026) * 12 + current.month);
}

export type Obj = {
  kind?: string;
  metadata: { name: string; namespace?: string; generation?: number; resourceVersion?: string; ownerReferences?: { kind: string; name: string }[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { observedGeneration?: number; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
};

/**
 * What every operator-process test file starts from: the shared control plane, its audit log, an
 * admin client, a fresh user name for the operator (see operatorKubeconfig), and the operators
 * started, stopped after the file.
 */
export function operatorSuite(prefix: string): { info: ControlPlaneInfo; auditLogPath: string; user: string; kc: KubeConfig; operators: OperatorProcess[] } {
  const info = inject('controlPlane');
  const auditLogPath = info.auditLogPath;
  if (auditLogPath === undefined) throw new Error('the shared control plane runs without an audit log');
  const suite = { info, auditLogPath, user: `${prefix}-${Math.random().toString(36).slice(2, 8)}`, kc: adminKubeConfig(info), operators: [] as OperatorProcess[] };
  afterAll(async () => {
    for (const o of suite.operators) await o.stop();
  });
  return suite;
}

/** A kubeconfig file for a fresh user `name` in system:masters: its writes are its own in the audit log. */
export function operatorKubeconfig(info: ControlPlaneInfo, name: string): string {
  const kc = userKubeConfig(info, name, ['system:masters']);
  const path = join(mkdtempSync(join(tmpdir(), 'managedapps-operator-kc-')), 'kubeconfig');
  writeFileSync(path, kc.exportConfig(), { mode: 0o600 });
  return path;
}

export interface AuditEntry {
  verb: string;
  requestURI: string;
  user: { username: string };
  userAgent?: string;
  stageTimestamp?: string;
  responseStatus?: { code?: number };
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; subresource?: string };
}

/** The audit log as it stands (JSON lines), from byte `offset`; `end` is where the next read starts. */
export function readAudit(path: string, offset = 0): { entries: AuditEntry[]; end: number } {
  const buffer = readFileSync(path);
  const text = buffer.subarray(offset).toString('utf8');
  const last = text.lastIndexOf('\n');
  const complete = last < 0 ? '' : text.slice(0, last);
  const entries = complete.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditEntry);
  return { entries, end: offset + Buffer.byteLength(complete) + (last < 0 ? 0 : 1) };
}

/** Successful writes by `username` to managedapps.dev (Lease renewals are coordination.k8s.io, left out). */
export function writesOf(entries: readonly AuditEntry[], username: string): AuditEntry[] {
  return entries.filter((e) => e.user.username === username && e.objectRef?.apiGroup === GROUP && (e.responseStatus?.code ?? 0) < 300);
}

export const describeWrite = (e: AuditEntry): string => {
  const r = e.objectRef ?? {};
  return `${e.verb} ${r.resource ?? '?'}${r.subresource !== undefined ? `/${r.subresource}` : ''} ${r.namespace ?? ''}/${r.name ?? ''} at ${e.stageTimestamp ?? '?'}`;
};

/**
 * Writes an audited marker (the dry-run create of a MaintenanceWindow that selects nothing) and waits
 * until it is in the log: every write answered before it is then in the log too.
 */
export async function auditBarrier(kc: KubeConfig, auditLogPath: string, namespace: string): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const name = `barrier-${Math.random().toString(36).slice(2, 10)}`;
  await api.createNamespacedCustomObject({
    group: GROUP, version: VERSION, plural: 'maintenancewindows', namespace,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MaintenanceWindow', metadata: { name }, spec: { purpose: 'Maintenance', start: '2020-01-01T00:00:00Z', duration: '1h', selector: { matchLabels: { 'managedapps.dev/none': 'none' } } } },
    // A dry run is audited like a create but stores nothing: the operator never sees the marker
    // (a real one, created then deleted, sometimes got its status written in between, under load).
    dryRun: 'All',
  });
  await eventually(() => readFileSync(auditLogPath, 'utf8').includes(`"${name}"`));
}

/** Every object of our group in `namespace`, keyed `Kind/name`. */
export async function objectsIn(kc: KubeConfig, namespace: string): Promise<Map<string, Obj>> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const out = new Map<string, Obj>();
  for (const [kind, plural] of Object.entries(PLURALS)) {
    const list = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace })) as { items: Obj[] };
    for (const o of list.items) out.set(`${kind}/${o.metadata.name}`, o);
  }
  return out;
}

/** Drops what depends on when it was computed rather than on what: condition transition times. */
export function comparable(status: Obj['status']): unknown {
  if (status === undefined) return undefined;
  const conditions = status.conditions?.map(({ lastTransitionTime: _t, ...c }) => c);
  return { ...status, ...(conditions !== undefined ? { conditions } : {}) };
}

/** Every status of the namespace by `Kind/name`, transition times left out. */
export async function statuses(kc: KubeConfig, namespace: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, o] of await objectsIn(kc, namespace)) out[key] = comparable(o.status);
  return out;
}

/** What is not converged yet: objects without a status of their generation or without Ready. */
export function unconverged(objects: ReadonlyMap<string, Obj>): string[] {
  const out: string[] = [];
  for (const [key, o] of objects) {
    if (o.status?.observedGeneration !== o.metadata.generation) out.push(`${key}: observedGeneration ${String(o.status?.observedGeneration)} != generation ${String(o.metadata.generation)}`);
    else if (!o.status?.conditions?.some((c) => c.type === 'Ready')) out.push(`${key}: no Ready condition`);
  }
  return out;
}

/**
 * Waits until every object of `namespace` is converged (status of its generation, Ready set),
 * `reports` SLAReports exist, and two reads a second and a half apart agree; returns the statuses.
 */
export function converged(kc: KubeConfig, namespace: string, options: { reports: number; timeoutMs?: number }): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const objects = await objectsIn(kc, namespace);
    expect(unconverged(objects)).toEqual([]);
    expect([...objects.keys()].filter((k) => k.startsWith('SLAReport/'))).toHaveLength(options.reports);
    const first = await statuses(kc, namespace);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statuses(kc, namespace)).toEqual(first);
    return first;
  }, { timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 500 });
}

/** The sum of the samples of `name` in a Prometheus text exposition whose labels include `labels`. */
export function metricSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name) continue;
    const have = new Map([...(match[3] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(match[4]);
  }
  return sum;
}

/** The differences between two statuses, as `path: before → after` lines (for failure messages). */
export function statusDiff(before: unknown, after: unknown, path = 'status'): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => statusDiff(before[k], after[k], Array.isArray(before) ? `${path}[${k}]` : `${path}.${k}`));
  }
  return [`${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}
