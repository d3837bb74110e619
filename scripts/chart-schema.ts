// Generates charts/managed-apps-operator/values.schema.json from values.yaml and its `# --`
// comments (the same reading as chart-readme.ts): every documented value gets the type of its
// default and its description; a map of documented values admits no other key, so a misspelt
// value (`metrics.prot`) fails `helm lint`, `helm install` and `helm template` with its path
// instead of being ignored. A few values say more than their type (OVERRIDES). `--check` writes
// nothing and exits 1 when the file is stale (the packaging test runs it; `npm run chart:sync`
// writes it).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { documentedValues, writeOrCheck } from './chart-readme.ts';

const chartDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'charts', 'managed-apps-operator');

type JsonSchema = { [key: string]: unknown };

/** A Prometheus label name. */
const LABEL_NAME = '^[a-zA-Z_][a-zA-Z0-9_]*$';

/** What a value's default cannot say: its allowed values and ranges. */
const OVERRIDES: Readonly<Record<string, JsonSchema>> = {
  logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] },
  replicaCount: { minimum: 0 },
  'image.pullPolicy': { enum: ['Always', 'IfNotPresent', 'Never'] },
  'image.digest': { pattern: '^(sha256:[0-9a-f]{64})?$' },
  'webhook.failurePolicy': { enum: ['Fail', 'Ignore'] },
  'webhook.timeoutSeconds': { minimum: 1, maximum: 30 },
  'webhook.replicas': { minimum: 1 },
  'metrics.service.type': { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
  // An integer or a percentage, as a PodDisruptionBudget takes it.
  'podDisruptionBudget.minAvailable': { type: ['integer', 'string'] },
  terminationGracePeriodSeconds: { minimum: 0 },
  // Maps whose keys the template checks (alert and group names), whose values the schema does.
  'prometheusRule.severities.critical': { minLength: 1 },
  'prometheusRule.severities.warning': { minLength: 1 },
  'prometheusRule.severities.groups': { additionalProperties: { type: 'string', minLength: 1 } },
  'prometheusRule.severities.alerts': { additionalProperties: { type: 'string', minLength: 1 } },
  // patternProperties, not propertyNames: helm's validator reports a wrong property name under a wrong path.
  'prometheusRule.additionalLabels': { patternProperties: { [LABEL_NAME]: { type: 'string' } }, additionalProperties: false },
  'prometheusRule.groupLabels': { additionalProperties: { type: 'object', patternProperties: { [LABEL_NAME]: { type: 'string' } }, additionalProperties: false } },
  'prometheusRule.for': { additionalProperties: { type: 'string', pattern: '^(0|([0-9]+(ms|s|m|h|d|w|y))+)$' } },
};

const TYPES: Readonly<Record<string, string>> = { list: 'array', int: 'integer', float: 'number', string: 'string', boolean: 'boolean', object: 'object' };

function leafSchema(key: string, type: string, description: string): JsonSchema {
  const schema: JsonSchema = { description };
  const jsonType = TYPES[type];
  if (jsonType !== undefined) schema.type = jsonType;
  if (jsonType === 'integer' && /[pP]ort$/.test(key)) Object.assign(schema, { minimum: 1, maximum: 65535 });
  return { ...schema, ...OVERRIDES[key] };
}

export function renderSchema(valuesYaml: string): string {
  parse(valuesYaml); // a values.yaml that does not parse fails here, before any schema is written
  const root: JsonSchema = {
    $schema: 'https://json-schema.org/draft-07/schema#',
    title: 'Values of the managed-apps-operator chart (generated from values.yaml by scripts/chart-schema.ts: do not edit)',
    type: 'object',
    additionalProperties: false,
    // Helm passes `global` to every chart; it is not ours to constrain.
    properties: { global: { type: 'object' } },
  };
  for (const doc of documentedValues(valuesYaml)) {
    const path = doc.key.split('.');
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const properties = node.properties as Record<string, JsonSchema>;
      properties[segment] ??= { type: 'object', additionalProperties: false, properties: {} };
      node = properties[segment];
    }
    (node.properties as Record<string, JsonSchema>)[path.at(-1) ?? ''] = leafSchema(doc.key, doc.type, doc.description);
  }
  return `${JSON.stringify(root, null, 2)}\n`;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const expected = renderSchema(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  writeOrCheck(join(chartDir, 'values.schema.json'), expected, 'charts/managed-apps-operator/values.schema.json is stale: run npm run chart:sync');
}
