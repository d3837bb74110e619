// A real Kubernetes control plane for tests and for `managedapps dev`, the envtest way: etcd,
// kube-apiserver and kube-controller-manager (built by build.sh, or taken from KUBEBUILDER_ASSETS)
// on 127.0.0.1 at free ports, with a throw-away CA, client-certificate users and service-account
// keys in a temporary directory. See docs/testing.md.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import { register, sweepStale, TEMP_PREFIX, unregister, writeOwner } from './cleanup.ts';
import { ControlPlaneError, formatTail } from './errors.ts';
import { kubeConfigFor, kubeConfigYaml } from './kubeconfig.ts';
import { freePorts, get, type TlsClient } from './net.ts';
import { createCertificateAuthority, generateKeyPair, type CertificateAuthority } from './pki.ts';
import { ManagedProcess, type ExitStatus } from './process.ts';
import { Watchdog } from './watchdog.ts';

export { ControlPlaneError, type ControlPlaneErrorCode } from './errors.ts';

/** What a test needs to reach the control plane; plain JSON (vitest `provide`s it). */
export interface ControlPlaneInfo {
  /** https://127.0.0.1:<port> */
  server: string;
  /** An admin kubeconfig (user `admin`, group `system:masters`). */
  kubeconfigPath: string;
  /** Holds ca.crt and ca.key (to mint users), apiserver.crt/.key, admin.crt/.key, sa.key/.pub. */
  certDir: string;
  /** The JSON-lines audit log, when started with `auditLog: true`. */
  auditLogPath?: string;
  /** kube-apiserver's gitVersion, e.g. v1.37.2. */
  version: string;
}

export interface ControlPlane {
  readonly info: ControlPlaneInfo;
  /** A new admin KubeConfig (group system:masters). */
  kubeConfig(): KubeConfig;
  /** A KubeConfig for a user with a fresh client certificate: CN = name, O = groups. */
  mintUser(name: string, groups: string[]): KubeConfig;
  /** Stops kube-apiserver and starts it again on the same port and etcd (watches break); `whileStopped` runs in between. */
  restartApiServer(whileStopped?: () => Promise<void>): Promise<void>;
  /**
   * Stops etcd (the API server stays up and turns unready) and starts it again on the same data;
   * `whileStopped` runs in between. `kill: true` sends SIGKILL at once (a crash) instead of
   * SIGTERM and a grace period.
   */
  restartEtcd(whileStopped?: () => Promise<void>, options?: { kill?: boolean }): Promise<void>;
  /** Stops everything and removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * Audit writes (create, update, patch, delete) to the groups managedapps.dev and
   * coordination.k8s.io at Metadata level, as JSON lines in `info.auditLogPath`.
   */
  auditLog?: boolean;
  /** Receives every line the processes print, prefixed with `[etcd]`, `[kube-apiserver]`... */
  log?: (line: string) => void;
  /** Directory of etcd, kube-apiserver, kube-controller-manager. Default: KUBEBUILDER_ASSETS, else build.sh's cache. */
  binDir?: string;
  /** Fixed ports (each one left out is picked free). */
  ports?: { etcd?: number; etcdPeer?: number; apiServer?: number };
  /** How long kube-apiserver may take to report /readyz ok. Default 90 s. */
  readyTimeoutMs?: number;
  /**
   * Stop on SIGINT/SIGTERM/SIGHUP (then die of the signal if nobody else listens). Default true;
   * false when the caller handles signals and calls stop() itself. Either way everything is
   * killed when the process exits.
   */
  handleSignals?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
export const BUILD_SCRIPT = join(here, 'build.sh');
export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
const KEEP_ENV = 'MANAGEDAPPS_CONTROLPLANE_KEEP';
const SERVICE_CIDR = '10.0.0.0/24';
const TO_DO_BINARIES = 'run `bash test/controlplane/build.sh` (needs Go >= 1.26), or set KUBEBUILDER_ASSETS to a directory holding etcd, kube-apiserver and kube-controller-manager';

/** The pinned versions, read from the tools modules (what build.sh builds). */
export function pinnedVersions(): { kubernetes: string; etcd: string } {
  const required = (file: string, module: string): string => {
    const text = readFileSync(join(here, 'tools', file, 'go.mod'), 'utf8');
    const match = new RegExp(`^require ${module.replaceAll('.', '\\.')} (\\S+)`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`no 'require ${module}' line in tools/${file}/go.mod`);
    return match[1];
  };
  return { kubernetes: required('kube', 'k8s.io/kubernetes'), etcd: required('etcd', 'go.etcd.io/etcd/server/v3') };
}

/** Where build.sh puts the binaries (the same formula as build.sh). */
export function defaultAssetsDir(): string {
  const { kubernetes, etcd } = pinnedVersions();
  const cache = process.env.XDG_CACHE_HOME || join(process.env.HOME ?? tmpdir(), '.cache');
  return join(cache, 'managed-apps-operator', 'controlplane', `${kubernetes}-etcd${etcd.replace(/^v/, '')}`);
}

/** options.binDir, else KUBEBUILDER_ASSETS, else build.sh's cache directory. */
export function resolveAssetsDir(binDir?: string): string {
  return binDir ?? (process.env.KUBEBUILDER_ASSETS || defaultAssetsDir());
}

/**
 * Runs build.sh (which builds nothing when the binaries are there or KUBEBUILDER_ASSETS is set;
 * the first build takes minutes and prints its progress on stderr) and returns the assets dir.
 */
export async function ensureBinaries(options: { log?: (line: string) => void; progressEveryMs?: number } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    // A cold `go build` of kube-apiserver is silent for minutes: say it is alive, and what to expect.
    let ticker: NodeJS.Timeout | undefined;
    const startedAt = Date.now();
    const progress = (step: string): void => {
      if (ticker !== undefined) clearInterval(ticker);
      const since = Date.now();
      ticker = setInterval(() => {
        log(`controlplane: ${step}: ${buildProgress((Date.now() - since) / 1000, (Date.now() - startedAt) / 1000, availableParallelism())}`);
      }, options.progressEveryMs ?? 30_000);
      ticker.unref();
    };
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
        const step = /^controlplane: (go build [^:]*) \.\.\.$/.exec(line)?.[1];
        if (step !== undefined) progress(step);
      }
    });
    child.on('error', (error) => {
      reject(new ControlPlaneError('BUILD_FAILED', `cannot run bash ${BUILD_SCRIPT}: ${error.message}: ${TO_DO_BINARIES}`));
    });
    child.on('close', (code) => {
      if (ticker !== undefined) clearInterval(ticker);
      if (partial) stderr.push(partial);
      const dir = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && dir) {
        resolve(dir);
        return;
      }
      const error = [...stderr].reverse().find((l) => l.startsWith('controlplane: error:'));
      const message = error?.replace(/^controlplane: error: /, '') ?? `build.sh exited with code ${code ?? 'null'}`;
      reject(new ControlPlaneError('BUILD_FAILED', `building the control-plane binaries failed: ${message}\n${stderr.slice(-30).join('\n')}`));
    });
  });
}

/**
 * One progress line of a cold build: the step's time, the whole build's, and what to expect.
 * Measured (docs/testing.md "Figures"): the kube-apiserver step takes 7 min on 2 idle cores and up
 * to 25 min on 2 busy ones; the whole build a little more. With more cores it scales down.
 */
export function buildProgress(stepSeconds: number, totalSeconds: number, cores: number): string {
  const minutes = (s: number): string => `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  const low = Math.max(2, Math.round(14 / Math.max(1, cores)));
  const high = Math.max(low + 3, Math.round(50 / Math.max(1, cores)));
  return `still compiling (${minutes(stepSeconds)} in this step, ${minutes(totalSeconds)} in all); a cold build takes about ${low}-${high} min on ${cores} core${cores === 1 ? '' : 's'}, once: it is cached afterwards`;
}

/** Throws BINARIES_MISSING unless binDir holds the three executables. */
export function checkBinaries(binDir: string): void {
  const missing = BINARIES.filter((b) => {
    try {
      accessSync(join(binDir, b), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const source = binDir === process.env.KUBEBUILDER_ASSETS ? ' (KUBEBUILDER_ASSETS)' : '';
    throw new ControlPlaneError('BINARIES_MISSING', `control-plane binaries missing: no executable ${missing.join(', ')} in ${binDir}${source}: ${TO_DO_BINARIES}.`);
  }
}

export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  const binDir = resolveAssetsDir(options.binDir);
  checkBinaries(binDir);
  sweepStale();
  const fixedPorts = Object.values(options.ports ?? {}).some((p: number | undefined) => p !== undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binDir, options);
    } catch (error) {
      // Ports picked free can be taken by someone else before the process binds them: try others.
      if (error instanceof ControlPlaneError && error.code === 'PORT_IN_USE' && !fixedPorts && attempt < 3) continue;
      throw error;
    }
  }
}

interface Files {
  readonly dir: string;
  readonly pki: string;
  readonly logs: string;
  readonly kubeconfig: string;
  readonly auditPolicy: string;
  readonly auditLog: string;
}

async function startOnce(binDir: string, options: StartOptions): Promise<ControlPlane> {
  const started = Date.now();
  const log = options.log;
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  const files: Files = {
    dir,
    pki: join(dir, 'pki'),
    logs: join(dir, 'logs'),
    kubeconfig: join(dir, 'kubeconfig'),
    auditPolicy: join(dir, 'audit-policy.yaml'),
    auditLog: join(dir, 'audit.log'),
  };
  mkdirSync(files.pki);
  mkdirSync(files.logs);
  writeOwner(dir, []);

  const processes = new Map<string, ManagedProcess>();
  let ready = false;
  let stopping: Promise<void> | undefined;
  const keep = process.env[KEEP_ENV] === '1';

  const watchdog = new Watchdog(dir, keep);
  const removeDir = () => {
    watchdog.dismiss();
    if (keep) {
      rmSync(join(dir, 'pids'), { force: true });
      log?.(`[controlplane] kept ${dir} (${KEEP_ENV}=1)`);
    } else rmSync(dir, { recursive: true, force: true });
  };
  const plane = {
    dir,
    killNow: () => {
      for (const p of processes.values()) p.killNow();
      removeDir();
    },
    stop: (): Promise<void> => {
      stopping ??= (async () => {
        // Controllers first, then the API server, then its storage.
        for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd']) await processes.get(name)?.stop(GRACE_MS[name]);
        removeDir();
        unregister(plane);
      })();
      return stopping;
    },
  };
  register(plane, { handleSignals: options.handleSignals ?? true });

  const onUnexpectedExit = (p: ManagedProcess, status: ExitStatus) => {
    if (!ready || stopping) return; // during start-up the waiting code reports it
    const message = `controlplane: ${p.name} exited unexpectedly (${describeExit(status)}); the control plane at ${dir} is broken.\n${formatTail(p.name, p.logPath, p.tail())}`;
    if (log) log(message);
    else process.stderr.write(`${message}\n`);
  };
  const startProcess = (name: string, args: readonly string[]): ManagedProcess => {
    const p = ManagedProcess.start({ name, binary: join(binDir, name), args, logPath: join(files.logs, `${name}.log`), log, onUnexpectedExit });
    processes.set(name, p);
    const pids = [...processes.values()].map((q) => q.pid);
    writeOwner(dir, pids);
    watchdog.watch(pids);
    return p;
  };

  try {
    // 1. Certificates and keys.
    const [etcdPort, etcdPeerPort, apiPort] = await pickPorts(options.ports);
    const server = `https://127.0.0.1:${apiPort}`;
    const ca = createCertificateAuthority('managedapps-test-ca');
    const serving = ca.issue({
      commonName: 'kube-apiserver',
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: ['127.0.0.1', '10.0.0.1'],
      usage: 'server',
    });
    const admin = ca.issue({ commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
    const serviceAccount = generateKeyPair();
    const pem = (name: string, text: string) => {
      writeFileSync(join(files.pki, name), text, { mode: 0o600 });
    };
    pem('ca.crt', ca.certPem);
    pem('ca.key', ca.keyPem);
    pem('apiserver.crt', serving.certPem);
    pem('apiserver.key', serving.keyPem);
    pem('admin.crt', admin.certPem);
    pem('admin.key', admin.keyPem);
    pem('sa.key', serviceAccount.keyPem);
    pem('sa.pub', serviceAccount.publicKeyPem);
    const adminTls: TlsClient = { ca: ca.certPem, cert: admin.certPem, key: admin.keyPem };
    const adminConfig = () => kubeConfigFor({ server, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'admin' });
    writeFileSync(files.kubeconfig, kubeConfigYaml(adminConfig()), { mode: 0o600 });
    if (options.auditLog) writeFileSync(files.auditPolicy, AUDIT_POLICY);

    // 2. etcd.
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcdArgs = [
      `--name=default`,
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      `--unsafe-no-fsync=true`,
    ];
    const waitForEtcd = (etcd: ManagedProcess) =>
      waitFor({
        what: 'etcd /health',
        processes: [etcd],
        dir,
        timeoutMs: 30_000,
        check: async () => {
          const probe = await get(`${etcdUrl}/health`);
          return probe.status === 200 && probe.body.includes('"true"') ? true : `${probe.status} ${probe.body}`;
        },
      });
    await waitForEtcd(startProcess('etcd', etcdArgs));

    // 3. kube-apiserver.
    const apiArgs = [
      `--etcd-servers=${etcdUrl}`,
      `--secure-port=${apiPort}`,
      `--bind-address=127.0.0.1`,
      `--advertise-address=127.0.0.1`,
      // 1.37 refuses a loopback address for the `kubernetes` Service endpoints; nothing in-cluster
      // needs them here (no kubelet, no pods running).
      `--endpoint-reconciler-type=none`,
      `--cert-dir=${files.pki}`,
      `--tls-cert-file=${join(files.pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(files.pki, 'apiserver.key')}`,
      `--client-ca-file=${join(files.pki, 'ca.crt')}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--allow-privileged=true`,
      `--disable-admission-plugins=ServiceAccount`,
      `--authorization-mode=RBAC`,
      `--service-account-issuer=https://kubernetes.default.svc`,
      `--service-account-key-file=${join(files.pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(files.pki, 'sa.key')}`,
      ...(options.auditLog
        ? [`--audit-policy-file=${files.auditPolicy}`, `--audit-log-path=${files.auditLog}`, `--audit-log-format=json`, `--audit-log-mode=blocking`, `--audit-log-maxbackup=1`]
        : []),
    ];
    const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    const waitForApiServer = (apiserver: ManagedProcess) =>
      waitFor({
        what: 'kube-apiserver /readyz',
        processes: [apiserver, processes.get('etcd')!],
        dir,
        timeoutMs: readyTimeoutMs,
        check: async () => {
          const probe = await get(`${server}/readyz?verbose`, adminTls);
          return probe.status === 200 ? true : failedChecks(probe.body) || `HTTP ${probe.status}`;
        },
      });
    await waitForApiServer(startProcess('kube-apiserver', apiArgs));

    // 4. kube-controller-manager (namespace deletion, garbage collection, service accounts...).
    startProcess('kube-controller-manager', [
      `--kubeconfig=${files.kubeconfig}`,
      `--secure-port=0`,
      `--leader-elect=false`,
      `--service-account-private-key-file=${join(files.pki, 'sa.key')}`,
      `--root-ca-file=${join(files.pki, 'ca.crt')}`,
      `--cluster-signing-cert-file=${join(files.pki, 'ca.crt')}`,
      `--cluster-signing-key-file=${join(files.pki, 'ca.key')}`,
    ]);

    const versionProbe = await get(`${server}/version`, adminTls);
    const version = (JSON.parse(versionProbe.body) as { gitVersion?: string }).gitVersion ?? 'unknown';
    // A controller manager that cannot start (bad flag, cannot reach the API) exits at once.
    await waitFor({
      what: 'kube-controller-manager start-up',
      processes: [processes.get('kube-controller-manager')!],
      dir,
      timeoutMs: 30_000,
      check: async () => {
        const probe = await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminTls);
        return probe.status === 200 ? true : `the default service account is not there yet (HTTP ${probe.status})`;
      },
    });

    const info: ControlPlaneInfo = {
      server,
      kubeconfigPath: files.kubeconfig,
      certDir: files.pki,
      ...(options.auditLog ? { auditLogPath: files.auditLog } : {}),
      version,
    };
    ready = true;
    log?.(`[controlplane] ${version} ready at ${server} in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
    return {
      info,
      kubeConfig: adminConfig,
      mintUser: (name: string, groups: string[]) => mintUser(ca, server, name, groups),
      restartApiServer: async (whileStopped?: () => Promise<void>) => {
        ready = false;
        await processes.get('kube-apiserver')?.stop(GRACE_MS['kube-apiserver']);
        try {
          await whileStopped?.();
        } finally {
          await waitForApiServer(startProcess('kube-apiserver', apiArgs));
          ready = true;
        }
      },
      restartEtcd: async (whileStopped?: () => Promise<void>, restartOptions: { kill?: boolean } = {}) => {
        ready = false;
        const etcd = processes.get('etcd');
        if (restartOptions.kill === true) {
          etcd?.killNow();
          await etcd?.exited;
        } else {
          await etcd?.stop(GRACE_MS.etcd);
        }
        try {
          await whileStopped?.();
        } finally {
          await waitForEtcd(startProcess('etcd', etcdArgs));
          ready = true;
        }
      },
      stop: plane.stop,
    };
  } catch (error) {
    for (const p of processes.values()) p.killNow();
    await Promise.all([...processes.values()].map((p) => p.exited));
    removeDir();
    unregister(plane);
    throw error;
  }
}

function mintUser(ca: CertificateAuthority, server: string, name: string, groups: string[]): KubeConfig {
  const user = ca.issue({ commonName: name, organizations: groups, usage: 'client' });
  return kubeConfigFor({ server, caPem: ca.certPem, certPem: user.certPem, keyPem: user.keyPem, user: name });
}

async function pickPorts(fixed: StartOptions['ports']): Promise<[number, number, number]> {
  const [a = 0, b = 0, c = 0] = await freePorts(3);
  return [fixed?.etcd ?? a, fixed?.etcdPeer ?? b, fixed?.apiServer ?? c];
}

interface WaitSpec {
  readonly what: string;
  readonly processes: readonly ManagedProcess[];
  readonly dir: string;
  readonly timeoutMs: number;
  /** true when ready, else a short description of what is still missing. */
  readonly check: () => Promise<true | string>;
}

/** Polls `check` until it is true; fails at once (with the log tail) if a watched process exits. */
async function waitFor(spec: WaitSpec): Promise<void> {
  const deadline = Date.now() + spec.timeoutMs;
  const anyExit = Promise.race(spec.processes.map((p) => p.exited.then(() => p)));
  let last = 'no answer yet';
  for (;;) {
    const dead = spec.processes.find((p) => p.exitStatus);
    if (dead) throw exitedError(dead, spec.dir);
    try {
      // A probe can hang (the port may belong to someone else): an exit ends the wait at once.
      const result = await Promise.race([spec.check(), anyExit.then((p) => `${p.name} exited`)]);
      if (result === true) return;
      last = result;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const culprit = spec.processes[0]!;
      throw new ControlPlaneError(
        'READINESS_TIMEOUT',
        `${spec.what} not ready within ${Math.round(spec.timeoutMs / 1000)} s (last: ${last}): the machine may be overloaded (raise readyTimeoutMs) or ${culprit.name} is stuck; see its log.`,
        { dir: spec.dir, logTail: { name: culprit.name, path: culprit.logPath, lines: culprit.tail() } },
      );
    }
    await Promise.race([sleep(250), anyExit]);
  }
}

function exitedError(p: ManagedProcess, dir: string): ControlPlaneError {
  const logTail = { name: p.name, path: p.logPath, lines: p.tail() };
  const inUse = p.tail().map((l) => /(?:127\.0\.0\.1|localhost|\[::\]|0\.0\.0\.0):(\d+)[^\n]*address already in use/.exec(l)).find((m) => m);
  if (inUse || p.said(/address already in use/)) {
    const port = inUse?.[1] ?? '?';
    return new ControlPlaneError(
      'PORT_IN_USE',
      `${p.name} could not listen: port ${port} on 127.0.0.1 is already in use. Stop whatever holds it (\`ss -ltnp 'sport = :${port}'\` shows it), or leave the port unset so that a free one is picked.`,
      { dir, logTail },
    );
  }
  return new ControlPlaneError(
    'PROCESS_EXITED',
    `${p.name} exited during start-up (${describeExit(p.exitStatus)}): see the reason in its log below; if the binaries do not match this harness, rebuild them (bash test/controlplane/build.sh) or check KUBEBUILDER_ASSETS.`,
    { dir, logTail },
  );
}

function describeExit(status: ExitStatus | undefined): string {
  if (!status) return 'still running';
  if (status.signal) return `killed by ${status.signal}`;
  return `exit code ${status.code ?? '?'}`;
}

/** The failing checks of a `/readyz?verbose` body, e.g. "[-]etcd failed". */
function failedChecks(body: string): string {
  return body
    .split('\n')
    .filter((l) => l.startsWith('[-]'))
    .map((l) => l.replace(/: reason withheld$/, ''))
    .join(', ');
}

// How long each process may take to stop on SIGTERM before SIGKILL. kube-apiserver stops listening
// at once but then waits for open watches (a client's informers) to go away, up to a minute: it
// keeps no state of its own, so 3 s is plenty.
const GRACE_MS: Record<string, number> = { 'kube-controller-manager': 5_000, 'kube-apiserver': 3_000, etcd: 10_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Writes to our own API group and to Leases (leader election) at Metadata level, nothing else:
// tests count writes (for example "no write when nothing changed") from this log.
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources:
      - group: "managedapps.dev"
      - group: "coordination.k8s.io"
  - level: None
`;

export function isControlPlaneError(error: unknown): error is ControlPlaneError {
  return error instanceof ControlPlaneError;
}

/** Whether the default assets dir holds the binaries (no build needed). */
export function binariesPresent(binDir = resolveAssetsDir()): boolean {
  return BINARIES.every((b) => existsSync(join(binDir, b)));
}
