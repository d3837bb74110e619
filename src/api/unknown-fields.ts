// The fields of a manifest that the API server would refuse as unknown ("strict decoding error:
// unknown field", kubectl's default --validate=strict), found against the CRD's own structural
// schema (openapi.ts), so that `report --offline` refuses what the cluster could never hold
// instead of dropping it silently (issue 20). zod strips unknown keys; this walk names them.
import { cachedKindSchema, type JsonSchema } from './openapi.ts';
import type { KindDefinition } from './v1alpha1/index.ts';

/** ObjectMeta's fields (k8s.io/apimachinery meta/v1): the CRD schema says only `type: object`. */
const OBJECT_META = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

export type FieldPath = readonly (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(schema: JsonSchema, value: unknown, path: (string | number)[], out: FieldPath[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    if (isObject(schema.items)) value.forEach((item, i) => { walk(schema.items as JsonSchema, item, [...path, i], out); });
    return;
  }
  if (!isObject(value)) return;
  if (isObject(schema.properties)) {
    const properties = schema.properties;
    for (const [key, child] of Object.entries(value)) {
      const sub = properties[key];
      if (isObject(sub)) walk(sub, child, [...path, key], out);
      else out.push([...path, key]);
    }
  } else if (isObject(schema.additionalProperties)) {
    for (const [key, child] of Object.entries(value)) walk(schema.additionalProperties, child, [...path, key], out);
  }
}

/** The kind's unknown-field finder; the schema is built once, on first use. */
export function unknownFieldFinder(def: KindDefinition): (object: unknown) => FieldPath[] {
  let schema: JsonSchema | undefined;
  return (object) => {
    schema ??= cachedKindSchema(def);
    const out: FieldPath[] = [];
    if (!isObject(object)) return out;
    const metadata = object.metadata;
    if (isObject(metadata)) for (const key of Object.keys(metadata)) if (!OBJECT_META.has(key)) out.push(['metadata', key]);
    const { metadata: _metadata, ...rest } = object;
    walk(schema, rest, [], out);
    return out;
  };
}

/** `spec.supportLevels[0].level`, as the API server names a field. */
export function fieldPathText(path: FieldPath): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${String(key)}]` : text === '' ? key : `${text}.${key}`), '');
}
