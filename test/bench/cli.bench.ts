// Start-up of the command line (issue 17, item 1): whole processes (whole-process.ts), each
// command against the runtime's floor (`node -e 0`), run in turn (floor, command, floor, ...) so
// that a drifting machine shifts both: per command the medians of wall, CPU and peak memory, and
// the medians of the ratios command / floor pair by pair, all measured in this run.
//
// Each command runs from the checkout (bin/managedapps.js, Node stripping the TypeScript of src/,
// with Node's compile cache as the launcher enables it; and once more with the cache disabled,
// NODE_DISABLE_COMPILE_CACHE=1, what a first run pays) and from the compiled build as npm installs
// it (tsc into node_modules/managed-apps-operator/dist, the launcher picking dist/ there).
// Aims: `--help` within 3× of the floor; the offline report of config/samples under 0.5 s;
// `kubectl managedapps windows` against a cluster under 0.5 s plus the API's own time, measured
// here on the local control plane (test/controlplane; skipped when its binaries are not built,
// or with MAO_BENCH_CLI_CLUSTER=0) as the same list request from a warm process on a new
// connection. The control plane runs no operator: the windows have no status yet, so the command
// prints that; it still reads the kubeconfig, authenticates, lists and formats.
// MAO_BENCH_CLI_RUNS sets the runs (default 7, after one warm-up that also fills the compile cache).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, ms, type Benchmark, type Figure } from './harness.ts';
import { measurePaired, pairedFigures, wallsText, type ProcessCommand } from './whole-process.ts';

const root = join(import.meta.dirname, '..', '..');
const RUNS = Number(process.env.MAO_BENCH_CLI_RUNS ?? 7);
const FLOOR: ProcessCommand = { args: ['-e', '0'], cwd: root };
const REPORT = ['report', '--offline', '-f', join(root, 'config', 'samples'), '--month', '2026-10', '--now', '2026-11-15T12:00:00Z', '-o', 'json'];

/** src/ compiled (tsc, tsconfig.build.json) into a package laid out as npm installs it; returns its launcher. */
function buildPackage(work: string): string {
  const pkg = join(work, 'node_modules', 'managed-apps-operator');
  mkdirSync(pkg, { recursive: true });
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck', '--outDir', join(pkg, 'dist')], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  for (const entry of manifest.files.filter((f) => f !== 'dist/')) cpSync(join(root, entry), join(pkg, entry), { recursive: true });
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  return join(pkg, 'bin', 'managedapps.js');
}

interface Cluster {
  readonly kubeconfig: string;
  readonly namespace: string;
  /** The list request `windows -n <namespace>` makes, from this (warm) process on a new connection. */
  apiRequestMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The local control plane with the CRDs and config/samples in a namespace; undefined (and why) when it cannot start. */
async function startCluster(log: (line: string) => void): Promise<Cluster | string> {
  if (process.env.MAO_BENCH_CLI_CLUSTER === '0') return 'MAO_BENCH_CLI_CLUSTER=0';
  const { BINARIES, BUILD_SCRIPT, startControlPlane } = await import('../controlplane/index.ts');
  // Where the binaries are or would go, building nothing (a first build takes minutes: not here).
  const dir = spawnSync('bash', [BUILD_SCRIPT, '--print-dir'], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';
  if (dir === '' || !BINARIES.every((b) => existsSync(join(dir, b)))) return 'no control-plane binaries (bash test/controlplane/build.sh)';
  const plane = await startControlPlane({ binDir: dir });
  try {
    const { adminKubeConfig, createNamespace } = await import('../controlplane/client.ts');
    const { installCrds, readCrds } = await import('../controlplane/crds.ts');
    const { createAll, samples } = await import('../integration/fixtures.ts');
    const { KubeClient, collectionPath } = await import('../../src/runtime/index.ts');
    const kc = adminKubeConfig(plane.info);
    await installCrds(kc, readCrds(join(root, 'crds')));
    const namespace = await createNamespace(kc, 'bench-cli');
    await createAll(kc, namespace, samples());
    log(`control plane ${plane.info.version} at ${plane.info.server}, config/samples in namespace ${namespace}`);
    const path = collectionPath({ group: 'managedapps.dev', version: 'v1alpha1', plural: 'maintenancewindows' }, namespace);
    return {
      kubeconfig: plane.info.kubeconfigPath,
      namespace,
      async apiRequestMs() {
        const client = new KubeClient(adminKubeConfig(plane.info));
        const start = performance.now();
        await client.request('GET', path);
        return performance.now() - start;
      },
      stop: () => plane.stop(),
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

const benchmark: Benchmark = {
  name: 'cli',
  description: 'start-up of managedapps commands against `node -e 0`, whole processes: checkout (TypeScript) and compiled build',
  async run(log) {
    const work = mkdtempSync(join(tmpdir(), 'mao-bench-cli-'));
    try {
      const installed = buildPackage(work);
      const checkout = join(root, 'bin', 'managedapps.js');
      const noCache = { NODE_DISABLE_COMPILE_CACHE: '1' };
      const cases: { name: string; command: ProcessCommand }[] = [
        { name: '--help (checkout)', command: { args: [checkout, '--help'], cwd: root } },
        { name: '--help (checkout, no compile cache)', command: { args: [checkout, '--help'], cwd: root, env: noCache } },
        { name: '--help (installed build)', command: { args: [installed, '--help'], cwd: root } },
        { name: 'report --offline samples (checkout)', command: { args: [checkout, ...REPORT], cwd: root } },
        { name: 'report --offline samples (checkout, no compile cache)', command: { args: [checkout, ...REPORT], cwd: root, env: noCache } },
        { name: 'report --offline samples (installed build)', command: { args: [installed, ...REPORT], cwd: root } },
      ];
      const figures: Figure[] = [];
      for (const c of cases) {
        const paired = measurePaired(c.command, FLOOR, RUNS);
        log(`${c.name}: wall ${wallsText(paired.command)}`);
        figures.push(...pairedFigures(c.name, 'node -e 0', paired));
      }

      const cluster = await startCluster(log);
      if (typeof cluster === 'string') {
        figures.push({ label: 'windows against a cluster', value: `skipped: ${cluster}` });
      } else {
        try {
          for (const [name, launcher] of [['checkout', checkout], ['installed build', installed]] as const) {
            const command: ProcessCommand = { args: [launcher, 'windows', '-n', cluster.namespace], cwd: root, env: { KUBECONFIG: cluster.kubeconfig } };
            const paired = measurePaired(command, FLOOR, RUNS);
            const api: number[] = [];
            for (let i = 0; i < RUNS; i++) api.push(await cluster.apiRequestMs());
            log(`windows (${name}): wall ${wallsText(paired.command)}; API request ${api.map(ms).join(', ')}`);
            const wall = median(paired.command.map((r) => r.wallMs));
            figures.push(
              ...pairedFigures(`windows (${name})`, 'node -e 0', paired),
              { label: `  the API's own time (new connection + list), median`, value: `${ms(median(api))}; windows less it: ${ms(wall - median(api))} (aim < 500 ms)` },
            );
          }
        } finally {
          await cluster.stop();
        }
      }
      return figures;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default benchmark;
