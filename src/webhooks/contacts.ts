// Who approves is the client's to say (issue 19, domain.md §3, §10; approvers.ts has the state):
// what a write of a ManagedTenant does to the ChangeApprover grants in force and to the contacts
// log, computed once here for both hooks. The mutating hook writes the outcome into the
// annotations; the validating hook recomputes it and refuses a write whose annotations say
// anything else (the mutating hook did not run, or someone wrote them by hand), a client who is
// not an approver in force, a client editing more than the contacts, and a confirmation that
// does not match what is pending.
import {
  APPROVERS_ANNOTATION, CONFIRM_APPROVERS_ANNOTATION, CONTACTS_LOG_ANNOTATION, MAX_CONTACT_LOG_BYTES,
  contactsDiff, describeGrant, grantsInForce, intersect, minus, parseContactLog, pendingDigest, pendingGrants, requestedGrants, serializeGrants, union,
  ManagedTenant as ManagedTenantSchema,
  type ContactLogEntry, type Grants, type ManagedTenant,
} from '../api/v1alpha1/index.ts';
import { deny, type AdmissionRequest, type UserInfo, type Verdict, type Violation } from './admission.ts';
import { actsForProvider, describeUser, identify, type IdentityConfig } from './identity.ts';
import { STAMP_TOLERANCE_MS } from './view.ts';

/** What a write of a tenant does to the approvers, before the instant is stamped. */
export interface ContactsOutcome {
  readonly inForce: Grants;
  /** The log entry this write adds, without `at`; undefined when the contacts and grants are as before. */
  readonly entry: Omit<ContactLogEntry, 'at'> | undefined;
  /** The confirmation annotation matched the pending grants and was used. */
  readonly confirmed: boolean;
  /** The log as stored before the write. */
  readonly log: readonly ContactLogEntry[];
}

const names = (g: Grants): string[] => [...g.values()].map(describeGrant).sort();

/**
 * On creation every grant is in force (the list signed with the contract). On an update, grants
 * in force stay while the spec asks for them; a ChangeApprover in force (as stored) puts into
 * force what it adds itself, and the pending grants when its write carries their digest; any
 * other writer's additions and widenings stay pending.
 */
export function contactsOutcome(old: ManagedTenant | undefined, next: ManagedTenant, user: UserInfo, config: IdentityConfig, confirm: string | undefined): ContactsOutcome {
  const requested = requestedGrants(next.spec.contacts);
  const by = user.username ?? '';
  if (old === undefined) {
    const added = next.spec.contacts.map((c) => c.name);
    return {
      inForce: requested, confirmed: false, log: [],
      entry: { by, ...(added.length > 0 ? { added } : {}), ...(requested.size > 0 ? { confirmed: names(requested) } : {}) },
    };
  }
  const before = grantsInForce(old);
  const pendingBefore = pendingGrants(old);
  const approver = identify(user, old, config).roles.has('ChangeApprover');
  const confirmed = approver && confirm !== undefined && confirm !== '' && confirm === pendingDigest(pendingBefore);
  let inForce = intersect(before, requested);
  if (approver) inForce = union(inForce, minus(requested, requestedGrants(old.spec.contacts)));
  if (confirmed) inForce = union(inForce, intersect(pendingBefore, requested));
  const diff = contactsDiff(old.spec.contacts, next.spec.contacts);
  const came = minus(inForce, before);
  const left = minus(requested, inForce);
  const log = parseContactLog(old.metadata.annotations?.[CONTACTS_LOG_ANNOTATION]) ?? [];
  const entry = diff === undefined && came.size === 0
    ? undefined
    : {
      by, ...diff, ...(came.size > 0 ? { confirmed: names(came) } : {}), ...(left.size > 0 ? { pending: names(left) } : {}),
      ...(confirmed ? { confirmation: confirm } : {}),
    };
  return { inForce, entry, confirmed, log };
}

/** The annotations the mutating hook writes for this outcome at `at`. */
export function contactsAnnotations(outcome: ContactsOutcome, at: string): { approvers: string; log: string } {
  const log = outcome.entry === undefined ? outcome.log : [...outcome.log, { at, ...outcome.entry }];
  return { approvers: serializeGrants(outcome.inForce), log: JSON.stringify(log) };
}

function parseTenant(raw: unknown): ManagedTenant | undefined {
  const parsed = ManagedTenantSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The two stored versions of the request, parsed (undefined `old` on CREATE); undefined when the body does not parse (rules.ts reports it). */
export function tenantVersions(request: AdmissionRequest): { next: ManagedTenant; old: ManagedTenant | undefined } | undefined {
  const next = parseTenant(request.object);
  if (next === undefined) return undefined;
  if (request.operation !== 'UPDATE') return { next, old: undefined };
  const old = parseTenant(request.oldObject);
  return old === undefined ? undefined : { next, old };
}

const withoutContacts = (t: ManagedTenant): unknown => ({ ...t.spec, contacts: undefined });

/** The validating hook's rules for a ManagedTenant write (after the schema and the calendar). */
export function contactsViolations(request: AdmissionRequest, config: IdentityConfig, now: Date): Verdict | undefined {
  const versions = tenantVersions(request);
  if (versions === undefined) return undefined;
  const { next, old } = versions;
  const id = identify(request.userInfo, old, config);
  const who = describeUser(id);
  // Labels and other metadata are RBAC's; the spec is the provider's and, for its contacts, the client approvers'.
  if (old !== undefined && !actsForProvider(id) && JSON.stringify(old.spec) !== JSON.stringify(next.spec)) {
    if (!id.roles.has('ChangeApprover')) {
      const pending = id.pendingApprover.length > 0 ? ` (its ChangeApprover grant as ${id.pendingApprover.join(', ')} awaits confirmation)` : '';
      return deny('Forbidden', [{ path: 'spec.contacts', message: `${who} is not a ChangeApprover contact of ManagedTenant '${old.metadata.name}'${pending}: the tenant is edited by the provider and the client's ChangeApprover contacts only (domain.md §3)` }]);
    }
    if (JSON.stringify(withoutContacts(old)) !== JSON.stringify(withoutContacts(next))) {
      return deny('Forbidden', [{ path: 'spec', message: `a client's ChangeApprover edits spec.contacts only; the rest of the tenant is the provider's (${who})` }]);
    }
  }
  // The mutating hook consumed a confirmation that matched, and recorded it in the new log entry.
  const annotations = next.metadata.annotations ?? {};
  const stored = old === undefined ? [] : parseContactLog(old.metadata.annotations?.[CONTACTS_LOG_ANNOTATION]) ?? [];
  const written = parseContactLog(annotations[CONTACTS_LOG_ANNOTATION]);
  const pendingConfirm = annotations[CONFIRM_APPROVERS_ANNOTATION];
  const confirm = pendingConfirm ?? (written !== undefined && written.length === stored.length + 1 ? written.at(-1)?.confirmation : undefined);
  const outcome = contactsOutcome(old, next, request.userInfo, config, confirm);
  const violations: Violation[] = [];
  if (pendingConfirm !== undefined && !outcome.confirmed) {
    const digest = old === undefined ? '' : pendingDigest(pendingGrants(old));
    violations.push({
      path: `metadata.annotations[${CONFIRM_APPROVERS_ANNOTATION}]`,
      message: !id.roles.has('ChangeApprover')
        ? `only a ChangeApprover contact in force confirms pending approvers; ${who} is not one`
        : digest === ''
          ? 'no ChangeApprover grant is pending: nothing to confirm'
          : `'${pendingConfirm}' is not the digest of the pending grants (status.approvers.pendingDigest: ${digest}); read the status again and confirm what it shows`,
    });
  }
  const expected = contactsAnnotations(outcome, '');
  if (annotations[APPROVERS_ANNOTATION] !== expected.approvers) {
    violations.push({ path: `metadata.annotations[${APPROVERS_ANNOTATION}]`, message: 'written by the admission webhook only (the ChangeApprover grants in force): remove it from the manifest' });
  }
  const logText = annotations[CONTACTS_LOG_ANNOTATION] ?? '';
  if (!logMatches(written, outcome, now)) {
    violations.push({ path: `metadata.annotations[${CONTACTS_LOG_ANNOTATION}]`, message: 'written by the admission webhook only (who changed the contacts, and when): it is appended to, never edited' });
  } else if (outcome.entry !== undefined && logText.length > MAX_CONTACT_LOG_BYTES) {
    violations.push({ path: 'spec.contacts', message: `the contacts log is full (${logText.length} bytes, at most ${MAX_CONTACT_LOG_BYTES}): no further change of the contacts is recorded, so none is admitted` });
  }
  return violations.length > 0 ? deny('Forbidden', violations) : undefined;
}

/** The stored log plus exactly the outcome's entry, stamped within the tolerance of `now`. */
function logMatches(log: readonly ContactLogEntry[] | undefined, outcome: ContactsOutcome, now: Date): boolean {
  if (log === undefined) return false;
  const want = outcome.entry === undefined ? 0 : 1;
  if (log.length !== outcome.log.length + want) return false;
  if (JSON.stringify(log.slice(0, outcome.log.length)) !== JSON.stringify(outcome.log)) return false;
  const last = log.at(-1);
  if (outcome.entry === undefined || last === undefined) return outcome.entry === undefined;
  const { at, ...rest } = last;
  return JSON.stringify(rest) === JSON.stringify(outcome.entry) && Math.abs(new Date(at).getTime() - now.getTime()) <= STAMP_TOLERANCE_MS;
}
