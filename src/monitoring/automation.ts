// The incident automation (design.md §2 "Probes", issue 6 item 2, issue 11 item 4): a controller
// on the runtime like the eight others. Its primary kind is ServiceUnit; its event source is the
// probe scheduler, which enqueues a unit when what its probes say changes; its reconcile is
// level-based (read the typed views and the scheduler, write the outcome, say when to look again).
//
//   - `ProbeAutomation` is two parts registered on one Manager, both leader only (style.md §12):
//     the controller `probe-automation` (`manager.addController`: the runtime's work queue keyed by
//     unit, one reconcile per key at a time, rate limiting and backoff, the reconcile contract of
//     runtime/reconcile.ts), and the Runnable `probe-scheduler` (the event source: the scheduler's
//     lifetime while leading, the flap damping folded at every probe, the probe-duration histogram).
//   - Reconcile (`#reconcile`) of one unit: ensure its scheduler target matches `spec.monitoring`
//     (added, changed, removed; an invalid one said in its status, NotProbed); open or resolve the
//     incident of its outage episode (damping.ts); apply the prober's part of the status.
//     A thrown error is the runtime's: retried with per-key backoff (a 409 on create is success).
//   - Writes: `status.probe`, `status.openIncident` and `Available` through the runtime's
//     `StatusWriter` under the field manager `managedapps-prober` (the controllers' writer, the
//     Manager's `fieldManager`, owns the rest of the same status: two applies under one manager
//     would each remove the other's fields), only when the outcome (result, Available, failure
//     message, open incident) changes, at most once per unit per `statusWriteIntervalMs` (10 s): a
//     change inside the interval is requeued to its end (`requeueAt`) and written then with the
//     latest outcome. Incidents (a create; a merge patch of `spec.resolvedAt` on Monitoring
//     incidents only) through the runtime's client under the operator's field manager.
//   - Durable state is the cluster: before opening, the cache is searched for an open Monitoring
//     incident of the unit (adopted: a restart or failover opens no second one), and the name is
//     derived from the unit and the detection instant (a retried create answers 409).
//   - Inside an active MaintenanceWindow that covers the unit and excludes it from availability,
//     the unit is probed and its status kept, but no incident opens; if the outage outlives the
//     window, the incident opens with the window's end as its detection instant.
//   - Time: the Manager's clock, everywhere (scheduler, probers' timeouts and durations, damping,
//     write interval): a test that injects a clock drives the whole automation.
import type { KubernetesObject } from '@kubernetes/client-node';
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import type { Logger } from 'pino';
import { ConditionType, internalTargetErrors, KIND_REFS, type Incident, type InternalEndpoints } from '../api/v1alpha1/index.ts';
import type { Metrics, UnitSnapshot } from '../metrics/index.ts';
import {
  collectionPath, findCondition, isAborted, isStatus, keyOf, noopRuntimeMetrics, objectPath, requestOf, specChanged, StatusWriter, toSeconds,
  type Controller, type Informer, type KindRef, type Manager, type ReconcileContext, type Request, type Result, type Runnable,
} from '../runtime/index.ts';
import { action, adopt, HEALTHY, observe, opened, resolved, type DampingState } from './damping.ts';
import { runProbe } from './probers/index.ts';
import { ProbeScheduler, type TargetStatus } from './scheduler.ts';
import {
  availableStatus, cachedOutcome, MaintenanceLookup, monitoringIncident, notProbedStatus, openMonitoringIncidentUnits, outcomeKey, probePlan,
  proberPart, probeStatus, resolutionInstant, showsNotProbed, type ProbeOutcome, type UnitProbe,
} from './unit-probe.ts';
import type { IncidentView, ProbeViews, UnitView } from './views.ts';

/** The field manager of the prober's status writes (the controllers' is the Manager's `fieldManager`: src/product.ts). */
export const PROBER_FIELD_MANAGER = 'managedapps-prober';

export const SERVICE_UNITS: KindRef = KIND_REFS.ServiceUnit;
export const INCIDENTS: KindRef = KIND_REFS.Incident;

/** Incident informer index: open Monitoring incidents by `<namespace>/<unit>`. */
export const OPEN_MONITORING_INCIDENTS_BY_UNIT = 'monitoring.managedapps.dev/open-by-unit';

/** The probe part of a unit's metrics snapshot; the composition root merges it into `UnitSnapshot`. */
export type ProbeUnitSnapshot = Pick<UnitSnapshot, 'namespace' | 'name' | 'up' | 'maintenance' | 'probeAgeRatio'>;

export interface ProbeAutomationOptions {
  readonly manager: Manager;
  /** The typed views of the cache, shared with the controllers (src/controllers' `Caches`). */
  readonly views: ProbeViews;
  /** Probes running at once, across all units. Default 128. */
  readonly concurrency?: number;
  /** The probe-duration histogram (observed after every probe) and the runtime's metrics (status writes). */
  readonly metrics?: Partial<Pick<Metrics, 'probeDuration' | 'runtime'>>;
  /** Default {@link PROBER_FIELD_MANAGER}. */
  readonly fieldManager?: string;
  /** Scheduler jitter, see ProbeSchedulerOptions. Default 0.1. */
  readonly jitter?: number;
  /** The scheduler's [0, 1) source (first probe spread, jitter); injected for deterministic tests. */
  readonly random?: () => number;
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

/** What the automation keeps in memory about a probed unit while leading. */
interface Target {
  probe: UnitProbe;
  probeJson: string;
  /** The flap damping of the unit: its current outage episode, if any (folded by the event source at every probe). */
  damping: DampingState;
  /** The message of the last failed probe (the incident's summary). */
  lastFailure?: string;
  /** What the last enqueue was for (result, state, message): a probe that says the same enqueues nothing. */
  signal?: string;
  /** outcomeKey() of the status last applied; undefined: compare with the cache. */
  written?: string;
  /** When the last status write was issued (epoch ms, the clock's). */
  writtenAt?: number;
  /** Incidents whose resolvedAt was patched, until the cache shows them resolved. */
  readonly resolved: Set<string>;
}

interface Session {
  readonly scheduler: ProbeScheduler;
  readonly targets: Map<string, Target>;
}

/** A unit no longer probed (deleted, no monitoring, invalid): out of the scheduler. */
function forget({ scheduler, targets }: Session, key: string): void {
  if (!targets.has(key)) return;
  scheduler.remove(key);
  targets.delete(key);
}

const byOpenedAt = (a: IncidentView, b: IncidentView): number => a.spec.openedAt.localeCompare(b.spec.openedAt) || a.name.localeCompare(b.name);

export class ProbeAutomation implements Runnable {
  readonly name = 'probe-scheduler';
  readonly needLeaderElection = true;
  readonly #manager: Manager;
  readonly #opts: ProbeAutomationOptions;
  readonly #views: ProbeViews;
  readonly #log: Logger;
  readonly #incidents: Informer;
  readonly #status: StatusWriter;
  readonly #controller: Controller;
  readonly #maintenance = new MaintenanceLookup();
  /** While leading: the scheduler and the probed units (a new leadership starts from an empty one). */
  #session: Session | undefined;

  /**
   * Registers the controller (and the informers it reads) on the Manager and is itself the
   * event source: add it with `manager.add()`; both before `manager.start()`.
   */
  constructor(opts: ProbeAutomationOptions) {
    this.#manager = opts.manager;
    this.#opts = opts;
    this.#views = opts.views;
    this.#log = opts.manager.logger.child({ runnable: this.name });
    this.#status = new StatusWriter(opts.manager.client, { fieldManager: opts.fieldManager ?? PROBER_FIELD_MANAGER, metrics: opts.metrics?.runtime ?? noopRuntimeMetrics });
    this.#incidents = opts.manager.informer(INCIDENTS);
    this.#incidents.addIndexer(OPEN_MONITORING_INCIDENTS_BY_UNIT, (o) => {
      const parsed = this.#views.incidents.parse(o);
      return parsed.ok ? openMonitoringIncidentUnits(parsed.value) : [];
    });
    const unitsOfIncident = (o: KubernetesObject): Request[] => {
      const parsed = this.#views.incidents.parse(o);
      return parsed.ok ? parsed.value.spec.unitRefs.map((r) => ({ namespace: parsed.value.namespace, name: r.name })) : [];
    };
    this.#controller = opts.manager.addController({
      name: 'probe-automation',
      kind: SERVICE_UNITS,
      // One unit at a time per key (the queue's guarantee); distinct units in parallel.
      concurrency: 8,
      reconcile: (req, ctx) => this.#reconcile(req, ctx),
      // The spec, labels (maintenance selectors) and deletion of a unit; its status writes (ours
      // and the controllers') wake nothing.
      predicate: specChanged,
      // An incident opened, resolved or deleted changes its units' `status.openIncident` (an
      // incident's status, written by its controller, changes nothing here).
      watches: [{ kind: INCIDENTS, map: unitsOfIncident, predicate: specChanged }],
    });
  }

  /** The event source: the scheduler, while leading. */
  async start(signal: AbortSignal): Promise<void> {
    const informers = [this.#manager.informer(SERVICE_UNITS), this.#incidents, this.#manager.informer(KIND_REFS.MaintenanceWindow)];
    for (const informer of informers) if (!(await informer.waitForSync(signal))) return;
    const clock = this.#manager.clock;
    const scheduler = new ProbeScheduler({
      concurrency: this.#opts.concurrency ?? 128,
      clock,
      ...(this.#opts.jitter !== undefined ? { jitter: this.#opts.jitter } : {}),
      ...(this.#opts.random !== undefined ? { random: this.#opts.random } : {}),
      onResult: (key, status) => { this.#onResult(key, status); },
      // Transitions reach the damping through onResult (TargetStatus.stateSince).
      onTransition: () => undefined,
      onError: (key, err) => { this.#log.error({ err, unit: key }, 'probe callback failed'); },
    });
    this.#session = { scheduler, targets: new Map() };
    // Sharded (--shards): the units of a bucket given up are no longer probed here (their new holder
    // probes them). On the change of the cached buckets: after the reconciles in flight on it ended.
    this.#manager.shards()?.onChange(() => { this.#dropUnheld(); });
    // Level-based: every unit is reconciled once the scheduler exists (the controller, started
    // first or not, enqueues them all too when it starts).
    for (const unit of this.#manager.informer(SERVICE_UNITS).list()) this.#controller.enqueue({ namespace: unit.metadata?.namespace ?? '', name: unit.metadata?.name ?? '' });
    this.#log.info('probing started');
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    this.#session = undefined;
    await scheduler.stop();
    this.#log.info('probing stopped');
  }

  /** Sharded: stops probing the units of the buckets this replica no longer reconciles. */
  #dropUnheld(): void {
    const session = this.#session;
    const shards = this.#manager.shards();
    if (session === undefined || shards === undefined) return;
    for (const key of [...session.targets.keys()]) if (!shards.isActive(shards.bucketOf(requestOf(key).namespace))) forget(session, key);
  }

  /** Units probed right now (keys `namespace/name`). */
  units(): string[] {
    return [...(this.#session?.targets.keys() ?? [])];
  }

  /** The scheduler's view of a unit, while leading. */
  status(key: string): TargetStatus | undefined {
    return this.#session?.scheduler.status(key);
  }

  /** Scheduler statistics (lateness), while leading. */
  stats(): ReturnType<ProbeScheduler['stats']> | undefined {
    return this.#session?.scheduler.stats();
  }

  /**
   * The probe part of the metrics snapshot: per valid cached unit, `up` (the probe state, or the
   * stored Available condition while a new leader has not decided yet) and `maintenance` (an
   * excluding window covers it now). Empty on a replica that does not lead.
   */
  probeSnapshot(): ProbeUnitSnapshot[] {
    const scheduler = this.#session?.scheduler;
    if (scheduler === undefined) return [];
    const now = this.#manager.clock.now();
    return this.#views.units.all().map((unit) => {
      const key = `${unit.namespace}/${unit.name}`;
      const maintenance = this.#maintenance.covering(this.#views.windows.list(unit.namespace), unit, now) !== undefined;
      const up = upOf(scheduler.status(key)?.state, unit);
      const probeAgeRatio = scheduler.ageRatio(key);
      return { namespace: unit.namespace, name: unit.name, maintenance, ...(up !== undefined ? { up } : {}), ...(probeAgeRatio !== undefined ? { probeAgeRatio } : {}) };
    });
  }

  // ---- the event source -----------------------------------------------------------------------

  /** After every probe: fold it into the damping, observe its duration, enqueue the unit if it has something to do. */
  #onResult(key: string, status: TargetStatus): void {
    const target = this.#session?.targets.get(key);
    const result = status.lastResult;
    if (target === undefined || result === undefined) return;
    if (!result.up) target.lastFailure = result.message;
    if (status.state !== 'Unknown' && status.stateSince !== undefined) {
      target.damping = observe(target.damping, { at: status.lastProbeAt ?? this.#manager.clock.now(), state: status.state, since: status.stateSince }, dampingOptions(target.probe));
    }
    const [namespace, name] = splitKey(key);
    this.#opts.metrics?.probeDuration?.observe({ namespace, probe: target.probe.spec.kind, result: result.up ? 'success' : 'failure' }, result.durationMs / 1000);
    const signal = JSON.stringify([result.up, status.state, result.up ? '' : result.message]);
    // Something to do: the outcome moved, or the damping asks to open or resolve (level-based:
    // asked again at every probe until done).
    if (signal !== target.signal || action(target.damping, dampingOptions(target.probe)) !== undefined) {
      target.signal = signal;
      this.#controller.enqueue({ namespace, name });
    }
  }

  // ---- reconcile ------------------------------------------------------------------------------

  async #reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const session = this.#session;
    // Not probing (yet): the event source enqueues every unit when it starts.
    if (session === undefined) return {};
    const { scheduler } = session;
    const key = keyOf(req);
    const parsed = this.#views.units.get(req.namespace, req.name);
    const raw = parsed === undefined ? undefined : parsed.ok ? parsed.value.raw : parsed.raw;
    const plan = parsed === undefined || raw?.metadata?.deletionTimestamp !== undefined ? undefined : this.#plan(parsed);
    if (parsed === undefined || raw === undefined || plan?.ok !== true) {
      forget(session, key);
      if (raw !== undefined && plan?.ok === false) await this.#writeNotProbed(raw, plan.reason, ctx);
      return {};
    }
    // plan.ok: the unit is valid (an invalid one has no probe plan but a reason).
    if (!parsed.ok) return {};
    const unit = parsed.value;
    const target = this.#ensureTarget(session, key, plan.probe);
    const requeue = await this.#reconcileIncidents(scheduler, key, unit, target, ctx);
    if (isAborted(ctx.signal)) return {};
    const write = await this.#reconcileStatus(scheduler, key, unit, target);
    return earliest(requeue, write);
  }

  /** The unit's probe plan, refused when it points at the cluster's API or at the operator (a unit stored while the webhook was off). */
  #plan(parsed: Parameters<typeof probePlan>[0]): ReturnType<typeof probePlan> {
    const plan = probePlan(parsed);
    if (plan?.ok !== true || !parsed.ok) return plan;
    const internal = internalTargetErrors(parsed.value.spec.monitoring, this.#opts.internalEndpoints);
    return internal.length === 0 ? plan : { ok: false, reason: internal.map((e) => `${e.path}: ${e.message}`).join('; ') };
  }

  /** The scheduler target of the unit, added or replaced when `spec.monitoring` changed. */
  #ensureTarget({ scheduler, targets }: Session, key: string, probe: UnitProbe): Target {
    const probeJson = JSON.stringify(probe);
    const known = targets.get(key);
    if (known !== undefined && known.probeJson === probeJson) return known;
    const target: Target = known ?? { probe, probeJson, damping: HEALTHY, resolved: new Set() };
    target.probe = probe;
    target.probeJson = probeJson;
    targets.set(key, target);
    const clock = this.#manager.clock;
    scheduler.upsert(key, {
      periodMs: probe.periodMs,
      failureThreshold: probe.failureThreshold,
      successThreshold: probe.successThreshold,
      probe: () => runProbe(target.probe.spec, clock),
    });
    return target;
  }

  /** A unit that cannot be probed: said in its status (once: skipped when the cache shows it). */
  async #writeNotProbed(raw: UnitView['raw'], reason: string, ctx: ReconcileContext): Promise<void> {
    const status = raw.status;
    const generation = raw.metadata?.generation;
    if (showsNotProbed(status, generation, reason)) return;
    ctx.logger.warn({ reason }, 'unit not probed: invalid spec.monitoring');
    const body = notProbedStatus(reason, findCondition(status?.conditions, ConditionType.Available), generation, this.#manager.clock.now());
    await this.#apply(raw, body);
  }

  async #apply(raw: UnitView['raw'], body: object): Promise<void> {
    try {
      // Only the prober's part of the shared status is compared (the controllers write the rest).
      await this.#status.apply(SERVICE_UNITS, raw, body, () => proberPart(raw.status));
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }

  /** The unit's open Monitoring incidents as the cache shows them (minus those just resolved), oldest first. */
  #openIncidents(key: string, target: Target): IncidentView[] {
    const open = this.#incidents.byIndex(OPEN_MONITORING_INCIDENTS_BY_UNIT, key).flatMap((o) => {
      const parsed = this.#views.incidents.parse(o);
      return parsed.ok ? [parsed.value] : [];
    });
    for (const name of target.resolved) if (!open.some((i) => i.name === name)) target.resolved.delete(name);
    return open.filter((i) => !target.resolved.has(i.name)).sort(byOpenedAt);
  }

  /** Opens or resolves the incident of the unit's outage episode, as the damping says. */
  async #reconcileIncidents(scheduler: ProbeScheduler, key: string, unit: UnitView, target: Target, ctx: ReconcileContext): Promise<Result> {
    const stillOpen = this.#openIncidents(key, target);
    // One incident per episode: an open Monitoring incident of the unit (ours, or a previous
    // leader's before a restart or failover) is this episode's.
    const oldest = stillOpen[0];
    if (oldest !== undefined) target.damping = adopt(target.damping, { name: oldest.name, openedAt: new Date(oldest.spec.openedAt) });
    const todo = action(target.damping, dampingOptions(target.probe));

    if (todo?.kind === 'open') {
      const windows = this.#views.windows.list(unit.namespace);
      const now = this.#manager.clock.now();
      // Inside an excluding maintenance window nothing opens; the episode stays pending and, if
      // it outlives the window, opens with the window's end as its start (looked at again at
      // the next probe, and at the window's end at the latest).
      const covering = this.#maintenance.covering(windows, unit, now);
      if (covering !== undefined) return requeueAfter(now, covering.end);
      const detectedAt = this.#maintenance.firstUncovered(windows, unit, todo.openedAt);
      const failures = scheduler.status(key)?.consecutiveFailures ?? target.probe.failureThreshold;
      const incident = monitoringIncident(unit, target.probe.priority, detectedAt, target.lastFailure ?? 'probe failed', failures);
      await this.#open(unit, incident, ctx);
      target.damping = opened(target.damping, incident.metadata.name);
      return {};
    }

    if (todo?.kind === 'resolve') {
      for (const incident of stillOpen) await this.#resolve(unit, target, incident, resolutionInstant(incident, todo.resolvedAt), ctx);
      target.damping = resolved(target.damping);
    }
    return {};
  }

  async #open(unit: UnitView, incident: Incident, ctx: ReconcileContext): Promise<void> {
    const name = incident.metadata.name;
    try {
      const created = await this.#manager.client.request<KubernetesObject>('POST', collectionPath(INCIDENTS, unit.namespace), { query: { fieldManager: this.#manager.fieldManager }, body: this.#manager.withShardLabel(incident) });
      ctx.logger.info({ incident: name, openedAt: incident.spec.openedAt }, 'incident opened');
      await this.#manager.events.emit(unit.raw, {
        type: 'Warning', reason: 'IncidentOpened', action: 'Open',
        note: `Incident ${name} (${incident.spec.priority}) opened: ${incident.spec.summary}`, related: created,
      });
    } catch (err) {
      // The same detection was already recorded (a retry, a lagging cache, a previous leader):
      // that incident is this outage's, open or already resolved by someone.
      if (!isStatus(err, 409)) throw err;
    }
  }

  async #resolve(unit: UnitView, target: Target, incident: IncidentView, at: Date, ctx: ReconcileContext): Promise<void> {
    try {
      await this.#manager.client.request('PATCH', objectPath(INCIDENTS, unit.namespace, incident.name), {
        query: { fieldManager: this.#manager.fieldManager },
        contentType: PatchStrategy.MergePatch,
        body: { spec: { resolvedAt: toSeconds(at) } },
      });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    target.resolved.add(incident.name);
    ctx.logger.info({ incident: incident.name, resolvedAt: toSeconds(at) }, 'incident resolved');
    await this.#manager.events.emit(unit.raw, {
      type: 'Normal', reason: 'IncidentResolved', action: 'Resolve',
      note: `Incident ${incident.name} resolved: the probe succeeded since ${toSeconds(at)} (resolveAfter ${target.probe.resolveAfterMs / 1000}s)`, related: incident.raw,
    });
  }

  /**
   * Applies the prober's part of the status when its outcome (result, Available, failure
   * message, open incident) differs from what was last applied, or, when nothing was applied by
   * this leader yet, from what the cache shows: a quiet cluster, or a failover, writes nothing.
   * Inside the write interval: requeued to its end, which reads the outcome again then.
   */
  async #reconcileStatus(scheduler: ProbeScheduler, key: string, unit: UnitView, target: Target): Promise<Result> {
    const status = scheduler.status(key);
    const result = status?.lastResult;
    if (status === undefined || result === undefined) return {};
    const existing = findCondition(unit.status?.conditions, ConditionType.Available);
    const openIncident = this.#openIncidents(key, target)[0]?.name;
    const outcome: ProbeOutcome = {
      result: result.up ? 'Success' : 'Failure',
      available: availableStatus(status.state, existing),
      ...(result.up ? {} : { message: result.message }),
      ...(openIncident !== undefined ? { openIncident } : {}),
    };
    const desired = outcomeKey(outcome);
    const stored = cachedOutcome(unit.status);
    if (desired === (target.written ?? (stored === undefined ? undefined : outcomeKey(stored)))) return {};
    const now = this.#manager.clock.now();
    const interval = this.#opts.statusWriteIntervalMs ?? STATUS_WRITE_INTERVAL_MS;
    if (target.writtenAt !== undefined && now.getTime() - target.writtenAt < interval) return { requeueAfter: target.writtenAt + interval - now.getTime() };
    target.writtenAt = now.getTime();
    const body = probeStatus({
      outcome,
      probedAt: status.lastProbeAt ?? now,
      durationMs: result.durationMs,
      consecutiveFailures: status.consecutiveFailures,
      consecutiveSuccesses: status.consecutiveSuccesses,
      failureThreshold: target.probe.failureThreshold,
      successThreshold: target.probe.successThreshold,
      existing,
      generation: unit.generation,
    });
    // Compared with the cache again on the retry (the runtime's backoff) if the write fails.
    target.written = undefined;
    await this.#apply(unit.raw, body);
    target.written = desired;
    return {};
  }
}

function dampingOptions(probe: UnitProbe): { openAfterMs: number; resolveAfterMs: number } {
  return { openAfterMs: probe.openAfterMs, resolveAfterMs: probe.resolveAfterMs };
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** A requeue at `at` (strictly after `now`, +1 s past the edge, as `requeueAt` in src/controllers). */
function requeueAfter(now: Date, at: Date): Result {
  const ms = at.getTime() - now.getTime();
  return ms > 0 ? { requeueAfter: Math.min(2_147_483_647, ms + 1000) } : {};
}

function earliest(a: Result, b: Result): Result {
  if (a.requeueAfter === undefined) return b;
  if (b.requeueAfter === undefined) return a;
  return { requeueAfter: Math.min(a.requeueAfter, b.requeueAfter) };
}

/** Up from the probe state; while Unknown, from the Available condition the prober stored. */
function upOf(state: 'Unknown' | 'Up' | 'Down' | undefined, unit: UnitView): boolean | undefined {
  if (state === 'Up') return true;
  if (state === 'Down') return false;
  if (unit.spec.monitoring === undefined) return undefined;
  const available = findCondition(unit.status?.conditions, ConditionType.Available);
  if (available?.reason === 'ProbeSucceeded' && available.status === 'True') return true;
  if (available?.reason === 'ProbeFailed' && available.status === 'False') return false;
  return undefined;
}
