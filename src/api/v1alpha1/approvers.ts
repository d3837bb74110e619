// Who approves the provider's changes is the client's to say (domain.md §3: the client keeps the
// list of who may submit changes; §10: its explicit approval; issue 19). A ManagedTenant's
// contacts are written by the provider (it creates the tenant, GitOps applies it) and by the
// client's ChangeApprover contacts; a ChangeApprover *grant* (a contact with the role, and each
// user or group it names) added or widened by anyone else is pending until an approver whose
// grant is already in force confirms it. Removals take effect at once (they give nobody power).
//
// The state lives in the object, written by the mutating webhook alone (docs/security.md):
//   - `managedapps.dev/approvers`: the grants in force, as JSON ({contact: {users, groups}});
//   - `managedapps.dev/contacts-log`: every change of spec.contacts, who and when, append-only;
//   - `managedapps.dev/confirm-approvers`: written by an approver to confirm the pending grants,
//     its value the digest shown in `status.approvers.pendingDigest`; consumed by the webhook.
// A tenant without the first annotation (created before it existed) has all its grants in force.
import { createHash } from 'node:crypto';
import { GROUP } from './common.ts';
import type { Contact } from './managed-tenant.ts';

export const APPROVERS_ANNOTATION = `${GROUP}/approvers`;
export const CONTACTS_LOG_ANNOTATION = `${GROUP}/contacts-log`;
export const CONFIRM_APPROVERS_ANNOTATION = `${GROUP}/confirm-approvers`;

/** One grant: contact `contact` approves as user (or as member of group) `value`. */
export interface Grant {
  readonly contact: string;
  readonly as: 'user' | 'group';
  readonly value: string;
}

/** Grants keyed `contact/user/value`, for set arithmetic. */
export type Grants = ReadonlyMap<string, Grant>;

const key = (g: Grant): string => `${g.contact}/${g.as}/${g.value}`;

/** The ChangeApprover grants the contacts ask for. */
export function requestedGrants(contacts: readonly Contact[]): Grants {
  const out = new Map<string, Grant>();
  for (const c of contacts) {
    if (!c.roles.includes('ChangeApprover')) continue;
    for (const value of c.users ?? []) out.set(key({ contact: c.name, as: 'user', value }), { contact: c.name, as: 'user', value });
    for (const value of c.groups ?? []) out.set(key({ contact: c.name, as: 'group', value }), { contact: c.name, as: 'group', value });
  }
  return out;
}

interface Annotated {
  readonly metadata: { readonly annotations?: Readonly<Record<string, string>> | undefined };
  readonly spec: { readonly contacts: readonly Contact[] };
}

type Stored = Record<string, { users?: string[]; groups?: string[] }>;

function parseStored(text: string): Grants | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const out = new Map<string, Grant>();
  for (const [contact, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { users, groups } = entry as { users?: unknown; groups?: unknown };
    for (const [as, values] of [['user', users], ['group', groups]] as const) {
      if (values === undefined) continue;
      if (!Array.isArray(values) || !values.every((v): v is string => typeof v === 'string')) return undefined;
      for (const value of values) out.set(key({ contact, as, value }), { contact, as, value });
    }
  }
  return out;
}

/**
 * The grants in force. Absent annotation: every requested grant (a tenant from before). An
 * annotation the webhook did not write (it does not parse): none, so a forged one gives nothing.
 */
export function grantsInForce(tenant: Annotated): Grants {
  const text = tenant.metadata.annotations?.[APPROVERS_ANNOTATION];
  if (text === undefined) return requestedGrants(tenant.spec.contacts);
  const stored = parseStored(text);
  if (stored === undefined) return new Map();
  // What the spec no longer asks for is not in force, whatever the annotation says.
  const requested = requestedGrants(tenant.spec.contacts);
  return intersect(stored, requested);
}

export function intersect(a: Grants, b: Grants): Map<string, Grant> {
  return new Map([...a].filter(([k]) => b.has(k)));
}

export function minus(a: Grants, b: Grants): Map<string, Grant> {
  return new Map([...a].filter(([k]) => !b.has(k)));
}

export function union(a: Grants, b: Grants): Map<string, Grant> {
  return new Map([...a, ...b]);
}

/** Requested and not in force. */
export function pendingGrants(tenant: Annotated): Map<string, Grant> {
  return minus(requestedGrants(tenant.spec.contacts), grantsInForce(tenant));
}

/** The annotation's value: contacts sorted, users and groups sorted. */
export function serializeGrants(grants: Grants): string {
  const out: Stored = {};
  for (const g of [...grants.values()].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0))) {
    const entry = (out[g.contact] ??= {});
    (g.as === 'user' ? (entry.users ??= []) : (entry.groups ??= [])).push(g.value);
  }
  return JSON.stringify(out);
}

/** `contact (user u)`, `contact (group g)`: how a grant is shown. */
export function describeGrant(g: Grant): string {
  return `${g.contact} (${g.as} ${g.value})`;
}

/** `sha256:<hex>` of the pending grants: what an approver confirms (CONFIRM_APPROVERS_ANNOTATION). Empty when nothing is pending. */
export function pendingDigest(pending: Grants): string {
  if (pending.size === 0) return '';
  return `sha256:${createHash('sha256').update(serializeGrants(pending)).digest('hex')}`;
}

/** Whether `user` approves for `contact` under the grants in force. */
export function approvesAs(contact: Contact, grants: Grants, user: { readonly username?: string | undefined; readonly groups?: readonly string[] | undefined }): boolean {
  if (!contact.roles.includes('ChangeApprover')) return false;
  const name = user.username ?? '';
  if (name !== '' && (contact.users ?? []).includes(name) && grants.has(key({ contact: contact.name, as: 'user', value: name }))) return true;
  return (contact.groups ?? []).some((g) => (user.groups ?? []).includes(g) && grants.has(key({ contact: contact.name, as: 'group', value: g })));
}

// ---- the log -------------------------------------------------------------------------------------

/**
 * The log's size bound: the API server holds at most 256 KiB of annotations per object; half of
 * it is about 800 entries, years of changes. Past it a change of the contacts is refused with
 * this reason (archiving old entries is the system-of-record issue's).
 */
export const MAX_CONTACT_LOG_BYTES = 128 * 1024;

/** One change of spec.contacts, or of the grants in force. */
export interface ContactLogEntry {
  /** RFC 3339, UTC, to the second: when the webhook admitted the write. */
  readonly at: string;
  /** The authenticated user who wrote it. */
  readonly by: string;
  /** Contacts added, removed, or whose entry changed (by name). */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly changed?: readonly string[];
  /** Grants that came into force, and grants left pending, by this write. */
  readonly confirmed?: readonly string[];
  readonly pending?: readonly string[];
  /** The digest of the pending grants an approver confirmed by this write (CONFIRM_APPROVERS_ANNOTATION). */
  readonly confirmation?: string;
}

export function parseContactLog(text: string | undefined): ContactLogEntry[] | undefined {
  if (text === undefined) return [];
  if (text.length > 2 * MAX_CONTACT_LOG_BYTES) return undefined;
  try {
    const raw: unknown = JSON.parse(text);
    if (!Array.isArray(raw)) return undefined;
    const ok = raw.every((e) => typeof e === 'object' && e !== null && typeof (e as { at?: unknown }).at === 'string' && typeof (e as { by?: unknown }).by === 'string');
    return ok ? (raw as ContactLogEntry[]) : undefined;
  } catch {
    return undefined;
  }
}

/** What changed between two contact lists, by contact name (undefined when nothing did). */
export function contactsDiff(before: readonly Contact[], after: readonly Contact[]): Pick<ContactLogEntry, 'added' | 'removed' | 'changed'> | undefined {
  const old = new Map(before.map((c) => [c.name, JSON.stringify(c)]));
  const next = new Map(after.map((c) => [c.name, JSON.stringify(c)]));
  const added = [...next.keys()].filter((n) => !old.has(n));
  const removed = [...old.keys()].filter((n) => !next.has(n));
  const changed = [...next].filter(([n, v]) => old.has(n) && old.get(n) !== v).map(([n]) => n);
  if (added.length + removed.length + changed.length === 0) return undefined;
  return { ...(added.length > 0 ? { added } : {}), ...(removed.length > 0 ? { removed } : {}), ...(changed.length > 0 ? { changed } : {}) };
}

