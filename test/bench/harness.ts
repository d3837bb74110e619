// What a benchmark module of test/bench exports, and the measuring helpers they share.
// `npm run bench` (test/bench/run.ts) runs every `*.bench.ts` here, or those named on the command
// line, and prints their figures. Benchmarks are not tests: they assert nothing, they print
// numbers measured in one run (ratios between them, so machines can be compared).
import { getHeapStatistics } from 'node:v8';

export interface Figure {
  readonly label: string;
  readonly value: string;
}

/** The default export of a `*.bench.ts` module. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(log: (line: string) => void): Promise<readonly Figure[]>;
}

export interface Timing {
  /** Median of the measured runs, in milliseconds. */
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
}

/** Run `fn` `warmup` times unmeasured, then `runs` times; the median of those runs. */
export async function measure<T>(fn: () => T | Promise<T>, options: { warmup?: number; runs?: number } = {}): Promise<Timing & { readonly last: T }> {
  const warmup = options.warmup ?? 1;
  const runs = options.runs ?? 5;
  let last: T | undefined;
  for (let i = 0; i < warmup; i++) last = await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const start = performance.now();
    last = await fn();
    samples.push(performance.now() - start);
  }
  return { medianMs: median(samples), samplesMs: samples, last: last as T };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** A full collection when node runs with --expose-gc (run.ts re-executes itself with it). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/** Heap in use now, in MiB, after a collection when possible. */
export function heapUsedMiB(): number {
  collectGarbage();
  return getHeapStatistics().used_heap_size / 2 ** 20;
}

export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const mib = (value: number): string => `${value.toFixed(0)} MiB`;

/** The benchmarks' seeded PRNG: the same seed, the same data on every machine. */
export { seededRandom } from '../support/random.ts';
