// An informer: a cache of one kind kept current by list + watch, written for the failure modes
// of client-node's ListWatch (stack-notes.md, "client-node behaviour to design around"):
//   - ANY list or watch failure (socket reset, 401/403/5xx, failed list, unreadable stream)
//     restarts the loop after a jittered exponential backoff (500 ms → 30 s), reset by the next
//     successful list or by a watch that delivered events; every restart is counted with its reason;
//   - 410 Gone (HTTP status or an ERROR event in the stream) relists at once; the relist diff
//     emits the objects that vanished;
//   - a watchdog aborts a watch silent for longer than `watchdogMs` (half-open connections):
//     watches ask for bookmarks (`allowWatchBookmarks=true`) and end server-side after
//     `timeoutSeconds`, so a healthy watch is never silent that long;
//   - a periodic resync hands every cached object to the handlers again (level-based safety net);
//   - `hasSynced()` is true only after the first successful (complete, paginated) list;
//   - handlers are called inside try/catch: a throwing handler is logged, never an unhandled
//     rejection, and the resourceVersion still advances. Handlers are meant to enqueue keys only.
// Objects in the cache are shared: treat them as read-only. Each passes through the informer's
// `transform` before it is stored (controller-runtime's cache.Options.DefaultTransform), by
// default `stripForCache`: what no reader of a cache needs is dropped (memory; docs/operations.md).
// Items of a list carry no apiVersion/kind: they are filled from the list's kind.
// Namespace scope (namespaces.ts): `namespaces` runs one such loop per namespace over the one
// store (synced when each has listed, stale when any is); `namespaceFilter` keeps one cluster-wide
// loop and drops the objects of namespaces it does not admit, relisting when it admits new ones.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Backoff, LOOP_BACKOFF, type BackoffOptions } from './backoff.ts';
import { isAborted, sleep, type Clock, type Timer } from './clock.ts';
import { ApiError, errorCode, isStatus } from './errors.ts';
import { apiVersionOf, collectionPath, kindName, objectKey, type KindRef, type KubeClient } from './kube.ts';

/** Called with the current object on add, update and resync, with the last known one on delete. `previous` is the replaced version on update. */
export type ObjectHandler<T> = (obj: T, previous?: T) => void;
/** Values an object is filed under in an index (e.g. a label value, a referenced name). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/**
 * What an informer keeps of each object it receives (a list item, a watch event's object),
 * called once per object version before it is stored, indexed and handed to the handlers
 * (controller-runtime's cache.TransformFunc). It may modify the object it is given (nobody else
 * holds it) and returns what is kept. It must be total: it runs on every object, valid or not.
 */
export type CacheTransform<T> = (obj: T) => T;

/** kubectl's client-side apply record: a copy of the whole manifest last applied, read by kubectl alone. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The default transform: drops `metadata.managedFields` (the API server's field ownership, read
 * by no controller: server-side apply keeps it on the server, whatever the cache holds) and
 * kubectl's `last-applied-configuration` annotation (a second copy of the manifest, often as
 * large as the object), as controller-runtime's TransformStripManagedFields and cert-manager's
 * informer transforms do. Everything else is kept: metadata (uid, resourceVersion, generation,
 * labels, the other annotations, owners, finalizers), spec and status have readers.
 */
export function stripForCache<T extends KubernetesObject>(obj: T): T {
  const meta = obj.metadata;
  if (meta === undefined) return obj;
  if (meta.managedFields !== undefined) delete meta.managedFields;
  const annotations = meta.annotations;
  if (annotations !== undefined && LAST_APPLIED_ANNOTATION in annotations) {
    Reflect.deleteProperty(annotations, LAST_APPLIED_ANNOTATION);
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  return obj;
}

/** A change of the set of namespaces a filter admits (for a shard set, shards.ts: the label values of the buckets gained and lost). */
export interface NamespaceChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** The namespaces a cluster-wide informer keeps (the others are dropped on arrival). */
export interface NamespaceFilter {
  admits(namespace: string): boolean;
  /** Resolves true once the set is known (its first list), false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean>;
  /** Called after each change of the set. */
  onChange(listener: (change: NamespaceChange) => void): void;
  /** A label selector the API server applies too (a shard set's buckets, shards.ts), joined to the informer's own; read at each list and watch. */
  labelSelector?(): string;
  /** Increases at each change of the set: `Informer.waitForScope` waits for a list that started at or after a version. */
  version?(): number;
}

export interface InformerMetrics {
  /** The list/watch loop restarted; reason is an error code, `Watchdog` or `Expired`. */
  watchRestart(kind: string, reason: string): void;
  /** Objects currently cached. */
  cacheSize(kind: string, size: number): void;
}

export const noopInformerMetrics: InformerMetrics = { watchRestart() {}, cacheSize() {} };

export type InformerOptions<T extends KubernetesObject> = {
  kind: KindRef;
  /** Watch one namespace only (the same as `namespaces: [namespace]`). */
  namespace?: string;
  /** Watch these namespaces only, each with its own list+watch; default all (ignored for a cluster-scoped kind). */
  namespaces?: readonly string[];
  /** Watch every namespace but keep only the objects of those this filter admits (ignored for a cluster-scoped kind or with `namespaces`). */
  namespaceFilter?: NamespaceFilter;
  labelSelector?: string;
  fieldSelector?: string;
  logger: Logger;
  clock: Clock;
  /** Every object is handed to the handlers again this often; 0 disables. Default 10 min. */
  resyncPeriodMs?: number;
  /** Server-side watch timeout; each watch draws a value in [t, 2t) like client-go. Default 300. */
  watchTimeoutSeconds?: number;
  /** Abort a watch that received nothing (not even a bookmark) for this long. Default 2 × timeout + 30 s. */
  watchdogMs?: number;
  /** List page size. Default 500. */
  pageSize?: number;
  backoff?: BackoffOptions;
  indexers?: Record<string, IndexFunc<T>>;
  /** What is kept of each object; default {@link stripForCache}. */
  transform?: CacheTransform<T>;
  metrics?: InformerMetrics;
  random?: () => number;
};

/** One list+watch loop: of every namespace (undefined), or of one. */
type Stream = {
  readonly namespace: string | undefined;
  readonly backoff: Backoff;
  resourceVersion: string;
  synced: boolean;
  /** When the loop started failing (first failure since the last good list or opened watch), ms since the epoch. */
  failingSince: number | undefined;
  lastError: string;
  watchAbort: AbortController | undefined;
  /** The filter admits new namespaces: relist (the watch in progress is ended for it). */
  rescope: boolean;
};

/** Read through a call: the flag is set by #rescope while the loop awaits (no narrowing across awaits). */
const rescopePending = (stream: Stream): boolean => stream.rescope;

type WatchEvent = { type?: string; object?: KubernetesObject & { code?: number; reason?: string; message?: string } };
type ListResponse<T> = { kind?: string; apiVersion?: string; metadata?: { resourceVersion?: string; continue?: string }; items?: T[] };

export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly kind: KindRef;
  readonly #name: string;
  readonly #client: KubeClient;
  readonly #opts: InformerOptions<T>;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #metrics: InformerMetrics;
  readonly #random: () => number;

  readonly #store = new Map<string, Map<string, T>>();
  #size = 0;
  readonly #indexers = new Map<string, IndexFunc<T>>();
  readonly #indexes = new Map<string, Map<string, Set<T>>>();
  readonly #handlers: ObjectHandler<T>[] = [];
  readonly #streams: Stream[];
  readonly #filter: NamespaceFilter | undefined;
  #synced = false;
  readonly #syncWaiters: (() => void)[] = [];
  #restarts = 0;
  /** The filter's version when the last complete list started (-1: none yet). */
  #listedVersion = -1;
  readonly #scopeWaiters: { version: number; resolve: (ok: boolean) => void }[] = [];

  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #resyncTimer: Timer | undefined;

  constructor(client: KubeClient, opts: InformerOptions<T>) {
    this.kind = opts.kind;
    this.#name = kindName(opts.kind);
    this.#client = client;
    this.#opts = opts;
    this.#log = opts.logger.child({ informer: this.#name });
    this.#clock = opts.clock;
    this.#random = opts.random ?? Math.random;
    this.#metrics = opts.metrics ?? noopInformerMetrics;
    const namespaced = opts.kind.namespaced !== false;
    const listed = [...(opts.namespace !== undefined && opts.namespace !== '' ? [opts.namespace] : []), ...(opts.namespaces ?? [])];
    const namespaces = namespaced && listed.length > 0 ? [...new Set(listed)] : [undefined];
    this.#streams = namespaces.map((namespace) => ({
      namespace, backoff: new Backoff(opts.backoff ?? LOOP_BACKOFF, this.#random), resourceVersion: '', synced: false,
      failingSince: undefined, lastError: '', watchAbort: undefined, rescope: false,
    }));
    this.#filter = namespaced && namespaces[0] === undefined ? opts.namespaceFilter : undefined;
    this.#filter?.onChange((change) => { this.#rescope(change); });
    for (const [name, fn] of Object.entries(opts.indexers ?? {})) {
      this.#indexers.set(name, fn);
      this.#indexes.set(name, new Map());
    }
  }

  /** Declares an index (objects already cached are filed at once). Names are unique per informer. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.#indexers.has(name)) throw new Error(`informer ${this.#name} already has an index ${name}`);
    this.#indexers.set(name, fn);
    this.#indexes.set(name, new Map());
    for (const obj of this.list()) this.#indexOne(name, fn, obj);
  }

  /** Registers a handler. Handlers added after sync are not replayed the current content: call `list()`. */
  addHandler(handler: ObjectHandler<T>): void {
    this.#handlers.push(handler);
  }

  /** Starts the list/watch loop in the background (idempotent). */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#stop = new AbortController();
    this.#loop = Promise.all(this.#streams.map((stream) => this.#run(stream))).then(() => undefined);
    this.#scheduleResync();
  }

  /** Stops the loop and waits for it to end. The cache keeps its content. */
  async stop(): Promise<void> {
    this.#stop.abort();
    for (const stream of this.#streams) stream.watchAbort?.abort();
    this.#resyncTimer?.cancel();
    await this.#loop;
    this.#loop = undefined;
  }

  /** The informer's own label selector (without its filter's). */
  get labelSelector(): string | undefined {
    return this.#opts.labelSelector;
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true once synced, false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => { resolve(false); };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push(() => { signal?.removeEventListener('abort', onAbort); resolve(true); });
    });
  }

  /**
   * Resolves true once a list that started at or after the filter's `version` completed (the
   * cache then holds what the filter admitted at that version), false if `signal` aborts first.
   * True at once without a filter that has versions.
   */
  waitForScope(version: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#filter?.version === undefined || this.#listedVersion >= version) return Promise.resolve(true);
    if (signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = { version, resolve: (ok: boolean): void => { signal?.removeEventListener('abort', onAbort); resolve(ok); } };
      const onAbort = (): void => {
        const i = this.#scopeWaiters.indexOf(waiter);
        if (i >= 0) this.#scopeWaiters.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#scopeWaiters.push(waiter);
    });
  }

  /**
   * Why the cache cannot be trusted now, or undefined: never listed, or its list/watch loop has
   * been failing for longer than `staleAfterMs` (the API server unreachable, RBAC revoked...).
   */
  staleness(staleAfterMs: number): string | undefined {
    const now = this.#clock.now().getTime();
    const reasons = this.#streams.flatMap((s) => {
      const name = s.namespace === undefined ? this.#name : `${this.#name} in ${s.namespace}`;
      if (!s.synced) return [`${name}: not listed yet${s.lastError !== '' ? ` (${s.lastError})` : ''}`];
      if (s.failingSince === undefined) return [];
      const failingMs = now - s.failingSince;
      return failingMs > staleAfterMs ? [`${name}: list/watch failing for ${Math.round(failingMs / 1000)} s (${s.lastError})`] : [];
    });
    return reasons.length === 0 ? undefined : reasons.join('; ');
  }

  /** Times the loop restarted after a failure, a watchdog abort or a 410. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The resourceVersion the loop watches from (with several namespaces, theirs joined by commas). */
  get resourceVersion(): string {
    return this.#streams.map((s) => s.resourceVersion).join(',');
  }

  get(namespace: string, name: string): T | undefined {
    return this.#store.get(namespace)?.get(name);
  }

  /** Every cached object, or those of one namespace. */
  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.#store.get(namespace)?.values() ?? [])];
    const all: T[] = [];
    for (const byName of this.#store.values()) all.push(...byName.values());
    return all;
  }

  /** Objects filed under `value` by the index `indexName` (declared in the options). */
  byIndex(indexName: string, value: string): T[] {
    const index = this.#indexes.get(indexName);
    if (index === undefined) throw new Error(`informer ${this.#name} has no index ${indexName}`);
    return [...(index.get(value) ?? [])];
  }

  get size(): number {
    return this.#size;
  }

  // ---- loop ---------------------------------------------------------------------------------

  async #run(stream: Stream): Promise<void> {
    const stop = this.#stop.signal;
    // A filtered cache lists once the filter knows its namespaces (else its first list would keep nothing).
    if (this.#filter !== undefined && !(await this.#filter.waitForSync(stop))) return;
    while (!stop.aborted) {
      try {
        if (stream.rescope) {
          stream.rescope = false;
          stream.resourceVersion = '';
        }
        if (stream.resourceVersion === '') {
          await this.#relist(stream, stop);
          stream.backoff.reset();
          // The filter may have changed during the list (an await): list again.
          if (rescopePending(stream)) continue;
        }
        const outcome = await this.#watch(stream, stop);
        if (isAborted(stop)) break;
        if (outcome === 'expired') {
          this.#restart(stream, 'Expired');
          stream.resourceVersion = '';
        } else if (outcome === 'watchdog') {
          this.#restart(stream, 'Watchdog');
        } else if (outcome === 'empty') {
          // Closed at once without an event: back off rather than spin.
          await sleep(this.#clock, stream.backoff.next(), stop);
        }
      } catch (err) {
        if (isAborted(stop)) break;
        if (stream.rescope) continue;
        this.#restart(stream, errorCode(err));
        if (isStatus(err, 410) && stream.resourceVersion !== '') {
          // The watch's resourceVersion expired (HTTP 410 rather than an ERROR event): relist now.
          // A 410 from the list itself (expired continue token) backs off like any failure.
          stream.resourceVersion = '';
          continue;
        }
        const delay = stream.backoff.next();
        this.#log.warn({ err, delayMs: Math.round(delay), failures: stream.backoff.failures, ...(stream.namespace !== undefined ? { namespace: stream.namespace } : {}) }, 'list/watch failed; restarting after backoff');
        await sleep(this.#clock, delay, stop);
      }
    }
  }

  #restart(stream: Stream, reason: string): void {
    stream.failingSince ??= this.#clock.now().getTime();
    stream.lastError = reason;
    this.#restarts++;
    this.#metrics.watchRestart(this.#name, reason);
  }

  /**
   * The filter's set changed: the objects of the namespaces it no longer admits leave the cache at
   * once (handed to the handlers as deleted); namespaces it now admits are brought in by a relist.
   */
  #rescope(change: NamespaceChange): void {
    let dropped = 0;
    // Every cached namespace the filter no longer admits (the removed ones; for a shard set, those of its lost buckets).
    for (const namespace of [...this.#store.keys()].filter((ns) => !this.#admits(ns))) {
      for (const obj of this.list(namespace)) {
        this.#remove(obj);
        this.#notify(obj);
        dropped++;
      }
    }
    if (dropped > 0) this.#metrics.cacheSize(this.#name, this.#size);
    if (change.added.length === 0) return;
    for (const stream of this.#streams) {
      stream.rescope = true;
      stream.watchAbort?.abort();
    }
  }

  #admits(namespace: string): boolean {
    return this.#filter?.admits(namespace) ?? true;
  }

  async #relist(stream: Stream, stop: AbortSignal): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    // One selector and version for every page (a continue token belongs to its selector).
    const version = this.#filter?.version?.() ?? 0;
    const labelSelector = this.#labelSelector();
    do {
      const page = await this.#client.request<ListResponse<T>>('GET', collectionPath(this.kind, stream.namespace), {
        query: { limit: this.#opts.pageSize ?? 500, continue: cont, labelSelector, fieldSelector: this.#opts.fieldSelector },
        signal: stop,
      });
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items ?? []) {
        if (!this.#admits(item.metadata?.namespace ?? '')) continue;
        item.apiVersion ??= page.apiVersion ?? apiVersionOf(this.kind);
        if (kind !== undefined) item.kind ??= kind;
        items.push(item);
      }
      cont = page.metadata?.continue;
      rv = page.metadata?.resourceVersion ?? '';
      if (cont === '') cont = undefined;
    } while (cont !== undefined);

    // Replace the content; hand over what is new or changed, then what vanished.
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.#transform(raw);
      seen.add(objectKey(obj));
      const previous = this.#put(obj);
      if (previous?.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#notify(obj, previous);
    }
    for (const obj of this.list(stream.namespace)) {
      if (!seen.has(objectKey(obj))) {
        this.#remove(obj);
        this.#notify(obj);
      }
    }
    stream.resourceVersion = rv;
    stream.failingSince = undefined;
    stream.synced = true;
    this.#metrics.cacheSize(this.#name, this.#size);
    this.#log.debug({ objects: items.length, resourceVersion: rv, ...(stream.namespace !== undefined ? { namespace: stream.namespace } : {}) }, 'listed');
    if (!this.#synced && this.#streams.every((s) => s.synced)) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
    this.#scopeListed(version);
  }

  #scopeListed(version: number): void {
    if (version <= this.#listedVersion) return;
    this.#listedVersion = version;
    for (const w of this.#scopeWaiters.filter((x) => x.version <= version)) {
      this.#scopeWaiters.splice(this.#scopeWaiters.indexOf(w), 1);
      w.resolve(true);
    }
  }

  /** The informer's own label selector joined to its filter's (shards.ts). */
  #labelSelector(): string | undefined {
    const parts = [this.#opts.labelSelector, this.#filter?.labelSelector?.()].filter((s): s is string => s !== undefined && s !== '');
    return parts.length > 0 ? parts.join(',') : undefined;
  }

  /** One watch from the current resourceVersion. Returns why it ended; throws on failure. */
  async #watch(stream: Stream, stop: AbortSignal): Promise<'closed' | 'empty' | 'expired' | 'watchdog' | 'rescoped'> {
    const abort = new AbortController();
    stream.watchAbort = abort;
    const onStop = (): void => { abort.abort(); };
    stop.addEventListener('abort', onStop, { once: true });
    const state = { watchdogFired: false };
    const watchdogMs = this.#opts.watchdogMs ?? (this.#timeoutSeconds() * 2 + 30) * 1000;
    let watchdog: Timer | undefined;
    const feed = (): void => {
      watchdog?.cancel();
      watchdog = this.#clock.setTimeout(() => { state.watchdogFired = true; abort.abort(); }, watchdogMs);
    };
    let events = 0;
    const opened = this.#clock.now().getTime();
    try {
      feed();
      const t = this.#timeoutSeconds();
      const body = await this.#client.stream(collectionPath(this.kind, stream.namespace), {
        query: {
          watch: 'true', resourceVersion: stream.resourceVersion, allowWatchBookmarks: true,
          timeoutSeconds: Math.floor(t * (1 + this.#random())),
          labelSelector: this.#labelSelector(), fieldSelector: this.#opts.fieldSelector,
        },
        signal: abort.signal,
      });
      // The watch is open: the API server answers and the cache is current again.
      stream.failingSince = undefined;
      const reader = body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          feed();
          buffer += decoder.decode(value, { stream: true });
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf('\n');
            if (line === '') continue;
            const event = JSON.parse(line) as WatchEvent;
            if (this.#apply(stream, event) === 'expired') return 'expired';
            events++;
          }
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
      // A watch that ends quickly with nothing in it is suspicious (backoff); one that lasted is
      // a normal server-side timeout on a quiet resource.
      const lasted = this.#clock.now().getTime() - opened >= 1000;
      if (events > 0 || lasted) stream.backoff.reset();
      return events === 0 && !lasted ? 'empty' : 'closed';
    } catch (err) {
      if (stream.rescope) return 'rescoped';
      if (state.watchdogFired) {
        this.#log.warn({ watchdogMs }, 'watch silent too long; restarting it');
        return 'watchdog';
      }
      if (stop.aborted) return 'closed';
      throw err;
    } finally {
      watchdog?.cancel();
      stop.removeEventListener('abort', onStop);
      stream.watchAbort = undefined;
    }
  }

  #timeoutSeconds(): number {
    return this.#opts.watchTimeoutSeconds ?? 300;
  }

  /** Applies one watch event to the cache. */
  #apply(stream: Stream, event: WatchEvent): 'ok' | 'expired' {
    const obj = event.object;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        if (obj === undefined) return 'ok';
        if (!this.#admits(obj.metadata?.namespace ?? '')) break;
        const current = this.#transform(obj as T);
        current.apiVersion ??= apiVersionOf(this.kind);
        const previous = this.#put(current);
        if (previous === undefined) this.#metrics.cacheSize(this.#name, this.#size);
        this.#notify(current, previous);
        break;
      }
      case 'DELETED': {
        if (obj === undefined) return 'ok';
        const cached = this.get(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
        if (cached === undefined && !this.#admits(obj.metadata?.namespace ?? '')) break;
        const known = cached ?? this.#transform(obj as T);
        this.#remove(known);
        this.#metrics.cacheSize(this.#name, this.#size);
        this.#notify(known);
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        if (obj?.code === 410) return 'expired';
        throw new ApiError(obj?.code ?? 500, `watch ${this.#name}: ${obj?.message ?? 'error event'}`, obj?.reason);
      }
      default:
        return 'ok';
    }
    const rv = obj?.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '') stream.resourceVersion = rv;
    return 'ok';
  }

  // ---- store --------------------------------------------------------------------------------

  #transform(obj: T): T {
    return (this.#opts.transform ?? stripForCache)(obj);
  }

  /** Inserts or replaces; returns the replaced object. */
  #put(obj: T): T | undefined {
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    let byName = this.#store.get(ns);
    if (byName === undefined) { byName = new Map(); this.#store.set(ns, byName); }
    const previous = byName.get(name);
    if (previous !== undefined) this.#unindex(previous);
    else this.#size++;
    byName.set(name, obj);
    this.#index(obj);
    return previous;
  }

  #remove(obj: T): void {
    const ns = obj.metadata?.namespace ?? '';
    const byName = this.#store.get(ns);
    const current = byName?.get(obj.metadata?.name ?? '');
    if (byName === undefined || current === undefined) return;
    this.#unindex(current);
    byName.delete(obj.metadata?.name ?? '');
    if (byName.size === 0) this.#store.delete(ns);
    this.#size--;
  }

  #index(obj: T): void {
    for (const [name, fn] of this.#indexers) this.#indexOne(name, fn, obj);
  }

  #indexOne(name: string, fn: IndexFunc<T>, obj: T): void {
    const index = this.#indexes.get(name);
    if (index === undefined) return;
    for (const value of this.#safeIndex(name, fn, obj)) {
      let set = index.get(value);
      if (set === undefined) { set = new Set(); index.set(value, set); }
      set.add(obj);
    }
  }

  #unindex(obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indexes.get(name);
      if (index === undefined) continue;
      for (const value of this.#safeIndex(name, fn, obj)) {
        const set = index.get(value);
        set?.delete(obj);
        if (set?.size === 0) index.delete(value);
      }
    }
  }

  #safeIndex(name: string, fn: IndexFunc<T>, obj: T): readonly string[] {
    try {
      return fn(obj);
    } catch (err) {
      this.#log.error({ err, index: name, object: objectKey(obj) }, 'index function threw; object not indexed');
      return [];
    }
  }

  #notify(obj: T, previous?: T): void {
    for (const handler of this.#handlers) {
      try {
        handler(obj, previous);
      } catch (err) {
        this.#log.error({ err, object: objectKey(obj) }, 'informer handler threw (handlers must only enqueue)');
      }
    }
  }

  #scheduleResync(): void {
    const period = this.#opts.resyncPeriodMs ?? 600_000;
    if (period <= 0 || this.#stop.signal.aborted) return;
    this.#resyncTimer = this.#clock.setTimeout(() => {
      if (this.#synced) for (const obj of this.list()) this.#notify(obj);
      this.#scheduleResync();
    }, period);
  }
}
