import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { carryOf, monthStatement, renderStatementText, statementsThrough, type StatementCarry, type StatementReport } from './month-statement.ts';
import type { ContractInput, IncidentInput, ReportInput, UnitInput } from './report.ts';
import type { AnsweredClaim } from './statement.ts';
import { PREREQUISITES } from './vocabulary.ts';

// Fixture builders with modifiers (style.md §13), as pack.test.ts. The calendar is Paris.
const at = (iso: string) => new Date(iso);
type Mod<T> = (t: T) => T;
function unit(name: string, ...mods: Mod<UnitInput>[]): UnitInput {
  const base: UnitInput = {
    name, level: 'Database', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  };
  return mods.reduce((u, m) => m(u), base);
}
function incident(name: string, unitName: string, openedAt: string, resolvedAt: string | undefined, ...mods: Mod<IncidentInput>[]): IncidentInput {
  const base: IncidentInput = { name, unitNames: [unitName], priority: 'P3', openedAt: at(openedAt), resolvedAt: resolvedAt === undefined ? undefined : at(resolvedAt), cause: 'Provider', exclusions: [] };
  return mods.reduce((i, m) => m(i), base);
}
const monitoring: Mod<IncidentInput> = (i) => ({ ...i, detection: 'Monitoring' });
const shared = (workMinutes: number): Mod<IncidentInput> => (i) => ({ ...i, cause: 'Shared', workMinutes });
const worked = (workMinutes: number): Mod<IncidentInput> => (i) => ({ ...i, workMinutes });

// A contract started 15 March 2026 (its anniversaries mid-month: each revises from the month
// after, April). SYNTEC 300 in 2026 (S0), 306 in 2027, 312 in 2028. Production Standard,
// PreProduction Premium (several environments: the tickets take the highest, Premium).
// Fees from the start: run 500.00 (Fee), support 400.00 (Support, never revised). From February
// 2027 an amendment lists run 500.00 again (same name, amount, kind: its price keeps March 2026),
// support again, and a new fee portal 200.00, agreed in February 2027 at the 2027 index.
const CONTRACT: ContractInput = {
  currency: 'EUR', start: '2026-03-15', supportLevels: { Production: 'Standard', PreProduction: 'Premium' }, payAsYouGoTokenPrice: 95, monthlyTokens: 10,
  monthlyMinimum: 2000, ticketQuota: 2, ticketPrices: { Premium: 90, Standard: 60, Initial: 40, NoSLA: 25 },
  monthlyFees: [{ name: 'run', amount: 500 }, { name: 'support', amount: 400, kind: 'Support' }],
  syntecIndices: [{ year: 2026, index: 300 }, { year: 2027, index: 306 }, { year: 2028, index: 312 }],
  amendments: [{ from: '2027-02', monthlyFees: [{ name: 'run', amount: 500 }, { name: 'support', amount: 400, kind: 'Support' }, { name: 'portal', amount: 200 }] }],
};
const INPUT: ReportInput = {
  calendar: DEFAULT_CALENDAR,
  contract: CONTRACT,
  units: [
    unit('db-1', (u) => ({ ...u, coManaged: true })),
    unit('pp-1', (u) => ({ ...u, environment: 'PreProduction' })),
    unit('app-1', (u) => ({ ...u, level: 'Application', levelThreeOwner: 'Client' })),
  ],
  functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'pp-1'], monthlyCharge: 1000 }],
  incidents: [
    // Reported by the client (detection Client, the default) and opened in April 2027 (Paris): 4 tickets.
    incident('t-1', 'db-1', '2027-04-02T09:00:00Z', '2027-04-02T11:00:00Z', shared(90)),
    incident('t-2', 'pp-1', '2027-04-08T09:00:00Z', '2027-04-08T10:00:00Z'),
    incident('t-3', 'app-1', '2027-04-12T09:00:00Z', '2027-04-12T10:00:00Z', worked(20)),
    incident('t-4', 'db-1', '2027-04-30T20:00:00Z', undefined),
    // Not tickets of April: opened by monitoring; opened in March (31 March 21:00Z is 23:00 in Paris).
    incident('m-1', 'db-1', '2027-04-15T09:00:00Z', '2027-04-15T10:00:00Z', monitoring),
    incident('march', 'pp-1', '2027-03-31T21:00:00Z', '2027-04-01T08:00:00Z'),
  ],
  changes: [],
  maintenanceWindows: [],
};
const CLAIMS: AnsweredClaim[] = [
  { claim: 'c-april', amount: 150, answeredAt: at('2027-04-10T08:00:00Z') },
  { claim: 'c-rejected', amount: 0, answeredAt: at('2027-04-11T08:00:00Z') },
  // Answered in March (Paris): deducted by March's statement, not April's.
  { claim: 'c-march', amount: 70, answeredAt: at('2027-03-31T21:30:00Z') },
];
const carry = (creditsCarriedOut: number): StatementCarry => ({ creditsCarriedOut, excludingTax: 0, minimumRevenueShortfall: 0 });

describe('monthStatement: April 2027, the first anniversary in force', () => {
  const s = monthStatement({ input: INPUT, month: '2027-04', tokens: { pack: 10, used: 9 }, claims: CLAIMS, previous: (m) => (m === '2027-03' ? carry(30) : undefined) });

  it('recurring: base prices by S(2027)/S(2026), the amended fee from its own year, support never revised', () => {
    // Anniversary 2027-03-15, in force from April; base ratio 306/300 = 1.02.
    // databases 1,000.00 × 1.02 = 1,020.00; run (since 2026-03) 500.00 × 1.02 = 510.00;
    // support 400.00 (Support); portal since 2027-02, S0 = 306, the 2027-03-15 anniversary takes
    // effect after it: 306/306 = 1, 200.00. Subtotal 1,020 + 510 + 400 + 200 = 2,130.00 ≥ 2,000.
    expect(s.revision).toEqual({ anniversary: '2027-03-15', index: 306, hostingFactor: 1 });
    expect(s.recurring.lines.map((l) => [l.kind, l.name, l.since, l.baseIndex, l.base, l.amount])).toEqual([
      ['Function', 'databases', '2026-03', 300, 1000, 1020],
      ['Fee', 'portal', '2027-02', 306, 200, 200],
      ['Fee', 'run', '2026-03', 300, 500, 510],
      ['Support', 'support', '2026-03', 300, 400, 400],
    ]);
    expect(s.recurring).toMatchObject({ subtotal: 2130, minimum: 2000, minimumTopUp: 0, total: 2130 });
  });

  it('tickets: 4 client-reported in April, quota 2, the highest level of the environments (Premium)', () => {
    // t-1..t-4; m-1 is monitoring's, march opened 31 March 23:00 Paris. Overage 4 − 2 = 2 × 90.00 = 180.00.
    expect(s.tickets).toEqual({ quota: 2, used: 4, overage: 2, tariff: 'Premium', unitPrice: 90, amount: 180, incidents: ['t-1', 't-2', 't-3', 't-4'] });
  });

  it('effort: a shared incident bills half its time, a remediation beyond 15 minutes its excess; tokens after the changes\'', () => {
    // t-1 shared on a co-managed unit: 90 × 50 % = 45 min → ⌈45/30⌉ = 2 tokens.
    // t-3 on a business application (Application, level 3 the client's): 20 − 15 = 5 min → 1 token.
    // Tokens: pack 10, changes 9, effort 3 → 12 used, 2 extra × 95.00 = 190.00.
    expect(s.effort).toEqual({
      lines: [
        { name: 't-1', basis: 'SharedResponsibility', workMinutes: 90, billedMinutes: 45, tokens: 2 },
        { name: 't-3', basis: 'RemediationBeyond15Minutes', workMinutes: 20, billedMinutes: 5, tokens: 1 },
      ],
      tokens: 3,
    });
    expect(s.tokens).toEqual({ pack: 10, fromChanges: 9, fromEffort: 3, used: 12, extra: 2, unitPrice: 95, amount: 190 });
  });

  it('credits: the claims answered in April and March\'s carried out, deducted; totals excluding tax', () => {
    // Granted: c-april 150.00 (c-rejected grants 0, c-march is March's); carried in 30.00 → 180.00.
    // Before credits 2,130 + 190 + 180 = 2,500.00; deducted 180.00; 2,320.00.
    expect(s.credits).toEqual({ granted: [{ claim: 'c-april', amount: 150 }], carriedIn: 30, available: 180, deducted: 180, carriedOut: 0 });
    expect(s.totals).toEqual({ beforeCredits: 2500, credits: 180, excludingTax: 2320 });
    expect(s.missing).toBeUndefined();
  });

  it('a year later: the base by S(2028)/S(2026), the amended fee by S(2028)/S(2027)', () => {
    const next = monthStatement({ input: { ...INPUT, incidents: [] }, month: '2028-04', tokens: { pack: 10, used: 0 }, claims: [], previous: () => carry(0) });
    // 312/300 = 1.04: databases 1,040.00, run 520.00; portal 200.00 × 312/306 = 203.9215… → 203.92; support 400.00.
    expect(next.recurring.lines.map((l) => [l.name, l.amount])).toEqual([['databases', 1040], ['portal', 203.92], ['run', 520], ['support', 400]]);
    expect(next.recurring.total).toBe(2163.92);
  });

  it('credits beyond the total are carried to the next statement; a missing previous statement counts 0 and is named', () => {
    const big = monthStatement({ input: { ...INPUT, incidents: [] }, month: '2027-04', tokens: { pack: 10, used: 0 }, claims: [], previous: () => carry(3000) });
    // Before credits: 2,130.00 (no ticket, no token beyond the pack); 3,000.00 available: 2,130.00 deducted, 870.00 carried out.
    expect(big.credits).toMatchObject({ carriedIn: 3000, available: 3000, deducted: 2130, carriedOut: 870 });
    expect(big.totals.excludingTax).toBe(0);
    const orphan = monthStatement({ input: { ...INPUT, incidents: [] }, month: '2027-04', tokens: { pack: 10, used: 0 }, claims: [], previous: () => undefined });
    expect(orphan.credits.carriedIn).toBe(0);
    expect(orphan.missing).toEqual(['2027-03']);
    // The contract's first month reads no earlier statement.
    const first = monthStatement({ input: { ...INPUT, incidents: [] }, month: '2026-03', tokens: { pack: 10, used: 0 }, claims: [], previous: () => undefined });
    expect(first.missing).toBeUndefined();
  });
});

describe('monthStatement: the minimum guaranteed revenue, checked at the end of each run year (seed §9.4)', () => {
  // Started 1 March 2026; run revenue 90,000.00 over 3 years: global minimum 80 % = 72,000.00,
  // annual 24,000.00. Run years: 2026-03..2027-02, 2027-03..2028-02, 2028-03..2029-02.
  // Function 1,000.00 a month throughout; a fee 2,500.00 in the first year only (an amendment of
  // March 2027 lists none).
  const contract: ContractInput = {
    currency: 'EUR', start: '2026-03-01', supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 95,
    monthlyFees: [{ name: 'build-run', amount: 2500 }], runRevenue: { global: 90_000, years: 3 },
    amendments: [{ from: '2027-03', monthlyFees: null }],
  };
  const input: ReportInput = { calendar: DEFAULT_CALENDAR, contract, units: [], functions: [{ name: 'f', family: 'OS', units: [], monthlyCharge: 1000 }], incidents: [], changes: [], maintenanceWindows: [] };
  const all = statementsThrough(input, '2029-02', () => ({ pack: 0, used: 0 }), []);
  const of = (m: string): StatementReport => all.find((s) => s.month === m) ?? (() => { throw new Error(m); })();

  it('year 1 billed 42,000.00: the excess 18,000.00 carried; year 2 counts it: 6,000.00 carried; year 3 is 6,000.00 short, billed on its last month', () => {
    // Year 1: 12 × (1,000 + 2,500) = 42,000.00 ≥ 24,000.00: no shortfall, 18,000.00 carried out.
    expect(of('2027-02').minimumRevenue).toEqual({ runYear: 1, annualMinimum: 24_000, billed: 42_000, carriedIn: 0, shortfall: 0, carriedOut: 18_000 });
    // Year 2: 12 × 1,000 = 12,000.00 + 18,000.00 = 30,000.00: 6,000.00 carried out.
    expect(of('2028-02').minimumRevenue).toEqual({ runYear: 2, annualMinimum: 24_000, billed: 12_000, carriedIn: 18_000, shortfall: 0, carriedOut: 6000 });
    // Year 3: 12,000.00 + 6,000.00 = 18,000.00: 24,000 − 18,000 = 6,000.00 due, on February 2029's statement: 1,000 + 6,000 = 7,000.00.
    expect(of('2029-02').minimumRevenue).toEqual({ runYear: 3, annualMinimum: 24_000, billed: 12_000, carriedIn: 6000, shortfall: 6000, carriedOut: 0 });
    expect(of('2029-02').totals).toEqual({ beforeCredits: 7000, credits: 0, excludingTax: 7000 });
    // Only the last month of a run year checks.
    expect(of('2029-01').minimumRevenue).toBeUndefined();
  });

  it('a month of the year missing counts 0 and is named (never guessed)', () => {
    const stored = new Map(all.map((s) => [s.month, carryOf(s)]));
    stored.delete('2028-06');
    const s = monthStatement({ input, month: '2029-02', tokens: { pack: 0, used: 0 }, claims: [], previous: (m) => stored.get(m) });
    // Year 3 billed without June 2028: 11 × 1,000 = 11,000.00 + 6,000.00 carried = 17,000.00: 7,000.00 short.
    expect(s.minimumRevenue).toMatchObject({ billed: 11_000, shortfall: 7000 });
    expect(s.missing).toEqual(['2028-06']);
  });
});

describe('renderStatementText', () => {
  const s = monthStatement({ input: INPUT, month: '2027-04', tokens: { pack: 10, used: 9 }, claims: CLAIMS, previous: () => carry(30) });
  it.each([
    ['en', 'Monthly statement 2027-04 (final), EUR excluding tax', 'Tickets: quota 2, used 4, overage 2 × 90.00 (tariff Premium) = 180.00', 'Totals: before credits 2500.00, credits −180.00, total excluding tax 2320.00 EUR'],
    ['fr', 'Relevé mensuel 2027-04 (définitif), EUR hors taxes', 'Tickets: quota 2, consommés 4, dépassement 2 × 90.00 (tarif Premium) = 180.00', 'Totaux: avant pénalités 2500.00, pénalités −180.00, total hors taxes 2320.00 EUR'],
  ] as const)('%s', (language, title, tickets, totals) => {
    const lines = renderStatementText(s, language, true).split('\n');
    expect(lines[0]).toBe(title);
    expect(lines).toContain(tickets);
    expect(lines).toContain(totals);
  });
});
