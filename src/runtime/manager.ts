// The Manager owns the informers (one per kind, shared), the controllers and the other
// runnables, and the leader election:
//   - caches run on every replica (a standby is warm and takes over fast);
//   - runnables with `needLeaderElection` (controllers, probers) start only on the leader, after
//     the caches synced, and stop the moment the lease is lost;
//   - `readiness()` (/readyz) and `liveness()` (/healthz), see health.ts: the API server
//     answers, caches synced and not stale, on the leader every controller started, no runnable
//     failed; the event loop not blocked past a bound;
//   - `stop()` (SIGTERM, see process.ts): leader work stops taking keys, in-flight reconciles
//     finish, then the lease is released and the informers stop;
//   - with `shards` (shards.ts) there is no single leader: the controllers run on every replica,
//     each reconciling only the buckets whose Lease it holds, its caches of namespaced kinds
//     holding only those buckets (label selector); `isLeader()` then means "holds bucket 0",
//     the one replica that does the cluster-wide chores (labelling, certificate renewal).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { realClock, type Clock } from './clock.ts';
import { Controller, type ControllerSpec } from './controller.ts';
import { errorCode } from './errors.ts';
import { EventRecorder } from './events.ts';
import { ApiServerCheck, EventLoopLag, healthReport, type HealthCheck, type HealthReport } from './health.ts';
import { Informer, stripForCache, type CacheTransform, type InformerOptions, type NamespaceFilter } from './informer.ts';
import { StringInterner } from './intern.ts';
import { KubeClient, kindName, type KindRef } from './kube.ts';
import { defaultIdentity, LeaderElector, type LeaderElectionConfig } from './leader.ts';
import { NAMESPACE_KIND, NamespaceSelection, type WatchScope } from './namespaces.ts';
import { noopRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';
import { DEFAULT_NAMES } from './names.ts';
import type { Runnable } from './runnable.ts';
import { BothFilters, ShardCoordinator, ShardLabeller, ShardSet, unlabelledSelector } from './shards.ts';
import { StatusWriter } from './status.ts';

export type ManagerOptions = {
  kubeConfig: KubeConfig;
  logger: Logger;
  clock?: Clock;
  /** Built with the program's metric prefix (`promRuntimeMetrics(registry, { prefix })`); default none recorded. */
  metrics?: RuntimeMetrics;
  /** The field manager of `status` applies (names.ts); default {@link DEFAULT_NAMES}. */
  fieldManager?: string;
  /** The `reportingController` of `events` (names.ts); default {@link DEFAULT_NAMES}. */
  reportingController?: string;
  /** `false` runs leader work at once (a single replica, tests). */
  leaderElection: LeaderElectionConfig | false;
  /**
   * Defaults for every informer. `transform` defaults to stripForCache, then one copy of each
   * repeated string across every cache of this Manager (intern.ts).
   */
  informers?: Pick<InformerOptions<KubernetesObject>, 'resyncPeriodMs' | 'watchTimeoutSeconds' | 'watchdogMs' | 'pageSize' | 'backoff' | 'transform'>;
  /** The namespaces the caches hold, and so the controllers reconcile (namespaces.ts); default all. */
  watch?: WatchScope;
  /** Event de-duplication window, ms. */
  eventWindowMs?: number;
  health?: HealthOptions;
  /**
   * Spread the namespaces over `count` buckets, each reconciled by the replica holding its Lease
   * (shards.ts; the Leases are named after `leaderElection`, which must be set). Not with `watch`.
   */
  shards?: { count: number; labelKey: string };
};

/** Options of `Manager.informer`. */
export type InformerScope = {
  /** Sharded manager: every bucket's objects (the webhook's view), not only the buckets held. */
  allShards?: boolean;
};

export type HealthOptions = {
  /** Period of the API server check (`GET /readyz`); 0 disables it. Default 10 s. */
  apiServerCheckPeriodMs?: number;
  /** Default 5 s. */
  apiServerCheckTimeoutMs?: number;
  /** A cache whose list/watch loop fails for longer is stale (/readyz fails). Default 30 s. */
  cacheStaleAfterMs?: number;
  /** /healthz fails while the event loop was blocked for longer than this within `eventLoopWindowMs`. Default 5 s; 0 disables the sampler. */
  eventLoopLagLimitMs?: number;
  /** Default 30 s. */
  eventLoopWindowMs?: number;
};

/** health.ts's defaults, in one place (docs/operations.md lists them). */
export const HEALTH_DEFAULTS = {
  apiServerCheckPeriodMs: 10_000, apiServerCheckTimeoutMs: 5_000, cacheStaleAfterMs: 30_000, eventLoopLagLimitMs: 5_000, eventLoopWindowMs: 30_000,
} as const satisfies Required<HealthOptions>;

export class Manager {
  readonly client: KubeClient;
  /** The field manager `status` applies under; other writes on behalf of these controllers name it too. */
  readonly fieldManager: string;
  readonly status: StatusWriter;
  readonly events: EventRecorder;
  readonly identity: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly #opts: ManagerOptions;
  readonly #metrics: RuntimeMetrics;
  readonly #informers = new Map<string, Informer>();
  /** What every cache keeps of an object (ManagerOptions.informers.transform). */
  readonly #transform: CacheTransform<KubernetesObject>;
  /** With `watch.namespaceSelector`: the namespaces selected now (their informer is one of #informers). */
  readonly #selection: NamespaceSelection | undefined;
  readonly #controllers: Controller[] = [];
  readonly #runnables: Runnable[] = [];
  readonly #stop = new AbortController();
  readonly #running: Promise<void>[] = [];
  #elector: LeaderElector | undefined;
  readonly #health: Required<HealthOptions>;
  readonly #apiCheck: ApiServerCheck | undefined;
  readonly #lag: EventLoopLag | undefined;
  /** Runnables that failed (rejected, or returned before being told to stop), by name: why. */
  readonly #failed = new Map<string, string>();
  #leaderWork = false;
  #started = false;
  readonly #shards: ShardSet | undefined;
  /** With a namespace selector too: what both admit. */
  readonly #shardFilter: NamespaceFilter | undefined;
  /** The informers filtered by #shards (a bucket is active once each relisted with it). */
  readonly #sharded: Informer[] = [];

  constructor(opts: ManagerOptions) {
    this.#opts = opts;
    this.logger = opts.logger;
    this.clock = opts.clock ?? realClock;
    this.#metrics = opts.metrics ?? noopRuntimeMetrics;
    const interner = new StringInterner();
    this.#transform = opts.informers?.transform ?? ((obj) => interner.deep(stripForCache(obj)));
    this.identity = opts.leaderElection === false ? defaultIdentity() : (opts.leaderElection.identity ?? defaultIdentity());
    this.fieldManager = opts.fieldManager ?? DEFAULT_NAMES.fieldManager;
    // The replica in every request's User-Agent: the audit log tells the replicas apart (they share one user).
    this.client = new KubeClient(opts.kubeConfig, { userAgent: `${this.fieldManager} (${this.identity})` });
    this.status = new StatusWriter(this.client, { fieldManager: this.fieldManager, metrics: this.#metrics });
    this.events = new EventRecorder(this.client, {
      clock: this.clock, logger: opts.logger, instance: this.identity, metrics: this.#metrics,
      reportingController: opts.reportingController ?? DEFAULT_NAMES.reportingController,
      ...(opts.eventWindowMs !== undefined ? { windowMs: opts.eventWindowMs } : {}),
    });
    if (opts.watch !== undefined && 'namespaceSelector' in opts.watch) {
      const namespaces = new Informer(this.client, {
        kind: NAMESPACE_KIND, labelSelector: opts.watch.namespaceSelector, logger: this.logger, clock: this.clock, metrics: this.#metrics, ...opts.informers, transform: this.#transform,
      });
      this.#informers.set(`${kindName(NAMESPACE_KIND)} (watch selector)`, namespaces);
      this.#selection = new NamespaceSelection(namespaces);
      this.#selection.onChange((change) => { this.logger.info({ ...change, selector: opts.watch !== undefined && 'namespaceSelector' in opts.watch ? opts.watch.namespaceSelector : '' }, 'watched namespaces changed'); });
    }
    if (opts.shards !== undefined) {
      if (opts.leaderElection === false) throw new Error('shards need leader election (the bucket Leases)');
      if (opts.watch !== undefined && 'namespaces' in opts.watch) throw new Error('shards and a list of watched namespaces do not combine (a namespace selector does)');
      this.#shards = new ShardSet({ count: opts.shards.count, labelKey: opts.shards.labelKey, logger: this.logger });
      if (this.#selection !== undefined) this.#shardFilter = new BothFilters(this.#selection, this.#shards);
      this.#shards.setInformers(() => this.#sharded);
      this.#shards.onActiveChange((active) => { this.#metrics.leader(active.length > 0); });
    }
    this.#health = { ...HEALTH_DEFAULTS, ...opts.health };
    const h = this.#health;
    this.#apiCheck = h.apiServerCheckPeriodMs > 0
      ? new ApiServerCheck({ client: this.client, clock: this.clock, logger: opts.logger, periodMs: h.apiServerCheckPeriodMs, timeoutMs: h.apiServerCheckTimeoutMs })
      : undefined;
    this.#lag = h.eventLoopLagLimitMs > 0
      ? new EventLoopLag({
        clock: this.clock, intervalMs: Math.min(1_000, h.eventLoopLagLimitMs), limitMs: h.eventLoopLagLimitMs, windowMs: h.eventLoopWindowMs,
        onSample: (s, max) => { this.#metrics.eventLoopLag(s, max); },
      })
      : undefined;
  }

  /**
   * The shared informer of `kind` (created on first use; started by `start()`). With
   * `labelSelector`, one of its own holding only the objects that match (the API server filters
   * them): for kinds the operator does not own, e.g. only the Jobs it created.
   */
  informer<T extends KubernetesObject = KubernetesObject>(kind: KindRef, labelSelector?: string, scope: InformerScope = {}): Informer<T> {
    const shards = this.#shards !== undefined && kind.namespaced !== false && scope.allShards !== true ? (this.#shardFilter ?? this.#shards) : undefined;
    const base = labelSelector === undefined ? kindName(kind) : `${kindName(kind)} (${labelSelector})`;
    const name = this.#shards !== undefined && shards === undefined && kind.namespaced !== false ? `${base} (all shards)` : base;
    let informer = this.#informers.get(name);
    if (informer === undefined) {
      const watch = this.#opts.watch;
      const filter = shards ?? this.#selection;
      informer = new Informer(this.client, {
        kind, logger: this.logger, clock: this.clock, metrics: this.#metrics, ...this.#opts.informers, transform: this.#transform,
        ...(labelSelector !== undefined ? { labelSelector } : {}),
        ...(watch !== undefined && 'namespaces' in watch ? { namespaces: watch.namespaces } : {}),
        ...(filter !== undefined ? { namespaceFilter: filter } : {}),
      });
      this.#informers.set(name, informer);
      if (shards !== undefined) this.#sharded.push(informer);
      if (this.#started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  addController(spec: ControllerSpec): Controller {
    if (this.#started) throw new Error('addController after start');
    const controller = new Controller(spec, {
      primary: this.informer(spec.kind),
      secondaries: (spec.watches ?? []).map((w) => ({ informer: this.informer(w.kind, w.labelSelector), map: w.map, ...(w.predicate !== undefined ? { predicate: w.predicate } : {}) })),
      clock: this.clock,
      logger: this.logger,
      metrics: this.#metrics,
      ...(this.#shards !== undefined ? { gate: this.#shards } : {}),
    });
    this.#controllers.push(controller);
    this.#runnables.push(controller);
    return controller;
  }

  add(runnable: Runnable): void {
    if (this.#started) throw new Error('add after start');
    this.#runnables.push(runnable);
  }

  /** Starts informers, non-leader runnables and the election; returns at once. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const signal = this.#stop.signal;
    this.#lag?.start();
    if (this.#apiCheck !== undefined) this.#running.push(this.#apiCheck.run(signal));
    for (const informer of this.#informers.values()) informer.start();
    for (const r of this.#runnables.filter((x) => !x.needLeaderElection)) this.#running.push(this.#run(r, signal));
    const le = this.#opts.leaderElection;
    if (this.#shards !== undefined && le !== false) {
      this.#startSharded(this.#shards, le, signal);
      return;
    }
    if (le === false) {
      // The only replica does the leader's work: say so, or an alert on no leader (leader_election_master_status) would fire.
      this.#metrics.leader(true);
      this.#running.push(this.#lead(signal));
      return;
    }
    this.#elector = new LeaderElector({
      ...le,
      identity: this.identity,
      client: this.client,
      clock: this.clock,
      logger: this.logger,
      metrics: this.#metrics,
      onStartedLeading: (leadership) => this.#lead(leadership),
      onStoppedLeading: () => { this.logger.info('leader work stopped'); },
    });
    this.#running.push(this.#elector.run(signal));
  }

  /** Sharded: the leader work runs at once (gated per bucket), the coordinator campaigns for the buckets, the labeller follows the unlabelled objects. */
  #startSharded(shards: ShardSet, le: LeaderElectionConfig, signal: AbortSignal): void {
    this.#metrics.leader(false);
    // The labeller's informers: per sharded kind (and own selector), the objects without a label of this count.
    const unlabelled = unlabelledSelector(shards.labelKey, shards.count);
    const sources = [...this.#informers.values()].filter((i) => this.#sharded.includes(i)).map((i) => {
      const own = i.labelSelector;
      const informer = new Informer(this.client, {
        kind: i.kind, logger: this.logger, clock: this.clock, metrics: this.#metrics, ...this.#opts.informers, transform: this.#transform,
        labelSelector: own === undefined ? unlabelled : `${own},${unlabelled}`,
        ...(this.#selection !== undefined ? { namespaceFilter: this.#selection } : {}),
      });
      this.#informers.set(`${kindName(i.kind)} (${own === undefined ? '' : `${own},`}unlabelled)`, informer);
      // A namespace with objects still unlabelled waits for them (ShardSet.setUnlabelled); once they are, it is reconciled.
      informer.addHandler((obj) => { shards.labelled(obj.metadata?.namespace ?? ''); });
      informer.start();
      return { kind: i.kind, informer };
    });
    // Until the labeller's caches have listed, no namespace is known whole.
    shards.setUnlabelled((namespace) => sources.some((s) => !s.informer.hasSynced() || s.informer.list(namespace).length > 0));
    void Promise.all(sources.map((s) => s.informer.waitForSync(signal))).then((synced) => { if (synced.every(Boolean)) shards.labelledAll(); });
    const labeller = new ShardLabeller({ set: shards, client: this.client, clock: this.clock, logger: this.logger, fieldManager: this.fieldManager, sources });
    const coordinator = new ShardCoordinator({
      set: shards, client: this.client, clock: this.clock, logger: this.logger, namespace: le.namespace, name: le.name, identity: this.identity,
      ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
      ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
      ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
    });
    this.#running.push(this.#run(labeller, signal), this.#run(coordinator, signal), this.#lead(signal));
  }

  /** The shard set when sharded (shards.ts): its buckets, its labels. */
  shards(): ShardSet | undefined {
    return this.#shards;
  }

  /** The labels an object the operator creates in `namespace` carries (its shard when sharded; none otherwise). */
  shardLabels(namespace: string): Record<string, string> {
    return this.#shards?.labelsOf(namespace) ?? {};
  }

  /** `obj` with its shard's label added (a copy; `obj` itself unsharded): every object the operator creates goes through this. */
  withShardLabel<T extends { metadata?: { namespace?: string | undefined; labels?: Record<string, string> | undefined } }>(obj: T): T {
    const labels = this.shardLabels(obj.metadata?.namespace ?? '');
    if (Object.keys(labels).length === 0) return obj;
    return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, ...labels } } };
  }

  async #lead(signal: AbortSignal): Promise<void> {
    this.#leaderWork = true;
    try {
      await Promise.all(this.#runnables.filter((r) => r.needLeaderElection).map((r) => this.#run(r, signal)));
    } finally {
      this.#leaderWork = false;
    }
  }

  async #run(r: Runnable, signal: AbortSignal): Promise<void> {
    this.#failed.delete(r.name);
    try {
      await r.start(signal);
      if (!signal.aborted) this.#fail(r, 'returned before being stopped');
    } catch (err) {
      if (!signal.aborted) this.#fail(r, `${errorCode(err)}: ${err instanceof Error ? err.message : String(err)}`, err);
      else this.logger.error({ err, runnable: r.name }, 'runnable failed while stopping');
    }
  }

  /** Nothing restarts a failed runnable in the process: /readyz and /healthz say so, and the kubelet restarts the pod. */
  #fail(r: Runnable, reason: string, err?: unknown): void {
    this.#failed.set(r.name, reason);
    this.logger.error({ err, runnable: r.name, reason }, 'runnable failed; /readyz and /healthz fail until the process restarts');
  }

  /** Names of the runnables that failed, with why. */
  failedRunnables(): ReadonlyMap<string, string> {
    return this.#failed;
  }

  /** The namespaces watched now: the listed ones, those the selector matches, or undefined for all. */
  watchedNamespaces(): readonly string[] | undefined {
    const watch = this.#opts.watch;
    if (watch !== undefined && 'namespaces' in watch) return watch.namespaces;
    return this.#selection?.names();
  }

  /** Resolves true when every informer has listed once; false if stopped first. */
  async waitForCacheSync(): Promise<boolean> {
    const results = await Promise.all([...this.#informers.values()].map((i) => i.waitForSync(this.#stop.signal)));
    return results.every(Boolean);
  }

  cachesSynced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced());
  }

  /** This replica holds the lease (always true without leader election, once started). */
  isLeader(): boolean {
    if (this.#shards !== undefined) return this.#started && !this.#stop.signal.aborted && this.#shards.isActive(0);
    return this.#opts.leaderElection === false ? this.#started && !this.#stop.signal.aborted : (this.#elector?.isLeader() ?? false);
  }

  /** /readyz: started, the API server answers, caches synced and current, on the leader controllers started, no runnable failed. */
  readiness(): HealthReport {
    const checks: HealthCheck[] = [];
    checks.push(!this.#started ? { name: 'manager', ok: false, message: 'not started' }
      : this.#stop.signal.aborted ? { name: 'manager', ok: false, message: 'stopping' }
        : { name: 'manager', ok: true, message: 'running' });
    if (this.#apiCheck !== undefined) checks.push(this.#apiCheck.check());
    const stale = [...this.#informers.values()].map((i) => i.staleness(this.#health.cacheStaleAfterMs)).filter((x) => x !== undefined);
    checks.push(stale.length === 0 ? { name: 'caches', ok: true, message: `${this.#informers.size} synced` } : { name: 'caches', ok: false, message: stale.join('; ') });
    if (this.isLeader() || (this.#shards !== undefined && this.#started)) {
      const waiting = this.#controllers.filter((c) => !c.started()).map((c) => c.name);
      // A manager without leader work (no controller, no prober) has nothing to wait for.
      const leaderRunnables = this.#runnables.some((r) => r.needLeaderElection);
      checks.push((this.#leaderWork || !leaderRunnables) && waiting.length === 0
        ? { name: 'leader-work', ok: true, message: `${this.#controllers.length} controllers started` }
        : { name: 'leader-work', ok: false, message: `controllers not started: ${waiting.join(', ') || '(leader work not running)'}` });
    }
    checks.push(this.#runnablesCheck());
    return healthReport(checks);
  }

  /** /healthz: the event loop is not blocked past its bound and no runnable failed. */
  liveness(): HealthReport {
    return healthReport([...(this.#lag !== undefined ? [this.#lag.check()] : []), this.#runnablesCheck()]);
  }

  /** `readiness().ok`. */
  ready(): boolean {
    return this.readiness().ok;
  }

  #runnablesCheck(): HealthCheck {
    return this.#failed.size === 0
      ? { name: 'runnables', ok: true, message: 'none failed' }
      : { name: 'runnables', ok: false, message: [...this.#failed].map(([name, why]) => `${name}: ${why}`).join('; ') };
  }

  /** Graceful: stop leader work (in-flight reconciles finish), release the lease, stop informers. Idempotent. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#lag?.stop();
    await Promise.all(this.#running);
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }
}
