import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coveredSeconds, DEFAULT_CALENDAR, type ServiceWindow } from './calendar.ts';
import { deadlineExcluding, evaluateRestoration, gtrCreditPercent, gtrDeviationPercent, type RestorationIncident, type RestorationUnit } from './restoration.ts';
import type { Environment, IncidentCause, Priority, SupportLevel } from './vocabulary.ts';

const H = 3600;
const at = (iso: string) => new Date(iso);
const prod: RestorationUnit = { name: 'db-1', environment: 'Production', coManaged: false, levelThreeOwner: 'Provider', prerequisitesValidated: true, computerVision: false };
const context = (level: SupportLevel, reversibility?: { start: Date; end: Date }) => ({ calendar: DEFAULT_CALENDAR, supportLevelOf: (_e: Environment) => level, reversibility });
const incident = (priority: Priority, openedAt: string, resolvedAt?: string, cause: IncidentCause = 'Provider', exclusions: [string, string][] = []): RestorationIncident => ({
  name: 'inc', priority, openedAt: at(openedAt), resolvedAt: resolvedAt === undefined ? undefined : at(resolvedAt), cause,
  exclusions: exclusions.map(([s, e]) => ({ start: at(s), end: at(e) })),
});
const LATER = at('2027-01-01T00:00:00Z');

describe('domain.md §6 deadlines, every cell with a target (Europe/Paris, FR holidays)', () => {
  it.each<[Priority, SupportLevel, string, string]>([
    // 24×7 in production for P1 and P2 (domain.md §4)
    ['P1', 'Premium', '2026-11-07T22:00:00Z', '2026-11-08T02:00:00Z'], // Saturday night: 4 h
    ['P1', 'Standard', '2026-11-07T22:00:00Z', '2026-11-08T06:00:00Z'], // 8 h
    ['P2', 'Premium', '2026-11-07T22:00:00Z', '2026-11-08T06:00:00Z'], // 8 h
    ['P2', 'Standard', '2026-11-07T22:00:00Z', '2026-11-08T22:00:00Z'], // 24 h
    ['P1', 'Premium', '2026-10-25T00:30:00Z', '2026-10-25T04:30:00Z'], // across the DST change: real time
    // "1 business day" = 9 business hours (Reading): Fri 15:00 Paris + 3 h, then Mon 09:00 + 6 h
    ['P1', 'Initial', '2026-11-06T14:00:00Z', '2026-11-09T14:00:00Z'],
    // P3 in business hours: Mon 2 Nov 09:00 Paris, 32 h = 3 × 9 h + 5 h → Thu 14:00 Paris
    ['P3', 'Premium', '2026-11-02T08:00:00Z', '2026-11-05T13:00:00Z'],
    // 48 h = 5 × 9 h + 3 h → Mon 9 Nov 12:00 Paris
    ['P3', 'Standard', '2026-11-02T08:00:00Z', '2026-11-09T11:00:00Z'],
    // Armistice (Wed 11 Nov) is no business day: Tue, Thu, Fri, then Mon 16 Nov 14:00 Paris
    ['P3', 'Premium', '2026-11-10T08:00:00Z', '2026-11-16T13:00:00Z'],
  ])('%s %s opened %s → deadline %s', (priority, level, openedAt, deadline) => {
    const r = evaluateRestoration(incident(priority, openedAt), [prod], context(level), LATER);
    expect(r.deadline?.toISOString()).toBe(new Date(deadline).toISOString());
    expect(r.applicable).toBe(true);
  });

  it.each<[Priority, SupportLevel]>([['P2', 'Initial'], ['P3', 'Initial'], ['P4', 'Initial'], ['P4', 'Standard'], ['P4', 'Premium']])('%s %s has no deadline', (priority, level) => {
    const r = evaluateRestoration(incident(priority, '2026-11-02T08:00:00Z', '2026-11-02T10:00:00Z'), [prod], context(level), LATER);
    expect(r.deadline).toBeUndefined();
    expect(r.applicable).toBe(false);
    expect(r.reason).toBe(priority === 'P4' ? 'NoCommitment' : 'NoSLA');
    expect(r.late).toBe(false);
  });
});

describe('domain.md §6 covered restoration time and lateness', () => {
  it('resolved exactly on the target is within; one second more is late', () => {
    const onTime = evaluateRestoration(incident('P1', '2026-11-02T10:00:00Z', '2026-11-02T14:00:00Z'), [prod], context('Premium'), LATER);
    expect([onTime.coveredSeconds, onTime.late]).toEqual([4 * H, false]);
    const late = evaluateRestoration(incident('P1', '2026-11-02T10:00:00Z', '2026-11-02T14:00:01Z'), [prod], context('Premium'), LATER);
    expect(late.late).toBe(true);
  });

  it('P3 time counts business hours only', () => {
    // Fri 17:00 Paris → Mon 10:00 Paris = 1 h + 1 h
    const r = evaluateRestoration(incident('P3', '2026-11-06T16:00:00Z', '2026-11-09T09:00:00Z'), [prod], context('Premium'), LATER);
    expect(r.coveredSeconds).toBe(2 * H);
  });

  it('exclusion periods do not count and push the deadline', () => {
    const r = evaluateRestoration(
      incident('P1', '2026-11-02T10:00:00Z', '2026-11-02T15:00:00Z', 'Provider', [['2026-11-02T11:00:00Z', '2026-11-02T12:30:00Z']]),
      [prod], context('Premium'), LATER,
    );
    expect(r.coveredSeconds).toBe(3.5 * H);
    expect(r.deadline?.toISOString()).toBe('2026-11-02T15:30:00.000Z');
    expect(r.late).toBe(false);
  });

  it('an unresolved incident is late once now passes its deadline', () => {
    const inc = incident('P1', '2026-11-02T10:00:00Z');
    expect(evaluateRestoration(inc, [prod], context('Premium'), at('2026-11-02T13:59:59Z')).late).toBe(false);
    expect(evaluateRestoration(inc, [prod], context('Premium'), at('2026-11-02T14:00:01Z'))).toMatchObject({ late: true, resolved: false, coveredSeconds: 4 * H + 1 });
  });

  it('the deadline with exclusions leaves exactly the target of covered, non-excluded time', () => {
    const windows: ServiceWindow[] = [{ kind: 'Always' }, { kind: 'BusinessHours', calendar: DEFAULT_CALENDAR }];
    const t0 = at('2026-11-01T00:00:00Z').getTime();
    const span = 20 * 24 * H * 1000;
    fc.assert(
      fc.property(
        fc.constantFrom(...windows),
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: span }), fc.integer({ min: 0, max: 3 * 24 * H * 1000 })), { maxLength: 5 }),
        (window, startOffset, hours, raw) => {
          const start = new Date(t0 + startOffset);
          const exclusions = raw.map(([s, len]) => ({ start: new Date(t0 + s), end: new Date(t0 + s + len) }));
          const deadline = deadlineExcluding(window, start, hours * H, exclusions);
          let excluded = 0;
          // Covered time minus the covered part of the (merged) exclusions equals the target.
          const merged = [...exclusions].sort((a, b) => a.start.getTime() - b.start.getTime());
          let lastEnd = start.getTime();
          for (const ex of merged) {
            const s = Math.max(ex.start.getTime(), lastEnd);
            const e = Math.min(ex.end.getTime(), deadline.getTime());
            if (e > s) excluded += coveredSeconds(window, new Date(s), new Date(e));
            lastEnd = Math.max(lastEnd, ex.end.getTime());
          }
          expect(coveredSeconds(window, start, deadline) - excluded).toBeCloseTo(hours * H, 3);
        },
      ),
    );
  });
});

describe('domain.md §6, §8 when GTR does not apply', () => {
  const base = incident('P1', '2026-11-02T10:00:00Z', '2026-11-02T12:00:00Z');
  it.each<[string, RestorationIncident, RestorationUnit[], string, { start: Date; end: Date }?]>([
    ['applies', base, [prod], 'Applicable'],
    ['no unit', base, [], 'UnknownUnit'],
    ['opened before the subscription', base, [{ ...prod, subscription: { start: at('2026-11-15T00:00:00Z') } }], 'NotSubscribed'],
    ['opened after the subscription ended', base, [{ ...prod, subscription: { start: at('2026-01-01T00:00:00Z'), end: at('2026-11-02T10:00:00Z') } }], 'NotSubscribed'],
    ['opened inside the subscription', base, [{ ...prod, subscription: { start: at('2026-11-02T10:00:00Z') } }], 'Applicable'],
    ['non-production', base, [{ ...prod, environment: 'PreProduction' }], 'NonProduction'],
    ['reversibility', base, [prod], 'Reversibility', { start: at('2026-11-01T00:00:00Z'), end: at('2027-02-01T00:00:00Z') }],
    ['IaaS', { ...base, cause: 'IaaS' }, [prod], 'IaaSUnavailable'],
    ['third-party AI bug', { ...base, cause: 'ThirdPartySoftware' }, [{ ...prod, computerVision: true }], 'ThirdPartyAIBug'],
    ['third-party bug elsewhere', { ...base, cause: 'ThirdPartySoftware' }, [prod], 'Applicable'],
    ['client is level 3', base, [{ ...prod, levelThreeOwner: 'Client' }], 'ProviderNotLevelThree'],
    ['client-caused, co-managed', { ...base, cause: 'Client' }, [{ ...prod, coManaged: true }], 'ClientInvolved'],
    ['shared cause, co-managed', { ...base, cause: 'Shared' }, [{ ...prod, coManaged: true }], 'ClientInvolved'],
    ['client-caused, managed', { ...base, cause: 'Client' }, [prod], 'Applicable'],
    ['prerequisites', base, [{ ...prod, prerequisitesValidated: false }], 'PrerequisitesNotValidated'],
    ['NoBuild: not managed', base, [{ ...prod, unguaranteed: 'NotManaged' }], 'NotManaged'],
    ['SelfCare: advice only', base, [{ ...prod, unguaranteed: 'AdviceOnly' }], 'AdviceOnly'],
    ['NoBuild in non-production: not managed either', base, [{ ...prod, environment: 'Development', unguaranteed: 'NotManaged' }], 'NotManaged'],
    ['a NoBuild unit and a managed one', base, [{ ...prod, name: 'x', unguaranteed: 'NotManaged' }, prod], 'Applicable'],
  ])('%s → %s', (_name, inc, units, reason, reversibility) => {
    const r = evaluateRestoration(inc, units, context('Standard', reversibility), LATER);
    expect(r.reason).toBe(reason);
    expect(r.applicable).toBe(reason === 'Applicable');
  });

  // domain.md §8 (seed §8.4.3): the times hold in non-production, without penalties: `timed`.
  it.each<[string, RestorationUnit[], RestorationIncident, boolean]>([
    ['production, applicable', [prod], base, true],
    ['pre-production, otherwise applicable', [{ ...prod, environment: 'PreProduction' }], base, true],
    ['pre-production, client is level 3', [{ ...prod, environment: 'PreProduction', levelThreeOwner: 'Client' }], base, false],
    ['pre-production, prerequisites not validated', [{ ...prod, environment: 'PreProduction', prerequisitesValidated: false }], base, false],
    ['pre-production, NoBuild', [{ ...prod, environment: 'PreProduction', unguaranteed: 'NotManaged' }], base, false],
    ['production, IaaS cause', [prod], { ...base, cause: 'IaaS' }, false],
  ])('timed: %s → %s', (_name, units, inc, timed) => {
    const r = evaluateRestoration(inc, units, context('Standard'), LATER);
    expect(r.timed).toBe(timed);
    expect(r.applicable).toBe(_name === 'production, applicable');
  });

  it('a late non-production incident is late, timed, and not applicable (no penalty)', () => {
    // P2 Standard in pre-production: 24 h in business hours (domain.md §4: non-production P1–P3
    // in business hours) = 2 × 9 h + 6 h. Opened Mon 2 Nov 09:00 Paris (08:00Z): Mon 9 h, Tue 9 h,
    // Wed 6 h → Wed 4 Nov 15:00 Paris = 14:00Z. Still open on Thu 5 Nov 12:00Z: late.
    const r = evaluateRestoration(incident('P2', '2026-11-02T08:00:00Z'), [{ ...prod, environment: 'PreProduction' }], context('Standard'), at('2026-11-05T12:00:00Z'));
    expect(r).toMatchObject({ reason: 'NonProduction', applicable: false, timed: true, late: true });
    expect(r.deadline?.toISOString()).toBe('2026-11-04T14:00:00.000Z');
  });

  it('reversibility ends after its period', () => {
    const rev = { start: at('2026-07-01T00:00:00Z'), end: at('2026-10-01T00:00:00Z') };
    expect(evaluateRestoration(base, [prod], context('Standard', rev), LATER).reason).toBe('Applicable');
  });
});

describe('domain.md §6 deviation and credit', () => {
  it.each([
    [0, 0, 0], [3, 0, 0], [1, 1, 20], [4, 1, 20], [4, 2, 40], [5, 1, 20], [10, 1, 10], [20, 1, 5], [6, 2, 100 / 3], [4, 4, 80],
  ])('%d resolved, %d late → %d %%', (resolved, late, deviation) => {
    expect(gtrDeviationPercent(resolved, late)).toBeCloseTo(deviation, 10);
  });

  it.each([[5, 0], [20, 2], [25, 2], [100 / 3, 5], [50, 5], [60, 10]])('deviation %d %% → credit %d %%', (deviation, credit) => {
    expect(gtrCreditPercent(deviation)).toBe(credit);
  });
});
