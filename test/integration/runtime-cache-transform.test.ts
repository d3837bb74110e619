// The caches keep what their readers need, and field ownership is the API server's (issue 17
// item 3, a lean operator). On the real API server, with the operator's controllers in process
// (a manager of this file's namespace only, on a fixed clock):
//   - a unit applied as `kubectl apply` does (client-side: the last-applied-configuration
//     annotation) and one applied by server-side apply (a GitOps tool's field manager) are cached
//     without `metadata.managedFields` and without the annotation, their other annotations kept;
//     the API server still holds both;
//   - the operator's status apply owns its fields (managedFields entry `managedapps-operator`,
//     Apply, subresource status) beside the GitOps tool's spec;
//   - an update (PUT) of the cached copy, which carries no managedFields, keeps every manager's
//     ownership on the server: the GitOps tool's next apply without a label it set removes the
//     label (only an owner's apply removes a field), and the operator writes the status of the
//     next generation under the same field manager.
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { KIND_REFS } from '../../src/api/v1alpha1/index.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { PRODUCT_NAMES } from '../../src/product.ts';
import { KubeClient, LAST_APPLIED_ANNOTATION, Manager, objectPath, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { contract, createAll, serviceUnit, tenant, type Manifest } from './fixtures.ts';

const NOW = new Date('2026-11-15T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const GITOPS = 'argocd-controller';
const KUBECTL = 'kubectl-client-side-apply';
const UNITS = KIND_REFS.ServiceUnit;

type ManagedField = { manager?: string; operation?: string; subresource?: string; fieldsV1?: Record<string, unknown> };
type Unit = {
  apiVersion?: string; kind?: string;
  metadata: { name: string; namespace: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: ManagedField[] };
  spec: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: Condition[] };
};

describe('the cache transform (stripForCache) and field ownership', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let client: KubeClient;
  let manager: Manager;
  let ns = '';

  const read = (name: string): Promise<Unit> => client.request<Unit>('GET', objectPath(UNITS, ns, name));
  const entry = (u: Unit, manager: string, subresource?: string): ManagedField | undefined =>
    u.metadata.managedFields?.find((f) => f.manager === manager && f.subresource === subresource);
  /** The GitOps tool's server-side apply of `unit` (its whole intent: what it omits, it gives up). */
  const gitopsApply = (unit: Manifest): Promise<Unit> => client.request<Unit>('PATCH', objectPath(UNITS, ns, unit.metadata.name), {
    query: { fieldManager: GITOPS, force: true }, contentType: 'application/apply-patch+yaml', body: { ...unit, metadata: { ...unit.metadata, namespace: ns } },
  });
  const gitopsUnit = (labels: Record<string, string>, environment: string): Manifest => {
    const u = serviceUnit('gitops-unit');
    u.metadata.labels = labels;
    u.spec.environment = environment;
    return u;
  };

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    client = new KubeClient(kc);
    ns = await createNamespace(kc, 'cache-transform');
    await createAll(kc, ns, [tenant('t'), contract('c')]);
    // `kubectl apply` (client-side): the manifest as sent, copied into the annotation.
    const applied = serviceUnit('kubectl-unit');
    const body = { ...applied, metadata: { ...applied.metadata, namespace: ns } };
    await client.request('POST', `/apis/${body.apiVersion}/namespaces/${ns}/serviceunits`, {
      query: { fieldManager: KUBECTL },
      body: { ...body, metadata: { ...body.metadata, annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify(body), 'example.com/team': 'payments' } } },
    });
    await gitopsApply(gitopsUnit({ 'example.com/owner': 'gitops', 'example.com/tier': 'gold' }, 'Production'));
    manager = new Manager({ kubeConfig: kc, leaderElection: false, watch: { namespaces: [ns] }, fieldManager: PRODUCT_NAMES.fieldManager, logger: pino({ level: 'error' }) });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('caches objects without managedFields nor kubectl\'s last-applied-configuration, other annotations kept; the API server keeps both', async () => {
    const cache = manager.informer<Unit>(UNITS);
    const cached = await eventually(() => {
      const k = cache.get(ns, 'kubectl-unit');
      const g = cache.get(ns, 'gitops-unit');
      expect(k).toBeDefined();
      expect(g).toBeDefined();
      return { k: k!, g: g! };
    });
    expect(cached.k.metadata.managedFields).toBeUndefined();
    expect(cached.k.metadata.annotations).toEqual({ 'example.com/team': 'payments' });
    expect(cached.g.metadata.managedFields).toBeUndefined();
    expect(cached.g.metadata.annotations).toBeUndefined();
    expect(cached.g.metadata.labels).toEqual({ 'example.com/owner': 'gitops', 'example.com/tier': 'gold' });
    // What the readers need is there: the spec as stored, the uid and version.
    expect(cached.k.spec.environment).toBe('Production');
    expect(cached.k.metadata).toHaveProperty('uid');
    expect(cached.k.metadata).toHaveProperty('resourceVersion');

    const stored = await read('kubectl-unit');
    expect(Object.keys(stored.metadata.annotations ?? {}).sort()).toEqual(['example.com/team', LAST_APPLIED_ANNOTATION]);
    expect(entry(stored, KUBECTL)?.operation).toBe('Update');
  });

  it('the operator\'s status apply owns the status, the GitOps tool the spec', async () => {
    for (const name of ['kubectl-unit', 'gitops-unit']) {
      const u = await eventually(async () => {
        const got = await read(name);
        expect(got.status?.observedGeneration).toBe(1);
        expect(entry(got, PRODUCT_NAMES.fieldManager, 'status')).toBeDefined();
        return got;
      });
      const operator = entry(u, PRODUCT_NAMES.fieldManager, 'status');
      expect(operator?.operation).toBe('Apply');
      expect(Object.keys((operator?.fieldsV1?.['f:status'] ?? {}) as Record<string, unknown>)).toEqual(expect.arrayContaining(['f:conditions', 'f:observedGeneration']));
      expect(u.status?.conditions?.map((c) => c.type)).toContain('Ready');
    }
    const g = await read('gitops-unit');
    expect(entry(g, GITOPS)?.operation).toBe('Apply');
    expect(Object.keys((entry(g, GITOPS)?.fieldsV1?.['f:spec'] ?? {}) as Record<string, unknown>)).toContain('f:environment');
  });

  it('an update of the cached copy keeps every manager\'s ownership: the GitOps tool still removes what it drops, the operator still writes the status', async () => {
    const cached = manager.informer<Unit>(UNITS).get(ns, 'gitops-unit');
    expect(cached?.metadata.managedFields).toBeUndefined();
    // A client that updates what it read from the cache (no managedFields in the body).
    await client.request('PUT', objectPath(UNITS, ns, 'gitops-unit'), {
      query: { fieldManager: 'cache-reader' },
      body: { ...cached, metadata: { ...cached!.metadata, labels: { ...cached!.metadata.labels, 'example.com/reviewed': 'yes' } } },
    });
    const updated = await read('gitops-unit');
    expect(updated.metadata.labels?.['example.com/reviewed']).toBe('yes');
    expect(entry(updated, GITOPS)?.operation).toBe('Apply');
    expect(entry(updated, PRODUCT_NAMES.fieldManager, 'status')?.operation).toBe('Apply');
    expect(entry(updated, 'cache-reader')?.operation).toBe('Update');

    // The GitOps tool drops `example.com/tier` and moves the unit to PreProduction: generation 2.
    const applied = await gitopsApply(gitopsUnit({ 'example.com/owner': 'gitops' }, 'PreProduction'));
    expect(applied.metadata.generation).toBe(2);
    // Removed: the tool still owned it. The label the update added has another owner: kept.
    expect(applied.metadata.labels).toEqual({ 'example.com/owner': 'gitops', 'example.com/reviewed': 'yes' });
    const next = await eventually(async () => {
      const got = await read('gitops-unit');
      expect(got.status?.observedGeneration).toBe(2);
      return got;
    });
    expect(entry(next, PRODUCT_NAMES.fieldManager, 'status')?.operation).toBe('Apply');
    expect(next.spec.environment).toBe('PreProduction');
    expect(manager.informer<Unit>(UNITS).get(ns, 'gitops-unit')?.metadata.managedFields).toBeUndefined();
  });
});
