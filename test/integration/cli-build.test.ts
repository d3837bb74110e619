// Every command of the CLI from the compiled build (issue 17): src/ compiled by tsc with
// tsconfig.build.json (as `npm run build`, npm pack's prepack and the image do; --noCheck, since
// `npm test` type-checks first) into a package laid out as npm installs it
// (node_modules/managed-apps-operator with package.json's `files`), run through its launcher,
// which picks dist/ there. Each command runs once
// from the build and once from the checkout's TypeScript, and both must print the same and exit
// the same: offline on config/samples and an invalid fixture, and against the real API server on
// the samples applied to a namespace of their own. What a command loads only when it runs (the
// kubectl commands' KubeConfig without client-node's generated API, the approvers' digest, `yaml`
// for -o yaml and for a manifest with a problem) is loaded here from dist/ as installed.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createNamespace } from '../controlplane/client.ts';
import { createAll, samples } from './fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'mao-cli-build-'));
/** The package as `npm install` lays it out: the launcher takes dist/ under a node_modules folder. */
const pkg = join(work, 'node_modules', 'managed-apps-operator');
const NOW = '2026-11-15T12:00:00Z';

interface Run { code: number; stdout: string; stderr: string }

function run(launcher: string, args: readonly string[], kubeconfig?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [launcher, ...args], {
      cwd: ROOT, maxBuffer: 1 << 26, env: { ...process.env, KUBECONFIG: kubeconfig ?? join(work, 'no-kubeconfig') },
    }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}
const built = (args: readonly string[], kubeconfig?: string): Promise<Run> => run(join(pkg, 'bin', 'managedapps.js'), args, kubeconfig);
const checkout = (args: readonly string[], kubeconfig?: string): Promise<Run> => run(join(ROOT, 'bin', 'managedapps.js'), args, kubeconfig);

beforeAll(async () => {
  mkdirSync(pkg, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck', '--outDir', join(pkg, 'dist')], { cwd: ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`tsc failed: ${error.message}\n${stdout}${stderr}`));
    });
  });
  // What `npm pack` ships: package.json's `files` (dist/ is what was just built; prepack builds it).
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  expect(manifest.files).toEqual(expect.arrayContaining(['bin/', 'dist/']));
  for (const entry of manifest.files.filter((f) => f !== 'dist/')) cpSync(join(ROOT, entry), join(pkg, entry), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs `args` from the build and from the checkout; both must give the same. */
async function same(args: readonly string[], kubeconfig?: string): Promise<Run> {
  const [fromBuild, fromCheckout] = await Promise.all([built(args, kubeconfig), checkout(args, kubeconfig)]);
  expect(fromBuild, `managedapps ${args.join(' ')}`).toEqual(fromCheckout);
  return fromBuild;
}

describe('the compiled build', () => {
  it('holds JavaScript only, no test, and its launcher runs dist/', async () => {
    const files = readdirSync(join(pkg, 'dist'), { recursive: true }).map(String);
    expect(files).toContain(join('cli', 'program.js'));
    expect(files.filter((f) => f.endsWith('.ts') || f.includes('.test.'))).toEqual([]);
    // The package has no src/: whatever runs is dist/.
    const r = await built(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: managedapps/m);
  });

  it.each(['run', 'dev', 'crds', 'report', 'export', 'verify', 'approve', 'reject', 'resolve', 'close', 'confirm-approvers', 'windows', 'claim'])('%s --help', async (command) => {
    const r = await same([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: managedapps ${command}\\b`, 'm'));
  });

  it('crds: the same CustomResourceDefinitions', async () => {
    const r = await same(['crds']);
    expect(r.code).toBe(0);
    // One CRD per kind file of crds/.
    expect(r.stdout.match(/^kind: CustomResourceDefinition$/gm)).toHaveLength(readdirSync(join(ROOT, 'crds')).filter((f) => f.endsWith('.yaml')).length);
  });

  it.each(['json', 'yaml', 'table'])('report --offline on config/samples, -o %s', async (output) => {
    const r = await same(['report', '--offline', '-f', 'config/samples', '--month', '2026-10', '--now', NOW, '-o', output]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2026-10');
  });

  it('report --offline on a manifest with a problem: its file:line message, exit 1', async () => {
    const fixture = join('test', 'fixtures', 'invalid', readdirSync(join(ROOT, 'test', 'fixtures', 'invalid')).filter((f) => f.endsWith('.yaml')).sort()[0]!);
    const r = await same(['report', '--offline', '-f', fixture, '--month', '2026-10', '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:\d+: /);
  });

  it.each(['openslo', 'pyrra'])('export --format %s of config/samples', async (format) => {
    const r = await same(['export', '--format', format, '-f', 'config/samples', '--month', '2026-11', '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(100);
  });

  describe('against the API server', () => {
    let kubeconfig: string;
    let namespace: string;
    beforeAll(async () => {
      const info = inject('controlPlane');
      kubeconfig = info.kubeconfigPath;
      const kc = adminKubeConfig(info);
      namespace = await createNamespace(kc, 'cli-build');
      await createAll(kc, namespace, samples());
    });

    it('windows (no status yet: the operator does not run here), -o json and -o wide', async () => {
      const table = await same(['windows', '-n', namespace], kubeconfig);
      expect(table.code).toBe(0);
      // config/samples holds 3 MaintenanceWindows.
      expect(table.stderr).toBe(`No maintenance windows found in ${namespace} namespace (3 MaintenanceWindow(s) without next occurrences in their status yet).\n`);
      expect((await same(['windows', '-n', namespace, '-o', 'json'], kubeconfig)).stdout).toBe('[]\n');
      expect((await same(['windows', '-A', '-o', 'wide'], kubeconfig)).code).toBe(0);
    });

    it('report, verify and export from the cluster', async () => {
      const report = await same(['report', '-n', namespace, '--month', '2026-10'], kubeconfig);
      expect(report.code).toBe(1); // no SLAReport: the operator does not run here
      expect(report.stderr).toMatch(/^error: /);
      expect((await same(['export', '--format', 'openslo', '-n', namespace, '--month', '2026-11', '--now', NOW], kubeconfig)).code).toBe(0);
      // No SLAReport is final yet: nothing to recompute, and the (empty) chain of seals holds.
      const verified = `SupportContract ${namespace}/acme-logistics-2026: no final month: verified, the seals chain\n`;
      expect(await same(['verify', '-n', namespace], kubeconfig)).toEqual({ code: 0, stdout: verified, stderr: '' });
      const records = await built(['export', '-n', namespace, '-o', join(work, 'records')], kubeconfig);
      expect(records.code, records.stderr).toBe(0);
      expect(readdirSync(join(work, 'records'))).toEqual(expect.arrayContaining(['incidents', 'serviceunits']));
      expect(await same(['verify', '--offline', '-f', join(work, 'records')])).toEqual({ code: 0, stdout: verified, stderr: '' });
    });

    it('approve, reject, confirm-approvers: the API server\'s or the command\'s refusal, the same from both', async () => {
      for (const args of [
        ['approve', 'no-such-change', '-n', namespace],
        ['reject', 'no-such-change', '-n', namespace, '--reason', 'not now'],
        ['confirm-approvers', 'acme-logistics', '-n', namespace],
      ]) {
        const r = await same(args, kubeconfig);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^error: /);
      }
      // The samples' tenant has no approver to confirm: the command read it, and its digest module loaded.
      expect((await built(['confirm-approvers', 'acme-logistics', '-n', namespace], kubeconfig)).stderr).toBe(
        'error: managedtenant.managedapps.dev/acme-logistics: no ChangeApprover grant awaits confirmation (status.approvers.pending is empty)\n',
      );
    });

    it('resolve, then close, an open incident, from the build', async () => {
      const open = samples().find((o) => o.kind === 'Incident' && (o.spec as { resolvedAt?: string }).resolvedAt === undefined);
      expect(open, 'config/samples has an open incident').toBeDefined();
      const name = open!.metadata.name;
      const opened = (open!.spec as { openedAt: string }).openedAt;
      const at = new Date(new Date(opened).getTime() + 3_600_000).toISOString().replace('.000Z', 'Z');
      const resolved = await built(['resolve', name, '-n', namespace, '--at', at], kubeconfig);
      expect(resolved).toEqual({ code: 0, stdout: `incident.managedapps.dev/${name} resolved at ${at}\n`, stderr: '' });
      const closed = await built(['close', name, '-n', namespace, '--at', at, '-o', 'json'], kubeconfig);
      expect(closed.code, closed.stderr).toBe(0);
      expect((JSON.parse(closed.stdout) as { spec: { closedAt: string } }).spec.closedAt).toBe(at);
    });
  });
});
