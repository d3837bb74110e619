// The samples of config/samples parse with the zod schema of their kind, offline (the same path
// as `managedapps report --offline`); the integration tests check them against the API server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { API_VERSION } from './common.ts';
import * as v1alpha1 from './index.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'config', 'samples');
const files = (parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
const objects = files
  .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => [file, d.toJS() as { apiVersion: string; kind: string; metadata: { name: string } }] as const))
  .filter(([, o]) => o.apiVersion === API_VERSION);

describe('config/samples', () => {
  it('holds objects of the group', () => {
    expect(objects.length).toBeGreaterThan(20);
  });

  it.each(objects.map(([file, o]) => [`${file} ${o.kind}/${o.metadata.name}`, o] as const))('%s parses', (_name, object) => {
    const schema = (v1alpha1 as unknown as Record<string, { safeParse(v: unknown): { success: boolean; error?: unknown } } | undefined>)[object.kind];
    expect(schema, object.kind).toBeDefined();
    const result = schema!.safeParse(object);
    expect(result.error).toBeUndefined();
  });
});
