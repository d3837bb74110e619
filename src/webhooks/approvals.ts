// The client's approval of maintenance occurrences (issue 14, domain.md §11 **Reading**: a window
// that needs the client's approval excludes nothing until the client approved it, occurrence by
// occurrence or as an agreed plan). An approval is an entry of `MaintenanceWindow.spec.approvals`,
// naming the start of one occurrence, or a year (the yearly patch plan of a SecurityPatching
// window, seed §5.8: every occurrence of that year from the approval on); both hooks share this module:
//   mutating    a new entry gets `approvedBy` (the requesting user and its ChangeApprover contact),
//               `approvedAt` (the time of the request) and `scopeDigest` (the window approved:
//               a later change of the window voids it), whatever the body says; an entry
//               already stored gets its stored stamps back (a re-apply without them is no edit).
//               A provider's CREATE keeps the stamps its record has (a window restored).
//   validating  a stored approval is a record: never removed, never edited; a new one is given by
//               a ChangeApprover contact in force, stamped as the mutating hook does, for the start
//               of an occurrence of the window that has not started yet, on a window that requires
//               the client's approval; a plan for the current year or a later one, on a
//               SecurityPatching window; a client contact writes nothing else of a window.
import { GROUP, canonicalJson, scheduleToDomain, windowScopeDigest, type MaintenanceWindow, type WindowApproval } from '../api/v1alpha1/index.ts';
import { MaintenanceWindow as MaintenanceWindowSchema } from '../api/v1alpha1/maintenance-window.ts';
import { isOccurrenceStart } from '../domain/maintenance.ts';
import { PATCH_PLAN_PURPOSE, planYearOf } from '../domain/patching.ts';
import { deny, pointer, type AdmissionRequest, type JsonPatchOp, type UserInfo, type Verdict, type Violation } from './admission.ts';
import { actsForProvider, contactWithRole, describeUser, identify, type Identity, type IdentityConfig } from './identity.ts';
import { STAMP_TOLERANCE_MS, tenantOf, type RuleContext, type TenantView } from './view.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const approvalsOf = (object: unknown): unknown[] => {
  const spec = isObject(object) && isObject(object.spec) ? object.spec : undefined;
  return Array.isArray(spec?.approvals) ? spec.approvals : [];
};
/**
 * What an entry approves, as a key: an occurrence as an instant (ms: `…T21:00:00Z` and
 * `…T22:00:00+01:00` are one occurrence), or a year of a plan (seed §5.8).
 */
const keyOf = (entry: unknown): string | undefined => {
  if (!isObject(entry)) return undefined;
  if (typeof entry.year === 'number' && entry.occurrence === undefined) return `year:${entry.year}`;
  const at = typeof entry.occurrence === 'string' && entry.year === undefined ? Date.parse(entry.occurrence) : Number.NaN;
  return Number.isNaN(at) ? undefined : `occurrence:${at}`;
};
/** How messages name what an entry approves. */
const approvalName = (entry: Json): string => (typeof entry.year === 'number' ? `yearly plan of ${entry.year}` : `approval of the occurrence ${String(entry.occurrence)}`);
const stored = (request: AdmissionRequest): Map<string, Json> => {
  const out = new Map<string, Json>();
  if (request.operation !== 'UPDATE') return out;
  for (const e of approvalsOf(request.oldObject)) {
    const k = keyOf(e);
    if (k !== undefined && isObject(e)) out.set(k, e);
  }
  return out;
};

/** The stamp of an approver: the user as the API server authenticated it, and its ChangeApprover contact. */
export function approverStamp(user: UserInfo, contact: string): NonNullable<WindowApproval['approvedBy']> {
  const groups = (user.groups ?? []).slice(0, 32);
  return { username: user.username ?? '', ...(groups.length > 0 ? { groups } : {}), contact };
}

/** Whether the request adds an approval: the hooks then need the tenant (who approves). */
export function addsWindowApproval(request: AdmissionRequest): boolean {
  if (request.kind.group !== GROUP || request.kind.kind !== 'MaintenanceWindow') return false;
  const old = stored(request);
  return approvalsOf(request.object).some((e) => { const k = keyOf(e); return k === undefined || !old.has(k); });
}

const restoring = (request: AdmissionRequest, id: Identity): boolean => request.operation === 'CREATE' && actsForProvider(id);

/** The mutating hook's patch of `spec.approvals`; `stampAt` is stampTime(now). */
export function windowMutation(request: AdmissionRequest, view: TenantView, config: IdentityConfig, stampAt: string): Verdict {
  const body = approvalsOf(request.object);
  if (body.length === 0) return { allowed: true };
  const old = stored(request);
  const id = identify(request.userInfo, tenantOf(view, request.namespace ?? ''), config);
  const approver = contactWithRole(id, 'ChangeApprover');
  const parsed = MaintenanceWindowSchema.safeParse(request.object);
  if (!parsed.success) return { allowed: true }; // the validating hook reports the body
  const digest = windowScopeDigest(parsed.data.spec);
  const next = body.map((entry) => {
    const k = keyOf(entry);
    if (!isObject(entry) || k === undefined) return entry; // the schema refuses it
    const before = old.get(k);
    if (before !== undefined) return { ...entry, approvedBy: before.approvedBy, approvedAt: before.approvedAt, scopeDigest: before.scopeDigest };
    if (restoring(request, id) && entry.approvedBy !== undefined && entry.approvedAt !== undefined) return entry;
    if (approver === undefined) return entry; // the validating hook refuses it, naming the entry
    return { ...entry, approvedBy: approverStamp(request.userInfo, approver.name), approvedAt: stampAt, scopeDigest: digest };
  });
  if (same(next, body)) return { allowed: true };
  const patch: JsonPatchOp[] = [{ op: 'replace', path: pointer('spec', 'approvals'), value: next }];
  return { allowed: true, patch };
}

/** Equal as JSON whatever the order of keys (the API server stores objects with sorted keys). */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonicalJson(a ?? null)) === JSON.stringify(canonicalJson(b ?? null));
const sameApproval = (a: Json, b: Json): boolean =>
  keyOf(a) === keyOf(b) && same(a.comment, b.comment) && same(a.approvedBy, b.approvedBy) && same(a.approvedAt, b.approvedAt) && same(a.scopeDigest, b.scopeDigest);
const withoutApprovals = (w: MaintenanceWindow): unknown => ({ ...w.spec, approvals: undefined });

/** The validating hook's rules of a window write (after the schema and the schedule converted). */
export function windowApprovalViolations(request: AdmissionRequest, ctx: RuleContext, window: MaintenanceWindow): Verdict | undefined {
  const namespace = request.namespace ?? '';
  const tenant = tenantOf(ctx.view, namespace);
  const id = identify(request.userInfo, tenant, ctx.identity);
  const who = describeUser(id);
  const parsedOld = request.operation === 'UPDATE' ? MaintenanceWindowSchema.safeParse(request.oldObject) : undefined;
  const before = parsedOld?.success === true ? parsedOld.data : undefined;
  // A window is the provider's; a client's ChangeApprover appends approvals, nothing else.
  if (!actsForProvider(id) && (before === undefined || !same(withoutApprovals(before), withoutApprovals(window)))) {
    return deny('Forbidden', [{ path: 'spec', message: `a MaintenanceWindow is the provider's; a client's ChangeApprover contact appends spec.approvals only (${who})` }]);
  }
  const old = stored(request);
  const list = window.spec.approvals ?? [];
  const violations: Violation[] = [];
  // Records: every stored approval is still there, as it was.
  for (const [k, entry] of old) {
    const i = list.findIndex((e) => keyOf(e) === k);
    const by = isObject(entry.approvedBy) && typeof entry.approvedBy.contact === 'string' ? ` by ${entry.approvedBy.contact}` : '';
    if (i < 0) violations.push({ path: 'spec.approvals', message: `the ${approvalName(entry)}${by} is a record: it is never removed (domain.md §9, §11)` });
    else if (!sameApproval(list[i] as Json, entry)) violations.push({ path: `spec.approvals[${i}]`, message: `the ${approvalName(entry)}${by} is a record: it is never edited (domain.md §9, §11)` });
  }
  const schedule = scheduleToDomain(window);
  const approver = contactWithRole(id, 'ChangeApprover');
  list.forEach((entry, i) => {
    const k = keyOf(entry);
    if (k === undefined || old.has(k)) return;
    const path = `spec.approvals[${i}]`;
    if (restoring(request, id) && entry.approvedBy !== undefined && entry.approvedAt !== undefined) return; // a record restored as it was
    if (approver === undefined) {
      const tenantName = tenant === undefined ? `(no ManagedTenant in namespace '${namespace}')` : `ManagedTenant '${tenant.metadata.name}'`;
      const pending = id.pendingApprover.length > 0 ? ` (its grant as ${id.pendingApprover.join(', ')} awaits the confirmation of a ChangeApprover in force, status.approvers)` : '';
      const what = entry.year === undefined ? 'an occurrence' : 'a yearly patch plan (seed §5.8)';
      violations.push({ path: entry.year === undefined ? path : `${path}.year`, message: `${who} is not a ChangeApprover contact of ${tenantName}${pending}: only the client's ChangeApprover contacts approve ${what} (domain.md §11)` });
      return;
    }
    if (!window.spec.requiresClientApproval) {
      violations.push({ path, message: 'spec.requiresClientApproval is false: the window needs no approval' });
      return;
    }
    if (!same(entry.approvedBy, approverStamp(request.userInfo, approver.name))) {
      violations.push({ path: `${path}.approvedBy`, message: `stamped by the admission webhook with who approved (${id.username}, contact ${approver.name}), not written by hand` });
    }
    if (entry.scopeDigest !== windowScopeDigest(window.spec)) {
      violations.push({ path: `${path}.scopeDigest`, message: 'stamped by the admission webhook with the digest of the window approved, not written by hand' });
    }
    const at = entry.approvedAt === undefined ? Number.NaN : Date.parse(entry.approvedAt);
    if (Number.isNaN(at) || Math.abs(at - ctx.now.getTime()) > STAMP_TOLERANCE_MS) {
      violations.push({ path: `${path}.approvedAt`, message: 'stamped by the admission webhook with the time of the request, not written by hand' });
    }
    if (entry.year !== undefined) {
      // seed §5.8: a plan agreed for a year to come (or the current one, from now on: an
      // occurrence that started before the approval is not approved by it, maintenance.ts).
      const current = planYearOf(ctx.now, window.spec.timeZone);
      if (window.spec.purpose !== PATCH_PLAN_PURPOSE) violations.push({ path: `${path}.year`, message: `a yearly plan approves a ${PATCH_PLAN_PURPOSE} window only (seed §5.8); this one is ${window.spec.purpose}: approve it occurrence by occurrence` });
      else if (entry.year < current) violations.push({ path: `${path}.year`, message: `${entry.year} has ended (it is ${current} in ${window.spec.timeZone}): a plan is agreed for the current year or a later one (seed §5.8)` });
      return;
    }
    const at0 = entry.occurrence === undefined ? Number.NaN : Date.parse(entry.occurrence);
    if (schedule.ok && !isOccurrenceStart(schedule.value, new Date(at0))) {
      violations.push({ path: `${path}.occurrence`, message: `${entry.occurrence} is not the start of an occurrence of this window (status.nextOccurrences lists them)` });
    } else if (at0 <= ctx.now.getTime()) {
      violations.push({ path: `${path}.occurrence`, message: `the occurrence of ${entry.occurrence} has started: an occurrence is approved before it starts (domain.md §10, §11)` });
    }
  });
  return violations.length > 0 ? deny('Forbidden', violations) : undefined;
}
