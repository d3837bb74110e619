// The backup check's pure pieces (backup-check.ts): the plan of a unit's spec.backup.check, the
// deterministic incident of a missed backup, the status the check owns.
import { describe, expect, it } from 'vitest';
import type { ServiceUnitSpec, ServiceUnitStatus } from '../api/v1alpha1/index.ts';
import { ServiceUnitSpec as Spec } from '../api/v1alpha1/index.ts';
import { backupVerdict } from '../domain/backup.ts';
import { backupIncident, backupIncidentName, backupPlan, backupResolution, backupStatus, inServiceSince, isOpenBackupIncident } from './backup-check.ts';

const spec = (backup: unknown, extra: Record<string, unknown> = {}): ServiceUnitSpec => Spec.parse({
  level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }], backup, ...extra,
});
const unitOf = (s: ServiceUnitSpec, created = '2026-11-02T09:00:00Z') => ({ spec: s, raw: { metadata: { name: 'files', namespace: 'acme', creationTimestamp: created as unknown as Date } } });
const check = { prometheus: { url: 'http://prometheus:9090', query: 'backup_last_success_timestamp_seconds{unit="files"}' } };

describe('backupPlan', () => {
  it('no check: nothing to do', () => {
    expect(backupPlan(unitOf(spec({ policy: 'WEEKLY-1' })))).toBeUndefined();
  });
  it('the defaults: every 5 min (300,000 ms), 10 s timeout, P3; the acceptance test and the creation as anchors', () => {
    const plan = backupPlan(unitOf(spec({ policy: 'WEEKLY-2', check, acceptanceTest: { passedAt: '2026-11-10T08:00:00Z', acceptedBy: 'jane' } })));
    expect(plan).toEqual({ ok: true, plan: {
      policy: 'WEEKLY-2', url: 'http://prometheus:9090', query: check.prometheus.query, periodMs: 300_000, timeoutMs: 10_000, priority: 'P3',
      acceptedAt: new Date('2026-11-10T08:00:00Z'), inServiceSince: new Date('2026-11-02T09:00:00Z'),
    } });
  });
  it('the subscription start comes before the creation', () => {
    expect(inServiceSince(unitOf(spec({ policy: 'WEEKLY-1', check }, { subscription: { start: '2026-10-01T00:00:00+02:00' } })))).toEqual(new Date('2026-09-30T22:00:00Z'));
  });
});

describe('the incident of a missed backup', () => {
  const s = spec({ policy: 'WEEKLY-1', check });
  const plan = backupPlan(unitOf(s));
  if (plan?.ok !== true) throw new Error('no plan');
  // Last success 2026-11-20T02:00Z + 8 d = deadline 2026-11-28T02:00Z; now 2026-11-29T10:00Z: missed.
  const verdict = backupVerdict({ policy: 'WEEKLY-1', lastSuccess: new Date('2026-11-20T02:00:00Z'), inServiceSince: plan.plan.inServiceSince }, new Date('2026-11-29T10:00:00Z'));
  const incident = backupIncident({ name: 'files', namespace: 'acme' }, plan.plan, verdict, new Date('2026-11-20T02:00:00Z'));
  it('is named after its deadline and opened at it, P3, labelled Backup', () => {
    expect(incident.metadata).toMatchObject({ name: 'files-bkp-20261128020000', namespace: 'acme', labels: { 'managedapps.dev/check': 'Backup', 'managedapps.dev/detection': 'Monitoring' } });
    expect(incident.spec).toMatchObject({ unitRefs: [{ name: 'files' }], priority: 'P3', detection: 'Monitoring', openedAt: '2026-11-28T02:00:00Z', summary: 'files: backup missed (WEEKLY-1): last successful backup 2026-11-20T02:00:00Z' });
    expect(backupIncidentName('x'.repeat(300), verdict.deadline)).toHaveLength(253);
  });
  it('is open for its unit until resolved, and is resolved at the new success, never before openedAt', () => {
    const view = { spec: incident.spec, labels: incident.metadata.labels ?? {} };
    expect(isOpenBackupIncident(view, 'files')).toBe(true);
    expect(isOpenBackupIncident(view, 'other')).toBe(false);
    expect(isOpenBackupIncident({ ...view, spec: { ...view.spec, resolvedAt: '2026-11-29T10:00:00Z' } }, 'files')).toBe(false);
    expect(isOpenBackupIncident({ ...view, labels: {} }, 'files')).toBe(false);
    expect(backupResolution(view, new Date('2026-11-29T09:30:00Z'))).toEqual(new Date('2026-11-29T09:30:00Z'));
    expect(backupResolution(view, new Date('2026-11-27T00:00:00Z'))).toEqual(new Date('2026-11-28T02:00:00Z'));
  });
  it('the status: False BackupMissed naming the incident; the transition time kept while it stays False', () => {
    const at = new Date('2026-11-29T10:00:00Z');
    const first = backupStatus({ kind: 'Observed', verdict, lastSuccess: new Date('2026-11-20T02:00:00Z'), incident: incident.metadata.name }, 'WEEKLY-1', undefined, 3, at);
    expect(first.backup).toEqual({ lastSuccessTime: '2026-11-20T02:00:00Z', deadline: '2026-11-28T02:00:00Z', incident: { name: 'files-bkp-20261128020000' } });
    expect(first.conditions[0]).toMatchObject({ type: 'BackupOnSchedule', status: 'False', reason: 'BackupMissed', observedGeneration: 3, lastTransitionTime: '2026-11-29T10:00:00Z' });
    const later = backupStatus({ kind: 'Observed', verdict, lastSuccess: new Date('2026-11-20T02:00:00Z'), incident: incident.metadata.name }, 'WEEKLY-1', first.conditions[0], 3, new Date('2026-11-29T10:05:00Z'));
    expect(later).toEqual(first);
    const unknown = backupStatus({ kind: 'NotObserved', message: 'query "x": connection refused' }, 'WEEKLY-1', first.conditions[0], 3, new Date('2026-11-29T10:10:00Z'));
    expect(unknown.backup).toEqual({ message: 'query "x": connection refused' });
    expect(unknown.conditions[0]).toMatchObject({ status: 'Unknown', reason: 'BackupNotObserved', lastTransitionTime: '2026-11-29T10:10:00Z' });
    const status: ServiceUnitStatus = { ...first };
    expect(status.backup?.deadline).toBe('2026-11-28T02:00:00Z');
  });
});
