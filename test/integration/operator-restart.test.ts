// Restart (issue 5, design.md §2 "a restart ... loses nothing"): the operator process is killed
// with SIGKILL right after its first status writes to a namespace (the samples plus a few hundred
// incidents, so that it is mid-work), started again, and converges to the same statuses (transition
// times aside) as a run that was never interrupted: a second namespace with the same objects,
// created once the restarted operator runs. No object is duplicated: one SLAReport per contract and
// month, the same objects in both namespaces.
//
// The two namespaces converge a minute or two apart, and the samples hold an open P3 and an open
// change whose covered time grows inside business hours: on the real clock the test failed in the
// afternoon (a few seconds of `coveredSeconds` apart) and passed at night. Both operators therefore
// run on a clock started at 03:00 Paris on the Sunday before the test's day (test/support/clock.ts,
// so the date matrix still moves it), outside business hours (domain.md §4: Monday to Friday,
// 09:00–18:00; the samples' open P3 is non-production and their open change counts business hours
// only), so the covered times stand still for the test's minutes.
import type { KubeConfig } from '@kubernetes/client-node';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { startOperatorProcess } from '../support/operator.ts';
import { testNow } from '../support/clock.ts';
import { createAll, incident, openedAt, priority, resolvedAt, samples, type Manifest } from './fixtures.ts';
import { operatorSuite, converged, objectsIn, operatorKubeconfig, readAudit, unconverged, writesOf, sampleReports } from './operator-support.ts';

const EXTRA_INCIDENTS = 300;
const UNITS = ['os-files01', 'db-erp01', 'mw-erp01', 'app-erp', 'app-portal'];

/** Resolved P3 incidents spread over the first days of November 2026, on the samples' units. */
function extraIncidents(): Manifest[] {
  return Array.from({ length: EXTRA_INCIDENTS }, (_, i) => {
    const opened = new Date(Date.UTC(2026, 10, 1, 0, 0) + i * 37 * 60_000);
    return incident(`extra-${String(i).padStart(3, '0')}`, UNITS[i % UNITS.length]!, priority('P3'),
      openedAt(opened.toISOString().replace(/\.\d+Z$/, 'Z')), resolvedAt(new Date(opened.getTime() + 6 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z')));
  });
}

/** 03:00 Paris on the last Sunday strictly before the test clock's day: covered hours are closed. */
function quietSunday(): string {
  const day = DateTime.fromMillis(testNow(), { zone: 'Europe/Paris' }).startOf('day');
  return day.minus({ days: day.weekday % 7 || 7 }).set({ hour: 3 }).toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}
const clockArgs = ['--clock-at', quietSunday()];

/** Creates the objects 16 at a time. */
async function createConcurrently(kc: KubeConfig, namespace: string, objects: readonly Manifest[]): Promise<void> {
  const queue = [...objects];
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let o = queue.shift(); o !== undefined; o = queue.shift()) await createAll(kc, namespace, [o]);
  }));
}

/** SLAReports by `contract/month`: more than one for a key is a duplicate. */
async function reportsByMonth(kc: KubeConfig, namespace: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [key, o] of await objectsIn(kc, namespace)) {
    if (!key.startsWith('SLAReport/')) continue;
    const spec = o.spec as { contractRef: { name: string }; month: string };
    const k = `${spec.contractRef.name}/${spec.month}`;
    out.set(k, [...(out.get(k) ?? []), o.metadata.name]);
  }
  return out;
}

describe('restart after SIGKILL', () => {
  const { info, auditLogPath, user, kc, operators } = operatorSuite('operator-restart');

  it('killed mid-work and started again, the operator converges to the statuses of an uninterrupted run, without duplicates', async () => {
    const objects = [...samples(), ...extraIncidents()];
    const killed = await createNamespace(kc, 'op-restart-killed');
    const leaseNamespace = await createNamespace(kc, 'op-restart-lease');
    const kubeconfigPath = operatorKubeconfig(info, user);
    await createConcurrently(kc, killed, objects);

    const start = readAudit(auditLogPath).end;
    const first = await startOperatorProcess({ kubeconfigPath, leaderElectionNamespace: leaseNamespace, identity: 'restart-first', args: clockArgs });
    operators.push(first);
    // SIGKILL as soon as the first status write to the namespace is in the audit log.
    await eventually(() => writesOf(readAudit(auditLogPath, start).entries, user).some((w) => w.objectRef?.namespace === killed && w.objectRef.subresource === 'status'), { timeoutMs: 60_000, intervalMs: 5 });
    await first.kill();
    const atKill = unconverged(await objectsIn(kc, killed));
    // It was mid-work: some objects had no status of their generation yet.
    expect(atKill.length).toBeGreaterThan(0);

    // The second start takes the Lease over from the dead first (held until it expires: 15 s).
    const second = await startOperatorProcess({ kubeconfigPath, leaderElectionNamespace: leaseNamespace, identity: 'restart-second', args: clockArgs });
    operators.push(second);
    const uninterrupted = await createNamespace(kc, 'op-restart-uninterrupted');
    await createConcurrently(kc, uninterrupted, objects);

    const reports = sampleReports(Date.parse(quietSunday()));
    const afterRestart = await converged(kc, killed, { reports, timeoutMs: 120_000 });
    const reference = await converged(kc, uninterrupted, { reports, timeoutMs: 120_000 });
    expect(Object.keys(afterRestart).sort()).toEqual(Object.keys(reference).sort());
    expect(afterRestart).toEqual(reference);
    expect(Object.keys(afterRestart)).toHaveLength(objects.length + reports);
    for (const namespace of [killed, uninterrupted]) {
      const duplicates = [...(await reportsByMonth(kc, namespace))].filter(([, names]) => names.length !== 1);
      expect(duplicates, namespace).toEqual([]);
    }
  }, 300_000);
});
