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

/** `path` is the walk's own, grown and shrunk in place: copied only into a finding. */
function walk(schema: JsonSchema, value: unknown, path: (string | number)[], out: FieldPath[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!isObject(items)) return;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(items, value[i], path, out);
      path.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  const properties = schema.properties;
  const values = schema.additionalProperties;
  if (!isObject(properties) && !isObject(values)) return;
  for (const key of Object.keys(value)) {
    const sub = isObject(properties) ? properties[key] : values;
    path.push(key);
    if (isObject(sub)) walk(sub, value[key], path, out);
    else if (isObject(properties)) out.push([...path]);
    path.pop();
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
