// `npm run bench [name...]`: run the benchmarks of test/bench (`<name>.bench.ts`, all of them when
// none is named) one after the other, and print their figures. Add a benchmark by dropping a
// `*.bench.ts` whose default export is a Benchmark (harness.ts). Other files here are helpers, not
// benchmarks: harness.ts, legacy-maintenance.ts (the "before" of bounds and webhook), and
// webhook-probe.ts (loaded into the operator process by webhook.bench.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark } from './harness.ts';

// Re-run with --expose-gc so that timings and heap figures start from a collected heap.
if ((globalThis as { gc?: unknown }).gc === undefined && process.env.MAO_BENCH_CHILD !== '1') {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, import.meta.filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MAO_BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

const dir = import.meta.dirname;
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => basename(f, '.bench.ts')).sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const name of wanted.length > 0 ? wanted : available) {
  const module = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { default: Benchmark };
  const bench = module.default;
  console.log(`\n${bench.name}: ${bench.description}`);
  const figures = await bench.run((line) => {
    console.log(`  … ${line}`);
  });
  const width = Math.max(...figures.map((f) => f.label.length));
  for (const f of figures) console.log(`  ${f.label.padEnd(width)}  ${f.value}`);
}
