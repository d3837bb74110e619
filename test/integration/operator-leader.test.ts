// Leader election (issue 5, design.md §2; style.md item 12): two operator processes on one Lease.
// Only the Lease's holder reconciles: its managedapps_status_writes_total{outcome="written"} grows,
// the other's stays 0 (the audit log cannot tell the two apart: same user). SIGKILL the leader:
// the other takes the Lease within its duration (15 s) plus a margin, reconciles a change made
// after the kill, and writes nothing twice: no duplicate SLAReport or Incident, and every status it
// writes is one that changed (the unchanged ones are skipped, not applied again).
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { createAll, GROUP, samples, VERSION } from './fixtures.ts';
import {
  auditBarrier, comparable, converged, describeWrite, metricSum, objectsIn, operatorKubeconfig, readAudit, statusDiff, writesOf, type Obj,
  operatorSuite, sampleReports } from './operator-support.ts';

const LEASE = 'managed-apps-operator';
const LEASE_DURATION_MS = 15_000;
const MARGIN_MS = 10_000;
/** The samples' one open incident: resolved after the leader's death. */
const OPEN_INCIDENT = 'inc-20261103-pp-login';

describe('leader election between two operator processes', () => {
  const { info, auditLogPath, user, kc, operators } = operatorSuite('operator-leader');

  const figures = async (o: OperatorProcess): Promise<{ leader: number; written: number; skipped: number }> => {
    const body = (await o.get('/metrics')).body;
    return {
      leader: metricSum(body, 'leader_election_master_status'),
      written: metricSum(body, 'managedapps_status_writes_total', { outcome: 'written' }),
      skipped: metricSum(body, 'managedapps_status_writes_total', { outcome: 'skipped' }),
    };
  };

  it('only the leader writes; after SIGKILL the other takes over within the lease duration and rewrites nothing unchanged', async () => {
    const namespace = await createNamespace(kc, 'op-leader');
    const leaseNamespace = await createNamespace(kc, 'op-leader-lease');
    const kubeconfigPath = operatorKubeconfig(info, user);
    const leases = kc.makeApiClient(CoordinationV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const holder = async (): Promise<string | undefined> =>
      (await leases.readNamespacedLease({ name: LEASE, namespace: leaseNamespace })).spec?.holderIdentity ?? undefined;

    await createAll(kc, namespace, samples());
    for (const identity of ['leader-a', 'leader-b']) {
      // Both reconcile this namespace only: on the shared control plane, an operator of every namespace
      // writes other files' statuses too, and the old leader's writes in flight at the SIGKILL would
      // land after the audit mark without being the new leader's (CI of stop 29: 45 writes, 39 counted).
      operators.push(await startOperatorProcess({ kubeconfigPath, leaderElectionNamespace: leaseNamespace, identity, watchNamespace: namespace }));
    }
    await Promise.all(operators.map((o) => o.ready()));
    await converged(kc, namespace, { reports: sampleReports() });

    const holderIdentity = await holder();
    const leader = operators.find((o) => o.identity === holderIdentity);
    const follower = operators.find((o) => o.identity !== holderIdentity)!;
    expect(leader, `Lease holder ${String(holderIdentity)}`).toBeDefined();
    const leaderFigures = await figures(leader!);
    const followerFigures = await figures(follower);
    expect(leaderFigures.leader).toBe(1);
    expect(leaderFigures.written).toBeGreaterThan(0);
    expect(followerFigures).toEqual({ leader: 0, written: 0, skipped: 0 });

    // Kill the leader; what the cluster holds then is what the new leader must not write again.
    await auditBarrier(kc, auditLogPath, namespace);
    const before = await objectsIn(kc, namespace);
    const start = readAudit(auditLogPath).end;
    await leader!.kill();
    const killedAt = Date.now();
    const incident = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'incidents', namespace, name: OPEN_INCIDENT })) as Obj;
    await custom.replaceNamespacedCustomObject({
      group: GROUP, version: VERSION, plural: 'incidents', namespace, name: OPEN_INCIDENT,
      body: { ...incident, spec: { ...incident.spec, resolvedAt: '2026-11-03T17:20:00+01:00' } },
    });

    // Bounded wait: the Lease expires 15 s after the last renewal the follower saw.
    await eventually(async () => {
      expect(await holder()).toBe(follower.identity);
      expect((await figures(follower)).leader).toBe(1);
    }, { timeoutMs: LEASE_DURATION_MS + MARGIN_MS - (Date.now() - killedAt), intervalMs: 250 });

    await eventually(async () => {
      const current = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'incidents', namespace, name: OPEN_INCIDENT })) as Obj;
      expect(current.status?.observedGeneration).toBe(current.metadata.generation);
      expect(current.status?.observedGeneration).toBeGreaterThan(incident.status?.observedGeneration ?? 0);
    }, { timeoutMs: 30_000, intervalMs: 250 });
    await converged(kc, namespace, { reports: sampleReports() });
    await auditBarrier(kc, auditLogPath, namespace);

    // Nothing twice: the same objects (no second report of a month, no second incident).
    const after = await objectsIn(kc, namespace);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());

    // Every status the new leader wrote had changed; every unchanged one was skipped.
    const writes = writesOf(readAudit(auditLogPath, start).entries, user);
    const keyOf = (resource: string | undefined, name: string | undefined): string | undefined =>
      [...after.keys()].find((k) => after.get(k)?.metadata.name === name && `${k.split('/')[0]!.toLowerCase()}s` === resource);
    const rewritten = writes
      .filter((w) => w.objectRef?.namespace === namespace)
      .filter((w) => {
        const key = keyOf(w.objectRef?.resource, w.objectRef?.name);
        return w.objectRef?.subresource !== 'status' || key === undefined || statusDiff(comparable(before.get(key)?.status), comparable(after.get(key)?.status)).length === 0;
      })
      .map(describeWrite);
    expect(rewritten).toEqual([]);
    const changed = writes.filter((w) => w.objectRef?.namespace === namespace && w.objectRef.subresource === 'status');
    expect(changed.map((w) => w.objectRef?.name)).toContain(OPEN_INCIDENT);

    // The new leader's counter accounts for exactly the status writes the API server saw after the kill.
    const newLeader = await figures(follower);
    expect(newLeader.written).toBe(writes.filter((w) => w.objectRef?.subresource === 'status').length);
    expect(newLeader.skipped).toBeGreaterThan(0);
  }, 240_000);
});
