import { describe, expect, it } from 'vitest';
import {
  BACKUP_PERIOD_SECONDS, BACKUP_TOLERANCE_SECONDS, RESTORE_CATALOG_ITEM, backupAllowedGapSeconds, backupVerdict, latestBackupSuccess,
  restoreProblems, type RestoreChange,
} from './backup.ts';
import { BACKUP_POLICIES, type BackupPolicy } from './vocabulary.ts';

const t = (iso: string): Date => new Date(iso);

describe('seed §5.10.2 Table 3: the longest gap between two backups, tolerance included', () => {
  // Weekly: 7 d + 1 d = 8 d = 691,200 s; monthly: 31 d + 1 d = 32 d = 2,764,800 s.
  const expected: Record<BackupPolicy, number> = {
    'WEEKLY-1': 691_200, 'WEEKLY-2': 691_200,
    'MONTHLY-1': 2_764_800, 'MONTHLY-3': 2_764_800, 'MONTHLY-6': 2_764_800, 'MONTHLY-12': 2_764_800, 'MONTHLY-36': 2_764_800,
  };
  it.each(BACKUP_POLICIES.map((p) => [p, expected[p]] as const))('%s: %i s', (policy, seconds) => {
    expect(backupAllowedGapSeconds(policy)).toBe(seconds);
  });
  it('the numbers: 7 days, 31 days, 24 h', () => {
    expect(BACKUP_PERIOD_SECONDS).toEqual({ Weekly: 604_800, Monthly: 2_678_400 });
    expect(BACKUP_TOLERANCE_SECONDS).toBe(86_400);
  });
});

describe('backupVerdict: on schedule until the last success + period + tolerance, missed from then', () => {
  const cases: readonly {
    readonly name: string; readonly policy: BackupPolicy; readonly lastSuccess: string | undefined; readonly acceptedAt?: string; readonly inService: string;
    readonly now: string; readonly state: 'OnSchedule' | 'Missed'; readonly deadline: string; readonly overdue: number;
  }[] = [
    // 2026-10-05T02:00Z + 8 d = 2026-10-13T02:00Z; one second before it, on schedule.
    { name: 'weekly, a second before the deadline', policy: 'WEEKLY-1', lastSuccess: '2026-10-05T02:00:00Z', inService: '2026-09-01T00:00:00Z', now: '2026-10-13T01:59:59Z', state: 'OnSchedule', deadline: '2026-10-13T02:00:00Z', overdue: 0 },
    // At the deadline itself: missed, 0 s overdue.
    { name: 'weekly, at the deadline', policy: 'WEEKLY-1', lastSuccess: '2026-10-05T02:00:00Z', inService: '2026-09-01T00:00:00Z', now: '2026-10-13T02:00:00Z', state: 'Missed', deadline: '2026-10-13T02:00:00Z', overdue: 0 },
    // An hour past: 3,600 s overdue.
    { name: 'weekly, an hour past', policy: 'WEEKLY-2', lastSuccess: '2026-10-05T02:00:00Z', inService: '2026-09-01T00:00:00Z', now: '2026-10-13T03:00:00Z', state: 'Missed', deadline: '2026-10-13T02:00:00Z', overdue: 3600 },
    // 2026-01-31T23:00Z + 32 d: 28 days to 2026-02-28T23:00Z, 4 more to 2026-03-04T23:00Z (February 2026 has 28 days).
    { name: 'monthly across February', policy: 'MONTHLY-12', lastSuccess: '2026-01-31T23:00:00Z', inService: '2026-01-01T00:00:00Z', now: '2026-03-04T22:59:59Z', state: 'OnSchedule', deadline: '2026-03-04T23:00:00Z', overdue: 0 },
    // 2028 is a leap year: 2028-01-31T23:00Z + 32 d = 2028-03-03T23:00Z (29 days to 2028-02-29T23:00Z, 3 more); a day later, 86,400 s overdue.
    { name: 'monthly across 29 February', policy: 'MONTHLY-36', lastSuccess: '2028-01-31T23:00:00Z', inService: '2028-01-01T00:00:00Z', now: '2028-03-04T23:00:00Z', state: 'Missed', deadline: '2028-03-03T23:00:00Z', overdue: 86_400 },
    // No success recorded: the clock starts at the acceptance test, 2026-10-01T08:00Z + 8 d = 2026-10-09T08:00Z.
    { name: 'no success recorded since the acceptance test', policy: 'WEEKLY-2', lastSuccess: undefined, acceptedAt: '2026-10-01T08:00:00Z', inService: '2026-09-01T00:00:00Z', now: '2026-10-09T08:00:01Z', state: 'Missed', deadline: '2026-10-09T08:00:00Z', overdue: 1 },
    // A success during implementation (2026-09-20) does not start the clock before the acceptance test: 2026-10-01T00:00Z + 8 d.
    { name: 'a success older than the acceptance test', policy: 'WEEKLY-1', lastSuccess: '2026-09-20T00:00:00Z', acceptedAt: '2026-10-01T00:00:00Z', inService: '2026-09-01T00:00:00Z', now: '2026-10-08T12:00:00Z', state: 'OnSchedule', deadline: '2026-10-09T00:00:00Z', overdue: 0 },
    // Nothing recorded and no acceptance test: from the subscription (or creation), 2026-11-02T09:00Z + 32 d = 2026-12-04T09:00Z.
    { name: 'no success, no acceptance test: from the subscription', policy: 'MONTHLY-1', lastSuccess: undefined, inService: '2026-11-02T09:00:00Z', now: '2026-12-04T08:59:59Z', state: 'OnSchedule', deadline: '2026-12-04T09:00:00Z', overdue: 0 },
    // A success before the unit was created (a unit put under management with its backups running) counts: 2026-10-30T02:00Z + 8 d = 2026-11-07T02:00Z.
    { name: 'a success older than the subscription counts', policy: 'WEEKLY-1', lastSuccess: '2026-10-30T02:00:00Z', inService: '2026-11-05T00:00:00Z', now: '2026-11-07T02:00:00Z', state: 'Missed', deadline: '2026-11-07T02:00:00Z', overdue: 0 },
    // Elapsed time, not wall-clock days: across Paris' DST change (2026-10-25) 2026-10-20T01:00Z + 8 × 24 h = 2026-10-28T01:00Z.
    { name: 'across a DST change', policy: 'WEEKLY-1', lastSuccess: '2026-10-20T01:00:00Z', inService: '2026-01-01T00:00:00Z', now: '2026-10-28T00:59:59Z', state: 'OnSchedule', deadline: '2026-10-28T01:00:00Z', overdue: 0 },
  ];
  it.each(cases)('$name', (c) => {
    const v = backupVerdict({ policy: c.policy, lastSuccess: c.lastSuccess === undefined ? undefined : t(c.lastSuccess), acceptedAt: c.acceptedAt === undefined ? undefined : t(c.acceptedAt), inServiceSince: t(c.inService) }, t(c.now));
    expect(v.state).toBe(c.state);
    expect(v.deadline.toISOString()).toBe(t(c.deadline).toISOString());
    expect(v.overdueSeconds).toBe(c.overdue);
  });
  it('the same inputs give the same deadline whenever it is computed (the incident is named after it)', () => {
    const o = { policy: 'WEEKLY-1' as const, lastSuccess: t('2026-10-05T02:00:00Z'), inServiceSince: t('2026-09-01T00:00:00Z') };
    expect(backupVerdict(o, t('2026-10-14T00:00:00Z')).deadline).toEqual(backupVerdict(o, t('2026-11-30T00:00:00Z')).deadline);
  });
});

describe('latestBackupSuccess: the latest of the series, Unix seconds', () => {
  it.each([
    // 1791000000 = 2026-10-03T04:00:00Z, 1791086400 = one day later.
    { values: [1_791_000_000, 1_791_086_400], at: '2026-10-04T04:00:00.000Z' },
    { values: [1_791_086_400, 1_791_000_000], at: '2026-10-04T04:00:00.000Z' },
    // A fraction of a second is kept to the millisecond: 1791000000.25 → 04:00:00.250.
    { values: [1_791_000_000.25], at: '2026-10-03T04:00:00.250Z' },
    // 0 is "never succeeded" for the usual exporters; nothing else recorded: none.
    { values: [0], at: undefined },
    { values: [], at: undefined },
  ])('$values → $at', ({ values, at }) => {
    const r = latestBackupSuccess(values);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.at?.toISOString()).toBe(at);
  });
  it.each([[[-5]], [[Number.NaN]], [[Number.POSITIVE_INFINITY]]])('%j is refused: not a timestamp', (values) => {
    const r = latestBackupSuccess(values);
    expect(r.ok).toBe(false);
  });
});

describe('seed §5.10: a restore is a client change of the catalogue on units with a backup policy', () => {
  const policies: Record<string, BackupPolicy | null> = { 'os-files01': 'MONTHLY-12', 'k8s-platform': null };
  const policyOf = (name: string): BackupPolicy | null | undefined => policies[name];
  const restore = (over: Partial<RestoreChange> = {}): RestoreChange => ({ catalogItem: RESTORE_CATALOG_ITEM, category: 'StandardSimple', initiator: 'Client', unitRefs: [{ name: 'os-files01' }], ...over });
  it('a client restore of one token on a unit with a policy is right', () => {
    expect(restoreProblems(restore(), policyOf)).toEqual([]);
    expect(restoreProblems(restore({ category: 'StandardComplex' }), policyOf)).toEqual([]);
  });
  it('each wrong field is named', () => {
    expect(restoreProblems(restore({ category: 'NonStandard', initiator: 'Provider', unitRefs: [{ name: 'os-files01' }, { name: 'k8s-platform' }, { name: 'not-applied' }] }), policyOf).map((p) => p.path))
      .toEqual(['spec.category', 'spec.initiator', 'spec.unitRefs[1]']);
  });
  it('another catalogue item is not a restore', () => {
    expect(restoreProblems(restore({ catalogItem: 'os-reboot', initiator: 'Provider', unitRefs: [{ name: 'k8s-platform' }] }), policyOf)).toEqual([]);
  });
});
