// The informer against the real API server: first list, then adds/updates/deletes through the
// watch, indexes, resync, a throwing handler that breaks nothing, and hasSynced() semantics.
import type { KubeConfig, V1ConfigMap } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { realClock } from '../../src/runtime/clock.ts';
import { Informer } from '../../src/runtime/informer.ts';
import { collectionPath, KubeClient, objectPath } from '../../src/runtime/kube.ts';

const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
// `fatal`: one handler below throws on purpose and the informer logs each throw as an error.
const logger = pino({ level: 'fatal' });

describe('Informer (ConfigMaps)', () => {
  let kc: KubeConfig;
  let api: KubeClient;
  let ns: string;
  let informer: Informer<V1ConfigMap>;
  const seen: string[] = [];

  const create = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) =>
    api.request('POST', collectionPath(configMaps, ns), { body: { metadata: { name, labels: { ...labels, 'runtime-test': 'yes' } }, data } });

  beforeAll(async () => {
    kc = adminKubeConfig(inject('controlPlane'));
    api = new KubeClient(kc);
    ns = await createNamespace(kc, 'rt-informer');
    await create('before-1', { v: '1' }, { team: 'a' });
    await create('before-2', { v: '1' }, { team: 'b' });
    informer = new Informer<V1ConfigMap>(new KubeClient(kc), {
      kind: configMaps, namespace: ns, labelSelector: 'runtime-test=yes', logger, clock: realClock, resyncPeriodMs: 1500, pageSize: 1,
      indexers: { team: (cm) => (cm.metadata?.labels?.team !== undefined ? [cm.metadata.labels.team] : []) },
    });
    informer.addHandler(() => { throw new Error('a handler that throws must not stop the informer'); });
    informer.addHandler((cm) => { seen.push(`${cm.metadata?.name}@${cm.data?.v ?? '-'}`); });
  });

  afterAll(async () => {
    await informer.stop();
  });

  it('reports synced only after its first complete (paginated) list', async () => {
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    expect(informer.list(ns).map((c) => c.metadata?.name).sort()).toEqual(['before-1', 'before-2']);
    const cm = informer.get(ns, 'before-1');
    expect(cm?.kind).toBe('ConfigMap');
    expect(cm?.apiVersion).toBe('v1');
    expect(cm?.metadata?.managedFields).toBeUndefined();
  });

  it('sees adds, updates and deletes through the watch, and keeps indexes current', async () => {
    await create('added', { v: '1' }, { team: 'a' });
    await eventually(() => { expect(informer.get(ns, 'added')?.data).toEqual({ v: '1' }); });
    expect(informer.byIndex('team', 'a').map((c) => c.metadata?.name).sort()).toEqual(['added', 'before-1']);

    await api.request('PATCH', objectPath(configMaps, ns, 'added'), {
      contentType: 'application/merge-patch+json', body: { data: { v: '2' }, metadata: { labels: { team: 'b' } } },
    });
    await eventually(() => { expect(informer.get(ns, 'added')?.data).toEqual({ v: '2' }); });
    expect(informer.byIndex('team', 'a').map((c) => c.metadata?.name)).toEqual(['before-1']);
    expect(informer.byIndex('team', 'b').map((c) => c.metadata?.name).sort()).toEqual(['added', 'before-2']);
    expect(seen).toContain('added@2');

    await api.request('DELETE', objectPath(configMaps, ns, 'added'));
    await eventually(() => { expect(informer.get(ns, 'added')).toBeUndefined(); });
    expect(informer.byIndex('team', 'b').map((c) => c.metadata?.name)).toEqual(['before-2']);
    expect(informer.restarts).toBe(0);
  });

  it('hands every cached object to the handlers again at each resync', async () => {
    const mark = seen.length;
    await eventually(() => {
      const again = seen.slice(mark);
      expect(again).toContain('before-1@1');
      expect(again).toContain('before-2@1');
    }, { timeoutMs: 10_000 });
  });
});

describe('Informer failures', () => {
  it('keeps retrying a list that fails (unknown resource) instead of stopping, and never reports synced', async () => {
    const kc = adminKubeConfig(inject('controlPlane'));
    const informer = new Informer(new KubeClient(kc), {
      kind: { group: 'nothing.example.com', version: 'v1', plural: 'ghosts' }, logger: pino({ level: 'silent' }), clock: realClock,
      backoff: { baseMs: 20, maxMs: 100, jitter: 0 },
    });
    informer.start();
    await eventually(() => { expect(informer.restarts).toBeGreaterThanOrEqual(3); });
    expect(informer.hasSynced()).toBe(false);
    await informer.stop();
  });

  it('restarts a watch that stays silent past the watchdog, and still sees later changes', async () => {
    const kc = adminKubeConfig(inject('controlPlane'));
    const ns = await createNamespace(kc, 'rt-watchdog');
    const informer = new Informer(new KubeClient(kc), {
      kind: configMaps, namespace: ns, labelSelector: 'runtime-test=yes',
      logger: pino({ level: 'silent' }), clock: realClock, watchdogMs: 300,
    });
    informer.start();
    try {
      await informer.waitForSync();
      // Nothing matches the selector: the watch is silent and the watchdog must cut it.
      await eventually(() => { expect(informer.restarts).toBeGreaterThanOrEqual(2); });
      await new KubeClient(kc).request('POST', collectionPath(configMaps, ns), { body: { metadata: { name: 'late', labels: { 'runtime-test': 'yes' } } } });
      await eventually(() => { expect(informer.get(ns, 'late')).toBeDefined(); });
    } finally {
      await informer.stop();
    }
  });
});
