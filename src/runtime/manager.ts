// The Manager owns the informers (one per kind, shared), the controllers and the other
// runnables, and the leader election:
//   - caches run on every replica (a standby is warm and takes over fast);
//   - runnables with `needLeaderElection` (controllers, probers) start only on the leader, after
//     the caches synced, and stop the moment the lease is lost;
//   - `ready()` (for /readyz): caches synced and, on the leader, every controller started;
//   - `stop()` (SIGTERM, see process.ts): leader work stops taking keys, in-flight reconciles
//     finish, then the lease is released and the informers stop.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { realClock, type Clock } from './clock.ts';
import { Controller, type ControllerSpec } from './controller.ts';
import { EventRecorder } from './events.ts';
import { Informer, type InformerOptions } from './informer.ts';
import { KubeClient, kindName, type KindRef } from './kube.ts';
import { defaultIdentity, LeaderElector, type LeaderElectionConfig } from './leader.ts';
import { noopRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';
import type { Runnable } from './runnable.ts';
import { StatusWriter } from './status.ts';

export type ManagerOptions = {
  kubeConfig: KubeConfig;
  logger: Logger;
  clock?: Clock;
  metrics?: RuntimeMetrics;
  /** `false` runs leader work at once (a single replica, tests). */
  leaderElection: LeaderElectionConfig | false;
  /** Defaults for every informer. */
  informers?: Pick<InformerOptions<KubernetesObject>, 'resyncPeriodMs' | 'watchTimeoutSeconds' | 'watchdogMs' | 'pageSize' | 'backoff' | 'namespace'>;
  /** Event de-duplication window, ms. */
  eventWindowMs?: number;
};

export class Manager {
  readonly client: KubeClient;
  readonly status: StatusWriter;
  readonly events: EventRecorder;
  readonly identity: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly #opts: ManagerOptions;
  readonly #metrics: RuntimeMetrics;
  readonly #informers = new Map<string, Informer>();
  readonly #controllers: Controller[] = [];
  readonly #runnables: Runnable[] = [];
  readonly #stop = new AbortController();
  readonly #running: Promise<void>[] = [];
  #elector: LeaderElector | undefined;
  #leaderWork = false;
  #started = false;

  constructor(opts: ManagerOptions) {
    this.#opts = opts;
    this.logger = opts.logger;
    this.clock = opts.clock ?? realClock;
    this.#metrics = opts.metrics ?? noopRuntimeMetrics;
    this.client = new KubeClient(opts.kubeConfig);
    this.identity = opts.leaderElection === false ? defaultIdentity() : (opts.leaderElection.identity ?? defaultIdentity());
    this.status = new StatusWriter(this.client, { metrics: this.#metrics });
    this.events = new EventRecorder(this.client, {
      clock: this.clock, logger: opts.logger, instance: this.identity, metrics: this.#metrics,
      ...(opts.eventWindowMs !== undefined ? { windowMs: opts.eventWindowMs } : {}),
    });
  }

  /** The shared informer of `kind` (created on first use; started by `start()`). */
  informer<T extends KubernetesObject = KubernetesObject>(kind: KindRef): Informer<T> {
    const name = kindName(kind);
    let informer = this.#informers.get(name);
    if (informer === undefined) {
      informer = new Informer(this.client, {
        kind, logger: this.logger, clock: this.clock, metrics: this.#metrics, ...this.#opts.informers,
      });
      this.#informers.set(name, informer);
      if (this.#started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  addController(spec: ControllerSpec): Controller {
    if (this.#started) throw new Error('addController after start');
    const controller = new Controller(spec, {
      primary: this.informer(spec.kind),
      secondaries: (spec.watches ?? []).map((w) => ({ informer: this.informer(w.kind), map: w.map, ...(w.predicate !== undefined ? { predicate: w.predicate } : {}) })),
      clock: this.clock,
      logger: this.logger,
      metrics: this.#metrics,
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
    for (const informer of this.#informers.values()) informer.start();
    for (const r of this.#runnables.filter((x) => !x.needLeaderElection)) this.#running.push(this.#run(r, signal));
    const le = this.#opts.leaderElection;
    if (le === false) {
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

  async #lead(signal: AbortSignal): Promise<void> {
    this.#leaderWork = true;
    try {
      await Promise.all(this.#runnables.filter((r) => r.needLeaderElection).map((r) => this.#run(r, signal)));
    } finally {
      this.#leaderWork = false;
    }
  }

  async #run(r: Runnable, signal: AbortSignal): Promise<void> {
    try {
      await r.start(signal);
    } catch (err) {
      this.logger.error({ err, runnable: r.name }, 'runnable failed');
    }
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
    return this.#opts.leaderElection === false ? this.#started && !this.#stop.signal.aborted : (this.#elector?.isLeader() ?? false);
  }

  /** /readyz: caches synced and, when this replica leads, every controller started. */
  ready(): boolean {
    if (!this.#started || this.#stop.signal.aborted || !this.cachesSynced()) return false;
    if (!this.isLeader()) return true;
    return this.#leaderWork && this.#controllers.every((c) => c.started());
  }

  /** Graceful: stop leader work (in-flight reconciles finish), release the lease, stop informers. Idempotent. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#running);
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }
}
