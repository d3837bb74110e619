// A child process of the control plane: its own process group (so stopping it stops anything it
// started), output appended to a log file and kept in memory for error messages, and a graceful
// stop (SIGTERM to the group, SIGKILL after a grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const TAIL_LINES = 30;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly logPath: string;
  /** Variables set over this process's environment for the child. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Called for every output line, prefixed with the process name. */
  readonly log?: ((line: string) => void) | undefined;
  /** Called once if the process ends without stop() having been called. */
  readonly onUnexpectedExit?: ((process: ManagedProcess, status: ExitStatus) => void) | undefined;
}

/** How long after a process's exit its pipes may still deliver output. */
const STDIO_DRAIN_MS = 2_000;

export class ManagedProcess {
  readonly name: string;
  readonly logPath: string;
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly recent: string[] = [];
  private partial = '';
  private status: ExitStatus | undefined;
  private stopping = false;
  readonly exited: Promise<ExitStatus>;

  private constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.logPath = options.logPath;
    appendFileSync(this.logPath, `### ${new Date().toISOString()} ${options.binary} ${options.args.join(' ')}\n`);
    // detached: a new session and process group, so that the group can be signalled as one and a
    // Ctrl-C in the terminal reaches only us (we stop the processes in order).
    this.child = spawn(options.binary, [...options.args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    this.pid = this.child.pid ?? -1;
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once('error', (error) => {
        this.record(`failed to start ${options.binary}: ${error.message}`);
        this.status ??= { code: null, signal: null };
        resolve(this.status);
      });
      // 'exit' can come before the last output has been read from the pipes (an etcd that
      // prints its reason and exits at once left an empty tail, under load): wait for 'close',
      // which follows the end of both pipes, or at most STDIO_DRAIN_MS after 'exit' (a
      // grandchild holding the pipes open must not hide the exit).
      let settled = false;
      const settle = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        this.flushPartial(options.log);
        this.status = { code, signal };
        if (!this.stopping) options.onUnexpectedExit?.(this, this.status);
        resolve(this.status);
      };
      this.child.once('close', settle);
      this.child.once('exit', (code, signal) => {
        setTimeout(() => { settle(code, signal); }, STDIO_DRAIN_MS).unref();
      });
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.onOutput(chunk, options.log);
      });
    }
    // The processes must not keep Node alive on their own: the exit hook kills them instead.
    this.child.unref();
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** The last lines the process wrote. */
  tail(lines = TAIL_LINES): string[] {
    const all = this.partial ? [...this.recent, this.partial] : this.recent;
    return all.slice(-lines);
  }

  /** Whether any recent output line matches. */
  said(pattern: RegExp): boolean {
    return this.tail().some((line) => pattern.test(line));
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.status) return;
    this.child.ref(); // keep Node alive until the process is reaped
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => {
      this.signalGroup('SIGKILL');
    }, graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL to the process group, synchronously (for exit hooks). */
  killNow(): void {
    this.stopping = true;
    if (this.status) return;
    this.child.ref(); // whoever awaits `exited` keeps Node alive until the process is reaped
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        process.kill(this.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  private onOutput(chunk: string, log: ((line: string) => void) | undefined): void {
    try {
      appendFileSync(this.logPath, chunk);
    } catch {
      // the directory is being removed: the in-memory tail is enough
    }
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.record(line, log);
  }

  private flushPartial(log: ((line: string) => void) | undefined): void {
    if (this.partial) this.record(this.partial, log);
    this.partial = '';
  }

  private record(line: string, log?: (line: string) => void): void {
    this.recent.push(line);
    if (this.recent.length > 4 * TAIL_LINES) this.recent.splice(0, this.recent.length - 2 * TAIL_LINES);
    log?.(`[${this.name}] ${line}`);
  }
}
