// The system of record (issue 12, domain.md §9): what keeps the records and what traces them, as
// the API names it, shared by the webhook (which refuses an early deletion and writes the trace)
// and the controllers (which hold the finalizer and project the trace into status).
//
//   - RETENTION_FINALIZER: held by the operator on every Incident, ChangeRequest, ServiceUnit and
//     final SLAReport until the record may go (retention.ts in src/domain says when).
//   - HISTORY_ANNOTATION: the append-only trace of an Incident's or a ChangeRequest's SLA fields,
//     `[{ at, by, field, from?, to?, afterClosure? }]`, written by the mutating webhook only (the one
//     place that knows who); the validating webhook refuses any other edit of it.
import { z } from 'zod';
import { openMonths, retainedUntil, type Interval, type MonthsContext } from '../../domain/index.ts';
import { GROUP, doc, text, time } from './common.ts';
import type { ChangeRequestSpec } from './change-request.ts';
import type { IncidentSpec } from './incident.ts';
import type { ProblemSpec } from './problem.ts';
import type { ServiceUnitSpec } from './service-unit.ts';

export const RETENTION_FINALIZER = `${GROUP}/retention`;
export const HISTORY_ANNOTATION = `${GROUP}/history`;
/**
 * A unit being deleted: when the operator first saw the deletion, on its clock (the one the
 * months are judged on, as REPORT_CREATED_AT_ANNOTATION): the unit is retired then.
 */
export const DELETED_AT_ANNOTATION = `${GROUP}/deleted-at`;

/**
 * The fields traced, per kind (issue 12 item 4): those the SLA figures are computed from; of a
 * unit (issue 15 item 3), its backup (policy, check, the acceptance test: who and when, seed
 * §5.10.3) and the prerequisites validated (domain.md §8: guarantees apply only when they are).
 */
export const TRACED_FIELDS = {
  Incident: ['priority', 'cause', 'exclusions', 'resolvedAt', 'closedAt', 'closureNotice', 'declinedPatchRef', 'workMinutes'],
  ChangeRequest: ['category', 'tokens', 'approval', 'validation', 'exclusions', 'completedAt'],
  // A Problem (issue 15): what it links, what fixes it, when it closed.
  Problem: ['incidentRefs', 'changeRef', 'closedAt'],
  ServiceUnit: ['backup', 'prerequisites'],
  // An SLAClaim (issue 13): the provider's answer (given once; the trace says who and when).
  SLAClaim: ['answer'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Traced fields that are not SLA figures: their change after closure is not an amendment of a
 * closed month (the report's `amended`): the closure notice is sent after the resolution by nature,
 * and the work time (issue 13) is billing, recorded once the work is done.
 */
const NOT_SLA_FIELDS: ReadonlySet<string> = new Set(['closureNotice', 'workMinutes']);
export type TracedKind = keyof typeof TRACED_FIELDS;

/**
 * The trace's bound in the annotation (annotations share 256 KiB per object): about 400 entries.
 * A full trace admits no further change of a traced field (nothing unrecorded is admitted), as the
 * contacts log does.
 */
export const MAX_HISTORY_BYTES = 64 * 1024;

/** How many entries the status shows (the latest); the rest is counted in `historyOmitted`. */
export const MAX_STATUS_HISTORY = 32;

/** One change of a traced field. `from`/`to` are the JSON values, absent when unset. */
export interface HistoryEntry {
  readonly at: string;
  readonly by: string;
  readonly field: string;
  readonly from?: unknown;
  readonly to?: unknown;
  /** The record was resolved (an incident) or completed (a change) before this change: the SLA figures of a closed month may move. */
  readonly afterClosure?: boolean;
}

/** The stored trace; undefined when the annotation is not a trace (hand-written). An absent annotation is an empty trace. */
export function parseHistory(textValue: string | undefined): HistoryEntry[] | undefined {
  if (textValue === undefined || textValue === '') return [];
  if (textValue.length > 2 * MAX_HISTORY_BYTES) return undefined;
  try {
    const raw: unknown = JSON.parse(textValue);
    if (!Array.isArray(raw)) return undefined;
    const ok = raw.every((e) => typeof e === 'object' && e !== null
      && typeof (e as { at?: unknown }).at === 'string' && typeof (e as { by?: unknown }).by === 'string' && typeof (e as { field?: unknown }).field === 'string');
    return ok ? (raw as HistoryEntry[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JSON value with its object keys sorted, at every depth: the API server re-serializes an object
 * after the mutating hook's patch with its own key order (Go's maps: sorted), so the validating
 * hook must read the same value as the mutating hook wrote.
 */
export function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonicalJson((value as Record<string, unknown>)[k])]));
  }
  return value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonicalJson(a ?? null)) === JSON.stringify(canonicalJson(b ?? null));

/** The entries a write from `old` to `next` adds (before `at` and `by` are stamped), in the table's order. */
export function historyEntries(kind: TracedKind, old: Readonly<Record<string, unknown>>, next: Readonly<Record<string, unknown>>): Omit<HistoryEntry, 'at' | 'by'>[] {
  // A unit is never closed: its entries carry no afterClosure.
  const closedBefore = kind === 'Incident' ? old.resolvedAt !== undefined : kind === 'Problem' ? old.closedAt !== undefined : kind === 'ChangeRequest' ? old.completedAt !== undefined : false;
  const out: Omit<HistoryEntry, 'at' | 'by'>[] = [];
  for (const field of TRACED_FIELDS[kind]) {
    if (same(old[field], next[field])) continue;
    out.push({
      field: `spec.${field}`, ...(old[field] !== undefined ? { from: canonicalJson(old[field]) } : {}), ...(next[field] !== undefined ? { to: canonicalJson(next[field]) } : {}),
      ...(closedBefore && !NOT_SLA_FIELDS.has(field) ? { afterClosure: true } : {}),
    });
  }
  return out;
}

/** A value as the status and the Events show it: a string as is, anything else as JSON. */
export function showValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `spec.priority: P3 → P1 by paul at 2026-11-20T10:00:00Z` (Events, messages). */
export function describeEntry(e: HistoryEntry): string {
  return `${e.field}: ${showValue(e.from) ?? '(unset)'} → ${showValue(e.to) ?? '(unset)'} by ${e.by} at ${e.at}${e.afterClosure === true ? ' (after resolution or completion)' : ''}`;
}

/** The status's projection of the trace (Incident, ChangeRequest and ServiceUnit `status.history`). */
export const HistoryItem = z.object({
  at: time('When the change was admitted (the webhook\'s clock).'),
  by: text('Who made it: the Kubernetes user of the admission request.', 253),
  field: text('The field changed, e.g. spec.priority.', 64),
  from: text('The value before (JSON for a list or an object); absent when unset.', 4096).optional(),
  to: text('The value after; absent when removed.', 4096).optional(),
  afterClosure: doc(z.boolean(), 'The record was already resolved (an incident) or completed (a change).').optional(),
});
export type HistoryItem = z.infer<typeof HistoryItem>;

export const historyStatusFields = {
  history: doc(z.array(HistoryItem).max(MAX_STATUS_HISTORY), `The latest changes of the SLA fields (at most ${MAX_STATUS_HISTORY}), from the ${HISTORY_ANNOTATION} annotation the admission webhook keeps.`, { 'x-kubernetes-list-type': 'atomic' }).optional(),
  historyOmitted: doc(z.number().int().min(0), 'Older changes not shown in history (the annotation keeps them all).').optional(),
};

const cut = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.length <= 4096 ? s : `${s.slice(0, 4095)}…`);

/** The status fields of a trace: its latest MAX_STATUS_HISTORY entries, the rest counted. */
export function historyStatus(entries: readonly HistoryEntry[]): { history?: HistoryItem[]; historyOmitted?: number } {
  if (entries.length === 0) return {};
  const shown = entries.slice(-MAX_STATUS_HISTORY).map((e): HistoryItem => {
    const from = cut(showValue(e.from));
    const to = cut(showValue(e.to));
    return { at: e.at, by: e.by.slice(0, 253), field: e.field.slice(0, 64), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(e.afterClosure === true ? { afterClosure: true } : {}) };
  });
  const omitted = entries.length - shown.length;
  return { history: shown, ...(omitted > 0 ? { historyOmitted: omitted } : {}) };
}

// ---- retention ----------------------------------------------------------------------------------

const at = (s: string | undefined): Date | undefined => (s === undefined ? undefined : new Date(s));

/** The instants an incident names: the latest is where its retention starts. */
export function incidentInstants(spec: Pick<IncidentSpec, 'openedAt' | 'resolvedAt' | 'closedAt' | 'closureNotice'>): (Date | undefined)[] {
  return [at(spec.openedAt), at(spec.resolvedAt), at(spec.closedAt), at(spec.closureNotice?.sentAt)];
}

/** The instants a Problem names: opened, closed. */
export function problemInstants(spec: Pick<ProblemSpec, 'openedAt' | 'closedAt'>): (Date | undefined)[] {
  return [at(spec.openedAt), at(spec.closedAt)];
}

/** The instants a change names: requested, decided (approval, validation), completed. */
export function changeInstants(spec: Pick<ChangeRequestSpec, 'requestedAt' | 'approval' | 'validation' | 'completedAt'>): (Date | undefined)[] {
  return [at(spec.requestedAt), at(spec.approval?.decidedAt), at(spec.validation?.validatedAt), at(spec.completedAt)];
}

/** When an Incident or a ChangeRequest may be deleted: its latest instant plus the retention (domain retainedUntil). */
export function recordRetainedUntil(kind: TracedKind, spec: IncidentSpec | ChangeRequestSpec | ProblemSpec, retentionMonths: number, createdAt: Date): Date {
  const instants = kind === 'Incident' ? incidentInstants(spec as IncidentSpec) : kind === 'Problem' ? problemInstants(spec as ProblemSpec) : changeInstants(spec as ChangeRequestSpec);
  return retainedUntil(instants, retentionMonths, createdAt);
}

/**
 * The intervals a unit weighs in: its subscription (from its start to its end or open; without
 * one the domain counts it in every month, so from the epoch: openMonths starts at the contract's
 * first month), ended by its deletion when that is earlier (a unit deleted is retired then: the
 * months after it are not its), and each of its incidents (opened → resolved, or open).
 */
export function unitIntervals(
  unit: { readonly metadata: { readonly name: string }; readonly spec: Pick<ServiceUnitSpec, 'subscription'> },
  incidents: readonly { readonly spec: Pick<IncidentSpec, 'unitRefs' | 'openedAt' | 'resolvedAt'> }[],
  deletedAt?: Date,
): Interval[] {
  const sub = unit.spec.subscription;
  const end = Math.min(sub?.end === undefined ? FOREVER.getTime() : new Date(sub.end).getTime(), deletedAt?.getTime() ?? Infinity);
  const out: Interval[] = [{ start: sub === undefined ? new Date(0) : new Date(sub.start), end: new Date(end) }];
  for (const i of incidents) {
    if (!i.spec.unitRefs.some((r) => r.name === unit.metadata.name)) continue;
    out.push({ start: new Date(i.spec.openedAt), end: i.spec.resolvedAt === undefined ? FOREVER : new Date(i.spec.resolvedAt) });
  }
  return out;
}

/** The latest instant a Date holds: "still open". */
const FOREVER = new Date(8_640_000_000_000_000);

/** The months whose report the unit still weighs in (domain openMonths over unitIntervals). */
export function unitOpenMonths(
  unit: Parameters<typeof unitIntervals>[0], incidents: Parameters<typeof unitIntervals>[1], ctx: MonthsContext, now: Date, deletedAt?: Date,
): string[] {
  return openMonths(unitIntervals(unit, incidents, deletedAt), ctx, now);
}
