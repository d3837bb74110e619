import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CALENDAR } from './calendar.ts';
import {
  answerAtRiskAt, answerDeadline, answerProblems, claimBasisOf, claimCredit, claimProblems, creditSplit, grantedAmount, marginalClaimCredits,
  type ClaimAnswer, type FiledClaim,
} from './claims.ts';
import type { ChangeInput, IncidentInput, ReportInput, UnitInput } from './report.ts';
import { computeMonthlyReport } from './tenant.ts';
import { PREREQUISITES } from './vocabulary.ts';

const at = (iso: string) => new Date(iso);
const TZ = 'Europe/Paris';
type Mod<T> = (t: T) => T;

function unit(name: string): UnitInput {
  return {
    name, level: 'Database', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
    subscription: { start: at('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
  };
}
function incident(name: string, unitName: string, openedAt: string, resolvedAt: string, ...mods: Mod<IncidentInput>[]): IncidentInput {
  const base: IncidentInput = { name, unitNames: [unitName], priority: 'P1', openedAt: at(openedAt), resolvedAt: at(resolvedAt), cause: 'Provider', exclusions: [] };
  return mods.reduce((i, m) => m(i), base);
}
const p2: Mod<IncidentInput> = (i) => ({ ...i, priority: 'P2' });
const change: ChangeInput = {
  name: 'grant', unitNames: ['db-2'], category: 'StandardSimple', tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client',
  requestedAt: at('2026-11-02T08:00:00Z'), completedAt: at('2026-11-06T08:00:00Z'),
};
function input(incidents: IncidentInput[], changes: ChangeInput[] = []): ReportInput {
  return {
    calendar: DEFAULT_CALENDAR,
    contract: { currency: 'EUR', supportLevels: { Production: 'Standard' }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000, productionMonthlyCharge: 1500 },
    units: [unit('db-1'), unit('db-2')],
    functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'db-2'], monthlyCharge: 600 }],
    incidents, changes, maintenanceWindows: [],
  };
}

// November 2026 in Paris: 30 days of CET, 720 h = 2,592,000 s; the claim deadline is 30 days
// after 1 December 00:00 Paris (2026-11-30T23:00Z): 31 December 00:00 Paris = 2026-12-30T23:00Z.
//   A, B  P1 on db-1, 4 h each (Standard P1 target 8 h, 24×7: on time). db-1 counts 8 h.
//   C     P2 on db-2, 25 h for 24 h: late. D: P2 on db-2, 1 h, on time.
//   grant simple change, Mon 2 Nov 09:00 → Fri 6 Nov 09:00 Paris: 4 × 9 business hours = 36 h > 24 h: late.
// The report's credits:
//   GTD   db-1 (720 − 8)/720 = 98.8889 %, db-2 100 %: mean 99.4444 % < 99.5 %, gap 0.0556 → 2 % of 600 = 12
//   GTR   4 resolved (< 5, so /5), 1 late (C): 20 % ∈ (5, 25] → 2 % of 1500 = 30
//   GTC   grant: 1 token × 80 = 80, 50 % = 40
//   total 12 + 30 + 40 = 82 ≤ the cap 15 % of 1000 = 150
const month = input([
  incident('A', 'db-1', '2026-11-03T09:00:00Z', '2026-11-03T13:00:00Z'),
  incident('B', 'db-1', '2026-11-10T09:00:00Z', '2026-11-10T13:00:00Z'),
  incident('C', 'db-2', '2026-11-16T09:00:00Z', '2026-11-17T10:00:00Z', p2),
  incident('D', 'db-2', '2026-11-18T09:00:00Z', '2026-11-18T10:00:00Z', p2),
], [change]);
const basis = claimBasisOf(month, '2026-11');

describe('claimCredit: the credits a claim\'s tickets give under the final report\'s rules', () => {
  it('the month lists its incidents and change as claimable tickets', () => {
    expect(basis.tickets).toEqual(['A', 'B', 'C', 'D', 'grant']);
    expect([basis.gtr.resolved, basis.gtr.lateIncidents, basis.lateChanges]).toEqual([4, ['C'], [{ name: 'grant', creditAmount: 40 }]]);
  });

  it('claiming every ticket gives the report\'s own credits', () => {
    const report = computeMonthlyReport(month, '2026-11', at('2027-01-15T00:00:00Z'));
    expect(report.credits.total).toBe(82);
    expect(claimCredit(basis, basis.tickets).total).toBe(82);
  });

  it.each([
    // A alone: db-1 (720 − 4)/720 = 99.4444 %, mean (99.4444 + 100)/2 = 99.7222 % ≥ 99.5: no GTD; C unclaimed: no GTR.
    ['A only', ['A'], 0, 0, 0, 0],
    // A and B: db-1 8 h as in the report → 12; C unclaimed → GTR 0 (0 late / 5); no change.
    ['A and B', ['A', 'B'], 12, 0, 0, 12],
    // A and C: GTD as "A only" → 0; C late: 1/5 = 20 % → 2 % of 1500 = 30.
    ['A and C', ['A', 'C'], 0, 30, 0, 30],
    // the change alone: 40.
    ['the change', ['grant'], 0, 0, 40, 40],
    // B, C, grant: GTD as "A only" (4 h) → 0; GTR 30; GTC 40 → 70.
    ['B, C and the change', ['B', 'C', 'grant'], 0, 30, 40, 70],
    // an unknown name counts for nothing.
    ['an unknown name', ['nope'], 0, 0, 0, 0],
  ])('%s', (_, names, gtd, gtr, gtc, total) => {
    const c = claimCredit(basis, names);
    expect([c.functions[0]?.amount, c.gtr.amount, c.gtc.amount, c.total]).toEqual([gtd, gtr, gtc, total]);
  });

  it('one credit per incident: a late P1 counted in GTD is credited under GTR, the higher', () => {
    // E: P1 on db-1, 10 h for 8 h: late. GTD: db-1 (720 − 10)/720 = 98.6111 %, mean 99.3056 %, gap 0.1944 → 2 % of 600 = 12.
    // GTR: 1 late of 1 resolved, /5 → 20 % → 30. E would be credited twice: GTR 30 > GTD 12, so GTD is waived → 30.
    const b = claimBasisOf(input([incident('E', 'db-1', '2026-11-03T09:00:00Z', '2026-11-03T19:00:00Z')]), '2026-11');
    const c = claimCredit(b, ['E']);
    expect([c.functions[0]?.creditPercent, c.functions[0]?.amount, c.gtr.amount, c.sharedIncidents, c.total]).toEqual([2, 0, 30, ['E'], 30]);
  });

  it('the 15 % cap holds on a claim', () => {
    // The same month on a recurring charge of 200: cap 15 % × 200 = 30; all tickets give 82 uncapped → 30.
    const small = claimBasisOf({ ...month, contract: { ...month.contract, monthlyRecurringCharge: 200 } }, '2026-11');
    const c = claimCredit(small, small.tickets);
    expect([c.uncapped, c.cap, c.total]).toEqual([82, 30, 30]);
  });
});

describe('claim deadlines (domain.md §8, seed §8.2)', () => {
  it.each([
    // 10 Dec 10:00 CET + 30 days = 9 Jan 10:00 CET; 75 % of 720 h = 540 h = 22 d 12 h → 1 Jan 22:00 CET.
    ['2026-12-10T09:00:00Z', '2027-01-09T09:00:00.000Z', '2027-01-01T21:00:00.000Z'],
    // 15 Mar 11:00 CET + 30 days = 14 Apr 11:00 CEST (09:00Z): 719 h; 75 % = 539.25 h = 22 d 11 h 15 min → 6 Apr 21:15Z.
    ['2027-03-15T10:00:00Z', '2027-04-14T09:00:00.000Z', '2027-04-06T21:15:00.000Z'],
  ])('a claim filed %s: answer by %s, AtRisk from %s', (filed, deadline, risk) => {
    expect(answerDeadline(at(filed), TZ).toISOString()).toBe(deadline);
    expect(answerAtRiskAt(at(filed), TZ).toISOString()).toBe(risk);
  });

  it.each([
    ['during the month', '2026-11-20T10:00:00Z', ['A'], [['spec.month', 'not over']]],
    ['on the deadline', '2026-12-30T23:00:00Z', ['A'], [['spec.month', 'claim deadline']]],
    ['a second before the deadline', '2026-12-30T22:59:59Z', ['A'], []],
    ['at the month\'s end', '2026-11-30T23:00:00Z', ['A'], []],
    ['with nothing listed', '2026-12-01T10:00:00Z', [], [['spec.incidents', 'at least one']]],
    ['listing A twice and an unknown', '2026-12-01T10:00:00Z', ['A', 'A', 'nope'], [['spec.incidents[1]', 'twice'], ['spec.incidents[2]', 'not a ticket']]],
  ])('a claim filed %s', (_, filedAt, tickets, expected) => {
    const problems = claimProblems({ month: '2026-11', filedAt: at(filedAt), tickets }, TZ, basis);
    expect(problems.map((p) => p.field)).toEqual(expected.map((e) => e[0]));
    problems.forEach((p, i) => {
      expect(p.message).toContain(expected[i]?.[1]);
    });
  });
});

describe('answers', () => {
  it.each<[string, ClaimAnswer, string[], number]>([
    ['accepted', { decision: 'Accepted' }, [], 42],
    // The amount recorded at the answer is what it grants; above the credit now, it is flagged (and still granted: written).
    ['accepted, 42 recorded', { decision: 'Accepted', amount: 42 }, [], 42],
    ['accepted, 50 recorded, the credit now 42', { decision: 'Accepted', amount: 50 }, ['spec.answer.amount'], 50],
    ['partly, 20', { decision: 'PartlyAccepted', amount: 20, reason: 'C was the client\'s' }, [], 20],
    ['partly, negative', { decision: 'PartlyAccepted', amount: -1, reason: 'x' }, ['spec.answer.amount'], 0],
    ['partly, above the credit', { decision: 'PartlyAccepted', amount: 50, reason: 'x' }, ['spec.answer.amount'], 42],
    ['rejected without a reason', { decision: 'Rejected', reason: ' ' }, ['spec.answer.reason'], 0],
  ])('%s on a credit of 42', (_, answer, fields, granted) => {
    expect(answerProblems(answer, 42).map((p) => p.field)).toEqual(fields);
    expect(grantedAmount(answer, 42)).toBe(granted);
  });
});

describe('creditSplit: owed, claimed, granted, expired', () => {
  const first: FiledClaim = { name: 'c1', month: '2026-11', filedAt: at('2026-12-02T10:00:00Z'), tickets: ['A'], answer: { decision: 'Accepted' }, answeredAt: at('2026-12-05T10:00:00Z') };
  const second: FiledClaim = { name: 'c2', month: '2026-11', filedAt: at('2026-12-03T10:00:00Z'), tickets: ['A', 'B', 'C'] };

  it('each claim counts what it adds to the earlier ones', () => {
    // c1 {A}: 0 (see "A only"). c1 ∪ c2 = {A, B, C}: GTD 12 + GTR 30 = 42, so c2 adds 42 − 0 = 42.
    expect(marginalClaimCredits(basis, [second, first])).toEqual(new Map([['c1', 0], ['c2', 42]]));
  });

  it.each([
    // before the deadline: owed 82; claimed 42; c1 granted its 0; c2 pending 42; unclaimed 82 − 42 = 40 still claimable.
    ['before the deadline, c2 unanswered', undefined, '2026-12-20T00:00:00Z', { owed: 82, claimed: 42, granted: 0, pending: 42, claimable: 40, expired: 0 }],
    // c2 partly accepted at 20: granted 0 + 20.
    ['c2 partly accepted', { decision: 'PartlyAccepted', amount: 20, reason: 'C shared' } as const, '2026-12-20T00:00:00Z', { owed: 82, claimed: 42, granted: 20, pending: 0, claimable: 40, expired: 0 }],
    // past the deadline (2026-12-30T23:00Z): the 40 unclaimed (the change's) expire.
    ['past the deadline', { decision: 'Accepted' } as const, '2027-01-02T00:00:00Z', { owed: 82, claimed: 42, granted: 42, pending: 0, claimable: 0, expired: 40 }],
  ])('%s', (_, answer, now, expected) => {
    const c2: FiledClaim = { ...second, ...(answer === undefined ? {} : { answer, answeredAt: at('2026-12-10T00:00:00Z') }) };
    const { claimDeadline: deadline, ...split } = creditSplit(basis, [first, c2], TZ, at(now));
    expect(split).toEqual(expected);
    expect(deadline.toISOString()).toBe('2026-12-30T23:00:00.000Z');
  });

  it('with no claim, the month\'s credits expire at the deadline', () => {
    const { claimDeadline: _, ...split } = creditSplit(basis, [], TZ, at('2026-12-30T23:00:00Z'));
    expect(split).toEqual({ owed: 82, claimed: 0, granted: 0, pending: 0, claimable: 0, expired: 82 });
  });
});

describe('claimCredit agrees with the report', () => {
  // Generated Novembers: 1–4 production units in 1–2 functions, P1/P2 incidents of 0–30 h (some
  // overlapping, some client-caused on co-managed units, some with an exclusion), simple changes of
  // 0–80 business-ish hours. Claiming every ticket gives the report's total; any claim stays within the cap.
  const START = Date.parse('2026-11-01T00:00:00Z');
  const HOUR = 3_600_000;
  const months = fc.record({
    units: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    incidents: fc.array(fc.record({ unit: fc.nat(3), p1: fc.boolean(), client: fc.boolean(), at: fc.integer({ min: 0, max: 700 }), lasts: fc.integer({ min: 0, max: 30 }), excluded: fc.integer({ min: 0, max: 3 }) }), { maxLength: 12 }),
    changes: fc.array(fc.record({ unit: fc.nat(3), at: fc.integer({ min: 0, max: 600 }), lasts: fc.integer({ min: 1, max: 80 }) }), { maxLength: 4 }),
    pick: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
  });
  it('for generated months', () => {
    fc.assert(fc.property(months, (m) => {
      const names = m.units.map((_, i) => `u${i}`);
      const ri: ReportInput = {
        ...input([]),
        units: m.units.map((coManaged, i) => ({ ...unit(`u${i}`), coManaged })),
        functions: [
          { name: 'fa', family: 'Database', units: names.filter((_, i) => i % 2 === 0), monthlyCharge: 600 },
          { name: 'fb', family: 'OS', units: names.filter((_, i) => i % 2 === 1), monthlyCharge: 450 },
        ],
        incidents: m.incidents.map((x, i) => {
          const opened = START + x.at * HOUR;
          return {
            name: `i${i}`, unitNames: [names[x.unit % names.length] ?? 'u0'], priority: x.p1 ? 'P1' : 'P2', cause: x.client ? 'Client' : 'Provider',
            openedAt: new Date(opened), resolvedAt: new Date(opened + x.lasts * HOUR + 60_000),
            exclusions: x.excluded > 0 ? [{ start: new Date(opened), end: new Date(opened + x.excluded * HOUR) }] : [],
          };
        }),
        changes: m.changes.map((x, i) => ({ ...change, name: `c${i}`, unitNames: [names[x.unit % names.length] ?? 'u0'], requestedAt: new Date(START + x.at * HOUR), completedAt: new Date(START + (x.at + x.lasts) * HOUR) })),
      };
      const report = computeMonthlyReport(ri, '2026-11', at('2027-01-15T00:00:00Z'));
      const b = claimBasisOf(ri, '2026-11');
      expect(claimCredit(b, b.tickets).total).toBe(report.credits.total);
      const some = claimCredit(b, b.tickets.filter((_, i) => m.pick[i % 16] === true));
      expect(some.total).toBeLessThanOrEqual(some.cap);
    }), { numRuns: 60 });
  });
});
