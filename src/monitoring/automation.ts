// The incident automation (design.md §2, issue 6 item 2): probes every ServiceUnit that has a
// `spec.monitoring`, keeps what the probe says in the unit's status, opens one Monitoring
// Incident after `failureThreshold` failures and resolves it after `successThreshold` successes.
//
// Contracts:
//   - Leader only (style.md §12). The scheduler's counters are memory; the durable state is the
//     cluster: before opening, the cache is searched for an open Monitoring incident of the unit
//     (reused), and the name is derived from the unit and the detection instant, so a retry, a
//     restart or a failover never opens two (a 409 AlreadyExists is success).
//   - Writes: `status.probe`, `status.openIncident` and the `Available` condition by server-side
//     apply under the field manager `managedapps-prober` (src/controllers owns the rest of the
//     status under its own), only when the result, the state, the failure message or the open
//     incident changes: a quiet cluster sees none.
//     Incidents: a create, and a merge patch of `spec.resolvedAt` on Monitoring incidents only
//     (a client-reported incident is never resolved by a probe).
//   - Inside an active MaintenanceWindow that covers the unit and excludes it from availability,
//     the unit is probed and its status kept, but no incident opens; if the outage outlives the
//     window, the incident opens with the window's end as its detection instant.
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, KIND_REFS, type Incident, type MaintenanceWindow, type ServiceUnit } from '../api/v1alpha1/index.ts';
import type { Metrics, UnitSnapshot } from '../metrics/index.ts';
import { toSeconds } from '../runtime/conditions.ts';
import { isStatus } from '../runtime/errors.ts';
import type { Informer } from '../runtime/informer.ts';
import { objectPath, type KindRef } from '../runtime/kube.ts';
import type { Manager } from '../runtime/manager.ts';
import type { Runnable } from '../runtime/runnable.ts';
import { runProbe } from './probers/index.ts';
import { ProbeScheduler, type TargetStatus, type Transition } from './scheduler.ts';
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
export type ProbeUnitSnapshot = Pick<UnitSnapshot, 'namespace' | 'name' | 'up' | 'maintenance'>;

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
}

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
  /** The current run of failures that crossed the threshold. */
  down?: Transition;
  /** The current run of successes that crossed the threshold. */
  up?: Transition;
  /** Name of the incident created (or found already existing) for the current `down` run. */
  opened?: string;
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
      onTransition: (key, transition) => { this.#onTransition(key, transition); },
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
      return { namespace, name, maintenance, ...(up !== undefined ? { up } : {}) };
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
    const plan = cached === undefined || cached.metadata?.deletionTimestamp !== undefined ? undefined : unitProbe(asUnit(cached));
    const entry = this.#entries.get(key);
    if (plan?.ok !== true) {
      if (entry !== undefined) {
        scheduler.remove(key);
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
      this.#entries.set(key, { key, namespace, name, probe, probeJson, statusChain: Promise.resolve(), resolved: new Set(), busy: false, dirty: false });
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

  // ---- transitions: incidents -----------------------------------------------------------------

  #onTransition(key: string, transition: Transition): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    if (transition.state === 'Down') {
      entry.down = transition;
      entry.up = undefined;
      entry.opened = undefined;
    } else {
      entry.up = transition;
      entry.down = undefined;
      entry.opened = undefined;
    }
    this.#kick(entry);
  }

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
    const state = scheduler.status(entry.key)?.state;
    const open = this.#incidents.byIndex(OPEN_MONITORING_INCIDENTS_BY_UNIT, entry.key).map(asIncident);
    for (const name of entry.resolved) if (!open.some((i) => i.metadata.name === name)) entry.resolved.delete(name);

    if (state === 'Down' && entry.down !== undefined) {
      // One incident per outage: an open Monitoring incident of the unit (ours, or a previous
      // leader's) is reused; `opened` covers the time until the cache shows our create.
      if (open.length > 0 || entry.opened !== undefined) return;
      const windows = this.#windowsOf(entry.namespace);
      if (this.#maintenance.covering(windows, unit, this.#manager.clock.now()) !== undefined) return;
      const detectedAt = this.#maintenance.firstUncovered(windows, unit, entry.down.since);
      const failures = scheduler.status(entry.key)?.consecutiveFailures ?? entry.probe.failureThreshold;
      const incident = monitoringIncident(unit, entry.probe.priority, detectedAt, entry.down.message, failures);
      await this.#open(entry, unit, incident);
      return;
    }

    if (state === 'Up' && entry.up !== undefined) {
      for (const incident of open) {
        if (entry.resolved.has(incident.metadata.name)) continue;
        await this.#resolve(entry, unit, incident, resolutionInstant(incident, entry.up.since));
      }
    }
  }

  async #open(entry: UnitEntry, unit: ServiceUnit, incident: Incident): Promise<void> {
    const name = incident.metadata.name;
    try {
      const created = await this.#manager.client.request<Obj>('POST', `/apis/${GROUP}/v1alpha1/namespaces/${encodeURIComponent(entry.namespace)}/incidents`, { body: incident });
      entry.opened = name;
      this.#log.info({ unit: entry.key, incident: name, openedAt: incident.spec.openedAt }, 'incident opened');
      void this.#track(this.#manager.events.emit(unit as unknown as Obj, {
        type: 'Warning', reason: 'IncidentOpened', action: 'Open',
        note: `Incident ${name} (${incident.spec.priority}) opened: ${incident.spec.summary}`, related: created,
      }));
    } catch (err) {
      // The same detection was already recorded (a retry, a lagging cache, a previous leader):
      // that incident is this outage's, open or already resolved by someone.
      if (!isStatus(err, 409)) throw err;
      entry.opened = name;
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
      note: `Incident ${name} resolved: the probe succeeded ${entry.probe.successThreshold} time(s) in a row`, related: incident as unknown as Obj,
    }));
  }
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
