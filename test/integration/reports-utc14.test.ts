// Issue 20: "a tenant in UTC+14 got a report that was final at birth and empty". Fixed by the rule
// of docs/design.md §3 "Reports created after their month is final": a report is final 24 h after
// the later of its month's end and its own creation (reportFinalAt, src/domain/report.ts).
//
// The tenant's zone is Pacific/Kiritimati (UTC+14). At 2026-12-01T11:00Z (noon in Paris, where
// November is open until 2026-12-01T23:00Z) its November ended 2026-11-30T10:00Z, 25 h earlier:
// under the old rule (month end + 24 h = 2026-12-01T10:00Z) the report was final at birth. A
// platform team applies the tenant and a contract starting 2026-11-01, then, a moment later
// (GitOps order), a unit, its function and a November P1 (10:00Z → 12:28Z: 2 h 28 min =
// 148 min × 60 = 8,880 s). The contract's controller creates the November report at 11:00Z on
// the operator's clock (the created-at annotation), so it is final at 11:00Z + 24 h =
// 2026-12-02T11:00Z: provisional now, and it counts the records of the next wave.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock } from '../../src/runtime/index.ts';
import { contract, createAll, GROUP, incident, managedFunction, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

const NOW = new Date('2026-12-01T11:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
type Report = {
  metadata?: { annotations?: Record<string, string> };
  status?: { final?: boolean; functions?: { name: string; interruptionSeconds: number }[]; conditions?: { type: string; status: string; reason: string; message: string }[] };
};

describe('a tenant in UTC+14 set up just after its month became final', () => {
  const info = inject('controlPlane');
  let manager: Manager;
  let api: CustomObjectsApi;
  let ns = '';
  let first: Report = {};

  beforeAll(async () => {
    const kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'utc14');
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'error' }), leaderElection: false, watch: { namespaces: [ns] } });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    const kiritimati = withSpec({ calendar: { timeZone: 'Pacific/Kiritimati', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } } });
    await createAll(kc, ns, [tenant('t', kiritimati), contract('c', withSpec({ start: '2026-11-01' }))]);
    const get = async (): Promise<Report> => (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11' })) as Report;
    // The records come once the report has been computed (a GitOps sync of the next wave, seconds later).
    await eventually(async () => (await get()).status?.conditions?.some((c) => c.type === 'Final') === true);
    first = await get();
    await createAll(kc, ns, [
      serviceUnit('os-1'), managedFunction('os', 'OS'),
      incident('inc-1', 'os-1', withSpec({ openedAt: '2026-11-20T10:00:00Z' }), resolvedAt('2026-11-20T12:28:00Z')),
    ]);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('the first computation is provisional: final 24 h after its creation, 2026-12-02T11:00Z', () => {
    expect(first.metadata?.annotations?.['managedapps.dev/created-at']).toBe('2026-12-01T11:00:00Z');
    expect(first.status?.final).toBe(false);
    expect(first.status?.conditions?.find((c) => c.type === 'Final')).toMatchObject({
      status: 'False', reason: 'MonthOpen', message: 'the report becomes final at 2026-12-02T11:00:00Z',
    });
  });

  it('the November report counts the records applied with the contract (8,880 s on os)', async () => {
    await eventually(async () => {
      const r = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11' })) as Report;
      expect(r.status?.functions).toEqual([expect.objectContaining({ name: 'os', interruptionSeconds: 8880 })]);
    }, { timeoutMs: 5_000, intervalMs: 250 });
  });
});
