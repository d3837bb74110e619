// Start-up of the command line (issue 17, item 1): whole processes, each command against the
// runtime's floor (`node -e 0`), run in turn (floor, command, floor, command, ...) so that a
// drifting machine shifts both. Per command: median wall and CPU (the children's user + system
// time, from /proc/self/stat), and the median of the ratios command / floor pair by pair.
// Aims: `--help` within 3× of the floor; the offline report of config/samples under 0.5 s.
// MAO_BENCH_CLI_RUNS sets the runs (default 7, after one warm-up that also fills Node's compile cache).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, ms, type Benchmark, type Figure } from './harness.ts';

const root = join(import.meta.dirname, '..', '..');
const RUNS = Number(process.env.MAO_BENCH_CLI_RUNS ?? 7);
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** The CPU time of this process's finished children so far (cutime + cstime), in ms. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After "(comm) ", field 3 is the state; cutime and cstime are fields 16 and 17 (1-based).
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

function runOnce(args: readonly string[]): { wallMs: number; cpuMs: number } {
  const cpu = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpu };
}

const COMMANDS: Record<string, readonly string[]> = {
  '--help': ['bin/managedapps.js', '--help'],
  'report --offline (samples)': ['bin/managedapps.js', 'report', '--offline', '-f', 'config/samples', '--month', '2026-10', '--now', '2026-11-15T12:00:00Z', '-o', 'json'],
};
const FLOOR = ['-e', '0'];

const benchmark: Benchmark = {
  name: 'cli',
  description: 'start-up of managedapps commands against `node -e 0`, whole processes',
  run(log) {
    const figures: Figure[] = [];
    for (const [name, args] of Object.entries(COMMANDS)) {
      runOnce(FLOOR);
      runOnce(args);
      const floor: { wallMs: number; cpuMs: number }[] = [];
      const command: { wallMs: number; cpuMs: number }[] = [];
      for (let i = 0; i < RUNS; i++) {
        floor.push(runOnce(FLOOR));
        command.push(runOnce(args));
      }
      log(`${name}: wall ${command.map((c) => ms(c.wallMs)).join(', ')}`);
      const wallRatio = median(command.map((c, i) => c.wallMs / (floor[i]?.wallMs ?? 1)));
      const cpuRatio = median(command.map((c, i) => c.cpuMs / Math.max(TICK_MS, floor[i]?.cpuMs ?? TICK_MS)));
      figures.push(
        { label: `${name}: wall, median`, value: `${ms(median(command.map((c) => c.wallMs)))} (node -e 0: ${ms(median(floor.map((f) => f.wallMs)))})` },
        { label: `${name}: CPU, median`, value: `${ms(median(command.map((c) => c.cpuMs)))} (node -e 0: ${ms(median(floor.map((f) => f.cpuMs)))})` },
        { label: `${name}: ratio to node -e 0, wall / CPU`, value: `${wallRatio.toFixed(2)} / ${cpuRatio.toFixed(2)}` },
      );
    }
    return Promise.resolve(figures);
  },
};

export default benchmark;
