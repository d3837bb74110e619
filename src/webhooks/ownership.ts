// Who owns which field (issue 19): the one table of field ownership for Incident and
// ChangeRequest, and the admission checks that enforce it, with the rules of who may delete our
// objects, where they may live, and who finalizes an SLA report. docs/security.md renders the
// same table (ownership.test.ts keeps the two equal). The CRD's CEL transition rules hold what
// can be said without the user (immutable fields, frozen once closed or completed); the rest is
// here, because only the admission request says who is asking.
//
// Parties: the operator (its own identity), the provider (a provider group), the client (a named
// contact of the tenant; rules.ts has already checked the contact's role). A stamped field is
// written by the mutating hook (mutate.ts) from the request, whatever the body says.
import { DateTime } from 'luxon';
import {
  ChangeRequest as ChangeRequestSchema, GROUP, Incident as IncidentSchema, KINDS, approvalBinds, calendarToDomain,
  type ChangeRequest, type ChangeRequestSpec, type Incident, type IncidentSpec,
} from '../api/v1alpha1/index.ts';
import { DEFAULT_CALENDAR } from '../domain/calendar.ts';
import { REPORT_FINAL_GRACE_HOURS } from '../domain/report.ts';
import { deny, type AdmissionRequest, type Verdict, type Violation } from './admission.ts';
import { describeUser, identify, type Identity, type IdentityConfig } from './identity.ts';
import { deletionVerdict, finalizerViolation, historyViolations } from './records.ts';
import { STAMP_TOLERANCE_MS, tenantOf, type RuleContext } from './view.ts';

export type Party = 'Operator' | 'Provider' | 'Client';
const ALL: readonly Party[] = ['Operator', 'Provider', 'Client'];
const PROVIDER_SIDE: readonly Party[] = ['Operator', 'Provider'];
const NOBODY: readonly Party[] = [];

/** The parties a user acts as: the operator and/or the provider (the local admin of `managedapps dev` is both), else the client. */
export function partiesOf(id: Identity): readonly Party[] {
  const out: Party[] = [];
  if (id.operator) out.push('Operator');
  if (id.provider) out.push('Provider');
  return out.length > 0 ? out : ['Client'];
}

type Parties<S> = readonly Party[] | ((spec: S) => readonly Party[]);

/** One row of the table. */
export interface FieldOwnership<S> {
  /** The field, as messages and docs name it. */
  readonly field: string;
  readonly read: (object: { readonly metadata: { readonly ownerReferences?: unknown }; readonly spec: S }) => unknown;
  /** The value nobody has to own: absent, or the CRD's default. */
  readonly initial?: unknown;
  /** Who may give it another value than `initial` on creation (judged on the new object). */
  readonly create: Parties<S>;
  /** Who may change it afterwards (judged on the stored object). */
  readonly update: Parties<S>;
  /** Once true of the stored object, nobody changes the field any more. */
  readonly frozen?: { readonly when: string; readonly test: (spec: S) => boolean };
  /** What the mutating hook writes into it, whatever the body says. */
  readonly stamped?: string;
}

const closed = { when: 'the incident is closed (spec.closedAt)', test: (s: IncidentSpec) => s.closedAt !== undefined } as const;
const closedOnceSet = { when: 'it is set', test: (s: IncidentSpec) => s.closedAt !== undefined } as const;

/** Incident: reported by the client or the provider, opened by monitoring (the operator); resolved, analysed and excluded by the provider; closed by the client's agreement (domain.md §9). */
export const INCIDENT_OWNERSHIP: readonly FieldOwnership<IncidentSpec>[] = [
  { field: 'spec.unitRefs', read: (o) => o.spec.unitRefs, create: ALL, update: PROVIDER_SIDE, frozen: closed },
  { field: 'spec.priority', read: (o) => o.spec.priority, create: ALL, update: PROVIDER_SIDE, frozen: closed },
  { field: 'spec.summary', read: (o) => o.spec.summary, create: ALL, update: PROVIDER_SIDE, frozen: closed },
  { field: 'spec.description', read: (o) => o.spec.description, create: ALL, update: PROVIDER_SIDE, frozen: closed },
  { field: 'spec.detection', read: (o) => o.spec.detection, initial: 'Client', create: ['Operator'], update: NOBODY },
  { field: 'spec.openedAt', read: (o) => o.spec.openedAt, create: ALL, update: NOBODY, stamped: 'the time of the request, when a client reports the incident' },
  { field: 'spec.resolvedAt', read: (o) => o.spec.resolvedAt, create: ['Provider'], update: PROVIDER_SIDE, frozen: closed },
  { field: 'spec.cause', read: (o) => o.spec.cause, initial: 'Unknown', create: ['Provider'], update: ['Provider'], frozen: closed },
  { field: 'spec.exclusions', read: (o) => o.spec.exclusions, create: ['Provider'], update: ['Provider'], frozen: closed },
  // seed §9.10: that a declined patch campaign caused the incident is the provider's finding, as its cause is.
  { field: 'spec.declinedPatchRef', read: (o) => o.spec.declinedPatchRef, create: ['Provider'], update: ['Provider'], frozen: closed },
  // issue 13 (seed §8.4.4 c–d, §5.11.5): the time the provider spent is its own record, billed on the statement.
  { field: 'spec.workMinutes', read: (o) => o.spec.workMinutes, create: ['Provider'], update: ['Provider'], frozen: closed },
  // On creation, the provider records a past incident as it was (its records prevail, domain.md
  // §8; GitOps re-creates them); closing an open one is the client's agreement.
  { field: 'spec.closedAt', read: (o) => o.spec.closedAt, create: ['Provider'], update: ['Client'], frozen: closedOnceSet, stamped: 'the time of the request (the client agrees now)' },
  { field: 'spec.closedBy', read: (o) => o.spec.closedBy, create: ['Provider'], update: ['Client'], frozen: closedOnceSet, stamped: 'the requesting user and the contacts it acts as, when a client contact closes' },
  { field: 'spec.reporter', read: (o) => o.spec.reporter, create: ALL, update: NOBODY, stamped: 'the requesting user on creation; kept on updates' },
  // seed §5.3.2: the provider notifies the closure to the client, once the service is restored; recorded once.
  { field: 'spec.closureNotice', read: (o) => o.spec.closureNotice, create: ['Provider'], update: ['Provider'], frozen: { when: 'it is set', test: (s) => s.closureNotice !== undefined }, stamped: 'sentBy: the requesting user, when the notice is recorded' },
  { field: 'metadata.ownerReferences', read: (o) => o.metadata.ownerReferences, create: PROVIDER_SIDE, update: PROVIDER_SIDE },
];

/**
 * domain.md §9, closed after the client agrees: a client closing must be a named contact of the
 * tenant, its closedBy is its own stamp (the mutating hook writes it); a closed record the
 * provider creates carries who agreed, as recorded.
 */
export function closureViolations(id: Identity, next: Incident, before: Incident | undefined, who: string): Violation[] {
  const closing = next.spec.closedAt !== undefined && before?.spec.closedAt === undefined;
  if (!closing) return [];
  if (before === undefined) {
    return next.spec.closedBy === undefined && partiesOf(id).includes('Provider')
      ? [{ path: 'spec.closedBy', message: 'a closed incident records who of the client agreed to close it (domain.md §9): give spec.closedBy as recorded with spec.closedAt' }]
      : [];
  }
  if (!partiesOf(id).includes('Client')) return []; // the table refuses the provider's closure
  if (id.contacts.length === 0) return [{ path: 'spec.closedAt', message: `only a named contact of the tenant agrees to close an incident (domain.md §9); ${who} is not one (spec.contacts)` }];
  const by = next.spec.closedBy;
  const contacts = id.contacts.map((c) => c.name);
  if (by?.username !== id.username || JSON.stringify(by.contacts ?? []) !== JSON.stringify(contacts)) {
    return [{ path: 'spec.closedBy', message: `stamped by the admission webhook with who agreed (${id.username}, contact ${contacts.join(', ')}), not written by hand` }];
  }
  return [];
}

/** What stops the GTC clock is the provider's; so is the price of a change outside the catalogue. */
const isQuoted = (s: ChangeRequestSpec): boolean => s.category === 'NonStandard';

/** The side that edits the requester's fields: the client (or the provider for it) for a client change; the provider alone for its own changes. */
const requesterSide = (s: ChangeRequestSpec): readonly Party[] => (s.initiator === 'Provider' ? ['Provider'] : ['Provider', 'Client']);

/**
 * The change is decided: no longer awaiting the provider's validation (a non-standard change)
 * or the client's approval (a provider change), i.e. accepted, rejected, refused or completed
 * (the phases of controllers/change/status.ts, read from the spec). A provider change related
 * to a P1 incident needs no prior approval, but the webhook does not read incidents: it stays
 * editable by the provider until it is completed.
 */
export function changeDecided(s: ChangeRequestSpec): boolean {
  if (s.completedAt !== undefined) return true;
  if (s.category === 'NonStandard') {
    if (s.validation === undefined) return false;
    if (s.validation.decision === 'Refused') return true;
  }
  if (s.initiator === 'Provider') return s.approval !== undefined && approvalBinds(s);
  return true;
}

const decided = { when: 'the change is accepted, rejected or refused', test: changeDecided } as const;
const completed = { when: 'the change is completed (spec.completedAt)', test: (s: ChangeRequestSpec) => s.completedAt !== undefined } as const;
const requesterField = (field: keyof ChangeRequestSpec, initial?: unknown): FieldOwnership<ChangeRequestSpec> => ({
  field: `spec.${field}`, read: (o) => o.spec[field], ...(initial === undefined ? {} : { initial }), create: ['Provider', 'Client'], update: requesterSide, frozen: decided,
});

/** ChangeRequest: the requester's request, the client's approval, the provider's quote, validation and completion (domain.md §7, §10). */
export const CHANGE_OWNERSHIP: readonly FieldOwnership<ChangeRequestSpec>[] = [
  requesterField('unitRefs'),
  requesterField('category'),
  requesterField('catalogItem'),
  requesterField('summary'),
  requesterField('description'),
  requesterField('accelerated', false),
  requesterField('outsideBusinessHours', false),
  // seed Table 1: whether the change is a release is the requester's; immutable besides (CEL, change-request.ts).
  requesterField('release', false),
  // seed §5.9.2: a patch campaign is the provider's (initiator Provider, CEL); immutable besides.
  requesterField('patch'),
  requesterField('relatedIncident'),
  {
    field: 'spec.tokens', read: (o) => o.spec.tokens,
    create: (s) => (isQuoted(s) ? ['Provider'] : ['Provider', 'Client']),
    update: (s) => (isQuoted(s) ? ['Provider'] : requesterSide(s)), frozen: decided,
    stamped: 'the catalogue item\'s tokens, when a standard change is created in a namespace with a ChangeCatalog (then fixed: spec.catalogStamp)',
  },
  // issue 14 item 5: the catalogue terms a standard change was priced with (change-catalog.ts).
  { field: 'spec.catalogStamp', read: (o) => o.spec.catalogStamp, create: ALL, update: NOBODY, stamped: 'the ChangeCatalog\'s name, generation and the item\'s digest, on creation; kept on updates' },
  { field: 'spec.initiator', read: (o) => o.spec.initiator, initial: 'Client', create: ['Provider'], update: NOBODY },
  { field: 'spec.requestedAt', read: (o) => o.spec.requestedAt, create: ['Provider', 'Client'], update: NOBODY, stamped: 'the time of the request, when a client requests the change' },
  {
    // Who approves is a role, not a party: rules.ts admits a ChangeApprover contact only, on
    // creation too (the local admin of `managedapps dev` may be one, as provider and operator).
    field: 'spec.approval', read: (o) => o.spec.approval, create: ALL, update: ALL,
    frozen: { when: 'a decision is made (final, unless a change of the scope voided it)', test: (s) => s.approval !== undefined && approvalBinds(s) },
    stamped: 'approvedBy (the approver\'s contact) and scopeDigest (what is approved)',
  },
  { field: 'spec.validation', read: (o) => o.spec.validation, create: ['Provider'], update: ['Provider'], frozen: completed },
  // domain.md §10: periods where the commitment does not apply are the provider's to record, as an incident's.
  { field: 'spec.exclusions', read: (o) => o.spec.exclusions, create: ['Provider'], update: ['Provider'], frozen: completed },
  // issue 14 item 3: the operator records the completion of a change its runbook's Job carried out (the Job's completionTime).
  { field: 'spec.completedAt', read: (o) => o.spec.completedAt, create: ['Provider'], update: ['Provider', 'Operator'], frozen: { when: 'it is set', test: (s) => s.completedAt !== undefined } },
  { field: 'spec.requester', read: (o) => o.spec.requester, create: ['Provider', 'Client'], update: NOBODY, stamped: 'the requesting user on creation; kept on updates' },
  // issue 14 item 3: what the operator runs in the tenant is the provider's to write (a client's
  // change gets its runbook from the provider); part of the approved scope (change-scope.ts).
  { field: 'spec.runbook', read: (o) => o.spec.runbook, create: ['Provider'], update: ['Provider'], frozen: completed },
  { field: 'metadata.ownerReferences', read: (o) => o.metadata.ownerReferences, create: PROVIDER_SIDE, update: PROVIDER_SIDE },
];

const ownersOf = <S>(p: Parties<S>, spec: S): readonly Party[] => (typeof p === 'function' ? p(spec) : p);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const list = (parties: readonly Party[]): string => (parties.length === 0 ? 'nobody' : parties.map((p) => p.toLowerCase()).join(' or '));

/** The violations of `table` by a user acting as `parties` for this write: a field given a value it may not give, or changed when it may not. */
export function fieldViolations<S>(
  table: readonly FieldOwnership<S>[], parties: readonly Party[], who: string,
  next: { readonly metadata: { readonly ownerReferences?: unknown }; readonly spec: S },
  old: { readonly metadata: { readonly ownerReferences?: unknown }; readonly spec: S } | undefined,
): Violation[] {
  const out: Violation[] = [];
  const as = parties.map((p) => p.toLowerCase()).join(', ');
  const may = (allowed: readonly Party[]): boolean => parties.some((p) => allowed.includes(p));
  for (const row of table) {
    const value = row.read(next);
    if (old === undefined) {
      const allowed = ownersOf(row.create, next.spec);
      if (!same(value, row.initial) && !may(allowed)) {
        out.push({ path: row.field, message: `set by ${list(allowed)} only; ${who} (${as}) may not set it` });
      }
      continue;
    }
    if (same(row.read(old), value)) continue;
    if (row.frozen?.test(old.spec) === true) {
      out.push({ path: row.field, message: `frozen once ${row.frozen.when}: nobody changes it` });
      continue;
    }
    const allowed = ownersOf(row.update, old.spec);
    if (!may(allowed)) out.push({ path: row.field, message: `changed by ${list(allowed)} only; ${who} (${as}) may not change it` });
  }
  return out;
}

export { STAMP_TOLERANCE_MS } from './view.ts';

function stampViolation(field: string, value: string, now: Date): Violation | undefined {
  const at = new Date(value).getTime();
  if (Math.abs(at - now.getTime()) <= STAMP_TOLERANCE_MS) return undefined;
  return { path: field, message: `a client's request is dated by the webhook, at the time of the request (${DateTime.fromJSDate(now).toUTC().toISO({ suppressMilliseconds: true })}), not ${value}: a client cannot back-date` };
}

/** Field ownership of an Incident or a ChangeRequest write (CREATE or UPDATE of the main resource), after rules.ts admitted the user; a ServiceUnit's trace. */
export function ownershipVerdict(request: AdmissionRequest, ctx: RuleContext): Verdict | undefined {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return undefined;
  const kind = request.kind.kind;
  const id = identify(request.userInfo, tenantOf(ctx.view, request.namespace ?? ''), ctx.identity);
  // A unit's trace (its backup's acceptance test and its prerequisites, issue 15 item 3) and a
  // Problem's (the provider's problem management; RBAC: clients read it): the mutating hook's only.
  if (kind === 'ServiceUnit' || kind === 'Problem' || kind === 'SLAClaim') {
    const trace = historyViolations(request, id, ctx.now);
    return trace.length > 0 ? deny('Forbidden', trace) : undefined;
  }
  if (kind !== 'Incident' && kind !== 'ChangeRequest') return undefined;
  const parties = partiesOf(id);
  const client = parties.includes('Client');
  const who = describeUser(id);
  const violations: Violation[] = [];
  if (kind === 'Incident') {
    const next = IncidentSchema.safeParse(request.object);
    if (!next.success) return undefined; // rules.ts reports it
    const old = request.operation === 'UPDATE' ? IncidentSchema.safeParse(request.oldObject) : undefined;
    const before: Incident | undefined = old?.success === true ? old.data : undefined;
    violations.push(...fieldViolations(INCIDENT_OWNERSHIP, parties, who, next.data, before));
    violations.push(...closureViolations(id, next.data, before, who));
    if (before === undefined && client) {
      const stamp = stampViolation('spec.openedAt', next.data.spec.openedAt, ctx.now);
      if (stamp !== undefined) violations.push(stamp);
    }
  } else {
    const next = ChangeRequestSchema.safeParse(request.object);
    if (!next.success) return undefined;
    const old = request.operation === 'UPDATE' ? ChangeRequestSchema.safeParse(request.oldObject) : undefined;
    const before: ChangeRequest | undefined = old?.success === true ? old.data : undefined;
    violations.push(...fieldViolations(CHANGE_OWNERSHIP, parties, who, next.data, before));
    if (before === undefined && client) {
      const stamp = stampViolation('spec.requestedAt', next.data.spec.requestedAt, ctx.now);
      if (stamp !== undefined) violations.push(stamp);
    }
  }
  violations.push(...historyViolations(request, id, ctx.now));
  return violations.length > 0 ? deny('Forbidden', violations) : undefined;
}

// ---- where our kinds live, who deletes them, who finalizes a report --------------------------

/** The namespace of the operator's ServiceAccount, from its user name (`system:serviceaccount:<ns>:<name>`); undefined for another kind of user (the local admin of `managedapps dev`). */
export function operatorNamespaceOf(config: IdentityConfig): string | undefined {
  const parts = config.operatorUsername.split(':');
  return parts.length === 4 && parts[0] === 'system' && parts[1] === 'serviceaccount' && parts[2] !== '' ? parts[2] : undefined;
}

/** Not tenants: our kinds are refused there (a namespace is one client tenant, design.md §1). */
export function reservedNamespaces(config: IdentityConfig): readonly string[] {
  const own = operatorNamespaceOf(config);
  return ['kube-system', ...(own === undefined ? [] : [own])];
}

/**
 * The control plane's own deleters: the namespace controller empties a namespace being deleted,
 * the garbage collector deletes what an owner deletion cascades to (reports of a deleted
 * contract). As service accounts (kubeadm's --use-service-account-credentials) or as the
 * controller manager's own user.
 */
export const SYSTEM_DELETERS: readonly string[] = [
  'system:serviceaccount:kube-system:namespace-controller',
  'system:serviceaccount:kube-system:generic-garbage-collector',
  'system:kube-controller-manager',
];

/** Who deletes each of our kinds: the records the contract relies on are the provider's and the operator's to remove, nobody else's (domain.md §9: records are kept). */
export const DELETERS: readonly Party[] = ['Operator', 'Provider'];

interface Meta { readonly metadata?: { readonly deletionTimestamp?: string; readonly name?: string } }
const metaOf = (o: unknown): Meta['metadata'] => (typeof o === 'object' && o !== null ? (o as Meta).metadata : undefined);

/**
 * Where and by whom, before any rule of a kind: our kinds are refused in kube-system and the
 * operator's namespace (an object already there may still be deleted, and have its finalizers
 * removed); only the provider side and the control plane delete; an SLAReport's status is the
 * operator's, and `final` only once the month's end plus the grace period has passed.
 */
export function scopeVerdict(request: AdmissionRequest, ctx: RuleContext): Verdict | undefined {
  if (request.kind.group !== GROUP) return undefined;
  const namespace = request.namespace ?? '';
  const id = identify(request.userInfo, undefined, ctx.identity);
  const sub = request.subResource ?? '';
  if (reservedNamespaces(ctx.identity).includes(namespace) && (request.operation === 'CREATE' || request.operation === 'UPDATE')) {
    const deleting = request.operation === 'UPDATE' && metaOf(request.oldObject)?.deletionTimestamp !== undefined;
    if (!deleting) {
      return deny('Forbidden', [{ path: 'metadata.namespace', message: `namespace '${namespace}' is not a tenant (kube-system and the operator's namespace): no ${request.kind.kind} here` }]);
    }
  }
  if (request.operation === 'DELETE') {
    // The control plane's deleters are not refused (they would retry for ever): the retention
    // finalizer holds what they delete early. The provider side's deletes meet the records rules.
    if (SYSTEM_DELETERS.includes(id.username)) return undefined;
    if (id.breakGlass || partiesOf(id).some((p) => DELETERS.includes(p))) return deletionVerdict(request, ctx, id);
    return deny('Forbidden', [{
      path: 'metadata',
      message: `${describeUser(id)} may not delete ${request.kind.kind} '${request.name ?? metaOf(request.oldObject)?.name ?? ''}': the provider and the operator delete our records, nobody else (domain.md §9: records are kept)`,
    }]);
  }
  const finalizer = finalizerViolation(request, ctx, id);
  if (finalizer !== undefined) return deny('Forbidden', [finalizer]);
  if (request.kind.kind === 'SLAReport' && sub === 'status' && request.operation === 'UPDATE') return reportStatusVerdict(request, ctx, id);
  return undefined;
}

interface ReportLike { readonly spec?: { readonly month?: string }; readonly status?: { readonly final?: boolean; readonly seal?: { readonly sha256?: string; readonly previous?: string } } }

/** The latest time zone (UTC−12): without the tenant, the month ends there last. */
const LATEST_ZONE = 'Etc/GMT+12';

/** When the report of `month` may become final: the month's end in the tenant's time zone plus the grace period (design.md §3). */
export function finalAllowedAt(month: string, timeZone: string, gracePeriodMs = REPORT_FINAL_GRACE_HOURS * 3_600_000): Date {
  const end = DateTime.fromISO(`${month}-01`, { zone: timeZone }).startOf('month').plus({ months: 1 });
  return new Date(end.toMillis() + gracePeriodMs);
}

function reportStatusVerdict(request: AdmissionRequest, ctx: RuleContext, id: Identity): Verdict | undefined {
  if (!id.operator) {
    return deny('Forbidden', [{ path: 'status', message: `an SLAReport's status is written by the operator only (design.md §1); ${describeUser(id)} may read it` }]);
  }
  const next = request.object as ReportLike | undefined;
  const old = request.oldObject as ReportLike | undefined;
  // design.md §3 "Seals": the seal is the operator's (above), written with `final` and never changed.
  const seal = next?.status?.seal;
  const oldSeal = old?.status?.seal;
  if (oldSeal !== undefined && (seal?.sha256 !== oldSeal.sha256 || seal?.previous !== oldSeal.previous)) {
    return deny('Forbidden', [{ path: 'status.seal', message: 'the seal of a final report never changes' }]);
  }
  if (seal !== undefined && next?.status?.final !== true) {
    return deny('Forbidden', [{ path: 'status.seal', message: 'only a final report is sealed' }]);
  }
  if (next?.status?.final !== true || old?.status?.final === true) return undefined;
  const month = next.spec?.month ?? '';
  const tenant = tenantOf(ctx.view, request.namespace ?? '');
  const calendar = tenant === undefined ? undefined : calendarToDomain(tenant);
  const zone = calendar?.ok === true ? calendar.value.timeZone : tenant === undefined ? LATEST_ZONE : DEFAULT_CALENDAR.timeZone;
  const at = finalAllowedAt(month, zone);
  if (Number.isNaN(at.getTime()) || ctx.now.getTime() < at.getTime()) {
    return deny('Forbidden', [{ path: 'status.final', message: `the report of ${month} becomes final at ${DateTime.fromJSDate(at).toUTC().toISO({ suppressMilliseconds: true }) ?? '?'} (the month's end in ${zone} plus ${REPORT_FINAL_GRACE_HOURS} h), not before` }]);
  }
  return undefined;
}

/**
 * What the API server sends the hooks (webhookConfigurations() in certs.ts writes them): the
 * mutating hook stamps tenants, incidents and changes on CREATE and UPDATE; the validating hook sees every
 * write of our kinds, DELETE included, and the status of SLAReports (its `final`).
 */
export const ADMISSION_RULES = {
  // serviceunits: the trace of their backup and prerequisites (issue 15 item 3, records.ts TRACED_FIELDS).
  // maintenancewindows: the stamps of the client's approvals of occurrences (issue 14, approvals.ts).
  // slaclaims: who filed and answered, and when (issue 13, claims.ts).
  // Every kind: the shard label (--shards, shard.ts); the kinds without a stamp of their own are otherwise allowed as they are.
  mutate: { operations: ['CREATE', 'UPDATE'], resources: KINDS.map((k) => k.plural) },
  validate: { operations: ['CREATE', 'UPDATE', 'DELETE'], resources: [...KINDS.map((k) => k.plural), 'slareports/status'] },
} as const;
