// Sharding across replicas (issue 17 item 4, docs/operations.md "Sharding"): on a private control
// plane (etcd + kube-apiserver, audit log on), N ServiceUnits in M namespaces (each with a tenant
// and a contract), reconciled by 3 operator processes with `--shards S`. Printed:
//   - status writes per object, and how many objects had their statuses written by more than one
//     replica (aim 0), from the audit log (each replica's User-Agent names it);
//   - each replica's RSS once converged, against one replica holding every bucket (the same
//     objects, already converged, after the three stopped; aim ≤ 40 %);
//   - SIGKILL one replica: the time until the survivors hold all its bucket Leases, and until a
//     spec change made right after the kill in each of its namespaces is reconciled (aim: within
//     the lease, 15 s, plus one reconcile).
// MAO_BENCH_SCALE (default 1: 100,000 units in 1,000 namespaces) scales both counts (at least 3
// namespaces), e.g. 0.01 for a quick run; MAO_BENCH_SHARDS (default 16) the buckets;
// MAO_BENCH_SHARDS_LIMIT_SECONDS (default 1200) how long the replicas get to converge.
// The objects are created with their shard label (as the webhook stamps it; no webhook runs here).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ControlPlane } from '../controlplane/index.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { collectionPath, KubeClient, objectPath, type KindRef } from '../../src/runtime/kube.ts';
import { bucketOf, rendezvousWinner, shardValue } from '../../src/runtime/shards.ts';
import { ms, type Benchmark, type Figure } from './harness.ts';
import { startAuditedControlPlane } from './audit.ts';

const SCALE = Number(process.env.MAO_BENCH_SCALE ?? 1);
const UNITS = Math.max(3, Math.round(100_000 * SCALE));
const NAMESPACES = Math.max(3, Math.round(1_000 * SCALE));
const SHARDS = Number(process.env.MAO_BENCH_SHARDS ?? 16);
const LIMIT_SECONDS = Number(process.env.MAO_BENCH_SHARDS_LIMIT_SECONDS ?? 1200);
const CREATE_CONCURRENCY = 16;
const GROUP = 'managedapps.dev';
const VERSION = 'v1alpha1';
const LABEL = `${GROUP}/shard`;
const USER = 'bench-shards';
const LEASE = 'managed-apps-operator';
const LEASE_NAMESPACE = 'bench-shards-leases';
const IDS = ['replica-a', 'replica-b', 'replica-c'] as const;

const KINDS: Record<string, KindRef> = {
  ManagedTenant: { group: GROUP, version: VERSION, plural: 'managedtenants' },
  SupportContract: { group: GROUP, version: VERSION, plural: 'supportcontracts' },
  ServiceUnit: { group: GROUP, version: VERSION, plural: 'serviceunits' },
};

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec: Record<string, unknown> };
type Stored = { kind: string; metadata: { name: string; namespace: string; generation?: number }; status?: { observedGeneration?: number } };
const manifest = (kind: string, name: string, spec: Record<string, unknown>, namespace: string): Manifest =>
  ({ apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, labels: { [LABEL]: shardValue(bucketOf(namespace, SHARDS), SHARDS) } }, spec });

function namespaceObjects(namespace: string, units: number): Manifest[] {
  const out = [
    manifest('ManagedTenant', 'tenant', {
      managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
      contacts: [{ name: 'alice', email: 'alice@client.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] }],
      serviceDeliveryManager: { fullName: 'Sam Delivery', email: 'sdm@provider.example' },
      contractBusinessManager: { fullName: 'Cam Business', email: 'cbm@provider.example' },
    }, namespace),
    manifest('SupportContract', 'contract', {
      commitmentMonths: 36, supportChain: 'FullFrance', start: '2026-01-01',
      supportLevels: [{ environment: 'Production', level: 'Premium' }], subscribedLevels: ['OS', 'Database'],
      prices: { currency: 'EUR', tokenPrice: 100 }, monthlyTokens: 20,
    }, namespace),
  ];
  for (let i = 0; i < units; i++) {
    out.push(manifest('ServiceUnit', `unit-${i}`, {
      level: i % 3 === 0 ? 'Database' : 'OS', targets: [{ kind: 'VirtualMachine', name: `vm-${i}` }], environment: 'Production',
      subscription: { start: '2026-01-01T00:00:00+01:00' },
    }, namespace));
  }
  return out;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const sleep = (d: number): Promise<void> => new Promise((r) => setTimeout(r, d));
const rssMB = (pid: number): number => (Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024) / 1e6;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS;
}
const identityOf = (ua: string | undefined): string => /\(([^)]+)\)/.exec(ua ?? '')?.[1] ?? '?';

async function listAll(client: KubeClient): Promise<Stored[]> {
  const out: Stored[] = [];
  for (const [kind, ref] of Object.entries(KINDS)) {
    let cont: string | undefined;
    do {
      const page = await client.request<{ items: Stored[]; metadata?: { continue?: string } }>('GET', collectionPath(ref), { query: { limit: 2000, continue: cont, labelSelector: LABEL } });
      out.push(...page.items.map((o) => ({ ...o, kind })));
      cont = page.metadata?.continue !== '' ? page.metadata?.continue : undefined;
    } while (cont !== undefined);
  }
  return out;
}

async function holders(client: KubeClient): Promise<string[]> {
  return Promise.all(Array.from({ length: SHARDS }, async (_, k) => {
    const lease = await client.request<{ spec?: { holderIdentity?: string } }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases/${LEASE}-shard-${String(k)}`).catch(() => undefined);
    return lease?.spec?.holderIdentity ?? '';
  }));
}

async function until(limitMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(500);
  }
  return false;
}

const benchmark: Benchmark = {
  name: 'shards',
  description: `${UNITS} units in ${NAMESPACES} namespaces, ${SHARDS} shards, 3 operator replicas vs one holding everything; a replica killed`,
  async run(log) {
    const figures: Figure[] = [];
    let cp: ControlPlane | undefined;
    const running: OperatorProcess[] = [];
    try {
      const cluster = await startAuditedControlPlane(USER, GROUP);
      cp = cluster.cp;
      const { client, kubeconfigPath, audit } = cluster;
      await client.request('POST', '/api/v1/namespaces', { body: { metadata: { name: LEASE_NAMESPACE } } });

      const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-shards-${String(i)}`);
      const perNamespace = Math.ceil(UNITS / NAMESPACES);
      const t = performance.now();
      for (const name of namespaces) await client.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
      const items = namespaces.flatMap((namespace) => namespaceObjects(namespace, perNamespace).map((o) => ({ namespace, o })));
      await pool(items, CREATE_CONCURRENCY, async ({ namespace, o }) => {
        await client.request('POST', collectionPath(KINDS[o.kind]!, namespace), { body: { ...o, metadata: { ...o.metadata, namespace } } });
      });
      const total = items.length;
      log(`created ${total} objects in ${NAMESPACES} namespaces in ${ms(performance.now() - t)}`);
      audit.read();
      audit.writes.length = 0;

      const start = (identity: string): Promise<OperatorProcess> => startOperatorProcess({
        kubeconfigPath, leaderElectionNamespace: LEASE_NAMESPACE, identity, probes: false, args: ['--shards', String(SHARDS)],
      });
      // Three replicas, cold, until every object has a status of its generation.
      const started = Date.now();
      const replicas = new Map<string, OperatorProcess>();
      for (const id of IDS) {
        const o = await start(id);
        replicas.set(id, o);
        running.push(o);
      }
      await Promise.all([...replicas.values()].map((o) => o.ready(300_000)));
      const written = new Set<string>();
      let converged = false;
      for (let lastLog = Date.now(); Date.now() - started < LIMIT_SECONDS * 1000;) {
        for (const w of audit.read()) if (w.objectRef?.subresource === 'status') written.add(`${w.objectRef.resource}/${w.objectRef.namespace}/${w.objectRef.name}`);
        if (written.size >= total) {
          const pending = (await listAll(client)).filter((o) => o.status?.observedGeneration !== o.metadata.generation);
          if (pending.length === 0) { converged = true; break; }
        }
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`${ms(Date.now() - started)}: ${written.size} of ${total} objects have a status`);
        }
        await sleep(1_000);
      }
      for (let last = -1; last !== audit.writes.length;) { last = audit.writes.length; await sleep(5_000); audit.read(); }
      const convergedMs = Math.max(...audit.writes.map((w) => Date.parse(w.stageTimestamp))) - started;
      const statusWrites = audit.writes.filter((w) => w.objectRef?.subresource === 'status');
      const writers = new Map<string, Set<string>>();
      for (const w of statusWrites) {
        const key = `${w.objectRef?.resource}/${w.objectRef?.namespace}/${w.objectRef?.name}`;
        writers.set(key, (writers.get(key) ?? new Set()).add(identityOf(w.userAgent)));
      }
      const byReplica = new Map<string, number>();
      for (const w of statusWrites) byReplica.set(identityOf(w.userAgent), (byReplica.get(identityOf(w.userAgent)) ?? 0) + 1);
      const wrongOwner = statusWrites.filter((w) => identityOf(w.userAgent) !== rendezvousWinner(bucketOf(w.objectRef?.namespace ?? '', SHARDS), IDS)).length;
      const rss = new Map([...replicas].map(([id, o]) => [id, rssMB(o.pid)]));
      const cpu = new Map([...replicas].map(([id, o]) => [id, cpuSeconds(o.pid)]));
      log(`3 replicas ${converged ? 'converged' : 'NOT converged'} in ${ms(convergedMs)}; RSS ${[...rss].map(([id, r]) => `${id} ${r.toFixed(0)} MB`).join(', ')}`);

      // SIGKILL the replica that owns the most namespaces; then change one unit in each of its namespaces.
      const owned = (id: string): string[] => namespaces.filter((ns) => rendezvousWinner(bucketOf(ns, SHARDS), IDS) === id);
      const victim = [...IDS].sort((a, b) => owned(b).length - owned(a).length)[0]!;
      const survivors = IDS.filter((id) => id !== victim);
      const expected = Array.from({ length: SHARDS }, (_, k) => rendezvousWinner(k, survivors)!);
      await replicas.get(victim)!.kill();
      const killedAt = Date.now();
      const touched = await Promise.all(owned(victim).map(async (ns) => {
        const unit = await client.request<Stored>('PATCH', objectPath(KINDS.ServiceUnit!, ns, 'unit-0'), {
          contentType: 'application/merge-patch+json', body: { spec: { environment: 'PreProduction' } },
        });
        return { ns, generation: unit.metadata.generation ?? 0 };
      }));
      const leased = await until(120_000, async () => JSON.stringify(await holders(client)) === JSON.stringify(expected));
      const leasedMs = Date.now() - killedAt;
      const reconciled = await until(120_000, async () => {
        for (const { ns, generation } of touched) {
          const u = await client.request<Stored>('GET', objectPath(KINDS.ServiceUnit!, ns, 'unit-0'));
          if ((u.status?.observedGeneration ?? 0) < generation) return false;
        }
        return true;
      });
      const reconciledMs = Date.now() - killedAt;
      for (const o of running) await o.stop();
      running.length = 0;

      // One replica holding every bucket, on the same (converged) objects.
      const single = await start('replica-all');
      running.push(single);
      await single.ready(300_000);
      await until(120_000, async () => (await holders(client)).every((h) => h === 'replica-all'));
      await sleep(15_000);
      const singleRss = rssMB(single.pid);
      await single.stop();
      running.length = 0;

      const bound = converged ? '' : '(not converged: bounds) ';
      figures.push(
        { label: 'objects', value: `${total} (${UNITS} units, ${NAMESPACES} tenants and contracts)` },
        { label: '3 replicas: start → every status written', value: `${bound}${ms(convergedMs)}` },
        { label: 'status writes per object', value: `${(statusWrites.length / total).toFixed(2)} (${statusWrites.length}); by replica: ${[...byReplica].map(([id, n]) => `${id} ${n}`).join(', ')}` },
        { label: 'objects written by more than one replica (aim 0)', value: String([...writers.values()].filter((s) => s.size > 1).length) },
        { label: 'status writes not by the bucket\'s rendezvous winner (aim 0)', value: String(wrongOwner) },
        { label: 'namespaces per replica', value: IDS.map((id) => `${id} ${owned(id).length}`).join(', ') },
        { label: 'RSS per replica once converged', value: [...rss].map(([id, r]) => `${id} ${r.toFixed(0)} MB`).join(', ') },
        { label: 'CPU per replica to convergence', value: [...cpu].map(([id, c]) => `${id} ${c.toFixed(1)} s`).join(', ') },
        { label: 'one replica holding everything: RSS', value: `${singleRss.toFixed(0)} MB` },
        { label: 'replica / everything RSS (aim ≤ 0.40)', value: [...rss].map(([id, r]) => `${id} ${(r / singleRss).toFixed(2)}`).join(', ') },
        { label: `kill ${victim}: survivors hold its bucket Leases after`, value: leased ? ms(leasedMs) : `not within 120 s` },
        { label: `kill ${victim}: a change in each of its ${touched.length} namespaces reconciled after (aim ≤ 15 s + one reconcile)`, value: reconciled ? ms(reconciledMs) : 'not within 120 s' },
      );
      return figures;
    } finally {
      for (const o of running) await o.stop();
      await cp?.stop();
    }
  },
};

export default benchmark;
