// Sharding across replicas (`--shards N`, docs/design.md §2 "Sharding", docs/operations.md):
//   - a namespace's bucket is FNV-1a 32 of its name mod N (pure: every replica, the webhook and
//     the labeller agree without talking); every object of a sharded kind carries the label
//     `<labelKey>: "<k>-of-<N>"` (stamped at admission, by the operator's own creates, or by the
//     labeller of the holder of bucket 0). The value names N, so that objects labelled for another
//     count (after a change of `--shards`) count as unlabelled and are relabelled;
//   - one Lease per bucket (`<name>-shard-<k>`) and one per replica (`<name>-member-<identity>`),
//     each held with leader.ts's LeaderElector (its timings, its expiry judged on our clock). The
//     live members are the member Leases whose record changed within their duration; each bucket
//     goes to the live member with the highest rendezvous score (FNV-1a of bucket and identity,
//     avalanched), so a replica that joins takes about 1/n of the buckets and one that leaves
//     moves only its own; a replica campaigns for the buckets it wins and gives up (drain, then
//     release) those it no longer wins;
//   - ShardSet is what the caches and the controllers see: `leased` buckets are cached (the
//     informers list and watch with `<labelKey> in (...)`, the API server filters; the namespace
//     check drops whatever slips through with a wrong label), `active` ones are reconciled. A
//     bucket becomes active only once every filtered informer has relisted with it (no reconcile
//     on half a tenant), and stops being active before its objects leave the caches and its Lease
//     is released, after the reconciles in flight on it have finished: two replicas never
//     reconcile one object at once, as long as each lease is held (renew deadline < duration).
import type { Logger } from 'pino';
import { isAborted, sleep, type Clock } from './clock.ts';
import type { KubernetesObject } from '@kubernetes/client-node';
import { errorCode, isStatus } from './errors.ts';
import type { Informer, NamespaceChange, NamespaceFilter } from './informer.ts';
import { kindName, objectPath, type KindRef, type KubeClient } from './kube.ts';
import { WorkQueue } from './workqueue.ts';
import { LeaderElector } from './leader.ts';
import type { Runnable } from './runnable.ts';

/** Upper bound of `--shards`: the selector of the labeller names every value (`notin (0-of-N, ...)`), and a URL has a length. */
export const MAX_SHARDS = 256;

/** FNV-1a, 32 bits, over the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** MurmurHash3's finalizer: FNV-1a's low bits mix poorly for inputs that differ in one character. */
function avalanche(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The bucket of a namespace among `count`. */
export function bucketOf(namespace: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shard count must be a positive integer, got ${String(count)}`);
  return fnv1a32(namespace) % count;
}

/** The label value of bucket `k` among `count`: `"<k>-of-<count>"`. */
export function shardValue(bucket: number, count: number): string {
  return `${String(bucket)}-of-${String(count)}`;
}

/** Rendezvous score of a member for a bucket. */
export function rendezvousScore(bucket: number, member: string): number {
  return avalanche(fnv1a32(`${String(bucket)}/${member}`));
}

/** The member that owns `bucket`: the highest score, ties to the greater identity; undefined without members. */
export function rendezvousWinner(bucket: number, members: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const score = rendezvousScore(bucket, m);
    if (score > bestScore || (score === bestScore && best !== undefined && m > best)) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/** The buckets `member` wins among `count` with these live members. */
export function bucketsWon(member: string, count: number, members: Iterable<string>): number[] {
  const all = [...new Set([...members, member])];
  const won: number[] = [];
  for (let k = 0; k < count; k++) if (rendezvousWinner(k, all) === member) won.push(k);
  return won;
}

/** The label selector of the objects of these buckets; a value no object has when there are none (an empty set is not a selector). */
export function shardSelector(labelKey: string, buckets: Iterable<number>, count: number): string {
  const values = [...new Set(buckets)].sort((a, b) => a - b).map((k) => shardValue(k, count));
  return `${labelKey} in (${values.length > 0 ? values.join(',') : 'none'})`;
}

/** The label selector of the objects without a label of this count (none, or one of another count). */
export function unlabelledSelector(labelKey: string, count: number): string {
  const values = Array.from({ length: count }, (_, k) => shardValue(k, count));
  return `${labelKey} notin (${values.join(',')})`;
}

/** A lease name from an identity: a DNS subdomain (lower case, `[a-z0-9.-]`, at most 253), the identity itself in the holder field. */
export function leaseNameOf(prefix: string, identity: string): string {
  const safe = identity.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+/, '').replace(/[^a-z0-9]+$/, '');
  return `${prefix}${safe === '' ? 'x' : safe}`.slice(0, 253).replace(/[^a-z0-9]+$/, '');
}

/** Whether a reconcile of an object of a namespace may run on this replica now (the Controller asks before every reconcile). */
export interface ReconcileGate {
  /** A function to call when the reconcile ends, or undefined when this replica must not reconcile that namespace now. */
  enter(namespace: string): (() => void) | undefined;
  /** Called when namespaces become reconcilable here (a bucket activated), with a test of them: enqueue what they hold. */
  onActivate(listener: (admits: (namespace: string) => boolean) => void): void;
}

export type ShardSetOptions = {
  count: number;
  labelKey: string;
  logger: Logger;
};

/** The buckets this replica holds: a NamespaceFilter with a label selector for the caches, a ReconcileGate for the controllers. */
export class ShardSet implements NamespaceFilter, ReconcileGate {
  readonly count: number;
  readonly labelKey: string;
  readonly #log: Logger;
  readonly #leased = new Set<number>();
  readonly #active = new Set<number>();
  readonly #inflight = new Map<number, number>();
  readonly #drainWaiters = new Map<number, (() => void)[]>();
  readonly #changeListeners: ((change: NamespaceChange) => void)[] = [];
  readonly #activateListeners: ((admits: (namespace: string) => boolean) => void)[] = [];
  readonly #activeListeners: ((active: readonly number[]) => void)[] = [];
  #informers: () => readonly Informer[] = () => [];
  #unlabelled: (namespace: string) => boolean = () => false;
  #version = 0;

  constructor(opts: ShardSetOptions) {
    if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_SHARDS) throw new Error(`shards: 1 to ${String(MAX_SHARDS)}, got ${String(opts.count)}`);
    this.count = opts.count;
    this.labelKey = opts.labelKey;
    this.#log = opts.logger.child({ component: 'shards' });
  }

  /** The filtered informers a bucket waits for before it is active (the Manager's). */
  setInformers(informers: () => readonly Informer[]): void {
    this.#informers = informers;
  }

  /**
   * Whether a namespace still has objects without their label (the labeller's caches): it is not
   * reconciled until they are labelled, so that no reconcile runs on the part of a tenant the
   * bucket's caches already hold (a unit without its contract, say).
   */
  setUnlabelled(test: (namespace: string) => boolean): void {
    this.#unlabelled = test;
  }

  /** The labeller's caches changed for `namespace`: if it is now whole and active here, its objects are enqueued. */
  labelled(namespace: string): void {
    if (!this.#active.has(this.bucketOf(namespace)) || this.#unlabelled(namespace)) return;
    this.#notifyActivated((ns) => ns === namespace);
  }

  /** The labeller's caches listed: every whole namespace of an active bucket is enqueued. */
  labelledAll(): void {
    this.#notifyActivated((ns) => this.#active.has(this.bucketOf(ns)) && !this.#unlabelled(ns));
  }

  bucketOf(namespace: string): number {
    return bucketOf(namespace, this.count);
  }

  /** The labels an object of this namespace carries. */
  labelsOf(namespace: string): Record<string, string> {
    return { [this.labelKey]: shardValue(this.bucketOf(namespace), this.count) };
  }

  // ---- NamespaceFilter (the caches) ----------------------------------------------------------

  admits(namespace: string): boolean {
    return this.#leased.has(this.bucketOf(namespace));
  }

  /** Known from the start (no bucket: the caches list nothing until one is leased). */
  waitForSync(): Promise<boolean> {
    return Promise.resolve(true);
  }

  onChange(listener: (change: NamespaceChange) => void): void {
    this.#changeListeners.push(listener);
  }

  labelSelector(): string {
    return shardSelector(this.labelKey, this.#leased, this.count);
  }

  version(): number {
    return this.#version;
  }

  // ---- ReconcileGate (the controllers) ---------------------------------------------------------

  enter(namespace: string): (() => void) | undefined {
    const bucket = this.bucketOf(namespace);
    if (!this.#active.has(bucket) || this.#unlabelled(namespace)) return undefined;
    this.#inflight.set(bucket, (this.#inflight.get(bucket) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const n = (this.#inflight.get(bucket) ?? 1) - 1;
      if (n > 0) {
        this.#inflight.set(bucket, n);
        return;
      }
      this.#inflight.delete(bucket);
      for (const w of this.#drainWaiters.get(bucket)?.splice(0) ?? []) w();
    };
  }

  onActivate(listener: (admits: (namespace: string) => boolean) => void): void {
    this.#activateListeners.push(listener);
  }

  /** Called after each change of the active buckets (the leader gauge, logs). */
  onActiveChange(listener: (active: readonly number[]) => void): void {
    this.#activeListeners.push(listener);
  }

  /** Buckets reconciled here now, sorted. */
  active(): number[] {
    return [...this.#active].sort((a, b) => a - b);
  }

  /** Buckets cached here now (leased; active once their caches relisted), sorted. */
  leased(): number[] {
    return [...this.#leased].sort((a, b) => a - b);
  }

  isActive(bucket: number): boolean {
    return this.#active.has(bucket);
  }

  // ---- transitions (the coordinator, while it holds the bucket's Lease) --------------------------

  /** The Lease of `bucket` is held: cache it, wait until every filtered cache relisted with it, then reconcile it. False if `signal` aborted first. */
  async acquire(bucket: number, signal: AbortSignal): Promise<boolean> {
    this.#leased.add(bucket);
    this.#version++;
    const version = this.#version;
    this.#emit({ added: [shardValue(bucket, this.count)], removed: [] });
    const listed = await Promise.all(this.#informers().map((i) => i.waitForScope(version, signal)));
    if (!listed.every(Boolean) || signal.aborted || !this.#leased.has(bucket)) return false;
    this.#active.add(bucket);
    this.#log.info({ bucket, active: this.active() }, 'shard bucket active');
    this.#activeChanged();
    this.#notifyActivated((namespace) => this.bucketOf(namespace) === bucket);
    return true;
  }

  #notifyActivated(admits: (namespace: string) => boolean): void {
    for (const listener of this.#activateListeners) {
      try {
        listener(admits);
      } catch (err) {
        this.#log.error({ err }, 'shard activation listener threw');
      }
    }
  }

  /** Before the Lease of `bucket` is released: stop reconciling it, wait for the reconciles in flight, drop it from the caches. */
  async release(bucket: number): Promise<void> {
    if (this.#active.delete(bucket)) this.#activeChanged();
    if ((this.#inflight.get(bucket) ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const waiters = this.#drainWaiters.get(bucket) ?? [];
        waiters.push(resolve);
        this.#drainWaiters.set(bucket, waiters);
      });
    }
    this.#leased.delete(bucket);
    this.#version++;
    this.#emit({ added: [], removed: [shardValue(bucket, this.count)] });
    this.#log.info({ bucket, active: this.active() }, 'shard bucket released');
  }

  #activeChanged(): void {
    const active = this.active();
    for (const listener of this.#activeListeners) listener(active);
  }

  #emit(change: NamespaceChange): void {
    for (const listener of this.#changeListeners) listener(change);
  }
}

/** A namespace selection and a shard set at once (`--watch-namespace-selector` with `--shards`): what both admit, the shard set's selector and versions. */
export class BothFilters implements NamespaceFilter {
  readonly #selection: NamespaceFilter;
  readonly #shards: ShardSet;

  constructor(selection: NamespaceFilter, shards: ShardSet) {
    this.#selection = selection;
    this.#shards = shards;
  }

  admits(namespace: string): boolean {
    return this.#selection.admits(namespace) && this.#shards.admits(namespace);
  }

  waitForSync(signal?: AbortSignal): Promise<boolean> {
    return this.#selection.waitForSync(signal);
  }

  onChange(listener: (change: NamespaceChange) => void): void {
    this.#selection.onChange(listener);
    this.#shards.onChange(listener);
  }

  labelSelector(): string {
    return this.#shards.labelSelector();
  }

  version(): number {
    return this.#shards.version();
  }
}

export type ShardCoordinatorOptions = {
  set: ShardSet;
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  /** The Leases' namespace and the prefix of their names (the leader election's). */
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  random?: () => number;
};

type LeaseItem = { metadata?: { name?: string }; spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string } };

/** Holds this replica's member Lease, follows the live members, and campaigns for (or gives up) the bucket Leases it wins (or no longer wins). */
export class ShardCoordinator implements Runnable {
  readonly name = 'shard-coordinator';
  readonly needLeaderElection = false;
  readonly #o: ShardCoordinatorOptions;
  readonly #log: Logger;
  readonly #retryMs: number;
  readonly #leaseMs: number;
  /** Bucket → its elector's run and the controller that ends it. */
  readonly #buckets = new Map<number, { stop: AbortController; run: Promise<void> }>();
  /** Buckets given up whose elector is still draining and releasing: not campaigned for again before it is done. */
  readonly #stopping = new Map<number, Promise<void>>();
  /** Member lease name → last record seen and when it changed (our clock). */
  readonly #observed = new Map<string, { record: string; at: number }>();
  /** Bucket lease name → the same, handed to a bucket's elector when it starts (it judges the expiry from there). */
  readonly #observedBuckets = new Map<string, { record: string; at: number }>();
  #members: string[] = [];

  constructor(opts: ShardCoordinatorOptions) {
    this.#o = opts;
    this.#log = opts.logger.child({ component: 'shard-coordinator', identity: opts.identity });
    this.#retryMs = opts.retryPeriodMs ?? 2_000;
    this.#leaseMs = opts.leaseDurationMs ?? 15_000;
  }

  memberPrefix(): string {
    return `${this.#o.name}-member-`;
  }

  bucketLeaseName(bucket: number): string {
    return `${this.#o.name}-shard-${String(bucket)}`;
  }

  /** The live members seen at the last round, sorted. */
  members(): readonly string[] {
    return this.#members;
  }

  async start(signal: AbortSignal): Promise<void> {
    const o = this.#o;
    const timings = {
      ...(o.leaseDurationMs !== undefined ? { leaseDurationMs: o.leaseDurationMs } : {}),
      ...(o.renewDeadlineMs !== undefined ? { renewDeadlineMs: o.renewDeadlineMs } : {}),
      ...(o.retryPeriodMs !== undefined ? { retryPeriodMs: o.retryPeriodMs } : {}),
      ...(o.random !== undefined ? { random: o.random } : {}),
    };
    const member = new LeaderElector({
      namespace: o.namespace, name: leaseNameOf(this.memberPrefix(), o.identity), identity: o.identity, client: o.client, clock: o.clock, logger: this.#log, ...timings,
      onStartedLeading: (s) => untilAborted(s), onStoppedLeading: () => undefined,
    });
    const memberRun = member.run(signal);
    while (!isAborted(signal)) {
      try {
        const live = await this.#liveMembers(signal);
        if (member.isLeader()) live.add(o.identity);
        else live.delete(o.identity);
        const members = [...live].sort();
        if (members.join(',') !== this.#members.join(',')) this.#log.info({ members }, 'shard members changed');
        this.#members = members;
        const won = new Set(member.isLeader() ? bucketsWon(o.identity, o.set.count, members) : []);
        for (let k = 0; k < o.set.count; k++) {
          const running = this.#buckets.get(k);
          if (won.has(k) && running === undefined && !this.#stopping.has(k)) this.#campaign(k, timings, signal);
          if (!won.has(k) && running !== undefined) {
            // Another live member wins it: stop (drain, drop from the caches), then the elector releases the Lease.
            running.stop.abort();
            this.#buckets.delete(k);
            this.#stopping.set(k, running.run.finally(() => { this.#stopping.delete(k); }));
          }
        }
      } catch (err) {
        if (!isAborted(signal)) this.#log.warn({ err, code: errorCode(err) }, 'could not list the member leases; keeping the buckets as they are');
      }
      await sleep(o.clock, this.#retryMs, signal);
    }
    await Promise.all([...[...this.#buckets.values()].map((b) => { b.stop.abort(); return b.run; }), ...this.#stopping.values()]);
    this.#buckets.clear();
    await memberRun;
  }

  #campaign(bucket: number, timings: Partial<Pick<ShardCoordinatorOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs' | 'random'>>, signal: AbortSignal): void {
    const o = this.#o;
    const stop = new AbortController();
    const seen = this.#observedBuckets.get(this.bucketLeaseName(bucket));
    const elector = new LeaderElector({
      namespace: o.namespace, name: this.bucketLeaseName(bucket), identity: o.identity, client: o.client, clock: o.clock, logger: this.#log.child({ bucket }), ...timings,
      ...(seen !== undefined ? { observed: seen } : {}),
      onStartedLeading: async (held) => {
        await o.set.acquire(bucket, held);
        await untilAborted(held);
        await o.set.release(bucket);
      },
      onStoppedLeading: () => undefined,
    });
    const run = elector.run(AbortSignal.any([signal, stop.signal]));
    this.#buckets.set(bucket, { stop, run });
  }

  /** The identities of the member Leases held and renewed within their duration (observed on our clock). */
  async #liveMembers(signal: AbortSignal): Promise<Set<string>> {
    const list = await this.#o.client.request<{ items?: LeaseItem[] }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#o.namespace)}/leases`, { signal });
    const now = this.#o.clock.now().getTime();
    const live = new Set<string>();
    const seen = new Set<string>();
    const bucketPrefix = `${this.#o.name}-shard-`;
    for (const lease of list.items ?? []) {
      const name = lease.metadata?.name ?? '';
      if (name.startsWith(bucketPrefix)) {
        // Followed from the first round, so that a bucket of a dead member is taken once its Lease expired, not a lease duration after we started campaigning.
        const record = JSON.stringify(lease.spec ?? {});
        const previous = this.#observedBuckets.get(name);
        if (previous?.record !== record) this.#observedBuckets.set(name, { record, at: now });
        continue;
      }
      if (!name.startsWith(this.memberPrefix())) continue;
      seen.add(name);
      const spec = lease.spec ?? {};
      const record = JSON.stringify(spec);
      const previous = this.#observed.get(name);
      const observed = previous?.record === record ? previous : { record, at: now };
      this.#observed.set(name, observed);
      const holder = spec.holderIdentity ?? '';
      const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.#leaseMs / 1000)) * 1000;
      if (holder !== '' && observed.at + durationMs > now) live.add(holder);
    }
    for (const name of [...this.#observed.keys()]) if (!seen.has(name)) this.#observed.delete(name);
    return live;
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => { resolve(); }, { once: true });
  });
}

/** A kind the labeller follows: its informer of the objects without a label of this count. */
export type LabellerSource = { kind: KindRef; informer: Informer };

export type ShardLabellerOptions = {
  set: ShardSet;
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  /** The field manager of the label patches. */
  fieldManager: string;
  sources: readonly LabellerSource[];
};

/**
 * Labels the objects that carry no label of the current count (created before sharding, or with
 * the webhook bypassed, or labelled for another `--shards`): on the holder of bucket 0 only, one
 * merge patch of `metadata.labels` per object. Its informers hold only such objects (normally none).
 */
export class ShardLabeller implements Runnable {
  readonly name = 'shard-labeller';
  readonly needLeaderElection = false;
  readonly #o: ShardLabellerOptions;
  readonly #log: Logger;
  #queue: WorkQueue | undefined;
  readonly #byKind = new Map<string, LabellerSource>();

  constructor(opts: ShardLabellerOptions) {
    this.#o = opts;
    this.#log = opts.logger.child({ component: 'shard-labeller' });
    for (const source of opts.sources) {
      const kind = kindName(source.kind);
      this.#byKind.set(kind, source);
      source.informer.addHandler((obj) => { this.#enqueue(kind, obj); });
    }
    opts.set.onActivate(() => { this.#enqueueAll(); });
  }

  #enqueue(kind: string, obj: KubernetesObject): void {
    if (!this.#o.set.isActive(0)) return;
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    if (name !== '') this.#queue?.add(`${kind}|${ns}|${name}`);
  }

  #enqueueAll(): void {
    for (const [kind, source] of this.#byKind) for (const obj of source.informer.list()) this.#enqueue(kind, obj);
  }

  async start(signal: AbortSignal): Promise<void> {
    const queue = new WorkQueue({ name: this.name, clock: this.#o.clock, concurrency: 4 });
    this.#queue = queue;
    queue.start(async (key) => {
      try {
        await this.#label(key, signal);
        queue.forget(key);
      } catch (err) {
        if (isAborted(signal)) return;
        const delayMs = queue.addRateLimited(key);
        this.#log.warn({ err, code: errorCode(err), key, delayMs: Math.round(delayMs) }, 'could not label an object with its shard; retrying');
      }
    });
    this.#enqueueAll();
    await untilAborted(signal);
    this.#queue = undefined;
    await queue.shutdown();
  }

  async #label(key: string, signal: AbortSignal): Promise<void> {
    if (!this.#o.set.isActive(0)) return;
    const [kind = '', namespace = '', name = ''] = key.split('|');
    const source = this.#byKind.get(kind);
    if (source === undefined || source.informer.get(namespace, name) === undefined) return;
    try {
      await this.#o.client.request('PATCH', objectPath(source.kind, namespace, name), {
        query: { fieldManager: this.#o.fieldManager },
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: this.#o.set.labelsOf(namespace) } },
        signal,
      });
      this.#log.info({ kind, namespace, name, labels: this.#o.set.labelsOf(namespace) }, 'labelled with its shard');
    } catch (err) {
      if (isStatus(err, 404)) return;
      throw err;
    }
  }
}
