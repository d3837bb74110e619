// Dashboards checked against Grafana's schema (issue 18 item 3): the checker built by
// test/controlplane/build-grafana.sh (tools/grafana on the Grafana Foundation SDK, Grafana's schema
// as Go types generated from its CUE kinds) decodes each dashboard strictly (an unknown field is
// refused, a required field must be there, each panel's options are decoded with its plugin's
// types) and prints each problem as `file: path: message`. Every dashboard passes, in
// config/grafana and in the chart; a copy broken in one way is refused, the path named.
// (What the queries read is checked by test/unit/grafana-dashboards.test.ts and, against a real
// Prometheus, by the e2e tests.)
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir, root } from './packaging-support.ts';

const run = promisify(execFile);

const sources = join(root, 'config', 'grafana', 'dashboards');
const copies = join(chartDir, 'files', 'dashboards');
const jsonFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));

let checkerDir: Promise<string> | undefined;
/** The directory of the `grafana-dashboards` checker (built on first use, minutes once). */
function checker(): Promise<string> {
  checkerDir ??= run('bash', [join(root, 'test', 'controlplane', 'build-grafana.sh')], { maxBuffer: 1 << 24 }).then(({ stdout }) => {
    const dir = stdout.trim().split('\n').at(-1);
    if (!dir) throw new Error('build-grafana.sh printed no directory');
    return dir;
  });
  return checkerDir;
}

/** The checker's exit code and its problem lines. */
async function check(files: readonly string[]): Promise<{ code: number; problems: string[] }> {
  const bin = join(await checker(), 'grafana-dashboards');
  return new Promise((resolve, reject) => {
    execFile(bin, files, { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      if (code !== 0 && code !== 1) reject(new Error(`grafana-dashboards exited ${code}: ${stderr || err?.message}`));
      else resolve({ code, problems: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

interface Panel { type: string; options?: Record<string, unknown>; [key: string]: unknown }
interface Dashboard { panels: Panel[]; templating: { list: Record<string, unknown>[] }; [key: string]: unknown }

describe('dashboards against Grafana\'s schema (Grafana Foundation SDK, strict)', () => {
  let dir: string;
  beforeAll(async () => {
    await checker(); // built (or found) once, before the first test's clock starts
    dir = mkdtempSync(join(tmpdir(), 'mao-dashboards-'));
  }, 900_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every dashboard of config/grafana and of the chart', async () => {
    const files = [...jsonFiles(sources), ...jsonFiles(copies)];
    // Five dashboards (design.md §4), each in both places.
    expect(files).toHaveLength(10);
    expect(await check(files)).toEqual({ code: 0, problems: [] });
  });

  // One defect per copy of sla-overview.json; the expected lines are the defect's own path and
  // the SDK's message for it. sla-overview's first panel is a timeseries (asserted below), whose
  // options Grafana's schema requires to hold `legend` and `tooltip`; its second variable is
  // `tenant`; an empty `current` lacks both required fields of a VariableOption, `text` and
  // `value`.
  const missing = 'required field is missing from input';
  const broken: { name: string; breakIt: (d: Dashboard) => void; problems: string[] }[] = [
    {
      name: 'an unknown field on a panel',
      breakIt: (d) => { d.panels[0]!.colour = 'red'; },
      problems: ['panels[0].colour: unknown field'],
    },
    {
      name: 'an unknown field on the dashboard',
      breakIt: (d) => { d.refreshInterval = '1m'; },
      problems: ['refreshInterval: unknown field'],
    },
    {
      name: 'an unknown field in a panel\'s field config',
      breakIt: (d) => { (d.panels[0]!.fieldConfig as { defaults: Record<string, unknown> }).defaults.units = 'percent'; },
      problems: ['panels[0].fieldConfig.defaults.units: unknown field'],
    },
    {
      name: 'an empty templating current',
      breakIt: (d) => { d.templating.list[1]!.current = {}; },
      problems: [`templating.list[1].current.text: ${missing}`, `templating.list[1].current.value: ${missing}`],
    },
    {
      name: 'a timeseries panel without options (no legend, no tooltip)',
      breakIt: (d) => { delete d.panels[0]!.options; },
      problems: [`panels[0].options.legend: ${missing}`, `panels[0].options.tooltip: ${missing}`],
    },
    {
      name: 'a timeseries panel whose options lack the tooltip',
      breakIt: (d) => { delete d.panels[0]!.options!.tooltip; },
      problems: [`panels[0].options.tooltip: ${missing}`],
    },
    {
      name: 'a panel type Grafana\'s schema does not know',
      breakIt: (d) => { d.panels[0]!.type = 'graph-old'; },
      problems: ['panels[0].type: panel type "graph-old" has no schema in the Grafana Foundation SDK'],
    },
    {
      name: 'a query of a data source type Grafana\'s schema does not know',
      breakIt: (d) => { ((d.panels[0]!.targets as { datasource: { type: string } }[])[0]!).datasource.type = 'mystery'; },
      problems: ['panels[0].targets[0].datasource: no data source type the Grafana Foundation SDK has a query schema for'],
    },
  ];

  it.each(broken)('refuses a copy with $name, naming its path', async ({ breakIt, problems }) => {
    const original = JSON.parse(readFileSync(join(sources, 'sla-overview.json'), 'utf8')) as Dashboard;
    expect(original.panels[0]?.type).toBe('timeseries');
    expect(original.templating.list[1]?.name).toBe('tenant');
    breakIt(original);
    const file = join(dir, 'sla-overview.json');
    writeFileSync(file, JSON.stringify(original, null, 2));
    expect(await check([file])).toEqual({ code: 1, problems: problems.map((p) => `${file}: ${p}`) });
  });
});
