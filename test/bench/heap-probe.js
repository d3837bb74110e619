// Loaded into the operator process by operator.bench.ts (`node --import <this file>`), never by
// the operator itself (JavaScript: a TypeScript file would load Node's type stripping into a
// process that runs the compiled operator, and its memory with it): it observes, it changes nothing until asked. With
// MAO_BENCH_HEAP_PROBE=<file>, on SIGUSR2 it writes to that file (JSON) V8's heap statistics
// before and after a full collection (the heap the process keeps alive), and its spaces after it.
// The collection is V8's own `gc`, exposed at that moment (v8.setFlagsFromString), so the process
// runs with the image's flags alone until then. With MAO_BENCH_HEAP_SNAPSHOT=<file> it then
// writes a heap snapshot there too, before the statistics (for Chrome's DevTools; it pauses the
// process for seconds).
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const out = process.env.MAO_BENCH_HEAP_PROBE;
const snapshot = process.env.MAO_BENCH_HEAP_SNAPSHOT;
/** Bytes in MB (10^6), one decimal. */
const mb = (bytes) => Math.round(bytes / 1e5) / 10;

if (out !== undefined && out !== '') {
  process.on('SIGUSR2', () => {
    const before = getHeapStatistics();
    setFlagsFromString('--expose-gc');
    runInNewContext('gc')();
    const after = getHeapStatistics();
    const memory = process.memoryUsage();
    // The snapshot first: the benchmark stops the operator once the statistics are there.
    if (snapshot !== undefined && snapshot !== '') writeHeapSnapshot(snapshot);
    writeFileSync(out, JSON.stringify({
      usedMB: mb(before.used_heap_size), totalMB: mb(before.total_heap_size),
      liveMB: mb(after.used_heap_size), liveTotalMB: mb(after.total_heap_size), limitMB: mb(after.heap_size_limit),
      externalMB: mb(memory.external), arrayBuffersMB: mb(memory.arrayBuffers),
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { usedMB: mb(s.space_used_size), sizeMB: mb(s.space_size) }])),
    }));
  });
}
