// A controller: one work queue fed by informer handlers, draining into one Reconciler. This is
// the one place that applies the reconcile contract of reconcile.ts (style.md item 1).
// A controller is a leader-only Runnable: `start(signal)` builds a fresh queue, waits for its
// caches, enqueues every primary object, and runs workers until `signal` aborts; then every
// in-flight reconcile sees its `ctx.signal` aborted at once, no new one starts, and `start`
// resolves once the in-flight ones have settled. Handlers only enqueue keys; while the
// controller is not running (not leader) they do nothing — the next start enqueues everything.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { isAborted, type Clock } from './clock.ts';
import { errorCode, isRetryable } from './errors.ts';
import type { Informer } from './informer.ts';
import { kindName, type KindRef } from './kube.ts';
import type { RuntimeMetrics } from './metrics.ts';
import type { ReconcileGate } from './shards.ts';
import { keyOf, requestOf, type Reconciler, type Request } from './reconcile.ts';
import type { Runnable } from './runnable.ts';
import { WorkQueue } from './workqueue.ts';

/** A secondary kind and how its objects map to the primary requests they affect. */
export type Watch<T extends KubernetesObject = KubernetesObject> = {
  kind: KindRef;
  /** Watch only the objects of `kind` that match (the Manager's informer of that selector). */
  labelSelector?: string;
  /** Called with the current object (and, on update, with the previous one too): return the requests to reconcile. */
  map: (obj: T) => readonly Request[];
  /**
   * Which notifications count (controller-runtime's predicates); default all. `previous` is
   * undefined on an add, a delete and a periodic resync, which always count.
   */
  predicate?: (obj: T, previous: T | undefined) => boolean;
};

/**
 * Only what the primaries can depend on when they read just the spec and labels of this kind:
 * a change of generation (the spec), of labels, or the start of a deletion. Status writes, most of
 * them the operator's own, then fan out to nobody (controller-runtime's GenerationChangedPredicate
 * plus labels).
 */
export function specChanged(obj: KubernetesObject, previous: KubernetesObject | undefined): boolean {
  if (previous === undefined) return true;
  const a = obj.metadata;
  const b = previous.metadata;
  return a?.generation !== b?.generation
    || a?.deletionTimestamp !== b?.deletionTimestamp
    || JSON.stringify(a?.labels ?? {}) !== JSON.stringify(b?.labels ?? {});
}

export type ControllerSpec = {
  name: string;
  /** The primary kind: each of its objects is a request. */
  kind: KindRef;
  reconcile: Reconciler;
  watches?: readonly Watch[];
  /** Distinct keys reconciled at once. Default 4. */
  concurrency?: number;
  /**
   * Which notifications of the primary kind count; default all. `specChanged` keeps a
   * controller's own status writes from re-queueing the object they were written to (a
   * reconcile whose outcome depends on the clock would otherwise write, wake itself, and write
   * again): such a reconcile returns `requeueAfter` for the next instant that matters instead.
   */
  predicate?: (obj: KubernetesObject, previous: KubernetesObject | undefined) => boolean;
};

export type ControllerDeps = {
  primary: Informer;
  secondaries: readonly { informer: Informer; map: Watch['map']; predicate?: Watch['predicate'] }[];
  clock: Clock;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Sharded (shards.ts): asked before every reconcile; a key it refuses is dropped (it is enqueued again when its bucket becomes active here). */
  gate?: ReconcileGate;
};

export class Controller implements Runnable {
  readonly name: string;
  readonly needLeaderElection = true;
  readonly #spec: ControllerSpec;
  readonly #deps: ControllerDeps;
  readonly #log: Logger;
  #queue: WorkQueue | undefined;
  #started = false;

  constructor(spec: ControllerSpec, deps: ControllerDeps) {
    this.name = spec.name;
    this.#spec = spec;
    this.#deps = deps;
    this.#log = deps.logger.child({ controller: spec.name });
    const primaryCounts = spec.predicate;
    deps.primary.addHandler((obj, previous) => {
      if (primaryCounts === undefined || primaryCounts(obj, previous)) this.#enqueueObject(obj);
    });
    for (const { informer, map, predicate } of deps.secondaries) {
      informer.addHandler((obj, previous) => {
        if (predicate !== undefined && !predicate(obj, previous)) return;
        for (const req of map(obj)) this.enqueue(req);
        if (previous !== undefined) for (const req of map(previous)) this.enqueue(req);
      });
    }
    deps.gate?.onActivate((admits) => {
      for (const obj of deps.primary.list()) if (admits(obj.metadata?.namespace ?? '')) this.#enqueueObject(obj);
    });
  }

  /** True while workers run (caches synced, leader). */
  started(): boolean {
    return this.#started;
  }

  /** Adds a request to the queue (ignored while not running). */
  enqueue(req: Request): void {
    this.#queue?.add(keyOf(req));
  }

  #enqueueObject(obj: KubernetesObject): void {
    const name = obj.metadata?.name;
    if (name !== undefined) this.enqueue({ namespace: obj.metadata?.namespace ?? '', name });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { clock, metrics, primary, secondaries } = this.#deps;
    const informers = [primary, ...secondaries.map((s) => s.informer)];
    for (const informer of informers) {
      if (!(await informer.waitForSync(signal))) return;
    }
    const queue = new WorkQueue({ name: this.name, clock, concurrency: this.#spec.concurrency ?? 4, metrics });
    this.#queue = queue;
    queue.start((key) => this.#process(queue, key, signal));
    for (const obj of primary.list()) this.#enqueueObject(obj);
    this.#started = true;
    this.#log.info({ resource: kindName(this.#spec.kind), objects: primary.size }, 'controller started');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    this.#started = false;
    this.#queue = undefined;
    await queue.shutdown();
    this.#log.info('controller stopped');
  }

  async #process(queue: WorkQueue, key: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const req = requestOf(key);
    const gate = this.#deps.gate;
    const leave = gate?.enter(req.namespace);
    if (gate !== undefined && leave === undefined) {
      // Not a bucket this replica reconciles now: its holder does.
      queue.forget(key);
      return;
    }
    try {
      await this.#reconcileOne(queue, key, req, signal);
    } finally {
      leave?.();
    }
  }

  async #reconcileOne(queue: WorkQueue, key: string, req: Request, signal: AbortSignal): Promise<void> {
    const logger = this.#log.child({ namespace: req.namespace, name: req.name });
    const started = this.#deps.clock.now().getTime();
    const seconds = (): number => (this.#deps.clock.now().getTime() - started) / 1000;
    try {
      const result = await this.#spec.reconcile(req, { logger, signal });
      queue.forget(key);
      const after = result.requeueAfter;
      if (after !== undefined && after > 0 && Number.isFinite(after)) {
        queue.addAfter(key, after);
        this.#deps.metrics.reconcile(this.name, 'requeue_after', seconds());
      } else {
        this.#deps.metrics.reconcile(this.name, 'success', seconds());
      }
    } catch (err) {
      if (isAborted(signal)) return; // stepping down: the next leader reconciles everything anyway
      const code = errorCode(err);
      if (!isRetryable(err)) {
        queue.forget(key);
        this.#deps.metrics.reconcile(this.name, 'terminal', seconds(), code);
        logger.error({ err, code }, 'reconcile failed for good; not retried');
      } else {
        const delayMs = queue.addRateLimited(key);
        this.#deps.metrics.reconcile(this.name, 'error', seconds(), code);
        logger.warn({ err, code, retries: queue.retries(key), delayMs: Math.round(delayMs) }, 'reconcile failed; retrying after backoff');
      }
    }
  }
}
