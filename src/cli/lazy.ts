// `yaml`, loaded on first use (issue 17): `--help`, the offline report printed as JSON or a table,
// a manifest read by the fast path and the kubectl commands' tables never need it. It is
// CommonJS under Node (its package's `node` export), so require() gives the very instance an
// `import` would, synchronously. Imports nothing else.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const requireCjs = createRequire(import.meta.url);
let loaded: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  loaded ??= requireCjs('yaml') as typeof Yaml;
  return loaded;
}
