// Health that tells the truth (issue 20 item 4), against a real control plane of its own (etcd and
// the API server are stopped under the operator, which the shared one must not see):
//   - the operator process: /readyz fails, naming `apiserver`, while etcd is down and while the
//     API server is down, and passes again once they are back; /healthz stays 200 (the process
//     itself is fine: a restart would not help);
//   - an in-process Manager: a cache whose list/watch keeps failing turns /readyz red naming the
//     resource; a runnable that fails turns /readyz and /healthz red naming it.
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { installCrds } from '../../src/main.ts';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/index.ts';
import { Manager } from '../../src/runtime/index.ts';

describe('health: /readyz and /healthz against a control plane that fails', () => {
  let cp: ControlPlane;
  let kc: KubeConfig;
  const operators: OperatorProcess[] = [];
  const managers: Manager[] = [];
  const servers: MetricsServer[] = [];

  beforeAll(async () => {
    cp = await startControlPlane();
    kc = cp.kubeConfig();
    await installCrds(kc);
  }, 120_000);

  afterAll(async () => {
    for (const o of operators) await o.stop();
    for (const m of managers) await m.stop();
    for (const s of servers) await s.close();
    await cp.stop();
  });

  it('the operator is not ready while etcd or the API server is down, and ready again after; it stays live', async () => {
    const leaseNamespace = await createNamespace(kc, 'health-lease');
    const operator = await startOperatorProcess({
      kubeconfigPath: cp.info.kubeconfigPath, leaderElectionNamespace: leaseNamespace, args: ['--apiserver-check-period', '1'],
    });
    operators.push(operator);
    await operator.ready();
    const ready = await operator.get('/readyz');
    expect(ready.body).toContain('[+]apiserver ok');
    expect(ready.body).toContain('[+]caches ok');
    expect(ready.body).toContain('[+]leader-work ok');
    expect(ready.body).toContain('readyz check passed');

    const notReady = async (): Promise<string> => eventually(async () => {
      const r = await operator.get('/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toMatch(/\[-\]apiserver failed: https:\/\/127\.0\.0\.1:\d+\/readyz: /);
      expect((await operator.get('/healthz')).status).toBe(200);
      return r.body;
    }, { timeoutMs: 30_000, intervalMs: 250 });

    // etcd down: the API server answers, but its own /readyz fails on etcd.
    await cp.restartEtcd(async () => { expect(await notReady()).toMatch(/etcd/); });
    await operator.ready(60_000);

    // The API server down: nothing answers.
    await cp.restartApiServer(async () => {
      const body = await notReady();
      expect(body).toContain('readyz check failed');
    });
    await operator.ready(60_000);
    expect(operator.process.exitStatus).toBeUndefined();
  }, 240_000);

  it('a cache whose list/watch keeps failing makes the manager not ready, naming the resource', async () => {
    // The API server check is off here: the caches' own check is what fails. Stale after 0 ms:
    // the first failed list or watch counts.
    const manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, health: { apiServerCheckPeriodMs: 0, cacheStaleAfterMs: 0 } });
    managers.push(manager);
    manager.informer({ group: '', version: 'v1', plural: 'namespaces', namespaced: false });
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry: new Registry(), ready: () => manager.readiness(), live: () => manager.liveness() });
    servers.push(server);
    const readyz = async (): Promise<{ status: number; body: string }> => {
      const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
      return { status: res.status, body: await res.text() };
    };
    manager.start();
    await eventually(async () => { const r = await readyz(); expect(r.status, r.body).toBe(200); }, { timeoutMs: 20_000 });

    await cp.restartApiServer(async () => {
      await eventually(async () => {
        const r = await readyz();
        expect(r.status).toBe(503);
        expect(r.body).toMatch(/\[-\]caches failed: namespaces: list\/watch failing for \d+ s \(\w+\)/);
      }, { timeoutMs: 30_000, intervalMs: 100 });
    });
    // Back: the next list or watch clears it.
    await eventually(async () => { expect((await readyz()).body).toContain('[+]caches ok'); }, { timeoutMs: 60_000, intervalMs: 250 });
  }, 180_000);

  it('a runnable that fails turns /readyz and /healthz red and names it; the others keep running', async () => {
    const manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    managers.push(manager);
    let healthyRunning = 0;
    manager.add({ name: 'healthy', needLeaderElection: false, start: async (signal) => { healthyRunning++; await new Promise((r) => { signal.addEventListener('abort', r); }); } });
    manager.add({ name: 'doomed-listener', needLeaderElection: false, start: () => Promise.reject(new Error('listen EADDRINUSE: address already in use 0.0.0.0:9443')) });
    manager.add({ name: 'quitter', needLeaderElection: true, start: () => Promise.resolve() });
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', registry: new Registry(), ready: () => manager.readiness(), live: () => manager.liveness() });
    servers.push(server);
    manager.start();

    const [ready, live] = await eventually(async () => {
      const got = await Promise.all(['/readyz', '/healthz'].map(async (path) => {
        const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
        return { status: res.status, body: await res.text() };
      }));
      expect(got.map((g) => g.status)).toEqual([503, 503]);
      expect(got[0]?.body).toContain('[+]apiserver ok');
      return got;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    const line = '[-]runnables failed: doomed-listener: Unknown: listen EADDRINUSE: address already in use 0.0.0.0:9443; quitter: returned before being stopped';
    expect(ready?.body).toContain(line);
    expect(live?.body).toContain(line);
    expect(live?.body).toContain('healthz check failed');
    expect([...manager.failedRunnables().keys()].sort()).toEqual(['doomed-listener', 'quitter']);
    // The healthy runnable was started once and is still running.
    expect(healthyRunning).toBe(1);
  }, 60_000);
});
