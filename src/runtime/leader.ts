// Lease leader election on coordination.k8s.io/v1, after client-go's leaderelection:
//   - timings: lease 15 s, renew deadline 10 s, retry 2 s (client-go defaults);
//   - every write carries the resourceVersion read: a 409 means another candidate won the race;
//   - expiry is judged on OUR clock: a lease is free when its record has not changed for
//     `leaseDuration` since we first observed it (no trust in the holder's clock), or when its
//     holder is empty (released);
//   - the leader renews every retry period; if no renewal succeeded for `renewDeadline` it
//     steps down AT ONCE (the signal given to onStartedLeading aborts) before the lease can
//     expire for others (10 s < 15 s), then becomes a candidate again;
//   - on shutdown the leader releases the lease (empty holder, 1 s duration) so that a
//     successor takes over at its next retry instead of waiting for expiry.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { isAborted, sleep, type Clock } from './clock.ts';
import { errorCode, isStatus } from './errors.ts';
import type { KubeClient } from './kube.ts';
import { noopRuntimeMetrics, type RuntimeMetrics } from './metrics.ts';

export type LeaderElectionConfig = {
  namespace: string;
  name: string;
  /** Default `<hostname>_<pid>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
};

export type LeaderElectorOptions = LeaderElectionConfig & {
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  /**
   * Called when this replica becomes leader; `signal` aborts the moment leadership ends. The
   * returned promise settles when the leader's work has stopped: the elector waits for it before
   * releasing the lease or campaigning again, so two leaders' work never overlaps here.
   */
  onStartedLeading: (signal: AbortSignal) => Promise<void>;
  /** Called after leadership ended (lost or released), after the signal aborted. */
  onStoppedLeading: () => void;
  metrics?: RuntimeMetrics;
  random?: () => number;
  /**
   * What a caller already observed of the Lease: its record (`JSON.stringify(spec)`) and when it
   * last changed, on our clock (shards.ts follows the bucket Leases before it campaigns): the
   * expiry is then judged from there, not from this elector's first read.
   */
  observed?: { readonly record: string; readonly at: number };
};

type LeaseSpec = {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
};
type Lease = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; resourceVersion?: string }; spec?: LeaseSpec };

export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}`;
}

/** MicroTime as the API server writes it: 6 fractional digits. */
function microTime(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

export class LeaderElector {
  readonly identity: string;
  readonly #o: LeaderElectorOptions;
  readonly #leaseMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  readonly #path: string;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics;
  readonly #random: () => number;
  /** The last record read, and when (our clock) it last changed. */
  #observed: { record: string; at: number } | undefined;
  #leading = false;

  constructor(opts: LeaderElectorOptions) {
    this.#o = opts;
    this.identity = opts.identity ?? defaultIdentity();
    this.#leaseMs = opts.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.#retryMs = opts.retryPeriodMs ?? 2_000;
    if (this.#renewDeadlineMs >= this.#leaseMs) throw new Error('renewDeadline must be shorter than leaseDuration');
    this.#path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(opts.namespace)}/leases`;
    this.#log = opts.logger.child({ lease: `${opts.namespace}/${opts.name}`, identity: this.identity });
    this.#metrics = opts.metrics ?? noopRuntimeMetrics;
    this.#random = opts.random ?? Math.random;
    this.#observed = opts.observed;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** Campaigns, leads, steps down, campaigns again... until `signal` aborts; then releases the lease if held. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    const clock = this.#o.clock;
    while (!isAborted(signal)) {
      // Campaign: retry period with client-go's 1.2 jitter factor.
      if (!(await this.#tryAcquireOrRenew(signal))) {
        await sleep(clock, this.#retryMs * (1 + 1.2 * this.#random()), signal);
        continue;
      }
      // Lead.
      const leadership = new AbortController();
      this.#leading = true;
      this.#metrics.leader(true);
      this.#log.info('became leader');
      let work: Promise<void>;
      try {
        work = this.#o.onStartedLeading(leadership.signal).catch((err: unknown) => { this.#log.error({ err }, 'leader work failed'); });
      } catch (err) {
        this.#log.error({ err }, 'onStartedLeading threw');
        work = Promise.resolve();
      }
      let lastRenew = clock.now().getTime();
      while (!isAborted(signal)) {
        await sleep(clock, this.#retryMs, signal);
        if (isAborted(signal)) break;
        const left = this.#renewDeadlineMs - (clock.now().getTime() - lastRenew);
        const renewed = left > 0 && (await this.#tryAcquireOrRenew(AbortSignal.any([signal, AbortSignal.timeout(left)])));
        if (renewed) {
          lastRenew = clock.now().getTime();
        } else if (clock.now().getTime() - lastRenew >= this.#renewDeadlineMs) {
          this.#log.error({ renewDeadlineMs: this.#renewDeadlineMs }, 'could not renew the lease in time; stepping down');
          break;
        }
      }
      this.#leading = false;
      leadership.abort();
      this.#metrics.leader(false);
      await work;
      if (isAborted(signal)) await this.#release();
      try {
        this.#o.onStoppedLeading();
      } catch (err) {
        this.#log.error({ err }, 'onStoppedLeading threw');
      }
    }
  }

  async #get(signal: AbortSignal): Promise<Lease | undefined> {
    try {
      return await this.#o.client.request<Lease>('GET', `${this.#path}/${encodeURIComponent(this.#o.name)}`, { signal });
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** One attempt; true when we hold the lease afterwards. */
  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.#o.clock.now();
    const mine: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const lease = await this.#get(signal);
      if (lease === undefined) {
        await this.#o.client.request('POST', this.#path, {
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.#o.name, namespace: this.#o.namespace }, spec: mine },
          signal,
        });
        this.#observed = undefined;
        return true;
      }
      const spec = lease.spec ?? {};
      const record = JSON.stringify(spec);
      if (this.#observed?.record !== record) this.#observed = { record, at: now.getTime() };
      const holder = spec.holderIdentity ?? '';
      const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.#leaseMs / 1000)) * 1000;
      const held = holder !== '' && holder !== this.identity && this.#observed.at + durationMs > now.getTime();
      if (held) return false;
      const next: LeaseSpec = holder === this.identity
        ? { ...mine, acquireTime: spec.acquireTime ?? mine.acquireTime, leaseTransitions: spec.leaseTransitions ?? 0 }
        : { ...mine, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
      await this.#o.client.request('PUT', `${this.#path}/${encodeURIComponent(this.#o.name)}`, {
        body: { ...lease, spec: next },
        signal,
      });
      return true;
    } catch (err) {
      if (isStatus(err, 409)) {
        this.#log.debug('lease write conflicted: another candidate won');
      } else if (!signal.aborted) {
        this.#log.warn({ err, code: errorCode(err) }, 'lease acquire/renew failed');
      }
      return false;
    }
  }

  /** Gives the lease up (empty holder, 1 s) if we still hold it; best effort. */
  async #release(): Promise<void> {
    try {
      const signal = AbortSignal.timeout(this.#renewDeadlineMs);
      const lease = await this.#get(signal);
      if (lease?.spec?.holderIdentity !== this.identity) return;
      const now = microTime(this.#o.clock.now());
      await this.#o.client.request('PUT', `${this.#path}/${encodeURIComponent(this.#o.name)}`, {
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } },
        signal,
      });
      this.#log.info('released the lease');
    } catch (err) {
      this.#log.warn({ err }, 'could not release the lease; successors wait for it to expire');
    }
  }
}
