// GitOps order: the samples applied in a random order (several times, each in a fresh namespace,
// the operator running all along) converge to the same statuses, timestamps of transitions aside.
// The reconcilers read 2026-11-01T12:00Z: October's report is not final yet (within its grace
// period), so nothing freezes on a partial view of the month.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock } from '../../src/runtime/index.ts';
import { seededRandom } from '../support/random.ts';
import { createAll, GROUP, PLURALS, samples, VERSION, type Manifest } from './fixtures.ts';

const NOW = new Date('2026-11-01T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const ROUNDS = 3;

type Obj = { metadata: { name: string; generation?: number }; status?: Record<string, unknown> & { observedGeneration?: number; conditions?: { type: string; lastTransitionTime?: string }[] } };

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('GitOps order', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let manager: Manager;
  const objects: Manifest[] = samples();

  /** Every status of the namespace by kind/name, lastTransitionTime removed. */
  const statuses = async (namespace: string): Promise<Record<string, unknown>> => {
    const out: Record<string, unknown> = {};
    for (const [kind, plural] of Object.entries(PLURALS)) {
      const list = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace })) as { items: Obj[] };
      for (const o of list.items) {
        const conditions = o.status?.conditions?.map(({ lastTransitionTime: _t, ...c }) => c);
        out[`${kind}/${o.metadata.name}`] = { ...o.status, ...(conditions !== undefined ? { conditions } : {}) };
      }
    }
    return out;
  };

  /** Waits until every sample and every month's report carry a status of their generation, and two reads agree. */
  const converged = (namespace: string): Promise<Record<string, unknown>> => eventually(async () => {
    for (const o of objects) {
      const current = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[o.kind]!, namespace, name: o.metadata.name })) as Obj;
      expect(current.status?.observedGeneration, `${o.kind}/${o.metadata.name}`).toBe(current.metadata.generation);
    }
    const first = await statuses(namespace);
    // A report for every month since the samples' start (2026-01) to NOW's (2026-11): 11, each created at NOW, so provisional (reportFinalAt).
    expect(Object.keys(first).filter((k) => k.startsWith('SLAReport/'))).toHaveLength(11);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statuses(namespace)).toEqual(first);
    return first;
  }, { timeoutMs: 60_000, intervalMs: 200 });

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it(`the samples applied in ${ROUNDS} random orders converge to the same statuses`, async () => {
    const results: Record<string, unknown>[] = [];
    const seeds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const seed = Math.floor(Math.random() * 2 ** 31);
      seeds.push(seed);
      const namespace = await createNamespace(kc, `ctl-gitops-${round}`);
      await createAll(kc, namespace, shuffled(objects, seededRandom(seed)));
      results.push(await converged(namespace));
    }
    const [first, ...others] = results;
    expect(Object.keys(first!).length).toBe(objects.length + 11);
    for (const other of others) expect(other, `seeds ${seeds.join(', ')}`).toEqual(first);
  });
});
