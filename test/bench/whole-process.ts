// Whole-process measures for the benchmarks (cli, report): a child `node` process timed from
// outside, its CPU time (user + system, from this process's children accounting in
// /proc/self/stat) and its peak resident memory (the child's own getrusage maxRSS, written by a
// module loaded with --import when it exits, to a pipe of its own: nothing is added to its output).
// Commands are measured in turn with a reference (A, floor, A, floor, ...) so that a drifting
// machine shifts both, and ratios are taken pair by pair. A helper, not a benchmark (run.ts loads
// `*.bench.ts` only).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { median, mib, ms, type Figure } from './harness.ts';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** The child's own maxRSS (KiB) on fd 3 at exit, process.exit() included. */
const PEAK_HOOK = `data:text/javascript,${encodeURIComponent(
  'import { writeSync } from "node:fs"; process.on("exit", () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });',
)}`;

/** The CPU time of this process's finished children so far (cutime + cstime), in ms. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After "(comm) ", field 3 is the state; cutime and cstime are fields 16 and 17 (1-based).
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

export interface ProcessRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMiB: number;
}

export interface ProcessCommand {
  /** Arguments of `node` (process.execPath). */
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Exit status expected (default 0); another one throws with the child's stderr. */
  readonly status?: number;
}

/** One run of `node <args>`, its output thrown away. */
export function runProcess(command: ProcessCommand): ProcessRun {
  const cpu = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', PEAK_HOOK, ...command.args], {
    cwd: command.cwd, env: { ...process.env, ...command.env }, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26,
  });
  const wallMs = performance.now() - start;
  if (r.status !== (command.status ?? 0)) throw new Error(`node ${command.args.join(' ')} exited ${String(r.status)}: ${r.stderr.toString().slice(0, 2000)}`);
  const peak = Number((r.output[3] as Buffer | null)?.toString() ?? 'NaN');
  return { wallMs, cpuMs: childrenCpuMs() - cpu, peakMiB: peak / 1024 };
}

export interface Paired {
  readonly command: readonly ProcessRun[];
  readonly reference: readonly ProcessRun[];
}

/** `runs` of the command and of the reference in turn, after `warmup` of each (they fill Node's compile cache). */
export function measurePaired(command: ProcessCommand, reference: ProcessCommand, runs: number, warmup = 1): Paired {
  for (let i = 0; i < warmup; i++) {
    runProcess(reference);
    runProcess(command);
  }
  const c: ProcessRun[] = [];
  const r: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    r.push(runProcess(reference));
    c.push(runProcess(command));
  }
  return { command: c, reference: r };
}

const med = (runs: readonly ProcessRun[], key: keyof ProcessRun): number => median(runs.map((x) => x[key]));

/** The figures of a pair: medians of wall, CPU and peak memory of both, and the medians of the ratios pair by pair. */
export function pairedFigures(name: string, referenceName: string, p: Paired): Figure[] {
  const ratio = (key: keyof ProcessRun, floor = 0): number =>
    median(p.command.map((c, i) => c[key] / Math.max(floor, p.reference[i]?.[key] ?? Number.NaN)));
  return [
    { label: `${name}: wall, CPU, peak (median)`, value: `${ms(med(p.command, 'wallMs'))}, ${ms(med(p.command, 'cpuMs'))}, ${mib(med(p.command, 'peakMiB'))}` },
    { label: `  ${referenceName}: wall, CPU, peak`, value: `${ms(med(p.reference, 'wallMs'))}, ${ms(med(p.reference, 'cpuMs'))}, ${mib(med(p.reference, 'peakMiB'))}` },
    { label: `  ratio to ${referenceName}: wall / CPU / peak`, value: `${ratio('wallMs').toFixed(2)}× / ${ratio('cpuMs', TICK_MS).toFixed(2)}× / ${ratio('peakMiB').toFixed(2)}×` },
  ];
}

export function wallsText(runs: readonly ProcessRun[]): string {
  return runs.map((r) => ms(r.wallMs)).join(', ');
}
