import { describe, expect, it } from 'vitest';
import { unitAvailability } from './availability.ts';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { approvedByPlan, nextOccurrences, occurrenceApproval, type MaintenanceSchedule } from './maintenance.ts';
import { PATCH_UNIT_LEVELS, declinedPatchProblem, patchProblems, planYearOf, resolveDeclinedPatch, type PatchCampaignFacts } from './patching.ts';
import type { ChangeInput, IncidentInput, ReportInput, UnitInput } from './report.ts';
import { evaluateRestoration } from './restoration.ts';
import { computeMonthlyReport, evaluateTenant } from './tenant.ts';
import { PREREQUISITES, type ManagementLevel } from './vocabulary.ts';

const at = (iso: string) => new Date(iso);
const PARIS = 'Europe/Paris';
const HOUR = 3600;

describe('the yearly patch plan (seed §5.8, domain.md §11 "as an agreed plan")', () => {
  // The second Tuesday of each month, 22:00 Paris (CET, UTC+1, in every month below), 4 h:
  // 8 Dec 2026, 12 Jan, 9 Feb, 9 Mar, 14 Dec 2027 and 11 Jan 2028, each at 21:00Z.
  const schedule = (approvedYears: { year: number; approvedAt: string }[]): MaintenanceSchedule => ({
    timeZone: PARIS,
    recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU', startTime: '22:00' },
    durationSeconds: 4 * HOUR,
    approvals: { required: true, approvedStarts: [], approvedYears: approvedYears.map((p) => ({ year: p.year, approvedAt: at(p.approvedAt) })) },
  });
  const occ = (start: string) => ({ start: at(start), end: new Date(at(start).getTime() + 4 * HOUR * 1000) });
  // The plan of 2027, agreed on 10 December 2026.
  const plan2027 = schedule([{ year: 2027, approvedAt: '2026-12-10T09:00:00Z' }]);

  it.each([
    ['8 Dec 2026: the year before the plan', '2026-12-08T21:00:00Z', 'AwaitingApproval', undefined],
    ['12 Jan 2027: the plan\'s first', '2027-01-12T21:00:00Z', 'Approved', 2027],
    ['14 Dec 2027: the plan\'s last', '2027-12-14T21:00:00Z', 'Approved', 2027],
    ['11 Jan 2028: the next year, not in the plan', '2028-01-11T21:00:00Z', 'AwaitingApproval', undefined],
  ] as const)('%s: %s', (_name, start, approval, year) => {
    expect(occurrenceApproval(plan2027, occ(start))).toBe(approval);
    expect(approvedByPlan(plan2027, occ(start))).toBe(year);
  });

  it('the next occurrences from 1 December 2027: December approved by the plan of 2027, January 2028 awaiting', () => {
    const next = nextOccurrences(plan2027, at('2027-12-01T00:00:00Z'), 2).map((o) => [o.start.toISOString(), occurrenceApproval(plan2027, o)]);
    expect(next).toEqual([['2027-12-14T21:00:00.000Z', 'Approved'], ['2028-01-11T21:00:00.000Z', 'AwaitingApproval']]);
  });

  it('a plan approved during its year approves the occurrences from then on, not those already started (approved before, domain.md §10)', () => {
    // Approved 1 March 2027: 12 Jan and 9 Feb had started; 9 Mar is after.
    const late = schedule([{ year: 2027, approvedAt: '2027-03-01T08:00:00Z' }]);
    expect(occurrenceApproval(late, occ('2027-02-09T21:00:00Z'))).toBe('AwaitingApproval');
    expect(occurrenceApproval(late, occ('2027-03-09T21:00:00Z'))).toBe('Approved');
  });

  it('the year is the window\'s own zone\'s: 00:30 Paris on 1 January 2028 (23:30Z on 31 December) is in 2028', () => {
    expect(planYearOf(at('2027-12-31T23:30:00Z'), PARIS)).toBe(2028);
    expect(planYearOf(at('2027-12-31T23:30:00Z'), 'UTC')).toBe(2027);
    const daily: MaintenanceSchedule = { ...plan2027, recurrence: { rrule: 'FREQ=DAILY', startTime: '00:30' } };
    expect(occurrenceApproval(daily, occ('2027-12-30T23:30:00Z'))).toBe('Approved'); // 31 Dec 2027 00:30 Paris
    expect(occurrenceApproval(daily, occ('2027-12-31T23:30:00Z'))).toBe('AwaitingApproval'); // 1 Jan 2028 00:30 Paris
  });
});

describe('a patch campaign is the provider\'s, on OS, Database or Middleware units (seed §5.9.2)', () => {
  const levels: Record<string, ManagementLevel> = { os: 'OS', db: 'Database', mw: 'Middleware', app: 'Application', k8s: 'Kubernetes' };
  const levelOf = (n: string): ManagementLevel | undefined => levels[n];
  const patch = { patches: ['KB5034441'] };
  it('the three levels of seed §5.9.2', () => {
    expect(PATCH_UNIT_LEVELS).toEqual(['OS', 'Database', 'Middleware']);
  });
  it.each([
    ['OS, Database and Middleware units', patch, 'Provider', ['os', 'db', 'mw'], []],
    ['an Application unit, named by its index', patch, 'Provider', ['os', 'app'], [{ path: 'spec.unitRefs[1]', message: "ServiceUnit 'app' is at level Application: a patch campaign (spec.patch) is on OS, Database, Middleware units only (seed §5.9.2)" }]],
    ['a Kubernetes unit', patch, 'Provider', ['k8s'], [{ path: 'spec.unitRefs[0]', message: "ServiceUnit 'k8s' is at level Kubernetes: a patch campaign (spec.patch) is on OS, Database, Middleware units only (seed §5.9.2)" }]],
    ['a unit not applied yet (GitOps order)', patch, 'Provider', ['later'], []],
    ['a client\'s campaign', patch, 'Client', ['os'], [{ path: 'spec.initiator', message: 'a patch campaign (spec.patch) is the provider\'s: initiator Provider, validated by the client (seed §5.9.2)' }]],
    ['not a campaign', undefined, 'Client', ['app'], []],
  ] as const)('%s', (_name, p, initiator, units, problems) => {
    expect(patchProblems({ patch: p, initiator, unitRefs: units.map((name) => ({ name })) }, levelOf)).toEqual(problems);
  });
});

describe('what an incident\'s declinedPatchRef names (seed §9.10)', () => {
  const opened = at('2027-01-20T10:00:00Z');
  const now = at('2027-01-25T12:00:00Z');
  const declined: PatchCampaignFacts = { name: 'patch-jan', patch: true, declinedAt: at('2027-01-11T09:00:00Z'), declinedBy: 'alice' };
  it.each([
    ['a campaign declined before the incident opened', declined, { kind: 'Declined', change: 'patch-jan', declinedAt: at('2027-01-11T09:00:00Z'), declinedBy: 'alice' }],
    ['no such change (GitOps order)', undefined, { kind: 'NotFound', change: 'patch-jan' }],
    ['a change that is not a campaign', { name: 'patch-jan' }, { kind: 'NotDeclinedPatch', change: 'patch-jan', why: 'it is not a patch campaign (no spec.patch)' }],
    ['a campaign the client approved (or has not decided)', { name: 'patch-jan', patch: true }, { kind: 'NotDeclinedPatch', change: 'patch-jan', why: 'the client has not declined it (spec.approval is not a binding Rejected decision)' }],
    ['a decline recorded after now: not known yet', { ...declined, declinedAt: at('2027-01-26T00:00:00Z') }, { kind: 'NotDeclinedPatch', change: 'patch-jan', why: 'the client has not declined it (spec.approval is not a binding Rejected decision)' }],
    ['declined after the incident opened: not its cause', { ...declined, declinedAt: at('2027-01-21T00:00:00Z') }, { kind: 'NotDeclinedPatch', change: 'patch-jan', why: 'it was declined at 2027-01-21T00:00:00Z, after the incident opened: it cannot have caused it' }],
  ] as const)('%s', (_name, change, resolution) => {
    expect(resolveDeclinedPatch('patch-jan', change, opened, now)).toEqual(resolution);
  });
  it('a bad reference is a problem of spec.declinedPatchRef; a declined campaign or one not applied yet is none', () => {
    expect(declinedPatchProblem(resolveDeclinedPatch('patch-jan', { name: 'patch-jan' }, opened, now))).toEqual({
      path: 'spec.declinedPatchRef', message: "ChangeRequest 'patch-jan' is not a patch campaign the client declined: it is not a patch campaign (no spec.patch)",
    });
    expect(declinedPatchProblem(resolveDeclinedPatch('patch-jan', declined, opened, now))).toBeUndefined();
    expect(declinedPatchProblem(resolveDeclinedPatch('patch-jan', undefined, opened, now))).toBeUndefined();
  });
});

describe('an incident caused by a declined patch is the client\'s: neither GTD nor GTR applies, on any unit (seed §9.10)', () => {
  // A P1 on a production OS unit, not co-managed, opened Wed 20 Jan 2027 10:00Z, resolved 12:00Z: 2 h = 7,200 s.
  const incident = { name: 'inc-1', priority: 'P1' as const, openedAt: at('2027-01-20T10:00:00Z'), resolvedAt: at('2027-01-20T12:00:00Z'), cause: 'Client' as const, exclusions: [] };
  const unit = { name: 'os-1', environment: 'Production' as const, coManaged: false, levelThreeOwner: 'Provider' as const, prerequisitesValidated: true, computerVision: false };
  const context = { calendar: DEFAULT_CALENDAR, supportLevelOf: () => 'Premium' as const };
  const now = at('2027-01-25T12:00:00Z');
  // January 2027: 31 days = 2,678,400 s.
  const month = { start: at('2026-12-31T23:00:00Z'), end: at('2027-01-31T23:00:00Z') };
  const avail = (declinedPatch?: string) => unitAvailability(
    { unit: { name: 'os-1', subscription: { start: at('2026-01-01T00:00:00Z') }, coManaged: false, prerequisitesValidated: true }, family: 'OS', incidents: [{ ...incident, declinedPatch }], maintenance: [] },
    month, now,
  );

  it('GTR: DeclinedPatch, not applicable; cause Client alone on a unit that is not co-managed: applicable (domain.md §8)', () => {
    expect(evaluateRestoration({ ...incident, declinedPatch: 'patch-jan' }, [unit], context, now)).toMatchObject({ applicable: false, reason: 'DeclinedPatch', declinedPatch: 'patch-jan', timed: false });
    // Premium P1: 4 h; restored in 2 h: on time.
    expect(evaluateRestoration(incident, [unit], context, now)).toMatchObject({ applicable: true, reason: 'Applicable', late: false });
  });

  it('GTD: its 7,200 s are excluded (100 %); without the declined patch they count: (2,678,400 − 7,200) / 2,678,400 = 99.7312 %', () => {
    expect(avail('patch-jan')).toMatchObject({ interruptionSeconds: 7200, excludedSeconds: 7200, availabilityPercent: 100, countedIncidents: [] });
    const counted = avail();
    expect(counted).toMatchObject({ interruptionSeconds: 7200, excludedSeconds: 0, countedIncidents: ['inc-1'] });
    expect(counted.availabilityPercent).toBeCloseTo(99.7312, 4);
  });
});

describe('the month\'s report with a declined patch: the same whatever the order, once both records are there', () => {
  const unit: UnitInput = {
    name: 'os-1', level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  };
  // Proposed Mon 4 Jan 2027, declined by alice Mon 11 Jan 09:00Z.
  const campaign: ChangeInput = {
    name: 'patch-jan', unitNames: ['os-1'], category: 'StandardSimple', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Provider',
    requestedAt: at('2027-01-04T09:00:00Z'), patch: true, declinedAt: at('2027-01-11T09:00:00Z'), declinedBy: 'alice',
  };
  const other: ChangeInput = { ...campaign, name: 'resize', patch: undefined, declinedAt: undefined, declinedBy: undefined, initiator: 'Client' };
  // The P1 of 20 Jan, 10:00Z-12:00Z (7,200 s), named as caused by the declined campaign.
  const incident: IncidentInput = {
    name: 'inc-1', unitNames: ['os-1'], priority: 'P1', openedAt: at('2027-01-20T10:00:00Z'), resolvedAt: at('2027-01-20T12:00:00Z'), cause: 'Client', exclusions: [], declinedPatchRef: 'patch-jan',
  };
  const input = (changes: ChangeInput[]): ReportInput => ({
    calendar: DEFAULT_CALENDAR,
    contract: { currency: 'EUR', start: '2026-01-01', commitmentMonths: 24, supportLevels: { Production: 'Premium' }, payAsYouGoTokenPrice: 100, monthlyTokens: 10 },
    units: [unit],
    functions: [{ name: 'erp-os', family: 'OS', units: ['os-1'], monthlyCharge: 1000 }],
    incidents: [incident],
    changes,
    maintenanceWindows: [],
  });
  const closedAt = at('2027-03-15T00:00:00Z');

  it('the incident is excluded from GTD and GTR in the report, and the evaluation says why', () => {
    const report = computeMonthlyReport(input([campaign, other]), '2027-01', closedAt);
    expect(report.functions[0]).toMatchObject({ availabilityPercent: 100, interruptionSeconds: 7200, excludedSeconds: 7200, creditAmount: 0 });
    expect(report.gtr.incidents[0]).toMatchObject({ name: 'inc-1', applicable: false, reason: 'DeclinedPatch' });
    expect(evaluateTenant(input([campaign]), closedAt).declinedPatch('inc-1')).toEqual({ kind: 'Declined', change: 'patch-jan', declinedAt: at('2027-01-11T09:00:00Z'), declinedBy: 'alice' });
  });

  it('the order the changes are read in does not matter; without the campaign (not applied yet) the incident counts as cause Client alone', () => {
    expect(computeMonthlyReport(input([other, campaign]), '2027-01', closedAt)).toEqual(computeMonthlyReport(input([campaign, other]), '2027-01', closedAt));
    const without = computeMonthlyReport(input([other]), '2027-01', closedAt);
    // Counted: (2,678,400 − 7,200) / 2,678,400 = 99.7312 %; on time (2 h of 4 h), applicable.
    expect(without.functions[0]?.excludedSeconds).toBe(0);
    expect(without.gtr.incidents[0]).toMatchObject({ applicable: true, reason: 'Applicable' });
    expect(evaluateTenant(input([other]), closedAt).declinedPatch('inc-1')).toEqual({ kind: 'NotFound', change: 'patch-jan' });
  });
});
