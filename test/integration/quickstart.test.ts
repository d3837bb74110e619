// The README's quick start, run as written: `npm start` brings up its own local control plane,
// installs the CRDs and samples and runs the operator; the README's kubectl commands then show
// the samples with their statuses; Ctrl-C stops everything. Also the offline report commands.
// (`npm install` has run already: this test runs inside `npm test`.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../controlplane/client.ts';
import { operatorClockEnv, testNow } from '../support/clock.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The shell commands of the README's fenced `sh` blocks, without comments. */
function readmeCommands(): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => (m[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * The SLAReports the operator creates for the samples' contract on a fresh cluster at `now` (ms),
 * worked out by hand from design.md §3 and issue 12 ("a report exists for every month since the
 * contract's start"): one per month from the samples' start (2026-01-01,
 * config/samples/supportcontract.yaml) to the current month in the tenant's zone (Europe/Paris).
 * On 2026-12-01T10:00+01:00: 2026-01 to 2026-12, 12 reports.
 */
function expectedReports(now: number): string[] {
  const current = DateTime.fromMillis(now, { zone: 'Europe/Paris' }).startOf('month');
  const out: string[] = [];
  for (let m = DateTime.fromISO('2026-01-01', { zone: 'Europe/Paris' }); m <= current; m = m.plus({ months: 1 })) out.push(`acme-logistics-2026-${m.toFormat('yyyy-MM')}`);
  return out;
}

function hasKubectl(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

describe('the README quick start', () => {
  let start: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    // A failed run must not leave `npm start` behind.
    if (start?.pid !== undefined && start.exitCode === null && start.signalCode === null) {
      try {
        process.kill(-start.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await Promise.resolve();
  });

  it('lists the two commands, and .ci/run runs the test one', () => {
    const commands = readmeCommands();
    expect(commands).toContain('npm install && npm start');
    expect(commands).toContain('npm test');
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('npm start runs the operator on a local control plane with the samples, and Ctrl-C stops it', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...operatorClockEnv() };
    delete env.KUBECONFIG;
    // A HOME without ~/.kube/config: "no cluster configured", whatever this machine has.
    env.HOME = join(root, '.dev', 'quickstart-home');
    env.XDG_CACHE_HOME = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/root', '.cache');
    start = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    start.stderr?.on('data', (c: Buffer) => { output += c.toString(); });

    await eventually(() => output.includes('managedapps dev: operator running'), { timeoutMs: 240_000, intervalMs: 500 });
    const exported = /export KUBECONFIG=(\S+)/.exec(output)?.[1];
    expect(exported).toBe(join(root, '.dev', 'kubeconfig'));

    if (hasKubectl()) {
      const kubectl = (args: string[]): string => {
        const r = spawnSync('kubectl', args, { env: { ...env, KUBECONFIG: exported }, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      };
      // The README's commands, as written.
      for (const line of readmeCommands().filter((l) => l.startsWith('kubectl get'))) {
        expect(kubectl(line.split(/\s+/).slice(1))).not.toBe('');
      }
      const units = await eventually(() => {
        const table = kubectl(['get', 'su', '-n', 'acme-logistics']);
        return /db-erp01\s+Database\s+Production/.test(table) && table;
      }, { timeoutMs: 60_000 });
      expect(units).toMatch(/k8s-platform\s+Kubernetes\s+Production/);
      // The months are read again at each try: the test may run across a month's end.
      await eventually(() => {
        const names = kubectl(['get', 'slar', '-n', 'acme-logistics', '-o', 'name']).split('\n').filter((l) => l !== '').map((l) => l.replace(/^.*\//, ''));
        // Every month since the start; across a month's end, the new month's may be there already.
        const expected = expectedReports(testNow() - 60_000);
        const allowed = expectedReports(testNow() + 60_000);
        return expected.every((name) => names.includes(name)) && names.every((name) => allowed.includes(name));
      }, { timeoutMs: 60_000 });
    }

    const pid = start.pid ?? -1;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      start?.once('exit', (code, signal) => { resolve({ code, signal }); });
    });
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group (npm, node, node 24).
    process.kill(-pid, 'SIGINT');
    const { code, signal } = await exited;
    expect(code === 0 || code === 130 || signal === 'SIGINT', `npm start ended with ${code ?? signal ?? '?'}`).toBe(true);
    await eventually(() => output.includes('managedapps dev: stopping the control plane'), { timeoutMs: 30_000 });
    // Nothing left running: the group is gone (the control plane runs in groups of its own, stopped by dev).
    await eventually(() => {
      try {
        process.kill(-pid, 0);
        return false;
      } catch {
        return true;
      }
    }, { timeoutMs: 30_000 });
    expect(spawnSync('pgrep', ['-f', join(root, '.dev', 'quickstart-home')]).status).not.toBe(0);
  }, 300_000);

  it('the offline report commands print the report', () => {
    const commands = readmeCommands().filter((l) => l.includes('report --offline'));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      // A command that writes a file (`-o html > pack.html`): written into a temporary folder, read there.
      const redirect = /\s>\s*(\S+)/.exec(command.replace(/\s+#.*$/, ''));
      const dir = mkdtempSync(join(tmpdir(), 'mao-quickstart-'));
      const run = redirect === null ? command : command.replace(redirect[0], ` > ${join(dir, basename(redirect[1]!))}`);
      const r = spawnSync('sh', ['-c', run], { cwd: root, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(redirect === null ? r.stdout : readFileSync(join(dir, basename(redirect[1]!)), 'utf8'), command).toMatch(/2026-10/);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
