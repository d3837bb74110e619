import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ManagedTenantSpec, calendarToDomain } from '../../api/v1alpha1/index.ts';
import { SpecParser, converted } from './kinds.ts';

const tenant = (timeZone: string): KubernetesObject => JSON.parse(JSON.stringify({
  apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant',
  metadata: { name: 't', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { displayName: 'T', managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud', region: 'eu-west-2', account: 'a' }, calendar: { timeZone, holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } }, contacts: [] },
})) as KubernetesObject;

describe('SpecParser with a toDomain() check', () => {
  const parser = new SpecParser(ManagedTenantSpec, calendarToDomain);

  it('an object that parses and converts is valid, and converts as an API object would', () => {
    const parsed = parser.parse(tenant('Europe/Paris'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.metadata).toEqual({ name: 't', namespace: 'ns', labels: {}, creationTimestamp: '2026-01-01T00:00:00Z' });
    expect(converted(calendarToDomain(parsed.value)).timeZone).toBe('Europe/Paris');
  });

  it('an object the schema accepts but toDomain() refuses is invalid, with the field path', () => {
    const parsed = parser.parse(tenant('Mars/Olympus'));
    expect(parsed).toMatchObject({ ok: false, error: "spec.calendar.timeZone: unknown IANA time zone 'Mars/Olympus'" });
  });
});
