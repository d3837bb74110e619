// The CRDs' CEL rules (`x-kubernetes-validations`), evaluated offline on a manifest as the API
// server evaluates them on a create: each rule on the value at its node (`self`), only where the
// value is present, transition rules (`oldSelf`) left out since a create has no old object. So
// `report --offline` refuses what the cluster refuses (issue 20). The evaluator is
// @marcbachmann/cel-js (the CEL spec's macros, timestamp() and duration(), no dependencies).
//
// Kubernetes adds libraries to CEL; the rules here use its URL library (isURL, url(),
// getHostname, getPort), registered below over WHATWG URL: stricter than Go's ParseRequestURI on a
// port out of range, which those rules refuse anyway.
//
// A rule the evaluator cannot run on a value (a type it does not expect) refuses nothing here:
// the schema check (zod) has already run, and a false refusal offline would be worse than the
// API server's answer at apply time.
import { Environment } from '@marcbachmann/cel-js';
import { cachedKindSchema, type JsonSchema } from './openapi.ts';
import type { FieldPath } from './unknown-fields.ts';
import type { KindDefinition } from './v1alpha1/index.ts';

interface Rule { readonly rule: string; readonly message: string; readonly fieldPath?: string }
export interface CelViolation { readonly path: FieldPath; readonly message: string }

type Program = (context: Record<string, unknown>) => unknown;

/** A URL as Kubernetes' CEL URL library hands it to the rules. */
class CelUrl {
  readonly url: URL;
  constructor(url: URL) {
    this.url = url;
  }
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The CEL environment of the offline checks: the spec's, plus what our rules use of Kubernetes' libraries. */
function kubernetesEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: true })
    .registerType('URL', { ctor: CelUrl, fields: {} })
    .registerFunction('isURL(string): bool', (text: string) => parseUrl(text) !== undefined)
    .registerFunction('url(string): URL', (text: string) => {
      const url = parseUrl(text);
      if (url === undefined) throw new Error(`URL parse error during conversion from string: ${text}`);
      return new CelUrl(url);
    })
    .registerFunction({ name: 'getHostname', receiverType: 'URL', returnType: 'string', params: [], handler: (u: CelUrl) => u.url.hostname.replace(/^\[(.*)\]$/, '$1') })
    .registerFunction({ name: 'getPort', receiverType: 'URL', returnType: 'string', params: [], handler: (u: CelUrl) => u.url.port });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `.end`, `.spec.month`, `['a-b']`: the rule's fieldPath as path segments (simple forms only). */
function fieldPathSegments(fieldPath: string | undefined): FieldPath {
  if (fieldPath === undefined) return [];
  return fieldPath.split('.').filter((s) => s !== '');
}

interface Node { readonly rules: readonly { readonly rule: Rule; readonly program: Program }[]; readonly schema: JsonSchema }

/** Compiles every non-transition rule of the schema once. */
function compile(env: Environment, schema: JsonSchema, cache: Map<JsonSchema, Node>): Node {
  const known = cache.get(schema);
  if (known !== undefined) return known;
  const raw = Array.isArray(schema['x-kubernetes-validations']) ? (schema['x-kubernetes-validations'] as Rule[]) : [];
  const rules = raw.filter((r) => !/\boldSelf\b/.test(r.rule)).map((rule) => ({ rule, program: env.parse(rule.rule) as Program }));
  const node = { rules, schema };
  cache.set(schema, node);
  return node;
}

function walk(env: Environment, schema: JsonSchema, value: unknown, path: (string | number)[], cache: Map<JsonSchema, Node>, out: CelViolation[]): void {
  if (value === undefined || value === null) return;
  for (const { rule, program } of compile(env, schema, cache).rules) {
    let result: unknown;
    try {
      result = program({ self: value });
    } catch {
      continue;
    }
    if (result === false) out.push({ path: [...path, ...fieldPathSegments(rule.fieldPath)], message: rule.message });
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items;
    value.forEach((item, i) => { walk(env, items, item, [...path, i], cache, out); });
  } else if (isObject(value) && isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) if (isObject(sub)) walk(env, sub, value[key], [...path, key], cache, out);
  } else if (isObject(value) && isObject(schema.additionalProperties)) {
    const values = schema.additionalProperties;
    for (const [key, child] of Object.entries(value)) walk(env, values, child, [...path, key], cache, out);
  }
}

/** The kind's rule checker; its schema and programs are built on first use. */
export function celChecker(def: KindDefinition): (object: unknown) => CelViolation[] {
  let schema: JsonSchema | undefined;
  let env: Environment | undefined;
  const cache = new Map<JsonSchema, Node>();
  return (object) => {
    schema ??= cachedKindSchema(def);
    env ??= kubernetesEnvironment();
    const out: CelViolation[] = [];
    // A rule the evaluator cannot run throws (see the header), often once per object: without a
    // stack trace, that error costs a fraction of what it would (the cost was most of the offline
    // report's time on a large tenant; issue 17).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      walk(env, schema, object, [], cache, out);
    } finally {
      Error.stackTraceLimit = limit;
    }
    return out;
  };
}
