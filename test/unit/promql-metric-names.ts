// Which metric names a PromQL expression reads, for the checks that rules and dashboards only
// use metrics src/metrics defines. A lexical scan, not a parser: it drops string literals, label
// matchers, `by`/`on`/`without` clauses and range selectors, then keeps identifiers that are
// neither functions, keywords nor aggregation operators.

const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'inf', 'nan',
]);

/** Metric names (and recording-rule names) read by `expr`; Grafana variables like `$tenant` are ignored. */
export function metricNames(expr: string): Set<string> {
  const cleaned = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/(?<![A-Za-z0-9_:])\d[\w.]*/g, ' ');
  const names = new Set<string>();
  for (const m of cleaned.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (name === undefined || call !== undefined || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return names;
}

/** Histogram and summary series a defined metric also exposes. */
export function baseMetricName(name: string): string {
  return name.replace(/_(bucket|sum|count)$/, '');
}
