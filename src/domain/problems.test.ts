import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECURRENCE_POLICY, majorIncident, problemProposal, problemProposals, problemsOfMonth, recurrences, type ProblemInput, type RecurrenceIncident,
} from './problems.ts';
import type { Priority } from './vocabulary.ts';

const day = (d: number, h = 0): Date => new Date(Date.UTC(2026, 2, d, h)); // March 2026
const inc = (name: string, opened: Date, units: string[], priority: Priority = 'P2'): RecurrenceIncident => ({ name, priority, unitNames: units, openedAt: opened });

describe('recurrences (seed §5.4: N incidents on one unit or function within M days)', () => {
  it('defaults to 3 incidents in 30 days', () => {
    expect(DEFAULT_RECURRENCE_POLICY).toEqual({ incidents: 3, days: 30 });
  });

  it.each([
    // 1, 10, 31 March: 31 - 1 = 30 days, within 30 (inclusive) → one recurrence of 3.
    ['3 within 30 days exactly', [inc('a', day(1), ['db']), inc('b', day(10), ['db']), inc('c', day(31), ['db'])], [['ServiceUnit', 'db', ['a', 'b', 'c']]]],
    // 1 March 00:00 → 31 March 01:00 is 30 days + 1 h: a and c are not within 30 days; 2 per window < 3.
    ['3 over 30 days and an hour', [inc('a', day(1), ['db']), inc('b', day(10), ['db']), inc('c', day(31, 1), ['db'])], []],
    // Two on db, one on web: 2 per unit < 3.
    ['spread over two units', [inc('a', day(1), ['db']), inc('b', day(2), ['db']), inc('c', day(3), ['web'])], []],
    // A P4 is not an incident (domain.md §1): 2 counted < 3.
    ['a P4 does not count', [inc('a', day(1), ['db']), inc('b', day(2), ['db']), inc('c', day(3), ['db'], 'P4')], []],
    // Windows [a,b,c] (days 1-20) and [b,c,d] (10-35: 25 days) overlap → one chain a..d. e (day 51,
    // 20 April): the window ending at e starts at day 21, holding d and e only, 2 < 3.
    ['a chain of overlapping windows is one recurrence', [inc('a', day(1), ['db']), inc('b', day(10), ['db']), inc('c', day(20), ['db']), inc('d', day(35), ['db']), inc('e', day(51), ['db'])], [['ServiceUnit', 'db', ['a', 'b', 'c', 'd']]]],
  ] as const)('%s', (_name, incidents, expected) => {
    const got = recurrences(incidents, [], DEFAULT_RECURRENCE_POLICY).map((r) => [r.scope, r.name, r.incidents]);
    expect(got).toEqual(expected);
  });

  it('counts the incidents of a function across its units', () => {
    // fn-db groups db-1 and db-2: a (db-1), b (db-2), c (db-1) → 3 on the function within 2 days; db-1 alone has 2.
    const incidents = [inc('a', day(1), ['db-1']), inc('b', day(2), ['db-2']), inc('c', day(3), ['db-1'])];
    const got = recurrences(incidents, [{ name: 'fn-db', units: ['db-1', 'db-2'] }], DEFAULT_RECURRENCE_POLICY);
    expect(got).toEqual([{ scope: 'ManagedFunction', name: 'fn-db', incidents: ['a', 'b', 'c'], from: day(1), to: day(3) }]);
  });

  it('takes the contract\'s own policy: 2 in 7 days', () => {
    // 1 and 8 March: 7 days apart, within 7 → recurrence; 8 and 16: 8 days → not.
    const incidents = [inc('a', day(1), ['db']), inc('b', day(8), ['db']), inc('c', day(16), ['db'])];
    expect(recurrences(incidents, [], { incidents: 2, days: 7 }).map((r) => r.incidents)).toEqual([['a', 'b']]);
  });
});

describe('problemProposal', () => {
  const incidents = [inc('a', day(1), ['db']), inc('b', day(2), ['db']), inc('c', day(3), ['db']), inc('z', day(3), ['web'])];
  const all = recurrences(incidents, [], DEFAULT_RECURRENCE_POLICY);
  const problem = (name: string, names: string[]): ProblemInput => ({ name, summary: 's', incidentNames: names, openedAt: day(4) });

  it('proposes a Problem for each incident of a recurrence none links', () => {
    const p = problemProposal('b', all, []);
    expect(p.state).toBe('Proposed');
    expect(p.state === 'Proposed' && p.recurrences.map((r) => r.incidents)).toEqual([['a', 'b', 'c']]);
  });

  it('names the Problem that links others of the recurrence', () => {
    const p = problemProposal('c', all, [problem('prb-db', ['a', 'b'])]);
    expect(p).toMatchObject({ state: 'Proposed', linkedOthers: ['prb-db'] });
  });

  it('is linked once a Problem links it; not recurring otherwise', () => {
    expect(problemProposal('a', all, [problem('prb-db', ['a', 'b'])])).toEqual({ state: 'Linked', problems: ['prb-db'] });
    expect(problemProposal('z', all, [])).toEqual({ state: 'NotRecurring' });
  });

  it('gives every incident its proposal at once', () => {
    // a, b, c recur on db (3 within 30 days); prb-db links a and b; z is alone on web; y is unknown.
    const problems = [problem('prb-db', ['a', 'b', 'a'])];
    const names = ['a', 'b', 'c', 'z', 'y'];
    const all3 = problemProposals(names, all, problems);
    expect([...all3.keys()]).toEqual(names);
    expect(all3.get('a')).toEqual({ state: 'Linked', problems: ['prb-db'] });
    expect(all3.get('b')).toEqual({ state: 'Linked', problems: ['prb-db'] });
    expect(all3.get('c')).toMatchObject({ state: 'Proposed', linkedOthers: ['prb-db'] });
    const c = all3.get('c');
    expect(c?.state === 'Proposed' ? c.recurrences.map((r) => r.incidents) : []).toEqual([['a', 'b', 'c']]);
    expect(all3.get('z')).toEqual({ state: 'NotRecurring' });
    expect(all3.get('y')).toEqual({ state: 'NotRecurring' });
  });
});

describe('majorIncident (seed §5.3.2)', () => {
  const functions = [{ name: 'fn-db', units: ['db-1', 'db-2', 'db-3'] }, { name: 'app', units: ['app-1'] }];
  it.each([
    ['P1 on 2 units', 'P1', ['db-1', 'db-2'], { major: true, reason: 'SeveralUnits', units: ['db-1', 'db-2'], functions: [] }],
    ['P1 on the 3 units of fn-db', 'P1', ['db-3', 'db-1', 'db-2'], { major: true, reason: 'SeveralUnits', units: ['db-1', 'db-2', 'db-3'], functions: ['fn-db'] }],
    ['P1 on the one unit of a function', 'P1', ['app-1'], { major: true, reason: 'WholeFunction', units: ['app-1'], functions: ['app'] }],
    ['P1 on 1 of 3 units', 'P1', ['db-1'], { major: false }],
    ['P2 on 3 units', 'P2', ['db-1', 'db-2', 'db-3'], { major: false }],
    ['P1 naming one unit twice', 'P1', ['db-1', 'db-1'], { major: false }],
  ] as const)('%s', (_n, priority, units, expected) => {
    expect(majorIncident({ priority, unitNames: units }, functions)).toEqual(expected);
  });
});

describe('problemsOfMonth', () => {
  const march = { start: day(1), end: new Date(Date.UTC(2026, 3, 1)) };
  const p = (name: string, opened: Date, closed?: Date): ProblemInput => ({ name, summary: name, incidentNames: ['a'], openedAt: opened, ...(closed ? { closedAt: closed } : {}) });
  const problems = [
    p('feb-closed', new Date(Date.UTC(2026, 1, 2)), new Date(Date.UTC(2026, 1, 20))), // closed before March: not listed
    p('feb-open', new Date(Date.UTC(2026, 1, 2))), // open throughout March
    p('mar-closed', day(5), day(20)), // opened and closed in March
    p('closed-april', day(10), new Date(Date.UTC(2026, 3, 3))), // closed after March: Open in March
    p('april', new Date(Date.UTC(2026, 3, 2))), // opened after March: not listed
  ];

  it('lists the problems open during the month or closed in it, as at its end', () => {
    const rows = problemsOfMonth(problems, march, new Date(Date.UTC(2026, 5, 1)));
    expect(rows.map((r) => [r.name, r.state, r.closedAt?.toISOString()])).toEqual([
      ['closed-april', 'Open', undefined],
      ['feb-open', 'Open', undefined],
      ['mar-closed', 'Closed', '2026-03-20T00:00:00.000Z'],
    ]);
  });

  it('within the month, knows only what happened before now', () => {
    // now = 15 March: mar-closed (closed 20 March) is still Open; closed-april opened 10 March is listed.
    const rows = problemsOfMonth(problems, march, day(15));
    expect(rows.map((r) => [r.name, r.state])).toEqual([['closed-april', 'Open'], ['feb-open', 'Open'], ['mar-closed', 'Open']]);
  });
});
