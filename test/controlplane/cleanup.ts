// Nothing is left behind: every live control plane is registered here and torn down when the
// process exits (normally, on an uncaught exception, or on process.exit()), or on SIGINT, SIGTERM
// and SIGHUP. A process killed outright (SIGKILL) cannot clean up; the next start sweeps what it
// left (its processes are found by their temp dir on their command line).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMP_PREFIX = 'managedapps-cp-';
const OWNER_FILE = 'owner.json';

export interface LiveControlPlane {
  readonly dir: string;
  /** Graceful: stop the processes in order, remove the directory. */
  stop(): Promise<void>;
  /** Synchronous: SIGKILL every process group, remove the directory. */
  killNow(): void;
}

const live = new Set<LiveControlPlane>();
/** The planes stopped by our signal handlers; the others leave signals to their owner. */
const onSignals = new Set<LiveControlPlane>();
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitHooked = false;
let signalsHooked = false;
let stoppingOnSignal = false;

export function register(plane: LiveControlPlane, options: { handleSignals: boolean }): void {
  live.add(plane);
  if (options.handleSignals) onSignals.add(plane);
  hook();
}

export function unregister(plane: LiveControlPlane): void {
  live.delete(plane);
  onSignals.delete(plane);
  hook();
}

/** Records the owning Node process and the process ids, for the sweep after a SIGKILL. */
export function writeOwner(dir: string, pids: readonly number[]): void {
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ ownerPid: process.pid, pids }));
}

function onExit(): void {
  for (const plane of live) plane.killNow();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (stoppingOnSignal) {
    // A second signal while stopping: no more waiting.
    onExit();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
  }
  stoppingOnSignal = true;
  const planes = [...onSignals];
  void Promise.allSettled(planes.map((p) => p.stop())).then(() => {
    stoppingOnSignal = false;
    for (const s of signals) process.off(s, onSignal);
    signalsHooked = false;
    // Nobody else listens: behave as Node would have without us (die of the signal).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Installs or removes the hooks to match what is live. */
function hook(): void {
  const wantExit = live.size > 0;
  const wantSignals = onSignals.size > 0;
  if (wantExit !== exitHooked) {
    if (wantExit) process.on('exit', onExit);
    else process.off('exit', onExit);
    exitHooked = wantExit;
  }
  if (wantSignals !== signalsHooked) {
    for (const s of signals) {
      if (wantSignals) process.on(s, onSignal);
      else process.off(s, onSignal);
    }
    signalsHooked = wantSignals;
  }
}

/**
 * Removes the temp dirs (and kills the processes) of control planes whose Node process is gone.
 * A process is killed only if its command line names that directory.
 */
export function sweepStale(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(tmpdir(), entry);
    let owner: { ownerPid?: number; pids?: number[] } | undefined;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as typeof owner;
    } catch {
      continue; // being created right now, or not ours
    }
    if (owner?.ownerPid === undefined || alive(owner.ownerPid)) continue;
    for (const pid of owner.pids ?? []) {
      if (commandLine(pid).includes(dir)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
