// The operator image, built and run for real without a Docker engine (vitest project `image`, run
// by .ci/run after `npm test`): test/image/build.sh builds the Dockerfile with buildah into an OCI
// layout; the layout is read as a registry would serve it (index, manifest, config, layers), then
// copied with skopeo into a podman storage of this file's own and run with podman on runc:
// `--help`, the offline report, and the operator itself against the project's control plane
// (test/controlplane/global-setup.ts) until the samples are Ready.
//
// Two sandbox constraints shape the podman command line (docs/install.md, "The image"):
// - runc, not the default crun;
// - rlimits no higher than this process's: podman (as root) raises RLIMIT_NOFILE and RLIMIT_NPROC
//   for the container, and without CAP_SYS_RESOURCE runc fails with "error setting rlimits for
//   ready process: error setting rlimit type 7: operation not permitted" (type 6 with NOFILE set
//   and NPROC left at this machine's own hard limit), so both are given explicitly.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readObjects, applyObjects } from '../../src/cli/apply.ts';
import { adminKubeConfig, eventually, userKubeConfig } from '../controlplane/client.ts';
import { freePorts, get } from '../controlplane/net.ts';
import { objectsIn, readAudit, unconverged, writesOf, type Obj } from '../integration/operator-support.ts';
import { operatorClockArgs, testNow } from '../support/clock.ts';

const execFileAsync = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean; link?: boolean }> };
const chart = parseYaml(readFileSync(join(root, 'charts', 'managed-apps-operator', 'Chart.yaml'), 'utf8')) as { home: string };
const tag = pkg.version;
const image = `localhost/managed-apps-operator:${tag}`;
const samplesDir = join(root, 'config', 'samples');
const SAMPLES_NAMESPACE = 'acme-logistics'; // config/samples/namespace.yaml

const work = mkdtempSync(join(tmpdir(), 'mao-image-'));
const layout = join(work, 'oci');
const storage = [`--root=${join(work, 'storage')}`, `--runroot=${join(work, 'run')}`, '--storage-driver=vfs'];

/** This process's soft and hard limit of one resource (/proc/self/limits), as podman's `soft:hard`. */
function ownLimit(name: string): string {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  const [, soft, hard] = /\s(\d+|unlimited)\s+(\d+|unlimited)\s/.exec(line ?? '') ?? [];
  if (soft === undefined || hard === undefined) throw new Error(`no numeric "${name}" in /proc/self/limits`);
  return `${soft === 'unlimited' ? '-1' : soft}:${hard === 'unlimited' ? '-1' : hard}`;
}
// NPROC: 4,096 is below any hard limit here and far above the operator's one process (Node's
// threads count: about a dozen).
const runFlags = ['--runtime=runc', 'run', '--rm', '--pull=never', '--network=host', `--ulimit=nofile=${ownLimit('Max open files')}`, '--ulimit=nproc=4096:4096'];

async function run(command: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(command, args, { maxBuffer: 1 << 26, timeout: options.timeoutMs ?? 300_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
const podman = (args: readonly string[], options?: { timeoutMs?: number }) => run('podman', [...storage, ...args], options);

/** A command whose stderr goes to the test's output as it runs (the build's step times). */
function runStreaming(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (c: Buffer) => {
      process.stderr.write(c);
      tail = (tail + c.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)}:\n${tail}`));
    });
  });
}

interface Descriptor { mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> }
interface Manifest { mediaType?: string; artifactType?: string; config: Descriptor; layers: Descriptor[]; subject?: Descriptor }
interface ImageConfig {
  architecture: string;
  os: string;
  config: { User?: string; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string; Labels?: Record<string, string>; Env?: string[] };
}
const blobPath = (digest: string): string => join(layout, 'blobs', ...digest.split(':'));
const blob = (d: Descriptor): Buffer => {
  const data = readFileSync(blobPath(d.digest));
  expect(data.length, `size of ${d.digest}`).toBe(d.size);
  return data;
};
const json = (d: Descriptor): unknown => JSON.parse(blob(d).toString('utf8'));

let index: { manifests: Descriptor[] };
let manifest: Manifest;
let imageDescriptor: Descriptor;
let config: ImageConfig;
/** The paths of each layer, in order (tar lists them without the leading /). */
let layers: string[][];
/** The commit checked out when the build started. */
let head: string;

beforeAll(async () => {
  head = (await run('git', ['-C', root, 'rev-parse', 'HEAD'])).stdout.trim();
  await runStreaming('bash', [join(root, 'test', 'image', 'build.sh'), '--out', layout]);
  index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as typeof index;
  const tagged = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (tagged === undefined) throw new Error(`no manifest tagged ${tag} in ${layout}/index.json`);
  imageDescriptor = tagged;
  manifest = json(imageDescriptor) as Manifest;
  config = json(manifest.config) as ImageConfig;
  layers = await Promise.all(manifest.layers.map(async (l) => (await run('tar', ['-tf', blobPath(l.digest)])).stdout.split('\n').filter((p) => p !== '').map((p) => p.replace(/^\.?\//, ''))));
  // From the layout into podman's storage, as a registry pull would (skopeo, no daemon).
  await run('skopeo', ['copy', '--quiet', `oci:${layout}:${tag}`, `containers-storage:[vfs@${join(work, 'storage')}+${join(work, 'run')}]${image}`], { timeoutMs: 600_000 });
}, 2_700_000);

afterAll(async () => {
  await podman(['rm', '--all', '--force']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe('the image in its OCI layout', () => {
  it('runs as uid 65532, the Dockerfile entry point, with the OCI labels of this checkout', () => {
    expect(config.os).toBe('linux');
    expect(config.architecture).toBe(process.arch === 'x64' ? 'amd64' : process.arch);
    // "65532:65532": distroless' nonroot, the chart's runAsUser; not root.
    expect(config.config.User).toBe('65532:65532');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
    expect(config.config.Entrypoint).toEqual(JSON.parse(entrypoint ?? 'null'));
    expect(config.config.Cmd).toEqual(['run']);
    expect(config.config.WorkingDir).toBe('/app');
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.source': chart.home,
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
    // The commit built; "-dirty" when what the Dockerfile copies differs from it (a work tree).
    expect(config.config.Labels?.['org.opencontainers.image.revision']).toMatch(new RegExp(`^${head}(-dirty)?$`));
  });

  it('has no shell, no package manager, no sources or tests, and no build secret in any layer', () => {
    const all = layers.flat();
    expect(all).toEqual(expect.arrayContaining(['nodejs/bin/node', 'app/dist/main.js', 'app/dist/cli/program.js', 'app/package.json', 'app/sbom.cdx.json', 'etc/passwd', 'etc/ssl/certs/ca-certificates.crt']));
    expect(all.filter((p) => /^(usr\/)?s?bin\/(sh|bash|dash|busybox)$/.test(p))).toEqual([]);
    expect(all.filter((p) => /^(usr\/)?bin\/(apt|apt-get|dpkg|npm|npx)$/.test(p) || p.startsWith('usr/local/lib/node_modules/npm'))).toEqual([]);
    expect(all.filter((p) => p.startsWith('app/src/') || /^app\/dist\/.*\.test\.js$/.test(p))).toEqual([]);
    // The CA bundle reached npm as a build secret (/run/secrets/ca) for its RUN steps only.
    expect(all.filter((p) => p.startsWith('run/secrets') || p.endsWith('.npmrc'))).toEqual([]);
  });

  it('carries the SBOM of its npm dependencies, in the image and as an artifact whose subject is the image', async () => {
    const artifacts = index.manifests.filter((m) => m.artifactType === 'application/vnd.cyclonedx+json');
    expect(artifacts).toHaveLength(1);
    const artifact = json(artifacts[0]!) as Manifest;
    expect(artifact.subject).toEqual({ mediaType: imageDescriptor.mediaType, digest: imageDescriptor.digest, size: imageDescriptor.size });
    expect(artifact.layers).toHaveLength(1);
    const attached = blob(artifact.layers[0]!).toString('utf8');
    // The same bytes as /app/sbom.cdx.json in the layer that copied it.
    const layerIndex = layers.findLastIndex((paths) => paths.includes('app/sbom.cdx.json'));
    const inImage = (await run('tar', ['-xOf', blobPath(manifest.layers[layerIndex]!.digest), 'app/sbom.cdx.json'])).stdout;
    expect(attached).toBe(inImage);

    const bom = JSON.parse(attached) as { bomFormat: string; metadata: { component: { name: string; version: string } }; components: { name: string; version: string }[] };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata.component).toMatchObject({ name: pkg.name, version: pkg.version });
    // The lock file's production packages (not dev, not the root, not links), by name@version.
    const production = new Set(Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.dev !== true && p.link !== true)
      .map(([path, p]) => `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${p.version ?? '?'}`));
    // Exactly those: none missing (npm sbom --omit=dev would drop the ones a devDependency uses
    // too, npm/cli#7909), none more.
    expect(bom.components.map((c) => `${c.name}@${c.version}`).sort()).toEqual([...production].sort());
    for (const name of Object.keys(pkg.dependencies)) expect(bom.components.map((c) => c.name), name).toContain(name);
    // A devDependency is in only when production needs it too (@types/node, through client-node).
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'vitest']));
    for (const name of devOnly) expect(bom.components.map((c) => c.name), name).not.toContain(name);
  });
});

describe('the image run with podman', () => {
  it('--help prints the usage, as uid 65532', async () => {
    const { stdout } = await podman([...runFlags, image, '--help']);
    expect(stdout).toMatch(/^Usage: managedapps/m);
    expect(stdout).toMatch(/^ {2}run \[options\]/m);
    const ids = await podman([...runFlags, '--entrypoint=/nodejs/bin/node', image, '-e', 'process.stdout.write(JSON.stringify([process.getuid(), process.getgid()]))']);
    expect(JSON.parse(ids.stdout)).toEqual([65532, 65532]);
  });

  it('has no /bin/sh to run', async () => {
    await expect(podman([...runFlags, '--entrypoint=/bin/sh', image, '-c', 'true'])).rejects.toThrow(/no such file or directory|not found/);
  });

  it('report --offline prints what the command line prints from the same samples', async () => {
    // The README's offline report (a fixed --now: no dependence on the day).
    const args = ['report', '--offline', '--month', '2026-10', '--now', '2026-11-15T12:00:00Z', '-o', 'table'];
    const inImage = await podman([...runFlags, `--volume=${samplesDir}:/samples:ro`, image, ...args.slice(0, 2), '-f', '/samples', ...args.slice(2)]);
    const here = await run(process.execPath, [join(root, 'bin', 'managedapps.js'), ...args.slice(0, 2), '-f', samplesDir, ...args.slice(2)]);
    expect(inImage.stdout).toMatch(/2026-10/);
    expect(inImage.stdout).toBe(here.stdout);
  });

  describe('the operator against the control plane', () => {
    const name = `mao-image-${Math.random().toString(36).slice(2, 8)}`;
    const kubeconfigDir = join(work, 'kube'); // removed with work

    afterAll(async () => {
      await podman(['stop', '--time=10', name]).catch(() => undefined);
    });

    /**
     * The SLAReports of the samples' contract on a fresh cluster at `now`, as the quick-start test
     * works them out (design.md §3): this calendar month's in Europe/Paris (the tenant's zone) and
     * the previous month's, which no final report covers yet.
     */
    const expectedReports = (now: number): string[] => {
      const current = DateTime.fromMillis(now, { zone: 'Europe/Paris' }).startOf('month');
      return [current.minus({ months: 1 }), current].map((m) => `acme-logistics-2026-${m.toFormat('yyyy-MM')}`);
    };

    it('reconciles config/samples until every sample is Ready', async () => {
      const info = inject('controlPlane');
      const kc = adminKubeConfig(info);
      // The container reads the kubeconfig as uid 65532: a directory and file it may read (the
      // bind mount makes the directory /kube: the modes of its parents on this machine do not matter).
      const kubeconfig = join(kubeconfigDir, 'kubeconfig');
      mkdirSync(kubeconfigDir);
      chmodSync(kubeconfigDir, 0o755);
      writeFileSync(kubeconfig, userKubeConfig(info, name, ['system:masters']).exportConfig(), { mode: 0o644 });
      const samples = readObjects(samplesDir);
      await applyObjects(kc, samples);

      const [metricsPort] = await freePorts(1);
      await podman([
        ...runFlags.filter((f) => f !== '--rm'), '--detach', `--name=${name}`, `--volume=${kubeconfigDir}:/kube:ro`, image,
        'run', '--kubeconfig', '/kube/kubeconfig', '--identity', name,
        '--metrics-host', '127.0.0.1', '--metrics-port', String(metricsPort), '--metrics-secure', 'false',
        '--leader-elect', 'false', '--probes', 'false', ...operatorClockArgs(),
      ]);
      const logs = async (): Promise<string> => (await podman(['logs', name]).catch((e: unknown) => ({ stdout: '', stderr: String(e) }))).stdout.slice(-3000);
      try {
        await eventually(async () => (await get(`http://127.0.0.1:${String(metricsPort)}/readyz`)).status === 200, { timeoutMs: 120_000, intervalMs: 500 });
        const objects = await eventually(async () => {
          const found = await objectsIn(kc, SAMPLES_NAMESPACE);
          expect(unconverged(found)).toEqual([]);
          const reports = [...found.keys()].filter((k) => k.startsWith('SLAReport/')).map((k) => k.slice('SLAReport/'.length));
          expect(reports).toEqual(expect.arrayContaining(expectedReports(testNow())));
          return found;
        }, { timeoutMs: 180_000, intervalMs: 1000 });

        const ready = (o: Obj | undefined): string | undefined => o?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
        // Every sample of these kinds is valid and in force (controllers-outcomes.test.ts checks
        // the same samples in-process): Ready=True.
        for (const s of samples.filter((o) => ['ManagedTenant', 'SupportContract', 'ServiceUnit', 'ManagedFunction'].includes(o.kind ?? ''))) {
          const key = `${s.kind ?? ''}/${s.metadata?.name ?? ''}`;
          expect(ready(objects.get(key)), key).toBe('True');
        }
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- operator container log (tail) ---\n${await logs()}`);
      }
      // The operator in the container wrote those statuses: the audit log names its user.
      const { entries } = readAudit(info.auditLogPath ?? '');
      const statusWrites = writesOf(entries, name).filter((e) => e.objectRef?.subresource === 'status' && e.objectRef.namespace === SAMPLES_NAMESPACE);
      expect(statusWrites.length).toBeGreaterThan(0);
    });
  });
});
