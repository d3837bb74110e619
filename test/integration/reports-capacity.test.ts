// Issue 16 item 2 on the real API server (design.md §3 "The monthly pack", capacity): the report
// controller reads the capacity section when it makes a report final. Here its Prometheus cannot
// be reached (a closed port on 127.0.0.1, read by the operator's real reader, readCapacity): the
// closed month waits (Final False CapacityPending, naming the bound), and at the bound it is
// sealed with the section unavailable and the error, which never changes; `verify` finds no
// difference (the section is taken as sealed). Every instant is the ManualClock's.
//
// A tenant in Europe/Paris; contract from 2026-11-01; unit os-1. November ends
// 2026-11-30T23:00Z (midnight in Paris, UTC+1); its report (created on 2026-11-20) is due to be
// final 24 h later, 2026-12-01T23:00Z; Prometheus is tried until 6 h later (CAPACITY_RETRY_MS),
// 2026-12-02T05:00Z.
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerVerifyCommand } from '../../src/cli/program.ts';
import { registerControllers } from '../../src/controllers/index.ts';
import { CAPACITY_AT_FINAL, CAPACITY_RETRY_MS, FIRST_PREVIOUS, sealOf } from '../../src/domain/index.ts';
import { parseCapacityQuery, readCapacity, type CapacityConfig } from '../../src/monitoring/capacity.ts';
import { KubeClient, Manager, ManualClock } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { contract, createAll, GROUP, serviceUnit, tenant, VERSION, withSpec } from './fixtures.ts';

type Condition = { type: string; status: string; reason: string; message: string };
type Report = { status?: Record<string, unknown> & { final?: boolean; pack?: { capacity?: unknown }; seal?: { sha256: string; previous: string }; conditions?: Condition[] } };

/** What the action set (read through a function: TypeScript narrows the property after the reset). */
const exitCode = (): number => Number(process.exitCode ?? 0);

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('the capacity section when Prometheus cannot be read at the month\'s close', () => {
  const info = inject('controlPlane');
  const kc = adminKubeConfig(info);
  const client = new KubeClient(kc);
  const clock = new ManualClock(new Date('2026-11-20T12:00:00Z'));
  const dir = mkdtempSync(join(tmpdir(), 'mao-capacity-'));
  let manager: Manager;
  let ns = '';
  let url = '';
  const get = (name: string): Promise<Report> => client.request('GET', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/slareports/${name}`);
  const final = (r: Report): Condition | undefined => r.status?.conditions?.find((c) => c.type === 'Final');
  const poke = async (n: number): Promise<void> => {
    await client.request('PATCH', `/apis/${GROUP}/${VERSION}/namespaces/${ns}/managedtenants/t`, { body: { metadata: { labels: { poke: String(n) } } }, contentType: 'application/merge-patch+json' });
  };

  beforeAll(async () => {
    ns = await createNamespace(kc, 'capacity');
    url = `http://127.0.0.1:${await closedPort()}`;
    const cpu = parseCapacityQuery('up{unit="{{unit}}"}');
    if (!cpu.ok) throw new Error(cpu.message);
    const config: CapacityConfig = { prometheusUrl: url, queries: { cpu: cpu.query }, stepSeconds: 300, timeoutMs: 5_000, concurrency: 4 };
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false, watch: { namespaces: [ns] } });
    registerControllers(manager, { clock, capacity: { read: (scope) => readCapacity(config, scope) } });
    manager.start();
    expect(await manager.waitForCacheSync()).toBe(true);
    await createAll(kc, ns, [tenant('t'), contract('c', withSpec({ start: '2026-11-01' })), serviceUnit('os-1')]);
    writeFileSync(join(dir, 'kubeconfig'), kc.exportConfig());
  });

  afterAll(async () => {
    await manager.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('while the month runs, the section says it is read when the report is made final', async () => {
    await eventually(async () => { expect((await get('c-2026-11').catch(() => undefined))?.status?.pack?.capacity).toEqual({ available: false, reason: CAPACITY_AT_FINAL }); }, { timeoutMs: 30_000 });
  });

  it('due to be final but Prometheus unreachable: not final, CapacityPending naming the bound', async () => {
    // 2026-12-02T00:00Z: 1 h past 2026-12-01T23:00Z, before the bound 2026-12-02T05:00Z.
    clock.advance(Date.parse('2026-12-02T00:00:00Z') - clock.now().getTime());
    await poke(1);
    const error = `Prometheus ${url}: query "up{unit=\\"os-1\\"}": connection refused`;
    await eventually(async () => { expect(final(await get('c-2026-11'))?.reason).toBe('CapacityPending'); }, { timeoutMs: 30_000 });
    const report = await get('c-2026-11');
    expect(report.status?.final).toBe(false);
    expect(report.status?.seal).toBeUndefined();
    expect(final(report)?.message).toBe(`the month is closed; it is sealed once Prometheus is read for the capacity section, tried again every 5 min until 2026-12-02T05:00:00Z, then sealed without it: ${error}`);
    expect(report.status?.pack?.capacity).toEqual({ available: false, reason: `not read yet: ${error}` });
  });

  it('at the bound: sealed with the section unavailable and why; verify finds no difference', async () => {
    expect(CAPACITY_RETRY_MS).toBe(6 * 3_600_000);
    clock.advance(Date.parse('2026-12-02T05:00:00Z') - clock.now().getTime());
    await poke(2);
    await eventually(async () => { expect((await get('c-2026-11')).status?.seal).toBeDefined(); }, { timeoutMs: 30_000 });
    const report = await get('c-2026-11');
    expect(report.status?.final).toBe(true);
    expect(report.status?.pack?.capacity).toEqual({
      available: false,
      reason: `Prometheus could not be read from 2026-12-01T23:00:00Z to 2026-12-02T05:00:00Z, when the report was made final: Prometheus ${url}: query "up{unit=\\"os-1\\"}": connection refused`,
    });
    const { seal, ...rest } = report.status ?? {};
    expect(seal).toEqual(sealOf(rest, FIRST_PREVIOUS));

    let stdout = '';
    let stderr = '';
    const program = new Command('kubectl-managedapps');
    registerVerifyCommand(program, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
    process.exitCode = undefined;
    try {
      await program.parseAsync(['verify', '--kubeconfig', join(dir, 'kubeconfig'), '-n', ns], { from: 'user' });
      expect(stderr).toBe('');
      expect(exitCode()).toBe(0);
      expect(stdout).toContain('2026-11');
    } finally {
      process.exitCode = undefined;
    }
  });
});
