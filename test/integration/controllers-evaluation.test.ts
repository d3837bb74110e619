// One evaluation per tenant (issue 11 item 3, design.md §2): a change in a namespace costs one
// evaluation of the tenant, however many objects it re-queues, and every status written after it
// is a projection of that one evaluation. The reconcilers read a frozen clock (ManualClock), so
// the evaluation never expires by age here: only a change of the namespace can move it.
import type { KubernetesObject } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers, type RegisteredControllers } from '../../src/controllers/index.ts';
import { KubeClient, Manager, ManualClock } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { testNow } from '../support/clock.ts';
import { contract, createAll, GROUP, incident, managedFunction, openedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

const UNITS = 12;
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

type Stored = KubernetesObject & { status?: Record<string, unknown> & { observedGeneration?: number } };

describe('one evaluation per tenant, on the real API server', () => {
  const kc = adminKubeConfig(inject('controlPlane'));
  const client = new KubeClient(kc);
  // Whole seconds: the statuses are.
  const t = Math.floor(testNow() / 1000) * 1000;
  const clock = new ManualClock(new Date(t));
  let manager: Manager;
  let controllers: RegisteredControllers;
  let ns: string;

  const get = (plural: string, name: string): Promise<Stored> => client.request('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${plural}/${name}`);
  const units = Array.from({ length: UNITS }, (_, i) => `os-${i}`);

  beforeAll(async () => {
    ns = await createNamespace(kc, 'ctl-eval');
    // The contract starts in t's month: its one report is the month's (a start months earlier
    // would have the contract's controller create every month's report since, moving the
    // namespace again after the settle below).
    const start = DateTime.fromMillis(t, { zone: 'Europe/Paris' }).startOf('month').toFormat('yyyy-MM-dd');
    await createAll(kc, ns, [tenant('t'), contract('c', withSpec({ start })), ...units.map((u) => serviceUnit(u)), managedFunction('os', 'OS')]);
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    controllers = registerControllers(manager, { clock });
    manager.start();
    await eventually(async () => {
      const all = await Promise.all([...units.map((u) => get('serviceunits', u)), get('managedfunctions', 'os'), get('supportcontracts', 'c')]);
      const month = DateTime.fromMillis(t, { zone: 'Europe/Paris' }).toFormat('yyyy-MM');
      const report = await get('slareports', `c-${month}`).catch(() => undefined);
      return all.every((o) => o.status?.observedGeneration !== undefined) && report?.status?.observedGeneration !== undefined;
    }, { timeoutMs: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await manager.stop();
  });

  it('an incident created re-queues its unit, the function and the report: all project one new evaluation', async () => {
    // Settle the first round (the contract's first status write, its effective support levels,
    // moved the namespace once more; beforeAll waited for it), then count from there.
    // On a loaded machine the first round can run late: wait until 2 s pass without an evaluation.
    let before = -1;
    while (before !== controllers.evaluations.computed) {
      before = controllers.evaluations.computed;
      await new Promise((r) => setTimeout(r, 2_000));
    }

    // A P1 on os-0 opened one hour before the frozen instant, or at the month's start in Paris if
    // that is later (the date matrix runs on a month's first day, where one hour back may be last month).
    const monthStart = DateTime.fromMillis(t, { zone: 'Europe/Paris' }).startOf('month').toMillis();
    const opened = t - 3_600_000;
    // Interruption counted this month: t − max(opened, monthStart), 3,600 s unless the month began less than an hour ago.
    const expectedSeconds = (t - Math.max(opened, monthStart)) / 1000;
    await createAll(kc, ns, [incident('p1', 'os-0', openedAt(rfc3339(opened)))]);

    await eventually(async () => {
      const [unit, fn, inc] = await Promise.all([get('serviceunits', 'os-0'), get('managedfunctions', 'os'), get('incidents', 'p1')]);
      const availability = unit.status?.availability as { interruptionSeconds?: number } | undefined;
      return availability?.interruptionSeconds === expectedSeconds && typeof fn.status?.availabilityPercent === 'number' && (fn.status.availabilityPercent) < 100 && inc.status?.phase === 'Open';
    }, { timeoutMs: 30_000 });
    // Let any late reconcile of the burst run: it reads the same evaluation (same version, frozen clock).
    await new Promise((r) => setTimeout(r, 2_000));
    expect(controllers.evaluations.computed - before).toBe(1);

    // The function averages its 12 units over the whole month (a unit subscribed throughout counts
    // the month's length, domain.md §5): os-0 lost expectedSeconds, the 11 others nothing, so
    // availability = 100 × (1 − expected / (12 × monthSeconds)).
    const start = DateTime.fromMillis(t, { zone: 'Europe/Paris' }).startOf('month');
    const monthSeconds = start.plus({ months: 1 }).diff(start, 'seconds').seconds;
    const expectedPercent = 100 * (1 - expectedSeconds / (UNITS * monthSeconds));
    const fn = await get('managedfunctions', 'os');
    expect(fn.status?.availabilityPercent).toBeCloseTo(expectedPercent, 4);
    // The month's report, projected from the same evaluation, shows the same row.
    const report = await get('slareports', `c-${start.toFormat('yyyy-MM')}`);
    const row = (report.status?.functions as { name: string; availabilityPercent: number; interruptionSeconds: number }[] | undefined)?.find((f) => f.name === 'os');
    expect(row?.availabilityPercent).toBe(fn.status?.availabilityPercent);
    expect(row?.interruptionSeconds).toBe(expectedSeconds);
  }, 60_000);
});
