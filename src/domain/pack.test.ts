import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import { CAPACITY_NO_SAMPLES, capacityRow, capacitySection, capacityUnavailable, monthlyPack, PACK_LIST_LIMIT, percentileOf, renderPackText, withCapacity, type CapacityRow } from './pack.ts';
import type { ChangeInput, IncidentInput, ReportInput, UnitInput } from './report.ts';
import { computeMonthlyReport } from './tenant.ts';
import { PREREQUISITES } from './vocabulary.ts';

// Fixture builders with modifiers (style.md §13), as report.test.ts.
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
  const base: IncidentInput = { name, unitNames: [unitName], priority: 'P1', openedAt: at(openedAt), resolvedAt: resolvedAt === undefined ? undefined : at(resolvedAt), cause: 'Provider', exclusions: [] };
  return mods.reduce((i, m) => m(i), base);
}
const priority = (p: IncidentInput['priority']): Mod<IncidentInput> => (i) => ({ ...i, priority: p });
const monitoring: Mod<IncidentInput> = (i) => ({ ...i, detection: 'Monitoring' });
function change(name: string, unitName: string, requestedAt: string, completedAt: string, category: ChangeInput['category'] = 'StandardSimple'): ChangeInput {
  return { name, unitNames: [unitName], category, tokens: 1, accelerated: false, outsideBusinessHours: false, initiator: 'Client', requestedAt: at(requestedAt), completedAt: at(completedAt) };
}
const AFTER = at('2027-01-15T00:00:00Z');

// The design.md §3 example (report.test.ts), with detections, a non-standard change, a Problem,
// a P2 of September (not in October's volumes) and a weekly Sunday window.
const input: ReportInput = {
  calendar: DEFAULT_CALENDAR,
  contract: { currency: 'EUR', supportLevels: { Production: 'Standard', Development: 'Initial' }, payAsYouGoTokenPrice: 80, monthlyRecurringCharge: 1000, productionMonthlyCharge: 1500, monthlyTokens: 10 },
  units: [unit('db-1'), unit('db-2'), unit('dev-1', (u) => ({ ...u, environment: 'Development' }))],
  functions: [{ name: 'databases', family: 'Database', units: ['db-1', 'db-2', 'dev-1'], monthlyCharge: 600 }],
  incidents: [
    incident('outage-1', 'db-1', '2026-10-05T10:00:00Z', '2026-10-05T14:30:00Z', monitoring),
    incident('outage-2', 'db-1', '2026-10-26T10:00:00Z', '2026-10-26T14:30:00Z'),
    incident('slow-1', 'db-2', '2026-10-06T10:00:00Z', '2026-10-07T11:00:00Z', priority('P2')),
    incident('slow-2', 'db-2', '2026-10-08T10:00:00Z', '2026-10-08T11:00:00Z', priority('P2'), monitoring),
    incident('dev', 'dev-1', '2026-10-08T10:00:00Z', '2026-10-08T11:00:00Z', priority('P2')),
    incident('september', 'db-2', '2026-09-10T10:00:00Z', '2026-09-10T11:00:00Z', priority('P2')),
  ],
  changes: [
    change('resize', 'db-1', '2026-10-12T08:00:00Z', '2026-10-13T08:00:00Z'),
    change('grant', 'db-2', '2026-10-12T08:00:00Z', '2026-10-16T08:00:00Z', 'NonStandard'),
  ],
  maintenanceWindows: [{
    name: 'sunday', unitNames: ['db-1', 'db-2', 'gone'], excludeFromAvailability: false,
    schedule: { timeZone: 'Europe/Paris', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU', startTime: '02:00', from: at('2026-10-01T00:00:00Z') }, durationSeconds: 7200 },
  }],
  problems: [{ name: 'prb-1', summary: 'db-1 restarts', openedAt: at('2026-10-27T09:00:00Z'), incidentNames: ['outage-1', 'outage-2'] }],
};

describe('monthlyPack: October 2026 of the design.md §3 example', () => {
  const report = computeMonthlyReport(input, '2026-10', AFTER);
  const pack = monthlyPack(input, report, AFTER);

  it('volumes: the incidents opened in October (Paris) by priority, environment, detection; changes by category; tokens', () => {
    // Opened in October: outage-1, outage-2 (P1), slow-1, slow-2, dev (P2) = 5; september is not.
    // Environments: 4 on db-1/db-2 (Production), dev on dev-1 (Development).
    // Detection: outage-1 and slow-2 by Monitoring = 2; the 3 others Client (the default).
    expect(pack.volumes.incidents).toEqual({
      total: 5,
      byPriority: { P1: 2, P2: 3, P3: 0, P4: 0 },
      byEnvironment: { Production: 4, PreProduction: 0, Integration: 0, Development: 1 },
      byDetection: { Monitoring: 2, Client: 3 },
    });
    // resize StandardSimple, grant NonStandard: 1 + 1 = 2.
    expect(pack.volumes.changes).toEqual({ total: 2, byCategory: { StandardSimple: 1, StandardComplex: 0, NonStandard: 1 } });
    // The report's ledger: pack 10, 2 changes of 1 token = 2 used, none beyond.
    expect(pack.volumes.tokens).toEqual(report.tokens);
    expect(pack.volumes.tokens).toMatchObject({ pack: 10, used: 2, extra: 0 });
    expect(pack.volumes.releases).toEqual([]);
  });

  it('guarantees and credits are the report\'s figures', () => {
    // report.test.ts: GTD 99.396 % < 99.5 % → 2 % of 600 = 12; GTR 1 late of 4 → 1/5 = 20 % → 2 % of 1500 = 30.
    // GTC: grant is NonStandard here (quoted, no change time: domain.md §7), so only resize counts:
    // 1 completed, 0 late, 0. Credits 12 + 30 = 42, under the cap 15 % of 1000 = 150.
    expect(pack.gtd).toEqual([{ name: 'databases', availabilityPercent: 99.396, guaranteePercent: 99.5, met: false, creditAmount: 12 }]);
    expect(pack.gtr).toEqual({ resolved: 4, late: 1, deviationPercent: 20, creditAmount: 30 });
    expect(pack.gtc).toEqual({ completed: 1, late: 0, creditAmount: 0 });
    expect(pack.credits).toEqual({ uncapped: 42, capPercent: 15, cap: 150, total: 42 });
    // dev: a Development P2 at Initial, which times no P2 (no restoration time kept): nothing timed.
    expect(pack.nonProduction).toEqual({ incidentsTimed: 0, incidentsLate: 0, changesTimed: 0, changesLate: 0 });
    expect(pack.nonProduction).toEqual({ incidentsTimed: report.nonProduction?.incidents.timed ?? 0, incidentsLate: 0, changesTimed: 0, changesLate: 0 });
  });

  it('major incidents, problems, maintenance carried out', () => {
    expect(pack.majorIncidents).toEqual({
      items: [
        { name: 'outage-1', openedAt: '2026-10-05T10:00:00Z', resolvedAt: '2026-10-05T14:30:00Z', units: ['db-1'] },
        { name: 'outage-2', openedAt: '2026-10-26T10:00:00Z', resolvedAt: '2026-10-26T14:30:00Z', units: ['db-1'] },
      ],
      more: 0,
    });
    expect(pack.problems).toEqual({ opened: 1, closed: 0, openAtEnd: 1, list: { items: [{ name: 'prb-1', state: 'Open', summary: 'db-1 restarts' }], more: 0 } });
    // Sundays of October 2026: 4, 11, 18, 25; 02:00 Paris (CEST, UTC+2) is 00:00Z, on the 25th too:
    // the clocks go back at 03:00 CEST, so 02:00 is first met in CEST.
    // Units: db-1, db-2 (gone is not a unit) = 2.
    expect(pack.maintenance.items.map((m) => [m.start, m.end, m.units])).toEqual([
      ['2026-10-04T00:00:00Z', '2026-10-04T02:00:00Z', 2],
      ['2026-10-11T00:00:00Z', '2026-10-11T02:00:00Z', 2],
      ['2026-10-18T00:00:00Z', '2026-10-18T02:00:00Z', 2],
      ['2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z', 2],
    ]);
    expect(pack.maintenance.more).toBe(0);
  });

  it('as of 12 October: only what is known and has run', () => {
    const now = at('2026-10-12T12:00:00Z');
    const early = monthlyPack(input, computeMonthlyReport(input, '2026-10', now), now);
    // Opened by then: outage-1 (5th), slow-1 (6th), slow-2, dev (8th) = 4; outage-2 (26th) not yet.
    expect(early.volumes.incidents.total).toBe(4);
    expect(early.majorIncidents.items.map((i) => i.name)).toEqual(['outage-1']);
    // Sundays 4 and 11 have run.
    expect(early.maintenance.items.length).toBe(2);
    expect(renderPackText(early, 'en', false)).toContain('Monthly pack 2026-10 (provisional)');
  });

  it('caps the major incidents at PACK_LIST_LIMIT and counts the rest', () => {
    // PACK_LIST_LIMIT + 3 P1 incidents of one hour on 1 to 23 November.
    const many: ReportInput = {
      ...input,
      incidents: Array.from({ length: PACK_LIST_LIMIT + 3 }, (_, k) => incident(`p1-${String(k).padStart(2, '0')}`, 'db-1', `2026-11-${String(k + 1).padStart(2, '0')}T10:00:00Z`, `2026-11-${String(k + 1).padStart(2, '0')}T11:00:00Z`)),
      problems: [],
    };
    const p = monthlyPack(many, computeMonthlyReport(many, '2026-11', AFTER), AFTER);
    expect(p.volumes.incidents.byPriority.P1).toBe(23);
    expect(p.majorIncidents.items.length).toBe(20);
    expect(p.majorIncidents.more).toBe(3);
    expect(renderPackText(p, 'en')).toContain('and 3 more');
    expect(renderPackText(p, 'fr')).toContain('et 3 de plus');
  });

  it('text in English and French carries the same figures', () => {
    const en = renderPackText(pack, 'en', report.final);
    const fr = renderPackText(pack, 'fr', true);
    expect(en).toContain('Monthly pack 2026-10 (final)');
    expect(en).toContain('Incidents: 5; by priority: P1 2, P2 3, P3 0, P4 0');
    expect(en).toContain('GTD databases: availability 99.396 % / guarantee 99.5 % (missed), 12 EUR');
    expect(en).toContain('Credits: uncapped 42, cap 150 (15 %), total 42 EUR');
    expect(fr).toContain('Rapport mensuel 2026-10 (définitif)');
    expect(fr).toContain('Incidents: 5; par priorité: P1 2, P2 3, P3 0, P4 0');
    expect(fr).toContain('Pénalités: avant plafond 42, plafond 150 (15 %), total 42 EUR');
  });
});

describe('capacity: p95 (nearest rank) and the trend against the three months before', () => {
  it.each([
    // 1..20: rank ⌈0.95 × 20⌉ = 19 → 19.
    [Array.from({ length: 20 }, (_, i) => i + 1), 19],
    // 1..100: rank 95 → 95.
    [Array.from({ length: 100 }, (_, i) => i + 1), 95],
    // One value: rank ⌈0.95⌉ = 1.
    [[42], 42],
    // Unsorted, NaN ignored: 3 values, rank ⌈2.85⌉ = 3 → the largest, 0.9.
    [[0.9, Number.NaN, 0.1, 0.5], 0.9],
  ])('p95 of %j is %d', (values, expected) => {
    expect(percentileOf(values)).toBe(expected);
  });

  it('no samples: no p95', () => { expect(percentileOf([])).toBeUndefined(); });

  it('trend: month p95 against the mean of the previous p95s', () => {
    // Month 1..20 → p95 19. Previous: [10] → 10, [20] → 20, [15] → 15, a 4th month [100] ignored:
    // baseline (10 + 20 + 15) / 3 = 15; trend (19 − 15) / 15 = 26.666… % → 26.67.
    expect(capacityRow('db-1', 'cpu', Array.from({ length: 20 }, (_, i) => i + 1), [[10], [20], [15], [100]]))
      .toEqual({ unit: 'db-1', resource: 'cpu', p95: 19, baseline: 15, trendPercent: 26.67 });
    // A month before without samples is left out: baseline 10, trend (5 − 10) / 10 = −50 %.
    expect(capacityRow('db-1', 'disk', [5], [[], [10]])).toEqual({ unit: 'db-1', resource: 'disk', p95: 5, baseline: 10, trendPercent: -50 });
    // Nothing before: no trend.
    expect(capacityRow('db-1', 'memory', [5], [])).toEqual({ unit: 'db-1', resource: 'memory', p95: 5 });
  });
});

describe('the capacity section: per resource, by p95 highest first, capped, or unavailable with its reason', () => {
  // 22 units' CPU: cpu-01 … cpu-22, the month's samples of unit i are 1..i (p95 rank ⌈0.95 i⌉) and
  // its three months before each [i] (p95 i, baseline i).
  //   i ≤ 19: 0.05 i < 1, so ⌈0.95 i⌉ = i → p95 i, trend 0 %.
  //   cpu-20: ⌈19⌉ = 19 → 19; (19 − 20) / 20 = −5 %.
  //   cpu-21: ⌈19.95⌉ = 20; (20 − 21) / 21 = −4.7619… % → −4.76.
  //   cpu-22: ⌈20.9⌉ = 21; (21 − 22) / 22 = −4.5454… % → −4.55.
  // Highest first, ties by name: cpu-22 (21), cpu-21 (20), cpu-19 (19), cpu-20 (19), cpu-18 (18),
  // … cpu-03 (3): 4 + 16 = 20 shown; 2 more (cpu-02 and cpu-01, the two lowest).
  const name = (i: number): string => `cpu-${String(i).padStart(2, '0')}`;
  const cpu: CapacityRow[] = Array.from({ length: 22 }, (_, k) => k + 1)
    .map((i) => capacityRow(name(i), 'cpu', Array.from({ length: i }, (_, j) => j + 1), [[i], [i], [i]]));
  // Memory: m-a 0.5 with no history; m-b no samples (last, with its reason); m-c 0.8 against [0.4, 0.4, 0.4]: (0.8 − 0.4) / 0.4 = +100 %.
  const memory = [capacityRow('m-a', 'memory', [0.5], []), capacityRow('m-b', 'memory', [], [[1]]), capacityRow('m-c', 'memory', [0.8], [[0.4], [0.4], [0.4]])];
  const section = capacitySection([...memory, ...cpu]);

  it('lists each resource that has rows, highest p95 first, at most PACK_LIST_LIMIT, the rest counted', () => {
    if (!section.available) throw new Error('available');
    expect(section.cpu?.items).toHaveLength(PACK_LIST_LIMIT);
    expect(section.cpu?.more).toBe(2);
    expect(section.cpu?.items[0]).toEqual({ unit: 'cpu-22', p95: 21, baseline: 22, trendPercent: -4.55 });
    expect(section.cpu?.items.slice(1, 4)).toEqual([
      { unit: 'cpu-21', p95: 20, baseline: 21, trendPercent: -4.76 },
      { unit: 'cpu-19', p95: 19, baseline: 19, trendPercent: 0 },
      { unit: 'cpu-20', p95: 19, baseline: 20, trendPercent: -5 },
    ]);
    // The 20th is cpu-03: p95 ⌈2.85⌉ = 3, (3 − 3) / 3 = 0.
    expect(section.cpu?.items.at(-1)).toEqual({ unit: 'cpu-03', p95: 3, baseline: 3, trendPercent: 0 });
    expect(section.memory).toEqual({
      items: [{ unit: 'm-c', p95: 0.8, baseline: 0.4, trendPercent: 100 }, { unit: 'm-a', p95: 0.5 }, { unit: 'm-b', reason: CAPACITY_NO_SAMPLES, baseline: 1 }],
      more: 0,
    });
    // No disk query: no disk list.
    expect(section.disk).toBeUndefined();
  });

  it('joins the pack of a report; a report without a pack (sealed before packs) is left as it is', () => {
    const report = computeMonthlyReport(input, '2026-10', AFTER);
    expect(withCapacity(report, section).pack?.capacity).toBe(section);
    const packless = { ...report, pack: undefined };
    expect(withCapacity(packless, section)).toBe(packless);
  });

  it('prints the section in English and French; unavailable says why instead of numbers', () => {
    const report = computeMonthlyReport(input, '2026-10', AFTER);
    const en = renderPackText(withCapacity(report, section).pack!, 'en', true);
    expect(en).toContain('Capacity (p95 of the month; trend against the mean p95 of the 3 months before)\n  CPU\n    cpu-22 21 (baseline 22, -4.55 %)\n');
    expect(en).toContain('    cpu-03 3 (baseline 3, 0 %)\n    and 2 more\n  Memory\n    m-c 0.8 (baseline 0.4, +100 %)\n    m-a 0.5 (no history)\n    m-b no p95: no samples in the month\n');
    const fr = renderPackText(withCapacity(report, section).pack!, 'fr', true);
    expect(fr).toContain('Capacité (p95 du mois ; tendance par rapport à la moyenne des p95 des 3 mois précédents)\n  CPU\n    cpu-22 21 (référence 22, -4.55 %)\n');
    expect(fr).toContain('    et 2 de plus\n  Mémoire\n    m-c 0.8 (référence 0.4, +100 %)\n    m-a 0.5 (sans historique)\n');
    const down = renderPackText(withCapacity(report, capacityUnavailable('Prometheus http://127.0.0.1:9 unreachable')).pack!, 'en', true);
    expect(down).toContain('Capacity (p95 of the month; trend against the mean p95 of the 3 months before): unavailable: Prometheus http://127.0.0.1:9 unreachable\n');
    expect(down).not.toContain('CPU');
    // Without the section (the pure pack, or a pack sealed before it): no capacity line at all.
    expect(renderPackText(report.pack!, 'en', true)).not.toContain('Capacity');
  });
});
