import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { RELEASES_PER_MONTH, releaseDecisions, releaseProblems, releasesOfMonth, type ReleaseRequest } from './releases.ts';
import type { ChangeInput, ReportInput, UnitInput } from './report.ts';
import { computeMonthlyReport, evaluateTenant } from './tenant.ts';
import { PREREQUISITES, type ManagementLevel, type SupportLevel } from './vocabulary.ts';

const at = (iso: string) => new Date(iso);
const PARIS = 'Europe/Paris';
const rq = (name: string, requestedAt: string, supportLevel: SupportLevel, release = true): ReleaseRequest => ({ name, release, requestedAt: at(requestedAt), supportLevel });

describe('the quota of releases per month (seed Table 1, domain.md §3)', () => {
  it('is 1 / 2 / 4 for Initial / Standard / Premium', () => {
    expect(RELEASES_PER_MONTH).toEqual({ Initial: 1, Standard: 2, Premium: 4 });
  });

  // Paris is UTC+1 from 25 October 2026 (CET). Ranked by request time then name, per month and level.
  const requests: ReleaseRequest[] = [
    rq('oct-last', '2026-10-31T22:30:00Z', 'Premium'), // 31 Oct 23:30 Paris: October, Premium 1st
    rq('nov-1', '2026-10-31T23:30:00Z', 'Premium'), // 1 Nov 00:30 Paris: November, Premium 1st
    rq('nov-2', '2026-11-03T09:00:00Z', 'Premium'), // 2nd
    rq('nov-3b', '2026-11-04T09:00:00Z', 'Premium'), // same instant as nov-3a: after it by name, 4th
    rq('nov-3a', '2026-11-04T09:00:00Z', 'Premium'), // 3rd
    rq('nov-5', '2026-11-05T09:00:00Z', 'Premium'), // 5th: over 4
    rq('nov-6', '2026-11-06T09:00:00Z', 'Premium'), // 6th: over 4
    rq('dec-1', '2026-11-30T23:30:00Z', 'Premium'), // 1 Dec 00:30 Paris: December, Premium 1st
    rq('std-1', '2026-11-02T09:00:00Z', 'Standard'), // Standard counts apart: 1st
    rq('std-2', '2026-11-09T09:00:00Z', 'Standard'), // 2nd
    rq('std-3', '2026-11-10T09:00:00Z', 'Standard'), // 3rd: over 2
    rq('ini-1', '2026-11-02T10:00:00Z', 'Initial'), // 1st
    rq('ini-2', '2026-11-02T11:00:00Z', 'Initial'), // 2nd: over 1
    rq('not-a-release', '2026-11-02T12:00:00Z', 'Premium', false),
  ];
  const decisions = releaseDecisions(requests, PARIS);

  it.each([
    ['oct-last', '2026-10', 'Premium', 1, 4, true],
    ['nov-1', '2026-11', 'Premium', 1, 4, true],
    ['nov-2', '2026-11', 'Premium', 2, 4, true],
    ['nov-3a', '2026-11', 'Premium', 3, 4, true],
    ['nov-3b', '2026-11', 'Premium', 4, 4, true],
    ['nov-5', '2026-11', 'Premium', 5, 4, false],
    ['nov-6', '2026-11', 'Premium', 6, 4, false],
    ['dec-1', '2026-12', 'Premium', 1, 4, true],
    ['std-1', '2026-11', 'Standard', 1, 2, true],
    ['std-2', '2026-11', 'Standard', 2, 2, true],
    ['std-3', '2026-11', 'Standard', 3, 2, false],
    ['ini-1', '2026-11', 'Initial', 1, 1, true],
    ['ini-2', '2026-11', 'Initial', 2, 1, false],
  ] as const)('%s: %s %s, rank %i of %i, within %s', (name, month, supportLevel, rank, quota, withinQuota) => {
    expect(decisions.get(name)).toMatchObject({ month, supportLevel, rank, quota, withinQuota });
  });

  it('the fifth release of a Premium month is flagged, with a message that says why and how it is billed', () => {
    expect(decisions.get('nov-5')?.message).toBe('the 5th release of November 2026 on Premium, over the quota of 4: billed as a change (seed §5.5)');
    expect(decisions.get('nov-3b')?.message).toBe('the 4th release of November 2026 on Premium, within the quota of 4: included, 0 tokens (seed Table 1)');
    expect(decisions.get('std-3')?.message).toBe('the 3rd release of November 2026 on Standard, over the quota of 2: billed as a change (seed §5.5)');
  });

  it('a change that is not a release is not counted; the order the objects are read in does not matter', () => {
    expect(decisions.has('not-a-release')).toBe(false);
    expect(releaseDecisions([...requests].reverse(), PARIS)).toEqual(decisions);
  });

  it('the month\'s rows per level: the levels in force, and any level a release was on', () => {
    // November: Initial 2 (quota 1, 1 over), Standard 3 (quota 2, 1 over), Premium 6 (nov-1..nov-6; quota 4, 2 over).
    expect(releasesOfMonth(decisions.values(), '2026-11', ['Premium'])).toEqual([
      { supportLevel: 'Initial', count: 2, quota: 1, overQuota: 1 },
      { supportLevel: 'Standard', count: 3, quota: 2, overQuota: 1 },
      { supportLevel: 'Premium', count: 6, quota: 4, overQuota: 2 },
    ]);
    // January 2027 has none: the level in force is listed with 0.
    expect(releasesOfMonth(decisions.values(), '2027-01', ['Standard'])).toEqual([{ supportLevel: 'Standard', count: 0, quota: 2, overQuota: 0 }]);
  });
});

describe('a release is on Application units (seed Table 1)', () => {
  const levels: Record<string, ManagementLevel> = { app: 'Application', db: 'Database' };
  const levelOf = (n: string): ManagementLevel | undefined => levels[n];
  it.each([
    ['an Application unit', true, ['app'], []],
    ['a Database unit, named by its index', true, ['app', 'db'], [{ path: 'spec.unitRefs[1]', message: "ServiceUnit 'db' is at level Database: a release (spec.release) is a change on a managed application, level Application (seed Table 1)" }]],
    ['a unit not applied yet (GitOps order)', true, ['later'], []],
    ['not a release', false, ['db'], []],
  ] as const)('%s', (_name, release, units, problems) => {
    expect(releaseProblems({ release, unitRefs: units.map((name) => ({ name })) }, levelOf)).toEqual(problems);
  });
});

describe('a Premium month with five releases: the fifth is billed as a change, the others are included', () => {
  const unit = (name: string, environment: UnitInput['environment']): UnitInput => ({
    name, level: 'Application', environment, targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  });
  const change = (name: string, unitName: string, day: number, release = true): ChangeInput => ({
    name, unitNames: [unitName], category: 'StandardComplex', tokens: 3, accelerated: false, outsideBusinessHours: false,
    release, initiator: 'Client',
    // Requested 09:00Z (10:00 Paris) and completed two hours later, the same business day of November 2026.
    requestedAt: at(`2026-11-${String(day).padStart(2, '0')}T09:00:00Z`), completedAt: at(`2026-11-${String(day).padStart(2, '0')}T11:00:00Z`),
  });
  const input: ReportInput = {
    calendar: DEFAULT_CALENDAR,
    contract: {
      currency: 'EUR', start: '2026-01-01', commitmentMonths: 12,
      supportLevels: { Production: 'Premium', PreProduction: 'Standard' },
      payAsYouGoTokenPrice: 100, monthlyTokens: 10,
    },
    units: [unit('app-1', 'Production'), unit('app-pp', 'PreProduction')],
    functions: [{ name: 'app', family: 'Application', units: ['app-1'], monthlyCharge: 1000 }],
    incidents: [],
    changes: [
      // Mon 2 … Fri 6 November: five Premium releases; Tue 3, Wed 4, Thu 5: three Standard ones; Mon 9: a change that is not a release.
      change('rel-1', 'app-1', 2), change('rel-2', 'app-1', 3), change('rel-3', 'app-1', 4), change('rel-4', 'app-1', 5), change('rel-5', 'app-1', 6),
      change('pp-1', 'app-pp', 3), change('pp-2', 'app-pp', 4), change('pp-3', 'app-pp', 5),
      change('resize', 'app-1', 9, false),
    ],
    maintenanceWindows: [],
  };
  const ev = evaluateTenant(input, at('2026-11-20T12:00:00Z'));

  it.each([
    ['rel-1', 1, true, 0], ['rel-2', 2, true, 0], ['rel-3', 3, true, 0], ['rel-4', 4, true, 0],
    // Over 4: its 3 catalogue tokens at 100 = 300.
    ['rel-5', 5, false, 3],
    ['pp-1', 1, true, 0], ['pp-2', 2, true, 0],
    // Standard, over 2: 3 tokens.
    ['pp-3', 3, false, 3],
  ] as const)('%s: rank %i, within %s, %i tokens', (name, rank, withinQuota, tokens) => {
    const e = ev.change(name);
    expect(e?.release).toMatchObject({ rank, withinQuota });
    expect(e?.result).toMatchObject({ tokensCharged: tokens, price: tokens * 100 });
  });

  it('a change that is not a release is priced as before', () => {
    expect(ev.change('resize')).toMatchObject({ release: undefined, result: { tokensCharged: 3, price: 300 } });
  });

  it('the month\'s ledger counts the billed releases like any change; the report lists the releases per level', () => {
    // rel-5 3 + pp-3 3 + resize 3 = 9 tokens of the pack of 10: 1 left, no extra.
    expect(ev.ledger('2026-11')).toMatchObject({ packTokens: 10, consumedTokens: 9, fromPack: 9, overageTokens: 0 });
    const report = computeMonthlyReport(input, '2026-11', at('2027-01-15T00:00:00Z'));
    expect(report.tokens).toEqual({ pack: 10, used: 9, extra: 0, extraAmount: 0 });
    expect(report.releases).toEqual([
      { supportLevel: 'Standard', count: 3, quota: 2, overQuota: 1 },
      { supportLevel: 'Premium', count: 5, quota: 4, overQuota: 1 },
    ]);
    // October has no release: no releases section (a month without keeps its report as it was).
    expect(computeMonthlyReport(input, '2026-10', at('2027-01-15T00:00:00Z')).releases).toBeUndefined();
  });
});
