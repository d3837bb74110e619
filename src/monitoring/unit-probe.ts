// Pure pieces of the incident automation: a ServiceUnit's `spec.monitoring` as a scheduler
// target, the deterministic name of the incident a detection opens, the status the prober
// applies, and which maintenance windows cover a unit at an instant. No I/O, no clock. They read
// the typed views (views.ts): specs parsed once, with the schema's defaults, by the shared cache.
import type { Incident, ServiceUnitSpec, ServiceUnitStatus } from '../api/v1alpha1/index.ts';
import { ConditionReason, ConditionType, MIN_PROBE_PERIOD, matchesSelector, parseGoDuration, scheduleToDomain } from '../api/v1alpha1/index.ts';
import type { Interval } from '../domain/calendar.ts';
import { activeAgreedOccurrence, nextEdge, type MaintenanceSchedule } from '../domain/maintenance.ts';
import type { Priority } from '../domain/vocabulary.ts';
import { findCondition, setCondition, toSeconds, type Condition, type ConditionStatus, type DesiredCondition } from '../runtime/conditions.ts';
import type { ProbeSpec, StatusMatcher } from './probers/index.ts';
import type { ProbeState } from './scheduler.ts';
import type { IncidentView, ParsedUnit, WindowView } from './views.ts';

/** The parsed `spec.monitoring` of a unit (defaults applied by the schema). */
export type MonitoringSpec = NonNullable<ServiceUnitSpec['monitoring']>;

/** What the scheduler needs to probe a unit, and the priority of the incident it opens. */
export interface UnitProbe {
  readonly spec: ProbeSpec;
  readonly periodMs: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** The flap damping's hold-downs (`spec.monitoring.openAfter`, `resolveAfter`), in ms. */
  readonly openAfterMs: number;
  readonly resolveAfterMs: number;
  readonly priority: Priority;
}

/** A unit's probe, or why it cannot be probed (a spec the CRD should have refused). */
export type UnitProbePlan = { readonly ok: true; readonly probe: UnitProbe } | { readonly ok: false; readonly reason: string };

/**
 * The probe of a unit as the typed view parsed it: undefined when it has none (no
 * `spec.monitoring`, or a spec that does not parse and has none); `{ ok: false, reason }` when
 * its spec is invalid (the view's field errors: a spec the CRD should have refused). Never throws.
 */
export function probePlan(unit: ParsedUnit): UnitProbePlan | undefined {
  if (unit.ok) return unitProbe(unit.value.spec.monitoring);
  const stored = unit.raw;
  const spec: unknown = 'spec' in stored ? stored.spec : undefined;
  const monitoring: unknown = typeof spec === 'object' && spec !== null && 'monitoring' in spec ? spec.monitoring : undefined;
  return monitoring === undefined || monitoring === null ? undefined : { ok: false, reason: unit.error };
}

/**
 * A parsed `spec.monitoring` as a scheduler target, or why it cannot be probed: the checks the
 * CRD makes since issue 20 (period floor, durations, URLs), for an object stored before.
 */
export function unitProbe(m: MonitoringSpec | undefined): UnitProbePlan | undefined {
  if (m === undefined) return undefined;
  const invalid = (reason: string): UnitProbePlan => ({ ok: false, reason });
  const periodS = parseGoDuration(m.period);
  const timeoutS = parseGoDuration(m.timeout);
  const openAfterS = parseGoDuration(m.openAfter);
  const resolveAfterS = parseGoDuration(m.resolveAfter);
  // The CRD refuses these since issue 20; an object stored before is not probed rather than
  // probed hundreds of times a second or failing every probe on a URL that does not parse.
  if (periodS === undefined || !(periodS >= (parseGoDuration(MIN_PROBE_PERIOD) ?? 1))) return invalid(`spec.monitoring.period: '${m.period}' is shorter than ${MIN_PROBE_PERIOD}`);
  if (timeoutS === undefined || !(timeoutS > 0)) return invalid(`spec.monitoring.timeout: '${m.timeout}' is not a positive Go duration`);
  if (openAfterS === undefined) return invalid(`spec.monitoring.openAfter: '${m.openAfter}' is not a Go duration`);
  if (resolveAfterS === undefined) return invalid(`spec.monitoring.resolveAfter: '${m.resolveAfter}' is not a Go duration`);
  const url = m.httpGet?.url ?? m.prometheus?.url;
  if (url !== undefined) {
    const field = m.httpGet !== undefined ? 'spec.monitoring.httpGet.url' : 'spec.monitoring.prometheus.url';
    if (!URL.canParse(url) || new URL(url).hostname === '') return invalid(`${field}: '${url}' is not a URL that parses, with a host`);
  }
  const timeoutMs = Math.max(1, Math.round(timeoutS * 1000));
  let spec: ProbeSpec;
  if (m.httpGet !== undefined) {
    const statuses: StatusMatcher[] | undefined = m.httpGet.expectedStatus;
    spec = {
      kind: 'httpGet', url: m.httpGet.url, timeoutMs,
      ...(statuses !== undefined ? { expectedStatuses: statuses } : {}),
      ...(m.httpGet.insecureSkipVerify ? { tls: { insecureSkipVerify: true } } : {}),
    };
  } else if (m.tcpSocket !== undefined) {
    spec = { kind: 'tcpSocket', host: m.tcpSocket.host, port: m.tcpSocket.port, timeoutMs };
  } else if (m.prometheus !== undefined) {
    spec = { kind: 'prometheus', url: m.prometheus.url, query: m.prometheus.query, timeoutMs };
  } else {
    return invalid('spec.monitoring must set exactly one of httpGet, tcpSocket, prometheus');
  }
  return {
    ok: true,
    probe: {
      spec,
      periodMs: Math.max(1, Math.round(periodS * 1000)),
      failureThreshold: m.failureThreshold,
      successThreshold: m.successThreshold,
      openAfterMs: Math.round(openAfterS * 1000),
      resolveAfterMs: Math.round(resolveAfterS * 1000),
      priority: m.incidentPriority,
    },
  };
}

/** `20261014083000`: an instant in UTC, to the second. */
export function compactUtc(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** Object names are DNS subdomains of at most 253 characters. */
const MAX_NAME = 253;

/**
 * `<unit>-mon-<yyyymmddhhmmss>` (UTC) of the detection instant: the same detection always gives
 * the same name, so a retried or repeated create answers 409 instead of opening a second incident.
 */
export function monitoringIncidentName(unitName: string, detectedAt: Date): string {
  const suffix = `-mon-${compactUtc(detectedAt)}`;
  return `${unitName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/**
 * The label of the incidents a check other than the availability probe opens (issue 15 item 3:
 * `Backup`, a missed backup): also `detection: Monitoring`, but never an outage episode of the
 * probe, which neither adopts nor resolves them.
 */
export const CHECK_LABEL = 'managedapps.dev/check';

/** A Monitoring incident that has no `resolvedAt` yet. Client-reported incidents never are. */
export function isOpenMonitoringIncident(incident: Pick<IncidentView, 'spec'>): boolean {
  return incident.spec.detection === 'Monitoring' && incident.spec.resolvedAt === undefined;
}

/** Index values of an open incident of the availability probe: `<namespace>/<unit>` of each unit it names (another check's, CHECK_LABEL, are not). */
export function openMonitoringIncidentUnits(incident: Pick<IncidentView, 'namespace' | 'spec' | 'labels'>): string[] {
  if (!isOpenMonitoringIncident(incident) || incident.labels[CHECK_LABEL] !== undefined) return [];
  return incident.spec.unitRefs.map((r) => `${incident.namespace}/${r.name}`);
}

/** The Incident the automation creates for a detection. */
export function monitoringIncident(unit: { readonly name: string; readonly namespace: string }, priority: Priority, detectedAt: Date, message: string, failures: number): Incident {
  const name = unit.name;
  return {
    apiVersion: 'managedapps.dev/v1alpha1',
    kind: 'Incident',
    metadata: {
      name: monitoringIncidentName(name, detectedAt),
      namespace: unit.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'managedapps-operator', 'managedapps.dev/detection': 'Monitoring' },
    },
    spec: {
      unitRefs: [{ name }],
      priority,
      summary: truncate(`${name} is down: ${message}`, 1024),
      description: truncate(`Opened by the availability probe: the outage episode started with the failing probe at ${detectedAt.toISOString()} (openedAt) and was still failing when it opened (${failures} consecutive failure(s)). Last message: ${message}`, 16384),
      detection: 'Monitoring',
      openedAt: toSeconds(detectedAt),
      cause: 'Unknown',
    },
  };
}

/**
 * The instant service was restored, for `resolvedAt`: the start of the first successful probe of
 * the run, but never before `openedAt` (the CRD refuses it; a failover can see that order).
 */
export function resolutionInstant(incident: Pick<IncidentView, 'spec'>, restoredSince: Date): Date {
  const opened = new Date(incident.spec.openedAt);
  return Number.isNaN(opened.getTime()) || restoredSince >= opened ? restoredSince : opened;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---- status -----------------------------------------------------------------------------------

/** The part of `status.probe` and of the `Available` condition whose change causes a write. */
export interface ProbeOutcome {
  readonly result: 'Success' | 'Failure';
  /** Only for a failure ("why the last probe failed"). */
  readonly message?: string;
  readonly available: ConditionStatus;
  /** The open Monitoring incident of the unit, if any (`status.openIncident`). */
  readonly openIncident?: string;
}

export function outcomeKey(o: ProbeOutcome): string {
  return JSON.stringify([o.result, o.available, o.message ?? '', o.openIncident ?? '']);
}

/** The outcome the cached status already shows; undefined when the prober never wrote it. */
export function cachedOutcome(status: ServiceUnitStatus | undefined): ProbeOutcome | undefined {
  const probe = status?.probe;
  if (probe?.lastResult === undefined) return undefined;
  const available = findCondition(status?.conditions, ConditionType.Available)?.status ?? 'Unknown';
  const openIncident = status?.openIncident?.name;
  return {
    result: probe.lastResult, available,
    ...(probe.message !== undefined && probe.lastResult === 'Failure' ? { message: probe.message } : {}),
    ...(openIncident !== undefined ? { openIncident } : {}),
  };
}

/**
 * `Available` from the scheduler's state. While a new leader's state is still Unknown (thresholds
 * not reached yet) the condition already stored is kept: a failover does not flap it.
 */
export function availableStatus(state: ProbeState, existing: Condition | undefined): ConditionStatus {
  switch (state) {
    case 'Up':
      return 'True';
    case 'Down':
      return 'False';
    case 'Unknown':
      return existing?.status ?? 'Unknown';
  }
}

export interface ProbeStatusInput {
  readonly outcome: ProbeOutcome;
  readonly probedAt: Date;
  readonly durationMs: number;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** The unit's current Available condition (its lastTransitionTime is kept unless the status flips). */
  readonly existing: Condition | undefined;
  readonly generation: number | undefined;
}

type UnitStatus = ServiceUnitStatus;

/** The `Available` condition an outcome says (the shared setter adds the times and generation). */
export function availableCondition(outcome: ProbeOutcome, failureThreshold: number, successThreshold: number): DesiredCondition {
  switch (outcome.available) {
    case 'True':
      return { type: ConditionType.Available, status: 'True', reason: ConditionReason.ProbeSucceeded, message: `${successThreshold} consecutive successful probe(s)` };
    case 'False':
      return { type: ConditionType.Available, status: 'False', reason: ConditionReason.ProbeFailed, message: truncate(`${failureThreshold} consecutive failed probe(s): ${outcome.message ?? ''}`, 32768) };
    case 'Unknown':
      return { type: ConditionType.Available, status: 'Unknown', reason: ConditionReason.NotProbed, message: 'not enough probes yet to decide' };
  }
}

/**
 * The status fields the prober owns: `status.probe`, `status.openIncident` and the `Available`
 * condition, nothing else (src/controllers writes the rest under its own field manager). The
 * condition goes through the runtime's setter: `lastTransitionTime` kept unless the status
 * flips, `observedGeneration` filled, whole seconds.
 */
export function probeStatus(input: ProbeStatusInput): { probe: NonNullable<UnitStatus['probe']>; openIncident?: NonNullable<UnitStatus['openIncident']>; conditions: Condition[] } {
  const { outcome, existing } = input;
  const conditions = setCondition(existing === undefined ? [] : [existing], availableCondition(outcome, input.failureThreshold, input.successThreshold), input.probedAt, input.generation);
  return {
    probe: {
      lastProbeTime: toSeconds(input.probedAt),
      lastResult: outcome.result,
      ...(outcome.message !== undefined ? { message: truncate(outcome.message, 1024) } : {}),
      durationSeconds: Math.round(input.durationMs) / 1000,
      consecutiveFailures: input.consecutiveFailures,
      consecutiveSuccesses: input.consecutiveSuccesses,
    },
    ...(outcome.openIncident !== undefined ? { openIncident: { name: outcome.openIncident } } : {}),
    conditions,
  };
}

/** The prober's part of a stored status (what its StatusWriter compares): the fields of probeStatus. */
export function proberPart(status: ServiceUnitStatus | undefined): object {
  const available = findCondition(status?.conditions, ConditionType.Available);
  return {
    ...(status?.probe !== undefined ? { probe: status.probe } : {}),
    ...(status?.openIncident !== undefined ? { openIncident: status.openIncident } : {}),
    conditions: available === undefined ? [] : [available],
  };
}

/**
 * The prober's part of the status of a unit it cannot probe: `status.probe.message` says why,
 * `Available` is Unknown (NotProbed). Replaces whatever the prober wrote before (last result,
 * open incident), since nothing is probed any more.
 */
export function notProbedStatus(reason: string, existing: Condition | undefined, generation: number | undefined, at: Date): { probe: { message: string }; conditions: Condition[] } {
  const message = truncate(`not probed: ${reason}`, 1024);
  return {
    probe: { message },
    conditions: setCondition(existing === undefined ? [] : [existing], { type: ConditionType.Available, status: 'Unknown', reason: ConditionReason.NotProbed, message }, at, generation),
  };
}

/** Whether the cached status already shows `notProbedStatus(reason)`: then nothing is written. */
export function showsNotProbed(status: ServiceUnitStatus | undefined, generation: number | undefined, reason: string): boolean {
  const available = findCondition(status?.conditions, ConditionType.Available);
  const message = truncate(`not probed: ${reason}`, 1024);
  return status?.probe?.message === message && status.probe.lastResult === undefined
    && available?.status === 'Unknown' && available.message === message && available.observedGeneration === generation;
}

// ---- maintenance ------------------------------------------------------------------------------

/** Whether a window takes part in suppression: it excludes the units it covers from availability (and then only its agreed occurrences, #active). */
function excludes(window: WindowView): boolean {
  return window.spec.excludeFromAvailability;
}

/**
 * Which occurrence of which window covers a unit at an instant, with a memo per window version:
 * the answer for a window holds until its next edge (start or end of an occurrence), so a check
 * per probe costs no RRULE expansion.
 */
export class MaintenanceLookup {
  readonly #memo = new Map<string, { version: string; schedule: MaintenanceSchedule | undefined; active: Interval | undefined; from: number; until: number }>();

  /** The active occurrence (of the windows given, those of the unit's namespace) covering the unit, latest end first. */
  covering(windows: readonly WindowView[], unit: { readonly labels: Readonly<Record<string, string>> }, at: Date): Interval | undefined {
    let best: Interval | undefined;
    for (const w of windows) {
      if (!excludes(w) || !matchesSelector(w.spec.selector, unit.labels)) continue;
      const active = this.#active(w, at);
      if (active !== undefined && (best === undefined || active.end > best.end)) best = active;
    }
    return best;
  }

  /**
   * The first instant at or after `at` outside every covering window: `at` itself when none is
   * active, else the end of the chain of overlapping occurrences (bounded).
   */
  firstUncovered(windows: readonly WindowView[], unit: { readonly labels: Readonly<Record<string, string>> }, at: Date): Date {
    let t = at;
    for (let i = 0; i < 16; i++) {
      const active = this.covering(windows, unit, t);
      if (active === undefined) return t;
      t = active.end;
    }
    return t;
  }

  /** Forgets windows that are gone. */
  retain(uids: ReadonlySet<string>): void {
    for (const uid of this.#memo.keys()) if (!uids.has(uid)) this.#memo.delete(uid);
  }

  #active(w: WindowView, at: Date): Interval | undefined {
    const uid = w.raw.metadata?.uid ?? `${w.namespace}/${w.name}`;
    const version = w.raw.metadata?.resourceVersion ?? '';
    const t = at.getTime();
    let entry = this.#memo.get(uid);
    if (entry !== undefined && entry.version === version && t >= entry.from && t < entry.until) return entry.active;
    let schedule = entry?.version === version ? entry.schedule : undefined;
    if (schedule === undefined) {
      // The view's spec is parsed with the schema's defaults already; converted once per version.
      const converted = scheduleToDomain(w);
      schedule = converted.ok ? converted.value : undefined;
    }
    if (schedule === undefined) {
      entry = { version, schedule, active: undefined, from: -Infinity, until: Infinity };
    } else {
      // domain.md §11: an occurrence awaiting the client's approval suppresses nothing.
      const active = activeAgreedOccurrence(schedule, at);
      const until = active !== undefined ? active.end.getTime() : (nextEdge(schedule, at)?.getTime() ?? Infinity);
      entry = { version, schedule, active, from: active !== undefined ? active.start.getTime() : t, until };
    }
    this.#memo.set(uid, entry);
    return entry.active;
  }
}
