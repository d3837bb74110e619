// Records are kept (issue 12, domain.md §9): the operator holds RETENTION_FINALIZER on every
// Incident, ChangeRequest, Problem, ServiceUnit and final SLAReport, and removes it from an object being
// deleted once the record may go. The webhook refuses an early deletion; this is the backstop
// when it is down (or a break-glass member deleted early). An object waiting on the finalizer is
// still in the caches, so every evaluation and report keeps counting it.
//
// When it may go (src/api records.ts over src/domain retention.ts):
//   Incident, ChangeRequest, its latest instant plus the retention (months)
//   Problem
//   SLAReport (final)        its month's end plus the retention
//   ServiceUnit              once every month its subscription (ended by the deletion) and
//                            incidents touch is final
// client-node's modules, not its entry point (which loads its whole generated API: issue 17).
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { DELETED_AT_ANNOTATION, RETENTION_FINALIZER, recordRetainedUntil, unitOpenMonths, type ChangeRequestSpec, type IncidentSpec, type ProblemSpec } from '../../api/v1alpha1/index.ts';
import { monthPeriod, REPORT_FINAL_GRACE_HOURS, retainedUntil, rfc3339 } from '../../domain/index.ts';
import { addFinalizer, hasFinalizer, isDeleting, objectPath, removeFinalizer, type KindRef } from '../../runtime/index.ts';
import { KIND_REFS } from './kinds.ts';
import type { Deps } from './deps.ts';
import type { Typed, UnitObj } from './kinds.ts';

/** What the composition root passes (`--record-retention-months`); absent: no finalizer is held (an embedder that keeps no records). */
export interface Retention {
  readonly months: number;
}

/** When the object may go: an instant, or `open` while it still weighs in a report not final (units). */
export type Release = { readonly at: Date } | { readonly open: readonly string[]; readonly recheckAt?: Date };

/**
 * Holds the finalizer on a live object, and releases it from one being deleted once `release`
 * says so. Returns the instant to be reconciled again at (the release), if any, or `released`
 * (the object is gone: nothing more to write). Called before the status write: the finalizer
 * patch carries the cached resourceVersion as its precondition.
 */
export async function keepRecord<S, St>(deps: Deps, kind: KindRef, obj: Typed<S, St>, release: () => Release): Promise<Date | 'released' | undefined> {
  if (deps.retention === undefined) return undefined;
  const client = deps.manager.client;
  if (!isDeleting(obj.raw)) {
    await addFinalizer(client, kind, obj.raw, RETENTION_FINALIZER);
    return undefined;
  }
  if (!hasFinalizer(obj.raw, RETENTION_FINALIZER)) return undefined;
  const now = deps.now();
  const r = release();
  if ('at' in r ? now.getTime() >= r.at.getTime() : r.open.length === 0) {
    await removeFinalizer(client, kind, obj.raw, RETENTION_FINALIZER);
    await deps.manager.events.emit(obj.raw, { type: 'Normal', reason: 'RecordReleased', action: 'Delete', note: `the retention of ${kind.plural}/${obj.name} ended: deleted` });
    return 'released';
  }
  return 'at' in r ? r.at : r.recheckAt;
}

export function incidentRelease(months: number, spec: IncidentSpec, createdAt: Date): Release {
  return { at: recordRetainedUntil('Incident', spec, months, createdAt) };
}

export function changeRelease(months: number, spec: ChangeRequestSpec, createdAt: Date): Release {
  return { at: recordRetainedUntil('ChangeRequest', spec, months, createdAt) };
}

export function problemRelease(months: number, spec: ProblemSpec, createdAt: Date): Release {
  return { at: recordRetainedUntil('Problem', spec, months, createdAt) };
}

/** A final report: its month's end plus the retention. */
export function reportRelease(months: number, periodEnd: Date): Release {
  return { at: retainedUntil([periodEnd], months, periodEnd) };
}

function deletedAt(unit: UnitObj): Date | undefined {
  const at = (unit.raw.metadata?.annotations?.[DELETED_AT_ANNOTATION] ?? unit.raw.metadata?.deletionTimestamp);
  return at === undefined ? undefined : new Date(at);
}

/**
 * Stamps a unit being deleted with the operator's instant (DELETED_AT_ANNOTATION) the first time
 * it sees the deletion, so that its months are judged on the clock the reports are. True when it
 * patched (the next reconcile reads the stamped object).
 */
export async function stampDeletion(deps: Deps, unit: UnitObj): Promise<boolean> {
  if (deps.retention === undefined || !isDeleting(unit.raw) || !hasFinalizer(unit.raw, RETENTION_FINALIZER)) return false;
  if (unit.raw.metadata?.annotations?.[DELETED_AT_ANNOTATION] !== undefined) return false;
  await deps.manager.client.request('PATCH', objectPath(KIND_REFS.ServiceUnit, unit.namespace, unit.name), {
    contentType: PatchStrategy.MergePatch,
    body: { metadata: { annotations: { [DELETED_AT_ANNOTATION]: rfc3339(deps.now()) } } },
  });
  return true;
}

/** A unit: the months its subscription and incidents touch whose report is not final yet (none: it may go). */
export function unitRelease(deps: Deps, unit: UnitObj): Release {
  const { caches } = deps;
  const ns = unit.namespace;
  const contract = caches.contract(ns);
  if (contract === undefined) return { open: [] };
  const timeZone = caches.calendar(ns).timeZone;
  const reports = caches.reports.list(ns).filter((r) => r.spec.contractRef.name === contract.name);
  const open = unitOpenMonths(unit, caches.incidents.list(ns), {
    timeZone, startMonth: contract.spec.start.slice(0, 7),
    reportFinal: (month) => { const r = reports.find((x) => x.spec.month === month); return r === undefined ? undefined : r.status?.final === true; },
  }, deps.now(), deletedAt(unit));
  // A month without a report counts as final once its end plus the grace period passed: look again then.
  const graceMs = REPORT_FINAL_GRACE_HOURS * 3_600_000;
  const recheck = open.map((m) => monthPeriod(m, timeZone).end.getTime() + graceMs).filter((t) => t > deps.now().getTime());
  return recheck.length === 0 ? { open } : { open, recheckAt: new Date(Math.min(...recheck)) };
}
