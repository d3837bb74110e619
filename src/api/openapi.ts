// The structural OpenAPI schemas of managedapps.dev's kinds, from the zod schemas of v1alpha1:
// what the CRDs carry (crds.ts) and what the offline commands check manifests against
// (unknown-fields.ts), so that both refuse the same fields. No YAML here: the offline report
// loads this module and stays lean.
//
// zod → JSON Schema (openapi-3.0, input side) → a STRUCTURAL schema the API server accepts
// (docs/stack-notes.md "zod 4 → CRD schemas"): no additionalProperties beside properties, no
// type unions, no ±MAX_SAFE_INTEGER bounds (int64 instead), no regex beside a known format, no
// uniqueItems. A construct that cannot be made structural throws, naming its path, so that a
// schema change that would break the CRD fails at generation time, not at apply time.
import { z } from 'zod';
import type { KindDefinition } from './v1alpha1/index.ts';

export type JsonSchema = { [key: string]: unknown };

const FORMATS_WITHOUT_PATTERN = new Set(['date-time', 'date', 'email']);

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrite one zod-emitted JSON Schema node (and its children) into a structural one. */
export function toStructural(node: JsonSchema, path = ''): JsonSchema {
  for (const forbidden of ['anyOf', 'oneOf', 'allOf', 'not', 'nullable', '$ref']) {
    if (forbidden in node) throw new Error(`${path || '<root>'}: '${forbidden}' is not structural; express the choice as optional fields and a CEL rule`);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'uniqueItems' || key === 'id') continue;
    out[key] = value;
  }
  if (Object.keys(out).length === 0 || (out.type === undefined && !('x-kubernetes-preserve-unknown-fields' in out) && !('x-kubernetes-int-or-string' in out))) {
    if (Object.keys(out).filter((k) => k !== 'description').length === 0) {
      // `unknown`: keep whatever is there, on purpose.
      out['x-kubernetes-preserve-unknown-fields'] = true;
      out.type = 'object';
    } else {
      throw new Error(`${path || '<root>'}: a node without a type is not structural`);
    }
  }
  if (isObject(out.properties)) {
    delete out.additionalProperties;
    const properties: JsonSchema = {};
    for (const [name, child] of Object.entries(out.properties)) {
      if (!isObject(child)) throw new Error(`${path}.${name}: not a schema`);
      properties[name] = toStructural(child, `${path}.${name}`);
    }
    out.properties = properties;
    if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  } else if (isObject(out.additionalProperties)) {
    out.additionalProperties = toStructural(out.additionalProperties, `${path}[*]`);
  } else if (out.additionalProperties === false) {
    delete out.additionalProperties;
  }
  if (isObject(out.items)) out.items = toStructural(out.items, `${path}[]`);
  if (out.type === 'integer') {
    if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
    if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
    out.format ??= 'int64';
  }
  if (out.type === 'string' && typeof out.format === 'string' && FORMATS_WITHOUT_PATTERN.has(out.format)) delete out.pattern;
  return out;
}

/** Sort object keys recursively (arrays keep their order): stable, diff-friendly output. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const sorted: JsonSchema = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/** The structural OpenAPI schema of a zod schema, as the API server will see it. */
export function openApiSchema(schema: z.ZodType): JsonSchema {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', cycles: 'throw', unrepresentable: 'throw' }) as JsonSchema;
  return toStructural(raw);
}

/** The full openAPIV3Schema of a kind: envelope, spec and status. */
export function kindSchema(def: KindDefinition): JsonSchema {
  const root: JsonSchema = {
    type: 'object',
    description: def.description,
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { type: 'object' },
      spec: openApiSchema(def.spec),
      status: openApiSchema(def.status),
    },
    required: ['spec'],
  };
  if (def.rootRules !== undefined && def.rootRules.length > 0) root['x-kubernetes-validations'] = def.rootRules;
  return root;
}


/** kindSchema, built once per kind for the offline checks (a pure function's memo, nothing to reset). */
const built = new WeakMap<KindDefinition, JsonSchema>();
export function cachedKindSchema(def: KindDefinition): JsonSchema {
  let schema = built.get(def);
  if (schema === undefined) {
    schema = kindSchema(def);
    built.set(def, schema);
  }
  return schema;
}
