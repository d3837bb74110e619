import { describe, expect, it } from 'vitest';
import { CHANGE_LABEL, RUNBOOK_LABEL, jobOutcome, jobOutcomeChanged, ownedBy, runbookJob, runbookJobName } from './runbook.ts';

describe('a runbook\'s Jobs (issue 14 item 3)', () => {
  it('are named after the change, deterministically, within a Job name\'s 63 characters', () => {
    expect(runbookJobName('chg-1', 'run')).toBe('chg-1-run');
    expect(runbookJobName('chg-1', 'rollback')).toBe('chg-1-rollback');
    const long = `patch-${'x'.repeat(80)}`;
    const name = runbookJobName(long, 'rollback');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^patch-x+-[0-9a-f]{8}-rollback$/);
    expect(runbookJobName(long, 'rollback')).toBe(name);
    expect(runbookJobName(`${long}y`, 'rollback')).not.toBe(name);
  });

  it('are owned by the change (controller), labelled, in its namespace whatever the template says', () => {
    const job = runbookJob({ name: 'chg-1', namespace: 'acme', uid: 'u-1' }, 'run', { metadata: { namespace: 'acme', labels: { app: 'patch', [CHANGE_LABEL]: 'other' } }, spec: { backoffLimit: 0 } });
    expect(job.metadata).toEqual({
      name: 'chg-1-run', namespace: 'acme',
      labels: { app: 'patch', [CHANGE_LABEL]: 'chg-1', [RUNBOOK_LABEL]: 'run' },
      ownerReferences: [{ apiVersion: 'managedapps.dev/v1alpha1', kind: 'ChangeRequest', name: 'chg-1', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(job.spec).toEqual({ backoffLimit: 0 });
    expect(ownedBy(job, 'u-1')).toBe(true);
    expect(ownedBy(job, 'u-2')).toBe(false);
  });

  it('say how they ended from their batch/v1 conditions', () => {
    expect(jobOutcome({ status: {} })).toEqual({ kind: 'Running' });
    expect(jobOutcome({ status: { completionTime: '2026-11-20T12:00:05Z', conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] } }))
      .toEqual({ kind: 'Succeeded', at: new Date('2026-11-20T12:00:05Z') });
    expect(jobOutcome({ status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: '2026-11-20T12:00:07Z' }] } }))
      .toEqual({ kind: 'Failed', at: new Date('2026-11-20T12:00:07Z'), message: 'BackoffLimitExceeded: Job has reached the specified backoff limit' });
  });

  it('wake their change on an add, a delete or a change of outcome only', () => {
    const running = { kind: 'Job', status: { active: 1 } };
    const ready = { kind: 'Job', status: { active: 1, ready: 1 } };
    const done = { kind: 'Job', status: { conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(jobOutcomeChanged(running, undefined)).toBe(true);
    expect(jobOutcomeChanged(ready, running)).toBe(false);
    expect(jobOutcomeChanged(done, ready)).toBe(true);
  });
});
