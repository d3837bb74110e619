// Issue 20: a status the API server refuses with 422 is never silent. The genuine path: the
// SLAReport's status holds one entry per ManagedFunction, at most 128 (the CRD's maxItems,
// MAX_FUNCTIONS in src/api/v1alpha1/sla-report.ts), and nothing refuses a namespace's 129th
// function, so its report's status is refused by the real API server's schema validation. The
// controller then writes the minimal status (Ready=False StatusRejected with the API server's
// message, so Stalled: kstatus Failed), emits one Warning Event, logs at error level, counts
// managedapps_status_writes_total{outcome="rejected"} once, and does not resend the same status.
// Once a function is deleted (128 left) the report is written in full again.
import { CustomObjectsApi, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { PRODUCT_NAMES } from '../../src/product.ts';
import { Manager, promRuntimeMetrics, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { contract, createAll, GROUP, managedFunction, tenant, VERSION, withSpec } from './fixtures.ts';

const NOW = new Date('2026-11-15T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
type Report = { metadata: { uid: string }; status?: { functions?: unknown[]; final?: boolean; conditions?: Condition[] } };

describe('a status the API server refuses (422)', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let manager: Manager;
  const registry = new Registry();
  const logged: string[] = [];
  let ns = '';

  const report = async (): Promise<Report> =>
    (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11' })) as Report;
  const cond = (r: Report, type: string): Condition | undefined => r.status?.conditions?.find((c) => c.type === type);
  const writes = async (outcome: string): Promise<number> => {
    const metric = await registry.getSingleMetric('managedapps_status_writes_total')?.get();
    return metric?.values.find((v) => v.labels.resource === 'slareports.managedapps.dev' && v.labels.outcome === outcome)?.value ?? 0;
  };

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'status-422');
    // The contract starts in November: only the November report (c-2026-11) is created.
    // 129 functions: one more than the report's status holds.
    const functions = Array.from({ length: 129 }, (_, i) => managedFunction(`f-${String(i).padStart(3, '0')}`, 'OS'));
    await createAll(kc, ns, [tenant('t'), contract('c', withSpec({ start: '2026-11-01' })), ...functions]);
    // Its namespace only: on the shared control plane a manager of every namespace would also
    // apply its fixed clock's statuses to other files' reports, under a second field manager, and
    // count their refusals in the metric this file asserts (CI of stop 29: 5 rejected writes).
    manager = new Manager({
      kubeConfig: kc, leaderElection: false, watch: { namespaces: [ns] }, metrics: promRuntimeMetrics(registry, { prefix: PRODUCT_NAMES.metricPrefix }),
      logger: pino({ level: 'error' }, { write: (line: string) => { logged.push(line); } }),
    });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('writes Ready=False StatusRejected with the API server\'s message instead, so kstatus reads Stalled', async () => {
    const r = await eventually(async () => {
      const got = await report();
      expect(cond(got, 'Ready')?.reason).toBe('StatusRejected');
      return got;
    });
    expect(cond(r, 'Ready')).toMatchObject({ status: 'False', reason: 'StatusRejected' });
    // The API server's own words: 129 items where the schema allows 128.
    expect(cond(r, 'Ready')?.message).toMatch(/^the API server refused the status \(422\), written minimal instead: .*status\.functions: Too many: 129: must have at most 128 items/);
    expect(cond(r, 'Stalled')).toMatchObject({ status: 'True', reason: 'StatusRejected' });
    expect(cond(r, 'Reconciling')).toMatchObject({ status: 'False', reason: 'Settled' });
    // Minimal: no computed field is left looking current.
    expect(r.status?.functions).toBeUndefined();
    expect(r.status?.conditions?.map((c) => c.type)).toEqual(['Ready', 'Reconciling', 'Stalled']);
  });

  it('says it once: one Warning Event on the report, one error log line, one rejected write', async () => {
    const r = await report();
    const events = await eventually(async () => {
      const list = (await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items
        .filter((e) => e.regarding?.uid === r.metadata.uid && e.reason === 'StatusRejected');
      expect(list).toHaveLength(1);
      return list;
    });
    expect(events[0]).toMatchObject({ type: 'Warning', action: 'WriteStatus' });
    expect(events[0]?.note).toContain('must have at most 128 items');
    const lines = logged.map((l) => JSON.parse(l) as { level: number; msg: string; name?: string; err?: string }).filter((l) => l.msg.startsWith('status refused by the API server (422)'));
    // pino's error level is 50.
    expect(lines).toEqual([expect.objectContaining({ level: 50, name: 'c-2026-11', err: expect.stringContaining('Too many: 129') as unknown })]);
    // The refused status was sent once; the reconciles its own minimal write caused did not send it again.
    expect(await writes('rejected')).toBe(1);
  });

  it('writes the report in full once the input fits again (a function deleted: 128)', async () => {
    await api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'managedfunctions', namespace: ns, name: 'f-128' });
    const r = await eventually(async () => {
      const got = await report();
      expect(got.status?.functions).toHaveLength(128);
      return got;
    });
    expect(cond(r, 'Ready')).toMatchObject({ status: 'True', reason: 'Reconciled' });
    expect(cond(r, 'Stalled')).toMatchObject({ status: 'False', reason: 'Settled' });
    expect(await writes('rejected')).toBe(1);
  });
});
