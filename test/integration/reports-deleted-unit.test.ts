// Issue 20: "a report never drops an object silently: what it cannot count (a missing unit, a
// deleted one) is a condition on the report with the object named, and the downtime of a deleted
// unit stays in its months"; issue 12: records are kept. On a real API server: a unit of the
// function `os` has a November P1 (2 November 10:00Z → 12:28Z: 148 min × 60 = 8,880 s); the unit
// is deleted mid-month (NOW, 2026-11-15T12:00Z, the report's month still open), with no webhook
// to refuse it (the webhook down: what the finalizer is the backstop for).
//
// The operator holds the retention finalizer on the unit (design.md §3 "The downtime of a deleted
// unit"): the unit stays a stored object, Terminating, until every month it weighs in is final,
// so the report keeps counting it: 8,880 s on `os`, two units, complete. Once November is final
// (its end in Paris, 2026-11-30T23:00Z, plus 24 h = 2026-12-01T23:00Z) with the 8,880 s, the
// finalizer is released and the unit goes; the final report keeps what it froze.
import { CustomObjectsApi, EventsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { contract, createAll, GROUP, incident, managedFunction, onVm, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

let NOW = new Date('2026-11-15T12:00:00Z');
const movableClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
type Report = { metadata: { uid: string }; status?: { final?: boolean; functions?: { name: string; units: number; interruptionSeconds: number }[]; conditions?: Condition[] } };
type Unit = { metadata: { deletionTimestamp?: string; finalizers?: string[]; annotations?: Record<string, string> } };

describe('a unit deleted mid-month', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let manager: Manager;
  let ns = '';

  const report = async (): Promise<Report> =>
    (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11' })) as Report;
  const cond = (r: Report, type: string): Condition | undefined => r.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'deleted-unit');
    await createAll(kc, ns, [
      tenant('t'), contract('c', withSpec({ start: '2026-11-01' })),
      serviceUnit('os-1', onVm('vm-1')), serviceUnit('os-2', onVm('vm-2')), managedFunction('os', 'OS'),
      incident('inc-1', 'os-1', resolvedAt('2026-11-02T12:28:00Z')),
    ]);
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'error' }), leaderElection: false, watch: { namespaces: [ns] } });
    registerControllers(manager, { clock: movableClock, retention: { months: 15 } });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('while the unit exists: 8,880 s on os, two units, complete', async () => {
    const r = await eventually(async () => {
      const got = await report();
      expect(got.status?.functions).toEqual([expect.objectContaining({ name: 'os', units: 2, interruptionSeconds: 8880 })]);
      return got;
    });
    expect(cond(r, 'Complete')).toMatchObject({ status: 'True' });
  });

  it('deleted with the webhook down: the finalizer keeps the unit, Terminating, and its 8,880 s stay on os', async () => {
    const unitOf = async (): Promise<Unit> => (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'serviceunits', namespace: ns, name: 'os-1' })) as Unit;
    await eventually(async () => { expect((await unitOf()).metadata.finalizers).toEqual(['managedapps.dev/retention']); });
    await api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'serviceunits', namespace: ns, name: 'os-1' });
    const held = await unitOf();
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toEqual(['managedapps.dev/retention']);
    // The report reconciles on the deletion (the unit's deletion moves the namespace's version) and still counts it.
    await eventually(async () => {
      const got = await report();
      expect(got.status?.functions).toEqual([expect.objectContaining({ name: 'os', units: 2, interruptionSeconds: 8880 })]);
      expect(cond(got, 'Complete')).toMatchObject({ status: 'True' });
    });
    // Still there while November is open, retired at the instant the operator saw the deletion (its clock: NOW).
    await eventually(async () => { expect((await unitOf()).metadata.annotations?.['managedapps.dev/deleted-at']).toBe('2026-11-15T12:00:00Z'); });
    expect((await unitOf()).metadata.deletionTimestamp).toBeDefined();
  });

  it('November final (2026-12-01T23:00Z) with the 8,880 s: then the unit is released, and the final report keeps them', async () => {
    NOW = new Date('2026-12-01T23:00:01Z');
    // Wake the report at the new instant (its requeue runs on real time): a label moves it.
    await api.patchNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11', body: { metadata: { labels: { touched: '1' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const final = await eventually(async () => {
      const got = await report();
      expect(got.status?.final).toBe(true);
      return got;
    });
    expect(final.status?.functions).toEqual([expect.objectContaining({ name: 'os', units: 2, interruptionSeconds: 8880 })]);
    // The report's finality wakes the units waiting on it: os-1 weighs in no open month any more.
    await eventually(async () => {
      const gone = await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'serviceunits', namespace: ns, name: 'os-1' }).then(() => false, () => true);
      expect(gone).toBe(true);
    });
    // The Event is emitted once the finalizer is removed, so it may follow the unit's disappearance.
    await eventually(async () => {
      const events = (await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.reason === 'RecordReleased');
      expect(events.map((e) => e.note)).toEqual(['the retention of serviceunits/os-1 ended: deleted']);
    });
    // Frozen: the unit's absence changes nothing in November.
    expect((await report()).status?.functions).toEqual(final.status?.functions);
  });
});
