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
// API server's answer at apply time. The common case is known before any object is read: on a
// string node, a rule that does not type-check with `self` a string (a date-time compared with
// timestamp(): the API server hands it a timestamp, the manifest a string) would throw on every
// value, so it is left out when compiled (cel.test.ts checks that each rule left out so does
// throw on a value of its node); the others run, and one that throws is skipped (issue 17: the
// throws were most of a large tenant's load).
import { Environment } from '@marcbachmann/cel-js';
import { cachedKindSchema, type JsonSchema } from './openapi.ts';
import type { FieldPath } from './unknown-fields.ts';
import type { KindDefinition } from './v1alpha1/index.ts';

export interface Rule { readonly rule: string; readonly message: string; readonly fieldPath?: string }
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
export function kubernetesEnvironment(): Environment {
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

/**
 * A schema node with its compiled rules and its children's, built once per kind; `checked` is
 * false for a subtree without a rule that can run offline, which the walk then skips whole.
 */
interface Node {
  readonly rules: readonly { readonly rule: Rule; readonly program: Program }[];
  readonly items?: Node | undefined;
  readonly properties?: readonly (readonly [string, Node])[] | undefined;
  readonly values?: Node | undefined;
  readonly checked: boolean;
}

/** The offline environment, and the same with `self` declared a string (for the type check of a string node's rules). */
interface Environments { readonly env: Environment; readonly stringSelf: Environment }

/** Whether a rule of a string node type-checks with `self` a string, as the manifest holds it (see the header). */
function runsOnString(envs: Environments, rule: string): boolean {
  try {
    return envs.stringSelf.check(rule).valid;
  } catch {
    return true; // not ours to judge here: evaluated, and skipped if it throws
  }
}

/** The non-transition rules of a schema node, left out those that cannot run offline on a string node. */
export function offlineRules(schema: JsonSchema, envs: Environments = environments()): Rule[] {
  const raw = Array.isArray(schema['x-kubernetes-validations']) ? (schema['x-kubernetes-validations'] as Rule[]) : [];
  return raw.filter((r) => !/\boldSelf\b/.test(r.rule) && (schema.type !== 'string' || runsOnString(envs, r.rule)));
}

/** Compiles every rule of the schema that can run offline, node by node. */
function compile(envs: Environments, schema: JsonSchema): Node {
  const rules = offlineRules(schema, envs).map((rule) => ({ rule, program: envs.env.parse(rule.rule) as Program }));
  const items = isObject(schema.items) ? compile(envs, schema.items) : undefined;
  const properties = isObject(schema.properties)
    ? Object.entries(schema.properties).filter((e): e is [string, JsonSchema] => isObject(e[1])).map(([key, sub]) => [key, compile(envs, sub)] as const).filter(([, n]) => n.checked)
    : undefined;
  const values = !isObject(schema.properties) && isObject(schema.additionalProperties) ? compile(envs, schema.additionalProperties) : undefined;
  const checked = rules.length > 0 || items?.checked === true || (properties?.length ?? 0) > 0 || values?.checked === true;
  return { rules, items, properties, values, checked };
}

function environments(): Environments {
  return { env: kubernetesEnvironment(), stringSelf: kubernetesEnvironment().registerVariable('self', 'string') };
}

/** `path` is the walk's own, grown and shrunk in place: copied only into a violation. */
function walk(node: Node, value: unknown, path: (string | number)[], out: CelViolation[]): void {
  if (value === undefined || value === null || !node.checked) return;
  for (const { rule, program } of node.rules) {
    let result: unknown;
    try {
      result = program({ self: value });
    } catch {
      continue;
    }
    if (result === false) out.push({ path: [...path, ...fieldPathSegments(rule.fieldPath)], message: rule.message });
  }
  if (Array.isArray(value)) {
    if (node.items === undefined) return;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(node.items, value[i], path, out);
      path.pop();
    }
  } else if (isObject(value)) {
    if (node.properties !== undefined) {
      for (const [key, sub] of node.properties) {
        path.push(key);
        walk(sub, value[key], path, out);
        path.pop();
      }
    } else if (node.values !== undefined) {
      for (const [key, child] of Object.entries(value)) {
        path.push(key);
        walk(node.values, child, path, out);
        path.pop();
      }
    }
  }
}

/** The kind's rule checker; its schema and programs are built on first use. */
export function celChecker(def: KindDefinition): (object: unknown) => CelViolation[] {
  let root: Node | undefined;
  return (object) => {
    root ??= compile(environments(), cachedKindSchema(def));
    const out: CelViolation[] = [];
    // A rule the evaluator cannot run throws (see the header), often once per object: without a
    // stack trace, that error costs a fraction of what it would (the cost was most of the offline
    // report's time on a large tenant; issue 17).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      walk(root, object, [], out);
    } finally {
      Error.stackTraceLimit = limit;
    }
    return out;
  };
}
