// The contract's history in the spec (issue 12 items 1-2), on the real API server: "the raise on
// 1 November". A contract on Standard in Production carries an entry Premium from the current
// month (the "November"); a 6 h P1 was resolved in the previous month (the "October"). The
// operator starts one hour into the month, while October's report is still open: October stays
// Standard and becomes final with Standard; the current month is Premium. The months are derived
// from the test clock (testNow), never written in the test; the reconcilers read a ManualClock.
import type { KubernetesObject } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { KubeClient, Manager, ManualClock } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { testNow } from '../support/clock.ts';
import { contract, createAll, GROUP, incident, managedFunction, openedAt, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

type Stored = KubernetesObject & { status?: Record<string, unknown> & { final?: boolean } };
type IncidentRow = { name: string; supportLevel: string; deadline?: string; coveredSeconds: number; late: boolean; applicable: boolean };
const ZONE = 'Europe/Paris';
const H = 3_600_000;
const rfc3339 = (d: DateTime): string => d.toUTC().toISO({ suppressMilliseconds: true }) ?? '';

describe('the raise on 1 November (issue 12)', () => {
  const kc = adminKubeConfig(inject('controlPlane'));
  const client = new KubeClient(kc);
  // "November": the test clock's month in Paris; the operator's clock starts 1 h into it, inside
  // October's 24 h grace period (design.md §3).
  const november = DateTime.fromMillis(testNow(), { zone: ZONE }).startOf('month');
  const october = november.minus({ months: 1 });
  const start = october.minus({ months: 1 });
  const [NOV, OCT, START] = [november, october, start].map((d) => d.toFormat('yyyy-MM')) as [string, string, string];
  const clock = new ManualClock(new Date(november.toMillis() + H));
  // A P1 of October's 10th, 10:00 → 16:00 local: 6 h, counted 24×7 (P1 in production, domain.md §4).
  const opened = october.set({ day: 10, hour: 10 });
  const resolved = opened.plus({ hours: 6 });
  let manager: Manager;
  let ns: string;

  const get = (plural: string, name: string): Promise<Stored> => client.request('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${plural}/${name}`);
  const report = (month: string): Promise<Stored> => get('slareports', `c-${month}`);
  const incidents = (r: Stored): IncidentRow[] => ((r.status?.gtr as { incidents?: IncidentRow[] } | undefined)?.incidents ?? []);
  const fnLevel = (r: Stored): string | undefined => (r.status?.functions as { supportLevel: string }[] | undefined)?.[0]?.supportLevel;

  beforeAll(async () => {
    ns = await createNamespace(kc, 'ctl-terms');
    await createAll(kc, ns, [
      tenant('t'),
      contract('c', withSpec({
        start: start.toFormat('yyyy-MM-dd'),
        supportLevels: [{ environment: 'Production', level: 'Standard' }, { environment: 'Production', level: 'Premium', from: NOV }],
      })),
      serviceUnit('os-1'),
      managedFunction('os', 'OS'),
      incident('p1-october', 'os-1', openedAt(rfc3339(opened)), resolvedAt(rfc3339(resolved))),
    ]);
    // The Manager's clock too: the work queues' requeues (a report's finality) fire when the clock is advanced.
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, clock });
    registerControllers(manager);
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await manager.stop();
  });

  it('a report for every month since the start, created by the contract\'s controller', async () => {
    await eventually(async () => {
      const all = await Promise.all([START, OCT, NOV].map(report));
      expect(all.map((r) => r.status?.period !== undefined)).toEqual([true, true, true]);
    }, { timeoutMs: 30_000 });
  });

  it('October, still open, stays Standard: the 6 h P1 is within Standard\'s 8 h (domain.md §6)', async () => {
    const r = await eventually(async () => {
      const o = await report(OCT);
      expect(incidents(o)).toHaveLength(1);
      return o;
    }, { timeoutMs: 30_000 });
    expect(r.status?.final).toBe(false);
    expect(fnLevel(r)).toBe('Standard');
    // P1 Standard: 8 h, 24×7 → deadline opened + 8 h; restored in 6 h (21,600 s): on time. Under Premium (4 h) it would be late.
    expect(incidents(r)[0]).toMatchObject({ name: 'p1-october', supportLevel: 'Standard', deadline: rfc3339(opened.plus({ hours: 8 })), coveredSeconds: 21_600, late: false, applicable: true });
    expect(r.status?.gtr).toMatchObject({ resolved: 1, late: 0 });
  });

  it('November is Premium; the contract shows it in force, derived from the spec', async () => {
    const r = await eventually(async () => {
      const o = await report(NOV);
      expect(fnLevel(o)).toBe('Premium');
      return o;
    }, { timeoutMs: 30_000 });
    expect(r.status?.final).toBe(false);
    const c = await eventually(async () => {
      const o = await get('supportcontracts', 'c');
      expect(o.status?.effectiveSupportLevels).toBeDefined();
      return o;
    }, { timeoutMs: 30_000 });
    // In force since November's 1st, committed 6 months from it (domain.md §3).
    expect(c.status?.effectiveSupportLevels).toEqual([{ environment: 'Production', level: 'Premium', since: rfc3339(november), commitmentEnd: rfc3339(november.plus({ months: 6 })) }]);
    expect(c.status?.pendingSupportLevels).toBeUndefined();
  });

  it('October becomes final with Standard once its grace period is over', async () => {
    // The reports were created at the clock's start (1 h into November): final 24 h later (reportFinalAt); 25 h on, they are.
    clock.advance(25 * H);
    const r = await eventually(async () => {
      const o = await report(OCT);
      expect(o.status?.final).toBe(true);
      return o;
    }, { timeoutMs: 30_000 });
    expect(fnLevel(r)).toBe('Standard');
    expect(incidents(r)[0]).toMatchObject({ supportLevel: 'Standard', late: false });
    expect((await report(START)).status?.final).toBe(true);
    // November is not over: still provisional, still Premium.
    const n = await report(NOV);
    expect(n.status?.final).toBe(false);
    expect(fnLevel(n)).toBe('Premium');
  });
});
