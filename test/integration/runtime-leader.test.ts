// Lease leader election between Managers in one process, on the real API server: one leads,
// the standby keeps warm caches and is ready, a graceful stop hands over within the lease
// duration (released lease), a crashed holder is replaced once its lease expires, and a leader
// that cannot renew steps down (its leader work's signal aborts).
import { V1MicroTime, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { Manager } from '../../src/runtime/manager.ts';
import type { LeaderElectionConfig } from '../../src/runtime/leader.ts';
import { KubeClient } from '../../src/runtime/kube.ts';

type Lease = { metadata?: { resourceVersion?: string }; spec?: { holderIdentity?: string; leaseTransitions?: number; renewTime?: string } };

describe('leader election', () => {
  let kc: KubeConfig;
  let ns: string;
  let api: KubeClient;
  const leasePath = (name?: string): string => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases${name !== undefined ? `/${name}` : ''}`;
  const readLease = (name: string): Promise<Lease> => api.request<Lease>('GET', leasePath(name));
  const managers: Manager[] = [];
  /** Identities whose leader work is running now, and the most ever running at once. */
  const leading = new Set<string>();
  let maxLeading = 0;
  const aborted: string[] = [];

  function manager(identity: string, election: Omit<LeaderElectionConfig, 'namespace' | 'identity'>): Manager {
    const m = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: { ...election, namespace: ns, identity } });
    m.informer({ group: '', version: 'v1', plural: 'configmaps' });
    m.add({
      name: 'leader-work', needLeaderElection: true,
      start: (signal) => new Promise<void>((resolve) => {
        leading.add(identity);
        maxLeading = Math.max(maxLeading, leading.size);
        signal.addEventListener('abort', () => { aborted.push(identity); leading.delete(identity); resolve(); }, { once: true });
      }),
    });
    managers.push(m);
    return m;
  }

  beforeAll(async () => {
    kc = adminKubeConfig(inject('controlPlane'));
    api = new KubeClient(kc);
    ns = await createNamespace(kc, 'rt-leader');
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.stop()));
    leading.clear();
    aborted.length = 0;
    maxLeading = 0;
  });

  it('one leads, the standby is ready and warm, and a graceful stop hands over within the lease duration', async () => {
    const a = manager('a', { name: 'handover' });
    a.start();
    await eventually(() => { expect([...leading]).toEqual(['a']); });
    await eventually(() => { expect(a.ready()).toBe(true); });
    const b = manager('b', { name: 'handover' });
    b.start();
    expect(await b.waitForCacheSync()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(b.ready()).toBe(true);
    expect([...leading]).toEqual(['a']);

    await a.stop();
    const released = await readLease('handover');
    expect(released.spec?.holderIdentity ?? '').not.toBe('a');
    await eventually(() => { expect([...leading]).toEqual(['b']); }, { timeoutMs: 15_000 });
    expect(b.isLeader()).toBe(true);
    expect(maxLeading).toBe(1);
    expect((await readLease('handover')).spec?.holderIdentity).toBe('b');
  });

  it('takes over from a crashed holder only after its lease expired', async () => {
    // A holder that will never renew: written directly, as a crashed replica leaves it.
    await api.request('POST', leasePath(), { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'crash' }, spec: {
      holderIdentity: 'ghost', leaseDurationSeconds: 3, renewTime: new V1MicroTime(), acquireTime: new V1MicroTime(), leaseTransitions: 4,
    } } });
    const c = manager('c', { name: 'crash', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 300 });
    c.start();
    await c.waitForCacheSync();
    expect(leading.size).toBe(0);
    await eventually(() => { expect([...leading]).toEqual(['c']); }, { timeoutMs: 15_000 });
    const lease = await readLease('crash');
    expect(lease.spec).toMatchObject({ holderIdentity: 'c', leaseTransitions: 5 });
  });

  it('steps down at once when it cannot renew, and competes again afterwards', async () => {
    const d = manager('d', { name: 'usurped', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 300 });
    d.start();
    await eventually(() => { expect([...leading]).toEqual(['d']); });
    // Someone else takes the lease and keeps renewing it.
    const stopUsurping = new AbortController();
    const usurp = (async () => {
      while (!stopUsurping.signal.aborted) {
        try {
          const lease = await readLease('usurped');
          await api.request('PUT', leasePath('usurped'), { body: { ...lease, spec: { ...lease.spec, holderIdentity: 'usurper', renewTime: new V1MicroTime() } } });
        } catch {
          // conflict with d's renewal: try again
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await eventually(() => { expect(aborted).toEqual(['d']); }, { timeoutMs: 10_000 });
      expect(leading.size).toBe(0);
      expect(d.isLeader()).toBe(false);
    } finally {
      stopUsurping.abort();
      await usurp;
    }
    await eventually(() => { expect([...leading]).toEqual(['d']); }, { timeoutMs: 15_000 });
  });
});
