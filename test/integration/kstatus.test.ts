// kstatus tells the truth (issue 18 item 2): the controllers on a real API server, judged by the
// real kstatus library (sigs.k8s.io/cli-utils, the checker built by build-kstatus.sh) the way
// Flux, `helm --wait` and kpt judge them. Every sample of config/samples (and the reports the
// controllers create) is Current; an object that breaks a rule is Failed (so a GitOps apply fails
// at once instead of waiting for its timeout); one waiting on a reference GitOps has not applied
// yet is InProgress, and Current once the reference comes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock } from '../../src/runtime/index.ts';
import { contract, createAll, GROUP, incident, onVm, PLURALS, samples, serviceUnit, subscribing, tenant, VERSION, withLevel } from './fixtures.ts';
import { root } from './packaging-support.ts';

const run = promisify(execFile);
const NOW = new Date('2026-11-15T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };

type Judged = { kind: string; namespace: string; name: string; status: string; message: string };

let checkerDir: Promise<string> | undefined;
/** The directory of the `kstatus` checker (built on first use, one to five minutes once). */
function checker(): Promise<string> {
  checkerDir ??= run('bash', [join(root, 'test', 'controlplane', 'build-kstatus.sh')], { maxBuffer: 1 << 24 }).then(({ stdout }) => {
    const dir = stdout.trim().split('\n').at(-1);
    if (!dir) throw new Error('build-kstatus.sh printed no directory');
    return dir;
  });
  return checkerDir;
}

async function kstatus(args: readonly string[], stdin?: string): Promise<Judged[]> {
  const bin = join(await checker(), 'kstatus');
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(bin, ['-o', 'json', ...args], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kstatus: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(stdin ?? '');
  });
  return out.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Judged);
}

describe('kstatus on the controllers\' status (real kstatus library)', () => {
  const info = inject('controlPlane');
  let kc: KubeConfig;
  let api: CustomObjectsApi;
  let manager: Manager;
  const ns = { samples: '', claimed: '', prereq: '', waiting: '' };
  // Both spellings the checker takes: <group>/<version>/<resource> and <resource>.<group>.
  const resources = Object.values(PLURALS).map((p, i) => (i % 2 === 0 ? `${GROUP}/${VERSION}/${p}` : `${p}.${GROUP}`));

  /** kstatus of every object of the operator's kinds in the namespace, read from the API server. */
  const judgeNamespace = async (namespace: string): Promise<Record<string, Judged>> =>
    Object.fromEntries((await kstatus(['--kubeconfig', info.kubeconfigPath, '-n', namespace, ...resources])).map((j) => [`${j.kind}/${j.name}`, j]));
  /** kstatus of one object as read now, given on stdin (the other mode of the checker). */
  const judge = async (namespace: string, kind: string, name: string): Promise<Judged> => {
    const o = await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace, name });
    const [j] = await kstatus([], JSON.stringify(o));
    return j!;
  };

  beforeAll(async () => {
    kc = adminKubeConfig(info);
    api = kc.makeApiClient(CustomObjectsApi);
    await checker(); // built (or found) before the clock of the first assertion starts
    ns.samples = await createNamespace(kc, 'kst-samples');
    ns.claimed = await createNamespace(kc, 'kst-claimed');
    ns.prereq = await createNamespace(kc, 'kst-prereq');
    ns.waiting = await createNamespace(kc, 'kst-waiting');
    await createAll(kc, ns.samples, samples());
    // One level per target (domain.md §1): os-b, the younger, loses vm-shared to os-a.
    await createAll(kc, ns.claimed, [tenant('t'), contract('c'), serviceUnit('os-a', onVm('vm-shared'))]);
    await createAll(kc, ns.claimed, [serviceUnit('os-b', onVm('vm-shared', 'vm-b'))]);
    // A Database unit whose contract does not subscribe the OS level it requires.
    await createAll(kc, ns.prereq, [tenant('t'), contract('c', subscribing('Database')), serviceUnit('db', withLevel('Database'))]);
    // GitOps order: the incident and the unit come before the unit and the contract they refer to.
    await createAll(kc, ns.waiting, [tenant('t'), serviceUnit('os-early', onVm('vm-early')), incident('inc-early', 'os-late')]);

    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    registerControllers(manager, { clock: fixedClock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
  }, 900_000);

  afterAll(async () => {
    await manager.stop();
  });

  it('every sample, and every report the controllers create from them, is Current', async () => {
    const judged = await eventually(async () => {
      const all = await judgeNamespace(ns.samples);
      for (const o of samples()) expect(all[`${o.kind}/${o.metadata.name}`]?.status, `${o.kind}/${o.metadata.name}: ${all[`${o.kind}/${o.metadata.name}`]?.message}`).toBe('Current');
      expect(Object.keys(all).filter((k) => k.startsWith('SLAReport/')).length).toBeGreaterThan(0);
      for (const j of Object.values(all)) expect(j.status, `${j.kind}/${j.name}: ${j.message}`).toBe('Current');
      return all;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(Object.keys(judged).length).toBeGreaterThanOrEqual(samples().length);
  });

  it.each([
    ['a unit whose target another unit claims', 'TargetClaimed', () => ns.claimed, 'os-b'],
    ['a unit at a level whose prerequisite the contract does not subscribe', 'LevelNotSubscribed', () => ns.prereq, 'db'],
  ])('%s is Failed (Stalled, %s), not InProgress until a timeout', async (_name, reason, namespace, unit) => {
    await eventually(async () => {
      const j = await judge(namespace(), 'ServiceUnit', unit);
      expect(j.status, j.message).toBe('Failed');
      const o = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS.ServiceUnit!, namespace: namespace(), name: unit })) as { status: { conditions: { type: string; status: string; reason: string }[] } };
      expect(o.status.conditions.filter((c) => ['Ready', 'Reconciling', 'Stalled'].includes(c.type)).map((c) => [c.type, c.status, c.reason])).toEqual([
        ['Ready', 'False', reason], ['Reconciling', 'False', 'Settled'], ['Stalled', 'True', reason],
      ]);
    }, { timeoutMs: 30_000, intervalMs: 300 });
    // The winner of the conflict is not blamed.
    if (unit === 'os-b') expect((await judge(ns.claimed, 'ServiceUnit', 'os-a')).status).toBe('Current');
  });

  it('objects waiting on references GitOps has not applied yet are InProgress, then Current once they come', async () => {
    await eventually(async () => {
      const all = await judgeNamespace(ns.waiting);
      expect(all['Incident/inc-early']?.status, all['Incident/inc-early']?.message).toBe('InProgress');
      expect(all['Incident/inc-early']?.message).toMatch(/not found/);
      expect(all['ServiceUnit/os-early']?.status, all['ServiceUnit/os-early']?.message).toBe('InProgress');
      expect(all['ServiceUnit/os-early']?.message).toMatch(/SupportContract/);
    }, { timeoutMs: 30_000, intervalMs: 300 });
    await createAll(kc, ns.waiting, [contract('c'), serviceUnit('os-late', onVm('vm-late'))]);
    await eventually(async () => {
      const all = await judgeNamespace(ns.waiting);
      for (const j of Object.values(all)) expect(j.status, `${j.kind}/${j.name}: ${j.message}`).toBe('Current');
      expect(Object.keys(all)).toEqual(expect.arrayContaining(['Incident/inc-early', 'ServiceUnit/os-early', 'ServiceUnit/os-late', 'SupportContract/c', 'ManagedTenant/t']));
    }, { timeoutMs: 30_000, intervalMs: 300 });
  });
});
