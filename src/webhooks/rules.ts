// The validating hook's decisions: the cross-object rules of design.md §1, decided from the
// request and a read-only view of the tenant's objects (the Manager's caches). Pure apart from
// the view: `now` is a parameter. The same conversions (toDomain) and domain rules as the
// controllers, which re-check every rule as a condition (GitOps applies in any order and a
// controller never trusts that this hook ran).
//
// Per kind, in order (each answer names the field):
//   every kind       the object parses (zod schema of the kind) and converts (toDomain)
//   ManagedTenant    one per namespace; edited by the provider or a ChangeApprover in force
//                    (contacts only); the approvers' annotations as the mutating hook wrote them
//   SupportContract  subscribed-level prerequisites (domain.md §2); the dated terms' rules
//                    (domain.md §3: the schema's refinements, and terms.ts: an entry in force
//                    is never edited or removed)
//   ServiceUnit      one unit per target (domain.md §1; names compared case-insensitively); no
//                    dependency cycle, no dependency on a NoBuild unit (domain.md §2); its level
//                    is subscribed by the contract, and its family's prerequisites (RDS ⇒
//                    ActiveDirectory); an ActiveDirectory unit names the tenant's one domain
//                    (fewer than 2 VMs is only flagged: the second unit may come later); backup
//                    per level and scope (toDomain, domain.md §12); its probe does not point at
//                    the cluster's API or the operator (SSRF)
//   Incident         creator: operator, provider, or an IncidentReporter contact; a new
//                    spec.declinedPatchRef names a patch campaign the client declined before the
//                    incident opened (a change not applied yet is GitOps order, not refused)
//   ChangeRequest    creator/editor: operator, provider, or a ChangeRequester contact; only the
//                    provider side writes `initiator: Provider`; an approval is given by a
//                    ChangeApprover contact; at most N accelerated changes a calendar year;
//                    a restore (catalogItem backup-restore) only on units with a backup policy;
//                    a release (spec.release) only on Application units (seed Table 1);
//                    a patch campaign (spec.patch) only on OS, Database, Middleware units (seed §5.9.2)
//   MaintenanceWindow  the schedule expands; the provider's, but for spec.approvals: appended by a
//                    ChangeApprover contact (stamped), for an occurrence not started yet, never
//                    edited or removed (approvals.ts)
//   Problem          links the incidents of its own namespace only (spec.incidentRefs[].namespace)
//   ChangeCatalog    one per namespace; each item's tokens fit its category (RBAC: the provider's)
//                    (issue 14 item 5). A standard ChangeRequest created where a catalogue is
//                    names one of its items, of its category (spec.catalogItem, spec.category);
//                    where none is yet, it is admitted unpriced (GitOps order: the controller's
//                    Valid=False CatalogItemUnknown until the catalogue comes)
//   SLAClaim         filed by an SLAClaimer contact for the namespace's contract, a month over
//                    whose report is final, within its claim deadline, for the month's tickets;
//                    answered by the provider side only (claims.ts)
//   SLAReport        written by the operator only; on create, for an existing contract and a month
//                    from the contract's start month to the current one (tenant time zone)
// and, before them, where and by whom (ownership.ts scopeVerdict: reserved namespaces, DELETE,
// an SLAReport's status), after them who owns each field (ownership.ts ownershipVerdict).
import type { z } from 'zod';
import {
  calendarToDomain, catalogItemsToDomain, catalogToDomain, changeToDomain, contractToDomain, fieldErrors, incidentToDomain, patchCampaignOf, problemToDomain, scheduleToDomain, unitFamily, unitToDomain,
  type ChangeRequest, type Conversion, type FieldError, type KindName, type ManagedTenant, type ServiceUnit,
  RESOURCE_SCHEMAS, GROUP, backupCheckInternalErrors, internalTargetErrors,
} from '../api/v1alpha1/index.ts';
import { DEFAULT_CALENDAR, monthOf } from '../domain/calendar.ts';
import { restoreProblems } from '../domain/backup.ts';
import { declinedPatchProblem, patchProblems, resolveDeclinedPatch } from '../domain/patching.ts';
import { lookUpCatalogItem } from '../domain/catalog.ts';
import { runbookProblems } from '../api/v1alpha1/runbook.ts';
import { releaseProblems } from '../domain/releases.ts';
import {
  activeDirectoryViolations, dependencyCycle, findTargetConflicts, missingLevelPrerequisites, targetKey, type Subscribable, type Target, type TargetClaim,
} from '../domain/levels.ts';
import { MAX_ACCELERATED_CHANGES_PER_YEAR } from '../domain/limits.ts';
import { acceleratedDecisions, type AcceleratedRequest } from '../domain/tokens.ts';
import type { ContactRole } from '../domain/vocabulary.ts';
import { ALLOW, deny, type AdmissionRequest, type Verdict, type Violation } from './admission.ts';
import { actsForProvider, describeUser, identify, type Identity } from './identity.ts';
import { windowApprovalViolations } from './approvals.ts';
import { validateClaim } from './claims.ts';
import { contactsViolations } from './contacts.ts';
import { termsInForceViolations } from './terms.ts';
import { ownershipVerdict, scopeVerdict } from './ownership.ts';
import { catalogOf, contractOf, tenantOf, type RuleContext } from './view.ts';

export { tenantOf, type RuleContext, type TenantView } from './view.ts';

type Kind = KindName;
type Parsed<K extends Kind> = z.infer<(typeof RESOURCE_SCHEMAS)[K]>;

function isKind(kind: string): kind is Kind {
  return Object.hasOwn(RESOURCE_SCHEMAS, kind);
}

function parse<K extends Kind>(kind: K, raw: unknown): Conversion<Parsed<K>> {
  const result = RESOURCE_SCHEMAS[kind].safeParse(raw);
  return result.success ? { ok: true, value: result.data as Parsed<K> } : { ok: false, errors: fieldErrors(result.error) };
}

const invalid = (errors: readonly FieldError[]): Verdict => deny('Invalid', errors);

function timeZoneOf(tenant: ManagedTenant | undefined): string {
  const calendar = calendarToDomain(tenant);
  return calendar.ok ? calendar.value.timeZone : DEFAULT_CALENDAR.timeZone;
}

/** Decides one admission request of our group (CREATE or UPDATE of a main resource). */
export function validate(request: AdmissionRequest, ctx: RuleContext): Verdict {
  if (request.kind.group !== GROUP || !isKind(request.kind.kind)) return ALLOW;
  // Where, DELETE, an SLAReport's status (ownership.ts), before the rules of the kind.
  const scoped = scopeVerdict(request, ctx);
  if (scoped !== undefined) return scoped;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOW;
  if (request.subResource !== undefined && request.subResource !== '') return ALLOW;
  // The operator's own metadata writes (the retention finalizer) are not judged on the spec they
  // leave as it is: a unit that lost its target while the webhook was down still gets it.
  if (operatorMetadataOnly(request, ctx)) return ownershipVerdict(request, ctx) ?? ALLOW;
  const verdict = validateKind(request, ctx, request.kind.kind);
  // Who owns each field (ownership.ts), once the user is admitted for the kind.
  return verdict.allowed ? ownershipVerdict(request, ctx) ?? verdict : verdict;
}

function operatorMetadataOnly(request: AdmissionRequest, ctx: RuleContext): boolean {
  if (request.operation !== 'UPDATE' || request.kind.kind === 'ManagedTenant') return false;
  if (!identify(request.userInfo, undefined, ctx.identity).operator) return false;
  const specOf = (o: unknown): string => JSON.stringify((o as { spec?: unknown } | undefined)?.spec ?? null);
  return specOf(request.object) === specOf(request.oldObject);
}

function validateKind(request: AdmissionRequest, ctx: RuleContext, kind: Kind): Verdict {
  const namespace = request.namespace ?? '';
  switch (kind) {
    case 'ManagedTenant': return validateTenant(request, ctx, namespace);
    case 'SupportContract': return validateContract(request, ctx, namespace);
    case 'ServiceUnit': return validateUnit(request, ctx, namespace);
    case 'ManagedFunction': return parsedOnly('ManagedFunction', request);
    case 'Incident': return validateIncident(request, ctx, namespace);
    case 'ChangeRequest': return validateChange(request, ctx, namespace);
    case 'ChangeCatalog': return validateCatalog(request, ctx, namespace);
    case 'Problem': return validateProblem(request, namespace);
    case 'MaintenanceWindow': return validateWindow(request, ctx);
    case 'SLAReport': return validateReport(request, ctx);
    case 'SLAClaim': return validateClaim(request, ctx);
  }
}

function parsedOnly(kind: Kind, request: AdmissionRequest): Verdict {
  const object = parse(kind, request.object);
  return object.ok ? ALLOW : invalid(object.errors);
}

// ---- ManagedTenant ------------------------------------------------------------------------------

function validateTenant(request: AdmissionRequest, ctx: RuleContext, namespace: string): Verdict {
  const object = parse('ManagedTenant', request.object);
  if (!object.ok) return invalid(object.errors);
  const calendar = calendarToDomain(object.value);
  if (!calendar.ok) return invalid(calendar.errors);
  if (request.operation === 'CREATE') {
    const other = ctx.view.tenants(namespace).find((t) => t.metadata.name !== object.value.metadata.name);
    if (other !== undefined) {
      return invalid([{ path: 'metadata.name', message: `namespace '${namespace}' already has ManagedTenant '${other.metadata.name}': one tenant per namespace (design.md §1)` }]);
    }
  }
  // Who edits the tenant, and the approvers' annotations (contacts.ts).
  return contactsViolations(request, ctx.identity, ctx.now) ?? ALLOW;
}

// ---- SupportContract ------------------------------------------------------------------------------

function validateContract(request: AdmissionRequest, ctx: RuleContext, namespace: string): Verdict {
  const object = parse('SupportContract', request.object);
  if (!object.ok) return invalid(object.errors);
  const contract = object.value;
  const converted = contractToDomain(contract);
  if (!converted.ok) return invalid(converted.errors);
  const violations: Violation[] = missingLevelPrerequisites(contract.spec.subscribedLevels)
    .map((m) => ({ path: 'spec.subscribedLevels', message: m.message }));
  if (request.operation === 'UPDATE') {
    const old = parse('SupportContract', request.oldObject);
    if (old.ok) violations.push(...termsInForceViolations(old.value, contract, timeZoneOf(tenantOf(ctx.view, namespace)), ctx.now));
  }
  return violations.length > 0 ? invalid(violations) : ALLOW;
}

// ---- ServiceUnit -------------------------------------------------------------------------------

function claimOf(unit: ServiceUnit, fallbackCreatedAt: Date): TargetClaim {
  const created = unit.metadata.creationTimestamp;
  return { name: unit.metadata.name, createdAt: created === undefined ? fallbackCreatedAt : new Date(created), level: unit.spec.level, targets: unit.spec.targets };
}

function validateUnit(request: AdmissionRequest, ctx: RuleContext, namespace: string): Verdict {
  const object = parse('ServiceUnit', request.object);
  if (!object.ok) return invalid(object.errors);
  const unit = object.value;
  const withCreation: ServiceUnit = unit.metadata.creationTimestamp === undefined
    ? { ...unit, metadata: { ...unit.metadata, creationTimestamp: ctx.now.toISOString() } }
    : unit;
  const converted = unitToDomain(withCreation, tenantOf(ctx.view, namespace));
  if (!converted.ok) return invalid(converted.errors);
  const violations: Violation[] = [];
  // domain.md §1: one unit per target. On CREATE the new unit is the latest claim, so any
  // conflict it is part of is one it loses; on UPDATE (targets are immutable) the same rule
  // keeps the older unit valid.
  const others = ctx.view.units(namespace).filter((u) => u.metadata.name !== unit.metadata.name);
  const claims = [...others.map((u) => claimOf(u, ctx.now)), claimOf(withCreation, ctx.now)];
  for (const conflict of findTargetConflicts(claims)) {
    if (conflict.loser !== unit.metadata.name) continue;
    const i = unit.spec.targets.findIndex((t) => t.kind === conflict.target.kind && t.name === conflict.target.name);
    violations.push({
      path: `spec.targets[${i}]`,
      message: `${conflict.target.kind} '${conflict.target.name}' is already managed by ServiceUnit '${conflict.winner}'${caseNote(conflict.target, others.find((u) => u.metadata.name === conflict.winner))}: one management level per target (domain.md §1)`,
    });
  }
  violations.push(...dependencyCycleViolations(unit, others));
  violations.push(...unmanagedDependencyViolations(unit, others));
  violations.push(...internalTargetErrors(unit.spec.monitoring, ctx.internalEndpoints));
  violations.push(...backupCheckInternalErrors(unit.spec.backup?.check, ctx.internalEndpoints));
  const contract = contractOf(ctx.view, namespace);
  if (contract !== undefined && !contract.spec.subscribedLevels.includes(unit.spec.level)) {
    violations.push({
      path: 'spec.level',
      message: `level ${unit.spec.level} is not subscribed by SupportContract '${contract.metadata.name}' (spec.subscribedLevels: ${contract.spec.subscribedLevels.join(', ')})`,
    });
  }
  const family = unitFamily(unit);
  if (contract !== undefined && family !== unit.spec.level) {
    const have = new Set<Subscribable>([...contract.spec.subscribedLevels, family]);
    for (const m of missingLevelPrerequisites([...have]).filter((x) => x.subscribed === family)) {
      violations.push({ path: 'spec.family', message: `${m.message}: SupportContract '${contract.metadata.name}' spec.subscribedLevels is ${contract.spec.subscribedLevels.join(', ')}` });
    }
  }
  if (family === 'ActiveDirectory') {
    const ad = [...others.filter((u) => unitFamily(u) === 'ActiveDirectory'), unit].map((u) => ({ name: u.metadata.name, targets: u.spec.targets, domain: u.spec.activeDirectory?.domain }));
    // Fewer than 2 VMs is the ServiceUnit's PrerequisitesMet condition, not a refusal: GitOps applies the second unit later.
    violations.push(...activeDirectoryViolations(unit.metadata.name, ad).filter((v) => v.path !== 'spec.targets'));
  }
  return violations.length > 0 ? invalid(violations) : ALLOW;
}

/** domain.md §2: a unit's dependencies are managed: none of its dependsOn names an existing NoBuild unit. */
function unmanagedDependencyViolations(unit: ServiceUnit, others: readonly ServiceUnit[]): Violation[] {
  return (unit.spec.dependsOn ?? []).flatMap((d, i) => {
    const dep = others.find((u) => u.metadata.name === d.name);
    return dep?.spec.buildModel === 'NoBuild'
      ? [{ path: `spec.dependsOn[${i}]`, message: `ServiceUnit '${d.name}' is NoBuild (its spec.buildModel): not managed; a dependency must be managed (domain.md §2, seed §5.11.3)` }]
      : [];
  });
}

/** Names the winner's spelling when it differs only in case: targets compare case-insensitively (domain.md §1). */
function caseNote(target: Target, winner: ServiceUnit | undefined): string {
  const theirs = winner?.spec.targets.find((t) => targetKey(t) === targetKey(target));
  return theirs === undefined || theirs.name === target.name ? '' : ` as '${theirs.name}' (target names are compared case-insensitively)`;
}

/** domain.md §2: the unit's dependsOn, with the stored units', forms no cycle through it (its own self-reference is toDomain's). */
function dependencyCycleViolations(unit: ServiceUnit, others: readonly ServiceUnit[]): Violation[] {
  const dependsOn = unit.spec.dependsOn ?? [];
  const graph = new Map<string, readonly string[]>(others.map((u) => [u.metadata.name, (u.spec.dependsOn ?? []).map((d) => d.name)]));
  graph.set(unit.metadata.name, dependsOn.map((d) => d.name).filter((n) => n !== unit.metadata.name));
  const cycle = dependencyCycle(unit.metadata.name, graph);
  if (cycle === undefined) return [];
  const i = dependsOn.findIndex((d) => d.name === cycle[1]);
  return [{ path: `spec.dependsOn[${i}]`, message: `dependency cycle ${cycle.join(' → ')}: ServiceUnit dependencies form no cycle (domain.md §2)` }];
}

// ---- Incident -----------------------------------------------------------------------------------

/** The creator rule of design.md §1 for `role`: operator, provider, or a contact holding it. */
function creatorViolation(id: Identity, role: ContactRole, tenant: ManagedTenant | undefined, namespace: string, what: string): Violation | undefined {
  if (actsForProvider(id) || id.roles.has(role)) return undefined;
  if (tenant === undefined) {
    return { path: 'metadata.namespace', message: `namespace '${namespace}' has no ManagedTenant: only the provider may ${what} here` };
  }
  if (id.contacts.length === 0) {
    return { path: 'metadata', message: `${describeUser(id)} is not a named contact of ManagedTenant '${tenant.metadata.name}' (spec.contacts): only named contacts with the ${role} role may ${what} (domain.md §3)` };
  }
  return {
    path: 'metadata',
    message: `${describeUser(id)} is contact ${id.contacts.map((c) => `'${c.name}'`).join(', ')} of ManagedTenant '${tenant.metadata.name}' without the ${role} role (spec.contacts[].roles): may not ${what}`,
  };
}

function validateIncident(request: AdmissionRequest, ctx: RuleContext, namespace: string): Verdict {
  const object = parse('Incident', request.object);
  if (!object.ok) return invalid(object.errors);
  const tenant = tenantOf(ctx.view, namespace);
  const id = identify(request.userInfo, tenant, ctx.identity);
  // Closing (the client's agreement, domain.md §9) is any named contact's; other edits an
  // IncidentReporter's; an update of the metadata only (labels, finalizers) is RBAC's.
  const who = (closureOnly(request) && id.contacts.length > 0) || metadataOnly(request)
    ? undefined
    : creatorViolation(id, 'IncidentReporter', tenant, namespace, request.operation === 'CREATE' ? 'open incidents' : 'edit incidents');
  if (who !== undefined) return deny('Forbidden', [who]);
  const converted = incidentToDomain(object.value);
  if (!converted.ok) return invalid(converted.errors);
  // seed §9.10: a new or changed reference names a patch campaign the client declined before the
  // incident opened; one not applied yet is GitOps order (the controller's DeclinedPatch condition).
  const ref = object.value.spec.declinedPatchRef?.name;
  const oldRef = (request.oldObject as { spec?: { declinedPatchRef?: { name?: unknown } } } | undefined)?.spec?.declinedPatchRef?.name;
  if (ref !== undefined && (request.operation === 'CREATE' || ref !== oldRef)) {
    const change = ctx.view.changes(namespace).find((c) => c.metadata.name === ref);
    if (change !== undefined) {
      const problem = declinedPatchProblem(resolveDeclinedPatch(ref, { name: ref, ...patchCampaignOf(change) }, converted.value.openedAt, ctx.now));
      if (problem !== undefined) return invalid([problem]);
    }
  }
  return ALLOW;
}

// ---- Problem ------------------------------------------------------------------------------------

/** seed §5.4: a Problem links the incidents of its tenant; one naming another namespace is refused, the field named. */
function validateProblem(request: AdmissionRequest, namespace: string): Verdict {
  const object = parse('Problem', request.object);
  if (!object.ok) return invalid(object.errors);
  const converted = problemToDomain(object.value, namespace);
  return converted.ok ? ALLOW : invalid(converted.errors);
}

/** An UPDATE that leaves the spec as it is. */
function metadataOnly(request: AdmissionRequest): boolean {
  const specOf = (o: unknown): string => JSON.stringify((o as { spec?: unknown } | undefined)?.spec ?? null);
  return request.operation === 'UPDATE' && specOf(request.object) === specOf(request.oldObject);
}

/** An UPDATE whose only change of the spec is the closure (closedAt, closedBy). */
function closureOnly(request: AdmissionRequest): boolean {
  if (request.operation !== 'UPDATE') return false;
  const without = (o: unknown): string => {
    const spec = (o as { spec?: Record<string, unknown> } | undefined)?.spec ?? {};
    const { closedAt: _a, closedBy: _b, ...rest } = spec;
    return JSON.stringify(rest);
  };
  const closes = (request.object as { spec?: { closedAt?: unknown } } | undefined)?.spec?.closedAt !== undefined;
  return closes && without(request.object) === without(request.oldObject);
}

// ---- ChangeRequest ------------------------------------------------------------------------------

/** The spec without the fields the webhook owns or that the approver writes. */
function requesterPart(change: ChangeRequest): unknown {
  const { approval: _approval, requester: _requester, ...rest } = change.spec;
  return rest;
}

function validateChange(request: AdmissionRequest, ctx: RuleContext, namespace: string): Verdict {
  const object = parse('ChangeRequest', request.object);
  if (!object.ok) return invalid(object.errors);
  const change = object.value;
  const old = request.operation === 'UPDATE' ? parse('ChangeRequest', request.oldObject) : undefined;
  const before = old?.ok === true ? old.value : undefined;
  const tenant = tenantOf(ctx.view, namespace);
  const id = identify(request.userInfo, tenant, ctx.identity);

  // Who: the requester's part of the spec is written by the provider side or a ChangeRequester.
  const requesterEdit = before === undefined || JSON.stringify(requesterPart(before)) !== JSON.stringify(requesterPart(change));
  if (requesterEdit) {
    const who = creatorViolation(id, 'ChangeRequester', tenant, namespace, request.operation === 'CREATE' ? 'request changes' : 'edit change requests');
    if (who !== undefined) return deny('Forbidden', [who]);
    if (change.spec.initiator === 'Provider' && !actsForProvider(id) && (before === undefined || before.spec.initiator !== 'Provider')) {
      return deny('Forbidden', [{ path: 'spec.initiator', message: `only the provider initiates a change with initiator Provider; ${describeUser(id)} is a client contact (use initiator Client)` }]);
    }
  }
  // The client's explicit approval of a provider change (domain.md §10), by a ChangeApprover.
  const approvalChanged = JSON.stringify(change.spec.approval) !== JSON.stringify(before?.spec.approval);
  if (change.spec.approval !== undefined && approvalChanged && !id.roles.has('ChangeApprover')) {
    const tenantName = tenant === undefined ? `(no ManagedTenant in namespace '${namespace}')` : `ManagedTenant '${tenant.metadata.name}'`;
    const pending = id.pendingApprover.length > 0 ? ` (its grant as ${id.pendingApprover.join(', ')} awaits the confirmation of a ChangeApprover in force, status.approvers)` : '';
    return deny('Forbidden', [{
      path: 'spec.approval',
      message: `${describeUser(id)} is not a ChangeApprover contact of ${tenantName}${pending}: only the client's ChangeApprover contacts approve a provider change (domain.md §10)`,
    }]);
  }
  const converted = changeToDomain(change);
  if (!converted.ok) return invalid(converted.errors);
  // issue 14 item 3: a runbook runs in the change's own namespace (the request's, whatever the body's metadata says).
  const runbook = runbookProblems(change.spec, namespace);
  if (runbook.length > 0) return invalid(runbook);
  // A restore (seed §5.10): on units that have a backup policy (a unit not applied yet is GitOps order, not refused).
  const units = ctx.view.units(namespace);
  const restore = restoreProblems(change.spec, (name) => {
    const u = units.find((x) => x.metadata.name === name);
    return u === undefined ? undefined : (u.spec.backup?.policy ?? null);
  });
  if (restore.length > 0) return invalid(restore);
  // A release (seed Table 1): on Application units (a unit not applied yet is GitOps order, not refused).
  const release = releaseProblems(change.spec, (name) => units.find((x) => x.metadata.name === name)?.spec.level);
  if (release.length > 0) return invalid(release);
  // A patch campaign (seed §5.9.2): the provider's, on OS, Database or Middleware units (one not applied yet is GitOps order).
  const patch = patchProblems(change.spec, (name) => units.find((x) => x.metadata.name === name)?.spec.level);
  if (patch.length > 0) return invalid(patch);
  if (change.spec.accelerated && before?.spec.accelerated !== true) {
    const quota = acceleratedViolation(change, ctx, namespace, tenant);
    if (quota !== undefined) return invalid([quota]);
  }
  const cataloged = catalogViolation(change, request, ctx, namespace);
  if (cataloged !== undefined) return invalid([cataloged]);
  return ALLOW;
}

/**
 * seed §10, issue 14 item 5: a standard change created in a namespace with a ChangeCatalog names
 * one of its items, of its category; the mutating hook has stamped its tokens. Without a
 * catalogue it is admitted unpriced (GitOps may apply the catalogue after), and an update of a
 * stored change is not judged again (a record older than the catalogue keeps its price).
 */
function catalogViolation(change: ChangeRequest, request: AdmissionRequest, ctx: RuleContext, namespace: string): Violation | undefined {
  if (request.operation !== 'CREATE' || change.spec.category === 'NonStandard') return undefined;
  const catalog = catalogOf(ctx.view, namespace);
  if (catalog === undefined) return undefined;
  const found = lookUpCatalogItem(change.spec, catalogItemsToDomain(catalog), catalog.metadata.name);
  return found.ok ? undefined : { path: found.path, message: found.message };
}

// ---- ChangeCatalog -------------------------------------------------------------------------------

/**
 * The provider's catalogue (seed §10: its procedures are the provider's, its prices known to the
 * client): who writes it is RBAC's, as for a SupportContract (the client role reads it only);
 * here, each item's tokens fit its category and there is one per namespace.
 */
function validateCatalog(request: AdmissionRequest, ctx: RuleContext, namespace: string): Verdict {
  const object = parse('ChangeCatalog', request.object);
  if (!object.ok) return invalid(object.errors);
  const converted = catalogToDomain(object.value);
  if (!converted.ok) return invalid(converted.errors);
  if (request.operation === 'CREATE') {
    const other = catalogOf(ctx.view, namespace);
    if (other !== undefined && other.metadata.name !== object.value.metadata.name) {
      return invalid([{ path: 'metadata.name', message: `namespace '${namespace}' already has ChangeCatalog '${other.metadata.name}': one catalogue per namespace (design.md §1)` }]);
    }
  }
  return ALLOW;
}

/** domain.md §10: the 7th accelerated change of a calendar year (tenant time zone) is refused. */
function acceleratedViolation(change: ChangeRequest, ctx: RuleContext, namespace: string, tenant: ManagedTenant | undefined): Violation | undefined {
  const contract = contractOf(ctx.view, namespace);
  const quota = contract?.spec.acceleratedChangesPerYear ?? MAX_ACCELERATED_CHANGES_PER_YEAR;
  const timeZone = timeZoneOf(tenant);
  const asRequest = (c: ChangeRequest): AcceleratedRequest => ({ name: c.metadata.name, accelerated: c.spec.accelerated, requestedAt: new Date(c.spec.requestedAt) });
  const others = ctx.view.changes(namespace).filter((c) => c.metadata.name !== change.metadata.name).map(asRequest);
  const without = acceleratedDecisions(others, timeZone, quota);
  const withIt = acceleratedDecisions([...others, asRequest(change)], timeZone, quota);
  const own = withIt.get(change.metadata.name);
  const source = contract === undefined ? '' : ` (SupportContract '${contract.metadata.name}' spec.acceleratedChangesPerYear)`;
  if (own !== undefined && !own.accepted) return { path: 'spec.accelerated', message: `${own.message}${source}` };
  for (const [name, decision] of withIt) {
    if (!decision.accepted && without.get(name)?.accepted === true) {
      return { path: 'spec.accelerated', message: `would push accelerated change '${name}' beyond the ${quota} of ${decision.year}: at most ${quota} a year (domain.md §10)${source}` };
    }
  }
  return undefined;
}

// ---- MaintenanceWindow, SLAReport -------------------------------------------------------------------

function validateWindow(request: AdmissionRequest, ctx: RuleContext): Verdict {
  const object = parse('MaintenanceWindow', request.object);
  if (!object.ok) return invalid(object.errors);
  const schedule = scheduleToDomain(object.value);
  if (!schedule.ok) return invalid(schedule.errors);
  return windowApprovalViolations(request, ctx, object.value) ?? ALLOW;
}

function validateReport(request: AdmissionRequest, ctx: RuleContext): Verdict {
  const id = identify(request.userInfo, undefined, ctx.identity);
  if (!id.operator) return deny('Forbidden', [{ path: 'metadata', message: `an SLAReport is written by the operator only (design.md §1); ${describeUser(id)} may read it` }]);
  const object = parse('SLAReport', request.object);
  if (!object.ok) return invalid(object.errors);
  const refused = request.operation === 'CREATE' ? reportReferenceViolations(object.value.spec, ctx, request.namespace ?? '') : [];
  return refused.length > 0 ? invalid(refused) : ALLOW;
}

/**
 * A guard on the operator's own writes (issue 20: a report for month `0000` or for a contract that
 * does not exist was accepted): the contract exists in the namespace, and the month is one it
 * covers, from its start month to the current month in the tenant's time zone.
 */
function reportReferenceViolations(spec: { contractRef: { name: string }; month: string }, ctx: RuleContext, namespace: string): Violation[] {
  const contract = ctx.view.contracts(namespace).find((c) => c.metadata.name === spec.contractRef.name);
  if (contract === undefined) return [{ path: 'spec.contractRef.name', message: `no SupportContract '${spec.contractRef.name}' in namespace '${namespace}': a report is only for an existing contract` }];
  const startMonth = contract.spec.start.slice(0, 7);
  const timeZone = timeZoneOf(tenantOf(ctx.view, namespace));
  const current = monthOf(ctx.now, timeZone);
  if (spec.month < startMonth) return [{ path: 'spec.month', message: `${spec.month} is before the start of SupportContract '${contract.metadata.name}' (spec.start ${contract.spec.start})` }];
  if (spec.month > current) return [{ path: 'spec.month', message: `${spec.month} has not begun in ${timeZone} (the current month is ${current}): no report ahead of its month` }];
  return [];
}
