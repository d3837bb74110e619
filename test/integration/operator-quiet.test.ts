// Quiet means quiet (issue 5, design.md §2): once the samples are converged, the operator (a real
// process, leader election on) writes nothing to managedapps.dev for a minute: an unchanged status
// is not applied again, and no requeue or resync rewrites one. Writes are counted in the API
// server's audit log by the operator's own user; Lease renewals (coordination.k8s.io) are
// expected and not counted. A write found is named with the fields it changed.
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace } from '../controlplane/client.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { createAll, samples } from './fixtures.ts';
import {
  auditBarrier, comparable, converged, describeWrite, metricSum, objectsIn, operatorKubeconfig, readAudit, statusDiff, writesOf, sampleReports } from './operator-support.ts';

const QUIET_MS = 60_000;

/**
 * The operator's clock for this test (--clock-at): an instant at which nothing the contract times
 * changes in the next hours for the samples, checked by hand against config/samples. Wednesday
 * 18 November 2026, 22:00 in Paris: outside business hours (09:00-18:00, so the covered time of
 * the samples' open pre-production P3, counted in business hours only, does not grow until 09:00);
 * the October report is final since 2 November 00:00, November's ends on 1 December; the windows
 * are the 2nd Tuesday 22:00 (10 November), Sundays 06:00-08:30 and 21 November 20:00; the other
 * incidents and the changes were resolved, completed or past their deadlines by 7 November.
 * On the real clock the minute could hold such an instant: a report became final at
 * 2026-12-01T23:00Z during one run, and in business hours a resync rewrites the open incident's
 * growing covered time; the operator would then rightly write.
 */
const CALM_INSTANT = '2026-11-18T22:00:00+01:00';

describe('quiet means quiet', () => {
  const info = inject('controlPlane');
  const auditLogPath = info.auditLogPath!;
  const user = `operator-quiet-${Math.random().toString(36).slice(2, 8)}`;
  let kc: KubeConfig;
  let operator: OperatorProcess | undefined;

  beforeAll(() => {
    kc = adminKubeConfig(info);
  });

  afterAll(async () => {
    await operator?.stop();
  });

  it(`once converged, the operator writes nothing to managedapps.dev for ${QUIET_MS / 1000} s`, async () => {
    const namespace = await createNamespace(kc, 'op-quiet');
    const leaseNamespace = await createNamespace(kc, 'op-quiet-lease');
    await createAll(kc, namespace, samples());
    // Scoped to its namespace: other test files leave objects behind on the shared control
    // plane, and a cluster-wide operator would still be converging those during the window.
    operator = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(info, user), leaderElectionNamespace: leaseNamespace, watchNamespace: namespace, args: ['--clock-at', CALM_INSTANT],
    });
    await operator.ready();
    // The samples' contract gets a report for every month from its start to the operator's.
    await converged(kc, namespace, { reports: sampleReports(Date.parse(CALM_INSTANT)) });
    await auditBarrier(kc, auditLogPath, namespace);

    const before = await objectsIn(kc, namespace);
    const { entries: converging, end: start } = readAudit(auditLogPath);
    // The log does attribute the operator's writes to its user: converging took some.
    expect(writesOf(converging, user).filter((w) => w.objectRef?.namespace === namespace).length).toBeGreaterThan(0);
    const writtenBefore = metricSum((await operator.get('/metrics')).body, 'managedapps_status_writes_total', { outcome: 'written' });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await auditBarrier(kc, auditLogPath, namespace);
    const writes = writesOf(readAudit(auditLogPath, start).entries, user);
    const writtenAfter = metricSum((await operator.get('/metrics')).body, 'managedapps_status_writes_total', { outcome: 'written' });

    // Name each write and what it changed, so that a failure says what to fix.
    const after = await objectsIn(kc, namespace);
    const explained = writes.map((w) => {
      const ref = w.objectRef ?? {};
      if (ref.namespace !== namespace) return `${describeWrite(w)} (another namespace)`;
      const key = [...after.keys()].find((k) => after.get(k)?.metadata.name === ref.name && k.toLowerCase().startsWith(ref.resource?.replace(/s$/, '') ?? '')) ?? `${ref.resource}/${ref.name}`;
      const diff = statusDiff(comparable(before.get(key)?.status), comparable(after.get(key)?.status));
      return `${describeWrite(w)}: ${diff.length > 0 ? diff.join('; ') : 'an unchanged status applied again (only transition times may differ)'}`;
    });
    expect(explained).toEqual([]);
    expect(writtenAfter - writtenBefore).toBe(0);
  }, QUIET_MS + 180_000);
});
