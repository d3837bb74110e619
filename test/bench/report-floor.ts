// The floor of `npm run bench report` (issue 17, item 2): JSON.parse + zod of the same objects
// the YAML manifests hold, and nothing else: NDJSON files (one object as written per line) read
// in chunks of 1 MiB, each line parsed by JSON.parse and by its kind's zod schema, each parsed
// object kept (as the command keeps its objects). No unknown-field, CEL or conversion check, no
// report. `node test/bench/report-floor.ts <dir>` loads every *.ndjson of <dir> and prints the
// number of objects; report.bench.ts times it as a whole process. A helper, not a benchmark.
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESOURCE_SCHEMAS, type KindName } from '../../src/api/v1alpha1/index.ts';

export async function floorLoad(dir: string): Promise<unknown[]> {
  const kept: unknown[] = [];
  const take = (line: string): void => {
    if (line === '') return;
    const value = JSON.parse(line) as { kind: KindName };
    const parsed = RESOURCE_SCHEMAS[value.kind].safeParse(value);
    if (!parsed.success) throw new Error(`${value.kind}: ${parsed.error.message}`);
    kept.push(parsed.data);
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort()) {
    let carry = '';
    for await (const chunk of createReadStream(join(dir, file), { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
      const text = carry + chunk;
      const cut = text.lastIndexOf('\n');
      carry = text.slice(cut + 1);
      for (const line of text.slice(0, cut).split('\n')) take(line);
    }
    take(carry);
  }
  return kept;
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: node test/bench/report-floor.ts <dir of .ndjson files>');
  process.stdout.write(`${(await floorLoad(dir)).length}\n`);
}
