// Issue 12 items 6 and 7, on the real API server (design.md §3 "One instant per month", "Seals"):
// a tenant whose contract starts 2026-10-01 (Europe/Paris) lives through October and November on
// a ManualClock; each month's report becomes final, is computed at the month's close (its end
// plus 24 h) and sealed, November chained with October. The tenant is exported, `report
// --offline` on the export reproduces each month, `verify` passes in the cluster and offline; one
// number altered in an exported report fails naming the month and the field; a removed month
// breaks the chain. Every instant is written below (the ManualClock's), none is the day's.
//
// Records (unit os-1, Production, function os; Premium P1s):
//   inc-oct  2026-10-14T10:00Z → 12:00Z: 2 h = 7,200 s of October;
//   inc-nov  2026-11-10T10:00Z → 10:30Z: 1,800 s of November;
//   inc-late 2026-11-30T20:00Z → 2026-12-05T10:00Z, resolved after November's close
//            (2026-11-30T23:00Z + 24 h = 2026-12-01T23:00Z): November judges it as known then,
//            open, so it is listed in November's GTR and interrupts 20:00Z → 23:00Z = 10,800 s;
//            November's interruption is 1,800 + 10,800 = 12,600 s.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { exportCommand } from '../../src/cli/export/index.ts';
import { reportCommand } from '../../src/cli/report.ts';
import { verifyCommand } from '../../src/cli/verify.ts';
import { sealOf } from '../../src/domain/index.ts';
import { KubeClient, Manager, ManualClock } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { contract, createAll, GROUP, incident, PLURALS, managedFunction, openedAt, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

type Report = { metadata: { name: string; annotations?: Record<string, string> }; status?: Record<string, unknown> & { final?: boolean; seal?: { sha256: string; previous: string }; conditions?: { type: string; reason: string }[] } };

const DAY = 86_400_000;

describe('final reports sealed, exported and verified', () => {
  const info = inject('controlPlane');
  const kc = adminKubeConfig(info);
  const client = new KubeClient(kc);
  const clock = new ManualClock(new Date('2026-10-20T12:00:00Z'));
  let manager: Manager;
  let ns = '';
  let dir = '';
  let oct: Report;
  let nov: Report;

  /** The tenant as its git repository holds it: no SLAReport (the operator's to create). */
  const manifests = [
    tenant('t'), contract('c', withSpec({ start: '2026-10-01' })), serviceUnit('os-1'), managedFunction('os', 'OS'),
    incident('inc-oct', 'os-1', openedAt('2026-10-14T10:00:00Z'), resolvedAt('2026-10-14T12:00:00Z')),
    incident('inc-nov', 'os-1', openedAt('2026-11-10T10:00:00Z'), resolvedAt('2026-11-10T10:30:00Z')),
    incident('inc-late', 'os-1', openedAt('2026-11-30T20:00:00Z'), resolvedAt('2026-12-05T10:00:00Z')),
  ];
  const get = (name: string): Promise<Report> => client.request('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/slareports/${name}`);
  /** A label on the tenant: every report of the namespace is reconciled again (at the clock's new instant). */
  let pokes = 0;
  const poke = async (namespace = ns): Promise<void> => {
    pokes++;
    await client.request('PATCH', `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/managedtenants/t`, { body: { metadata: { labels: { poke: String(pokes) } } }, contentType: 'application/merge-patch+json' });
  };
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (s: string) => { out.stdout += s; }, stderr: (s: string) => { out.stderr += s; } } };
  };

  beforeAll(async () => {
    ns = await createNamespace(kc, 'sealed');
    dir = mkdtempSync(join(tmpdir(), 'mao-sealed-'));
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    registerControllers(manager, { clock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    await createAll(kc, ns, manifests);
    const interruption = async (name: string): Promise<unknown> => ((await get(name).catch(() => undefined))?.status?.functions as { interruptionSeconds: number }[] | undefined)?.[0]?.interruptionSeconds;
    // 2026-10-20: the contract's controller creates October's report (no September: before the
    // start); provisional, it counts inc-oct once the caches hold every record.
    await eventually(async () => (await interruption('c-2026-10')) === 7200, { timeoutMs: 30_000 });
    // 2026-11-20: October closed (final at 2026-11-01T23:00Z), the contract's first month: sealed on ''.
    clock.advance(31 * DAY);
    await poke();
    // November, provisional: inc-nov only (inc-late opens on the 30th).
    await eventually(async () => (await get('c-2026-10')).status?.seal !== undefined && (await interruption('c-2026-11')) === 1800, { timeoutMs: 30_000 });
    // 2026-12-10: November closed (final at 2026-12-01T23:00Z), sealed after October.
    clock.advance(20 * DAY);
    await poke();
    await eventually(async () => (await get('c-2026-11')).status?.seal !== undefined, { timeoutMs: 30_000 });
    oct = await get('c-2026-10');
    nov = await get('c-2026-11');
  }, 120_000);

  afterAll(async () => {
    await manager.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two final months, sealed and chained: October on \'\', November on October\'s seal', () => {
    expect(oct.status?.final).toBe(true);
    expect(nov.status?.final).toBe(true);
    // The seal is the SHA-256 of the stored status (read back from the API server) chained as stated.
    expect(oct.status?.seal).toEqual(sealOf(oct.status ?? {}, ''));
    expect(nov.status?.seal).toEqual(sealOf(nov.status ?? {}, oct.status?.seal?.sha256 ?? '?'));
    expect(oct.status?.functions).toEqual([expect.objectContaining({ name: 'os', interruptionSeconds: 7200 })]);
    // Judged at November's close: inc-late is open then (listed) and interrupts to the month's end.
    expect(nov.status?.functions).toEqual([expect.objectContaining({ name: 'os', interruptionSeconds: 12600 })]);
    expect((nov.status?.gtr as { incidents: { name: string }[] }).incidents.map((i) => i.name)).toEqual(['inc-nov', 'inc-late']);
  });

  it('export writes every object; report --offline on it reproduces each month; verify passes in the cluster and offline', async () => {
    const e = io();
    expect(await exportCommand({ files: [], namespace: ns, outputDir: dir, kubeconfig: info.kubeconfigPath }, e.io)).toBe(0);
    expect(readdirSync(join(dir, 'slareports')).sort()).toEqual(['c-2026-10.yaml', 'c-2026-11.yaml', 'c-2026-12.yaml']);
    const exported = parse(readFileSync(join(dir, 'slareports', 'c-2026-11.yaml'), 'utf8')) as Report & { metadata: Record<string, unknown> };
    expect(exported.status?.seal).toEqual(nov.status?.seal);
    // Re-appliable: no server-side metadata.
    for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'ownerReferences']) expect(exported.metadata).not.toHaveProperty(field);

    // Any instant later than the close gives the month as sealed: here half a year on.
    for (const [month, stored] of [['2026-10', oct], ['2026-11', nov]] as const) {
      const r = io();
      expect(await reportCommand({ offline: true, files: [dir], month, now: '2027-06-01T00:00:00Z', output: 'json', namespace: ns }, r.io)).toBe(0);
      const offline = JSON.parse(r.out.stdout) as Record<string, unknown>;
      for (const key of ['period', 'final', 'currency', 'functions', 'credits', 'claimDeadline']) expect(offline[key]).toEqual(stored.status?.[key]);
    }

    const inCluster = io();
    expect(await verifyCommand({ offline: false, files: [], namespace: ns, kubeconfig: info.kubeconfigPath }, inCluster.io)).toBe(0);
    expect(inCluster.out.stdout).toBe(`SupportContract ${ns}/c: 2026-10 to 2026-11, 2 final month(s): verified, the seals chain\n`);
    const offline = io();
    expect(await verifyCommand({ offline: true, files: [dir] }, offline.io)).toBe(0);
    expect(offline.out.stdout).toBe(`SupportContract ${ns}/c: 2026-10 to 2026-11, 2 final month(s): verified, the seals chain\n`);
  });

  it('one number altered in an exported report: verify fails naming the month and the field', async () => {
    const altered = mkdtempSync(join(tmpdir(), 'mao-sealed-altered-'));
    try {
      cpSync(dir, altered, { recursive: true });
      const file = join(altered, 'slareports', 'c-2026-11.yaml');
      const r = parse(readFileSync(file, 'utf8')) as { status: { functions: { interruptionSeconds: number }[] } };
      r.status.functions[0]!.interruptionSeconds = 1800; // was 12,600
      writeFileSync(file, stringify(r));
      const v = io();
      expect(await verifyCommand({ offline: true, files: [altered] }, v.io)).toBe(1);
      const lines = v.out.stdout.split('\n');
      expect(lines).toContain('2026-11: functions[os].interruptionSeconds: sealed 1800, recomputed 12600');
      expect(lines.some((l) => /^2026-11: seal\.sha256: sealed [0-9a-f]{64}, the content hashes to [0-9a-f]{64} \(changed after it was sealed\)$/.test(l))).toBe(true);
      expect(v.out.stderr).toBe('error: verification failed: 2 difference(s)\n');
    } finally {
      rmSync(altered, { recursive: true, force: true });
    }
  });

  it('a month removed from the export: the chain breaks at the next month', async () => {
    const removed = mkdtempSync(join(tmpdir(), 'mao-sealed-removed-'));
    try {
      cpSync(dir, removed, { recursive: true });
      rmSync(join(removed, 'slareports', 'c-2026-10.yaml'));
      const v = io();
      expect(await verifyCommand({ offline: true, files: [removed] }, v.io)).toBe(1);
      expect(v.out.stdout.split('\n')).toContain('2026-10: missing, the chain breaks at 2026-11');
    } finally {
      rmSync(removed, { recursive: true, force: true });
    }
  });

  // GitOps (issue 12, "Tests"): the tenant lost (its namespace emptied, as a prune of every object
  // or a cluster rebuilt would) and applied again from its manifests. The contract's controller
  // re-creates a report for every month since the start; each re-created past month is
  // provisional for 24 h from its creation (reportFinalAt) but computed at its close
  // (reportInstant), so once final it holds the same content, hence the same seal, chained the same.
  it('every object deleted and applied again from the manifests: each past month comes back identical, seals included', async () => {
    const sealed = (r: Report): Record<string, unknown> => {
      const { conditions: _c, observedGeneration: _g, ...rest } = r.status ?? {};
      return rest;
    };
    const list = async (plural: string): Promise<Report[]> => (await client.request<{ items: Report[] }>('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${plural}`)).items;
    for (const plural of Object.values(PLURALS)) {
      for (const o of await list(plural)) await client.request('DELETE', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${plural}/${o.metadata.name}`);
    }
    await eventually(async () => {
      for (const plural of Object.values(PLURALS)) expect(await list(plural), plural).toEqual([]);
    }, { timeoutMs: 30_000 });

    await createAll(kc, ns, manifests);
    // Re-created at 2026-12-10T12:00Z: October and November provisional until 2026-12-11T12:00Z.
    await eventually(async () => {
      const [o, n] = [await get('c-2026-10'), await get('c-2026-11')];
      expect(o.status?.final).toBe(false);
      expect(n.status?.final).toBe(false);
      expect((n.status?.functions as { interruptionSeconds: number }[] | undefined)?.[0]?.interruptionSeconds).toBe(12600);
    }, { timeoutMs: 30_000 });
    // 2026-12-12: 24 h past the re-creation, both final again, sealed in order.
    clock.advance(2 * DAY);
    await poke();
    await eventually(async () => { expect((await get('c-2026-11')).status?.seal).toBeDefined(); }, { timeoutMs: 30_000 });
    const [o2, n2] = [await get('c-2026-10'), await get('c-2026-11')];
    expect(sealed(o2)).toEqual(sealed(oct));
    expect(sealed(n2)).toEqual(sealed(nov));
    expect(n2.status?.seal).toEqual({ sha256: nov.status?.seal?.sha256, previous: oct.status?.seal?.sha256 });
  });

  // An upgrade (design.md §3 "Seals"): October was finalized by an operator that did not seal yet
  // (written here as it wrote it: final, no seal). November is sealed on '' (the chain starts
  // again after a month final before seals), instead of waiting on October forever.
  it('a month final before seals existed: the next month is sealed on \'\', verify notes it and passes', async () => {
    const legacyNs = await createNamespace(kc, 'sealed-legacy');
    const path = (name: string): string => `/apis/${GROUP}/${VERSION}/namespaces/${legacyNs}/slareports/${name}`;
    // The report first (the contract's controller would create October otherwise), created at the
    // clock's instant as that controller stamps it, then the rest.
    await client.request('POST', `/apis/${GROUP}/${VERSION}/namespaces/${legacyNs}/slareports`, { body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAReport', metadata: { name: 'c-2026-10', namespace: legacyNs, annotations: { 'managedapps.dev/created-at': clock.now().toISOString() } }, spec: { contractRef: { name: 'c' }, month: '2026-10' } } });
    await createAll(kc, legacyNs, manifests);
    // The operator computes October (provisional: created 2026-12-12, after its close); the old
    // operator's final write is that content with final true and no seal.
    await eventually(async () => {
      const r = await client.request<Report & { metadata: { resourceVersion?: string } }>('GET', path('c-2026-10'));
      expect((r.status?.functions as { interruptionSeconds: number }[] | undefined)?.[0]?.interruptionSeconds, JSON.stringify(r.status)).toBe(7200);
      const { seal: _s, ...fields } = r.status ?? {};
      await client.request('PUT', path('c-2026-10/status'), { body: { ...r, status: { ...fields, final: true } } });
    }, { timeoutMs: 30_000 });
    // 2026-12-14: November 24 h past its creation, final; sealed on ''.
    clock.advance(2 * DAY);
    await poke(legacyNs);
    await eventually(async () => { expect((await client.request<Report>('GET', path('c-2026-11'))).status?.seal?.previous).toBe(''); }, { timeoutMs: 30_000 });
    expect((await client.request<Report>('GET', path('c-2026-10'))).status?.seal).toBeUndefined();
    const v = io();
    expect(await verifyCommand({ offline: false, files: [], namespace: legacyNs, kubeconfig: info.kubeconfigPath }, v.io)).toBe(0);
    expect(v.out.stdout).toBe(`SupportContract ${legacyNs}/c: 2026-10 to 2026-11, 2 final month(s): verified, the seals chain\n`
      + '2026-10: final without a seal (finalized before seals existed): content checked, the chain starts again at 2026-11\n');
  });
});
