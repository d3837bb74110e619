// Issue 16 items 2 and 4 on the real API server (design.md §3 "The monthly pack"): a closed
// month's SLAReport carries status.pack with the volumes of this file's objects, is sealed and
// frozen with it, and `kubectl managedapps report -o pack` prints, from the cluster, the same text
// as `managedapps report --offline -o pack` computes from the same objects as manifests (and
// `-o html` the same page, its series read from the namespace's records). Every
// instant is the ManualClock's, none is the day's.
//
// A tenant in Europe/Paris with language fr; contract from 2026-11-01 (Production Premium), units
// os-1 (Production) and dev-1 (Development), function os (OS: 99.5 % at Premium; charge 1,000).
//   inc-slow P2 os-1 2026-11-02T08:00Z → 17:00Z, by the client: 9 h > the Premium P2 8 h: late.
//   inc-dev  P3 dev-1 2026-11-05T10:00Z → 11:00Z, by the client.
//   inc-down P1 os-1 2026-11-10T10:00Z → 11:00Z, by monitoring: 1 h < the Premium P1 4 h.
// Volumes: 3 incidents; P1 1, P2 1, P3 1; Production 2 (os-1), Development 1 (dev-1);
// Monitoring 1, Client 2. Major incidents: inc-down.
// GTD: os down 1 h of November's 720 h: 100 × (1 − 1/720) = 99.8611 % ≥ 99.5 %: met, no credit.
// GTR: 1 late of 2 production incidents, under 5: 1 / 5 = 20 % → 2 % of 1,000 = 20.
// Credits: 20, under the cap 15 % of 1,000 = 150.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { registerKubectlCommands, registerReportCommand } from '../../src/cli/program.ts';
import { FIRST_PREVIOUS, sealOf } from '../../src/domain/index.ts';
import { ApiError, KubeClient, Manager, ManualClock } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import {
  contract, createAll, GROUP, incident, inEnvironment, managedFunction, openedAt, priority, resolvedAt, serviceUnit, tenant, VERSION, withSpec, type Manifest,
} from './fixtures.ts';

const DAY = 86_400_000;

type Report = { status?: Record<string, unknown> & { final?: boolean; pack?: Record<string, unknown>; seal?: { sha256: string; previous: string }; credits?: { total: number } } };

/** What the actions set (read through a function: TypeScript narrows the property after the reset). */
const exitCode = (): number => Number(process.exitCode ?? 0);

/** The plugin's program, as bin/managedapps.js builds it. */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => { stdout += s; }, stderr: (s: string) => { stderr += s; } };
  const program = new Command('kubectl-managedapps');
  registerKubectlCommands(program, io);
  registerReportCommand(program, io);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { code: exitCode(), stdout, stderr };
  } finally {
    process.exitCode = undefined;
  }
}

describe('the monthly pack of a closed month', () => {
  const info = inject('controlPlane');
  const kc = adminKubeConfig(info);
  const client = new KubeClient(kc);
  const clock = new ManualClock(new Date('2026-11-20T12:00:00Z'));
  const dir = mkdtempSync(join(tmpdir(), 'mao-pack-'));
  let manager: Manager;
  let ns = '';
  let objects: Manifest[] = [];
  const path = (name: string): string => `/apis/${GROUP}/${VERSION}/namespaces/${ns}/slareports/${name}`;
  const get = (name: string): Promise<Report> => client.request('GET', path(name));
  const poke = async (n: number): Promise<void> => {
    await client.request('PATCH', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/managedtenants/t`, { body: { metadata: { labels: { poke: String(n) } } }, contentType: 'application/merge-patch+json' });
  };

  beforeAll(async () => {
    ns = await createNamespace(kc, 'pack');
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, watch: { namespaces: [ns] } });
    registerControllers(manager, { clock });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    objects = [
      tenant('t', withSpec({ language: 'fr' })), contract('c', withSpec({ start: '2026-11-01' })),
      serviceUnit('os-1'), serviceUnit('dev-1', inEnvironment('Development')), managedFunction('os', 'OS'),
      incident('inc-slow', 'os-1', priority('P2'), openedAt('2026-11-02T08:00:00Z'), resolvedAt('2026-11-02T17:00:00Z')),
      incident('inc-dev', 'dev-1', priority('P3'), openedAt('2026-11-05T10:00:00Z'), resolvedAt('2026-11-05T11:00:00Z')),
      incident('inc-down', 'os-1', openedAt('2026-11-10T10:00:00Z'), resolvedAt('2026-11-10T11:00:00Z'), withSpec({ detection: 'Monitoring' })),
    ];
    await createAll(kc, ns, objects);
    writeFileSync(join(dir, 'kubeconfig'), kc.exportConfig());
    writeFileSync(join(dir, 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } })) }));
  });

  afterAll(async () => {
    await manager.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is in the report, then sealed and frozen with it once the month is final', async () => {
    await eventually(async () => { expect((await get('c-2026-11').catch(() => undefined))?.status?.pack).toBeDefined(); }, { timeoutMs: 30_000 });
    // 2026-12-03T12:00Z: November ended 2026-11-30T23:00Z, final at 2026-12-01T23:00Z.
    clock.advance(13 * DAY);
    await poke(1);
    await eventually(async () => { expect((await get('c-2026-11')).status?.seal).toBeDefined(); }, { timeoutMs: 30_000 });
    const final = await get('c-2026-11');
    expect(final.status?.final).toBe(true);
    const pack = final.status?.pack;
    expect(pack?.volumes).toEqual({
      incidents: {
        total: 3,
        byPriority: { P1: 1, P2: 1, P3: 1, P4: 0 },
        byEnvironment: { Production: 2, PreProduction: 0, Integration: 0, Development: 1 },
        byDetection: { Monitoring: 1, Client: 2 },
      },
      changes: { total: 0, byCategory: { StandardSimple: 0, StandardComplex: 0, NonStandard: 0 } },
      tokens: { pack: 10, used: 0, extra: 0, extraAmount: 0 },
      releases: [],
    });
    expect(pack?.gtd).toEqual([{ name: 'os', availabilityPercent: 99.8611, guaranteePercent: 99.5, met: true, creditAmount: 0 }]);
    expect(pack?.gtr).toEqual({ resolved: 2, late: 1, deviationPercent: 20, creditAmount: 20 });
    expect(pack?.majorIncidents).toEqual({ items: [{ name: 'inc-down', openedAt: '2026-11-10T10:00:00Z', resolvedAt: '2026-11-10T11:00:00Z', units: ['os-1'] }], more: 0 });
    expect(pack?.credits).toEqual({ uncapped: 20, capPercent: 15, cap: 150, total: 20 });
    // Sealed with the pack: the seal is over the status with it, and without it the digest differs.
    const { seal, ...rest } = final.status ?? {};
    expect(seal).toEqual(sealOf(rest, FIRST_PREVIOUS));
    const { pack: _pack, ...withoutPack } = rest;
    expect(sealOf(withoutPack, FIRST_PREVIOUS).sha256).not.toBe(seal?.sha256);
    // Frozen: the API server refuses a change of the final report's pack.
    const changed = { ...final, status: { ...final.status, pack: { ...pack, credits: { uncapped: 0, capPercent: 15, cap: 150, total: 0 } } } };
    const refused = await client.request('PUT', `${path('c-2026-11')}/status`, { body: changed }).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).message).toContain('status is final');
  });

  it('kubectl managedapps report -o pack prints it in French, as report --offline computes it', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const fromCluster = await cli(['report', '--kubeconfig', kubeconfig, '-n', ns, '--month', '2026-11', '-o', 'pack']);
    expect(fromCluster.stderr).toBe('');
    expect(fromCluster.code).toBe(0);
    expect(fromCluster.stdout).toContain('Rapport mensuel 2026-11 (définitif)');
    expect(fromCluster.stdout).toContain('Incidents: 3; par priorité: P1 1, P2 1, P3 1, P4 0');
    expect(fromCluster.stdout).toContain('par détection: Monitoring 1, Client 2');
    expect(fromCluster.stdout).toContain('GTR: 2 résolus, 1 en retard, écart 20 %, 20 EUR');
    expect(fromCluster.stdout).toContain('inc-down 2026-11-10T10:00:00Z → 2026-11-10T11:00:00Z (os-1)');
    expect(fromCluster.stdout).toContain('Pénalités: avant plafond 20, plafond 150 (15 %), total 20 EUR');
    const offline = await cli(['report', '--offline', '-f', join(dir, 'objects.json'), '-n', ns, '--month', '2026-11', '--now', '2026-12-03T12:00:00Z', '-o', 'pack']);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(fromCluster.stdout);
  });

  it('kubectl managedapps report -o html writes the page report --offline -o html computes, byte for byte', async () => {
    // The plugin at the test's clock (2026-12-03T12:00Z, after November's close): the figures from
    // the SLAReport's status, the page's series from the namespace's records judged at the close.
    const capture = (): { io: { stdout: (s: string) => void; stderr: (s: string) => void }; out: () => { stdout: string; stderr: string } } => {
      let stdout = '';
      let stderr = '';
      return { io: { stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; } }, out: () => ({ stdout, stderr }) };
    };
    const { reportFromCluster } = await import('../../src/cli/kubectl/report.ts');
    const cluster = capture();
    const code = await reportFromCluster({ offline: false, files: [], month: '2026-11', output: 'html', namespace: ns, kubeconfig: join(dir, 'kubeconfig') }, cluster.io, clock.now());
    const fromCluster = cluster.out();
    expect(fromCluster.stderr).toBe('');
    expect(code).toBe(0);
    expect(fromCluster.stdout).toContain('<html lang="fr">');
    expect(fromCluster.stdout).toContain('Rapport mensuel 2026-11 <span class="state">(définitif)</span>');
    // os-1 down 1 h (inc-down) of November's 720 h, os's one production unit: 60 min of its budget,
    // 0.5 % of 720 h = 216 min; 60 / 216 = 27.8 %.
    expect(fromCluster.stdout).toContain('<tr><td>os</td><td>60&#160;min</td><td>216&#160;min</td><td>27,8&#160;%</td></tr>');
    expect(fromCluster.stdout).toContain('<span class="figure" data-figure="pack.credits.total">20</span>&#160;EUR');
    const offline = await cli(['report', '--offline', '-f', join(dir, 'objects.json'), '-n', ns, '--month', '2026-11', '--now', '2026-12-03T12:00:00Z', '-o', 'html']);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(fromCluster.stdout);
  });
});
