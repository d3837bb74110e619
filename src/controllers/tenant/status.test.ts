import { describe, expect, it } from 'vitest';
import type { ManagedTenantSpec } from '../../api/v1alpha1/index.ts';
import type { SupportLevel } from '../../domain/index.ts';
import { typed } from '../shared/testing.ts';
import { validCondition } from './status.ts';

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
