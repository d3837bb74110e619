// Issue 16 item 1 on the real API server (design.md §3 "Forecast"): the running month's SLAReport
// carries status.forecast, the metrics snapshot exports it, and it is gone once the month has
// ended: in the grace period, and in the final, sealed report, whose seal is over a status
// without it. Every instant is the ManualClock's, none is the day's.
//
// A tenant in Europe/Paris, contract from 2026-11-01 (Production Premium), unit os-1, function os
// (OS: the AnyFunction row, 99.5 % at Premium; charge 1,000, the production and recurring charge).
//   inc-slow P2 2026-11-02T08:00Z → 17:00Z: 9 h > the Premium P2 8 h (24×7): late.
//   inc-down P1 2026-11-10T10:00Z, open: Premium P1 4 h (24×7), deadline 14:00Z, at risk at
//            3 h: 13:00Z.
// At 2026-11-10T12:00Z: November (2026-10-31T23:00Z → 2026-11-30T23:00Z, 2,592,000 s) has run
// 9 days 13 h = 824,400 s; os is down 7,200 s so far.
//   os NothingElse 100 × (2,592,000 − 7,200) / 2,592,000 = 99.7222 %: met, no credit.
//   os BurnRate 100 − 100 × 7,200 / 824,400 = 99.1266 %, gap 0.3734 pt → 2 % of 1,000 = 20.
//   GTR today: 1 late of 1 resolved → 1 / 5 = 20 % → 2 % of 1,000 = 20 (the report's credits).
//   GTR forecast: inc-down resolved at 13:00Z, on time → 1 late of 2 → 1 / 5 = 20 % → 20.
//   Credits (inc-down is os's, inc-slow GTR's: no incident twice), cap 15 % of 1,000 = 150:
//   NothingElse 0 + 20 = 20; BurnRate 20 + 20 = 40.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers, type RegisteredControllers } from '../../src/controllers/index.ts';
import { FIRST_PREVIOUS, sealOf } from '../../src/domain/index.ts';
import { KubeClient, Manager, ManualClock } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { contract, createAll, GROUP, incident, managedFunction, openedAt, priority, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

const DAY = 86_400_000;

type Report = { status?: Record<string, unknown> & { final?: boolean; forecast?: unknown; seal?: { sha256: string; previous: string }; credits?: { total: number } } };

describe('the credit forecast of the running month', () => {
  const info = inject('controlPlane');
  const kc = adminKubeConfig(info);
  const client = new KubeClient(kc);
  const clock = new ManualClock(new Date('2026-11-10T12:00:00Z'));
  let manager: Manager;
  let registered: RegisteredControllers;
  let ns = '';
  const get = (name: string): Promise<Report> => client.request('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/slareports/${name}`);
  let pokes = 0;
  /** A label on the tenant: every report of the namespace is reconciled again, at the clock's instant. */
  const poke = async (): Promise<void> => {
    pokes++;
    await client.request('PATCH', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/managedtenants/t`, { body: { metadata: { labels: { poke: String(pokes) } } }, contentType: 'application/merge-patch+json' });
  };

  beforeAll(async () => {
    ns = await createNamespace(kc, 'forecast');
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    registered = registerControllers(manager, { clock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    await createAll(kc, ns, [
      tenant('t'), contract('c', withSpec({ start: '2026-11-01' })), serviceUnit('os-1'), managedFunction('os', 'OS'),
      incident('inc-slow', 'os-1', priority('P2'), openedAt('2026-11-02T08:00:00Z'), resolvedAt('2026-11-02T17:00:00Z')),
      incident('inc-down', 'os-1', openedAt('2026-11-10T10:00:00Z')),
    ]);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('is in the current month\'s report, with the figures computed by hand', async () => {
    await eventually(async () => {
      const r = await get('c-2026-11').catch(() => undefined);
      expect(r?.status?.forecast).toEqual({
        at: '2026-11-10T12:00:00Z',
        monthSeconds: 2_592_000,
        elapsedSeconds: 824_400,
        functions: [{
          name: 'os', guaranteePercent: 99.5,
          nothingElse: { availabilityPercent: 99.7222, gapPoints: 0, creditPercent: 0, creditAmount: 0 },
          burnRate: { availabilityPercent: 99.1266, gapPoints: 0.3734, creditPercent: 2, creditAmount: 20 },
        }],
        gtr: {
          resolved: 2, late: 1, deviationPercent: 20, creditPercent: 2, creditAmount: 20,
          open: [{ name: 'inc-down', resolveAt: '2026-11-10T13:00:00Z', deadline: '2026-11-10T14:00:00Z', late: false }],
        },
        gtcCreditAmount: 0,
        credits: { nothingElse: { uncapped: 20, cap: 150, total: 20 }, burnRate: { uncapped: 40, cap: 150, total: 40 } },
      });
      expect(r?.status?.credits?.total).toBe(20);
    }, { timeoutMs: 30_000 });
  });

  it('is exported as metrics (the snapshot the scrape reads)', async () => {
    // The snapshot reads the manager's cache, which sees the status the previous test read from the
    // API server a moment later (it failed once under load without the wait).
    // The manager watches every namespace, and other files' run alongside on the same API server: this one's.
    await eventually(() => { expect(registered.metricsSnapshot().forecasts?.filter((f) => f.namespace === ns)).toEqual([{
      namespace: ns, contract: 'c',
      functions: [
        { name: 'os', case: 'NothingElse', availabilityRatio: 0.997222, creditAmount: 0 },
        { name: 'os', case: 'BurnRate', availabilityRatio: 0.991266, creditAmount: 20 },
      ],
      gtr: { deviationRatio: 0.2, creditAmount: 20 },
      credits: [{ case: 'NothingElse', amount: 20 }, { case: 'BurnRate', amount: 40 }],
    }]); }, { timeoutMs: 10_000 });
  });

  it('is gone once the month has ended (the grace period), and from the final, sealed report', async () => {
    // 2026-12-01T12:00Z: November ended 2026-11-30T23:00Z; final at 2026-12-01T23:00Z.
    clock.advance(21 * DAY); // → 2026-12-01T12:00Z
    await poke();
    await eventually(async () => {
      const r = await get('c-2026-11');
      expect(r.status?.final).toBe(false);
      expect(r.status !== undefined && 'forecast' in r.status).toBe(false);
    }, { timeoutMs: 30_000 });
    // 2026-12-03: November is final and sealed, the contract's first month (previous '').
    clock.advance(2 * DAY); // → 2026-12-03T12:00Z
    await poke();
    await eventually(async () => { expect((await get('c-2026-11')).status?.seal).toBeDefined(); }, { timeoutMs: 30_000 });
    const final = await get('c-2026-11');
    expect(final.status?.final).toBe(true);
    expect(final.status !== undefined && 'forecast' in final.status).toBe(false);
    const { seal, ...rest } = final.status ?? {};
    expect(seal).toEqual(sealOf(rest, FIRST_PREVIOUS));
  });
});
