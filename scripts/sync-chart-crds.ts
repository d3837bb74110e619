// Copies the generated and hand-written sources the Helm chart and the kustomize bases need into
// them, because neither Helm (`.Files` only sees the chart directory) nor kustomize (resources
// must be under the kustomization) may read outside their directory:
//
//   crds/*.yaml                      → charts/managed-apps-operator/crds/, config/crd/bases/
//   config/prometheus/rules.yaml     → charts/managed-apps-operator/files/prometheus/rules.yaml
//   config/grafana/dashboards/*.json → charts/managed-apps-operator/files/dashboards/
//   config/rbac/*.yaml               → charts/managed-apps-operator/files/rbac/
//   config/webhook/*.yaml            → charts/managed-apps-operator/files/webhook/
//
// (kustomization.yaml files are not copied.) Each destination mirrors its source: stale files are
// removed. `npm run chart:sync` writes; `--check` writes nothing and exits 1 listing what differs
// (the packaging test runs it).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chart = join(root, 'charts', 'managed-apps-operator');

interface Mirror {
  /** Source directory. */
  readonly from: string;
  /** Destination directory. */
  readonly to: string;
  /** Which file names of the source directory are copied. */
  readonly include: (name: string) => boolean;
}

const yaml = (name: string): boolean => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml';

export const MIRRORS: readonly Mirror[] = [
  { from: join(root, 'crds'), to: join(chart, 'crds'), include: yaml },
  { from: join(root, 'crds'), to: join(root, 'config', 'crd', 'bases'), include: yaml },
  { from: join(root, 'config', 'prometheus'), to: join(chart, 'files', 'prometheus'), include: (n) => n === 'rules.yaml' },
  { from: join(root, 'config', 'grafana', 'dashboards'), to: join(chart, 'files', 'dashboards'), include: (n) => n.endsWith('.json') },
  { from: join(root, 'config', 'rbac'), to: join(chart, 'files', 'rbac'), include: yaml },
  { from: join(root, 'config', 'webhook'), to: join(chart, 'files', 'webhook'), include: yaml },
];

function list(dir: string, include: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && include(e.name)).map((e) => e.name).sort();
}

/** What differs between the sources and the copies (paths relative to the repository). */
export function differences(): string[] {
  const out: string[] = [];
  for (const m of MIRRORS) {
    const sources = list(m.from, m.include);
    const copies = list(m.to, () => true);
    for (const name of sources) {
      const copy = join(m.to, name);
      if (!existsSync(copy)) out.push(`missing ${relative(root, copy)}`);
      else if (readFileSync(copy, 'utf8') !== readFileSync(join(m.from, name), 'utf8')) out.push(`stale ${relative(root, copy)}`);
    }
    for (const name of copies) if (!sources.includes(name)) out.push(`extra ${relative(root, join(m.to, name))}`);
  }
  return out;
}

/** Writes every copy; returns what changed. */
export function sync(): string[] {
  const changed = differences();
  for (const m of MIRRORS) {
    const sources = list(m.from, m.include);
    if (sources.length > 0) mkdirSync(m.to, { recursive: true });
    for (const name of list(m.to, () => true)) if (!sources.includes(name)) rmSync(join(m.to, name));
    for (const name of sources) writeFileSync(join(m.to, name), readFileSync(join(m.from, name)));
  }
  return changed;
}

if (import.meta.filename === process.argv[1] || fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const diff = differences();
    if (diff.length > 0) {
      console.error(`the chart's and config/crd's copies are out of date (run npm run chart:sync):\n  ${diff.join('\n  ')}`);
      process.exit(1);
    }
  } else {
    for (const line of sync()) console.log(line);
  }
}
