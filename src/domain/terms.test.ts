import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import type { ChangeInput, IncidentInput, ReportInput, UnitInput } from './report.ts';
import { addMonths, amendmentProblems, supportLevelHistory, termsInMonth, ticketTermsProblems, type DatedTerms } from './terms.ts';
import { computeMonthlyReport, evaluateTenant } from './tenant.ts';
import { PREREQUISITES } from './vocabulary.ts';

const at = (iso: string) => new Date(iso);
const PARIS = 'Europe/Paris';

describe('addMonths', () => {
  it.each([
    ['2026-11', 1, '2026-12'], ['2026-12', 1, '2027-01'], ['2026-11', 6, '2027-05'], ['2027-01', -1, '2026-12'], ['2026-01', 24, '2028-01'],
  ])('%s + %i = %s', (m, n, expected) => {
    expect(addMonths(m, n)).toBe(expected);
  });
});

describe('termsInMonth: the terms in force during a month (domain.md §3)', () => {
  const terms: DatedTerms = {
    supportLevels: { Production: 'Standard' },
    datedSupportLevels: [{ environment: 'Production', level: 'Premium', from: '2026-11' }, { environment: 'PreProduction', level: 'Initial', from: '2026-12' }],
    payAsYouGoTokenPrice: 80,
    monthlyTokens: 10,
    monthlyRecurringCharge: 1000,
    // Listed out of order on purpose: applied in month order.
    amendments: [{ from: '2026-12', monthlyTokens: 20 }, { from: '2026-11', payAsYouGoTokenPrice: 95, monthlyRecurringCharge: null }],
    // The pack runs 12 months from 2026-01-01: to 2027-01-01, so through December 2026 (domain.md §10).
    start: '2026-01-01',
    commitmentMonths: 12,
  };
  it.each([
    ['the base terms before any entry', '2026-10', { supportLevels: { Production: 'Standard' }, monthlyTokens: 10, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000 }],
    // From 2026-11: Premium; token price 95; the fee list amended to none (null): the default charge again.
    ['the raise and the price of November', '2026-11', { supportLevels: { Production: 'Premium' }, monthlyTokens: 10, payAsYouGoTokenPrice: 95, monthlyRecurringCharge: undefined }],
    // December keeps November's price (the December amendment leaves it out) and takes its pack of 20.
    ['a term left out is unchanged', '2026-12', { supportLevels: { Production: 'Premium', PreProduction: 'Initial' }, monthlyTokens: 20, payAsYouGoTokenPrice: 95 }],
    ['no pack once the commitment ended', '2027-01', { monthlyTokens: 0, payAsYouGoTokenPrice: 95 }],
  ])('%s (%s)', (_name, month, expected) => {
    expect(termsInMonth(terms, month, PARIS)).toMatchObject({ month, ...expected });
  });
});

describe('the ticket quota and prices, dated as the pack and the prices (issue 13, seed §9.5–§9.6)', () => {
  const prices = { Premium: 85, Standard: 60, Initial: 45, NoSLA: 30 };
  const raised = { Premium: 90, Standard: 64, Initial: 48, NoSLA: 32 };
  const terms: DatedTerms = {
    supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 80, ticketQuota: 40, ticketPrices: prices,
    amendments: [{ from: '2027-03', ticketPrices: raised }, { from: '2027-01', ticketQuota: 50 }],
  };
  it.each([
    ['the base quota and prices', '2026-12', { ticketQuota: 40, ticketPrices: prices }],
    // January: the quota amended to 50, the prices left out keep the base's.
    ['a quota amended, prices unchanged', '2027-01', { ticketQuota: 50, ticketPrices: prices }],
    // March: the prices given replace the base's whole; the quota stays January's 50.
    ['prices amended whole, quota unchanged', '2027-03', { ticketQuota: 50, ticketPrices: raised }],
  ])('%s (%s)', (_name, month, expected) => {
    expect(termsInMonth(terms, month, PARIS)).toMatchObject(expected);
  });
  it('a contract that states none has none in force', () => {
    const t = termsInMonth({ supportLevels: {}, payAsYouGoTokenPrice: 80 }, '2027-01', PARIS);
    expect('ticketQuota' in t || 'ticketPrices' in t).toBe(false);
  });
  it('a quota needs the prices in force with it', () => {
    expect(ticketTermsProblems({ ticketQuota: 40 }, [])).toEqual([{ message: expect.stringMatching(/^a ticket quota needs the ticket prices in force with it \(spec\.prices\.ticketPrices\)/) }]);
    // Listed out of order: the prices of 2027-03 come after the quota of 2027-01 (index 1).
    expect(ticketTermsProblems({}, [{ from: '2027-03', ticketPrices: prices }, { from: '2027-01', ticketQuota: 50 }])).toEqual([{ index: 1, message: expect.stringMatching(/^a ticket quota from 2027-01 needs the ticket prices in force by then/) }]);
    expect(ticketTermsProblems({}, [{ from: '2027-01', ticketQuota: 50, ticketPrices: prices }])).toEqual([]);
    expect(ticketTermsProblems({ ticketPrices: prices }, [{ from: '2027-01', ticketQuota: 50 }])).toEqual([]);
  });
});

describe('supportLevelHistory: the rules of dated levels (domain.md §3)', () => {
  it('commits 6 months from each raise; a lowering after the commitment commits again', () => {
    const { steps, problems } = supportLevelHistory([
      { environment: 'Production', level: 'Standard' },
      { environment: 'Production', level: 'Premium', from: '2026-11' },
      // 2026-11 + 6 = 2027-05: a lowering from then is allowed.
      { environment: 'Production', level: 'Standard', from: '2027-05' },
    ], '2026-01');
    expect(problems).toEqual([]);
    expect(steps.map((s) => [s.level, s.from, s.commitmentEnd])).toEqual([['Standard', '2026-01', '2026-07'], ['Premium', '2026-11', '2027-05'], ['Standard', '2027-05', '2027-11']]);
  });
  it.each([
    ['a lowering during the commitment (2026-01 + 6 = 2026-07)', [{ environment: 'Production' as const, level: 'Initial' as const, from: '2026-03' }],
      { index: 1, field: 'level', message: 'Production cannot move down from Standard to Initial in 2026-03: the commitment on Standard runs until 2026-07 (during it a level only goes up, domain.md §3)' }],
    ['two entries for one environment and month', [{ environment: 'Production' as const, level: 'Premium' as const, from: '2026-01' }],
      { index: 1, field: 'from', message: 'a second entry for Production from 2026-01 (spec.supportLevels[0]): one level per environment and month' }],
    ['an entry before the start month', [{ environment: 'Production' as const, level: 'Premium' as const, from: '2025-12' }],
      { index: 1, field: 'from', message: "2025-12 is before the contract's start month 2026-01 (spec.start): a level takes effect on the 1st of a month of the contract" }],
  ])('%s', (_name, extra, problem) => {
    expect(supportLevelHistory([{ environment: 'Production', level: 'Standard' }, ...extra], '2026-01').problems).toEqual([problem]);
  });
  it('amendments: one per month, from the start month', () => {
    expect(amendmentProblems([{ from: '2026-03' }, { from: '2025-12' }, { from: '2026-03' }], '2026-01').map((p) => [p.index, p.field])).toEqual([[1, 'from'], [2, 'from']]);
  });
});

describe('the raise on 1 November: each month with its own terms (issue 12)', () => {
  const H = 3600;
  const unit = (name: string, environment: UnitInput['environment']): UnitInput => ({
    name, level: 'Database', environment, targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  });
  const p1 = (name: string, openedAt: string, resolvedAt: string): IncidentInput =>
    ({ name, unitNames: ['db-1'], priority: 'P1', openedAt: at(openedAt), resolvedAt: at(resolvedAt), cause: 'Provider', exclusions: [] });
  const change = (name: string, unitName: string, requestedAt: string, completedAt: string): ChangeInput =>
    ({ name, unitNames: [unitName], category: 'StandardSimple', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: at(requestedAt), completedAt: at(completedAt) });
  const input: ReportInput = {
    calendar: DEFAULT_CALENDAR,
    contract: {
      currency: 'EUR', start: '2026-01-01', commitmentMonths: 12,
      supportLevels: { Production: 'Standard' }, datedSupportLevels: [{ environment: 'Production', level: 'Premium', from: '2026-11' }],
      payAsYouGoTokenPrice: 80, monthlyTokens: 1,
      amendments: [{ from: '2026-11', monthlyTokens: 0, payAsYouGoTokenPrice: 120 }],
    },
    units: [unit('db-1', 'Production'), unit('dev-1', 'Development')],
    functions: [{ name: 'databases', family: 'Database', units: ['db-1'], monthlyCharge: 600 }],
    incidents: [
      // 6 h each, 24×7 (P1 in production, domain.md §4).
      p1('oct-p1', '2026-10-14T08:00:00Z', '2026-10-14T14:00:00Z'),
      p1('nov-p1', '2026-11-10T08:00:00Z', '2026-11-10T14:00:00Z'),
    ],
    changes: [
      // Mon 12 Oct 10:00 → Tue 13 Oct 10:00 Paris (CEST): 8 h + 1 h = 9 business hours.
      change('oct-resize', 'db-1', '2026-10-12T08:00:00Z', '2026-10-13T08:00:00Z'),
      change('oct-dev', 'dev-1', '2026-10-12T08:00:00Z', '2026-10-12T09:00:00Z'),
      // Mon 9 Nov 09:00 → Tue 10 Nov 09:00 Paris (CET): 9 business hours.
      change('nov-resize', 'db-1', '2026-11-09T08:00:00Z', '2026-11-10T08:00:00Z'),
    ],
    maintenanceWindows: [],
  };
  const AFTER = at('2027-01-15T00:00:00Z');
  const october = computeMonthlyReport(input, '2026-10', AFTER);
  const november = computeMonthlyReport(input, '2026-11', AFTER);

  it('October stays Standard: the 6 h P1 is within Standard\'s 8 h (domain.md §6), the report final with Standard', () => {
    expect(october.final).toBe(true);
    expect(october.functions[0]?.supportLevel).toBe('Standard');
    // Opened 08:00Z + 8 h = 16:00Z.
    expect(october.gtr.incidents).toEqual([{ name: 'oct-p1', priority: 'P1', supportLevel: 'Standard', deadline: '2026-10-14T16:00:00Z', coveredSeconds: 6 * H, late: false, applicable: true, reason: 'Applicable' }]);
    expect(october.gtr).toMatchObject({ resolved: 1, late: 0 });
  });

  it('November is Premium: the same 6 h P1 is late against 4 h', () => {
    expect(november.functions[0]?.supportLevel).toBe('Premium');
    // Opened 08:00Z + 4 h = 12:00Z; 1 late of 1 resolved → 1/5 = 20 % (domain.md §6).
    expect(november.gtr.incidents[0]).toMatchObject({ name: 'nov-p1', supportLevel: 'Premium', deadline: '2026-11-10T12:00:00Z', late: true });
    expect(november.gtr).toMatchObject({ resolved: 1, late: 1, deviationPercent: 20 });
  });

  it('each change with its month\'s level and token price; why GTC does not apply; no null anywhere', () => {
    // Listed by request, then name. October: Standard simple 24 business hours from Mon 12 Oct 10:00 Paris: Mon 8 h + Tue 9 h
    // + Wed 7 h → Wed 14 Oct 16:00 Paris = 14:00Z; done in 9 h: on time; 1 token at 80. The development change: no GTC,
    // Initial (Development is not listed), no deadline (absent, not null).
    expect(october.gtc.changes).toEqual([
      { name: 'oct-dev', category: 'StandardSimple', accelerated: false, supportLevel: 'Initial', coveredSeconds: 1 * H, late: false, applicable: false, reason: 'NonProduction', tokensCharged: 1, price: 80 },
      { name: 'oct-resize', category: 'StandardSimple', accelerated: false, supportLevel: 'Standard', deadline: '2026-10-14T14:00:00Z', coveredSeconds: 9 * H, late: false, applicable: true, reason: 'Applicable', tokensCharged: 1, price: 80 },
    ]);
    // November: Premium simple 8 h; 9 h: late. Price 1 token at November's 120; credit 50 % = 60 (domain.md §7).
    expect(november.gtc.changes[0]).toMatchObject({ name: 'nov-resize', supportLevel: 'Premium', late: true, tokensCharged: 1, price: 120 });
    expect(november.gtc.creditAmount).toBe(60);
    expect(JSON.stringify([october, november])).not.toContain('null');
  });

  it('each month\'s token ledger with its pack and price (domain.md §10)', () => {
    // October: pack 1, 2 tokens used, 1 extra at 80. November: pack 0 (amended), 1 used, 1 extra at 120.
    expect(october.tokens).toEqual({ pack: 1, used: 2, extra: 1, extraAmount: 80 });
    expect(november.tokens).toEqual({ pack: 0, used: 1, extra: 1, extraAmount: 120 });
  });

  it('the statuses of November read November\'s terms', () => {
    const ev = evaluateTenant(input, at('2026-11-20T12:00:00Z'));
    expect(ev.fn('databases')?.supportLevel).toBe('Premium');
    expect(ev.incident('oct-p1')?.result.supportLevel).toBe('Standard');
    expect(ev.terms('2026-11')).toMatchObject({ payAsYouGoTokenPrice: 120, monthlyTokens: 0 });
  });
});
