// A watchdog for the case no Node hook covers: the Node process killed outright (SIGKILL, an OOM
// kill, a CI timeout). A small bash process reads a pipe from Node; Node never writes to it, so
// the read returns only at end of file, when the kernel closes the pipe because Node is gone.
// The watchdog then kills the process groups listed in <dir>/pids and removes <dir>. When Node
// stops the control plane itself, it removes <dir> first, and the watchdog finds nothing to do.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `
dir=$1 keep=$2
while IFS= read -r _; do :; done # returns at end of file only: Node is gone
[[ -f $dir/pids ]] || exit 0
while IFS= read -r pid; do
  [[ $pid =~ ^[0-9]+$ ]] || continue
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
done <"$dir/pids"
[[ $keep == 1 ]] || rm -rf "$dir"
`;

export class Watchdog {
  private readonly child: ChildProcess;
  private readonly pidsFile: string;

  constructor(dir: string, keep: boolean) {
    this.pidsFile = join(dir, 'pids');
    this.child = spawn('bash', ['-c', SCRIPT, 'controlplane-watchdog', dir, keep ? '1' : '0'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.child.on('error', () => undefined); // no bash: the exit hook and the sweep remain
    this.child.stdin?.on('error', () => undefined);
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** The process groups to kill if Node dies. */
  watch(pids: readonly number[]): void {
    writeFileSync(this.pidsFile, pids.map((p) => `${p}\n`).join(''));
  }

  /** Normal stop: the watchdog exits without doing anything. */
  dismiss(): void {
    try {
      if (this.child.pid) process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
