// A reconcile whose outcome moves with the clock (the covered time of an open incident, a
// month-to-date report) must not wake itself with its own status write: that was a hot loop,
// an SLAReport rewritten every few tens of milliseconds while any incident of its namespace was
// open. The clock here is the real one, so every reconcile computes a slightly different figure.
import type { KubernetesObject } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { KubeClient, Manager } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { testClock, testNow } from '../support/clock.ts';
import { contract, createAll, GROUP, incident, openedAt, serviceUnit, tenant, VERSION } from './fixtures.ts';

/** This month in the tenant's zone (the fixture tenant's default calendar: Europe/Paris). */
const month = (ms: number): string => DateTime.fromMillis(ms, { zone: 'Europe/Paris' }).toFormat('yyyy-MM');

describe('a converged namespace with an open incident, on the real clock', () => {
  const kc = adminKubeConfig(inject('controlPlane'));
  const client = new KubeClient(kc);
  let manager: Manager;
  let ns: string;

  beforeAll(async () => {
    ns = await createNamespace(kc, 'ctl-quiet');
    const twoHoursAgo = new Date(testNow() - 2 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await createAll(kc, ns, [tenant('t'), contract('c'), serviceUnit('os-a'), incident('inc-open', 'os-a', openedAt(twoHoursAgo))]);
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, clock: testClock });
    registerControllers(manager);
    manager.start();
  });

  afterAll(async () => {
    await manager.stop();
  });

  const get = (plural: string, name: string): Promise<KubernetesObject & { status?: { observedGeneration?: number } }> =>
    client.request('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${plural}/${name}`);

  it('writes the report and the incident once, then leaves them alone', async () => {
    const report = `c-${month(testNow())}`;
    await eventually(async () => {
      const [r, i] = await Promise.all([get('slareports', report).catch(() => undefined), get('incidents', 'inc-open')]);
      return r?.status?.observedGeneration !== undefined && i.status?.observedGeneration !== undefined;
    }, { timeoutMs: 60_000 });
    // Let the first round of reconciles (every kind touches the report) settle.
    await new Promise((r) => setTimeout(r, 3_000));
    const before = await Promise.all([get('slareports', report), get('incidents', 'inc-open'), get('serviceunits', 'os-a')]);
    await new Promise((r) => setTimeout(r, 8_000));
    const after = await Promise.all([get('slareports', report), get('incidents', 'inc-open'), get('serviceunits', 'os-a')]);
    expect(after.map((o) => o.metadata?.resourceVersion)).toEqual(before.map((o) => o.metadata?.resourceVersion));
  }, 120_000);
});
