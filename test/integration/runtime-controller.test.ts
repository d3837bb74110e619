// A controller run by the Manager on a small test kind (RuntimeWidget, group managedapps.dev so
// the API server's audit log records its writes): status by server-side apply, under the
// Manager's field manager, written once and never again while unchanged (counted in the audit log), conditions keeping lastTransitionTime,
// de-duplicated Events, retry with backoff vs terminal errors, finalizers with preconditions.
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, EventsV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { installCrds, namespacedCrd } from '../controlplane/crds.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { setCondition, type Condition } from '../../src/runtime/conditions.ts';
import { ApiError, TerminalError } from '../../src/runtime/errors.ts';
import { addFinalizer, removeFinalizer } from '../../src/runtime/finalizers.ts';
import { Manager } from '../../src/runtime/manager.ts';
import type { Controller } from '../../src/runtime/controller.ts';

const group = 'managedapps.dev';
const version = 'v1alpha1';
const plural = 'runtimewidgets';
const widgets = { group, version, plural };
/** The names this program writes under (the runtime's defaults are not the ones tested). */
const FIELD_MANAGER = 'runtime-test';
const REPORTING_CONTROLLER = 'runtime-test.example/widgets';

type Widget = KubernetesObject & {
  spec?: { ready?: boolean; message?: string; fail?: 'retry' | 'terminal' };
  status?: { observedGeneration?: number; conditions?: Condition[] };
};

const crd = namespacedCrd({
  group, version, kind: 'RuntimeWidget', plural, statusSubresource: true,
  schema: { type: 'object', properties: {
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  } },
});

/** Audit entries (JSON lines) of writes to runtimewidgets in `ns`. */
function auditedWrites(path: string, ns: string): { verb: string; name: string; subresource?: string }[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').flatMap((line) => {
    const e = JSON.parse(line) as { verb: string; objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string } };
    const ref = e.objectRef;
    if (ref?.resource !== plural || ref.namespace !== ns) return [];
    return [{ verb: e.verb, name: ref.name ?? '', ...(ref.subresource !== undefined ? { subresource: ref.subresource } : {}) }];
  });
}

describe('Manager + controller on a real API server', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let ns: string;
  let manager: Manager;
  let controller: Controller;
  const conditionClock = new ManualClock(new Date('2026-03-01T10:00:00.500Z'));
  const reconciles = new Map<string, number>();

  const create = (name: string, spec: NonNullable<Widget['spec']>) =>
    custom.createNamespacedCustomObject({ group, version, plural, namespace: ns, body: { apiVersion: `${group}/${version}`, kind: 'RuntimeWidget', metadata: { name }, spec } });
  const read = async (name: string): Promise<Widget> => (await custom.getNamespacedCustomObject({ group, version, plural, namespace: ns, name })) as Widget;
  const patchSpec = (name: string, spec: NonNullable<Widget['spec']>) =>
    custom.patchNamespacedCustomObject({ group, version, plural, namespace: ns, name, body: [{ op: 'replace', path: '/spec', value: spec }] });
  const statusPatches = (name: string) => auditedWrites(info.auditLogPath!, ns).filter((w) => w.name === name && w.subresource === 'status').length;
  /** Writes an audited marker and waits for it: every write sent before it is then in the log. */
  const barrier = async (): Promise<void> => {
    const name = `barrier-${Math.random().toString(36).slice(2, 8)}`;
    await create(name, { ready: false });
    await eventually(() => { expect(auditedWrites(info.auditLogPath!, ns).some((w) => w.name === name && w.verb === 'create')).toBe(true); });
  };
  const reconciled = (name: string) => reconciles.get(name) ?? 0;

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    custom = kc.makeApiClient(CustomObjectsApi);
    await installCrds(kc, [crd]);
    ns = await createNamespace(kc, 'rt-controller');
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, fieldManager: FIELD_MANAGER, reportingController: REPORTING_CONTROLLER });
    const cache = manager.informer<Widget>(widgets);
    controller = manager.addController({
      name: 'widgets', kind: widgets, concurrency: 2,
      reconcile: async (req) => {
        reconciles.set(req.name, reconciled(req.name) + 1);
        const widget = cache.get(req.namespace, req.name);
        if (widget === undefined || req.name.startsWith('barrier-')) return {};
        if (widget.spec?.fail === 'terminal') throw new TerminalError('this widget can never be reconciled');
        if (widget.spec?.fail === 'retry') throw new ApiError(503, 'pretend the API server is busy');
        const ready = widget.spec?.ready === true;
        const conditions = setCondition(widget.status?.conditions, {
          type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'Ready' : 'NotReady', message: widget.spec?.message ?? '',
        }, conditionClock.now(), widget.metadata?.generation);
        await manager.status.apply(widgets, widget, { observedGeneration: widget.metadata?.generation, conditions });
        await manager.events.emit(widget, { type: 'Normal', reason: 'Reconciled', action: 'Reconcile', note: `ready=${ready}` });
        return {};
      },
    });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    await eventually(() => { expect(manager.ready()).toBe(true); });
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('writes the status once, then nothing while it is unchanged', async () => {
    await create('w1', { ready: true, message: 'first' });
    const first = await eventually(async () => {
      const w = await read('w1');
      expect(w.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True', message: 'first', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 1 });
      return w;
    });
    await barrier();
    expect(statusPatches('w1')).toBe(1);
    // The status is the Manager's field manager's: an Apply to the status subresource.
    expect(first.metadata?.managedFields?.filter((f) => f.subresource === 'status').map((f) => ({ manager: f.manager, operation: f.operation })))
      .toEqual([{ manager: FIELD_MANAGER, operation: 'Apply' }]);

    // Reconcile again, twice, with nothing changed: no write at all.
    const before = reconciled('w1');
    controller.enqueue({ namespace: ns, name: 'w1' });
    await eventually(() => { expect(reconciled('w1')).toBeGreaterThan(before); });
    controller.enqueue({ namespace: ns, name: 'w1' });
    await eventually(() => { expect(reconciled('w1')).toBeGreaterThan(before + 1); });
    await barrier();
    expect(statusPatches('w1')).toBe(1);
    expect((await read('w1')).metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it('keeps lastTransitionTime while the status stays, moves it when it flips', async () => {
    conditionClock.advance(3_600_000);
    await patchSpec('w1', { ready: true, message: 'second' });
    await eventually(async () => {
      expect((await read('w1')).status?.conditions?.[0]).toMatchObject({ status: 'True', message: 'second', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 2 });
    });
    conditionClock.advance(3_600_000);
    await patchSpec('w1', { ready: false, message: 'third' });
    await eventually(async () => {
      expect((await read('w1')).status?.conditions?.[0]).toMatchObject({ status: 'False', message: 'third', lastTransitionTime: '2026-03-01T12:00:00Z', observedGeneration: 3 });
    });
    await barrier();
    expect(statusPatches('w1')).toBe(3);
  });

  it('creates one Event per reason and object however often it reconciles', async () => {
    expect(reconciled('w1')).toBeGreaterThanOrEqual(4);
    const events = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns });
    const mine = events.items.filter((e) => e.regarding?.name === 'w1' && e.reason === 'Reconciled');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ reportingController: REPORTING_CONTROLLER, type: 'Normal', action: 'Reconcile', regarding: { kind: 'RuntimeWidget' } });
  });

  it('retries a failing reconcile with backoff, and never retries a terminal one', async () => {
    await create('terminal', { fail: 'terminal' });
    await create('busy', { fail: 'retry' });
    // 5 + 10 + 20 + 40 ms of backoff: the terminal one would have been retried by now.
    await eventually(() => { expect(reconciled('busy')).toBeGreaterThanOrEqual(5); });
    expect(reconciled('terminal')).toBe(1);
    await patchSpec('busy', { ready: true });
    await eventually(async () => { expect((await read('busy')).status?.conditions?.[0]?.status).toBe('True'); });
  });

  it('adds and removes a finalizer under a resourceVersion precondition', async () => {
    const current = await read('w1');
    const added = await addFinalizer(manager.client, widgets, current, 'managedapps.dev/cleanup');
    expect(added?.metadata?.finalizers).toEqual(['managedapps.dev/cleanup']);
    expect(await addFinalizer(manager.client, widgets, added!, 'managedapps.dev/cleanup')).toBeUndefined();
    // Decided on a stale object: refused with 409, nothing changed.
    const stale = structuredClone(added!);
    stale.metadata!.resourceVersion = current.metadata?.resourceVersion;
    const refused = await removeFinalizer(manager.client, widgets, stale, 'managedapps.dev/cleanup').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('Conflict');
    const removed = await removeFinalizer(manager.client, widgets, added!, 'managedapps.dev/cleanup');
    expect(removed?.metadata?.finalizers).toBeUndefined();
  });

  it('stops gracefully: the in-flight reconcile sees its signal aborted and finishes before stop() resolves', async () => {
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => { entered = r; });
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    let sawAbort = false;
    let finished = false;
    const second = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    second.addController({
      name: 'slow', kind: widgets,
      reconcile: async (req, ctx) => {
        if (req.name !== 'slow') return {};
        entered();
        await released;
        sawAbort = ctx.signal.aborted;
        finished = true;
        return {};
      },
    });
    second.start();
    await create('slow', { ready: true });
    await inFlight;
    let stopped = false;
    const stopping = second.stop().then(() => { stopped = true; });
    await barrier();
    expect(stopped).toBe(false);
    expect(second.ready()).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(sawAbort).toBe(true);
  });
});
