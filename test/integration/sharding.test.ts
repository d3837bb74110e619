// Sharding across replicas (issue 17 item 4, design.md §2 "Sharding"): three operator processes
// with `--shards 8`, on the namespaces of this file only (`--watch-namespace-selector`: the control
// plane is shared). They run under one user, as the replicas of a Deployment share a
// ServiceAccount; the audit log tells them apart by their User-Agent, `managedapps-operator
// (<identity>)` (src/runtime/manager.ts).
//   - each bucket's Lease is held by its rendezvous winner among the three (shards.ts), and every
//     status and every create in a namespace is the writing of the replica holding its bucket, no other;
//   - the webhook, served by replica A alone, answers for every namespace, those of buckets A does not
//     hold included: it stamps the shard label at admission and applies its cross-object rules
//     (its view caches hold every bucket);
//   - the objects created before the operators (no webhook yet) get their label from the
//     labeller, the holder of bucket 0;
//   - SIGKILL replica B: its buckets go to the winners among A and C within the member and bucket
//     Leases' duration (15 s) plus a margin; a change in one of its namespaces is then reconciled
//     by the new holder, and B's unit whose probe fails keeps its one Monitoring incident (the new
//     holder adopts it, opens no second one).
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { bucketOf, rendezvousWinner, shardValue } from '../../src/runtime/shards.ts';
import { KubeClient } from '../../src/runtime/kube.ts';
import { deleteWebhookConfiguration } from '../../src/webhooks/certs.ts';
import { eventually, userKubeConfig } from '../controlplane/client.ts';
import { freePorts } from '../controlplane/net.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { createAll, GROUP, onVm, samples, serviceUnit, VERSION, type Manifest } from './fixtures.ts';
import { auditBarrier, converged, metricSum, objectsIn, operatorKubeconfig, operatorSuite, readAudit, sampleReports, writesOf, type AuditEntry, type Obj } from './operator-support.ts';

const SHARDS = 8;
const LABEL = `${GROUP}/shard`;
const LEASE = 'managed-apps-operator';
/** Member and bucket Leases: 15 s (leader.ts defaults); the margin covers a retry period (2 s × 2.2 at most) and the relist. */
const LEASE_DURATION_MS = 15_000;
const MARGIN_MS = 15_000;
const IDS = ['shard-a', 'shard-b', 'shard-c'] as const;
const CONFIG_NAME = `mao-sharding-test-${randomBytes(4).toString('hex')}`;
/** The sample unit whose probe fails (a closed port), in each namespace. */
const DOWN_UNIT = 'db-erp01';
/** The samples' one open incident: resolved after the kill. */
const OPEN_INCIDENT = 'inc-20261103-pp-login';

const userAgent = (identity: string): string => `managedapps-operator (${identity})`;

describe('three sharded operator processes', () => {
  const suite = operatorSuite('sharding');
  const { kc } = suite;
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const leases = kc.makeApiClient(CoordinationV1Api);
  const servers: net.Server[] = [];
  const namespaces: string[] = [];

  afterAll(async () => {
    await deleteWebhookConfiguration(new KubeClient(kc), CONFIG_NAME);
    for (const s of servers) await new Promise((r) => { s.close(r); });
  });

  it('each bucket is reconciled by one replica, the webhook answers for all, and a killed replica\'s buckets are taken over with no second incident', async () => {
    const run = randomBytes(3).toString('hex');
    const selector = { key: 'mao-shard-test', value: run };
    const leaseNamespace = `shard-lease-${run}`;
    await core.createNamespace({ body: { metadata: { name: leaseNamespace } } });
    // Namespaces until each replica owns at least one (the owner of a namespace: the winner of its bucket among the three).
    const owner = (ns: string, members: readonly string[] = IDS): string => rendezvousWinner(bucketOf(ns, SHARDS), members)!;
    for (let i = 0; IDS.some((id) => !namespaces.some((ns) => owner(ns) === id)); i++) namespaces.push(`shard-${run}-${String(i)}`);
    for (const name of namespaces) await core.createNamespace({ body: { metadata: { name, labels: { [selector.key]: selector.value } } } });
    const ofB = namespaces.filter((ns) => owner(ns) === 'shard-b');

    // Probe targets: a listening port (up) for every sample unit, a closed one for DOWN_UNIT.
    const up = net.createServer((socket) => { socket.destroy(); });
    await new Promise<void>((resolve) => { up.listen(0, '127.0.0.1', resolve); });
    servers.push(up);
    const [closedPort, webhookPort] = (await freePorts(2)) as [number, number];
    const upPort = (up.address() as net.AddressInfo).port;
    // The samples without their changes and windows (their approvals are the client's ChangeApprover's to give, through the webhook).
    const objects = samples().filter((o) => o.kind !== 'ChangeRequest' && o.kind !== 'MaintenanceWindow').map((o): Manifest => o.kind !== 'ServiceUnit' ? o : {
      ...o, spec: { ...o.spec, monitoring: { tcpSocket: { host: '127.0.0.1', port: o.metadata.name === DOWN_UNIT ? closedPort : upPort }, period: '1s', timeout: '1s' } },
    });

    // The first namespace before any operator: no webhook, no label; the labeller gives it.
    const first = namespaces[0]!;
    await createAll(kc, first, objects);

    const startedFrom = readAudit(suite.auditLogPath).end;
    const kubeconfigPath = operatorKubeconfig(suite.info, suite.user);
    const common = ['--shards', String(SHARDS), '--watch-namespace-selector', `${selector.key}=${selector.value}`];
    const env = { MANAGEDAPPS_OPERATOR_USERNAME: suite.user, MANAGEDAPPS_PROVIDER_GROUPS: 'managedapps:provider,system:masters', MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS: 'true' };
    const operators = new Map<string, OperatorProcess>();
    for (const identity of IDS) {
      const webhook = identity === 'shard-a'
        ? ['--webhook', 'true', '--webhook-mode', 'url', '--webhook-host', '127.0.0.1', '--webhook-port', String(webhookPort), '--webhook-configuration-name', CONFIG_NAME]
        : [];
      const o = await startOperatorProcess({ kubeconfigPath, leaderElectionNamespace: leaseNamespace, identity, probes: true, args: [...common, ...webhook], env });
      operators.set(identity, o);
      suite.operators.push(o);
    }
    await Promise.all([...operators.values()].map((o) => o.ready(120_000)));

    const holders = async (): Promise<string[]> => Promise.all(Array.from({ length: SHARDS }, async (_, k) =>
      (await leases.readNamespacedLease({ name: `${LEASE}-shard-${String(k)}`, namespace: leaseNamespace }).catch(() => undefined))?.spec?.holderIdentity ?? ''));
    const winners = (members: readonly string[]): string[] => Array.from({ length: SHARDS }, (_, k) => rendezvousWinner(k, members)!);
    await eventually(async () => { expect(await holders()).toEqual(winners(IDS)); }, { timeoutMs: 60_000, intervalMs: 500 });

    // The audit from here: the replicas hold their buckets (the first one up held them all for a moment).
    const auditFrom = readAudit(suite.auditLogPath).end;
    // The webhook (replica A) answers for the namespaces of every bucket: the label in the create's answer is its stamp.
    const sampleTenant = objects.find((o) => o.kind === 'ManagedTenant')!;
    await eventually(async () => {
      const answer = await custom.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: namespaces[1]!, plural: 'managedtenants', dryRun: 'All', body: { ...sampleTenant, metadata: { ...sampleTenant.metadata, namespace: namespaces[1]! } },
      }) as Obj & { metadata: { labels?: Record<string, string> } };
      expect(answer.metadata.labels?.[LABEL]).toBe(shardValue(bucketOf(namespaces[1]!, SHARDS), SHARDS));
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // As the operator's user (the samples hold fields the webhook lets only the operator set, e.g. a
    // Monitoring incident's detection); the audit tells these creates apart by their User-Agent.
    const asOperator = userKubeConfig(suite.info, suite.user, ['system:masters']);
    for (const ns of namespaces.slice(1)) {
      await createAll(asOperator, ns, objects);
      const unit = await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'serviceunits', name: DOWN_UNIT }) as Obj & { metadata: { labels?: Record<string, string> } };
      expect(unit.metadata.labels?.[LABEL]).toBe(shardValue(bucketOf(ns, SHARDS), SHARDS));
    }
    // Its cross-object rules read every bucket: a second unit on a target claimed in a namespace A does not hold is refused, naming it.
    const notA = namespaces.find((ns) => owner(ns) !== 'shard-a')!;
    // (Retried, as dry runs: the webhook's caches see the samples just created a moment later.)
    const refusal = await eventually(async () => {
      const message = await custom.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: notA, plural: 'serviceunits', dryRun: 'All',
        body: { ...serviceUnit('os-2', onVm('VM-FILES01')), metadata: { name: 'os-2', namespace: notA } },
      }).then(() => '', (err: unknown) => String((err as { body?: unknown }).body ?? err));
      return /admission webhook/.test(message) ? message : false;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(refusal).toMatch(/admission webhook/);
    expect(refusal).toMatch(/vm-files01/i);

    for (const ns of namespaces) await converged(kc, ns, { reports: sampleReports(), timeoutMs: 120_000 });
    // The objects created before the webhook carry their label too (the labeller's patch).
    for (const [key, o] of await objectsIn(kc, first)) {
      expect((o.metadata as { labels?: Record<string, string> }).labels?.[LABEL], key).toBe(shardValue(bucketOf(first, SHARDS), SHARDS));
    }
    // B's failing unit has its one Monitoring incident.
    const monitoringIncidents = async (ns: string): Promise<string[]> => {
      const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'incidents' })) as { items: (Obj & { spec: { detection?: string; unitRefs?: { name: string }[] } })[] };
      return list.items.filter((i) => i.spec.detection === 'Monitoring' && i.spec.unitRefs?.some((r) => r.name === DOWN_UNIT)).map((i) => i.metadata.name);
    };
    const incidentsOfB = await eventually(async () => {
      const found = await Promise.all(ofB.map(monitoringIncidents));
      for (const f of found) expect(f).toHaveLength(1);
      return found;
    }, { timeoutMs: 60_000, intervalMs: 500 });

    // Every status write and every create in a namespace is its owner's.
    await auditBarrier(kc, suite.auditLogPath, first);
    const writers = (entries: readonly AuditEntry[]): Record<string, string[]> => {
      const out: Record<string, Set<string>> = {};
      for (const w of writesOf(entries, suite.user)) {
        const ns = w.objectRef?.namespace ?? '';
        if (!namespaces.includes(ns) || (w.objectRef?.subresource !== 'status' && w.verb !== 'create')) continue;
        if (!(w.userAgent ?? '').startsWith('managedapps-operator (')) continue; // the test's own creates
        (out[ns] ??= new Set()).add(w.userAgent ?? '?');
      }
      return Object.fromEntries(Object.entries(out).map(([ns, s]) => [ns, [...s].sort()]));
    };
    const before = writers(readAudit(suite.auditLogPath, auditFrom).entries);
    // The namespaces created once the buckets were settled: their owner, and only it. The first
    // one's objects may have been reconciled before (by whoever held its bucket then): its owner at most since.
    expect(Object.fromEntries(namespaces.slice(1).map((ns) => [ns, before[ns]]))).toEqual(Object.fromEntries(namespaces.slice(1).map((ns) => [ns, [userAgent(owner(ns))]])));
    for (const ua of before[first] ?? []) expect(ua).toBe(userAgent(owner(first)));
    // The labels of the first namespace were patched by a replica (the holder of bucket 0 then).
    const labelPatches = writesOf(readAudit(suite.auditLogPath, startedFrom).entries, suite.user)
      .filter((w) => w.objectRef?.namespace === first && w.verb === 'patch' && w.objectRef.subresource === undefined);
    expect(labelPatches.length).toBeGreaterThan(0);
    for (const w of labelPatches) expect(IDS.map(userAgent)).toContain(w.userAgent);

    // Kill B.
    const b = operators.get('shard-b')!;
    await b.kill();
    const killedAt = Date.now();
    await auditBarrier(kc, suite.auditLogPath, first);
    const afterKill = readAudit(suite.auditLogPath).end;
    const survivors = IDS.filter((id) => id !== 'shard-b');
    await eventually(async () => { expect(await holders()).toEqual(winners(survivors)); }, { timeoutMs: LEASE_DURATION_MS + MARGIN_MS - (Date.now() - killedAt), intervalMs: 250 });

    // A change in B's first namespace, reconciled by its new holder: the samples' open incident resolved.
    const target = ofB[0]!;
    const incident = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'incidents', namespace: target, name: OPEN_INCIDENT })) as Obj;
    await custom.replaceNamespacedCustomObject({
      group: GROUP, version: VERSION, plural: 'incidents', namespace: target, name: OPEN_INCIDENT,
      body: { ...incident, spec: { ...incident.spec, resolvedAt: '2026-11-03T17:20:00+01:00' } },
    });
    await eventually(async () => {
      const current = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'incidents', namespace: target, name: OPEN_INCIDENT })) as Obj;
      expect(current.status?.observedGeneration).toBe(current.metadata.generation);
      expect(current.status?.observedGeneration).toBeGreaterThan(incident.status?.observedGeneration ?? 0);
    }, { timeoutMs: 60_000, intervalMs: 250 });
    for (const ns of ofB) await converged(kc, ns, { reports: sampleReports(), timeoutMs: 120_000 });

    // The new holders have probed B's failing units (their probe counters for those namespaces grow), and opened no second incident.
    const probesOf = async (identity: string, ns: string): Promise<number> =>
      metricSum((await operators.get(identity)!.get('/metrics')).body, 'managedapps_probe_duration_seconds_count', { namespace: ns, result: 'failure' });
    await eventually(async () => {
      for (const ns of ofB) expect(await probesOf(owner(ns, survivors), ns)).toBeGreaterThanOrEqual(5);
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(await Promise.all(ofB.map(monitoringIncidents))).toEqual(incidentsOfB);

    // After the kill, the writes in B's namespaces are their new holders' only.
    await auditBarrier(kc, suite.auditLogPath, first);
    // (B's requests in flight at the SIGKILL may be logged after the mark: B's user agent is left out.)
    const after = writers(readAudit(suite.auditLogPath, afterKill).entries.filter((e) => e.userAgent !== userAgent('shard-b')));
    expect(after[target]).toEqual([userAgent(owner(target, survivors))]);
    for (const ns of ofB) for (const ua of after[ns] ?? []) expect(ua, ns).toBe(userAgent(owner(ns, survivors)));
    for (const ns of namespaces.filter((n) => !ofB.includes(n))) for (const ua of after[ns] ?? []) expect(ua, ns).toBe(userAgent(owner(ns)));
  }, 480_000);
});
