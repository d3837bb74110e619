// The offline CEL checks leave out, when compiled, the rules of a string node that cannot run on
// a string (issue 17): each one left out throws on a value of its node, so leaving it out changes
// nothing the checks refuse; the rules that stay include every rule of an object node.
import { describe, expect, it } from 'vitest';
import { kubernetesEnvironment, offlineRules, type Rule } from './cel.ts';
import { cachedKindSchema, type JsonSchema } from './openapi.ts';
import { KINDS } from './v1alpha1/index.ts';

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every node of a schema that carries rules, with its path. */
function nodes(schema: JsonSchema, path: string, out: { path: string; schema: JsonSchema }[] = []): { path: string; schema: JsonSchema }[] {
  if (Array.isArray(schema['x-kubernetes-validations'])) out.push({ path, schema });
  if (isObject(schema.properties)) for (const [k, sub] of Object.entries(schema.properties)) if (isObject(sub)) nodes(sub, `${path}.${k}`, out);
  if (isObject(schema.items)) nodes(schema.items, `${path}[]`, out);
  if (isObject(schema.additionalProperties)) nodes(schema.additionalProperties, `${path}{}`, out);
  return out;
}

const all = KINDS.flatMap((def) => nodes(cachedKindSchema(def), def.kind));
const creates = (schema: JsonSchema): Rule[] => (schema['x-kubernetes-validations'] as Rule[]).filter((r) => !/\boldSelf\b/.test(r.rule));

/** A value of the node's type as a manifest holds it. */
function sample(schema: JsonSchema): string {
  if (schema.format === 'date-time') return '2026-11-02T09:00:00Z';
  if (schema.format === 'date') return '2026-11-02';
  return 'x';
}

describe('offlineRules', () => {
  const leftOut = all.flatMap(({ path, schema }) => {
    const kept = new Set(offlineRules(schema).map((r) => r.rule));
    return creates(schema).filter((r) => !kept.has(r.rule)).map((rule) => ({ path, schema, rule }));
  });

  it('leaves out only rules of string nodes: at least the instants\' range rules', () => {
    expect(leftOut.every((l) => l.schema.type === 'string')).toBe(true);
    // Incident.spec.openedAt: `self >= timestamp('1970-01-01T00:00:00Z') && ...` (common.ts instantInRange).
    expect(leftOut.map((l) => l.path)).toContain('Incident.spec.openedAt');
  });

  it('leaves out no rule that could run: each one left out throws on a value of its node', () => {
    const env = kubernetesEnvironment();
    for (const { path, schema, rule } of leftOut) {
      expect(() => { env.evaluate(rule.rule, { self: sample(schema) }); }, `${path}: ${rule.rule}`).toThrow();
    }
  });

  it('keeps every rule of an object or array node', () => {
    for (const { path, schema } of all.filter((n) => n.schema.type !== 'string')) {
      expect(offlineRules(schema).length, path).toBe(creates(schema).length);
    }
  });
});
