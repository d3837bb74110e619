// Simulated nodes for a test control plane: kube-scheduler (the control plane's Kubernetes version)
// and the kwok controller (sigs.k8s.io/kwok), both built by build-kwok.sh, run against a given
// control plane (its admin kubeconfig), plus fake Nodes that kwok keeps Ready. Pods that tolerate
// and select those nodes (KWOK_PLACEMENT) are bound by the scheduler and then marked Running and
// Ready by kwok's stages, without any container running; pods owned by a Job complete. Nothing
// here imports the operator. See docs/testing.md "Simulated nodes".
//
// On the shared control plane of the integration project mind two things: kwok renews each node's
// Lease (coordination.k8s.io, counted by the audit log) every 10 s while it runs, and pods
// become Ready for real, so Services get endpoints. Tests that would disturb other files start
// their own control plane (see test/integration/packaging-chart-kwok.test.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { adminKubeConfig } from './client.ts';
import { register, sweepStale, TEMP_PREFIX, unregister, writeOwner } from './cleanup.ts';
import { ControlPlaneError, formatTail } from './errors.ts';
import type { ControlPlaneInfo } from './index.ts';
import { freePorts, get, type TlsClient } from './net.ts';
import { loadCertificateAuthority } from './pki.ts';
import { ManagedProcess, type ExitStatus } from './process.ts';
import { Watchdog } from './watchdog.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const KWOK_BUILD_SCRIPT = join(here, 'build-kwok.sh');
export const KWOK_BINARIES = ['kwok', 'kube-scheduler'] as const;

// KWOK's documentation ("Manage Nodes and Pods", "kwok in cluster"): kwok manages the nodes
// annotated kwok.x-k8s.io/node=fake (--manage-nodes-with-annotation-selector); the example node is
// labelled type=kwok and tainted kwok.x-k8s.io/node=fake:NoSchedule so that real pods stay off it,
// and a pod meant for it selects type=kwok and tolerates the taint.
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;
export const KWOK_NODE_LABEL = { key: 'type', value: 'kwok' } as const;
export const KWOK_TAINT = { key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' } as const;

/** What a pod spec needs to be placed on a fake node: merge into `spec` (or into a chart's values). */
export const KWOK_PLACEMENT = {
  nodeSelector: { [KWOK_NODE_LABEL.key]: KWOK_NODE_LABEL.value },
  tolerations: [{ key: KWOK_TAINT.key, operator: 'Exists', effect: KWOK_TAINT.effect }],
} as const;

/** The fake Node of KWOK's documentation, named `name` (status is kwok's to fill; capacity as the docs' example). */
export function fakeNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value },
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        [KWOK_NODE_LABEL.key]: KWOK_NODE_LABEL.value,
      },
    },
    spec: { taints: [{ ...KWOK_TAINT }] },
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
    },
  };
}

let built: Promise<string> | undefined;

/**
 * Runs build-kwok.sh once per process (it builds nothing when the tools are cached, and answers
 * KWOK_TOOLS when that is set; a cold build takes minutes and prints its progress on stderr) and returns the directory.
 */
export function ensureKwokTools(options: { log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  built ??= new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [KWOK_BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const stderr: string[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      const lines = (partial + c).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stderr.push(line);
        log(line);
      }
    });
    child.on('error', (error) => {
      reject(new ControlPlaneError('BUILD_FAILED', `cannot run bash ${KWOK_BUILD_SCRIPT}: ${error.message}`));
    });
    child.on('close', (code) => {
      if (partial) stderr.push(partial);
      const dir = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && dir) {
        resolve(dir);
        return;
      }
      const error = [...stderr].reverse().find((l) => l.startsWith('kwok-tools: error:'));
      const message = error?.replace(/^kwok-tools: error: /, '') ?? `build-kwok.sh exited with code ${code ?? 'null'}`;
      reject(new ControlPlaneError('BUILD_FAILED', `building kwok and kube-scheduler failed: ${message}\n${stderr.slice(-30).join('\n')}`));
    });
  });
  built.catch(() => {
    built = undefined; // a failed build may be retried
  });
  return built;
}

export interface SimulatedNodesOptions {
  /** Directory of kwok, kube-scheduler and stages/. Default: build-kwok.sh's (run if needed). */
  toolsDir?: string;
  /** Names of the fake nodes to create. Default one, `kwok-node-0`. */
  nodes?: readonly string[];
  /**
   * Extra kwok Stage files (YAML), after the default ones, e.g. a stage that fails the pods of a
   * Job. `defaultStages: false` leaves only these.
   */
  stages?: readonly string[];
  /** Use kwok's "fast" stages of build-kwok.sh's stages/ (default true). */
  defaultStages?: boolean;
  /** Receives every line the processes print, prefixed `[kwok]` or `[kube-scheduler]`. */
  log?: (line: string) => void;
  /** How long the scheduler and every node may take to be ready. Default 60 s. */
  readyTimeoutMs?: number;
  /** Stop on SIGINT/SIGTERM/SIGHUP (default true); either way everything is killed at exit. */
  handleSignals?: boolean;
}

export interface SimulatedNodes {
  /** The names of the fake nodes, Ready when start returned. */
  readonly nodes: readonly string[];
  /** The temporary directory (logs/, the scheduler's certificate, kwok's work dir). */
  readonly dir: string;
  /** Creates one more fake node and waits until kwok has made it Ready. */
  addNode(name: string): Promise<void>;
  /**
   * Stops the scheduler, deletes the fake nodes (their pods are then removed by the pod garbage
   * collector of kube-controller-manager), stops kwok and removes the directory. Idempotent; a
   * control plane already gone only skips the deletion.
   */
  stop(): Promise<void>;
}

// kwok's pod addresses: outside the control plane's service range (10.0.0.0/24, index.ts), which
// is also kwok's default --cidr.
const POD_CIDR = '10.244.0.0/16';
// As kwokctl does by default: a node Lease of 40 s, renewed by kwok, so that the node lifecycle
// controller keeps the node Ready (the heartbeat-with-lease stage of build-kwok.sh goes with it).
const NODE_LEASE_SECONDS = 40;
const GRACE_MS = 5_000;

export async function startSimulatedNodes(info: ControlPlaneInfo, options: SimulatedNodesOptions = {}): Promise<SimulatedNodes> {
  const toolsDir = options.toolsDir ?? (await ensureKwokTools(options.log ? { log: options.log } : {}));
  const missing = KWOK_BINARIES.filter((b) => !existsSync(join(toolsDir, b)));
  if (missing.length > 0) throw new ControlPlaneError('BINARIES_MISSING', `no ${missing.join(', ')} in ${toolsDir}: run \`bash test/controlplane/build-kwok.sh\`, or set KWOK_TOOLS to a directory holding ${KWOK_BINARIES.join(' and ')}.`);
  const stages = [
    ...(options.defaultStages === false ? [] : defaultStages(toolsDir)),
    ...(options.stages ?? []),
  ];
  if (stages.length === 0) throw new Error('kwok needs at least one Stage: keep defaultStages, or pass stages');
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const log = options.log;
  const kc = adminKubeConfig(info);
  const core = kc.makeApiClient(CoreV1Api);

  sweepStale();
  const dir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}kwok-`));
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  writeOwner(dir, []);
  // The kubeconfig is copied into dir so that the processes' command lines name it: the sweep of
  // cleanup.ts kills only processes whose command line names their directory.
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(info.kubeconfigPath), { mode: 0o600 });

  const processes = new Map<string, ManagedProcess>();
  const created: string[] = [];
  const watchdog = new Watchdog(dir, false);
  let ready = false;
  let stopping: Promise<void> | undefined;
  const removeDir = () => {
    watchdog.dismiss();
    rmSync(dir, { recursive: true, force: true });
  };
  const onUnexpectedExit = (p: ManagedProcess, status: ExitStatus) => {
    if (!ready || stopping) return;
    const message = `kwok: ${p.name} exited unexpectedly (${status.signal ?? `exit code ${status.code ?? '?'}`}); simulated nodes no longer work.\n${formatTail(p.name, p.logPath, p.tail())}`;
    if (log) log(message);
    else process.stderr.write(`${message}\n`);
  };
  const startProcess = (name: string, binary: string, args: readonly string[]): ManagedProcess => {
    const p = ManagedProcess.start({ name, binary, args, logPath: join(logs, `${name}.log`), log, onUnexpectedExit });
    processes.set(name, p);
    const pids = [...processes.values()].map((q) => q.pid);
    writeOwner(dir, pids);
    watchdog.watch(pids);
    return p;
  };
  const deleteNodes = async () => {
    for (const name of created.splice(0)) {
      await core.deleteNode({ name }).catch(() => undefined); // gone already, or the control plane is
    }
  };
  const live = {
    dir,
    killNow: () => {
      for (const p of processes.values()) p.killNow();
      removeDir();
    },
    stop: (): Promise<void> => {
      stopping ??= (async () => {
        await processes.get('kube-scheduler')?.stop(GRACE_MS);
        await deleteNodes();
        await processes.get('kwok')?.stop(GRACE_MS);
        removeDir();
        unregister(live);
      })();
      return stopping;
    },
  };
  register(live, { handleSignals: options.handleSignals ?? true });

  const waitForNode = (name: string) =>
    waitUntil(`node ${name} Ready (kwok's node-initialize stage)`, [...processes.values()], readyTimeoutMs, async () => {
      const node = await core.readNode({ name });
      const condition = node.status?.conditions?.find((c) => c.type === 'Ready');
      return condition?.status === 'True' ? true : `Ready=${condition?.status ?? 'absent'}`;
    });
  const addNode = async (name: string) => {
    await core.createNode({ body: fakeNode(name) });
    created.push(name);
    await waitForNode(name);
  };

  try {
    // 1. kube-scheduler, serving /readyz on a free port with a certificate of the test CA (so that
    //    the probe verifies it); its API client is the admin kubeconfig.
    const [schedulerPort = 0] = await freePorts(1);
    const ca = loadCertificateAuthority(readFileSync(join(info.certDir, 'ca.crt'), 'utf8'), readFileSync(join(info.certDir, 'ca.key'), 'utf8'));
    const serving = ca.issue({ commonName: 'kube-scheduler', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
    writeFileSync(join(dir, 'scheduler.crt'), serving.certPem, { mode: 0o600 });
    writeFileSync(join(dir, 'scheduler.key'), serving.keyPem, { mode: 0o600 });
    const scheduler = startProcess('kube-scheduler', join(toolsDir, 'kube-scheduler'), [
      `--kubeconfig=${kubeconfig}`,
      `--leader-elect=false`,
      `--bind-address=127.0.0.1`,
      `--secure-port=${schedulerPort}`,
      `--tls-cert-file=${join(dir, 'scheduler.crt')}`,
      `--tls-private-key-file=${join(dir, 'scheduler.key')}`,
    ]);
    const tls: TlsClient = { ca: ca.certPem, cert: readFileSync(join(info.certDir, 'admin.crt'), 'utf8'), key: readFileSync(join(info.certDir, 'admin.key'), 'utf8') };
    await waitUntil('kube-scheduler /readyz', [scheduler], readyTimeoutMs, async () => {
      const probe = await get(`https://127.0.0.1:${schedulerPort}/readyz`, tls);
      return probe.status === 200 ? true : `HTTP ${probe.status} ${probe.body.slice(0, 200)}`;
    });

    // 2. kwok, on the nodes annotated as KWOK's docs say. KWOK_WORKDIR (through env(1), so that
    //    ManagedProcess needs no environment option) keeps a ~/.kwok/kwok.yaml of the user's out.
    const workDir = join(dir, 'kwok-home');
    mkdirSync(workDir);
    startProcess('kwok', '/usr/bin/env', [
      `KWOK_WORKDIR=${workDir}`,
      join(toolsDir, 'kwok'),
      `--kubeconfig=${kubeconfig}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
      `--cidr=${POD_CIDR}`,
      `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
      ...stages.map((s) => `--config=${s}`),
    ]);

    // 3. The fake nodes, each Ready once kwok has run its node-initialize stage on it.
    for (const name of options.nodes ?? ['kwok-node-0']) await addNode(name);
    ready = true;
    log?.(`[kwok] ${created.length} simulated node(s) ready (${created.join(', ')}); kube-scheduler on 127.0.0.1:${schedulerPort} (${dir})`);
    return {
      get nodes() {
        return [...created];
      },
      dir,
      addNode,
      stop: live.stop,
    };
  } catch (error) {
    for (const p of processes.values()) p.killNow();
    await Promise.all([...processes.values()].map((p) => p.exited));
    await deleteNodes();
    removeDir();
    unregister(live);
    throw error;
  }
}

/** The stage files of build-kwok.sh's stages/, sorted. */
function defaultStages(toolsDir: string): string[] {
  const dir = join(toolsDir, 'stages');
  if (!existsSync(dir)) throw new ControlPlaneError('BINARIES_MISSING', `no stages/ in ${toolsDir}: a KWOK_TOOLS directory needs kwok's stage files too (build-kwok.sh copies them), or pass defaultStages: false with stages.`);
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

/** Polls `check` until it is true; fails at once, with the log tail, if one of the processes exits. */
async function waitUntil(what: string, watched: readonly ManagedProcess[], timeoutMs: number, check: () => Promise<true | string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const dead = watched.find((p) => p.exitStatus);
    if (dead) {
      throw new ControlPlaneError('PROCESS_EXITED', `${dead.name} exited while waiting for ${what}: see the reason in its log below.`, {
        logTail: { name: dead.name, path: dead.logPath, lines: dead.tail() },
      });
    }
    try {
      const result = await check();
      if (result === true) return;
      last = result;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const culprit = watched.at(-1);
      throw new ControlPlaneError('READINESS_TIMEOUT', `${what} not reached within ${Math.round(timeoutMs / 1000)} s (last: ${last})`, culprit ? { logTail: { name: culprit.name, path: culprit.logPath, lines: culprit.tail() } } : undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
