// Cross-object references on a real API server, without the webhook (GitOps applies in any
// order and a controller never trusts that the webhook ran; issue 20 item 2): a target named in
// another case, a dependency cycle, an incident naming a unit that is not there (yet, or any
// more), and what the month's SLAReport says about what it could not count. The reconcilers read
// an explicit past instant (2026-11-15T12:00Z) so every outcome is fixed.
import { CustomObjectsApi, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { changeRequest, contract, createAll, GROUP, incident, onVm, PLURALS, resolvedAt, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

const NOW = new Date('2026-11-15T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };

type Obj = { metadata: { name: string }; status?: Record<string, unknown> & { conditions?: Condition[]; gtr?: { incidents?: { name: string }[] } } };

describe('references across objects, by condition', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let manager: Manager;
  let ns = '';

  const get = async (kind: string, name: string): Promise<Obj> =>
    (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace: ns, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (kind: string, name: string, check: (o: Obj) => void): Promise<Obj> =>
    eventually(async () => { const o = await get(kind, name); check(o); return o; }, { timeoutMs: 20_000, intervalMs: 200 });
  const events = async (name: string, reason: string) =>
    (await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.regarding?.name === name && e.reason === reason);

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    ns = await createNamespace(kc, 'ctl-refs');
    await createAll(kc, ns, [tenant('t'), contract('c'), serviceUnit('os-a', onVm('vm-shared'))]);
    await createAll(kc, ns, [
      // Created after os-a: the later claimant of the same machine, spelled in capitals.
      serviceUnit('os-b', onVm('VM-SHARED')),
      serviceUnit('dep-a', withSpec({ dependsOn: [{ name: 'dep-b' }] })),
      serviceUnit('dep-b', withSpec({ dependsOn: [{ name: 'dep-a' }] })),
      // P1 on a unit nobody applied yet: 10:00Z → 12:28Z, 8,880 s of interruption in November.
      incident('inc-ghost', 'ghost', resolvedAt('2026-11-02T12:28:00Z')),
      // The same outage on os-a and the missing unit: counted on os-a (as os-a's own status counts it).
      // A change for an incident not applied yet.
      changeRequest('chg-for-later', 'os-a', withSpec({ relatedIncident: { name: 'inc-later' } })),
      incident('inc-half', 'os-a', withSpec({ unitRefs: [{ name: 'os-a' }, { name: 'ghost' }] }), resolvedAt('2026-11-02T12:28:00Z')),
    ]);
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'error' }), leaderElection: false, watch: { namespaces: [ns] } });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('VM-SHARED is vm-shared: the later unit gets LevelConflict, naming the unit that keeps it', async () => {
    const b = await waitFor('ServiceUnit', 'os-b', (o) => { expect(cond(o, 'LevelConflict')?.status).toBe('True'); });
    expect(cond(b, 'LevelConflict')).toMatchObject({ reason: 'TargetClaimed', message: 'VirtualMachine VM-SHARED is managed by ServiceUnit os-a (one level per target, domain.md §1)' });
    expect(cond(b, 'Ready')).toMatchObject({ status: 'False', reason: 'TargetClaimed' });
    expect(cond(await get('ServiceUnit', 'os-a'), 'LevelConflict')?.status).toBe('False');
  });

  it('a dependency cycle: DependenciesReady False on each unit of it, the path named', async () => {
    const a = await waitFor('ServiceUnit', 'dep-a', (o) => { expect(cond(o, 'DependenciesReady')?.reason).toBe('DependencyCycle'); });
    expect(cond(a, 'DependenciesReady')).toMatchObject({ status: 'False', message: 'dependency cycle dep-a → dep-b → dep-a (spec.dependsOn; domain.md §2)' });
    expect(cond(a, 'Ready')).toMatchObject({ status: 'False', reason: 'DependencyCycle' });
    const b = await waitFor('ServiceUnit', 'dep-b', (o) => { expect(cond(o, 'DependenciesReady')?.reason).toBe('DependencyCycle'); });
    expect(cond(b, 'DependenciesReady')?.message).toBe('dependency cycle dep-b → dep-a → dep-b (spec.dependsOn; domain.md §2)');
  });

  it('an incident on a unit not applied yet: named on the incident and on the report; counted once the unit appears; named again once it is deleted', async () => {
    // Not there yet (GitOps order): a condition, never silence.
    const inc = await waitFor('Incident', 'inc-ghost', (o) => { expect(cond(o, 'Ready')?.status).toBe('False'); });
    expect(cond(inc, 'Ready')).toMatchObject({ reason: 'ReferenceNotFound', message: 'ServiceUnit ghost not found' });
    const incomplete = await waitFor('SLAReport', 'c-2026-11', (o) => { expect(cond(o, 'Complete')?.status).toBe('False'); });
    expect(cond(incomplete, 'Complete')).toMatchObject({
      reason: 'ReferenceNotFound',
      // Both P1 10:00Z → 12:28Z on 2 November: 148 min × 60 = 8,880 s missing on ghost.
      message: 'cannot count: Incident inc-ghost (ServiceUnit ghost not found or not valid, 8880 s of P1 interruption in the month not counted on ghost); '
        + 'Incident inc-half (ServiceUnit ghost not found or not valid, counted on os-a only, 8880 s of P1 interruption in the month not counted on ghost); a unit not applied yet, or deleted',
    });
    expect(cond(incomplete, 'Ready')).toMatchObject({ status: 'False', reason: 'ReferenceNotFound' });
    expect(incomplete.status?.gtr?.incidents?.map((i) => i.name)).not.toContain('inc-ghost');
    expect(incomplete.status?.gtr?.incidents?.map((i) => i.name)).toContain('inc-half');
    await eventually(async () => { expect(await events('c-2026-11', 'ReportIncomplete')).toHaveLength(1); });

    // The unit appears: the incident is ready, and the report counts it.
    await createAll(kc, ns, [serviceUnit('ghost')]);
    await waitFor('Incident', 'inc-ghost', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
    const complete = await waitFor('SLAReport', 'c-2026-11', (o) => { expect(cond(o, 'Complete')?.status).toBe('True'); });
    expect(complete.status?.gtr?.incidents?.map((i) => i.name)).toContain('inc-ghost');

    // The unit is deleted before the month is final: its incident can no longer be counted, and the report says so.
    await api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'serviceunits', namespace: ns, name: 'ghost' });
    const again = await waitFor('SLAReport', 'c-2026-11', (o) => { expect(cond(o, 'Complete')?.status).toBe('False'); });
    expect(cond(again, 'Complete')?.message).toContain('Incident inc-ghost (ServiceUnit ghost not found or not valid, 8880 s of P1 interruption in the month not counted on ghost)');
    // The October report (a month the incident does not touch) is complete.
    expect(cond(await waitFor('SLAReport', 'c-2026-10', (o) => { expect(cond(o, 'Complete')).toBeDefined(); }), 'Complete')?.status).toBe('True');
  });

  it('a change naming an incident not applied yet: Ready False naming it, cleared when it appears', async () => {
    const c = await waitFor('ChangeRequest', 'chg-for-later', (o) => { expect(cond(o, 'Ready')?.status).toBe('False'); });
    expect(cond(c, 'Ready')).toMatchObject({ reason: 'ReferenceNotFound', message: 'Incident inc-later not found (spec.relatedIncident)' });
    await createAll(kc, ns, [incident('inc-later', 'os-a', withSpec({ priority: 'P3' }))]);
    await waitFor('ChangeRequest', 'chg-for-later', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
  });
});
