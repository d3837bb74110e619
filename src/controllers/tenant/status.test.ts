import { describe, expect, it } from 'vitest';
import type { ManagedTenantSpec } from '../../api/v1alpha1/index.ts';
import type { SupportLevel } from '../../domain/index.ts';
import { typed } from '../shared/testing.ts';
import { approversStatus, validCondition } from './status.ts';

const person = { fullName: 'P', email: 'p@provider.example' };
const spec = (over: Partial<ManagedTenantSpec> = {}): ManagedTenantSpec => ({
  managementModel: 'FullyManaged',
  iaas: { provider: 'Azure' },
  calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
  contacts: [{ name: 'a', email: 'a@c.example', users: ['a'], roles: ['IncidentReporter'] }],
  ...over,
});

describe('ManagedTenant Valid', () => {
  it.each<[string, Partial<ManagedTenantSpec>, string | undefined, SupportLevel[] | undefined, string, string]>([
    ['Premium with SDM and CBM', { serviceDeliveryManager: person, contractBusinessManager: person }, undefined, ['Premium'], 'True', 'Reconciled'],
    ['Premium without CBM', { serviceDeliveryManager: person }, undefined, ['Premium', 'Standard'], 'False', 'ManagersRequired'],
    ['all Standard with an SDM', { serviceDeliveryManager: person }, undefined, ['Standard'], 'False', 'ManagersNotAvailable'],
    ['all Standard without managers', {}, undefined, ['Standard', 'Standard'], 'True', 'Reconciled'],
    ['Initial and Standard: optional', { serviceDeliveryManager: person }, undefined, ['Initial', 'Standard'], 'True', 'Reconciled'],
    ['a second tenant', {}, 'older', ['Standard'], 'False', 'DuplicateTenant'],
    ['one user, two contacts', { contacts: [{ name: 'a', email: 'a@c.example', users: ['u'], roles: ['IncidentReporter'] }, { name: 'b', email: 'b@c.example', users: ['u'], roles: ['SLAClaimer'] }] }, undefined, ['Standard'], 'False', 'InvalidContacts'],
    ['no contract yet', {}, undefined, undefined, 'Unknown', 'ReferenceNotFound'],
  ])('%s', (_name, over, olderTenant, supportLevels, status, reason) => {
    expect(validCondition({ tenant: typed('t', spec(over)), olderTenant, supportLevels })).toMatchObject({ type: 'Valid', status, reason });
  });
});

describe('ManagedTenant status.approvers', () => {
  const contacts = [
    { name: 'dave', email: 'd@c.example', users: ['dave'], roles: ['ChangeApprover' as const] },
    { name: 'paul', email: 'p@provider.example', users: ['paul'], groups: ['ops'], roles: ['ChangeApprover' as const] },
  ];
  const withAnnotations = (annotations: Record<string, string> | undefined) => {
    const t = typed('t', spec({ contacts }));
    return { ...t, raw: { ...t.raw, metadata: { name: 't', namespace: 'ns', ...(annotations === undefined ? {} : { annotations }) } } };
  };
  it('shows what is in force, what is pending with its digest, and the last log entry', () => {
    const log = [
      { at: '2026-11-01T09:00:00Z', by: 'paul', added: ['dave'], confirmed: ['dave (user dave)'] },
      { at: '2026-11-02T09:00:00Z', by: 'paul', added: ['paul'], pending: ['paul (group ops)', 'paul (user paul)'] },
    ];
    const status = approversStatus({ tenant: withAnnotations({ 'managedapps.dev/approvers': '{"dave":{"users":["dave"]}}', 'managedapps.dev/contacts-log': JSON.stringify(log) }), olderTenant: undefined, supportLevels: undefined });
    expect(status).toEqual({
      inForce: ['dave (user dave)'],
      pending: ['paul (group ops)', 'paul (user paul)'],
      pendingDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown,
      changes: 2,
      lastChange: { at: '2026-11-02T09:00:00Z', by: 'paul', summary: 'added paul; pending paul (group ops), paul (user paul)' },
    });
  });
  it('a tenant from before the annotations: every approver in force, no log yet', () => {
    expect(approversStatus({ tenant: withAnnotations(undefined), olderTenant: undefined, supportLevels: undefined })).toEqual({
      inForce: ['dave (user dave)', 'paul (group ops)', 'paul (user paul)'], changes: 0,
    });
  });
});
