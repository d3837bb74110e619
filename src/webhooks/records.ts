// Records are kept and traced (issue 12, domain.md §9): the validating hook's rules on a DELETE
// of a record, on the retention finalizer, and on the trace annotation. Decided from the request
// and the view of the tenant; `now` is the webhook's clock.
//
//   SLAReport      a final one is the record of its month: never deleted
//   Incident       listed by a final report, or within its retention (its latest instant plus
//   ChangeRequest  the retention, 15 months by default): not deleted
//   Problem        listed by a final report, or within its retention (opened, closed, plus
//                  the retention): not deleted
//   SLAClaim       while its month's report (<contract>-<month>) exists
//   ServiceUnit    while a month it weighs in (its subscription, its incidents) has no final
//                  report: not deleted (retire it with spec.subscription.end, delete it once the
//                  month is final), so its downtime stays in its months
//   finalizer      managedapps.dev/retention is the operator's to remove
//   trace          managedapps.dev/history is the mutating hook's: the stored trace plus exactly
//                  this write's changes
// Members of a break-glass group (--break-glass-groups) pass the first four; RBAC still applies.
import { DateTime } from 'luxon';
import {
  ChangeRequest as ChangeRequestSchema, HISTORY_ANNOTATION, Incident as IncidentSchema, MAX_HISTORY_BYTES, Problem as ProblemSchema, RETENTION_FINALIZER,
  ServiceUnit as ServiceUnitSchema, calendarToDomain, canonicalJson, historyEntries, parseHistory, recordRetainedUntil, unitOpenMonths,
  type HistoryEntry, type TracedKind,
} from '../api/v1alpha1/index.ts';
import { DEFAULT_CALENDAR } from '../domain/calendar.ts';
import { DEFAULT_RECORD_RETENTION_MONTHS } from '../domain/retention.ts';
import { deny, type AdmissionRequest, type Verdict, type Violation } from './admission.ts';
import { describeUser, type Identity } from './identity.ts';
import { contractOf, STAMP_TOLERANCE_MS, tenantOf, type RuleContext } from './view.ts';

const iso = (d: Date): string => DateTime.fromJSDate(d).toUTC().toISO({ suppressMilliseconds: true }) ?? d.toISOString();

function breakGlassNote(ctx: RuleContext): string {
  const groups = ctx.identity.breakGlassGroups ?? [];
  return groups.length === 0 ? 'no break-glass group is configured (--break-glass-groups)' : `only a member of the break-glass group ${groups.map((g) => `'${g}'`).join(', ')} may`;
}

function timeZoneOf(ctx: RuleContext, namespace: string): string {
  const calendar = calendarToDomain(tenantOf(ctx.view, namespace));
  return calendar.ok ? calendar.value.timeZone : DEFAULT_CALENDAR.timeZone;
}

/** The final reports of the namespace that list `name` among their incidents (or changes). */
function listedBy(ctx: RuleContext, namespace: string, kind: Exclude<TracedKind, 'ServiceUnit'>, name: string): string[] {
  return ctx.view.reports(namespace).filter((r) => {
    if (r.status?.final !== true) return false;
    const rows: readonly { name: string }[] = kind === 'Incident' ? r.status.gtr?.incidents ?? [] : kind === 'Problem' ? r.status.problems ?? [] : r.status.gtc?.changes ?? [];
    return rows.some((row) => row.name === name);
  }).map((r) => r.metadata.name).sort();
}

/** A DELETE of one of our records (after the party check): the records rules; undefined when it may go. */
export function deletionVerdict(request: AdmissionRequest, ctx: RuleContext, id: Identity): Verdict | undefined {
  if (id.breakGlass) return undefined;
  const namespace = request.namespace ?? '';
  const kind = request.kind.kind;
  const keep = (path: string, why: string): Verdict => deny('Forbidden', [{
    path, message: `${describeUser(id)} may not delete ${kind} '${request.name ?? ''}': ${why} (domain.md §9: records are kept); ${breakGlassNote(ctx)}`,
  }]);
  if (kind === 'SLAReport') {
    // Read as stored, not parsed: a final report whose status no longer parses is still final.
    const report = request.oldObject as { spec?: { month?: string }; status?: { final?: unknown } } | undefined;
    if (report?.status?.final === true) return keep('status.final', `the report of ${report.spec?.month ?? '?'} is final, the record of its month`);
    return undefined;
  }
  if (kind === 'Incident' || kind === 'ChangeRequest' || kind === 'Problem') {
    const parsed = (kind === 'Incident' ? IncidentSchema : kind === 'Problem' ? ProblemSchema : ChangeRequestSchema).safeParse(request.oldObject);
    if (!parsed.success) return undefined; // not a record we can read: nothing it could be counted in
    const listing = listedBy(ctx, namespace, kind, parsed.data.metadata.name);
    if (listing.length > 0) return keep('metadata', `final SLAReport ${listing.map((n) => `'${n}'`).join(', ')} lists it`);
    const months = ctx.retentionMonths ?? DEFAULT_RECORD_RETENTION_MONTHS;
    const created = parsed.data.metadata.creationTimestamp;
    const until = recordRetainedUntil(kind, parsed.data.spec, months, created === undefined ? ctx.now : new Date(created));
    if (ctx.now.getTime() < until.getTime()) return keep('metadata', `it is kept until ${iso(until)} (its latest instant plus the retention of ${months} months)`);
    return undefined;
  }
  if (kind === 'SLAClaim') {
    // A claim is a record of its month (issue 13): kept while the month's report is.
    const claim = request.oldObject as { spec?: { contractRef?: { name?: string }; month?: string } } | undefined;
    const report = `${claim?.spec?.contractRef?.name ?? ''}-${claim?.spec?.month ?? ''}`;
    if (ctx.view.reports(namespace).some((r) => r.metadata.name === report)) return keep('metadata', `SLAReport '${report}' is kept, and its month's claims with it`);
    return undefined;
  }
  if (kind === 'ServiceUnit') {
    const unit = ServiceUnitSchema.safeParse(request.oldObject);
    const contract = contractOf(ctx.view, namespace);
    if (!unit.success || contract === undefined) return undefined; // no contract, no report it weighs in
    const timeZone = timeZoneOf(ctx, namespace);
    const reports = ctx.view.reports(namespace).filter((r) => r.spec.contractRef.name === contract.metadata.name);
    const open = unitOpenMonths(unit.data, ctx.view.incidents(namespace), {
      timeZone, startMonth: contract.spec.start.slice(0, 7),
      reportFinal: (month) => { const r = reports.find((x) => x.spec.month === month); return r === undefined ? undefined : r.status?.final === true; },
    }, ctx.now);
    if (open.length > 0) {
      return keep('metadata', `it weighs in the report of ${open.join(', ')}, not final yet (its subscription or its incidents): retire it with spec.subscription.end and delete it once ${open.length === 1 ? 'that month is' : 'those months are'} final`);
    }
    return undefined;
  }
  return undefined;
}

interface Meta { readonly metadata?: { readonly finalizers?: readonly string[]; readonly annotations?: Readonly<Record<string, string>> } }
const metaOf = (o: unknown): Meta['metadata'] => (typeof o === 'object' && o !== null ? (o as Meta).metadata : undefined);

/** An UPDATE that removes the retention finalizer: the operator's (or the break-glass group's) only. */
export function finalizerViolation(request: AdmissionRequest, ctx: RuleContext, id: Identity): Violation | undefined {
  if (request.operation !== 'UPDATE' || id.operator || id.breakGlass) return undefined;
  const had = metaOf(request.oldObject)?.finalizers?.includes(RETENTION_FINALIZER) === true;
  const has = metaOf(request.object)?.finalizers?.includes(RETENTION_FINALIZER) === true;
  if (!had || has) return undefined;
  return { path: 'metadata.finalizers', message: `${RETENTION_FINALIZER} is removed by the operator once the record's retention ends, not by ${describeUser(id)}; ${breakGlassNote(ctx)}` };
}

type Json = Record<string, unknown>;
const canonical = (v: unknown): string => JSON.stringify(canonicalJson(v));
const specOf = (o: unknown): Json => {
  const spec = typeof o === 'object' && o !== null ? (o as { spec?: unknown }).spec : undefined;
  return typeof spec === 'object' && spec !== null ? spec as Json : {};
};

/** The trace a write must carry: on UPDATE the stored one plus this write's changes (by, at: the request's user, `now`). */
export function expectedHistory(kind: TracedKind, request: AdmissionRequest, by: string, at: string): { stored: HistoryEntry[] | undefined; entries: HistoryEntry[] } {
  const stored = parseHistory(metaOf(request.oldObject)?.annotations?.[HISTORY_ANNOTATION]);
  const entries = historyEntries(kind, specOf(request.oldObject), specOf(request.object)).map((e) => ({ at, by, ...e }));
  return { stored, entries };
}

/**
 * The trace annotation of an Incident or a ChangeRequest write: on CREATE a client brings none
 * (the provider may, restoring a record it exported); on UPDATE it is the stored trace plus
 * exactly this write's changes, stamped within the tolerance of `now`, and a full trace admits no
 * change of a traced field.
 */
export function historyViolations(request: AdmissionRequest, id: Identity, now: Date): Violation[] {
  const kind = request.kind.kind;
  if (kind !== 'Incident' && kind !== 'ChangeRequest' && kind !== 'Problem' && kind !== 'ServiceUnit' && kind !== 'SLAClaim') return [];
  const path = `metadata.annotations[${HISTORY_ANNOTATION}]`;
  const text = metaOf(request.object)?.annotations?.[HISTORY_ANNOTATION];
  const written = parseHistory(text);
  if (request.operation === 'CREATE') {
    if (text === undefined) return [];
    if (!id.operator && !id.provider) return [{ path, message: 'written by the admission webhook only (who changed the SLA fields, and when): a new record starts without one' }];
    return written === undefined ? [{ path, message: 'not a trace: a JSON list of { at, by, field, from, to }' }] : [];
  }
  if (request.operation !== 'UPDATE') return [];
  const { stored, entries } = expectedHistory(kind, request, id.username, '');
  const base = stored ?? [];
  const matches = written !== undefined && written.length === base.length + entries.length
    && canonical(written.slice(0, base.length)) === canonical(base)
    && written.slice(base.length).every((w, i) => {
      const { at, ...rest } = w;
      const { at: _at, ...want } = entries[i] ?? { at: '' };
      return canonical(rest) === canonical(want) && Math.abs(new Date(at).getTime() - now.getTime()) <= STAMP_TOLERANCE_MS;
    });
  if (!matches) return [{ path, message: 'written by the admission webhook only (who changed the SLA fields, and when): it is appended to, never edited' }];
  if (entries.length > 0 && (text ?? '').length > MAX_HISTORY_BYTES) {
    return [{ path: entries[0]?.field ?? 'spec', message: `the trace is full (${(text ?? '').length} bytes, at most ${MAX_HISTORY_BYTES}): no further change of the SLA fields is recorded, so none is admitted` }];
  }
  return [];
}
