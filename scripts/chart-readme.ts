// Generates charts/managed-apps-operator/README.md from the `# --` comments of its values.yaml:
// every value documented there becomes a row (key, type, default, description). A key without a
// `# --` comment whose value is not a map of documented keys is an error, so an undocumented value
// cannot slip in. `npm run chart:readme` writes; `--check` writes nothing and exits 1 when the
// README is stale or a value is undocumented (the packaging test runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const chartDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'charts', 'managed-apps-operator');

export interface ValueDoc {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

function valueAt(values: unknown, path: readonly string[]): unknown {
  let v = values;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return v;
}

/** The documented values, in file order; throws naming every undocumented leaf. */
export function documentedValues(valuesYaml: string): ValueDoc[] {
  const values: unknown = parse(valuesYaml);
  const docs: ValueDoc[] = [];
  const undocumented: string[] = [];
  const stack: { indent: number; key: string; documented: boolean }[] = [];
  let comment: string[] | undefined;
  for (const line of valuesYaml.split('\n')) {
    const c = /^\s*# --\s?(.*)$/.exec(line);
    if (c) { comment = [c[1] ?? '']; continue; }
    const cont = /^\s*#\s?(.*)$/.exec(line);
    if (cont) { if (comment) comment.push(cont[1] ?? ''); continue; }
    const m = /^(\s*)([A-Za-z0-9_.-]+):(.*)$/.exec(line);
    if (!m) { if (line.trim() === '') comment = undefined; continue; }
    const indent = (m[1] ?? '').length;
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    if (stack.some((s) => s.documented)) { comment = undefined; continue; } // inside a documented value
    const path = [...stack.map((s) => s.key), m[2] ?? ''];
    const value = valueAt(values, path);
    const isMap = typeOf(value) === 'object' && Object.keys(value as object).length > 0;
    if (comment) {
      docs.push({ key: path.join('.'), type: typeOf(value), default: JSON.stringify(value), description: comment.join(' ').trim() });
    } else if (!isMap) {
      undocumented.push(path.join('.'));
    }
    stack.push({ indent, key: m[2] ?? '', documented: comment !== undefined });
    comment = undefined;
  }
  if (undocumented.length > 0) throw new Error(`values.yaml: no "# --" comment on ${undocumented.join(', ')}`);
  return docs;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderReadme(valuesYaml: string, chartYaml: string): string {
  const chart = parse(chartYaml) as { name: string; version: string; appVersion: string; description: string; kubeVersion?: string };
  const rows = documentedValues(valuesYaml).map((d) => `| \`${d.key}\` | ${d.type} | \`${cell(d.default)}\` | ${cell(d.description)} |`);
  return `<!-- Generated from values.yaml by scripts/chart-readme.ts (npm run chart:readme): do not edit. -->
# ${chart.name}

${chart.description}

Chart version ${chart.version}, operator version ${chart.appVersion}${chart.kubeVersion ? `, Kubernetes ${chart.kubeVersion}` : ''}.

\`\`\`sh
helm install managed-apps-operator charts/managed-apps-operator \\
  --namespace managedapps-system --create-namespace
\`\`\`

The CRDs are in \`crds/\`: Helm installs them with the chart but never upgrades or deletes them;
see docs/install.md for upgrades, cert-manager, Prometheus and GitOps (Argo CD, Flux), and
docs/operations.md for metrics, alerts, dashboards and backups.

## Values

| Key | Type | Default | Description |
|-----|------|---------|-------------|
${rows.join('\n')}
`;
}

/** Writes `expected` to `path`, or with `--check` only compares and exits 1 with `hint` when it differs. */
export function writeOrCheck(path: string, expected: string, hint: string): void {
  if (process.argv.includes('--check')) {
    let actual = '';
    try { actual = readFileSync(path, 'utf8'); } catch { /* missing: stale */ }
    if (actual !== expected) {
      console.error(hint);
      process.exit(1);
    }
  } else {
    writeFileSync(path, expected);
  }
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const expected = renderReadme(readFileSync(join(chartDir, 'values.yaml'), 'utf8'), readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  writeOrCheck(join(chartDir, 'README.md'), expected, 'charts/managed-apps-operator/README.md is stale: run npm run chart:readme');
}
