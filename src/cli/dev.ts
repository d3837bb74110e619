// `managedapps dev [--control-plane-only]` (what `npm start` runs in a checkout).
//
// With no cluster configured (no KUBECONFIG, no ~/.kube/config) it starts the local control plane
// of test/controlplane (etcd, kube-apiserver, kube-controller-manager; binaries built once by
// test/controlplane/build.sh), writes .dev/kubeconfig, prints `export KUBECONFIG=...`, calls
// onReady with that path (the caller installs CRDs and samples and runs the operator there), and
// stays up until Ctrl-C or SIGTERM, then stops everything. With a cluster configured, onReady gets
// that cluster's kubeconfig instead; --control-plane-only always starts the local control plane
// and calls nothing else.
//
// The control plane lives in test/ (a checkout-only command): it is imported at run time by a
// computed path, so that src/ compiles on its own.
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface DevOptions {
  /** Start only the local control plane (even when a cluster is configured); do not call onReady. */
  controlPlaneOnly: boolean;
  /** Called once the cluster is reachable, with its kubeconfig path. */
  /**
   * Called once the cluster is reachable, with its kubeconfig path and whether it is the local
   * control plane; may return a function that stops what it started (run before the control
   * plane stops, on Ctrl-C or SIGTERM).
   */
  onReady?: (kubeconfigPath: string, cluster: { local: boolean }) => Promise<(() => Promise<void>) | undefined>;
}

/** The part of test/controlplane/index.ts used here (kept structural: src/ does not compile test/). */
interface ControlPlaneModule {
  ensureBinaries(): Promise<string>;
  startControlPlane(options: { binDir?: string; handleSignals?: boolean }): Promise<{
    info: { server: string; kubeconfigPath: string; version: string };
    stop(): Promise<void>;
  }>;
}

// src/cli/dev.ts and dist/cli/dev.js are both two levels below the repository root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const devKubeconfig = join(root, '.dev', 'kubeconfig');

export async function dev(options: DevOptions): Promise<void> {
  // Listen for Ctrl-C from the start: a Node that dies of a signal runs no exit hook.
  const stop = stopRequested();
  try {
    const configured = configuredKubeconfig();
    if (configured && !options.controlPlaneOnly) {
      process.stderr.write(`managedapps dev: using the cluster configured in ${configured}\n`);
      const stopStarted = await options.onReady?.(configured, { local: false });
      await stop.requested;
      await stopStarted?.();
      return;
    }

    const modulePath = join(root, 'test', 'controlplane', 'index.ts');
    if (!existsSync(modulePath)) {
      throw new Error(
        'managedapps dev: no cluster is configured and the local control plane (test/controlplane) is only in a checkout of the repository: set KUBECONFIG to a cluster, or run this from a clone.',
      );
    }
    process.stderr.write(
      `managedapps dev: ${configured ? '--control-plane-only' : 'no cluster configured (no KUBECONFIG, no ~/.kube/config)'}: starting a local control plane (etcd, kube-apiserver, kube-controller-manager)\n`,
    );
    const controlPlane = (await import(pathToFileURL(modulePath).href)) as ControlPlaneModule;
    const started = Date.now();
    const binDir = await controlPlane.ensureBinaries();
    // handleSignals: false: we stop it ourselves, after whatever onReady started has stopped.
    const plane = await controlPlane.startControlPlane({ binDir, handleSignals: false });
    try {
      mkdirSync(dirname(devKubeconfig), { recursive: true });
      writeFileSync(devKubeconfig, readFileSync(plane.info.kubeconfigPath), { mode: 0o600 });
      process.stderr.write(`managedapps dev: Kubernetes ${plane.info.version} at ${plane.info.server}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops it\n`);
      process.stdout.write(`export KUBECONFIG=${devKubeconfig}\n`);
      const stopStarted = options.controlPlaneOnly ? undefined : await options.onReady?.(devKubeconfig, { local: true });
      await stop.requested;
      await stopStarted?.();
    } finally {
      process.stderr.write('managedapps dev: stopping the control plane\n');
      rmSync(devKubeconfig, { force: true });
      await plane.stop();
    }
  } finally {
    stop.dispose();
  }
}

/**
 * The kubeconfig a client would use, or undefined when none is configured. client-node's
 * loadFromDefault() would silently fall back to http://localhost:8080, hence this check. A
 * KUBECONFIG naming only this checkout's .dev/kubeconfig (left from an earlier `dev`) does not count.
 */
export function configuredKubeconfig(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string | undefined {
  if (env.KUBECONFIG) {
    const paths = env.KUBECONFIG.split(delimiter).filter((p) => p && resolve(p) !== devKubeconfig && existsSync(p));
    return paths[0];
  }
  const fallback = join(home, '.kube', 'config');
  return existsSync(fallback) ? fallback : undefined;
}

/**
 * `requested` resolves on the first SIGINT, SIGTERM or SIGHUP (Node is kept alive meanwhile); a
 * second one exits at once (the control plane's exit hook still kills its processes).
 */
function stopRequested(): { requested: Promise<void>; dispose: () => void } {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let resolveRequested: () => void = () => undefined;
  const requested = new Promise<void>((r) => (resolveRequested = r));
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count += 1;
    if (count > 1) process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
    resolveRequested();
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    requested,
    dispose: () => {
      clearInterval(keepAlive);
      for (const s of signals) process.off(s, onSignal);
    },
  };
}
