// `npm run generate`: writes crds/<plural>.managedapps.dev.yaml and docs/api.md from the zod
// schemas of src/api/v1alpha1. The unit test generate.test.ts fails when the committed files
// differ from what this would write.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdFileName, crdFileYaml } from './crds.ts';
import { apiMarkdown } from './docs.ts';
import { GROUP, KINDS } from './v1alpha1/index.ts';

export { crdManifests, crdYaml } from './crds.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every generated file, as repository-relative path → content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of KINDS) files.set(join('crds', crdFileName(def)), crdFileYaml(def));
  files.set(join('docs', 'api.md'), apiMarkdown());
  return files;
}

/** Write the generated files under `root`, removing stale CRDs of the group. */
export function generate(root: string = REPO_ROOT): string[] {
  const files = generatedFiles();
  mkdirSync(join(root, 'crds'), { recursive: true });
  for (const name of readdirSync(join(root, 'crds'))) {
    if (name.endsWith(`.${GROUP}.yaml`) && !files.has(join('crds', name))) rmSync(join(root, 'crds', name));
  }
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return [...files.keys()];
}

if (import.meta.main) {
  for (const path of generate()) console.log(`wrote ${path}`);
}
