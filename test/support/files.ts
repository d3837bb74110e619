// Files the tests read from the checkout.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The checkout's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** Every `.yaml` / `.yml` file under `dir`, depth first, in directory order. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}
