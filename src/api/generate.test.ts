import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdManifests, crdYaml, toStructural, type JsonSchema } from './crds.ts';
import { REPO_ROOT, generatedFiles } from './generate.ts';
import { KINDS } from './v1alpha1/index.ts';

describe('generated files', () => {
  it.each([...generatedFiles()])('%s is committed as generated (run `npm run generate`)', (path, content) => {
    expect(readFileSync(join(REPO_ROOT, path), 'utf8')).toBe(content);
  });

  it('is deterministic', () => {
    expect(crdYaml()).toBe(crdYaml());
  });
});

/** Every schema node, with its path. */
function* nodes(node: JsonSchema, path = ''): Generator<[string, JsonSchema]> {
  yield [path, node];
  if (typeof node.properties === 'object' && node.properties !== null) {
    for (const [name, child] of Object.entries(node.properties as Record<string, JsonSchema>)) yield* nodes(child, `${path}.${name}`);
  }
  if (typeof node.items === 'object' && node.items !== null) yield* nodes(node.items as JsonSchema, `${path}[]`);
  if (typeof node.additionalProperties === 'object' && node.additionalProperties !== null) yield* nodes(node.additionalProperties as JsonSchema, `${path}{}`);
}

describe('CRDs', () => {
  const crds = crdManifests();

  it('has one CRD per kind, namespaced, in the managedapps category, with a status subresource', () => {
    expect(crds.map((c) => (c.spec as { names: { kind: string } }).names.kind)).toEqual(KINDS.map((k) => k.kind));
    for (const crd of crds) {
      const spec = crd.spec as { scope: string; names: { categories: string[] }; versions: { subresources: unknown }[] };
      expect(spec.scope).toBe('Namespaced');
      expect(spec.names.categories).toEqual(['managedapps']);
      expect(spec.versions[0]?.subresources).toEqual({ status: {} });
    }
  });

  it.each(crds.map((c) => [(c.metadata as { name: string }).name, c] as const))('%s has a structural schema', (_name, crd) => {
    const schema = (crd.spec as { versions: { schema: { openAPIV3Schema: JsonSchema } }[] }).versions[0]!.schema.openAPIV3Schema;
    for (const [path, node] of nodes(schema)) {
      expect(node, path).not.toHaveProperty('anyOf');
      expect(node, path).not.toHaveProperty('oneOf');
      expect(node, path).not.toHaveProperty('uniqueItems');
      expect(node, path).not.toHaveProperty('nullable');
      if ('properties' in node) expect(node, path).not.toHaveProperty('additionalProperties');
      expect(node.type ?? node['x-kubernetes-preserve-unknown-fields'], path).toBeDefined();
      if (node.maximum !== undefined) expect(node.maximum, path).not.toBe(Number.MAX_SAFE_INTEGER);
      if (node.format === 'date-time') expect(node, path).not.toHaveProperty('pattern');
      if (node.type === 'array') expect(node.maxItems, `${path} needs maxItems (CEL cost)`).toBeTypeOf('number');
      if (node.type === 'string' && node.enum === undefined && node.format === undefined && path !== '.apiVersion' && path !== '.kind') {
        expect(node.maxLength ?? node.pattern, `${path} needs maxLength or a pattern (CEL cost)`).toBeDefined();
      }
    }
    const conditions = (schema.properties as Record<string, JsonSchema>).status!.properties as Record<string, JsonSchema>;
    expect(conditions.conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    expect(conditions.observedGeneration).toMatchObject({ type: 'integer', format: 'int64' });
  });

  it('serialises times of day as quoted strings (YAML 1.1 readers see 09:00 as a number otherwise)', () => {
    const text = readFileSync(join(REPO_ROOT, 'crds', 'managedtenants.managedapps.dev.yaml'), 'utf8');
    expect(text).toContain('default: "09:00"');
    expect(parse(text, { version: '1.1' })).toEqual(parse(text));
  });
});

describe('toStructural', () => {
  it('refuses type unions, naming the path', () => {
    expect(() => toStructural({ type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } })).toThrow(/\.a: 'anyOf'/);
  });

  it('drops additionalProperties beside properties, safe-integer bounds and date-time patterns', () => {
    expect(toStructural({
      type: 'object',
      additionalProperties: false,
      properties: {
        n: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        t: { type: 'string', format: 'date-time', pattern: '^x$' },
        u: { type: 'array', uniqueItems: true, items: { type: 'string' } },
      },
    })).toEqual({
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 0, format: 'int64' },
        t: { type: 'string', format: 'date-time' },
        u: { type: 'array', items: { type: 'string' } },
      },
    });
  });

  it('keeps unknown content on purpose', () => {
    expect(toStructural({ description: 'anything' })).toEqual({ description: 'anything', type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });
});
