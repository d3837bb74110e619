// Watch loss: the API server restarts under a running informer (its own private control plane,
// so other files are not disturbed). The SAME informer instance recovers by itself: the restart
// is counted, a change made while it was away is seen, and so is a change made after.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { realClock } from '../../src/runtime/clock.ts';
import { Informer } from '../../src/runtime/informer.ts';
import { collectionPath, KubeClient } from '../../src/runtime/kube.ts';

describe('Informer across an API server restart', () => {
  let cp: ControlPlane;
  beforeAll(async () => { cp = await startControlPlane(); });
  afterAll(async () => { await cp.stop(); });

  it('recovers without being recreated and sees what changed meanwhile', async () => {
    const kc = cp.kubeConfig();
    const api = new KubeClient(kc);
    const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
    const ns = await createNamespace(kc, 'rt-watchloss');
    const make = (name: string) => api.request('POST', collectionPath(configMaps, ns), { body: { metadata: { name }, data: { v: name } } });
    await make('first');
    const informer = new Informer<V1ConfigMap>(api, {
      kind: configMaps, namespace: ns,
      logger: pino({ level: 'silent' }), clock: realClock, backoff: { baseMs: 100, maxMs: 1000, jitter: 0.5 },
    });
    informer.start();
    try {
      await informer.waitForSync();
      expect(informer.get(ns, 'first')).toBeDefined();

      await cp.restartApiServer();
      // Written as soon as the new API server answers, possibly before the informer reconnects.
      await eventually(() => make('while-away'), { timeoutMs: 60_000, intervalMs: 200 });
      await eventually(() => { expect(informer.get(ns, 'while-away')).toBeDefined(); }, { timeoutMs: 60_000 });
      expect(informer.restarts).toBeGreaterThanOrEqual(1);

      await make('after');
      await eventually(() => { expect(informer.get(ns, 'after')?.data).toEqual({ v: 'after' }); }, { timeoutMs: 30_000 });
      expect(informer.hasSynced()).toBe(true);
    } finally {
      await informer.stop();
    }
  });
});
