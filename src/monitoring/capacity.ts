// The monthly pack's capacity section read from Prometheus (issue 16 item 2; design.md §3 "The
// monthly pack", "Capacity"): per unit and resource (CPU, memory, disk), the provider's PromQL
// query with the unit substituted, read over the month and the CAPACITY_TREND_MONTHS months
// before (`/api/v1/query_range`, prometheus-range.ts), then the domain's arithmetic (capacityRow,
// capacitySection in src/domain/pack.ts).
//
// A query is a template: `{{unit}}` (the ServiceUnit's name), `{{namespace}}` (the tenant) and
// `{{labels.<key>}}` (one of the unit's labels) are replaced by the value as the content of a
// PromQL double-quoted string (double quotes and backslashes escaped), e.g.
//   100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle", instance=~"{{unit}}(:.*)?"}[5m])))
// A template is checked when the operator or the CLI starts (parseCapacityQuery); any other
// `{{…}}`, or one that names no unit, is refused with the reason.
//
// One read is all or nothing for the endpoint: when Prometheus cannot be reached (or answers as
// something else), the whole read fails with the error (the operator retries until its bound,
// then seals the section as unavailable: controllers/report); a query Prometheus refuses, or one
// that answers several series for a unit, is that row's `reason`.
import { readFileSync } from 'node:fs';
import {
  CAPACITY_RESOURCES, CAPACITY_TREND_MONTHS, capacityRow, capacitySection, monthPeriod, previousMonth, type CapacityResource, type CapacityRow,
  type CapacitySection,
} from '../domain/index.ts';
import type { Clock } from '../runtime/clock.ts';
import { queryRange, type PrometheusEndpoint } from './prometheus-range.ts';

/** The placeholders of a capacity query, as written in it. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** A label key as Kubernetes allows it (an optional DNS prefix and `/`, then a name). */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** One piece of a parsed template: text as written, or a placeholder. */
type Piece = { readonly text: string } | { readonly unit: true } | { readonly namespace: true } | { readonly label: string };

/** A checked capacity query. */
export interface CapacityQuery {
  readonly source: string;
  readonly pieces: readonly Piece[];
}

/** The template of a capacity query, or why it is refused (one sentence naming the placeholder). */
export function parseCapacityQuery(source: string): { ok: true; query: CapacityQuery } | { ok: false; message: string } {
  if (source.trim() === '') return { ok: false, message: 'empty query' };
  const pieces: Piece[] = [];
  let last = 0;
  let namesUnit = false;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const inner = m[1] ?? '';
    if (m.index > last) pieces.push({ text: source.slice(last, m.index) });
    last = m.index + m[0].length;
    if (inner === 'unit') {
      pieces.push({ unit: true });
      namesUnit = true;
    } else if (inner === 'namespace') {
      pieces.push({ namespace: true });
    } else if (inner.startsWith('labels.') && LABEL_KEY.test(inner.slice('labels.'.length))) {
      pieces.push({ label: inner.slice('labels.'.length) });
      namesUnit = true;
    } else {
      return { ok: false, message: `unknown placeholder ${m[0]}: expected {{unit}}, {{namespace}} or {{labels.<label key>}}` };
    }
  }
  if (last < source.length) pieces.push({ text: source.slice(last) });
  const rest = pieces.flatMap((p) => ('text' in p ? [p.text] : [])).join('');
  if (rest.includes('{{') || rest.includes('}}')) return { ok: false, message: 'an unclosed {{ or a stray }}: placeholders are {{unit}}, {{namespace}} and {{labels.<label key>}}' };
  if (!namesUnit) return { ok: false, message: 'the query names no unit: every unit would read the same series; use {{unit}} or {{labels.<label key>}}' };
  return { ok: true, query: { source, pieces } };
}

/** A unit as the capacity queries see it. */
export interface CapacityUnit {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A value inside a PromQL double-quoted string (`"…"`, where templates put their placeholders):
 * backslash and double quote escaped (PromQL's lexer accepts no other quote's escape there).
 * Names and label values in Kubernetes hold neither; a label value is checked by the API server.
 */
const promqlString = (value: string): string => value.replace(/[\\"]/g, (c) => `\\${c}`);

/** `query` for `unit` of `namespace`; undefined (with the label) when the unit lacks a label the query names. */
export function renderCapacityQuery(query: CapacityQuery, namespace: string, unit: CapacityUnit): { query: string } | { missingLabel: string } {
  let out = '';
  for (const p of query.pieces) {
    if ('text' in p) out += p.text;
    else if ('unit' in p) out += promqlString(unit.name);
    else if ('namespace' in p) out += promqlString(namespace);
    else {
      const value = unit.labels[p.label];
      if (value === undefined) return { missingLabel: p.label };
      out += promqlString(value);
    }
  }
  return { query: out };
}

/** The capacity configuration (the operator's `capacity.*` options, the CLI's `--prometheus` and `--capacity-*` flags). */
export interface CapacityConfig {
  readonly prometheusUrl: string;
  /** The resources with a query; a resource without one has no list. */
  readonly queries: Partial<Record<CapacityResource, CapacityQuery>>;
  /** The step of the range queries (widened to MAX_RANGE_POINTS), seconds. */
  readonly stepSeconds: number;
  /** Budget of one query, ms. */
  readonly timeoutMs: number;
  /** File holding a bearer token, read at each read (a projected token rotates). */
  readonly bearerTokenFile?: string | undefined;
  /** PEM file of the CAs to trust for an https URL, read at each read. */
  readonly caFile?: string | undefined;
  /** Queries in flight at once. */
  readonly concurrency: number;
}

/** Default step of the range queries: 5 min, a month in 8,928 points (under MAX_RANGE_POINTS). */
export const DEFAULT_CAPACITY_STEP_SECONDS = 300;
export const DEFAULT_CAPACITY_TIMEOUT_MS = 30_000;
export const DEFAULT_CAPACITY_CONCURRENCY = 4;

/** The raw queries, checked: the configuration, or `resource: why` for the first refused one. */
export function capacityQueries(raw: Partial<Record<CapacityResource, string | undefined>>): { ok: true; queries: Partial<Record<CapacityResource, CapacityQuery>> } | { ok: false; resource: CapacityResource; message: string } {
  const queries: { -readonly [K in CapacityResource]?: CapacityQuery } = {};
  for (const resource of CAPACITY_RESOURCES) {
    const source = raw[resource];
    if (source === undefined) continue;
    const parsed = parseCapacityQuery(source);
    if (!parsed.ok) return { ok: false, resource, message: parsed.message };
    queries[resource] = parsed.query;
  }
  return { ok: true, queries };
}

/** What a read gives: the section (rows with their reasons), or why Prometheus could not be read at all. */
export type CapacityRead = { readonly ok: true; readonly section: CapacitySection } | { readonly ok: false; readonly message: string };

export interface CapacityScope {
  readonly namespace: string;
  readonly units: readonly CapacityUnit[];
  /** The reported month, YYYY-MM, and the tenant's zone its months are cut in. */
  readonly month: string;
  readonly timeZone: string;
  /** The end of what is read: the month's end, or now within the month (the offline report of a running month). */
  readonly now: Date;
}

/** Runs `tasks` `limit` at a time, in order of start; stops starting new ones once `stop()` says so. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number, stop: () => boolean): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !stop()) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}

/**
 * The capacity section of `scope.month` for `scope.units`: each unit's query of each configured
 * resource over the month and each of the CAPACITY_TREND_MONTHS months before (cut in the tenant's
 * zone, up to `now`), p95 and trend by capacityRow. Never throws.
 */
export async function readCapacity(config: CapacityConfig, scope: CapacityScope, clock?: Clock): Promise<CapacityRead> {
  let endpoint: PrometheusEndpoint;
  try {
    endpoint = {
      url: config.prometheusUrl,
      timeoutMs: config.timeoutMs,
      bearerToken: config.bearerTokenFile === undefined ? undefined : readFileSync(config.bearerTokenFile, 'utf8').trim(),
      tls: config.caFile === undefined ? undefined : { caBundle: readFileSync(config.caFile, 'utf8') },
    };
  } catch (err) {
    return { ok: false, message: `Prometheus ${config.prometheusUrl}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const months = [scope.month];
  for (let i = 0; i < CAPACITY_TREND_MONTHS; i++) months.push(previousMonth(months[i] as string));
  const periods = months.map((m) => monthPeriod(m, scope.timeZone));
  const nowMs = scope.now.getTime();

  type Cell = { samples: number[] } | { reason: string };
  let failure: string | undefined;
  const tasks: (() => Promise<void>)[] = [];
  const rows: { unit: CapacityUnit; resource: CapacityResource; cells: Cell[] }[] = [];
  for (const unit of [...scope.units].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const resource of CAPACITY_RESOURCES) {
      const template = config.queries[resource];
      if (template === undefined) continue;
      const rendered = renderCapacityQuery(template, scope.namespace, unit);
      const row = { unit, resource, cells: [] as Cell[] };
      rows.push(row);
      if ('missingLabel' in rendered) {
        row.cells = periods.map(() => ({ reason: `the unit has no label ${rendered.missingLabel}, which its ${resource} query names` }));
        continue;
      }
      periods.forEach((period, i) => {
        const end = Math.min(period.end.getTime(), nowMs);
        if (end <= period.start.getTime()) {
          row.cells[i] = { samples: [] };
          return;
        }
        tasks.push(async () => {
          const answer = await queryRange(endpoint, rendered.query, period.start, new Date(end), config.stepSeconds, clock);
          if (!answer.ok) {
            if (answer.retryable) failure ??= answer.message;
            row.cells[i] = { reason: answer.message };
            return;
          }
          if (answer.series.length > 1) {
            row.cells[i] = { reason: `its ${resource} query answered ${answer.series.length} series for the unit; aggregate them to one (max, sum, avg)` };
            return;
          }
          // A point at the period's end is the next month's first.
          row.cells[i] = { samples: (answer.series[0]?.values ?? []).filter(([t]) => t * 1000 < period.end.getTime()).map(([, v]) => v) };
        });
      });
    }
  }
  await pool(tasks, config.concurrency, () => failure !== undefined);
  if (failure !== undefined) return { ok: false, message: failure };

  const out: CapacityRow[] = rows.map(({ unit, resource, cells }) => {
    const samples = (c: Cell | undefined): number[] => (c !== undefined && 'samples' in c ? c.samples : []);
    const row = capacityRow(unit.name, resource, samples(cells[0]), cells.slice(1).map(samples));
    const first = cells[0];
    // The month's own error says why there is no p95 (a months-before error only thins the baseline).
    return first !== undefined && 'reason' in first && row.p95 === undefined ? { ...row, reason: first.reason } : row;
  });
  return { ok: true, section: capacitySection(out) };
}
