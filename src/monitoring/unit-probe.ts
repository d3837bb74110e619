// Pure pieces of the incident automation: a ServiceUnit's `spec.monitoring` as a scheduler
// target, the deterministic name of the incident a detection opens, the status the prober
// applies, and which maintenance windows cover a unit at an instant. No I/O, no clock.
import type { Incident, MaintenanceWindow, ServiceUnit } from '../api/v1alpha1/index.ts';
import {
  ConditionReason, ConditionType, MIN_PROBE_PERIOD, MaintenanceWindowSpec, Monitoring, fieldErrors, matchesSelector, parseGoDuration, scheduleToDomain,
} from '../api/v1alpha1/index.ts';
import type { Interval } from '../domain/calendar.ts';
import { activeOccurrence, nextEdge, type MaintenanceSchedule } from '../domain/maintenance.ts';
import type { Priority } from '../domain/vocabulary.ts';
import { toSeconds, type Condition, type ConditionStatus } from '../runtime/conditions.ts';
import type { ProbeSpec, StatusMatcher } from './probers/index.ts';
import type { ProbeState } from './scheduler.ts';

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
 * The probe of a unit; undefined when it has none (no `spec.monitoring`). Missing fields take the
 * schema's defaults (the zod `Monitoring` schema, the same one the CRD's `default:`s come from),
 * so a stored object that lacks one is probed as the API server would have defaulted it. A
 * monitoring block the schema refuses is `{ ok: false, reason }`. Never throws.
 */
export function unitProbe(unit: ServiceUnit): UnitProbePlan | undefined {
  const raw: unknown = (unit.spec as { monitoring?: unknown } | undefined)?.monitoring;
  if (raw === undefined || raw === null) return undefined;
  const parsed = Monitoring.safeParse(raw);
  const invalid = (reason: string): UnitProbePlan => ({ ok: false, reason });
  if (!parsed.success) return invalid(fieldErrors(parsed.error).map((e) => `spec.monitoring.${e.path}: ${e.message}`).join('; '));
  const m = parsed.data;
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

/** A Monitoring incident that has no `resolvedAt` yet. Client-reported incidents never are. */
export function isOpenMonitoringIncident(incident: Incident): boolean {
  return incident.spec.detection === 'Monitoring' && incident.spec.resolvedAt === undefined;
}

/** Index values of an open monitoring incident: `<namespace>/<unit>` of each unit it names. */
export function openMonitoringIncidentUnits(incident: Incident): string[] {
  if (!isOpenMonitoringIncident(incident)) return [];
  const ns = incident.metadata.namespace ?? '';
  return incident.spec.unitRefs.map((r) => `${ns}/${r.name}`);
}

/** The Incident the automation creates for a detection. */
export function monitoringIncident(unit: ServiceUnit, priority: Priority, detectedAt: Date, message: string, failures: number): Incident {
  const name = unit.metadata.name;
  return {
    apiVersion: 'managedapps.dev/v1alpha1',
    kind: 'Incident',
    metadata: {
      name: monitoringIncidentName(name, detectedAt),
      namespace: unit.metadata.namespace ?? '',
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
export function resolutionInstant(incident: Incident, restoredSince: Date): Date {
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

/** The outcome the cached object already shows; undefined when the prober never wrote it. */
export function cachedOutcome(unit: ServiceUnit): ProbeOutcome | undefined {
  const probe = unit.status?.probe;
  if (probe?.lastResult === undefined) return undefined;
  const available = unit.status?.conditions?.find((c) => c.type === ConditionType.Available)?.status ?? 'Unknown';
  const openIncident = unit.status?.openIncident?.name;
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

type UnitStatus = NonNullable<ServiceUnit['status']>;

/**
 * The status fields the prober owns: `status.probe`, `status.openIncident` and the `Available`
 * condition, nothing else (src/controllers writes the rest under its own field manager).
 */
export function probeStatus(input: ProbeStatusInput): { probe: NonNullable<UnitStatus['probe']>; openIncident?: NonNullable<UnitStatus['openIncident']>; conditions: Condition[] } {
  const { outcome, existing } = input;
  const reason = outcome.available === 'True' ? ConditionReason.ProbeSucceeded : outcome.available === 'False' ? ConditionReason.ProbeFailed : ConditionReason.NotProbed;
  const message = outcome.available === 'True'
    ? `${input.successThreshold} consecutive successful probe(s)`
    : outcome.available === 'False'
      ? truncate(`${input.failureThreshold} consecutive failed probe(s): ${outcome.message ?? ''}`, 32768)
      : 'not enough probes yet to decide';
  const condition: Condition = {
    type: ConditionType.Available,
    status: outcome.available,
    reason: existing !== undefined && existing.status === outcome.available ? existing.reason : reason,
    message: existing !== undefined && existing.status === outcome.available ? existing.message : message,
    lastTransitionTime: existing !== undefined && existing.status === outcome.available ? existing.lastTransitionTime : toSeconds(input.probedAt),
    ...(input.generation !== undefined ? { observedGeneration: input.generation } : {}),
  };
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
    conditions: [condition],
  };
}

/**
 * The prober's part of the status of a unit it cannot probe: `status.probe.message` says why,
 * `Available` is Unknown (NotProbed). Replaces whatever the prober wrote before (last result,
 * open incident), since nothing is probed any more.
 */
export function notProbedStatus(reason: string, existing: Condition | undefined, generation: number | undefined, at: Date): { probe: { message: string }; conditions: Condition[] } {
  const message = truncate(`not probed: ${reason}`, 1024);
  const same = existing !== undefined && existing.status === 'Unknown';
  return {
    probe: { message },
    conditions: [{
      type: ConditionType.Available,
      status: 'Unknown',
      reason: ConditionReason.NotProbed,
      message,
      lastTransitionTime: same ? existing.lastTransitionTime : toSeconds(at),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    }],
  };
}

/** Whether the cached unit already shows `notProbedStatus(reason)`: then nothing is written. */
export function showsNotProbed(unit: ServiceUnit, reason: string): boolean {
  const available = unit.status?.conditions?.find((c) => c.type === ConditionType.Available);
  const message = truncate(`not probed: ${reason}`, 1024);
  return unit.status?.probe?.message === message && unit.status.probe.lastResult === undefined
    && available?.status === 'Unknown' && available.message === message && available.observedGeneration === unit.metadata.generation;
}

// ---- maintenance ------------------------------------------------------------------------------

/** Whether a window takes part in suppression: it excludes the units it covers from availability. */
function excludes(window: MaintenanceWindow): boolean {
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
  covering(windows: readonly MaintenanceWindow[], unit: ServiceUnit, at: Date): Interval | undefined {
    let best: Interval | undefined;
    for (const w of windows) {
      if (!excludes(w) || !matchesSelector(w.spec.selector, unit.metadata.labels ?? {})) continue;
      const active = this.#active(w, at);
      if (active !== undefined && (best === undefined || active.end > best.end)) best = active;
    }
    return best;
  }

  /**
   * The first instant at or after `at` outside every covering window: `at` itself when none is
   * active, else the end of the chain of overlapping occurrences (bounded).
   */
  firstUncovered(windows: readonly MaintenanceWindow[], unit: ServiceUnit, at: Date): Date {
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

  #active(w: MaintenanceWindow, at: Date): Interval | undefined {
    const uid = w.metadata.uid ?? `${w.metadata.namespace ?? ''}/${w.metadata.name}`;
    const version = w.metadata.resourceVersion ?? '';
    const t = at.getTime();
    let entry = this.#memo.get(uid);
    if (entry !== undefined && entry.version === version && t >= entry.from && t < entry.until) return entry.active;
    let schedule = entry?.version === version ? entry.schedule : undefined;
    if (schedule === undefined) {
      // Through the schema, so that a field the API server did not default (an object stored
      // before its CRD had the default) takes the schema's default, as the controllers see it.
      const spec = MaintenanceWindowSpec.safeParse(w.spec);
      const converted = spec.success ? scheduleToDomain({ ...w, spec: spec.data }) : undefined;
      schedule = converted?.ok === true ? converted.value : undefined;
    }
    if (schedule === undefined) {
      entry = { version, schedule, active: undefined, from: -Infinity, until: Infinity };
    } else {
      const active = activeOccurrence(schedule, at);
      const until = active !== undefined ? active.end.getTime() : (nextEdge(schedule, at)?.getTime() ?? Infinity);
      entry = { version, schedule, active, from: active !== undefined ? active.start.getTime() : t, until };
    }
    this.#memo.set(uid, entry);
    return entry.active;
  }
}
