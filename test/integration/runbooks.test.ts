// Runbook Jobs (issue 14 item 3) on a real API server with simulated nodes (KWOK,
// test/controlplane/kwok.ts): the Job controller of kube-controller-manager creates the pods, the
// scheduler binds them to a fake node, kwok's stages make them succeed (its pod-complete stage)
// or fail (FAIL_STAGE below, for pods labelled managedapps.dev/kwok-outcome: fail), so a Job
// completes or fails as on a real cluster. The controllers run in this process on an explicit
// clock starting at Tuesday 17 November 2026, 10:00:00Z (11:00 Paris, business hours), moving
// at the real pace; never the day the test runs.
//
// Why a control plane of its own: kwok renews a node Lease every 10 s (the shared plane's audit
// log counts those writes) and Ready pods give Services endpoints; nothing here may disturb the
// other files. No webhook runs: what the controller does when the webhook was bypassed is part
// of what is tested (a privileged runbook stored anyway is Ready=False InvalidSpec and never run).
//
// Instants (T0 = 2026-11-17T10:00:00Z; Paris is UTC+1 in November):
// - window `soon`: one-off at T0+20 s, 1 h: the approved change `chg-soon` is Waiting with
//   startAt 10:00:20Z, has no Job before, gets it at that instant;
// - window `running`: one-off from 09:00Z (T0−1 h) for 2 h: `chg-running` (approved) gets its Job
//   at once; `chg-unapproved` (a provider change nobody approved) never;
// - window `tomorrow`: one-off 2026-11-18T22:00Z: `chg-p1`, a provider change for the open P1
//   `inc-p1`, unapproved, runs at once anyway (domain.md §10), with its notice;
// - `chg-client`: a client change without window, requested 09:00Z (10:00 Paris): business hours,
//   its Job at once; Premium, simple: GTC 8 h of business hours from 10:00 Paris = 18:00 Paris
//   the same day = 17:00Z; done in seconds, on time; covered seconds = completedAt − 09:00Z (all
//   inside 09:00-18:00 Paris);
// - `chg-fail`: a client change whose Job fails (backoffLimit 0, one failed pod): phase Failed
//   with the Job's message (BackoffLimitExceeded), its rollback Job created and succeeded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, type KubeConfig, type V1Job } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, clockStartingAt, type Clock, type Condition } from '../../src/runtime/index.ts';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { installCrds, readCrds } from '../controlplane/crds.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { ensureKwokTools, KWOK_PLACEMENT, startSimulatedNodes, type SimulatedNodes } from '../controlplane/kwok.ts';
import { attempt } from '../support/attempt.ts';
import { changeRequest, contract, createAll, GROUP, incident, serviceUnit, tenant, VERSION, withSpec, type Manifest } from './fixtures.ts';

const T0 = new Date('2026-11-17T10:00:00Z');
const at = (offsetMs: number): string => new Date(T0.getTime() + offsetMs).toISOString().replace('.000Z', 'Z');
const FAIL_LABEL = 'managedapps.dev/kwok-outcome';

// A Stage (kwok.x-k8s.io/v1alpha1) that fails the running pods labelled FAIL_LABEL=fail: their
// container exits 1 and the pod's phase is Failed. Its weight beats kwok's pod-complete stage,
// which the pods also switch off (weight 0, by the annotation that stage reads).
const FAIL_STAGE = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-fail-runbook-test
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values: ['Running']
    - key: '.metadata.labels["${FAIL_LABEL}"]'
      operator: 'In'
      values: ['fail']
  weight: 10000
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 1
            finishedAt: {{ $now | Quote }}
            reason: Error
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Failed
`;

/** A Job spec whose one pod lands on the fake node and succeeds (or fails). */
const jobSpec = (outcome: 'succeed' | 'fail') => ({
  backoffLimit: 0,
  template: {
    metadata: outcome === 'fail' ? { labels: { [FAIL_LABEL]: 'fail' }, annotations: { 'pod-complete.stage.kwok.x-k8s.io/weight': '0' } } : { labels: { [FAIL_LABEL]: 'succeed' } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'runbook', image: 'registry.example/runbook:1', command: ['/bin/patch'] }], ...KWOK_PLACEMENT },
  },
});
const runbook = (extra: Record<string, unknown> = {}, outcome: 'succeed' | 'fail' = 'succeed') => ({ template: { metadata: { labels: { app: 'runbook' } }, spec: jobSpec(outcome) }, ...extra });
const window = (name: string, start: string, duration: string): Manifest => ({
  apiVersion: `${GROUP}/${VERSION}`, kind: 'MaintenanceWindow', metadata: { name },
  spec: { purpose: 'Maintenance', start, duration, timeZone: 'Europe/Paris', selector: {}, excludeFromAvailability: false },
});
const approved = { approval: { decision: 'Approved', approvedBy: 'alice', decidedAt: at(-3_600_000) } };
const providerChange = (name: string, spec: Record<string, unknown>): Manifest => changeRequest(name, 'os-1', withSpec({ initiator: 'Provider', requestedAt: at(-2 * 3_600_000), ...spec }));

type Obj = { metadata: { name: string }; spec: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: Condition[]; runbook?: Record<string, Record<string, string> | string> } };

describe('runbook Jobs on simulated nodes (KWOK)', () => {
  const log = pino({ level: 'silent' });
  let plane: ControlPlane | undefined;
  let nodes: SimulatedNodes | undefined;
  let controllers: Manager | undefined;
  let kc: KubeConfig;
  let ns: string;
  let clock: Clock;

  const get = async (name: string): Promise<Obj> =>
    (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'changerequests', namespace: ns, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (name: string, check: (o: Obj) => void, timeoutMs = 60_000): Promise<Obj> => eventually(async () => { const o = await get(name); check(o); return o; }, { timeoutMs });
  const job = async (name: string): Promise<V1Job | undefined> => {
    const r = await attempt<V1Job>(() => kc.makeApiClient(BatchV1Api).readNamespacedJob({ name, namespace: ns }));
    if (!r.ok && r.code !== 404) throw new Error(r.message);
    return r.ok ? r.object : undefined;
  };

  beforeAll(async () => {
    await ensureKwokTools();
    plane = await startControlPlane();
    kc = plane.kubeConfig();
    await installCrds(kc, readCrds(join(import.meta.dirname, '..', '..', 'crds')));
    const stageDir = mkdtempSync(join(tmpdir(), 'mao-runbooks-'));
    writeFileSync(join(stageDir, 'pod-fail.yaml'), FAIL_STAGE);
    nodes = await startSimulatedNodes(plane.info, { nodes: ['kwok-node-0'], stages: [join(stageDir, 'pod-fail.yaml')] });
    ns = await createNamespace(kc, 'runbooks');
    // The namespace's default ServiceAccount (the Job's pods run as it) comes from kube-controller-manager.
    await eventually(async () => { await kc.makeApiClient(CoreV1Api).readNamespacedServiceAccount({ name: 'default', namespace: ns }); });
    await createAll(kc, ns, [
      tenant('t'),
      contract('c'), // Premium in production: simple change 8 h (domain.md §7)
      serviceUnit('os-1'),
      incident('inc-p1', 'os-1', withSpec({ openedAt: at(-30 * 60_000) })), // open P1 since 09:30Z
      window('soon', at(20_000), '1h'),
      window('running', at(-3_600_000), '2h'),
      window('tomorrow', '2026-11-18T22:00:00Z', '2h'),
      providerChange('chg-soon', { ...approved, runbook: runbook({ windowRef: { name: 'soon' } }) }),
      providerChange('chg-running', { ...approved, runbook: runbook({ windowRef: { name: 'running' } }) }),
      providerChange('chg-unapproved', { runbook: runbook({ windowRef: { name: 'running' } }) }),
      providerChange('chg-p1', { relatedIncident: { name: 'inc-p1' }, runbook: runbook({ windowRef: { name: 'tomorrow' } }) }),
      changeRequest('chg-client', 'os-1', withSpec({ requestedAt: at(-3_600_000), runbook: runbook() })),
      changeRequest('chg-fail', 'os-1', withSpec({ requestedAt: at(-3_600_000), runbook: { ...runbook({}, 'fail'), rollback: { spec: jobSpec('succeed') } } })),
      // Stored while the webhook was down: refused by the controller, naming the field.
      changeRequest('chg-privileged', 'os-1', withSpec({
        requestedAt: at(-3_600_000),
        runbook: { template: { spec: { ...jobSpec('succeed'), template: { spec: { ...jobSpec('succeed').template.spec, containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } } } },
      })),
    ]);
    clock = clockStartingAt(T0);
    controllers = new Manager({ kubeConfig: kc, logger: log, leaderElection: false, clock, watch: { namespaces: [ns] } });
    registerControllers(controllers, { clock });
    controllers.start();
    expect(await controllers.waitForCacheSync()).toBe(true);
  }, 900_000);

  afterAll(async () => {
    await controllers?.stop();
    await nodes?.stop();
    await plane?.stop();
  });

  it('an approved change\'s Job is created at its window\'s start, not before, and its success completes the change', async () => {
    const waiting = await waitFor('chg-soon', (o) => { expect(cond(o, 'RunbookSucceeded')?.reason).toBe('RunbookWaiting'); });
    expect(waiting.status?.runbook).toEqual({ startAt: '2026-11-17T10:00:20Z', slot: 'MaintenanceWindow' });
    expect(cond(waiting, 'RunbookSucceeded')?.message).toBe('its Job is created at 2026-11-17T10:00:20Z (the agreed occurrence 2026-11-17T10:00:20Z to 2026-11-17T11:00:20Z of its MaintenanceWindow)');
    // Before the start on the operator's clock: no Job.
    expect(clock.now().getTime()).toBeLessThan(new Date('2026-11-17T10:00:19Z').getTime());
    expect(await job('chg-soon-run')).toBeUndefined();

    const done = await waitFor('chg-soon', (o) => { expect(o.status?.phase).toBe('Completed'); });
    const created = new Date((done.status?.runbook as { job: { createdAt: string } }).job.createdAt).getTime();
    expect(created).toBeGreaterThanOrEqual(new Date('2026-11-17T10:00:20Z').getTime());
    const j = await job('chg-soon-run');
    expect(j?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'ChangeRequest', name: 'chg-soon', controller: true })]);
    expect(j?.metadata?.labels).toMatchObject({ app: 'runbook', 'managedapps.dev/change': 'chg-soon', 'managedapps.dev/runbook': 'run' });
    // The operator's notes on the Job (its clock): what the status is derived from.
    expect(j?.metadata?.annotations).toMatchObject({ 'managedapps.dev/runbook-slot': 'MaintenanceWindow', 'managedapps.dev/runbook-start-at': '2026-11-17T10:00:20Z', 'managedapps.dev/runbook-created-at': (done.status?.runbook as { job: { createdAt: string } }).job.createdAt });
    // spec.completedAt is the Job's completion (on the operator's clock: after its creation, not after now).
    const completed = new Date(done.spec.completedAt as string).getTime();
    expect(completed).toBeGreaterThanOrEqual(Math.floor(created / 1000) * 1000);
    expect(completed).toBeLessThanOrEqual(clock.now().getTime());
    expect(cond(done, 'RunbookSucceeded')).toMatchObject({ status: 'True', reason: 'RunbookCompleted' });
  }, 120_000);

  it('inside a running occurrence the Job is created at once, and a client change in business hours too; its success times the GTC', async () => {
    const running = await waitFor('chg-running', (o) => { expect(o.status?.phase).toBe('Completed'); });
    // Created within seconds of T0 (the occurrence runs 09:00Z-11:00Z).
    expect(new Date((running.status?.runbook as { job: { createdAt: string } }).job.createdAt).getTime()).toBeLessThan(T0.getTime() + 15_000);
    const client = await waitFor('chg-client', (o) => { expect(o.status?.phase).toBe('Completed'); });
    expect(client.status?.runbook).toMatchObject({ slot: 'AdministrationWindow', job: { name: 'chg-client-run' } });
    const completedAt = new Date(client.spec.completedAt as string).getTime();
    // Covered time: requested 09:00Z, completed a few seconds after 10:00Z, all inside business hours (10:00-11:00 Paris).
    expect(client.status).toMatchObject({ gtcDeadline: '2026-11-17T17:00:00Z', late: false, coveredSeconds: (completedAt - new Date('2026-11-17T09:00:00Z').getTime()) / 1000 });
    expect(cond(client, 'WithinGuarantee')).toMatchObject({ status: 'True', reason: 'CompletedOnTime', message: 'completed before 2026-11-17T17:00:00Z' });
  }, 120_000);

  it('a failed Job sets the phase Failed with its message and runs the rollback', async () => {
    const failed = await waitFor('chg-fail', (o) => { expect(cond(o, 'RunbookSucceeded')?.reason).toBe('RolledBack'); });
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.spec.completedAt).toBeUndefined();
    const rb = failed.status?.runbook as { job: { message: string; failedAt: string }; rollback: { name: string; createdAt: string; completedAt: string } };
    expect(rb.job.message).toMatch(/^BackoffLimitExceeded: Job has reached the specified backoff limit/);
    expect(rb.rollback).toMatchObject({ name: 'chg-fail-rollback' });
    expect(new Date(rb.rollback.createdAt).getTime()).toBeGreaterThanOrEqual(new Date(rb.job.failedAt).getTime());
    expect((await job('chg-fail-rollback'))?.metadata?.labels?.['managedapps.dev/runbook']).toBe('rollback');
    expect(cond(failed, 'RunbookSucceeded')?.message).toMatch(/^Job chg-fail-run failed: BackoffLimitExceeded: .*; rolled back by Job chg-fail-rollback at /);
  }, 120_000);

  it('the P1 exception runs at once, unapproved and outside its window, and records the notice', async () => {
    const p1 = await waitFor('chg-p1', (o) => { expect(o.status?.phase).toBe('Completed'); });
    const notice = (p1.status?.runbook as { p1Notice: { incident: string; ranAt: string; message: string } }).p1Notice;
    expect(notice.incident).toBe('inc-p1');
    expect(new Date(notice.ranAt).getTime()).toBeLessThan(T0.getTime() + 15_000);
    expect(notice.message).toBe(`run at ${notice.ranAt} without the client's prior approval, to resolve the open P1 incident inc-p1: the client is notified afterwards (domain.md §10)`);
    const events = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns });
    expect(events.items.filter((e) => e.regarding?.name === 'chg-p1' && e.reason === 'P1Exception').map((e) => e.note)).toEqual([notice.message]);
  }, 120_000);

  it('an unapproved provider change never creates a Job; a privileged runbook stored anyway is refused naming the field', async () => {
    // By now every other Job was created and ran (the tests above), 20 s and more on the operator's clock.
    const unapproved = await waitFor('chg-unapproved', (o) => { expect(cond(o, 'RunbookSucceeded')).toBeDefined(); });
    expect(cond(unapproved, 'RunbookSucceeded')).toMatchObject({ status: 'Unknown', reason: 'RunbookWaiting', message: 'a provider change runs only once the client approved it (domain.md §10)' });
    expect(unapproved.status?.phase).toBe('AwaitingApproval');
    expect(await job('chg-unapproved-run')).toBeUndefined();
    const privileged = await waitFor('chg-privileged', (o) => { expect(cond(o, 'Ready')?.reason).toBe('InvalidSpec'); });
    expect(cond(privileged, 'Ready')?.message).toContain('spec.runbook.template.spec.template.spec.containers[0].securityContext.privileged: a runbook\'s container is never privileged');
    expect(await job('chg-privileged-run')).toBeUndefined();
    const jobs = await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns });
    expect(jobs.items.map((x) => x.metadata?.name).sort()).toEqual(['chg-client-run', 'chg-fail-rollback', 'chg-fail-run', 'chg-p1-run', 'chg-running-run', 'chg-soon-run']);
  }, 120_000);
});
