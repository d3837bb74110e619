import { describe, expect, it } from 'vitest';
import { parseCapacityQuery, renderCapacityQuery } from './capacity.ts';
import { rangeStep } from './prometheus-range.ts';

describe('capacity query templates', () => {
  const parse = (s: string) => {
    const p = parseCapacityQuery(s);
    if (!p.ok) throw new Error(p.message);
    return p.query;
  };

  it('substitutes the unit, the namespace and a label as PromQL string content', () => {
    const q = parse('max(disk{ns="{{ namespace }}", host="{{labels.example.com/host}}", unit="{{unit}}"})');
    expect(renderCapacityQuery(q, 'acme', { name: 'db-1', labels: { 'example.com/host': 'vm"1\\' } }))
      .toEqual({ query: 'max(disk{ns="acme", host="vm\\"1\\\\", unit="db-1"})' });
    // A unit without the label: no query, the label named.
    expect(renderCapacityQuery(q, 'acme', { name: 'db-2', labels: {} })).toEqual({ missingLabel: 'example.com/host' });
  });

  it.each([
    ['', 'empty query'],
    ['up', 'the query names no unit'],
    ['up{ns="{{namespace}}"}', 'the query names no unit'],
    ['up{u="{{units}}"}', 'unknown placeholder {{units}}'],
    ['up{u="{{labels.}}"}', 'unknown placeholder {{labels.}}'],
    ['up{u="{{unit}"}', 'an unclosed {{ or a stray }}'],
  ])('refuses %j: %s', (source, message) => {
    const p = parseCapacityQuery(source);
    expect(p.ok ? '' : p.message).toContain(message);
  });
});

describe('rangeStep: at most MAX_RANGE_POINTS points a series', () => {
  it.each([
    // October 2026 in Paris: 745 h = 2,682,000 s; at 300 s: 8,941 points ≤ 11,000, kept.
    ['2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z', 300, 300],
    // The same at 60 s: 44,701 points; widened to ⌈2,682,000 / 10,999⌉ = ⌈243.84⌉ = 244 s (10,992 points).
    ['2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z', 60, 244],
    // An empty range: the wanted step.
    ['2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', 60, 60],
  ])('%s → %s at %d s: step %d s', (start, end, wanted, step) => {
    expect(rangeStep(new Date(start), new Date(end), wanted)).toBe(step);
  });
});
