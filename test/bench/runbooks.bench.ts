// Runbook Jobs at scale (issue 14 item 3, "Performance"): a month's 500 approved provider changes
// with runbooks across 50 tenants, on a private control plane (audit log on) with simulated nodes
// (kube-scheduler and kwok, test/controlplane/kwok.ts: the Jobs' pods succeed), the controllers
// in this process on a clock starting at Tuesday 2026-11-17T10:00:00Z, moving at the real pace.
// Each change runs in its own one-off MaintenanceWindow; their starts are spread evenly over
// MAO_BENCH_RUNBOOKS_SPREAD_SECONDS (default 100 s, i.e. 5 instants a second: far denser than a
// month's, which is what loads the operator) from 40 s after the controllers start. Printed:
//   - the delay of each Job: from its instant (on the operator's clock, mapped to real time) to
//     the Job's ADD on a watch of this process (an upper bound of its creation), p50 / p99 / max
//     (aim: p99 ≤ 2 s), and how many Jobs were created before their instant (aim 0);
//   - the time until every change is Completed (spec.completedAt from its Job);
//   - once done, the operator's writes to managedapps.dev (audit log, its own user) and the Jobs
//     created in a quiet window of MAO_BENCH_RUNBOOKS_QUIET_SECONDS (default 60; aim 0 and 0).
// MAO_BENCH_RUNBOOKS_SCALE (default 1) scales the changes and tenants, e.g. 0.1 for 50 changes in 5 tenants.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { registerControllers } from '../../src/controllers/index.ts';
import { CHANGE_LABEL, JOBS, RUNBOOK_LABEL } from '../../src/controllers/change/runbook.ts';
import { Registry } from 'prom-client';
import { Informer, KubeClient, Manager, clockStartingAt, promRuntimeMetrics, realClock } from '../../src/runtime/index.ts';
import { createNamespace, userKubeConfig } from '../controlplane/client.ts';
import { installCrds, readCrds } from '../controlplane/crds.ts';
import { startControlPlane } from '../controlplane/index.ts';
import { KWOK_PLACEMENT, ensureKwokTools, startSimulatedNodes } from '../controlplane/kwok.ts';
import { changeRequest, contract, createAll, GROUP, serviceUnit, tenant, VERSION, withSpec, type Manifest } from '../integration/fixtures.ts';
import { ms, type Benchmark, type Figure } from './harness.ts';

const SCALE = Number(process.env.MAO_BENCH_RUNBOOKS_SCALE ?? 1);
const TENANTS = Math.max(1, Math.round(50 * SCALE));
const CHANGES = Math.max(TENANTS, Math.round(500 * SCALE));
const SPREAD_SECONDS = Number(process.env.MAO_BENCH_RUNBOOKS_SPREAD_SECONDS ?? 100);
const QUIET_SECONDS = Number(process.env.MAO_BENCH_RUNBOOKS_QUIET_SECONDS ?? 60);
/** Time for the objects to be created and the caches to sync before the first instant. */
const LEAD_SECONDS = 40;
const T0 = new Date('2026-11-17T10:00:00Z');
const USER = 'bench-runbooks-operator';
const NODES = 4;

const iso = (ms_: number): string => new Date(Math.floor(ms_ / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
const sleep = (delay: number): Promise<void> => new Promise((r) => setTimeout(r, delay));

type AuditLine = { verb: string; user: { username: string }; stageTimestamp: string; responseStatus?: { code?: number }; objectRef?: { apiGroup?: string; resource?: string; name?: string; subresource?: string } };
/** The operator's successful writes to our group in the audit log since `sinceMs`. */
function operatorWrites(path: string, sinceMs: number): AuditLine[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditLine)
    .filter((e) => e.user.username === USER && e.objectRef?.apiGroup === GROUP && (e.responseStatus?.code ?? 0) < 300 && Date.parse(e.stageTimestamp) >= sinceMs);
}

const bench: Benchmark = {
  name: 'runbooks',
  description: `${CHANGES} approved changes with runbooks across ${TENANTS} tenants, instants spread over ${SPREAD_SECONDS} s (KWOK nodes): Job delay after its instant, then a quiet ${QUIET_SECONDS} s`,
  async run(log) {
    await ensureKwokTools({ log });
    const plane = await startControlPlane({ auditLog: true });
    const nodes = await startSimulatedNodes(plane.info, { nodes: Array.from({ length: NODES }, (_, i) => `kwok-node-${i}`) });
    let manager: Manager | undefined;
    let watch: Informer | undefined;
    try {
      const admin = plane.kubeConfig();
      await installCrds(admin, readCrds(join(import.meta.dirname, '..', '..', 'crds')));
      const operatorKc = userKubeConfig(plane.info, USER, ['system:masters']);
      const clock = clockStartingAt(T0);
      // The instants, on the operator's clock; real time = instant − offset.
      const offset = clock.now().getTime() - Date.now();
      const first = clock.now().getTime() + LEAD_SECONDS * 1000;
      // Whole seconds: a window's start is written to the second.
      const instants = Array.from({ length: CHANGES }, (_, i) => Math.floor((first + (i * SPREAD_SECONDS * 1000) / CHANGES) / 1000) * 1000);
      const namespaces: string[] = [];
      for (let t = 0; t < TENANTS; t++) namespaces.push(await createNamespace(admin, `rb-${t}`));
      const jobSpec = { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'runbook', image: 'registry.example/runbook:1' }], ...KWOK_PLACEMENT } } };
      const started = Date.now();
      await Promise.all(namespaces.map(async (ns, t) => {
        const objects: Manifest[] = [tenant('t'), contract('c'), serviceUnit('os-1')];
        for (let i = t; i < CHANGES; i += TENANTS) {
          const start = iso(instants[i] ?? first);
          objects.push({ apiVersion: `${GROUP}/${VERSION}`, kind: 'MaintenanceWindow', metadata: { name: `w-${i}` }, spec: { purpose: 'Maintenance', start, duration: '1h', timeZone: 'Europe/Paris', selector: {}, excludeFromAvailability: false } });
          objects.push(changeRequest(`chg-${i}`, 'os-1', withSpec({
            initiator: 'Provider', requestedAt: iso(T0.getTime() - 3_600_000),
            approval: { decision: 'Approved', approvedBy: 'alice', decidedAt: iso(T0.getTime() - 1_800_000) },
            runbook: { windowRef: { name: `w-${i}` }, template: { spec: jobSpec } },
          })));
        }
        await createAll(admin, ns, objects);
      }));
      log(`${CHANGES} changes, ${CHANGES} windows in ${TENANTS} namespaces created in ${ms(Date.now() - started)}`);

      // Each Job's ADD, timed here (the instant is known by its change's name: chg-<i>).
      const seen = new Map<string, number>();
      watch = new Informer(new KubeClient(admin), {
        kind: JOBS, labelSelector: RUNBOOK_LABEL, logger: pino({ level: 'silent' }), clock: realClock,
      });
      watch.addHandler((job: KubernetesObject) => {
        const key = `${job.metadata?.namespace ?? ''}/${job.metadata?.labels?.[CHANGE_LABEL] ?? ''}`;
        if (!seen.has(key)) seen.set(key, Date.now());
      });
      watch.start();

      const registry = new Registry();
      manager = new Manager({ kubeConfig: operatorKc, logger: pino({ level: 'silent' }), leaderElection: false, clock, metrics: promRuntimeMetrics(registry) });
      // When the operator sends each Job's create (this process runs it): its own share of the delay.
      const posted = new Map<string, number>();
      const client = manager.client;
      const request = client.request.bind(client);
      client.request = (async (method: Parameters<typeof request>[0], path: string, opts?: Parameters<typeof request>[2]) => {
        const body = opts?.body as { kind?: string; metadata?: { namespace?: string; labels?: Record<string, string> } } | undefined;
        if (method === 'POST' && body?.kind === 'Job') {
          const key = `${body.metadata?.namespace ?? ''}/${body.metadata?.labels?.[CHANGE_LABEL] ?? ''}`;
          if (!posted.has(key)) posted.set(key, Date.now());
        }
        return request(method, path, opts);
      });
      registerControllers(manager, { clock });
      manager.start();
      await manager.waitForCacheSync();
      log(`controllers started; first instant in ${ms(first - offset - Date.now())}`);

      // Every change completed (its Job succeeded and spec.completedAt is recorded).
      const api = admin.makeApiClient(CustomObjectsApi);
      const completed = async (): Promise<number> => {
        const list = (await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'changerequests' })) as { items: { spec: { completedAt?: string }; status?: { phase?: string } }[] };
        // Recorded (spec.completedAt) and reported (the status written after it).
        return list.items.filter((c) => c.spec.completedAt !== undefined && c.status?.phase === 'Completed').length;
      };
      const limit = Date.now() + (LEAD_SECONDS + SPREAD_SECONDS + 300) * 1000;
      let done = 0;
      while (Date.now() < limit) {
        done = await completed();
        if (done === CHANGES) break;
        await sleep(2000);
      }
      const allDone = Date.now();
      log(`${done} of ${CHANGES} completed ${ms(allDone - (first - offset))} after the first instant`);

      const delays: number[] = [];
      const postDelays: number[] = [];
      let early = 0;
      namespaces.forEach((ns, t) => {
        for (let i = t; i < CHANGES; i += TENANTS) {
          const instant = (instants[i] ?? first) - offset;
          const at = seen.get(`${ns}/chg-${i}`);
          const post = posted.get(`${ns}/chg-${i}`);
          if (post !== undefined) postDelays.push(post - instant);
          if (at === undefined) continue;
          if (at < instant) early++;
          delays.push(at - instant);
        }
      });
      // When the late ones fell (seconds after the first instant): a burst, or spread out.
      const late = namespaces.flatMap((ns, t) => {
        const out: string[] = [];
        for (let i = t; i < CHANGES; i += TENANTS) {
          const instant = (instants[i] ?? first) - offset;
          const at = seen.get(`${ns}/chg-${i}`);
          if (at !== undefined && at - instant > 2000) out.push(`${((instant - (first - offset)) / 1000).toFixed(0)} s: ${ms(at - instant)}`);
        }
        return out;
      });
      if (late.length > 0) log(`${late.length} Jobs later than 2 s, by instant: ${late.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10)).slice(0, 40).join(', ')}`);
      const sorted = [...delays].sort((a, b) => a - b);
      const postSorted = [...postDelays].sort((a, b) => a - b);

      // The quiet window: nothing left to do.
      const quietFrom = Date.now();
      const jobsBefore = seen.size;
      await sleep(QUIET_SECONDS * 1000);
      const quiet = operatorWrites(plane.info.auditLogPath ?? '', quietFrom);
      for (const w of quiet.slice(0, 10)) log(`quiet write: ${w.verb} ${w.objectRef?.resource ?? ''}/${w.objectRef?.name ?? ''}${w.objectRef?.subresource === undefined ? '' : `/${w.objectRef.subresource}`}`);
      const quietWrites = quiet.length;
      // Where the operator's time went: reconciles and their mean duration per controller.
      const metric = async (name: string) => (await registry.getMetricsAsJSON()).find((m) => m.name === name)?.values ?? [];
      const counts = new Map<string, { n: number; sum: number }>();
      for (const v of await metric('controller_runtime_reconcile_time_seconds')) {
        const c = String(v.labels.controller ?? '');
        const e = counts.get(c) ?? { n: 0, sum: 0 };
        const metricName = (v as { metricName?: string }).metricName ?? '';
        if (metricName.endsWith('_count')) e.n = v.value;
        if (metricName.endsWith('_sum')) e.sum = v.value;
        counts.set(c, e);
      }
      log(`reconciles (count, mean): ${[...counts].map(([c, e]) => `${c} ${e.n}, ${e.n === 0 ? '-' : ms((e.sum / e.n) * 1000)}`).join('; ')}`);
      const figures: Figure[] = [
        { label: 'changes, tenants', value: `${CHANGES}, ${TENANTS} (scale ${SCALE})` },
        { label: 'Jobs created', value: `${seen.size} of ${CHANGES}` },
        { label: 'Job delay after its instant p50', value: ms(quantile(sorted, 0.5)) },
        { label: 'Job delay after its instant p99', value: `${ms(quantile(sorted, 0.99))} (aim ≤ 2000 ms)` },
        { label: 'Job delay after its instant max', value: ms(sorted[sorted.length - 1] ?? Number.NaN) },
        { label: 'Jobs created before their instant', value: String(early) },
        { label: 'operator\'s create sent after the instant p50 / p99', value: `${ms(quantile(postSorted, 0.5))} / ${ms(quantile(postSorted, 0.99))}` },
        { label: 'all completed after the first instant', value: done === CHANGES ? ms(allDone - (first - offset)) : `not all: ${done} of ${CHANGES}` },
        { label: `operator writes in a quiet ${QUIET_SECONDS} s`, value: `${quietWrites} (aim 0)` },
        { label: `Jobs created in the quiet ${QUIET_SECONDS} s`, value: `${seen.size - jobsBefore} (aim 0)` },
      ];
      return figures;
    } finally {
      await watch?.stop();
      await manager?.stop();
      await nodes.stop();
      await plane.stop();
    }
  },
};

export default bench;
