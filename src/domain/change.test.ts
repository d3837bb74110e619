import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { accelerationProblem, evaluateChange, type ChangeFacts, type ChangeUnit } from './change.ts';
import type { ChangeCategory, Environment, SupportLevel } from './vocabulary.ts';

const at = (iso: string) => new Date(iso);
const prod: ChangeUnit = { name: 'db-1', environment: 'Production', prerequisitesValidated: true };
const context = (level: SupportLevel) => ({ calendar: DEFAULT_CALENDAR, supportLevelOf: (_e: Environment) => level, payAsYouGoTokenPrice: 80 });
// Monday 2 November 2026, 09:00 Paris; Wednesday 11 November is a French public holiday.
const MONDAY_9 = '2026-11-02T08:00:00Z';
const change = (category: ChangeCategory, accelerated: boolean, overrides: Partial<ChangeFacts> = {}): ChangeFacts => ({
  name: 'chg', category, tokens: category === 'StandardSimple' ? 1 : 3, accelerated, outsideBusinessHours: false, initiator: 'Client', requestedAt: at(MONDAY_9), ...overrides,
});
const LATER = at('2027-01-01T00:00:00Z');

describe('domain.md §7 deadlines, every cell (administration window: business hours)', () => {
  it.each<[ChangeCategory, boolean, SupportLevel, string | undefined]>([
    ['StandardSimple', false, 'Initial', undefined],
    ['StandardSimple', false, 'Standard', '2026-11-04T14:00:00Z'], // 24 h = 9 + 9 + 6
    ['StandardSimple', false, 'Premium', '2026-11-02T16:00:00Z'], // 8 h
    ['StandardSimple', true, 'Initial', undefined],
    ['StandardSimple', true, 'Standard', '2026-11-03T11:00:00Z'], // 12 h
    ['StandardSimple', true, 'Premium', '2026-11-02T12:00:00Z'], // 4 h
    ['StandardComplex', false, 'Initial', undefined],
    ['StandardComplex', false, 'Standard', '2026-11-12T17:00:00Z'], // 72 h = 8 business days, skipping 11 Nov
    ['StandardComplex', false, 'Premium', '2026-11-09T11:00:00Z'], // 48 h = 5 × 9 + 3
    ['StandardComplex', true, 'Initial', undefined],
    ['StandardComplex', true, 'Standard', '2026-11-05T17:00:00Z'], // 36 h = 4 business days
    ['StandardComplex', true, 'Premium', '2026-11-04T14:00:00Z'], // 24 h
    ['NonStandard', false, 'Initial', undefined],
    ['NonStandard', false, 'Standard', '2026-11-06T17:00:00Z'], // quote: 5 business days
    ['NonStandard', false, 'Premium', '2026-11-04T17:00:00Z'], // quote: 3 business days
  ])('%s accelerated=%s %s → %s', (category, accelerated, level, deadline) => {
    const r = evaluateChange(change(category, accelerated), [prod], context(level), LATER);
    expect(r.deadline?.toISOString()).toBe(deadline === undefined ? undefined : new Date(deadline).toISOString());
    expect(r.applicable).toBe(deadline !== undefined);
    if (deadline === undefined) expect(r.reason).toBe('NoSLA');
  });
});

describe('domain.md §7 lateness and credit', () => {
  it('completed on the deadline is on time; later is late and credited 50 % of its price', () => {
    const onTime = evaluateChange(change('StandardSimple', false, { completedAt: at('2026-11-02T16:00:00Z') }), [prod], context('Premium'), LATER);
    expect([onTime.coveredSeconds, onTime.late, onTime.creditAmount]).toEqual([8 * 3600, false, 0]);
    // accelerated and outside business hours: 1 token × 2 × 2 = 4 tokens × 80 = 320; credit 160
    const late = evaluateChange(change('StandardSimple', true, { outsideBusinessHours: true, completedAt: at('2026-11-02T12:00:01Z') }), [prod], context('Premium'), LATER);
    expect([late.late, late.price, late.creditAmount]).toEqual([true, 320, 160]);
  });

  it('a non-standard change is timed on its quote', () => {
    const r = evaluateChange(change('NonStandard', false, { quotedAt: at('2026-11-05T08:00:00Z'), completedAt: at('2026-12-20T08:00:00Z') }), [prod], context('Premium'), LATER);
    expect([r.coveredSeconds, r.late, r.creditAmount]).toEqual([27 * 3600, false, 0]);
    const late = evaluateChange(change('NonStandard', false, { quotedAt: at('2026-11-05T09:00:00Z') }), [prod], context('Premium'), LATER);
    expect([late.late, late.creditAmount]).toEqual([true, 120]); // 3 tokens × 80 × 50 %
  });

  it('a pending change is late once now passes the deadline, but is not credited until measured', () => {
    const r = evaluateChange(change('StandardSimple', false), [prod], context('Premium'), at('2026-11-03T08:00:00Z'));
    expect([r.late, r.creditAmount, r.measuredAt]).toEqual([true, 0, undefined]);
  });

  it.each<[string, Partial<ChangeFacts>, ChangeUnit[], string]>([
    ['non-production', {}, [{ ...prod, environment: 'Development' }], 'NonProduction'],
    ['no unit', {}, [], 'UnknownUnit'],
    ['requested before the subscription', {}, [{ ...prod, subscription: { start: at('2026-11-03T00:00:00Z') } }], 'NotSubscribed'],
    ['provider-initiated (Reading)', { initiator: 'Provider' }, [prod], 'ProviderInitiated'],
    ['prerequisites', {}, [{ ...prod, prerequisitesValidated: false }], 'PrerequisitesNotValidated'],
    ['NoBuild: not managed', {}, [{ ...prod, unguaranteed: 'NotManaged' }], 'NotManaged'],
    ['SelfCare: advice only', {}, [{ ...prod, unguaranteed: 'AdviceOnly' }], 'AdviceOnly'],
  ])('not applicable: %s', (_name, overrides, units, reason) => {
    const r = evaluateChange(change('StandardSimple', false, { ...overrides, completedAt: at('2026-12-01T08:00:00Z') }), units, context('Standard'), LATER);
    expect([r.applicable, r.reason, r.creditAmount]).toEqual([false, reason, 0]);
  });

  it('a late non-production change is timed and late, never credited (domain.md §8, seed §8.4.3)', () => {
    // Simple, Standard: 24 business hours = 2 × 9 h + 6 h from Mon 2 Nov 09:00 Paris → Wed 4 Nov
    // 15:00 Paris (14:00Z). Completed Thu 5 Nov 10:00 Paris: Mon 9 h + Tue 9 h + Wed 9 h + Thu 1 h
    // = 28 covered hours > 24: late.
    const r = evaluateChange(change('StandardSimple', false, { completedAt: at('2026-11-05T09:00:00Z') }), [{ ...prod, environment: 'Integration' }], context('Standard'), LATER);
    expect(r).toMatchObject({ reason: 'NonProduction', applicable: false, timed: true, late: true, creditAmount: 0, coveredSeconds: 28 * 3600 });
    expect(r.deadline?.toISOString()).toBe('2026-11-04T14:00:00.000Z');
  });

  it('a non-production change initiated by the provider is not timed (no client request to time)', () => {
    const r = evaluateChange(change('StandardSimple', false, { initiator: 'Provider' }), [{ ...prod, environment: 'Integration' }], context('Standard'), LATER);
    expect([r.reason, r.timed]).toEqual(['NonProduction', false]);
  });
});

describe('domain.md §10 exclusion periods of a change (the commitment does not apply, e.g. waiting on the client)', () => {
  const span = (s: string, e: string) => ({ start: at(s), end: at(e) });
  // Simple, Premium: 8 covered hours from Mon 2 Nov 09:00 Paris (08:00Z); without exclusions the
  // deadline is Mon 17:00 Paris (16:00Z). Paris is UTC+1 in November.
  it.each<[string, { start: Date; end: Date }[], string, number]>([
    // none: 8 h from 09:00 → 17:00 Paris; covered to the deadline 8 h.
    ['none', [], '2026-11-02T16:00:00Z', 8 * 3600],
    // Mon 11:00–13:00 Paris: 2 covered hours excluded → 8 + 2 = 10 h of business hours from Mon
    // 09:00: Mon 9 h (to 18:00) + Tue 1 h → Tue 3 Nov 10:00 Paris (09:00Z). Covered net 10 − 2 = 8 h.
    ['inside business hours', [span('2026-11-02T10:00:00Z', '2026-11-02T12:00:00Z')], '2026-11-03T09:00:00Z', 8 * 3600],
    // Mon 16:00 Paris → Tue 10:00 Paris: 7 h spent before it (09:00–16:00), excluded Mon 16–18
    // (2 h) + Tue 09–10 (1 h); the last hour from Tue 10:00 → Tue 11:00 Paris (10:00Z).
    // Covered gross Mon 9 h + Tue 2 h = 11 h, net 11 − 3 = 8 h.
    ['across the night', [span('2026-11-02T15:00:00Z', '2026-11-03T09:00:00Z')], '2026-11-03T10:00:00Z', 8 * 3600],
    // Mon 11–13 and Mon 12–14 Paris overlap: their union 11–14 is 3 h, counted once → 8 + 3 = 11 h
    // from Mon 09:00: Mon 9 h + Tue 2 h → Tue 11:00 Paris (10:00Z).
    ['overlapping, counted once', [span('2026-11-02T10:00:00Z', '2026-11-02T12:00:00Z'), span('2026-11-02T11:00:00Z', '2026-11-02T13:00:00Z')], '2026-11-03T10:00:00Z', 8 * 3600],
    // Sat 7 Nov: no business hour in it, nothing moves.
    ['outside the window', [span('2026-11-07T08:00:00Z', '2026-11-07T17:00:00Z')], '2026-11-02T16:00:00Z', 8 * 3600],
  ])('%s', (_name, exclusions, deadline, covered) => {
    const r = evaluateChange(change('StandardSimple', false, { exclusions, completedAt: at(deadline) }), [prod], context('Premium'), LATER);
    expect(r.deadline?.toISOString()).toBe(new Date(deadline).toISOString());
    // Completed exactly at the pushed deadline: covered net = the target, on time.
    expect([r.coveredSeconds, r.late]).toEqual([covered, false]);
  });

  it('one second past the pushed deadline is late, credited 50 % of 80', () => {
    const r = evaluateChange(change('StandardSimple', false, { exclusions: [span('2026-11-02T10:00:00Z', '2026-11-02T12:00:00Z')], completedAt: at('2026-11-03T09:00:01Z') }), [prod], context('Premium'), LATER);
    // covered net 8 h + 1 s > 8 h: late; 1 token × 80 × 50 % = 40.
    expect([r.coveredSeconds, r.late, r.creditAmount]).toEqual([8 * 3600 + 1, true, 40]);
  });

  it('a pending change is late only once now passes the pushed deadline', () => {
    const exclusions = [span('2026-11-02T10:00:00Z', '2026-11-02T12:00:00Z')];
    // Mon 17:00 Paris: past the unexcluded deadline, not the pushed one (Tue 10:00 Paris); covered 8 − 2 = 6 h.
    const before = evaluateChange(change('StandardSimple', false, { exclusions }), [prod], context('Premium'), at('2026-11-02T16:00:00Z'));
    expect([before.late, before.coveredSeconds]).toEqual([false, 6 * 3600]);
    const after = evaluateChange(change('StandardSimple', false, { exclusions }), [prod], context('Premium'), at('2026-11-03T09:00:01Z'));
    expect(after.late).toBe(true);
  });
});

describe('domain.md §10 only standard changes may be accelerated', () => {
  it.each<[ChangeCategory, boolean, boolean]>([
    ['StandardSimple', true, true],
    ['StandardComplex', true, true],
    ['NonStandard', true, false],
    ['NonStandard', false, true],
  ])('%s accelerated=%s allowed=%s', (category, accelerated, allowed) => {
    expect(accelerationProblem({ category, accelerated }) === undefined).toBe(allowed);
  });
});
