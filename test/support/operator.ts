// The operator as a real process (`node src/cli/program.ts run`, the command line's entry point), for the tests and benchmarks that need
// what only a process shows: a restart after SIGKILL, two replicas electing a leader, /metrics
// scraped by Prometheus, RSS. Built on the control plane's ManagedProcess (own process group,
// log file, graceful stop then SIGKILL).
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess } from '../controlplane/process.ts';
import { freePorts } from '../controlplane/net.ts';
import { operatorClockArgs } from './clock.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface OperatorProcessOptions {
  readonly kubeconfigPath: string;
  /** Default true, with the Lease in `leaderElectionNamespace` (which must exist). */
  readonly leaderElect?: boolean;
  readonly leaderElectionNamespace?: string;
  /** Default false. */
  readonly probes?: boolean;
  readonly identity?: string;
  /**
   * Serve /metrics over HTTPS behind TokenReview + SubjectAccessReview (the default of
   * `managedapps run`); default false here: plain HTTP on 127.0.0.1, which Prometheus (e2e) and
   * the tests scrape without a token.
   */
  readonly metricsSecure?: boolean;
  /** Reconcile this namespace only (the control plane is shared with other tests). */
  readonly watchNamespace?: string;
  readonly logLevel?: string;
  /** More `managedapps run` flags. */
  readonly args?: readonly string[];
  /** Environment variables of this process only (the options with no flag, e.g. MANAGEDAPPS_OPERATOR_USERNAME). */
  readonly env?: Readonly<Record<string, string>>;
  /** Node.js flags before the script, e.g. `--max-old-space-size=256` (a container's memory limit). */
  readonly nodeOptions?: readonly string[];
  /** Lines of output, prefixed with the identity. */
  readonly log?: (line: string) => void;
  /** The command line's entry point to run; default this checkout's src/cli/program.ts (a benchmark may run another checkout's). */
  readonly entry?: string;
}

export interface OperatorProcess {
  readonly identity: string;
  readonly pid: number;
  readonly metricsUrl: string;
  readonly process: ManagedProcess;
  /** GET of /metrics, /healthz or /readyz: status and body (with `token` as a bearer token). */
  get(path: string, options?: { token?: string }): Promise<{ status: number; body: string }>;
  /** Resolves once /readyz answers 200 (caches synced and, on the leader, controllers started). */
  ready(timeoutMs?: number): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: the crash case. */
  kill(): Promise<void>;
}

export async function startOperatorProcess(options: OperatorProcessOptions): Promise<OperatorProcess> {
  const [metricsPort] = await freePorts(1);
  if (metricsPort === undefined) throw new Error('no free port');
  const identity = options.identity ?? `operator-${metricsPort}`;
  const dir = mkdtempSync(join(tmpdir(), 'managedapps-operator-'));
  const args = [
    ...(options.nodeOptions ?? []),
    options.entry ?? join(root, 'src', 'cli', 'program.ts'), 'run',
    '--kubeconfig', options.kubeconfigPath,
    '--metrics-host', '127.0.0.1', '--metrics-port', String(metricsPort), '--metrics-secure', String(options.metricsSecure ?? false),
    '--leader-elect', String(options.leaderElect ?? true),
    '--leader-election-namespace', options.leaderElectionNamespace ?? 'managedapps-system',
    '--probes', String(options.probes ?? false),
    '--identity', identity,
    ...(options.watchNamespace !== undefined ? ['--watch-namespace', options.watchNamespace] : []),
    '--log-level', options.logLevel ?? 'info',
    // The tests' clock (the date matrix shifts it): the operator runs on the same day as the test.
    ...operatorClockArgs(),
    ...(options.args ?? []),
  ];
  const proc = ManagedProcess.start({
    name: identity, binary: process.execPath, args, logPath: join(dir, 'operator.log'),
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  const secure = options.metricsSecure ?? false;
  const metricsUrl = `${secure ? 'https' : 'http'}://127.0.0.1:${metricsPort}`;
  const get = async (path: string, opts: { token?: string } = {}): Promise<{ status: number; body: string }> => {
    const headers = opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : undefined;
    if (!secure) {
      const res = await fetch(metricsUrl + path, { signal: AbortSignal.timeout(5_000), ...(headers !== undefined ? { headers } : {}) });
      return { status: res.status, body: await res.text() };
    }
    // The operator's metrics certificate is self-signed (generated in memory): not verified.
    return new Promise((resolve, reject) => {
      const req = https.get(metricsUrl + path, { rejectUnauthorized: false, timeout: 5_000, ...(headers !== undefined ? { headers } : {}) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
        res.on('error', reject);
      });
      req.on('timeout', () => { req.destroy(new Error(`GET ${path}: timeout`)); });
      req.on('error', reject);
    });
  };
  return {
    identity, pid: proc.pid, metricsUrl, process: proc, get,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (proc.exitStatus !== undefined) throw new Error(`operator ${identity} exited: ${proc.tail().join('\n')}`);
        try {
          if ((await get('/readyz')).status === 200) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`operator ${identity} not ready after ${timeoutMs} ms:\n${proc.tail().join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop: (graceMs = 15_000) => proc.stop(graceMs),
    async kill() {
      proc.killNow();
      await proc.exited;
    },
  };
}
