import { describe, expect, it } from 'vitest';
import type { Incident, MaintenanceWindow, ServiceUnit } from '../api/v1alpha1/index.ts';
import { Monitoring as MonitoringSchema, ServiceUnitSpec } from '../api/v1alpha1/index.ts';
import type { Condition } from '../runtime/conditions.ts';
import {
  MaintenanceLookup, availableStatus, cachedOutcome, compactUtc, monitoringIncident, monitoringIncidentName, openMonitoringIncidentUnits,
  notProbedStatus, outcomeKey, probePlan, probeStatus, resolutionInstant, showsNotProbed,
} from './unit-probe.ts';
import type { ParsedUnit, StoredObject, TypedObject } from './views.ts';

type Monitoring = NonNullable<ServiceUnit['spec']['monitoring']>;
const defaults = { period: '30s', timeout: '5s', failureThreshold: 3, successThreshold: 1, openAfter: '0s', resolveAfter: '2m', incidentPriority: 'P1' } as const;

function unit(name: string, monitoring?: Partial<Monitoring>, labels?: Record<string, string>, status?: ServiceUnit['status']): ServiceUnit {
  return {
    apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit',
    metadata: { name, namespace: 'acme', ...(labels !== undefined ? { labels } : {}) },
    spec: {
      level: 'OS', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }], environment: 'Production', buildModel: 'FullBuild', levelThreeOwner: 'Provider',
      ...(monitoring !== undefined ? { monitoring: { ...defaults, ...monitoring } } : {}),
    },
    ...(status !== undefined ? { status } : {}),
  };
}

function incident(name: string, spec: Partial<Incident['spec']>): Incident {
  return {
    apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: { name, namespace: 'acme' },
    spec: { unitRefs: [{ name: 'web' }], priority: 'P1', summary: 's', detection: 'Monitoring', openedAt: '2026-03-01T10:00:00Z', cause: 'Unknown', ...spec },
  };
}

function window(name: string, spec: Partial<MaintenanceWindow['spec']>) {
  return typed(windowObject(name, spec));
}

function windowObject(name: string, spec: Partial<MaintenanceWindow['spec']>): MaintenanceWindow {
  return {
    apiVersion: 'managedapps.dev/v1alpha1', kind: 'MaintenanceWindow', metadata: { name, namespace: 'acme', uid: name, resourceVersion: '1' },
    spec: { purpose: 'Maintenance', duration: '2h', timeZone: 'Europe/Paris', selector: {}, excludeFromAvailability: true, requiresClientApproval: false, ...spec },
  };
}

/** An API object as the shared cache's typed view shows it (src/controllers' SpecParser: spec parsed, metadata flattened). */
function typed<S, St>(o: { metadata: { name: string; namespace?: string; labels?: Record<string, string>; uid?: string; resourceVersion?: string; generation?: number }; spec: S; status?: St }): TypedObject<S, St> {
  const { name, namespace = '', labels = {}, uid, resourceVersion, generation } = o.metadata;
  const raw: StoredObject<St> = {
    metadata: { name, namespace, labels, ...(uid !== undefined ? { uid } : {}), ...(resourceVersion !== undefined ? { resourceVersion } : {}), ...(generation !== undefined ? { generation } : {}) },
    ...(o.status !== undefined ? { status: o.status } : {}),
  };
  return { raw, metadata: { name, namespace, labels }, namespace, name, generation, labels, spec: o.spec, status: o.status };
}

/** The view's parse of a stored unit: the schema's defaults applied, or its field errors (SpecParser's format). */
function parsed(u: ServiceUnit): ParsedUnit {
  const result = ServiceUnitSpec.safeParse(u.spec);
  const view = typed(u);
  const raw: StoredObject<NonNullable<ServiceUnit['status']>> & { spec: unknown } = { ...view.raw, spec: u.spec };
  return result.success
    ? { ok: true, value: { ...view, spec: result.data } }
    : { ok: false, raw, error: result.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ') };
}

const unitProbe = (u: ServiceUnit) => probePlan(parsed(u));

describe('unitProbe', () => {
  it.each<[string, Partial<Monitoring>, object]>([
    ['httpGet', { httpGet: { url: 'https://shop.example.com/healthz', expectedStatus: [200, 204], insecureSkipVerify: true } },
      { kind: 'httpGet', url: 'https://shop.example.com/healthz', timeoutMs: 5000, expectedStatuses: [200, 204], tls: { insecureSkipVerify: true } }],
    ['httpGet, defaults', { httpGet: { url: 'http://a/', insecureSkipVerify: false } }, { kind: 'httpGet', url: 'http://a/', timeoutMs: 5000 }],
    ['tcpSocket', { tcpSocket: { host: 'db.internal', port: 5432 } }, { kind: 'tcpSocket', host: 'db.internal', port: 5432, timeoutMs: 5000 }],
    ['prometheus', { prometheus: { url: 'http://prom:9090', query: 'up{job="db"}' } }, { kind: 'prometheus', url: 'http://prom:9090', query: 'up{job="db"}', timeoutMs: 5000 }],
  ])('maps %s', (_name, monitoring, spec) => {
    expect(unitProbe(unit('web', monitoring))).toEqual({ ok: true, probe: { spec, periodMs: 30_000, failureThreshold: 3, successThreshold: 1, openAfterMs: 0, resolveAfterMs: 120_000, priority: 'P1' } });
  });

  it('reads Go durations, thresholds and priority', () => {
    expect(unitProbe(unit('web', { tcpSocket: { host: 'h', port: 1 }, period: '1m30s', timeout: '250ms', failureThreshold: 5, successThreshold: 2, incidentPriority: 'P3' })))
      .toMatchObject({ ok: true, probe: { periodMs: 90_000, failureThreshold: 5, successThreshold: 2, priority: 'P3', spec: { timeoutMs: 250 } } });
    // 1m30s = 90,000 ms; 45s = 45,000 ms.
    expect(unitProbe(unit('web', { tcpSocket: { host: 'h', port: 1 }, openAfter: '1m30s', resolveAfter: '45s' })))
      .toMatchObject({ ok: true, probe: { openAfterMs: 90_000, resolveAfterMs: 45_000 } });
  });

  it('is undefined without spec.monitoring', () => {
    expect(unitProbe(unit('web'))).toBeUndefined();
  });

  it("applies the schema's defaults to fields the stored object lacks (successThreshold, ...)", () => {
    const bare = unit('web');
    (bare.spec as { monitoring?: unknown }).monitoring = { tcpSocket: { host: 'h', port: 1 }, failureThreshold: 3 };
    const schemaDefaults = MonitoringSchema.parse({});
    expect(unitProbe(bare)).toEqual({
      ok: true,
      probe: expect.objectContaining({ failureThreshold: 3, successThreshold: schemaDefaults.successThreshold, priority: schemaDefaults.incidentPriority }) as unknown,
    });
  });

  it.each<[string, unknown, string]>([
    ['no probe kind', { period: '30s' }, 'exactly one of httpGet, tcpSocket, prometheus'],
    ['a bad period', { tcpSocket: { host: 'h', port: 1 }, period: 'soon' }, 'spec.monitoring.period'],
    ['a zero threshold', { tcpSocket: { host: 'h', port: 1 }, successThreshold: 0 }, 'spec.monitoring.successThreshold'],
    // Stored before the CRD refused them (issue 20 item 2): not probed rather than 650 probes a second or a P1 incident.
    ['a period below the 1s floor', { tcpSocket: { host: 'h', port: 1 }, period: '1ns', timeout: '1ns' }, "spec.monitoring.period: '1ns' is shorter than 1s"],
    ['a URL that does not parse', { httpGet: { url: 'http://[::1/healthz' } }, "spec.monitoring.httpGet.url: 'http://[::1/healthz' is not a URL that parses"],
    ['a Prometheus URL with a port out of range', { prometheus: { url: 'http://prom:99999', query: 'up' } }, 'spec.monitoring.prometheus.url'],
    ['a bad hold-down', { tcpSocket: { host: 'h', port: 1 }, resolveAfter: 'later' }, 'spec.monitoring.resolveAfter'],
    ['not an object', 'yes', 'spec.monitoring'],
  ])('says why with %s', (_name, monitoring, reason) => {
    const u = unit('web');
    (u.spec as { monitoring?: unknown }).monitoring = monitoring;
    const plan = unitProbe(u);
    expect(plan?.ok).toBe(false);
    expect(plan?.ok === false ? plan.reason : '').toContain(reason);
  });

  it('a unit that cannot be probed: status.probe.message says why, Available Unknown (NotProbed), written once', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    const status = notProbedStatus('spec.monitoring.period: bad', undefined, 2, at);
    expect(status).toEqual({
      probe: { message: 'not probed: spec.monitoring.period: bad' },
      conditions: [{ type: 'Available', status: 'Unknown', reason: 'NotProbed', message: 'not probed: spec.monitoring.period: bad', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 2 }],
    });
    const u = unit('web', undefined, undefined, status);
    u.metadata.generation = 2;
    expect(showsNotProbed(u.status, u.metadata.generation, 'spec.monitoring.period: bad')).toBe(true);
    expect(showsNotProbed(u.status, u.metadata.generation, 'another reason')).toBe(false);
  });
});

describe('incident names and bodies', () => {
  it('derives the name from the unit and the detection instant, in UTC to the second', () => {
    const at = new Date('2026-10-14T08:30:05.900+02:00');
    expect(compactUtc(at)).toBe('20261014063005');
    expect(monitoringIncidentName('web', at)).toBe('web-mon-20261014063005');
    expect(monitoringIncidentName('web', new Date('2026-10-14T06:30:05.001Z'))).toBe('web-mon-20261014063005');
    const long = monitoringIncidentName('a'.repeat(253), at);
    expect(long).toHaveLength(253);
    expect(long.endsWith('-mon-20261014063005')).toBe(true);
  });

  it('builds a Monitoring incident with the priority, openedAt = detection instant, cause Unknown', () => {
    const body = monitoringIncident(typed(unit('web', { tcpSocket: { host: 'h', port: 1 } })), 'P2', new Date('2026-03-01T10:00:00.700Z'), 'connect h:1: connection refused', 3);
    expect(body.metadata).toMatchObject({ name: 'web-mon-20260301100000', namespace: 'acme' });
    expect(body.spec).toMatchObject({
      unitRefs: [{ name: 'web' }], priority: 'P2', detection: 'Monitoring', openedAt: '2026-03-01T10:00:00Z', cause: 'Unknown',
      summary: 'web is down: connect h:1: connection refused',
    });
  });

  it('indexes only open Monitoring incidents, by namespace/unit', () => {
    expect(openMonitoringIncidentUnits(typed(incident('a', { unitRefs: [{ name: 'web' }, { name: 'db' }] })))).toEqual(['acme/web', 'acme/db']);
    expect(openMonitoringIncidentUnits(typed(incident('b', { resolvedAt: '2026-03-01T11:00:00Z' })))).toEqual([]);
    expect(openMonitoringIncidentUnits(typed(incident('c', { detection: 'Client' })))).toEqual([]);
    // A missed backup's incident (issue 15 item 3) is Monitoring too, but not an outage episode of the probe.
    const backup = incident('d', { priority: 'P3' });
    expect(openMonitoringIncidentUnits(typed({ ...backup, metadata: { ...backup.metadata, labels: { 'managedapps.dev/check': 'Backup' } } }))).toEqual([]);
  });

  it('never resolves before openedAt', () => {
    const i = incident('a', { openedAt: '2026-03-01T10:00:00Z' });
    expect(resolutionInstant(i, new Date('2026-03-01T10:05:00Z'))).toEqual(new Date('2026-03-01T10:05:00Z'));
    expect(resolutionInstant(i, new Date('2026-03-01T09:59:00Z'))).toEqual(new Date('2026-03-01T10:00:00Z'));
  });
});

describe('probe status', () => {
  const available = (status: Condition['status'], reason = 'ProbeSucceeded'): Condition =>
    ({ type: 'Available', status, reason, message: 'm', lastTransitionTime: '2026-03-01T09:00:00Z' });

  it.each([
    ['Up', undefined, 'True'],
    ['Down', available('True'), 'False'],
    ['Unknown', available('False', 'ProbeFailed'), 'False'],
    ['Unknown', undefined, 'Unknown'],
  ] as const)('Available from state %s (stored %o) is %s', (state, existing, expected) => {
    expect(availableStatus(state, existing)).toBe(expected);
  });

  it('keeps lastTransitionTime while Available does not flip, moves it when it does', () => {
    const base = { probedAt: new Date('2026-03-01T10:00:00.400Z'), durationMs: 12.5, consecutiveFailures: 0, consecutiveSuccesses: 4, failureThreshold: 3, successThreshold: 2, generation: 7 };
    const same = probeStatus({ ...base, outcome: { result: 'Success', available: 'True' }, existing: available('True') });
    expect(same.conditions[0]).toMatchObject({ status: 'True', lastTransitionTime: '2026-03-01T09:00:00Z', observedGeneration: 7 });
    expect(same.probe).toEqual({ lastProbeTime: '2026-03-01T10:00:00Z', lastResult: 'Success', durationSeconds: 0.013, consecutiveFailures: 0, consecutiveSuccesses: 4 });
    const flipped = probeStatus({ ...base, outcome: { result: 'Failure', available: 'False', message: 'HTTP 503' }, existing: available('True') });
    expect(flipped.conditions[0]).toMatchObject({ status: 'False', reason: 'ProbeFailed', lastTransitionTime: '2026-03-01T10:00:00Z' });
    expect(flipped.conditions[0]?.message).toContain('HTTP 503');
    expect(flipped.probe.message).toBe('HTTP 503');
    expect(flipped.openIncident).toBeUndefined();
    const withIncident = probeStatus({ ...base, outcome: { result: 'Failure', available: 'False', message: 'HTTP 503', openIncident: 'web-mon-20260301100000' }, existing: available('False', 'ProbeFailed') });
    expect(withIncident.openIncident).toEqual({ name: 'web-mon-20260301100000' });
  });

  it('reads back the outcome it wrote, so that a restart writes nothing new', () => {
    const written = probeStatus({
      outcome: { result: 'Failure', available: 'False', message: 'connection refused', openIncident: 'web-mon-1' }, probedAt: new Date(), durationMs: 1,
      consecutiveFailures: 3, consecutiveSuccesses: 0, failureThreshold: 3, successThreshold: 1, existing: undefined, generation: 1,
    });
    const stored = unit('web', { tcpSocket: { host: 'h', port: 1 } }, undefined, written);
    expect(outcomeKey(cachedOutcome(stored.status)!)).toBe(outcomeKey({ result: 'Failure', available: 'False', message: 'connection refused', openIncident: 'web-mon-1' }));
    expect(outcomeKey(cachedOutcome(stored.status)!)).not.toBe(outcomeKey({ result: 'Failure', available: 'False', message: 'connection refused' }));
    expect(cachedOutcome(unit('web').status)).toBeUndefined();
  });
});

describe('MaintenanceLookup', () => {
  const db = typed(unit('db', { tcpSocket: { host: 'h', port: 1 } }, { tier: 'db' }));
  const oneOff = window('patch', { start: '2026-03-01T10:00:00Z', duration: '2h', selector: { matchLabels: { tier: 'db' } } });

  it.each([
    ['before', '2026-03-01T09:59:59Z', false],
    ['at the start', '2026-03-01T10:00:00Z', true],
    ['inside', '2026-03-01T11:00:00Z', true],
    ['at the end', '2026-03-01T12:00:00Z', false],
  ])('a one-off window covers a matching unit: %s', (_name, at, covered) => {
    expect(new MaintenanceLookup().covering([oneOff], db, new Date(at)) !== undefined).toBe(covered);
  });

  it('ignores windows whose selector does not match or that do not exclude from availability', () => {
    const lookup = new MaintenanceLookup();
    const at = new Date('2026-03-01T11:00:00Z');
    expect(lookup.covering([window('other', { start: '2026-03-01T10:00:00Z', selector: { matchLabels: { tier: 'web' } } })], db, at)).toBeUndefined();
    expect(lookup.covering([window('counted', { start: '2026-03-01T10:00:00Z', excludeFromAvailability: false })], db, at)).toBeUndefined();
    expect(lookup.covering([window('all', { start: '2026-03-01T10:00:00Z', selector: {} })], db, at)).toBeDefined();
  });

  it('answers from its memo across calls and follows a recurring window over time', () => {
    const lookup = new MaintenanceLookup();
    const weekly = window('sundays', { recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU', startTime: '02:00' }, duration: '3h' });
    // Sunday 1 March 2026, 02:00-05:00 Paris = 01:00-04:00 UTC.
    expect(lookup.covering([weekly], db, new Date('2026-03-01T00:59:00Z'))).toBeUndefined();
    expect(lookup.covering([weekly], db, new Date('2026-03-01T01:30:00Z'))).toEqual({ start: new Date('2026-03-01T01:00:00Z'), end: new Date('2026-03-01T04:00:00Z') });
    expect(lookup.covering([weekly], db, new Date('2026-03-01T03:59:59Z'))).toBeDefined();
    expect(lookup.covering([weekly], db, new Date('2026-03-01T04:00:00Z'))).toBeUndefined();
    expect(lookup.covering([weekly], db, new Date('2026-03-08T02:00:00Z'))).toBeDefined();
  });

  it('moves a detection inside a window to its end (chained windows too)', () => {
    const lookup = new MaintenanceLookup();
    const next = window('next', { start: '2026-03-01T11:30:00Z', duration: '1h', selector: {} });
    expect(lookup.firstUncovered([oneOff, next], db, new Date('2026-03-01T10:15:00Z'))).toEqual(new Date('2026-03-01T12:30:00Z'));
    expect(lookup.firstUncovered([oneOff], db, new Date('2026-03-01T09:00:00Z'))).toEqual(new Date('2026-03-01T09:00:00Z'));
  });
});
