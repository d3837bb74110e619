// Issue 11 item 5: a reconcile that throws a domain exception (not an API error) shows on the
// object as Ready=False, reason InternalError, with the message, keeps the rest of the stored
// status, never touches a final SLAReport, and is retried with backoff; on a real API server.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KIND_REFS } from '../../src/api/v1alpha1/index.ts';
import { reportingInternalErrors } from '../../src/controllers/shared/status.ts';
import { Manager, type Condition } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { contract, createAll, GROUP, serviceUnit, tenant, VERSION } from './fixtures.ts';

type Obj = { status?: Record<string, unknown> & { conditions?: Condition[] } };

describe('a domain exception in a reconcile', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let ns: string;
  let manager: Manager;
  const calls = new Map<string, number>();

  const get = async (plural: string, name: string): Promise<Obj> => (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace: ns, name })) as Obj;

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'ctl-internal');
    await createAll(kc, ns, [tenant('t'), contract('c'), serviceUnit('os-1')]);
    // A status written before (figures of an earlier reconcile), and a final report: the record.
    await api.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, plural: 'serviceunits', namespace: ns, name: 'os-1', body: [{ op: 'add', path: '/status', value: { availability: { month: '2026-11', percent: 99.5, interruptionSeconds: 13392, excludedSeconds: 0 } } }] });
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SLAReport', metadata: { name: 'c-2026-10' }, spec: { contractRef: { name: 'c' }, month: '2026-10' } } });
    await api.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-10', body: [{ op: 'add', path: '/status', value: { final: true } }] });

    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, watch: { namespaces: [ns] } });
    const failing = (kind: 'ServiceUnit' | 'SLAReport') => reportingInternalErrors(manager, KIND_REFS[kind], () => new Date('2026-11-15T12:00:00Z'), (req) => {
      calls.set(`${kind}/${req.name}`, (calls.get(`${kind}/${req.name}`) ?? 0) + 1);
      return Promise.reject(new RangeError('availability: a month without seconds'));
    });
    manager.addController({ name: 'unit-failing', kind: KIND_REFS.ServiceUnit, reconcile: failing('ServiceUnit'), watches: [] });
    manager.addController({ name: 'report-failing', kind: KIND_REFS.SLAReport, reconcile: failing('SLAReport'), watches: [] });
    manager.start();
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('Ready=False and Stalled=True, InternalError, the message; the stored figures are kept', async () => {
    const unit = await eventually(async () => {
      const u = await get('serviceunits', 'os-1');
      expect(u.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'InternalError', message: 'internal error, retried with backoff: availability: a month without seconds' });
      // kstatus: Failed, not InProgress until a timeout (issue 18 item 2).
      expect(u.status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'InternalError', message: 'internal error, retried with backoff: availability: a month without seconds' });
      expect(u.status?.conditions?.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'False' });
      return u;
    });
    expect(unit.status?.availability).toEqual({ month: '2026-11', percent: 99.5, interruptionSeconds: 13392, excludedSeconds: 0 });
  });

  it('is retried (with backoff, by the runtime), and a final report is left as it is', async () => {
    await eventually(() => { expect(calls.get('ServiceUnit/os-1') ?? 0).toBeGreaterThanOrEqual(2); });
    await eventually(() => { expect(calls.get('SLAReport/c-2026-10') ?? 0).toBeGreaterThanOrEqual(2); });
    const report = await get('slareports', 'c-2026-10');
    expect(report.status).toEqual({ final: true });
  });
});
