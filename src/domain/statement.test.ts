import { describe, expect, it } from 'vitest';
import { billableEffort, type EffortLine } from './effort.ts';
import type { Cents } from './money.ts';
import {
  billedByRunYear, buildInvoices, chargeRevision, computeStatement, creditsGrantedIn, minimumRevenueCheck, runYearOf, syntecRevision,
  type MonthlyStatement, type RecurringCharge, type StatementInput,
} from './statement.ts';
import type { TicketPrices } from './tickets.ts';
import { tokenLedger } from './tokens.ts';

const c = (n: number) => n as Cents;
const PRICES: TicketPrices = { Premium: c(9000), Standard: c(6000), Initial: c(4000), NoSLA: c(2500) };
const effort = (name: string, parts: Parameters<typeof billableEffort>[0]['cause'], workMinutes: number): EffortLine => {
  const line = billableEffort({ name, cause: parts, coManaged: true, businessApplication: false, workMinutes });
  if (line === undefined) throw new Error('billable');
  return line;
};

/** A statement input with nothing to bill but its charges; `parts` override. */
function statement(month: string, charges: RecurringCharge[], parts: Partial<StatementInput> = {}): StatementInput {
  return {
    month, currency: 'EUR', contractStart: '2026-01-01', charges, syntec: [],
    tokens: { ledger: tokenLedger(0, [], 0), price: c(8000) }, effort: [],
    tickets: { quota: 0, used: 0, tariff: 'Standard', prices: PRICES },
    credits: { granted: [], carriedIn: c(0) },
    ...parts,
  };
}

// A contract started 15 July 2025; SYNTEC 300 in 2025 (S0), 309 in 2026, 315 in 2028 (2027 not listed).
const SYNTEC = [{ year: 2025, index: 300 }, { year: 2026, index: 309 }, { year: 2028, index: 315 }];
const CHARGES: RecurringCharge[] = [
  { name: 'databases', kind: 'Function', monthly: c(33_333) }, // 333.33
  { name: 'portal', kind: 'Fee', monthly: c(25_000) }, // 250.00
  { name: 'backup', kind: 'Backup', monthly: c(10_000) }, // 100.00, never revised
  { name: 'support', kind: 'Support', monthly: c(40_000) }, // 400.00, never revised
];

describe('SYNTEC revision on the anniversary (seed §9.3.1: P1 = P0 × S1/S0)', () => {
  it.each([
    // before the first anniversary (15 July 2026, in force from August): P0.
    ['2026-06', undefined, 1, [33_333, 25_000, 10_000, 40_000], 108_333],
    // the anniversary's own month, mid-July: still P0 (a month is billed at the prices of its first day).
    ['2026-07', undefined, 1, [33_333, 25_000, 10_000, 40_000], 108_333],
    // August 2026: 309/300 = 1.03. databases 33,333 × 1.03 = 34,332.99 → 34,333; portal 25,000 × 1.03 = 25,750;
    // backup and support unchanged. 34,333 + 25,750 + 10,000 + 40,000 = 110,083.
    ['2026-08', '2026-07-15', 1.03, [34_333, 25_750, 10_000, 40_000], 110_083],
    // August 2027: the 2027 index is not listed, the last known (309) holds: the same 1.03.
    ['2027-08', '2027-07-15', 1.03, [34_333, 25_750, 10_000, 40_000], 110_083],
    // August 2028: 315/300 = 1.05, from P0 (not compounded): 33,333 × 1.05 = 34,999.65 → 35,000; 25,000 × 1.05 = 26,250.
    // 35,000 + 26,250 + 10,000 + 40,000 = 111,250.
    ['2028-08', '2028-07-15', 1.05, [35_000, 26_250, 10_000, 40_000], 111_250],
  ])('%s', (month, anniversary, ratio, amounts, subtotal) => {
    const s = computeStatement(statement(month, CHARGES, { contractStart: '2025-07-15', syntec: SYNTEC }));
    expect(s.revision.anniversary).toBe(anniversary);
    expect(s.revision.ratio).toBeCloseTo(ratio, 12);
    expect(s.recurring.lines.map((l) => l.amount)).toEqual(amounts);
    expect(s.recurring.subtotal).toBe(subtotal);
  });

  it('an anniversary on the 1st revises its own month', () => {
    // start 1 March 2025: the 1 March 2026 anniversary is in force in March 2026; S1/S0 = 309/300.
    expect(syntecRevision('2025-03-01', '2026-02', SYNTEC).ratio).toBe(1);
    expect(syntecRevision('2025-03-01', '2026-03', SYNTEC)).toEqual({ anniversary: '2026-03-01', s0: 300, s1: 309, ratio: 309 / 300 });
  });

  it('a physically hosted unit is revised by the construction and electricity indices too (seed §9.3.2)', () => {
    // Start 15 July 2025; August 2026: SYNTEC 309/300 = 1.03. Hosting 2025 → 2026: S 2000 → 2100 (×1.05),
    // T 120 → 132 (×1.10): ⅔ × 1.05 + ⅓ × 1.10 = 0.70 + 0.366667 = 1.066667.
    // hosted Function 300.00: 30,000 × 1.03 × 1.066667 = 32,960.00; hosted Backup 100.00 (no SYNTEC):
    // 10,000 × 1.066667 = 10,666.67 → 10,667. Without the 2025 indices: nothing.
    const hosting = [{ year: 2025, construction: 2000, electricity: 120 }, { year: 2026, construction: 2100, electricity: 132 }];
    const charges: RecurringCharge[] = [
      { name: 'hosted', kind: 'Function', monthly: c(30_000), physicalHosting: true },
      { name: 'hosted-backup', kind: 'Backup', monthly: c(10_000), physicalHosting: true },
    ];
    const s = computeStatement(statement('2026-08', charges, { contractStart: '2025-07-15', syntec: SYNTEC, hosting }));
    expect(s.revision.hostingFactor).toBeCloseTo(1.0666667, 6);
    expect(s.recurring.lines.map((l) => l.amount)).toEqual([32_960, 10_667]);
    const without = computeStatement(statement('2026-08', charges, { contractStart: '2025-07-15', syntec: SYNTEC, hosting: hosting.slice(1) }));
    expect(without.recurring.lines.map((l) => l.amount)).toEqual([30_900, 10_000]);
  });

  it('without the start year\'s index there is no base: no revision', () => {
    expect(syntecRevision('2024-03-01', '2026-03', SYNTEC)).toEqual({ ratio: 1 });
  });
});

describe('computeStatement', () => {
  it('tops the recurring charges up to the monthly minimum', () => {
    // 500.00 + 300.00 = 800.00 < 1,000.00: top-up 200.00; total 1,000.00.
    const s = computeStatement(statement('2026-11', [
      { name: 'f', kind: 'Function', monthly: c(50_000) }, { name: 'fee', kind: 'Fee', monthly: c(30_000) },
    ], { monthlyMinimum: c(100_000) }));
    expect([s.recurring.subtotal, s.recurring.minimumTopUp, s.recurring.total, s.totals.excludingTax]).toEqual([80_000, 20_000, 100_000, 100_000]);
  });

  it('a month with tokens, effort, a ticket overage on several environments and a granted credit', () => {
    // Recurring: 1,200.00 + 300.00 = 1,500.00 ≥ the minimum 1,000.00: no top-up.
    // Tokens: pack 10; the month's changes used 5 + 3 = 8; effort: a client-caused 95 min → 4 tokens, a
    //   shared 90 min → 45 min → 2 tokens; used 8 + 6 = 14, extra 14 − 10 = 4 × 80.00 = 320.00.
    // Tickets: quota 10, 13 used; Production Standard, PreProduction Premium → Premium 90.00: 3 × 90.00 = 270.00.
    // Before credits 1,500.00 + 320.00 + 270.00 = 2,090.00; credit granted 42.00 → 2,048.00.
    const s = computeStatement(statement('2026-11', [
      { name: 'databases', kind: 'Function', monthly: c(120_000) }, { name: 'fees', kind: 'Fee', monthly: c(30_000) },
    ], {
      monthlyMinimum: c(100_000),
      tokens: { ledger: tokenLedger(10, [5, 3], 80), price: c(8000) },
      effort: [effort('misconfig', 'Client', 95), effort('shared', 'Shared', 90)],
      tickets: { quota: 10, used: 13, tariff: 'Premium', prices: PRICES },
      credits: { granted: [{ claim: 'c2', amount: c(4200) }], carriedIn: c(0) },
    }));
    expect(s.recurring.minimumTopUp).toBe(0);
    expect(s.tokens).toEqual({ pack: 10, fromChanges: 8, fromEffort: 6, used: 14, extra: 4, unitPrice: 8000, amount: 32_000 });
    expect([s.tickets.overage, s.tickets.unitPrice, s.tickets.amount]).toEqual([3, 9000, 27_000]);
    expect(s.totals).toEqual({ beforeCredits: 209_000, credits: 4200, excludingTax: 204_800 });
  });

  it('credits above the statement\'s total are carried to the next', () => {
    // Total 100.00, credits 150.00: 100.00 deducted, 50.00 carried; the next month (100.00) deducts them: 50.00.
    const charges: RecurringCharge[] = [{ name: 'f', kind: 'Function', monthly: c(10_000) }];
    const first = computeStatement(statement('2026-11', charges, { credits: { granted: [{ claim: 'c', amount: c(15_000) }], carriedIn: c(0) } }));
    expect([first.credits.deducted, first.credits.carriedOut, first.totals.excludingTax]).toEqual([10_000, 5000, 0]);
    const next = computeStatement(statement('2026-12', charges, { credits: { granted: [], carriedIn: first.credits.carriedOut } }));
    expect([next.credits.deducted, next.credits.carriedOut, next.totals.excludingTax]).toEqual([5000, 0, 5000]);
  });

  it('creditsGrantedIn: the claims answered in the month, in the tenant\'s zone', () => {
    const answers = [
      { claim: 'b', amount: 42, answeredAt: new Date('2026-11-10T10:00:00Z') },
      { claim: 'a', amount: 12.5, answeredAt: new Date('2026-10-31T23:30:00Z') }, // 1 Nov 00:30 Paris
      { claim: 'late', amount: 10, answeredAt: new Date('2026-11-30T23:30:00Z') }, // 1 Dec Paris: December's
      { claim: 'rejected', amount: 0, answeredAt: new Date('2026-11-12T10:00:00Z') },
    ];
    expect(creditsGrantedIn(answers, '2026-11', 'Europe/Paris')).toEqual([{ claim: 'a', amount: 1250 }, { claim: 'b', amount: 4200 }]);
  });
});

describe('minimum guaranteed revenue (seed §9.4)', () => {
  it('a shortfall, then an excess carried over', () => {
    // Global run revenue 360,000.00 over 3 years: minimum 80 % = 288,000.00, 96,000.00 a year.
    // Year 0: 90,000.00 billed → shortfall 6,000.00, nothing carried.
    // Year 1: 100,000.00 → 4,000.00 over, carried.  Year 2: 93,000.00 + 4,000.00 = 97,000.00 → 1,000.00 over.
    const check = minimumRevenueCheck(c(36_000_000), 3, [c(9_000_000), c(10_000_000), c(9_300_000)]);
    expect([check.globalMinimum, check.annualMinimum]).toEqual([28_800_000, 9_600_000]);
    expect(check.years.map((y) => [y.carriedIn, y.shortfall, y.carriedOut])).toEqual([
      [0, 600_000, 0],
      [0, 0, 400_000],
      [400_000, 0, 100_000],
    ]);
  });

  it('a carry that does not cover a year leaves a shortfall', () => {
    // 100.00 over 2 years: 80.00, 40.00 a year. Year 0: 50.00 → 10.00 carried. Year 1: 20.00 + 10.00 = 30.00 → 10.00 short.
    const check = minimumRevenueCheck(c(10_000), 2, [c(5000), c(2000)]);
    expect(check.years.map((y) => [y.shortfall, y.carriedOut])).toEqual([[0, 1000], [1000, 0]]);
  });

  it('run years from delivery, and what each billed', () => {
    expect([runYearOf('2026-03', '2026-02'), runYearOf('2026-03', '2026-03'), runYearOf('2026-03', '2027-02'), runYearOf('2026-03', '2027-03')]).toEqual([undefined, 0, 0, 1]);
    const charges: RecurringCharge[] = [{ name: 'f', kind: 'Function', monthly: c(10_000) }];
    const months = ['2026-02', '2026-03', '2027-02', '2027-03'];
    const statements: MonthlyStatement[] = months.map((m) => computeStatement(statement(m, charges, m === '2027-03' ? { minimumRevenueShortfall: c(2500) } : {})));
    // Year 0: March 2026 and February 2027, 100.00 each = 200.00. Year 1: March 2027, 100.00 + 25.00 differential − 25.00 = 100.00.
    expect(billedByRunYear(statements, '2026-03', 2)).toEqual([20_000, 10_000]);
  });
});

describe('build invoicing (seed §9.8.1)', () => {
  it.each([
    // 10,000.00: 30 % = 3,000.00 at the order, 7,000.00 at delivery.
    [1_000_000, 300_000, 700_000],
    // 333.33: 30 % = 99.999 → 100.00; the rest 233.33, so the two add up to 333.33.
    [33_333, 10_000, 23_333],
  ])('a build of %d cents', (build, atOrder, atDelivery) => {
    expect(buildInvoices(c(build))).toEqual({ atOrder, atDelivery });
  });
});

describe('chargeRevision: an amended price revised from its own year (design.md "The monthly statement", Reading)', () => {
  // Started 15 July 2025 (anniversaries in force from August); SYNTEC as above: 300 (2025), 309 (2026), 315 (2028).
  it.each([
    // Agreed in March 2026 at S(2026) = 309; the 2026-07-15 anniversary takes effect in August, after it: 309/309 = 1.
    ['2026-03', '2026-08', '2026-07-15', 309, 1],
    // August 2027: 2027 not listed, the last known 309: still 1.
    ['2026-03', '2027-08', '2027-07-15', 309, 1],
    // August 2028: 315/309.
    ['2026-03', '2028-08', '2028-07-15', 309, 315 / 309],
    // Agreed in August 2026, the anniversary's own effective month: that revision is not after it (309/309 until 2028).
    ['2026-08', '2026-08', undefined, 309, 1],
    // A base price (since the start month): syntecRevision's 309/300 in August 2026.
    ['2025-07', '2026-08', '2026-07-15', 300, 309 / 300],
  ])('since %s, in %s', (since, month, anniversary, s0, ratio) => {
    const r = chargeRevision('2025-07-15', since, month, SYNTEC);
    expect(r.anniversary).toBe(anniversary);
    expect(r.s0).toBe(s0);
    expect(r.ratio).toBeCloseTo(ratio, 12);
  });
});
