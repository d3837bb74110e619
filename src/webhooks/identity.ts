// Who is asking: the identities of design.md §1 and domain.md §3, §10.
//   - the operator's own service account (it opens incidents from monitoring, writes reports);
//   - a provider identity: a member of one of the provider groups of the configuration;
//   - a named contact of the namespace's ManagedTenant, matched by user name or by group, with
//     the roles of every contact the user matches (IncidentReporter, ChangeRequester, ...);
//   - anyone else: a stranger to the tenant, whatever RBAC lets them send.
import { approvesAs, grantsInForce, type Contact, type ManagedTenant } from '../api/v1alpha1/index.ts';
import type { ContactRole } from '../domain/vocabulary.ts';
import type { UserInfo } from './admission.ts';

export interface IdentityConfig {
  /** Groups whose members act for the provider, e.g. `managedapps:provider`. */
  readonly providerGroups: readonly string[];
  /**
   * The user the operator runs as: the only one that writes SLAReports. Its ServiceAccount in a
   * cluster (`system:serviceaccount:<ns>:<sa>`), the local admin under `managedapps dev`; matched
   * exactly, no name pattern is assumed.
   */
  readonly operatorUsername: string;
  /**
   * Groups whose members may delete what the records rules keep (a final report, an incident or a
   * change within its retention, a unit whose months are open) and remove the retention
   * finalizer: the break-glass of an incident of the system itself, audited by the API server.
   * Empty (the default): nobody.
   */
  readonly breakGlassGroups?: readonly string[];
}

export interface Identity {
  readonly username: string;
  readonly groups: readonly string[];
  readonly operator: boolean;
  readonly provider: boolean;
  /** A member of a break-glass group (IdentityConfig.breakGlassGroups). */
  readonly breakGlass: boolean;
  /** The tenant's contacts this user acts as (by user name or group), in spec order. */
  readonly contacts: readonly Contact[];
  /** Their roles, ChangeApprover only where the user's grant is in force (approvers.ts). */
  readonly roles: ReadonlySet<ContactRole>;
  /** Contacts naming the user as ChangeApprover by a grant still pending confirmation. */
  readonly pendingApprover: readonly string[];
}

export function contactMatches(contact: Contact, user: UserInfo): boolean {
  const username = user.username ?? '';
  if (username !== '' && (contact.users ?? []).includes(username)) return true;
  const groups = user.groups ?? [];
  return (contact.groups ?? []).some((g) => groups.includes(g));
}

export function identify(user: UserInfo, tenant: ManagedTenant | undefined, config: IdentityConfig): Identity {
  const username = user.username ?? '';
  const groups = user.groups ?? [];
  const contacts = (tenant?.spec.contacts ?? []).filter((c) => contactMatches(c, user));
  const grants = tenant === undefined ? new Map() : grantsInForce(tenant);
  const approving = contacts.filter((c) => approvesAs(c, grants, user));
  return {
    username,
    groups,
    operator: username !== '' && username === config.operatorUsername,
    provider: groups.some((g) => config.providerGroups.includes(g)),
    breakGlass: groups.some((g) => (config.breakGlassGroups ?? []).includes(g)),
    contacts,
    roles: new Set(contacts.flatMap((c) => c.roles.filter((r) => r !== 'ChangeApprover' || approving.includes(c)))),
    pendingApprover: contacts.filter((c) => c.roles.includes('ChangeApprover') && !approving.includes(c)).map((c) => c.name),
  };
}

/** Operator or provider: acts for the provider side. */
export function actsForProvider(id: Identity): boolean {
  return id.operator || id.provider;
}

/** The first contact of the user that holds `role` (the name written in `approval.approvedBy`); for ChangeApprover, by a grant in force. */
export function contactWithRole(id: Identity, role: ContactRole): Contact | undefined {
  if (!id.roles.has(role)) return undefined;
  return id.contacts.find((c) => c.roles.includes(role) && (role !== 'ChangeApprover' || !id.pendingApprover.includes(c.name)));
}

/** "user 'x' (groups a, b)" for messages; system:authenticated is left out as noise. */
export function describeUser(id: Identity): string {
  const groups = id.groups.filter((g) => g !== 'system:authenticated');
  return `user '${id.username}'${groups.length > 0 ? ` (groups ${groups.join(', ')})` : ''}`;
}
