// The incident automation (design.md §2, issue 6 item 2): probes every ServiceUnit that has a
// `spec.monitoring`, keeps what the probe says in the unit's status, and opens one Monitoring
// Incident per outage EPISODE (flap damping, issue 20 item 3, src/monitoring/damping.ts): the
// scheduler debounces probes into Up/Down (`failureThreshold`, `successThreshold`), the damping
// opens after the `openAfter` hold-down and resolves after `resolveAfter` of health, so a
// flapping target keeps one incident open from its first failure to its final recovery.
//
// Contracts:
//   - Leader only (style.md §12). The scheduler's counters are memory; the durable state is the
//     cluster: before opening, the cache is searched for an open Monitoring incident of the unit
//     (reused), and the name is derived from the unit and the detection instant, so a retry, a
//     restart or a failover never opens two (a 409 AlreadyExists is success).
//     After a restart the open incident found in the cache is adopted as the episode's.
//   - Writes: `status.probe`, `status.openIncident` and the `Available` condition by server-side
//     apply under the field manager `managedapps-prober` (src/controllers owns the rest of the
//     status under its own), only when the result, the state, the failure message or the open
//     incident changes: a quiet cluster sees none. At most one status write per unit per
//     `statusWriteIntervalMs` (default 10 s), whatever the probe period: a change inside the
//     interval is written at its end, with the latest outcome (trailing write).
//     Incidents: a create, and a merge patch of `spec.resolvedAt` on Monitoring incidents only
//     (a client-reported incident is never resolved by a probe).
//   - Inside an active MaintenanceWindow that covers the unit and excludes it from availability,
//     the unit is probed and its status kept, but no incident opens; if the outage outlives the
//     window, the incident opens with the window's end as its detection instant.
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, KIND_REFS, internalTargetErrors, type Incident, type InternalEndpoints, type MaintenanceWindow, type ServiceUnit } from '../api/v1alpha1/index.ts';
import type { Metrics, UnitSnapshot } from '../metrics/index.ts';
import { toSeconds } from '../runtime/conditions.ts';
import { isStatus } from '../runtime/errors.ts';
import type { Informer } from '../runtime/informer.ts';
import { objectPath, type KindRef } from '../runtime/kube.ts';
import type { Manager } from '../runtime/manager.ts';
import type { Timer } from '../runtime/clock.ts';
import type { Runnable } from '../runtime/runnable.ts';
import { HEALTHY, action, adopt, observe, opened, resolved, type DampingState } from './damping.ts';
import { runProbe } from './probers/index.ts';
import { ProbeScheduler, type TargetStatus } from './scheduler.ts';
import {
  MaintenanceLookup, availableStatus, cachedOutcome, monitoringIncident, notProbedStatus, openMonitoringIncidentUnits, outcomeKey, probeStatus,
  resolutionInstant, showsNotProbed, unitProbe, type ProbeOutcome, type UnitProbe,
} from './unit-probe.ts';

/** The field manager of the prober's status writes (not the controllers' `managedapps-operator`). */
export const PROBER_FIELD_MANAGER = 'managedapps-prober';

export const SERVICE_UNITS: KindRef = KIND_REFS.ServiceUnit;
export const INCIDENTS: KindRef = KIND_REFS.Incident;
export const MAINTENANCE_WINDOWS: KindRef = KIND_REFS.MaintenanceWindow;

/** Incident informer index: open Monitoring incidents by `<namespace>/<unit>`. */
export const OPEN_MONITORING_INCIDENTS_BY_UNIT = 'monitoring.managedapps.dev/open-by-unit';

/** The probe part of a unit's metrics snapshot; the composition root merges it into `UnitSnapshot`. */
export type ProbeUnitSnapshot = Pick<UnitSnapshot, 'namespace' | 'name' | 'up' | 'maintenance' | 'probeAgeRatio'>;

export interface ProbeAutomationOptions {
  readonly manager: Manager;
  /** Probes running at once, across all units. Default 128. */
  readonly concurrency?: number;
  /** The probe-duration histogram (observed after every probe). */
  readonly metrics?: Pick<Metrics, 'probeDuration'>;
  /** Default {@link PROBER_FIELD_MANAGER}. */
  readonly fieldManager?: string;
  /** Scheduler jitter, see ProbeSchedulerOptions. Default 0.1. */
  readonly jitter?: number;
  /** The shortest time between two status writes of one unit. Default {@link STATUS_WRITE_INTERVAL_MS}. */
  readonly statusWriteIntervalMs?: number;
  /** Probe targets not probed as internal (SSRF; the webhook refuses them too); undefined: allowed. */
  readonly internalEndpoints?: InternalEndpoints;
}

/**
 * At most one status write per unit per 10 s (issue 20 item 3: a flapping target made about
 * 1,160 writes in 2 minutes). An operator choice, not a contract number: the incident, not the
 * status, carries the instants that count, to the second.
 */
export const STATUS_WRITE_INTERVAL_MS = 10_000;

interface UnitEntry {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  probe: UnitProbe;
  probeJson: string;
  /** outcomeKey() of the status last applied (or seen in the cache); undefined: compare with the cache. */
  written?: string;
  /** Status applies of this unit run one after the other. */
  statusChain: Promise<void>;
  /** When the last status write was issued (epoch ms), and the timer of the deferred one. */
  writtenAt?: number;
  deferred?: Timer;
  /** The flap damping of the unit: its current outage episode, if any. */
  damping: DampingState;
  /** The message of the last failed probe (the incident's summary). */
  lastFailure?: string;
  /** The last probe's outcome, as the scheduler reported it. */
  last?: TargetStatus;
  /** Incidents whose resolvedAt was patched, until the cache shows them resolved. */
  readonly resolved: Set<string>;
  busy: boolean;
  dirty: boolean;
}

type Obj = KubernetesObject;
const asUnit = (o: Obj): ServiceUnit => o as unknown as ServiceUnit;
const asIncident = (o: Obj): Incident => o as unknown as Incident;
const asWindow = (o: Obj): MaintenanceWindow => o as unknown as MaintenanceWindow;

export class ProbeAutomation implements Runnable {
  readonly name = 'probe-automation';
  readonly needLeaderElection = true;
  readonly #manager: Manager;
  readonly #opts: ProbeAutomationOptions;
  readonly #log: Logger;
  readonly #units: Informer;
  readonly #incidents: Informer;
  readonly #windows: Informer;
  readonly #maintenance = new MaintenanceLookup();
  readonly #entries = new Map<string, UnitEntry>();
  /** Units that cannot be probed, with the reason already logged and written. */
  readonly #invalid = new Map<string, string>();
  readonly #pending = new Set<Promise<unknown>>();
  #scheduler: ProbeScheduler | undefined;

  /** Declares the informers it reads (ServiceUnit, Incident with an index, MaintenanceWindow): construct before `manager.start()`. */
  constructor(opts: ProbeAutomationOptions) {
    this.#manager = opts.manager;
    this.#opts = opts;
    this.#log = opts.manager.logger.child({ runnable: this.name });
    this.#units = opts.manager.informer(SERVICE_UNITS);
    this.#incidents = opts.manager.informer(INCIDENTS);
    this.#windows = opts.manager.informer(MAINTENANCE_WINDOWS);
    this.#incidents.addIndexer(OPEN_MONITORING_INCIDENTS_BY_UNIT, (o) => openMonitoringIncidentUnits(asIncident(o)));
    this.#units.addHandler((o) => {
      if (this.#scheduler !== undefined) this.#sync(o);
    });
    // An incident opened, resolved or deleted changes its units' `status.openIncident`.
    this.#incidents.addHandler((o, previous) => {
      if (this.#scheduler === undefined) return;
      const keys = new Set([o, ...(previous !== undefined ? [previous] : [])].flatMap((i) => {
        const refs: unknown = (i as { spec?: { unitRefs?: unknown } }).spec?.unitRefs;
        return (Array.isArray(refs) ? refs : []).flatMap((r: unknown) =>
          (typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string' ? [`${i.metadata?.namespace ?? ''}/${(r as { name: string }).name}`] : []));
      }));
      for (const key of keys) {
        const entry = this.#entries.get(key);
        if (entry !== undefined) this.#refreshStatus(entry);
      }
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.#units, this.#incidents, this.#windows].map((i) => i.waitForSync(signal)));
    if (signal.aborted || !synced.every(Boolean)) return;
    const scheduler = new ProbeScheduler({
      concurrency: this.#opts.concurrency ?? 128,
      clock: this.#manager.clock,
      ...(this.#opts.jitter !== undefined ? { jitter: this.#opts.jitter } : {}),
      onResult: (key, status) => { this.#onResult(key, status); },
      // Transitions reach the damping through onResult (TargetStatus.stateSince).
      onTransition: () => undefined,
      onError: (key, err) => { this.#log.error({ err, unit: key }, 'probe callback failed'); },
    });
    this.#scheduler = scheduler;
    for (const unit of this.#units.list()) this.#sync(unit);
    this.#log.info({ units: this.#entries.size }, 'probing started');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    this.#scheduler = undefined;
    await scheduler.stop();
    for (const entry of this.#entries.values()) entry.deferred?.cancel();
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    this.#entries.clear();
    this.#invalid.clear();
    this.#log.info('probing stopped');
  }

  /** Units probed right now (keys `namespace/name`). */
  units(): string[] {
    return [...this.#entries.keys()];
  }

  /** The scheduler's view of a unit, while leading. */
  status(key: string): TargetStatus | undefined {
    return this.#scheduler?.status(key);
  }

  /** Scheduler statistics (lateness), while leading. */
  stats(): ReturnType<ProbeScheduler['stats']> | undefined {
    return this.#scheduler?.stats();
  }

  /**
   * The probe part of the metrics snapshot: per cached unit, `up` (the probe state, or the stored
   * Available condition while a new leader has not decided yet) and `maintenance` (an excluding
   * window covers it now). Empty on a replica that does not lead.
   */
  probeSnapshot(): ProbeUnitSnapshot[] {
    const scheduler = this.#scheduler;
    if (scheduler === undefined) return [];
    const now = this.#manager.clock.now();
    return this.#units.list().map((o) => {
      const unit = asUnit(o);
      const namespace = unit.metadata.namespace ?? '';
      const name = unit.metadata.name;
      const maintenance = this.#maintenance.covering(this.#windowsOf(namespace), unit, now) !== undefined;
      const up = upOf(scheduler.status(`${namespace}/${name}`)?.state, unit);
      const probeAgeRatio = scheduler.ageRatio(`${namespace}/${name}`);
      return { namespace, name, maintenance, ...(up !== undefined ? { up } : {}), ...(probeAgeRatio !== undefined ? { probeAgeRatio } : {}) };
    });
  }

  // ---- targets --------------------------------------------------------------------------------

  /** Informer handlers call this: it never throws (a bad unit is reported in its status, logged once). */
  #sync(o: Obj): void {
    try {
      this.#syncUnit(o);
    } catch (err) {
      this.#log.error({ err, unit: `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}` }, 'could not schedule the probe of the unit');
    }
  }

  #syncUnit(o: Obj): void {
    const scheduler = this.#scheduler;
    if (scheduler === undefined) return;
    const namespace = o.metadata?.namespace ?? '';
    const name = o.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    const cached = this.#units.get(namespace, name);
    const plan = cached === undefined || cached.metadata?.deletionTimestamp !== undefined ? undefined : this.#plan(asUnit(cached));
    const entry = this.#entries.get(key);
    if (plan?.ok !== true) {
      if (entry !== undefined) {
        scheduler.remove(key);
        entry.deferred?.cancel();
        this.#entries.delete(key);
      }
      if (plan === undefined) this.#invalid.delete(key);
      else if (cached !== undefined) this.#reportInvalid(key, asUnit(cached), plan.reason);
      return;
    }
    this.#invalid.delete(key);
    const probe = plan.probe;
    const probeJson = JSON.stringify(probe);
    if (entry !== undefined && entry.probeJson === probeJson) return;
    if (entry === undefined) {
      this.#entries.set(key, { key, namespace, name, probe, probeJson, statusChain: Promise.resolve(), damping: HEALTHY, resolved: new Set(), busy: false, dirty: false });
    } else {
      entry.probe = probe;
      entry.probeJson = probeJson;
    }
    scheduler.upsert(key, {
      periodMs: probe.periodMs,
      failureThreshold: probe.failureThreshold,
      successThreshold: probe.successThreshold,
      probe: () => runProbe(this.#entries.get(key)?.probe.spec ?? probe.spec),
    });
  }

  /** The unit's probe, refused when it points at the cluster's API or at the operator (a unit stored while the webhook was off). */
  #plan(unit: ServiceUnit): ReturnType<typeof unitProbe> {
    const plan = unitProbe(unit);
    if (plan?.ok !== true) return plan;
    const internal = internalTargetErrors(unit.spec.monitoring, this.#opts.internalEndpoints);
    return internal.length === 0 ? plan : { ok: false, reason: internal.map((e) => `${e.path}: ${e.message}`).join('; ') };
  }

  /** A unit that cannot be probed: logged once per reason, and said in its status (once: not on every resync). */
  #reportInvalid(key: string, unit: ServiceUnit, reason: string): void {
    if (this.#invalid.get(key) === reason) return;
    this.#invalid.set(key, reason);
    this.#log.warn({ unit: key, reason }, 'unit not probed: invalid spec.monitoring');
    if (showsNotProbed(unit, reason)) return;
    const body = notProbedStatus(reason, unit.status?.conditions?.find((c) => c.type === 'Available'), unit.metadata.generation, this.#manager.clock.now());
    const namespace = unit.metadata.namespace ?? '';
    void this.#track(this.#manager.client.request('PATCH', objectPath(SERVICE_UNITS, namespace, unit.metadata.name, 'status'), {
      query: { fieldManager: this.#opts.fieldManager ?? PROBER_FIELD_MANAGER, force: true },
      contentType: PatchStrategy.ServerSideApply,
      body: { apiVersion: `${GROUP}/v1alpha1`, kind: 'ServiceUnit', metadata: { name: unit.metadata.name, namespace }, status: body },
    }).catch((err: unknown) => {
      // Written again at the next change of the unit.
      if (this.#invalid.get(key) === reason) this.#invalid.delete(key);
      if (!isStatus(err, 404)) this.#log.warn({ err, unit: key }, 'could not write the probe status');
    }));
  }

  #windowsOf(namespace: string): MaintenanceWindow[] {
    return this.#windows.list(namespace).map(asWindow);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p)).catch(() => undefined);
    return p;
  }

  // ---- results: metrics and status ------------------------------------------------------------

  #onResult(key: string, status: TargetStatus): void {
    const entry = this.#entries.get(key);
    const result = status.lastResult;
    if (entry === undefined || result === undefined) return;
    entry.last = status;
    if (!result.up) entry.lastFailure = result.message;
    if (status.state !== 'Unknown' && status.stateSince !== undefined) {
      entry.damping = observe(entry.damping, { at: status.lastProbeAt ?? this.#manager.clock.now(), state: status.state, since: status.stateSince }, dampingOptions(entry.probe));
    }
    this.#opts.metrics?.probeDuration.observe(
      { namespace: entry.namespace, probe: entry.probe.spec.kind, result: result.up ? 'success' : 'failure' },
      result.durationMs / 1000,
    );
    this.#refreshStatus(entry);
    this.#kick(entry);
  }

  /** The unit's open Monitoring incident as the cache shows it (minus those we just resolved). */
  #openIncident(entry: UnitEntry): string | undefined {
    const open = this.#incidents.byIndex(OPEN_MONITORING_INCIDENTS_BY_UNIT, entry.key).map(asIncident)
      .filter((i) => !entry.resolved.has(i.metadata.name))
      .sort((a, b) => a.spec.openedAt.localeCompare(b.spec.openedAt) || a.metadata.name.localeCompare(b.metadata.name));
    return open[0]?.metadata.name;
  }

  /**
   * Applies the prober's part of the status when its outcome (result, Available, failure
   * message, open incident) differs from what was last applied, or, when nothing was applied
   * by this leader yet, from what the cache shows: a quiet cluster, or a failover, writes nothing.
   */
  #refreshStatus(entry: UnitEntry): void {
    const status = entry.last;
    const result = status?.lastResult;
    const cached = this.#units.get(entry.namespace, entry.name);
    if (status === undefined || result === undefined || cached === undefined) return;
    const unit = asUnit(cached);
    const existing = unit.status?.conditions?.find((c) => c.type === 'Available');
    const openIncident = this.#openIncident(entry);
    const outcome: ProbeOutcome = {
      result: result.up ? 'Success' : 'Failure',
      available: availableStatus(status.state, existing),
      ...(result.up ? {} : { message: result.message }),
      ...(openIncident !== undefined ? { openIncident } : {}),
    };
    const desired = outcomeKey(outcome);
    const stored = cachedOutcome(unit);
    if (desired === (entry.written ?? (stored === undefined ? undefined : outcomeKey(stored)))) return;
    // Bounded write rate: inside the interval, one deferred write at its end, which reads the
    // outcome again then (the latest one, or nothing if it came back to what is written).
    const now = this.#manager.clock.now().getTime();
    const interval = this.#opts.statusWriteIntervalMs ?? STATUS_WRITE_INTERVAL_MS;
    if (entry.writtenAt !== undefined && now - entry.writtenAt < interval) {
      entry.deferred ??= this.#manager.clock.setTimeout(() => {
        entry.deferred = undefined;
        if (this.#scheduler !== undefined && this.#entries.get(entry.key) === entry) this.#refreshStatus(entry);
      }, entry.writtenAt + interval - now);
      return;
    }
    entry.writtenAt = now;
    entry.written = desired;
    const body = probeStatus({
      outcome,
      probedAt: status.lastProbeAt ?? this.#manager.clock.now(),
      durationMs: result.durationMs,
      consecutiveFailures: status.consecutiveFailures,
      consecutiveSuccesses: status.consecutiveSuccesses,
      failureThreshold: entry.probe.failureThreshold,
      successThreshold: entry.probe.successThreshold,
      existing,
      generation: unit.metadata.generation,
    });
    entry.statusChain = this.#track(entry.statusChain.then(async () => {
      try {
        await this.#applyStatus(entry, body);
      } catch (err) {
        // Compare with the cache again at the next result, which retries the write.
        if (entry.written === desired) entry.written = undefined;
        if (!isStatus(err, 404)) this.#log.warn({ err, unit: entry.key }, 'could not write the probe status');
      }
    }));
  }

  async #applyStatus(entry: UnitEntry, status: object): Promise<void> {
    await this.#manager.client.request('PATCH', objectPath(SERVICE_UNITS, entry.namespace, entry.name, 'status'), {
      query: { fieldManager: this.#opts.fieldManager ?? PROBER_FIELD_MANAGER, force: true },
      contentType: PatchStrategy.ServerSideApply,
      body: { apiVersion: `${GROUP}/v1alpha1`, kind: 'ServiceUnit', metadata: { name: entry.name, namespace: entry.namespace }, status },
    });
  }

  // ---- episodes: incidents --------------------------------------------------------------------

  /** Reconciles the unit's incidents; coalesces calls while one runs. Errors wait for the next probe. */
  #kick(entry: UnitEntry): void {
    if (entry.busy) {
      entry.dirty = true;
      return;
    }
    entry.busy = true;
    // Read through a call: the compiler would keep `entry.dirty` narrowed to false across the await.
    const again = (): boolean => entry.dirty && this.#scheduler !== undefined && this.#entries.get(entry.key) === entry;
    void this.#track((async () => {
      try {
        do {
          entry.dirty = false;
          await this.#reconcile(entry);
        } while (again());
      } catch (err) {
        this.#log.warn({ err, unit: entry.key }, 'incident automation failed; retrying at the next probe');
      } finally {
        entry.busy = false;
      }
    })());
  }

  async #reconcile(entry: UnitEntry): Promise<void> {
    const scheduler = this.#scheduler;
    const cached = this.#units.get(entry.namespace, entry.name);
    if (scheduler === undefined || cached === undefined) return;
    const unit = asUnit(cached);
    const open = this.#incidents.byIndex(OPEN_MONITORING_INCIDENTS_BY_UNIT, entry.key).map(asIncident);
    for (const name of entry.resolved) if (!open.some((i) => i.metadata.name === name)) entry.resolved.delete(name);
    const stillOpen = open.filter((i) => !entry.resolved.has(i.metadata.name))
      .sort((a, b) => a.spec.openedAt.localeCompare(b.spec.openedAt) || a.metadata.name.localeCompare(b.metadata.name));
    // One incident per episode: an open Monitoring incident of the unit (ours, or a previous
    // leader's before a restart or failover) is this episode's.
    const oldest = stillOpen[0];
    if (oldest !== undefined) entry.damping = adopt(entry.damping, { name: oldest.metadata.name, openedAt: new Date(oldest.spec.openedAt) });
    const options = dampingOptions(entry.probe);
    const todo = action(entry.damping, options);

    if (todo?.kind === 'open') {
      const windows = this.#windowsOf(entry.namespace);
      // Inside an excluding maintenance window nothing opens; the episode stays pending and, if
      // it outlives the window, opens with the window's end as its start.
      if (this.#maintenance.covering(windows, unit, this.#manager.clock.now()) !== undefined) return;
      const detectedAt = this.#maintenance.firstUncovered(windows, unit, todo.openedAt);
      const failures = scheduler.status(entry.key)?.consecutiveFailures ?? entry.probe.failureThreshold;
      const incident = monitoringIncident(unit, entry.probe.priority, detectedAt, entry.lastFailure ?? 'probe failed', failures);
      await this.#open(entry, unit, incident);
      entry.damping = opened(entry.damping, incident.metadata.name);
      return;
    }

    if (todo?.kind === 'resolve') {
      for (const incident of stillOpen) await this.#resolve(entry, unit, incident, resolutionInstant(incident, todo.resolvedAt));
      entry.damping = resolved(entry.damping);
    }
  }

  async #open(entry: UnitEntry, unit: ServiceUnit, incident: Incident): Promise<void> {
    const name = incident.metadata.name;
    try {
      const created = await this.#manager.client.request<Obj>('POST', `/apis/${GROUP}/v1alpha1/namespaces/${encodeURIComponent(entry.namespace)}/incidents`, { body: incident });
      this.#log.info({ unit: entry.key, incident: name, openedAt: incident.spec.openedAt }, 'incident opened');
      void this.#track(this.#manager.events.emit(unit as unknown as Obj, {
        type: 'Warning', reason: 'IncidentOpened', action: 'Open',
        note: `Incident ${name} (${incident.spec.priority}) opened: ${incident.spec.summary}`, related: created,
      }));
    } catch (err) {
      // The same detection was already recorded (a retry, a lagging cache, a previous leader):
      // that incident is this outage's, open or already resolved by someone.
      if (!isStatus(err, 409)) throw err;
    }
  }

  async #resolve(entry: UnitEntry, unit: ServiceUnit, incident: Incident, at: Date): Promise<void> {
    const name = incident.metadata.name;
    try {
      await this.#manager.client.request('PATCH', objectPath(INCIDENTS, entry.namespace, name), {
        contentType: PatchStrategy.MergePatch,
        body: { spec: { resolvedAt: toSeconds(at) } },
      });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    entry.resolved.add(name);
    this.#log.info({ unit: entry.key, incident: name, resolvedAt: toSeconds(at) }, 'incident resolved');
    void this.#track(this.#manager.events.emit(unit as unknown as Obj, {
      type: 'Normal', reason: 'IncidentResolved', action: 'Resolve',
      note: `Incident ${name} resolved: the probe succeeded since ${toSeconds(at)} (resolveAfter ${entry.probe.resolveAfterMs / 1000}s)`, related: incident as unknown as Obj,
    }));
  }
}

function dampingOptions(probe: UnitProbe): { openAfterMs: number; resolveAfterMs: number } {
  return { openAfterMs: probe.openAfterMs, resolveAfterMs: probe.resolveAfterMs };
}

/** Up from the probe state; while Unknown, from the Available condition the prober stored. */
function upOf(state: 'Unknown' | 'Up' | 'Down' | undefined, unit: ServiceUnit): boolean | undefined {
  if (state === 'Up') return true;
  if (state === 'Down') return false;
  if (unit.spec.monitoring === undefined) return undefined;
  const available = unit.status?.conditions?.find((c) => c.type === 'Available');
  if (available?.reason === 'ProbeSucceeded' && available.status === 'True') return true;
  if (available?.reason === 'ProbeFailed' && available.status === 'False') return false;
  return undefined;
}
