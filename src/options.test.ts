import { describe, expect, it } from 'vitest';
import { loadOptions } from './options.ts';

describe('loadOptions: the operator clock', () => {
  it('runs on the real clock unless --clock-at or MANAGEDAPPS_CLOCK_AT names an instant', () => {
    expect(loadOptions({}, {}).clockAt).toBeUndefined();
    expect(loadOptions({}, { MANAGEDAPPS_CLOCK_AT: '2027-03-28T03:30:00+02:00' }).clockAt?.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    // The flag wins over the variable.
    expect(loadOptions({ clockAt: '2028-02-29T12:00:00Z' }, { MANAGEDAPPS_CLOCK_AT: '2027-01-01T00:00:00Z' }).clockAt?.toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });

  it('refuses what is not an RFC 3339 instant, naming the flag and the variable', () => {
    expect(() => loadOptions({}, { MANAGEDAPPS_CLOCK_AT: '2027-03-01' })).toThrow(/^invalid option clockAt \(flag or MANAGEDAPPS_CLOCK_AT\): /);
  });
});

describe('loadOptions: internal probe targets (SSRF)', () => {
  it('refuses them unless --allow-internal-probe-targets or MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS says true', () => {
    expect(loadOptions({}, {}).allowInternalProbeTargets).toBe(false);
    expect(loadOptions({}, { MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS: 'true' }).allowInternalProbeTargets).toBe(true);
    expect(loadOptions({ allowInternalProbeTargets: 'false' }, { MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS: 'true' }).allowInternalProbeTargets).toBe(false);
  });
});
