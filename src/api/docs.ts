// docs/api.md: the field reference of managedapps.dev/v1alpha1, generated from the same
// structural schemas as the CRDs (so the reference cannot drift from what the API server enforces).
import { GROUP, KINDS, VERSION, type CelRule, type KindDefinition } from './v1alpha1/index.ts';
import { type JsonSchema, kindSchema } from './crds.ts';

interface Row {
  path: string;
  type: string;
  required: boolean;
  description: string;
  constraints: string[];
}

interface Rule {
  path: string;
  rule: CelRule;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function typeOf(node: JsonSchema): string {
  const type = typeof node.type === 'string' ? node.type : 'object';
  if (type === 'array' && isObject(node.items)) return `[]${typeOf(node.items)}`;
  if (type === 'object' && isObject(node.additionalProperties)) return `map[string]${typeOf(node.additionalProperties)}`;
  if (type === 'string' && typeof node.format === 'string') return `string (${node.format})`;
  return type;
}

function constraintsOf(node: JsonSchema): string[] {
  const out: string[] = [];
  if (Array.isArray(node.enum)) out.push(`one of ${node.enum.map(code).join(', ')}`);
  if (node.default !== undefined) out.push(`default ${code(node.default)}`);
  if (typeof node.pattern === 'string') out.push(`pattern ${code(node.pattern)}`);
  for (const [key, label] of [['minimum', '≥'], ['maximum', '≤'], ['minLength', 'length ≥'], ['maxLength', 'length ≤'], ['minItems', 'items ≥'], ['maxItems', 'items ≤']] as const) {
    if (typeof node[key] === 'number') out.push(`${label} ${node[key]}`);
  }
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(node['x-kubernetes-list-map-keys'])) {
    out.push(`keyed by ${node['x-kubernetes-list-map-keys'].map(code).join(', ')}`);
  } else if (node['x-kubernetes-list-type'] === 'set') {
    out.push('no duplicates');
  }
  return out;
}

/** Rows for every field below `node` (not `node` itself when `root`), and the CEL rules met on the way. */
function walk(node: JsonSchema, path: string, required: boolean, rows: Row[], rules: Rule[], root = false): void {
  if (!root) {
    rows.push({
      path,
      type: typeOf(node),
      required,
      description: typeof node.description === 'string' ? node.description : '',
      constraints: constraintsOf(node),
    });
  }
  const validations = node['x-kubernetes-validations'];
  if (Array.isArray(validations)) for (const rule of validations as CelRule[]) rules.push({ path, rule });
  const requiredNames = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  if (isObject(node.properties)) {
    for (const [name, child] of Object.entries(node.properties).sort(([a], [b]) => a.localeCompare(b))) {
      if (isObject(child)) walk(child, `${path}.${name}`, requiredNames.has(name), rows, rules);
    }
  }
  if (isObject(node.items)) walk(node.items, `${path}[]`, false, rows, rules, true);
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function section(def: KindDefinition): string {
  const schema = kindSchema(def);
  const properties = schema.properties as JsonSchema;
  const lines: string[] = [];
  lines.push(`## ${def.kind}`, '');
  lines.push(def.description, '');
  lines.push(`Plural \`${def.plural}\`, short name${def.shortNames.length > 1 ? 's' : ''} ${def.shortNames.map(code).join(', ')}, category \`managedapps\`, namespaced, \`status\` subresource.`, '');
  lines.push(`\`kubectl get ${def.shortNames[0] ?? def.plural}\` shows: ${def.printerColumns.filter((c) => (c.priority ?? 0) === 0).map((c) => c.name).join(', ')} (\`-o wide\` adds ${def.printerColumns.filter((c) => (c.priority ?? 0) > 0).map((c) => c.name).join(', ') || 'nothing'}).`, '');
  const rules: Rule[] = [];
  for (const part of ['spec', 'status'] as const) {
    const rows: Row[] = [];
    const node = properties[part];
    if (!isObject(node)) continue;
    walk(node, part, true, rows, rules, true);
    lines.push(`### ${def.kind}.${part}`, '');
    if (typeof node.description === 'string') lines.push(node.description, '');
    lines.push('| field | type | description |', '|---|---|---|');
    for (const row of rows) {
      const details = [row.description, ...row.constraints.map((c) => `_${c}_`)].filter((t) => t !== '').join(' ');
      lines.push(`| \`${row.path}\`${row.required ? ' *' : ''} | ${cell(row.type)} | ${cell(details)} |`);
    }
    lines.push('');
  }
  for (const rule of (schema['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) rules.push({ path: '(object)', rule });
  if (rules.length > 0) {
    lines.push(`### ${def.kind} rules`, '', 'Checked by the API server (CEL `x-kubernetes-validations`) on every create and update:', '');
    lines.push('| on | rule | message |', '|---|---|---|');
    for (const { path, rule } of rules) lines.push(`| \`${path}\` | \`${cell(rule.rule)}\` | ${cell(rule.message)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The whole of docs/api.md. */
export function apiMarkdown(): string {
  return [
    `<!-- Generated by \`npm run generate\` from src/api/v1alpha1. Do not edit. -->`,
    `# API reference: \`${GROUP}/${VERSION}\``,
    '',
    'Every kind is namespaced (a namespace is one client tenant), in the category `managedapps`',
    '(`kubectl get managedapps`), with a `status` subresource carrying `observedGeneration` and',
    '`conditions` (metav1.Condition, keyed by `type`, summarised by `Ready`). Fields marked * are',
    'required. Times are RFC 3339; durations are Go durations (`90m`, `2h30m`).',
    '',
    ...KINDS.map((def) => `- [${def.kind}](#${def.kind.toLowerCase()}) (\`${def.shortNames.join('`, `')}\`)`),
    '',
    ...KINDS.map(section),
  ].join('\n');
}
