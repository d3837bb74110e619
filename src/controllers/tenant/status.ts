// ManagedTenant status: contacts valid, SDM/CBM as the support levels require (domain.md §3),
// one tenant per namespace (design.md §1: the oldest wins, a later one is refused by condition).
import {
  CONTACTS_LOG_ANNOTATION, ConditionReason, ConditionType, describeGrant, grantsInForce, parseContactLog, pendingDigest, pendingGrants,
  type ContactLogEntry, type ManagedTenantStatus,
} from '../../api/v1alpha1/index.ts';
import { MAX_PHONE_CONTACTS, sdmCbmRequirement, type SupportLevel } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import { firstBlocker, readyCondition, type Blocker } from '../shared/status.ts';
import type { TenantObj } from '../shared/kinds.ts';

export interface TenantFacts {
  readonly tenant: TenantObj;
  /** The older tenant of the namespace, when this one is not the first. */
  readonly olderTenant: string | undefined;
  /** Support levels of the namespace's contract; undefined while there is none. */
  readonly supportLevels: readonly SupportLevel[] | undefined;
}

function duplicateTenant(f: TenantFacts): Blocker | undefined {
  return f.olderTenant === undefined ? undefined : { reason: ConditionReason.DuplicateTenant, message: `ManagedTenant ${f.olderTenant} is the tenant of this namespace (one per namespace, the oldest wins)` };
}

function invalidContacts(f: TenantFacts): Blocker | undefined {
  const contacts = f.tenant.spec.contacts;
  const phones = contacts.filter((c) => c.phone !== undefined).length;
  if (phones > MAX_PHONE_CONTACTS) return { reason: ConditionReason.InvalidContacts, message: `${phones} contacts have a phone; at most ${MAX_PHONE_CONTACTS} (domain.md §3)` };
  const owner = new Map<string, string>();
  for (const c of contacts) {
    for (const user of c.users ?? []) {
      const other = owner.get(user);
      if (other !== undefined) return { reason: ConditionReason.InvalidContacts, message: `user ${user} acts as two contacts: ${other} and ${c.name}` };
      owner.set(user, c.name);
    }
  }
  return undefined;
}

function managers(f: TenantFacts): Blocker | undefined {
  if (f.supportLevels === undefined) return undefined;
  const has = { sdm: f.tenant.spec.serviceDeliveryManager !== undefined, cbm: f.tenant.spec.contractBusinessManager !== undefined };
  switch (sdmCbmRequirement(f.supportLevels)) {
    case 'Required':
      if (has.sdm && has.cbm) return undefined;
      return { reason: ConditionReason.ManagersRequired, message: `a Premium environment requires ${[has.sdm ? '' : 'spec.serviceDeliveryManager', has.cbm ? '' : 'spec.contractBusinessManager'].filter((s) => s !== '').join(' and ')} (domain.md §3)` };
    case 'NotAvailable':
      if (!has.sdm && !has.cbm) return undefined;
      return { reason: ConditionReason.ManagersNotAvailable, message: 'every environment is Standard: no Service Delivery Manager or Contract Business Manager is available (domain.md §3)' };
    case 'Optional':
      return undefined;
  }
}

/** `Valid`: the first failing rule; Unknown while no contract says which managers are required. */
export function validCondition(f: TenantFacts): DesiredCondition {
  const blocker = firstBlocker([() => duplicateTenant(f), () => invalidContacts(f), () => managers(f)]);
  if (blocker !== undefined) return { type: ConditionType.Valid, status: 'False', ...blocker };
  if (f.supportLevels === undefined) {
    return { type: ConditionType.Valid, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet: SDM/CBM requirement unknown' };
  }
  return { type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' };
}

export function tenantConditions(f: TenantFacts): DesiredCondition[] {
  const valid = validCondition(f);
  const ready = valid.status === 'Unknown'
    ? { type: ConditionType.Ready, status: 'Unknown' as const, reason: valid.reason, message: valid.message }
    : readyCondition(valid.status === 'False' ? valid : undefined);
  return [valid, ready];
}

/** One line for a log entry: `added a, b; removed c; confirmed d (user d); pending e (group g)`. */
export function logSummary(e: ContactLogEntry): string {
  const parts = ([['added', e.added], ['removed', e.removed], ['changed', e.changed], ['confirmed', e.confirmed], ['pending', e.pending]] as const)
    .filter(([, v]) => v !== undefined && v.length > 0)
    .map(([label, v]) => `${label} ${(v ?? []).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

/** The approvers in force and pending, and the contacts log (api/v1alpha1/approvers.ts), as the mutating webhook left them. */
export function approversStatus(f: TenantFacts): NonNullable<ManagedTenantStatus['approvers']> {
  const annotations = f.tenant.raw.metadata?.annotations;
  const view = { metadata: { annotations }, spec: f.tenant.spec };
  const inForce = [...grantsInForce(view).values()].map(describeGrant).sort();
  const pending = pendingGrants(view);
  const log = parseContactLog(annotations?.[CONTACTS_LOG_ANNOTATION]) ?? [];
  const last = log.at(-1);
  return {
    ...(inForce.length > 0 ? { inForce } : {}),
    ...(pending.size > 0 ? { pending: [...pending.values()].map(describeGrant).sort(), pendingDigest: pendingDigest(pending) } : {}),
    changes: log.length,
    ...(last === undefined ? {} : { lastChange: { at: last.at, by: last.by, summary: logSummary(last) } }),
  };
}

export function tenantFields(f: TenantFacts): Pick<ManagedTenantStatus, 'contacts' | 'phoneContacts' | 'approvers'> {
  return { contacts: f.tenant.spec.contacts.length, phoneContacts: f.tenant.spec.contacts.filter((c) => c.phone !== undefined).length, approvers: approversStatus(f) };
}
