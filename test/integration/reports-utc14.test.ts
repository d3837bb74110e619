// Issue 20: "a tenant in UTC+14 got a report that was final at birth and empty". Reproduced here
// as a known failure (`it.fails`: it passes while the bug is there, and fails, to be turned into
// `it`, once fixed; docs/design.md §3 "Reports created after their month is final").
//
// The tenant's zone is Pacific/Kiritimati (UTC+14). At 2026-12-01T11:00Z (noon in Paris, where
// November is open until 2026-12-01T23:00Z) its November ended 2026-11-30T10:00Z and became final
// 24 h later, at 2026-12-01T10:00Z. A platform team applies the tenant and a contract starting
// 2026-11-01, then, a moment later (GitOps order), a unit, its function and a November P1
// (10:00Z → 12:28Z: 8,880 s). The contract's controller creates the November report (no final
// one exists), whose first computation is already final: frozen with no function and no incident.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock } from '../../src/runtime/index.ts';
import { contract, createAll, GROUP, incident, managedFunction, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

const NOW = new Date('2026-12-01T11:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
type Report = { status?: { final?: boolean; functions?: { name: string; interruptionSeconds: number }[] } };

describe('a tenant in UTC+14 set up just after its month became final', () => {
  const info = inject('controlPlane');
  let manager: Manager;
  let api: CustomObjectsApi;
  let ns = '';

  beforeAll(async () => {
    const kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'utc14');
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'error' }), leaderElection: false });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    const kiritimati = withSpec({ calendar: { timeZone: 'Pacific/Kiritimati', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } } });
    await createAll(kc, ns, [tenant('t', kiritimati), contract('c', withSpec({ start: '2026-11-01' }))]);
    const get = async (): Promise<Report> => (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11' })) as Report;
    // The records come once the report has frozen (a GitOps sync of the next wave, seconds later).
    await eventually(async () => (await get()).status?.final === true);
    await createAll(kc, ns, [
      serviceUnit('os-1'), managedFunction('os', 'OS'),
      incident('inc-1', 'os-1', withSpec({ openedAt: '2026-11-20T10:00:00Z' }), resolvedAt('2026-11-20T12:28:00Z')),
    ]);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it.fails('the November report counts the records applied with the contract (8,880 s on os)', async () => {
    await eventually(async () => {
      const r = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'slareports', namespace: ns, name: 'c-2026-11' })) as Report;
      expect(r.status?.functions).toEqual([expect.objectContaining({ name: 'os', interruptionSeconds: 8880 })]);
    }, { timeoutMs: 5_000, intervalMs: 250 });
  });
});
