import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { evaluateChange, type ChangeFacts, type ChangeUnit } from './change.ts';
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
