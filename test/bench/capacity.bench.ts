// The capacity section's read (issue 16 item 2, design.md §3 "The monthly pack"): readCapacity
// for MAO_BENCH_CAPACITY_UNITS units (default 1,000) with the three queries over the month and
// the three before (12 range queries a unit, 4 at a time) against Debian's `prometheus` on a TSDB
// backfilled by `promtool` (20 samples a unit a month, in one 2-hour window each; the memory and
// disk queries select nothing, as a unit without those series). Printed: the read's wall time,
// per query, and the section's JSON size (capped at 20 rows a resource whatever the units). The
// operator does this once per report, when it makes the report final.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCapacityQuery, readCapacity, type CapacityQuery } from '../../src/monitoring/capacity.ts';
import { startPrometheus } from '../e2e/prometheus.ts';
import type { Benchmark } from './harness.ts';

const UNITS = Number(process.env.MAO_BENCH_CAPACITY_UNITS ?? '1000');
/** The 2-hour windows with samples, one a month (July to October 2026), every 6 min. */
const WINDOWS = ['2026-07-15T00:00:00Z', '2026-08-15T00:00:00Z', '2026-09-15T00:00:00Z', '2026-10-15T00:00:00Z'].map((s) => Date.parse(s) / 1000);

const query = (source: string): CapacityQuery => {
  const parsed = parseCapacityQuery(source);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.query;
};

const bench: Benchmark = {
  name: 'capacity',
  description: `the capacity section of ${UNITS} units read from a real Prometheus (12 range queries a unit, 4 at a time)`,
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-capacity-'));
    try {
      const lines = ['# TYPE capacity_cpu gauge'];
      for (let u = 0; u < UNITS; u++) for (const start of WINDOWS) for (let i = 0; i < 20; i++) lines.push(`capacity_cpu{unit="u-${u}"} ${u + i} ${start + i * 360}`);
      lines.push('# EOF');
      writeFileSync(join(dir, 'history.om'), `${lines.join('\n')}\n`);
      const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'history.om'), join(dir, 'data')], { encoding: 'utf8' });
      if (backfill.status !== 0) throw new Error(`promtool: ${backfill.stderr}`);
      const prometheus = await startPrometheus({ targets: [], ruleFiles: [], dataDir: join(dir, 'data') });
      try {
        log(`Prometheus ${prometheus.url} on ${UNITS * WINDOWS.length * 20} backfilled samples`);
        const units = Array.from({ length: UNITS }, (_, u) => ({ name: `u-${u}`, labels: {} }));
        const start = performance.now();
        const read = await readCapacity({
          prometheusUrl: prometheus.url, stepSeconds: 360, timeoutMs: 30_000, concurrency: 4,
          queries: { cpu: query('capacity_cpu{unit="{{unit}}"}'), memory: query('capacity_memory{unit="{{unit}}"}'), disk: query('capacity_disk{unit="{{unit}}"}') },
        }, { namespace: 'bench', units, month: '2026-10', timeZone: 'Europe/Paris', now: new Date('2026-11-15T00:00:00Z') });
        const ms = performance.now() - start;
        if (!read.ok) throw new Error(read.message);
        const queries = UNITS * 12;
        return [
          { label: 'read', value: `${(ms / 1000).toFixed(2)} s for ${queries} queries` },
          { label: 'per query', value: `${(ms / queries).toFixed(2)} ms` },
          { label: 'section JSON', value: `${JSON.stringify(read.section).length} bytes` },
        ];
      } finally {
        await prometheus.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
