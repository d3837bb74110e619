// End to end (issue 15 item 3, seed §5.10.1 Table 2 "Surveillance des sauvegardes"): the operator
// as a process (`managedapps run --probes true`, leader election on) on its own control plane,
// reading the units' last successful backup from Debian's real `prometheus`, which scrapes a
// recording of backup timestamps (an exporter this test serves: the gauge
// `backup_last_success_timestamp_seconds{unit}`, as Velero's or a textfile collector's). Asserted:
// a backup on schedule says so with its deadline; a missed one (a last success too old, or none
// recorded since the acceptance test) opens exactly one incident, named after its deadline, which
// the availability probe of the same unit leaves alone; the operator killed and started again
// opens no second one (derived from the records in the API); a new success resolves it at that
// success. Runs where Debian's `prometheus` is installed; under CI=true its absence fails.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyObjects } from '../../src/cli/apply.ts';
import { eventually } from '../controlplane/client.ts';
import { installCrds, readCrds } from '../controlplane/crds.ts';
import { ensureBinaries, startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { testNow } from '../support/clock.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { hasPrometheus, startPrometheus, type RunningPrometheus } from './prometheus.ts';

const root = join(import.meta.dirname, '../..');
const available = hasPrometheus();
const ci = process.env.CI === 'true' || process.env.CI === '1';

const TENANT = 'acme-backups';
const OPERATOR_NAMESPACE = 'managedapps-system';
const GROUP = 'managedapps.dev';
const VERSION = 'v1alpha1';
const DAY = 86_400;

type Obj = KubernetesObject & { spec: Record<string, unknown>; status?: Record<string, unknown> };
interface Condition { type: string; status: string; reason: string; message: string }
type Unit = Obj & { status?: { backup?: { lastSuccessTime?: string; deadline?: string; incident?: { name: string }; message?: string }; conditions?: Condition[] } };
type Incident = Obj & { spec: { unitRefs: { name: string }[]; priority: string; openedAt: string; resolvedAt?: string; detection: string } };

/** RFC 3339 to the second, UTC, as the operator writes instants. */
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
/** `20261014083000`: the incident name's suffix (src/monitoring/unit-probe.ts compactUtc). */
const compact = (seconds: number): string => iso(seconds).slice(0, 19).replace(/[-T:]/g, '');

describe.skipIf(!available && !ci)('backups observed from a real Prometheus: one incident per missed backup, across a restart', () => {
  let controlPlane: ControlPlane | undefined;
  let operator: OperatorProcess | undefined;
  let prometheus: RunningPrometheus | undefined;
  let exporter: http.Server | undefined;
  let kc: KubeConfig;
  // The test's instant in whole seconds; the operator runs on the same clock (test/support/clock.ts),
  // to within the seconds of its start, against margins of days.
  const t0 = Math.floor(testNow() / 1000);
  /** The recording the exporter serves: the last success per unit (Unix seconds); a unit absent has no series. */
  const lastSuccess: Record<string, number> = {
    // WEEKLY-1, 2 days ago: on schedule; due by t0 − 2 d + 7 d + 1 d = t0 + 6 d.
    'files-ok': t0 - 2 * DAY,
    // WEEKLY-2, 9 days ago: missed since t0 − 9 d + 8 d = t0 − 1 d.
    'files-missed': t0 - 9 * DAY,
  };

  const api = (): CustomObjectsApi => kc.makeApiClient(CustomObjectsApi);
  const list = async <T extends Obj>(plural: string): Promise<T[]> =>
    ((await api().listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: TENANT, plural })) as { items: T[] }).items;
  const unit = async (name: string): Promise<Unit> => (await list<Unit>('serviceunits')).find((u) => u.metadata?.name === name)!;
  const backupIncidents = async (): Promise<Incident[]> => (await list<Incident>('incidents')).filter((i) => i.metadata?.labels?.['managedapps.dev/check'] === 'Backup');
  const condition = (u: Unit): Condition | undefined => u.status?.conditions?.find((c) => c.type === 'BackupOnSchedule');
  const diagnose = async (error: unknown): Promise<never> => {
    const units = (await list<Unit>('serviceunits')).map((u) => `${u.metadata!.name}: ${JSON.stringify(u.status)}`);
    const ready = await fetch(`${prometheus?.url ?? ''}/-/ready`).then((r) => String(r.status), (e: unknown) => String(e));
    throw new Error(`${String(error)}\n--- prometheus /-/ready: ${ready}\n--- units\n${units.join('\n')}\n--- operator log\n${operator?.process.tail().join('\n') ?? ''}`, { cause: error });
  };

  const backupUnit = (name: string, backup: Record<string, unknown>, extra: Record<string, unknown> = {}): Obj => ({
    apiVersion: `${GROUP}/${VERSION}`, kind: 'ServiceUnit', metadata: { name, namespace: TENANT },
    spec: {
      level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
      backup: { ...backup, check: { prometheus: { url: prometheus!.url, query: `backup_last_success_timestamp_seconds{unit="${name}"}` }, period: '10s', timeout: '5s' } },
      ...extra,
    },
  });

  beforeAll(async () => {
    expect(available, 'prometheus not found: apt-get install -y prometheus').toBe(true);
    // The recording of backup timestamps, served as a scrape target; also the HTTP target of the
    // availability probe of files-missed (up, so its probe has nothing to open or resolve).
    exporter = http.createServer((_req, res) => {
      const lines = Object.entries(lastSuccess).map(([u, v]) => `backup_last_success_timestamp_seconds{unit="${u}"} ${v}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# TYPE backup_last_success_timestamp_seconds gauge\n${lines.join('\n')}\n`);
    });
    await new Promise<void>((resolve) => { exporter!.listen(0, '127.0.0.1', resolve); });
    const exporterHost = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
    prometheus = await startPrometheus({ targets: [exporterHost], ruleFiles: [] });
    await eventually(async () => { expect(await prometheus!.query('backup_last_success_timestamp_seconds')).toHaveLength(2); }, { timeoutMs: 60_000, intervalMs: 200 });

    const binDir = await ensureBinaries();
    controlPlane = await startControlPlane({ binDir });
    kc = controlPlane.kubeConfig();
    await installCrds(kc, readCrds(join(root, 'crds')));
    await applyObjects(kc, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: TENANT } },
      backupUnit('files-ok', { policy: 'WEEKLY-1' }),
      backupUnit('files-missed', { policy: 'WEEKLY-2' }, {
        monitoring: { httpGet: { url: `http://${exporterHost}/metrics` }, period: '1s', timeout: '1s', failureThreshold: 1, resolveAfter: '1s' },
      }),
      // No series at all: owed since the acceptance test 40 days ago, MONTHLY-3 (32 days): missed since t0 − 8 d.
      backupUnit('o365-never', { policy: 'MONTHLY-3', acceptanceTest: { passedAt: iso(t0 - 40 * DAY), acceptedBy: 'jane.doe@acme.example', reference: 'PV-2026-017' } }),
    ] as Obj[]);
    operator = await startOperatorProcess({ kubeconfigPath: controlPlane.info.kubeconfigPath, probes: true, leaderElectionNamespace: OPERATOR_NAMESPACE, watchNamespace: TENANT });
    await operator.ready(120_000);
  });

  afterAll(async () => {
    await operator?.stop();
    await prometheus?.stop();
    if (exporter !== undefined) await new Promise<void>((resolve) => { exporter!.closeAllConnections(); exporter!.close(() => { resolve(); }); });
    await controlPlane?.stop();
  });

  it('a backup on schedule: BackupOnSchedule True, its last success and its deadline', async () => {
    const u = await eventually(async () => {
      const x = await unit('files-ok');
      expect(condition(x)?.status).toBe('True');
      return x;
    }, { timeoutMs: 60_000, intervalMs: 250 }).catch(diagnose);
    expect(condition(u)?.reason).toBe('BackupSucceeded');
    // t0 − 2 d, and t0 − 2 d + 8 d = t0 + 6 d.
    expect(u.status?.backup).toEqual({ lastSuccessTime: iso(t0 - 2 * DAY), deadline: iso(t0 + 6 * DAY) });
  });

  it('a missed backup opens exactly one incident, named after its deadline; the probe of the unit leaves it open', async () => {
    const missed = await eventually(async () => {
      const incidents = await backupIncidents();
      expect(incidents.map((i) => i.spec.unitRefs[0]?.name).sort()).toEqual(['files-missed', 'o365-never']);
      return incidents;
    }, { timeoutMs: 60_000, intervalMs: 250 }).catch(diagnose);
    const files = missed.find((i) => i.spec.unitRefs[0]?.name === 'files-missed')!;
    // Deadline t0 − 9 d + 8 d = t0 − 1 d: the incident's openedAt and name; P3 by default, Monitoring.
    expect(files.metadata?.name).toBe(`files-missed-bkp-${compact(t0 - DAY)}`);
    expect(files.spec).toMatchObject({ priority: 'P3', detection: 'Monitoring', openedAt: iso(t0 - DAY) });
    expect(files.spec.resolvedAt).toBeUndefined();
    const never = missed.find((i) => i.spec.unitRefs[0]?.name === 'o365-never')!;
    // No success recorded: the acceptance test t0 − 40 d + 32 d = t0 − 8 d.
    expect(never.metadata?.name).toBe(`o365-never-bkp-${compact(t0 - 8 * DAY)}`);
    expect(never.spec.openedAt).toBe(iso(t0 - 8 * DAY));

    // The unit's status is written after the incident it opened: wait for it (it failed once under load).
    const u = await eventually(async () => {
      const got = await unit('files-missed');
      expect(condition(got)).toMatchObject({ status: 'False', reason: 'BackupMissed' });
      return got;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(u.status?.backup).toEqual({ lastSuccessTime: iso(t0 - 9 * DAY), deadline: iso(t0 - DAY), incident: { name: files.metadata!.name! } });
    // The metrics say it too (ManagedUnitBackupMissed reads the first): files-missed 0, due at
    // t0 − 1 d (t0 is in Unix seconds); files-ok 1.
    await eventually(async () => {
      const lines = (await operator!.get('/metrics')).body.split('\n');
      const value = (metric: string, name: string): number => Number(lines.find((l) => l.startsWith(`${metric}{`) && l.includes(`name="${name}"`))?.split(' ').pop());
      expect(value('managedapps_unit_backup_on_schedule', 'files-missed')).toBe(0);
      expect(value('managedapps_unit_backup_deadline_timestamp_seconds', 'files-missed')).toBe(t0 - DAY);
      expect(value('managedapps_unit_backup_on_schedule', 'files-ok')).toBe(1);
    }, { timeoutMs: 30_000, intervalMs: 500 }).catch(diagnose);
    // The availability probe of files-missed is up (Available True) and opened nothing: after
    // several of its 1 s periods and its 1 s resolveAfter, the backup incident is still open.
    await eventually(async () => { expect((await unit('files-missed')).status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True'); }, { timeoutMs: 60_000, intervalMs: 250 }).catch(diagnose);
    await new Promise((r) => setTimeout(r, 5_000));
    const after = await list<Incident>('incidents');
    expect(after.map((i) => i.metadata!.name).sort()).toEqual(missed.map((i) => i.metadata!.name).sort());
    expect(after.every((i) => i.spec.resolvedAt === undefined)).toBe(true);
  });

  it('the operator killed and started again opens no second incident', async () => {
    const before = (await backupIncidents()).map((i) => i.metadata!.name).sort();
    expect(before).toHaveLength(2);
    await operator!.kill();
    operator = await startOperatorProcess({ kubeconfigPath: controlPlane!.info.kubeconfigPath, probes: true, leaderElectionNamespace: OPERATOR_NAMESPACE, watchNamespace: TENANT });
    await operator.ready(120_000);
    // The new process leads (the killed one's lease expired) and has checked the 3 units at
    // least twice each (its start, then every 10 s): 6 reconciles of backup-check that did not
    // fail (`requeue_after`: each asks to be looked at again at its next check).
    await eventually(async () => {
      const metrics = (await operator!.get('/metrics')).body;
      const done = metrics.split('\n').filter((l) => l.startsWith('controller_runtime_reconcile_total{') && l.includes('controller="backup-check"') && /result="(success|requeue_after)"/.test(l));
      expect(done.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0)).toBeGreaterThanOrEqual(6);
    }, { timeoutMs: 90_000, intervalMs: 500 }).catch(diagnose);
    expect((await backupIncidents()).map((i) => i.metadata!.name).sort()).toEqual(before);
    expect((await list<Incident>('incidents'))).toHaveLength(2);
  }, 180_000);

  it('a new success resolves the incident at that success, and opens nothing', async () => {
    const name = `files-missed-bkp-${compact(t0 - DAY)}`;
    // A backup succeeds now: the recording says so at Prometheus' next scrape (1 s).
    const t1 = Math.floor(testNow() / 1000);
    lastSuccess['files-missed'] = t1;
    const resolved = await eventually(async () => {
      const i = (await backupIncidents()).find((x) => x.metadata?.name === name);
      expect(i?.spec.resolvedAt).toBeDefined();
      return i!;
    }, { timeoutMs: 60_000, intervalMs: 250 }).catch(diagnose);
    expect(resolved.spec.resolvedAt).toBe(iso(t1));
    const u = await eventually(async () => {
      const x = await unit('files-missed');
      expect(condition(x)?.status).toBe('True');
      return x;
    }, { timeoutMs: 30_000, intervalMs: 250 }).catch(diagnose);
    // Due again by t1 + 8 d.
    expect(u.status?.backup).toEqual({ lastSuccessTime: iso(t1), deadline: iso(t1 + 8 * DAY) });
    // Still two backup incidents in all: o365-never's open, files-missed's resolved.
    const all = await backupIncidents();
    expect(all.map((i) => [i.metadata!.name, i.spec.resolvedAt !== undefined]).sort()).toEqual([[name, true], [`o365-never-bkp-${compact(t0 - 8 * DAY)}`, false]]);
  });
});
