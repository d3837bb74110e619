// Issue 15 items 1 and 2 on a real API server: each answer that "tried as a new user would" got
// wrong, now right (one test per bullet), and bad input refused or flagged with the field named.
// The controllers read a fixed instant, Sunday 2026-11-15T12:00Z, so every outcome is fixed.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import {
  changeRequest, contract, createAll, GROUP, incident, inEnvironment, onVm, openedAt, PLURALS, priority, serviceUnit, subscribing, tenant, VERSION,
  withLevel, withSpec, type Manifest,
} from './fixtures.ts';

const NOW = new Date('2026-11-15T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };

type Obj = { metadata: { name: string }; status?: Record<string, unknown> & { conditions?: Condition[] } };

describe('the rest of the catalogue (issue 15 items 1, 2) on a real API server', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let manager: Manager;
  const ns = { rds: '', ad: '', rules: '', selfCare: '', cel: '' };

  const get = async (namespace: string, kind: string, name: string): Promise<Obj> =>
    (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (namespace: string, kind: string, name: string, check: (o: Obj) => void): Promise<Obj> =>
    eventually(async () => { const o = await get(namespace, kind, name); check(o); return o; });
  /** The API server's answer to creating `m` in the CEL namespace (no webhook there: the schema alone). */
  const refusal = async (m: Manifest): Promise<string> => {
    try {
      await createAll(kc, ns.cel, [m]);
      return 'created';
    } catch (error) {
      const body = (error as { body?: unknown }).body;
      return typeof body === 'string' ? body : JSON.stringify(body);
    }
  };

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    for (const key of Object.keys(ns) as (keyof typeof ns)[]) ns[key] = await createNamespace(kc, `cat-${key.toLowerCase()}`);
    // RDS ⇒ OS and ActiveDirectory subscribed (domain.md §2): the contract subscribes both, and a
    // second namespace the AD units, one on a single VM, one with a second domain.
    await createAll(kc, ns.rds, [tenant('t'), contract('c', subscribing('OS', 'ActiveDirectory', 'RDS')), serviceUnit('rds-1', onVm('vm-rds-1'), withSpec({ family: 'RDS' }))]);
    await createAll(kc, ns.ad, [
      tenant('t'), contract('c', subscribing('OS', 'ActiveDirectory')),
      serviceUnit('ad-1', onVm('dc-1'), withSpec({ family: 'ActiveDirectory', activeDirectory: { domain: 'corp.example' } })),
    ]);
    // Premium in production (P1: 4 h, 24×7), Standard in pre-production (P2: 24 h in business hours).
    await createAll(kc, ns.rules, [
      tenant('t'),
      contract('c', withSpec({ supportLevels: [{ environment: 'Production', level: 'Premium' }, { environment: 'PreProduction', level: 'Standard' }] })),
      serviceUnit('nobuild', withSpec({ buildModel: 'NoBuild' })),
      serviceUnit('app', withLevel('Application')),
      serviceUnit('pp', inEnvironment('PreProduction')),
      serviceUnit('uses-nobuild', withSpec({ dependsOn: [{ name: 'nobuild' }] })),
      // P1 opened at 00:00Z, 12 h before NOW, unresolved: 8 h past its 4 h (domain.md §6).
      incident('inc-nobuild', 'nobuild', openedAt('2026-11-15T00:00:00Z')),
      incident('inc-app', 'app', openedAt('2026-11-15T00:00:00Z')),
      // P2 Standard in pre-production, business hours: from Mon 2 Nov 09:00 Paris (08:00Z),
      // Mon 9 h + Tue 9 h + Wed 6 h = 24 h → Wed 4 Nov 15:00 Paris (14:00Z); open at NOW: late.
      incident('inc-pp', 'pp', priority('P2'), openedAt('2026-11-02T08:00:00Z')),
      // Restores (seed §5.10): from a unit without a backup policy (nobuild has none), and from one with.
      serviceUnit('backed-up', withSpec({ backup: { policy: 'WEEKLY-1' } })),
      changeRequest('restore-nothing', 'nobuild', withSpec({ catalogItem: 'backup-restore' })),
      changeRequest('restore-ok', 'backed-up', withSpec({ catalogItem: 'backup-restore' })),
    ]);
    await createAll(kc, ns.selfCare, [
      tenant('t', withSpec({ managementModel: 'SelfCare' })), contract('c'), serviceUnit('os-1'),
      incident('inc-selfcare', 'os-1', openedAt('2026-11-15T00:00:00Z')),
    ]);
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, watch: { namespaces: Object.values(ns) } });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await manager.stop();
  });

  it('an RDS unit is Ready once OS and ActiveDirectory are subscribed (spec.subscribedLevels takes the offers)', async () => {
    const u = await waitFor(ns.rds, 'ServiceUnit', 'rds-1', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
    expect(cond(u, 'PrerequisitesMet')).toMatchObject({ status: 'True', reason: 'Reconciled' });
  });

  it('ActiveDirectory on one VM is not Ready (at least 2 VMs, domain.md §2), and is once a second VM joins', async () => {
    const one = await waitFor(ns.ad, 'ServiceUnit', 'ad-1', (o) => { expect(cond(o, 'PrerequisitesMet')?.reason).toBe('ActiveDirectoryRules'); });
    expect(cond(one, 'PrerequisitesMet')?.message).toBe("spec.targets: ActiveDirectory runs on at least 2 VMs (domain.md §2, seed §6.12); the tenant's ActiveDirectory units (ad-1) have 1");
    expect(cond(one, 'Ready')).toMatchObject({ status: 'False', reason: 'ActiveDirectoryRules' });
    // The second domain controller, as a second unit: 2 VMs together, one domain.
    await createAll(kc, ns.ad, [serviceUnit('ad-2', onVm('dc-2'), withSpec({ family: 'ActiveDirectory', activeDirectory: { domain: 'corp.example' } }))]);
    await waitFor(ns.ad, 'ServiceUnit', 'ad-1', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
    await waitFor(ns.ad, 'ServiceUnit', 'ad-2', (o) => { expect(cond(o, 'Ready')?.status).toBe('True'); });
    // A third unit naming another domain is a second domain: flagged, naming the field.
    await createAll(kc, ns.ad, [serviceUnit('ad-3', onVm('dc-3'), withSpec({ family: 'ActiveDirectory', activeDirectory: { domain: 'other.example' } }))]);
    const third = await waitFor(ns.ad, 'ServiceUnit', 'ad-3', (o) => { expect(cond(o, 'PrerequisitesMet')?.status).toBe('False'); });
    expect(cond(third, 'PrerequisitesMet')?.message).toMatch(/^spec\.activeDirectory\.domain: domain other\.example is a second domain/);
  });

  it('MONTHLY-36 (Office 365 only) is refused on a Kubernetes unit and on an OS VM, naming the field', async () => {
    const k8s = serviceUnit('k8s', withLevel('Kubernetes'), withSpec({ targets: [{ kind: 'KubernetesCluster', name: 'aks-1' }], backup: { policy: 'MONTHLY-36' } }));
    expect(await refusal(k8s)).toMatch(/spec\.backup: backup is offered to units at OS, Database, Middleware, Containers, Application level/);
    const os = serviceUnit('os-36', withSpec({ backup: { policy: 'MONTHLY-36' } }));
    expect(await refusal(os)).toMatch(/spec\.backup\.policy: the catalogue's Files policies are WEEKLY-1, WEEKLY-2, MONTHLY-1, MONTHLY-3, MONTHLY-6, MONTHLY-12/);
    // The scope defaults to Files; Office 365 is a Service target's.
    expect(await refusal(serviceUnit('os-o365', withSpec({ backup: { policy: 'MONTHLY-36', scope: 'Office365' } })))).toMatch(/spec\.backup\.scope: Office 365 is backed up on a Service target/);
    expect(await refusal(serviceUnit('os-ok', withSpec({ backup: { policy: 'MONTHLY-12' } })))).toBe('created');
  });

  it('a NoBuild unit carries no GTD, GTR or GTC: its late P1 is not applicable (NotManaged), and a unit depending on it is not Ready', async () => {
    const inc = await waitFor(ns.rules, 'Incident', 'inc-nobuild', (o) => { expect(o.status?.gtr).toBeDefined(); });
    expect(inc.status).toMatchObject({ breached: true, gtr: { applicable: false, reason: 'NotManaged' } });
    expect(cond(inc, 'WithinGuarantee')).toMatchObject({ status: 'True', reason: 'NotApplicable', message: 'GTR does not apply: NotManaged' });
    const unit = await waitFor(ns.rules, 'ServiceUnit', 'nobuild', (o) => { expect(cond(o, 'GuaranteesApply')?.status).toBe('False'); });
    expect(cond(unit, 'GuaranteesApply')).toMatchObject({ reason: 'NotManaged', message: 'spec.buildModel NoBuild: the resource is not managed (seed §4.1): no GTD, GTR or GTC, no credit (domain.md §2)' });
    const dependent = await waitFor(ns.rules, 'ServiceUnit', 'uses-nobuild', (o) => { expect(cond(o, 'DependenciesReady')?.status).toBe('False'); });
    expect(cond(dependent, 'DependenciesReady')?.reason).toBe('DependencyNotManaged');
    expect(cond(dependent, 'DependenciesReady')?.message).toMatch(/^spec\.dependsOn: ServiceUnit nobuild is NoBuild/);
  });

  it('a SelfCare tenant gets advice only: the same late P1 grants no GTR (AdviceOnly)', async () => {
    const inc = await waitFor(ns.selfCare, 'Incident', 'inc-selfcare', (o) => { expect(o.status?.gtr).toBeDefined(); });
    expect(inc.status).toMatchObject({ breached: true, gtr: { applicable: false, reason: 'AdviceOnly' } });
    const unit = await waitFor(ns.selfCare, 'ServiceUnit', 'os-1', (o) => { expect(cond(o, 'GuaranteesApply')?.status).toBe('False'); });
    expect(cond(unit, 'GuaranteesApply')?.message).toBe('ManagedTenant t spec.managementModel SelfCare: advice only, no GTD, GTR or GTC (domain.md §2)');
  });

  it('an Application unit that names no level-3 owner has the client as owner (seed §5.11.3): no GTR', async () => {
    const inc = await waitFor(ns.rules, 'Incident', 'inc-app', (o) => { expect(o.status?.gtr).toBeDefined(); });
    expect(inc.status).toMatchObject({ breached: true, gtr: { applicable: false, reason: 'ProviderNotLevelThree' } });
  });

  it('a non-production incident past its deadline is late, without penalties (seed §8.4.3)', async () => {
    const inc = await waitFor(ns.rules, 'Incident', 'inc-pp', (o) => { expect(o.status?.gtr).toBeDefined(); });
    expect(inc.status).toMatchObject({
      supportLevel: 'Standard', restorationDeadline: '2026-11-04T14:00:00Z', breached: true, gtr: { applicable: false, reason: 'NonProduction', timed: true },
    });
    expect(cond(inc, 'WithinGuarantee')).toMatchObject({
      status: 'False', reason: 'DeadlineMissed', message: 'restoration deadline 2026-11-04T14:00:00Z missed (P2, Standard); NonProduction: timed without penalties (domain.md §8)',
    });
    // The month's report lists it in its non-production section, not in the deviation or credits.
    const report = await waitFor(ns.rules, 'SLAReport', 'c-2026-11', (o) => { expect(o.status?.nonProduction).toBeDefined(); });
    expect(report.status?.nonProduction).toMatchObject({ incidents: { timed: 1, resolved: 0, late: 1, lateIncidents: ['inc-pp'] } });
    expect(report.status?.gtr).toMatchObject({ resolved: 0, late: 0, creditAmount: 0 });
  });

  it('a restore from a unit without a backup policy: Valid=False RestoreInvalid naming spec.unitRefs[0] (the webhook down or bypassed); one with a policy is valid', async () => {
    const bad = await waitFor(ns.rules, 'ChangeRequest', 'restore-nothing', (o) => { expect(cond(o, 'Valid')).toBeDefined(); });
    expect(cond(bad, 'Valid')).toMatchObject({
      status: 'False', reason: 'RestoreInvalid', message: "spec.unitRefs[0]: ServiceUnit 'nobuild' has no backup policy (spec.backup): there is no backup to restore from (domain.md §12)",
    });
    const ok = await waitFor(ns.rules, 'ChangeRequest', 'restore-ok', (o) => { expect(cond(o, 'Valid')).toBeDefined(); });
    expect(cond(ok, 'Valid')?.status).toBe('True');
  });
});
