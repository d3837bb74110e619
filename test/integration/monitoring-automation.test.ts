// The incident automation against a real API server and real sockets: HTTP and TCP targets
// started here on 127.0.0.1 go down and up; the ProbeAutomation (a fresh Manager per test, no
// leader election) writes the unit's probe status, opens exactly one Monitoring incident with a
// deterministic name after the failure threshold and resolves it after recovery; an active
// maintenance window suppresses it; a failover during an outage does not open a second one; a
// client-reported incident is never auto-resolved; a target flapping every probe opens one
// incident for the episode, with a bounded number of writes (flap damping, issue 20 item 3).
// Waits are on outcomes (probes counted by the targets or by the scheduler), never on durations.
// Periods are 1s, the schema's floor; resolveAfter is 0s where a test waits for a resolution.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import type { Incident, InternalEndpoints, ServiceUnit } from '../../src/api/v1alpha1/index.ts';
import { Caches, registerControllers } from '../../src/controllers/index.ts';
import { ProbeAutomation, PROBER_FIELD_MANAGER } from '../../src/monitoring/automation.ts';
import { compactUtc } from '../../src/monitoring/unit-probe.ts';
import { ManualClock, type Clock } from '../../src/runtime/clock.ts';
import { Manager } from '../../src/runtime/manager.ts';

const group = 'managedapps.dev';
const version = 'v1alpha1';

/** An HTTP target: 200 while healthy, 503 otherwise; counts the requests it answered. */
class HttpTarget {
  healthy = true;
  requests = 0;
  readonly #server = http.createServer((_req, res) => {
    this.requests++;
    res.writeHead(this.healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(this.healthy ? 'ok' : 'unavailable');
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => { this.#server.listen(0, '127.0.0.1', resolve); });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/healthz`;
  }

  /** Resolves once `n` more requests were answered. */
  async more(n: number): Promise<void> {
    const target = this.requests + n;
    await eventually(() => this.requests >= target);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => { this.#server.close(() => { resolve(); }); });
  }
}

/**
 * A flapping HTTP target: while `flapping`, answers 500 and 200 in turn (500 first), one per
 * request, so with 1s probes it flaps every second; otherwise 200. Records when it answered its
 * first 500 and, after flapping stopped, its first 200.
 */
class FlappingTarget {
  flapping = false;
  requests = 0;
  failures = 0;
  firstFailureAt: Date | undefined;
  recoveredAt: Date | undefined;
  #next500 = true;
  readonly #server = http.createServer((_req, res) => {
    this.requests++;
    const fail = this.flapping && this.#next500;
    if (this.flapping) this.#next500 = !this.#next500;
    if (fail) {
      this.failures++;
      this.firstFailureAt ??= new Date();
    } else if (!this.flapping && this.firstFailureAt !== undefined) {
      this.recoveredAt ??= new Date();
    }
    res.writeHead(fail ? 500 : 200, { 'content-type': 'text/plain' }).end(fail ? 'boom' : 'ok');
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => { this.#server.listen(0, '127.0.0.1', resolve); });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/healthz`;
  }

  async more(n: number): Promise<void> {
    const target = this.requests + n;
    await eventually(() => this.requests >= target, { timeoutMs: n * 2_000 + 10_000 });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => { this.#server.close(() => { resolve(); }); });
  }
}

/** A TCP target: listening (up) or closed (connection refused) on a fixed port. */
class TcpTarget {
  port = 0;
  #server: net.Server | undefined;

  async open(): Promise<void> {
    const server = net.createServer((socket) => { socket.destroy(); });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => { resolve(); });
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
  }
}

describe('ProbeAutomation on a real API server', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let ns: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    custom = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'monitoring');
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  afterAll(async () => {
    // Units left behind would be probed by later automations in other files: delete them.
    const units = (await custom.listNamespacedCustomObject({ group, version, plural: 'serviceunits', namespace: ns })) as { items: ServiceUnit[] };
    for (const u of units.items) await custom.deleteNamespacedCustomObject({ group, version, plural: 'serviceunits', namespace: ns, name: u.metadata.name });
  });

  /**
   * A Manager (no leader election) running one ProbeAutomation (and the controllers if asked);
   * stopped after the test unless stopped before. Status writes at most one a second (as often as
   * the 1s probes) unless `statusWriteIntervalMs` says otherwise.
   */
  function startAutomation(options: { controllers?: boolean; statusWriteIntervalMs?: number; internalEndpoints?: InternalEndpoints; clock?: Clock; random?: () => number } = {}): { manager: Manager; automation: ProbeAutomation; stop: () => Promise<void> } {
    const manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, ...(options.clock !== undefined ? { clock: options.clock } : {}) });
    // The typed views the composition root shares between the controllers and the automation.
    const views = options.controllers === true ? registerControllers(manager).caches : new Caches(manager);
    const automation = new ProbeAutomation({
      manager, views, concurrency: 16, statusWriteIntervalMs: options.statusWriteIntervalMs ?? 1000,
      ...(options.internalEndpoints !== undefined ? { internalEndpoints: options.internalEndpoints } : {}),
      ...(options.random !== undefined ? { random: options.random } : {}),
    });
    manager.add(automation);
    manager.start();
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => (stopped ??= manager.stop());
    cleanups.push(stop);
    return { manager, automation, stop };
  }

  const createUnit = async (name: string, monitoring: Record<string, unknown>, labels?: Record<string, string>): Promise<void> => {
    await custom.createNamespacedCustomObject({
      group, version, plural: 'serviceunits', namespace: ns,
      body: {
        apiVersion: `${group}/${version}`, kind: 'ServiceUnit', metadata: { name, ...(labels !== undefined ? { labels } : {}) },
        spec: { level: 'OS', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }], environment: 'Production', monitoring },
      },
    });
    cleanups.push(() => custom.deleteNamespacedCustomObject({ group, version, plural: 'serviceunits', namespace: ns, name }));
  };
  const readUnit = async (name: string): Promise<ServiceUnit> =>
    (await custom.getNamespacedCustomObject({ group, version, plural: 'serviceunits', namespace: ns, name })) as ServiceUnit;
  const incidentsOf = async (unit: string): Promise<Incident[]> => {
    const list = (await custom.listNamespacedCustomObject({ group, version, plural: 'incidents', namespace: ns })) as { items: Incident[] };
    return list.items.filter((i) => i.spec.unitRefs.some((r) => r.name === unit));
  };
  const monitoringIncidentsOf = async (unit: string): Promise<Incident[]> =>
    (await incidentsOf(unit)).filter((i) => i.spec.detection === 'Monitoring');
  const available = (u: ServiceUnit) => u.status?.conditions?.find((c) => c.type === 'Available');
  /** Waits until the scheduler of `automation` has run `n` more probes of `key`. */
  const moreProbes = async (automation: ProbeAutomation, key: string, n: number): Promise<void> => {
    const s = automation.status(key);
    const start = (s?.consecutiveFailures ?? 0) + (s?.consecutiveSuccesses ?? 0);
    await eventually(() => {
      const now = automation.status(key);
      return (now?.consecutiveFailures ?? 0) + (now?.consecutiveSuccesses ?? 0) >= start + n;
    });
  };
  /** Status writes to the ServiceUnit `name` in the audit log, by field manager. */
  const statusWrites = (name: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const line of readFileSync(info.auditLogPath!, 'utf8').split('\n')) {
      if (line === '') continue;
      const e = JSON.parse(line) as { verb: string; requestURI: string; stage?: string; objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string } };
      const ref = e.objectRef;
      if (e.verb !== 'patch' || ref?.resource !== 'serviceunits' || ref.subresource !== 'status' || ref.namespace !== ns || ref.name !== name) continue;
      const manager = new URL(e.requestURI, 'https://x').searchParams.get('fieldManager') ?? '';
      counts.set(manager, (counts.get(manager) ?? 0) + 1);
    }
    return counts;
  };
  /** Writes to Incidents whose name starts with `prefix`, by verb (create, patch, ...), from the audit log. */
  const incidentWrites = (prefix: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const line of readFileSync(info.auditLogPath!, 'utf8').split('\n')) {
      if (line === '') continue;
      const e = JSON.parse(line) as { verb: string; objectRef?: { resource?: string; namespace?: string; name?: string } };
      const ref = e.objectRef;
      if (ref?.resource !== 'incidents' || ref.namespace !== ns || ref.name?.startsWith(prefix) !== true || e.verb === 'get' || e.verb === 'list' || e.verb === 'watch') continue;
      counts.set(e.verb, (counts.get(e.verb) ?? 0) + 1);
    }
    return counts;
  };
  /** Writes an audited marker and waits for it: every write answered before it is then in the log. */
  const auditBarrier = async (): Promise<void> => {
    const name = `barrier-${Math.random().toString(36).slice(2, 8)}`;
    await custom.createNamespacedCustomObject({
      group, version, plural: 'maintenancewindows', namespace: ns,
      body: { apiVersion: `${group}/${version}`, kind: 'MaintenanceWindow', metadata: { name }, spec: { purpose: 'Maintenance', start: '2020-01-01T00:00:00Z', duration: '1h', selector: { matchLabels: { none: 'none' } } } },
    });
    cleanups.push(() => custom.deleteNamespacedCustomObject({ group, version, plural: 'maintenancewindows', namespace: ns, name }));
    await eventually(() => readFileSync(info.auditLogPath!, 'utf8').includes(`"name":"${name}"`));
  };
  /** Whole-second floor, as the API stores times. */
  const floorSecond = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

  it('HTTP: keeps the probe status without writing while nothing changes, opens exactly one incident after the threshold, resolves it after recovery', async () => {
    const target = new HttpTarget();
    await target.start();
    cleanups.push(() => target.close());
    const { automation } = startAutomation();
    await createUnit('web', {
      httpGet: { url: target.url }, period: '1s', timeout: '500ms', failureThreshold: 3, successThreshold: 2, resolveAfter: '0s', incidentPriority: 'P2',
    });

    const upUnit = await eventually(async () => {
      const u = await readUnit('web');
      expect(u.status?.probe).toMatchObject({ lastResult: 'Success', consecutiveFailures: 0 });
      expect(u.status?.probe?.message).toBeUndefined();
      expect(available(u)).toMatchObject({ status: 'True', reason: 'ProbeSucceeded', observedGeneration: 1 });
      return u;
    });
    // The prober owns its fields under its own manager, on the status subresource.
    expect(upUnit.metadata.managedFields).toEqual(expect.arrayContaining([
      expect.objectContaining({ manager: PROBER_FIELD_MANAGER, operation: 'Apply', subresource: 'status' }),
    ]));
    // A quiet unit: more successful probes write nothing.
    await target.more(6);
    expect((await readUnit('web')).metadata.resourceVersion).toBe(upUnit.metadata.resourceVersion);

    // A probe in flight when the target flips (≤ the 500 ms timeout) may be the first failing one.
    const wentDown = floorSecond(new Date(Date.now() - 500));
    target.healthy = false;
    const [incident] = await eventually(async () => {
      const found = await monitoringIncidentsOf('web');
      expect(found).toHaveLength(1);
      return found;
    });
    const openedAt = new Date(incident!.spec.openedAt);
    expect(incident!.metadata.name).toBe(`web-mon-${compactUtc(openedAt)}`);
    expect(openedAt.getTime()).toBeGreaterThanOrEqual(wentDown.getTime());
    expect(openedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(incident!.spec).toMatchObject({ detection: 'Monitoring', priority: 'P2', cause: 'Unknown', unitRefs: [{ name: 'web' }] });
    expect(incident!.spec.summary).toContain('HTTP 503');
    expect(incident!.spec.resolvedAt).toBeUndefined();
    await eventually(async () => {
      const u = await readUnit('web');
      expect(u.status?.probe).toMatchObject({ lastResult: 'Failure' });
      expect(u.status?.probe?.message).toContain('HTTP 503');
      expect(available(u)).toMatchObject({ status: 'False', reason: 'ProbeFailed' });
      expect(u.status?.openIncident).toEqual({ name: incident!.metadata.name });
    });

    // The outage goes on: still exactly one incident.
    await target.more(6);
    expect((await monitoringIncidentsOf('web')).map((i) => i.metadata.name)).toEqual([incident!.metadata.name]);

    target.healthy = true;
    const resolved = await eventually(async () => {
      const [i] = await monitoringIncidentsOf('web');
      expect(i?.spec.resolvedAt).toBeDefined();
      return i!;
    });
    expect(resolved.metadata.name).toBe(incident!.metadata.name);
    expect(new Date(resolved.spec.resolvedAt!).getTime()).toBeGreaterThanOrEqual(openedAt.getTime());
    await eventually(async () => {
      const u = await readUnit('web');
      expect(available(u)).toMatchObject({ status: 'True', reason: 'ProbeSucceeded' });
      expect(u.status?.probe?.message).toBeUndefined();
      expect(u.status?.openIncident).toBeUndefined();
    });
    await target.more(4);
    expect(await monitoringIncidentsOf('web')).toHaveLength(1);
    expect(automation.probeSnapshot()).toContainEqual({ namespace: ns, name: 'web', up: true, maintenance: false, probeAgeRatio: expect.any(Number) });
  });

  it('TCP: a refused connection opens one incident; resolving it by hand during the outage does not reopen another; recovery', async () => {
    const target = new TcpTarget();
    await target.open();
    cleanups.push(() => target.close());
    const { automation } = startAutomation();
    const key = `${ns}/db`;
    await createUnit('db', { tcpSocket: { host: '127.0.0.1', port: target.port }, period: '1s', timeout: '500ms', resolveAfter: '0s', failureThreshold: 2, successThreshold: 1, incidentPriority: 'P1' });
    await eventually(async () => { expect(available(await readUnit('db'))?.status).toBe('True'); });

    await target.close();
    const [incident] = await eventually(async () => {
      const found = await monitoringIncidentsOf('db');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(incident!.metadata.name).toBe(`db-mon-${compactUtc(new Date(incident!.spec.openedAt))}`);
    expect(incident!.spec).toMatchObject({ detection: 'Monitoring', priority: 'P1' });
    expect(incident!.spec.summary).toContain('connection refused');

    // Someone resolves it while the target is still down: it was this outage's incident, so the
    // automation does not open a second one for the same outage.
    await custom.patchNamespacedCustomObject({
      group, version, plural: 'incidents', namespace: ns, name: incident!.metadata.name,
      body: [{ op: 'add', path: '/spec/resolvedAt', value: new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, 'Z') }],
    });
    await moreProbes(automation, key, 8);
    expect(automation.status(key)?.state).toBe('Down');
    expect(await monitoringIncidentsOf('db')).toHaveLength(1);

    await target.open();
    await eventually(async () => { expect(available(await readUnit('db'))?.status).toBe('True'); });
    expect(await monitoringIncidentsOf('db')).toHaveLength(1);
  });

  it('inside an active maintenance window: probed, status kept, no incident, metrics say maintenance; the incident opens once the window is gone', async () => {
    const target = new HttpTarget();
    await target.start();
    cleanups.push(() => target.close());
    await custom.createNamespacedCustomObject({
      group, version, plural: 'maintenancewindows', namespace: ns,
      body: {
        apiVersion: `${group}/${version}`, kind: 'MaintenanceWindow', metadata: { name: 'patching' },
        spec: {
          purpose: 'SecurityPatching', start: new Date(Date.now() - 600_000).toISOString().replace(/\.\d+Z$/, 'Z'), duration: '2h', timeZone: 'Europe/Paris',
          selector: { matchLabels: { tier: 'batch' } },
        },
      },
    });
    cleanups.push(() => custom.deleteNamespacedCustomObject({ group, version, plural: 'maintenancewindows', namespace: ns, name: 'patching' }));
    const { automation } = startAutomation();
    const key = `${ns}/batch`;
    await createUnit('batch', { httpGet: { url: target.url }, period: '1s', timeout: '500ms', resolveAfter: '0s', failureThreshold: 2, successThreshold: 1 }, { tier: 'batch' });
    await eventually(async () => { expect(available(await readUnit('batch'))?.status).toBe('True'); });
    expect(automation.probeSnapshot()).toContainEqual({ namespace: ns, name: 'batch', up: true, maintenance: true, probeAgeRatio: expect.any(Number) });

    target.healthy = false;
    await eventually(async () => { expect(available(await readUnit('batch'))).toMatchObject({ status: 'False', reason: 'ProbeFailed' }); });
    await target.more(8);
    expect(automation.status(key)?.state).toBe('Down');
    expect(await incidentsOf('batch')).toEqual([]);
    expect(automation.probeSnapshot()).toContainEqual({ namespace: ns, name: 'batch', up: false, maintenance: true, probeAgeRatio: expect.any(Number) });

    // The window goes away while the unit is still down: now the outage counts.
    await custom.deleteNamespacedCustomObject({ group, version, plural: 'maintenancewindows', namespace: ns, name: 'patching' });
    await eventually(async () => { expect(await monitoringIncidentsOf('batch')).toHaveLength(1); });
    expect(automation.probeSnapshot()).toContainEqual({ namespace: ns, name: 'batch', up: false, maintenance: false, probeAgeRatio: expect.any(Number) });
  });

  it('a failover during an outage does not open a second incident; the new leader resolves the first', async () => {
    const target = new HttpTarget();
    await target.start();
    cleanups.push(() => target.close());
    const key = `${ns}/api`;
    const a = startAutomation();
    await createUnit('api', { httpGet: { url: target.url }, period: '1s', timeout: '500ms', resolveAfter: '0s', failureThreshold: 3, successThreshold: 1, incidentPriority: 'P2' });
    await eventually(async () => { expect(available(await readUnit('api'))?.status).toBe('True'); });

    target.healthy = false;
    const [first] = await eventually(async () => {
      const found = await monitoringIncidentsOf('api');
      expect(found).toHaveLength(1);
      return found;
    });
    await a.stop();

    // A new leader, with a fresh scheduler and no memory, while the target is still down.
    const b = startAutomation();
    await eventually(() => { expect(b.automation.status(key)?.state).toBe('Down'); });
    await moreProbes(b.automation, key, 6);
    const during = await monitoringIncidentsOf('api');
    expect(during.map((i) => i.metadata.name)).toEqual([first!.metadata.name]);
    expect(during[0]!.spec.resolvedAt).toBeUndefined();
    // The stored condition survived the failover.
    expect(available(await readUnit('api'))?.status).toBe('False');

    target.healthy = true;
    await eventually(async () => {
      const after = await monitoringIncidentsOf('api');
      expect(after.map((i) => i.metadata.name)).toEqual([first!.metadata.name]);
      expect(after[0]!.spec.resolvedAt).toBeDefined();
    });
  });

  it('alongside the controllers: each field manager keeps its own status fields, and a quiet unit sees no status writes', async () => {
    const target = new HttpTarget();
    await target.start();
    cleanups.push(() => target.close());
    startAutomation({ controllers: true });
    await createUnit('cache', { httpGet: { url: target.url }, period: '1s', timeout: '500ms', resolveAfter: '0s', failureThreshold: 2, successThreshold: 1 });
    const settled = await eventually(async () => {
      const u = await readUnit('cache');
      expect(available(u)).toMatchObject({ status: 'True', reason: 'ProbeSucceeded' });
      expect(u.status?.probe?.lastResult).toBe('Success');
      // The controllers' part of the same status (their Ready summary and observedGeneration).
      expect(u.status?.observedGeneration).toBe(1);
      expect(u.status?.conditions?.some((c) => c.type === 'Ready')).toBe(true);
      return u;
    });
    await target.more(6);
    await auditBarrier();
    const before = statusWrites('cache');
    expect(before.get(PROBER_FIELD_MANAGER)).toBeGreaterThanOrEqual(1);
    await target.more(10);
    await auditBarrier();
    expect(statusWrites('cache')).toEqual(before);
    const after = await readUnit('cache');
    expect(available(after)).toEqual(available(settled));
    expect(after.status?.probe).toEqual(settled.status?.probe);

    // A change of the probe's outcome is written by the prober without erasing the controllers' fields.
    target.healthy = false;
    await eventually(async () => {
      const u = await readUnit('cache');
      expect(available(u)).toMatchObject({ status: 'False', reason: 'ProbeFailed' });
      expect(u.status?.observedGeneration).toBe(1);
      expect(u.status?.conditions?.some((c) => c.type === 'Ready')).toBe(true);
    });
  });

  it('never auto-resolves a client-reported incident on the same unit', async () => {
    const target = new HttpTarget();
    await target.start();
    cleanups.push(() => target.close());
    const { automation } = startAutomation();
    const key = `${ns}/shop`;
    await createUnit('shop', { httpGet: { url: target.url }, period: '1s', timeout: '500ms', resolveAfter: '0s', failureThreshold: 2, successThreshold: 1, incidentPriority: 'P1' });
    await custom.createNamespacedCustomObject({
      group, version, plural: 'incidents', namespace: ns,
      body: {
        apiVersion: `${group}/${version}`, kind: 'Incident', metadata: { name: 'shop-slow-checkout' },
        spec: { unitRefs: [{ name: 'shop' }], priority: 'P3', summary: 'checkout is slow', detection: 'Client', openedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), cause: 'Unknown' },
      },
    });
    await eventually(async () => { expect(available(await readUnit('shop'))?.status).toBe('True'); });

    target.healthy = false;
    await eventually(async () => { expect(await monitoringIncidentsOf('shop')).toHaveLength(1); });
    target.healthy = true;
    await eventually(async () => { expect((await monitoringIncidentsOf('shop'))[0]?.spec.resolvedAt).toBeDefined(); });
    await moreProbes(automation, key, 6);

    const all = await incidentsOf('shop');
    expect(all).toHaveLength(2);
    const client = all.find((i) => i.metadata.name === 'shop-slow-checkout');
    expect(client?.spec.detection).toBe('Client');
    expect(client?.spec.resolvedAt).toBeUndefined();
  });
  it('flap damping: a target flapping every second opens ONE incident for the episode, from its first failure to its final recovery, with bounded writes', async () => {
    const target = new FlappingTarget();
    await target.start();
    cleanups.push(() => target.close());
    // The default write interval (10 s), as in production.
    const { automation } = startAutomation({ statusWriteIntervalMs: 10_000 });
    const key = `${ns}/flappy`;
    const createdAt = Date.now();
    // failureThreshold 1, successThreshold 1: every probe flips the scheduler's state, the worst case.
    await createUnit('flappy', {
      httpGet: { url: target.url }, period: '1s', timeout: '500ms', failureThreshold: 1, successThreshold: 1, openAfter: '5s', resolveAfter: '10s', incidentPriority: 'P1',
    });
    await eventually(async () => { expect(available(await readUnit('flappy'))?.status).toBe('True'); });

    // 30 probes flapping: 15 failures (500), 15 successes (200), alternating, one a second.
    target.flapping = true;
    await target.more(30);
    target.flapping = false;
    const failures = target.failures;
    // One incident: the first failure starts the episode; it is 5 s old at the 4th failure
    // (t = 0, 2, 4, 6 s) and opens; each success lasts 1 s < resolveAfter (10 s), so every later
    // failure joins the same episode.
    const [incident] = await eventually(async () => {
      const found = await monitoringIncidentsOf('flappy');
      expect(found).toHaveLength(1);
      expect(found[0]!.spec.resolvedAt).toBeDefined();
      return found;
    }, { timeoutMs: 60_000 });
    await auditBarrier();
    const endedAt = Date.now();
    const openedAt = new Date(incident!.spec.openedAt);
    const resolvedAt = new Date(incident!.spec.resolvedAt!);
    // openedAt: the start of the probe that got the first 500, in whole seconds; the probe started
    // at most its 500 ms timeout before the answer.
    expect(openedAt.getTime()).toBeLessThanOrEqual(target.firstFailureAt!.getTime());
    expect(openedAt.getTime()).toBeGreaterThanOrEqual(floorSecond(new Date(target.firstFailureAt!.getTime() - 500)).getTime());
    // resolvedAt: the start of the first probe of the final recovery (the first 200 after flapping stopped, or the 200 just before it).
    expect(resolvedAt.getTime()).toBeLessThanOrEqual(target.recoveredAt!.getTime());
    expect(resolvedAt.getTime()).toBeGreaterThanOrEqual(floorSecond(new Date(target.recoveredAt!.getTime() - 1_500)).getTime());
    expect(automation.status(key)?.state).toBe('Up');

    // Writes: the incident is created once and resolved once (a merge patch);
    const incidentCounts = incidentWrites('flappy-mon-');
    // status: at most one per 10 s, plus the first: ≤ ceil(elapsed / 10 s) + 1 (elapsed ≈ 50 s: ≤ 6),
    // where one write per flip would be about 30.
    const statusCounts = statusWrites('flappy').get(PROBER_FIELD_MANAGER) ?? 0;
    const bound = Math.ceil((endedAt - createdAt) / 10_000) + 1;
    console.log(`flap damping: ${failures} failures in 30 probes -> ${(await monitoringIncidentsOf('flappy')).length} incident(s); incident writes ${JSON.stringify(Object.fromEntries(incidentCounts))}; status writes ${statusCounts} (bound ${bound}) in ${Math.round((endedAt - createdAt) / 1000)} s`);
    expect(failures).toBe(15);
    expect(Object.fromEntries(incidentCounts)).toEqual({ create: 1, patch: 1 });
    expect(statusCounts).toBeGreaterThanOrEqual(1);
    expect(statusCounts).toBeLessThanOrEqual(bound);
  });
  it('flap damping across a restart: a new leader mid-episode adopts the open incident, opens no second one, and resolves it after recovery', async () => {
    const target = new FlappingTarget();
    await target.start();
    cleanups.push(() => target.close());
    const key = `${ns}/flappy2`;
    const a = startAutomation();
    await createUnit('flappy2', {
      httpGet: { url: target.url }, period: '1s', timeout: '500ms', failureThreshold: 1, successThreshold: 1, openAfter: '2s', resolveAfter: '5s', incidentPriority: 'P2',
    });
    await eventually(async () => { expect(available(await readUnit('flappy2'))?.status).toBe('True'); });
    target.flapping = true;
    // Failures at 0, 2, 4 s: the episode is 2 s old at the second one, which opens the incident.
    const [first] = await eventually(async () => {
      const found = await monitoringIncidentsOf('flappy2');
      expect(found).toHaveLength(1);
      return found;
    });
    await a.stop();

    // A new leader, no memory, while the target still flaps: 10 more flaps (5 failures).
    const b = startAutomation();
    await target.more(10);
    expect(b.automation.status(key)?.state).toBeDefined();
    expect((await monitoringIncidentsOf('flappy2')).map((i) => [i.metadata.name, i.spec.resolvedAt])).toEqual([[first!.metadata.name, undefined]]);
    target.flapping = false;
    const after = await eventually(async () => {
      const found = await monitoringIncidentsOf('flappy2');
      expect(found.map((i) => i.metadata.name)).toEqual([first!.metadata.name]);
      expect(found[0]!.spec.resolvedAt).toBeDefined();
      return found[0]!;
    });
    // Resolved at the first success of the final recovery, at most ~1 s before the first 200 after flapping stopped.
    expect(new Date(after.spec.resolvedAt!).getTime()).toBeLessThanOrEqual(target.recoveredAt!.getTime());
    expect(after.spec.openedAt).toBe(first!.spec.openedAt);
  });

  it('the injected clock reaches the prober: a probe timed out on the Manager\'s ManualClock opens an incident at that clock\'s instant', async () => {
    // A target that accepts the request and never answers: only the probe's timeout ends it, and
    // that timeout runs on the injected clock, not on the real one.
    let requests = 0;
    const silent = http.createServer(() => { requests++; });
    await new Promise<void>((resolve) => { silent.listen(0, '127.0.0.1', resolve); });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/healthz`;
    // 4 March 2031, 05:06:07.250 UTC: a day the test never runs on.
    const t0 = new Date('2031-03-04T05:06:07.250Z');
    const clock = new ManualClock(t0);
    // random 0: a new target's first probe is due at once (now + 0 × period), jitter at its low end.
    const { automation } = startAutomation({ clock, random: () => 0 });
    // The hung probe holds the scheduler's stop: drop the target's connections first (cleanups run last-in first).
    cleanups.push(() => new Promise<void>((resolve) => { silent.closeAllConnections(); silent.close(() => { resolve(); }); }));
    const key = `${ns}/frozen`;
    await createUnit('frozen', { httpGet: { url }, period: '1s', timeout: '500ms', failureThreshold: 1, successThreshold: 1, openAfter: '0s', resolveAfter: '0s', incidentPriority: 'P2' });
    await eventually(() => automation.units().includes(key));

    // The first probe is due at t0: it starts, reaches the target, and waits.
    clock.advance(0);
    await eventually(() => requests >= 1);
    // Its 500 ms timeout is a timer of the ManualClock, which has not moved: no verdict, whatever the real time.
    expect(automation.status(key)?.lastResult).toBeUndefined();

    // t0 + 500 ms on the clock: the timeout fires; the probe took 500 ms of the clock's time.
    clock.advance(500);
    await eventually(() => { expect(automation.status(key)?.lastResult).toMatchObject({ up: false, durationMs: 500, message: `GET ${url}: timed out after 500 ms` }); });

    // failureThreshold 1 and openAfter 0s: the episode starts at the probe's start, t0, and opens at
    // once. openedAt is t0 to the second, 2031-03-04T05:06:07Z (07.250 truncated), and the name
    // <unit>-mon-<yyyymmddhhmmss of t0 in UTC> is frozen-mon-20310304050607.
    const [incident] = await eventually(async () => {
      const found = await monitoringIncidentsOf('frozen');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(incident!.metadata.name).toBe('frozen-mon-20310304050607');
    expect(incident!.spec).toMatchObject({ openedAt: '2031-03-04T05:06:07Z', detection: 'Monitoring', priority: 'P2' });
    expect(incident!.spec.summary).toBe(`frozen is down: GET ${url}: timed out after 500 ms`);
    // The status: probed at t0 (to the second), 0.5 s long on the clock, Available False since t0.
    await eventually(async () => {
      const u = await readUnit('frozen');
      expect(u.status?.probe).toMatchObject({ lastProbeTime: '2031-03-04T05:06:07Z', lastResult: 'Failure', durationSeconds: 0.5, consecutiveFailures: 1 });
      expect(available(u)).toMatchObject({ status: 'False', reason: 'ProbeFailed', lastTransitionTime: '2031-03-04T05:06:07Z' });
    });
    // `status.openIncident`: in that first write if the incident reached the cache before it, else
    // requeued to the end of the 1 s write interval (first write at t0 + 500 ms, so t0 + 1.5 s), a
    // timer of the same clock: it is written only as the clock moves on (steps of 250 ms here).
    await eventually(async () => {
      clock.advance(250);
      expect((await readUnit('frozen')).status?.openIncident).toEqual({ name: 'frozen-mon-20310304050607' });
    });
  });

  it('a unit stored with a probe of the API server (webhook off) is not probed: NotProbed with the reason, no incident', async () => {
    startAutomation({ internalEndpoints: { apiServer: info.server, ports: [] } });
    await createUnit('ssrf', { httpGet: { url: `${info.server}/api/v1/namespaces/kube-system/secrets` }, period: '1s', timeout: '500ms', failureThreshold: 1 });
    await eventually(async () => {
      const u = await readUnit('ssrf');
      expect(available(u)).toMatchObject({ status: 'Unknown', reason: 'NotProbed' });
      expect(u.status?.probe?.message).toMatch(/^not probed: spec\.monitoring\.httpGet\.url: 127\.0\.0\.1:\d+ is the cluster's own API server/);
    });
    expect(await incidentsOf('ssrf')).toEqual([]);
  });
});
