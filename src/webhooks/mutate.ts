// The mutating hook: who wrote it, and when, comes from the admission request, never from the body
// (design.md §1, ownership.ts). On CREATE `Incident.spec.reporter` / `ChangeRequest.spec.requester`
// become the requesting user, and for a client the instant of the request becomes
// `Incident.spec.openedAt` / `ChangeRequest.spec.requestedAt` (a client cannot back-date); a
// client's `Incident.spec.closedAt` (its agreement) is the instant of the request too. On UPDATE
// every stamped field is put back to the stored value, whatever the body says, so a GitOps tool
// re-applying its manifest is accepted (the CEL rules `immutable` then have nothing to refuse).
// A new `ChangeRequest.spec.approval` gets `approvedBy` = the name of the requesting user's
// ChangeApprover contact and `scopeDigest` = the digest of the scope approved (the validating
// hook refuses a user who has none); an update that keeps the decision keeps the stored approval.
// A ManagedTenant gets the ChangeApprover grants in force and the contacts log (contacts.ts),
// whatever the body says; a confirmation of pending approvers is consumed when it matches.
// A client contact's closure stamps `Incident.spec.closedBy` (who agreed, domain.md §9). Every
// UPDATE of an Incident or a ChangeRequest appends its changes of the SLA fields to the trace
// annotation (records.ts: who, when, old → new), whatever the body says; so does every UPDATE of
// a Problem, and of a ServiceUnit its changes of `spec.backup` (the acceptance test: seed §5.10.3)
// and `spec.prerequisites`. A new `MaintenanceWindow.spec.approvals[]` entry gets `approvedBy` and
// `approvedAt` (approvals.ts). A new `Incident.spec.closureNotice` gets `sentBy` = the requesting user
// (who recorded the notice to the client, seed §5.3.2); once set it is kept. A standard
// ChangeRequest created in a namespace with a ChangeCatalog is priced from the item it names
// (issue 14 item 5): `spec.tokens` = the item's tokens and `spec.catalogStamp` = the catalogue's
// name, generation and the item's digest, whatever the body says; on UPDATE a stored stamp and
// its tokens are put back, and a stamp the body brings to an unstamped change is removed.
// (who recorded the notice to the client, seed §5.3.2); once set it is kept. An SLAClaim gets
// `filedBy`/`filedAt` on a client's filing and `answer.answeredBy`/`answeredAt` on the provider's
// answer (claims.ts), and the trace of its answer.
import {
  APPROVERS_ANNOTATION, CONFIRM_APPROVERS_ANNOTATION, CONTACTS_LOG_ANNOTATION, GROUP, HISTORY_ANNOTATION, approvalBinds, catalogItemDigest, catalogItemsToDomain, historyEntries, parseHistory,
  scopeDigest, type ScopedSpec, type TracedKind,
} from '../api/v1alpha1/index.ts';
import { CHANGE_CATEGORIES, type ChangeCategory } from '../domain/vocabulary.ts';
import { lookUpCatalogItem } from '../domain/catalog.ts';
import { ALLOW, pointer, type AdmissionRequest, type JsonPatchOp, type UserInfo, type Verdict } from './admission.ts';
import { addsWindowApproval, windowMutation } from './approvals.ts';
import { claimStamps } from './claims.ts';
import { contactsAnnotations, contactsOutcome, tenantVersions } from './contacts.ts';
import { actsForProvider, contactWithRole, identify, type IdentityConfig } from './identity.ts';
import { catalogOf, tenantOf, type TenantView } from './view.ts';

/** UserInfo.groups holds at most 32 entries (src/api/v1alpha1/common.ts). */
const MAX_GROUPS = 32;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function specOf(object: unknown): Json | undefined {
  return isObject(object) && isObject(object.spec) ? object.spec : undefined;
}

/** The stamp written for a user: name and groups as the API server authenticated them. */
export function stampOf(user: UserInfo): { username: string; groups?: string[] } {
  const groups = (user.groups ?? []).slice(0, MAX_GROUPS);
  return { username: user.username ?? '', ...(groups.length > 0 ? { groups } : {}) };
}

/** Whether this request needs the tenant (an approval, or a closure's contacts, to stamp): the server then waits for the caches. */
export function mutationNeedsTenant(request: AdmissionRequest): boolean {
  if (request.kind.group !== GROUP) return false;
  if (request.kind.kind === 'MaintenanceWindow') return addsWindowApproval(request);
  if (request.kind.kind === 'Incident') return request.operation === 'UPDATE' && specOf(request.object)?.closedAt !== undefined && specOf(request.oldObject)?.closedAt === undefined;
  if (request.kind.kind !== 'ChangeRequest') return false;
  // A standard change is priced from the namespace's catalogue at its creation (catalogPatch).
  if (request.operation === 'CREATE' && specOf(request.object)?.category !== 'NonStandard') return true;
  const approval = specOf(request.object)?.approval;
  return approval !== undefined && JSON.stringify(approval) !== JSON.stringify(specOf(request.oldObject)?.approval);
}

/** RFC 3339 in UTC, to the second: how stamps are written. */
export function stampTime(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** Puts `spec[field]` to `wanted` (removes it when undefined) unless it already is; `spec` then holds what the object will. */
function setField(patch: JsonPatchOp[], spec: Json, field: string, wanted: unknown): void {
  if (wanted === undefined) {
    if (field in spec) patch.push({ op: 'remove', path: pointer('spec', field) });
    Reflect.deleteProperty(spec, field);
  } else if (JSON.stringify(spec[field]) !== JSON.stringify(wanted)) {
    patch.push({ op: 'add', path: pointer('spec', field), value: wanted });
    spec[field] = wanted;
  }
}

/** `now` is the webhook's clock (the Manager's, injected). */
export function mutate(request: AdmissionRequest, view: TenantView, config: IdentityConfig, now: Date): Verdict {
  if (request.kind.group !== GROUP || (request.subResource ?? '') !== '') return ALLOW;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOW;
  const kind = request.kind.kind;
  if (kind === 'ManagedTenant') return tenantMutation(request, config, now);
  if (kind === 'Problem') return problemMutation(request, config, now);
  if (kind === 'ServiceUnit') return unitMutation(request, config, now);
  if (kind === 'MaintenanceWindow') return windowMutation(request, view, config, stampTime(now));
  if (kind === 'SLAClaim') return claimMutation(request, config, now);
  const field = kind === 'Incident' ? 'reporter' : kind === 'ChangeRequest' ? 'requester' : undefined;
  const body = specOf(request.object);
  if (field === undefined || body === undefined) return ALLOW;
  const spec: Json = structuredClone(body);
  const old = specOf(request.oldObject);
  const creating = request.operation === 'CREATE';
  const patch: JsonPatchOp[] = [];
  setField(patch, spec, field, creating ? stampOf(request.userInfo) : old?.[field]);
  // When: the request's instant for a client, what the provider side wrote otherwise; then kept.
  const client = !actsForProvider(identify(request.userInfo, undefined, config));
  const clock = kind === 'Incident' ? 'openedAt' : 'requestedAt';
  if (creating && client) setField(patch, spec, clock, stampTime(now));
  if (!creating && old?.[clock] !== undefined) setField(patch, spec, clock, old[clock]);
  if (kind === 'Incident') closurePatch(patch, request, spec, old, view, config, client, now);
  if (kind === 'Incident') closureNoticePatch(patch, request, spec, old, client);
  if (kind === 'ChangeRequest') catalogPatch(patch, request, spec, old, view);
  if (kind === 'ChangeRequest') approvalPatch(patch, request, spec, old, view, config);
  historyPatch(patch, request, kind === 'Incident' ? 'Incident' : 'ChangeRequest', spec, old, client, now);
  return patch.length > 0 ? { allowed: true, patch } : ALLOW;
}

/** A ServiceUnit: only its trace (its backup and prerequisites, records.ts TRACED_FIELDS). */
function unitMutation(request: AdmissionRequest, config: IdentityConfig, now: Date): Verdict {
  const body = specOf(request.object);
  if (body === undefined) return ALLOW;
  const patch: JsonPatchOp[] = [];
  const client = !actsForProvider(identify(request.userInfo, undefined, config));
  historyPatch(patch, request, 'ServiceUnit', body, specOf(request.oldObject), client, now);
  return patch.length > 0 ? { allowed: true, patch } : ALLOW;
}

/**
 * domain.md §9: closed after the client agrees. A client contact's closedAt is the instant of its
 * request, and closedBy who agreed (the user, the contacts it acts as); once set both are kept. A
 * provider's creation keeps what its record says (the validating hook asks for closedBy with closedAt).
 */
function closurePatch(patch: JsonPatchOp[], request: AdmissionRequest, spec: Json, old: Json | undefined, view: TenantView, config: IdentityConfig, client: boolean, now: Date): void {
  if (request.operation === 'CREATE') {
    if (client) setField(patch, spec, 'closedBy', undefined);
    return;
  }
  if (old?.closedAt !== undefined) {
    setField(patch, spec, 'closedAt', old.closedAt);
    setField(patch, spec, 'closedBy', old.closedBy);
    return;
  }
  if (spec.closedAt === undefined || !client) {
    setField(patch, spec, 'closedBy', old?.closedBy);
    return;
  }
  setField(patch, spec, 'closedAt', stampTime(now));
  const id = identify(request.userInfo, tenantOf(view, request.namespace ?? ''), config);
  const contacts = id.contacts.map((c) => c.name);
  setField(patch, spec, 'closedBy', { ...stampOf(request.userInfo), ...(contacts.length > 0 ? { contacts } : {}) });
}

/**
 * seed §5.3.2: who recorded the closure notice is the request's user (a new notice), never the
 * body's; a stored notice is kept whole. A provider's creation keeps what its record says.
 */
function closureNoticePatch(patch: JsonPatchOp[], request: AdmissionRequest, spec: Json, old: Json | undefined, client: boolean): void {
  if (isObject(old?.closureNotice)) {
    setField(patch, spec, 'closureNotice', old.closureNotice);
    return;
  }
  if (!isObject(spec.closureNotice)) return;
  if (request.operation === 'CREATE' && !client && spec.closureNotice.sentBy !== undefined) return;
  const sentBy = stampOf(request.userInfo);
  if (JSON.stringify(spec.closureNotice.sentBy) !== JSON.stringify(sentBy)) {
    patch.push({ op: 'add', path: pointer('spec', 'closureNotice', 'sentBy'), value: sentBy });
    spec.closureNotice.sentBy = sentBy;
  }
}

/** An SLAClaim (issue 13): its stamps (claims.ts) and the trace of its answer. */
function claimMutation(request: AdmissionRequest, config: IdentityConfig, now: Date): Verdict {
  const stamped = claimStamps(request, config, now);
  if (stamped === undefined) return ALLOW;
  const client = !actsForProvider(identify(request.userInfo, undefined, config));
  historyPatch(stamped.patch, request, 'SLAClaim', stamped.spec, specOf(request.oldObject), client, now);
  return stamped.patch.length > 0 ? { allowed: true, patch: stamped.patch } : ALLOW;
}

/** A Problem: the trace of its traced fields (records.ts), as for an Incident. */
function problemMutation(request: AdmissionRequest, config: IdentityConfig, now: Date): Verdict {
  const body = specOf(request.object);
  if (body === undefined) return ALLOW;
  const patch: JsonPatchOp[] = [];
  const client = !actsForProvider(identify(request.userInfo, undefined, config));
  historyPatch(patch, request, 'Problem', structuredClone(body), specOf(request.oldObject), client, now);
  return patch.length > 0 ? { allowed: true, patch } : ALLOW;
}

/**
 * The trace (records.ts): on UPDATE the stored trace plus this write's changes of the traced
 * fields (as the object will be, stamps included), by the requesting user at `now`; on CREATE a
 * client's body brings none, the provider's is kept (a record restored). Whatever the body says.
 */
function historyPatch(patch: JsonPatchOp[], request: AdmissionRequest, kind: TracedKind, spec: Json, old: Json | undefined, client: boolean, now: Date): void {
  const metadata = isObject(request.object) && isObject(request.object.metadata) ? request.object.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : undefined;
  const current = annotations?.[HISTORY_ANNOTATION];
  let wanted: string | undefined;
  if (request.operation === 'CREATE') {
    wanted = client ? undefined : typeof current === 'string' ? current : undefined;
  } else {
    const oldMeta = isObject(request.oldObject) && isObject(request.oldObject.metadata) ? request.oldObject.metadata : {};
    const storedText = isObject(oldMeta.annotations) ? oldMeta.annotations[HISTORY_ANNOTATION] : undefined;
    const stored = parseHistory(typeof storedText === 'string' ? storedText : undefined) ?? [];
    const by = request.userInfo.username ?? '';
    const entries = historyEntries(kind, old ?? {}, spec).map((e) => ({ at: stampTime(now), by, ...e }));
    wanted = stored.length === 0 && entries.length === 0 ? undefined : JSON.stringify([...stored, ...entries]);
  }
  if (wanted === current) return;
  if (wanted === undefined) {
    patch.push({ op: 'remove', path: pointer('metadata', 'annotations', HISTORY_ANNOTATION) });
  } else if (annotations === undefined) {
    patch.push({ op: 'add', path: pointer('metadata', 'annotations'), value: { [HISTORY_ANNOTATION]: wanted } });
  } else {
    patch.push({ op: 'add', path: pointer('metadata', 'annotations', HISTORY_ANNOTATION), value: wanted });
  }
}

const isCategory = (v: unknown): v is ChangeCategory => typeof v === 'string' && (CHANGE_CATEGORIES as readonly string[]).includes(v);

/**
 * issue 14 item 5: the price of a standard change is its catalogue item's, stamped at creation
 * (seed §10: the price of a standard change is defined and known to the client; domain.md §8:
 * the provider's records prevail, so a later edit of the catalogue reprices nothing). An item
 * unknown or of the other category is left unstamped: the validating hook refuses it, naming the
 * field. Without a catalogue the change keeps what it says (GitOps order; the controller prices it).
 */
function catalogPatch(patch: JsonPatchOp[], request: AdmissionRequest, spec: Json, old: Json | undefined, view: TenantView): void {
  if (request.operation === 'UPDATE') {
    if (old?.catalogStamp === undefined) {
      setField(patch, spec, 'catalogStamp', undefined);
      return;
    }
    setField(patch, spec, 'catalogStamp', old.catalogStamp);
    setField(patch, spec, 'tokens', old.tokens);
    return;
  }
  const category = spec.category;
  const catalog = catalogOf(view, request.namespace ?? '');
  const item = typeof spec.catalogItem === 'string' ? spec.catalogItem : undefined;
  const found = catalog === undefined || !isCategory(category) || category === 'NonStandard' ? undefined : lookUpCatalogItem({ category, catalogItem: item }, catalogItemsToDomain(catalog));
  if (catalog === undefined || found?.ok !== true) {
    setField(patch, spec, 'catalogStamp', undefined);
    return;
  }
  setField(patch, spec, 'tokens', found.item.tokens);
  setField(patch, spec, 'catalogStamp', { catalog: catalog.metadata.name, generation: catalog.metadata.generation ?? 1, digest: catalogItemDigest(found.item) });
}

function approvalPatch(patch: JsonPatchOp[], request: AdmissionRequest, spec: Json, old: Json | undefined, view: TenantView, config: IdentityConfig): void {
  if (!isObject(spec.approval)) return;
  const stored = old?.approval;
  // The same decision again (a re-apply, an edit of other fields): the stored approval stays as it is.
  if (isObject(stored) && stored.decision === spec.approval.decision && approvalBinds(old as unknown as ScopedSpec & { approval: { scopeDigest?: string } })) {
    setField(patch, spec, 'approval', stored);
    return;
  }
  if (!mutationNeedsTenant(request)) return;
  const id = identify(request.userInfo, tenantOf(view, request.namespace ?? ''), config);
  const approver = contactWithRole(id, 'ChangeApprover');
  if (approver === undefined) return; // the validating hook refuses it
  if (spec.approval.approvedBy !== approver.name) {
    patch.push({ op: 'add', path: pointer('spec', 'approval', 'approvedBy'), value: approver.name });
    spec.approval.approvedBy = approver.name;
  }
  const digest = scopeDigest(spec as unknown as ScopedSpec);
  if (spec.approval.scopeDigest !== digest) {
    patch.push({ op: 'add', path: pointer('spec', 'approval', 'scopeDigest'), value: digest });
    spec.approval.scopeDigest = digest;
  }
}

/** The approvers' annotations of a tenant (contacts.ts), put where the body has them or not. */
function tenantMutation(request: AdmissionRequest, config: IdentityConfig, now: Date): Verdict {
  const versions = tenantVersions(request);
  if (versions === undefined) return ALLOW; // the validating hook reports the body
  const outcome = contactsOutcome(versions.old, versions.next, request.userInfo, config, versions.next.metadata.annotations?.[CONFIRM_APPROVERS_ANNOTATION]);
  const wanted = contactsAnnotations(outcome, stampTime(now));
  const metadata = isObject(request.object) && isObject(request.object.metadata) ? request.object.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : undefined;
  const patch: JsonPatchOp[] = [];
  if (annotations === undefined) {
    patch.push({ op: 'add', path: pointer('metadata', 'annotations'), value: { [APPROVERS_ANNOTATION]: wanted.approvers, [CONTACTS_LOG_ANNOTATION]: wanted.log } });
    return { allowed: true, patch };
  }
  for (const [key, value] of [[APPROVERS_ANNOTATION, wanted.approvers], [CONTACTS_LOG_ANNOTATION, wanted.log]] as const) {
    if (annotations[key] !== value) patch.push({ op: 'add', path: pointer('metadata', 'annotations', key), value });
  }
  // A confirmation that did its work is consumed; one that did not stays for the validating hook to refuse.
  if (outcome.confirmed && CONFIRM_APPROVERS_ANNOTATION in annotations) patch.push({ op: 'remove', path: pointer('metadata', 'annotations', CONFIRM_APPROVERS_ANNOTATION) });
  return patch.length > 0 ? { allowed: true, patch } : ALLOW;
}
