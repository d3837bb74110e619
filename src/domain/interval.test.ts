import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clip, clipOne, intersect, subtract, totalSeconds, union, type Interval } from './interval.ts';

const T0 = Date.UTC(2026, 9, 1);
/** An interval of whole seconds after T0. */
const iv = (s: number, e: number): Interval => ({ start: new Date(T0 + s * 1000), end: new Date(T0 + e * 1000) });
const pairs = (list: readonly Interval[]): [number, number][] =>
  list.map((i) => [(i.start.getTime() - T0) / 1000, (i.end.getTime() - T0) / 1000]);

describe('interval operations', () => {
  it.each([
    { name: 'disjoint stay apart', input: [iv(0, 10), iv(20, 30)], expected: [[0, 10], [20, 30]] },
    { name: 'overlaps merge (counted once)', input: [iv(0, 10), iv(5, 30)], expected: [[0, 30]] },
    { name: 'touching merge', input: [iv(0, 10), iv(10, 20)], expected: [[0, 20]] },
    { name: 'contained vanishes', input: [iv(0, 100), iv(10, 20)], expected: [[0, 100]] },
    { name: 'empty dropped', input: [iv(5, 5), iv(9, 3)], expected: [] },
    { name: 'unsorted input', input: [iv(50, 60), iv(0, 10), iv(8, 12)], expected: [[0, 12], [50, 60]] },
  ])('union: $name', ({ input, expected }) => {
    expect(pairs(union(input))).toEqual(expected);
  });

  it('intersect, subtract and clip', () => {
    const a = [iv(0, 10), iv(20, 40)];
    const b = [iv(5, 25), iv(30, 35)];
    expect(pairs(intersect(a, b))).toEqual([[5, 10], [20, 25], [30, 35]]);
    expect(pairs(subtract(a, b))).toEqual([[0, 5], [25, 30], [35, 40]]);
    expect(pairs(subtract(b, a))).toEqual([[10, 20]]);
    expect(pairs(clip(a, iv(8, 22)))).toEqual([[8, 10], [20, 22]]);
    expect(clipOne(iv(0, 10), iv(10, 20))).toBeUndefined();
    expect(totalSeconds([iv(0, 10), iv(5, 15)])).toBe(15);
  });

  // Model: a set of whole seconds on a small grid.
  const arbList = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })).map(([a, b]) => iv(Math.min(a, b), Math.max(a, b))),
    { maxLength: 8 },
  );
  const cells = (list: readonly Interval[]): Set<number> => {
    const out = new Set<number>();
    for (const [s, e] of pairs(list)) for (let t = s; t < e; t++) out.add(t);
    return out;
  };

  it('agree with a set-of-seconds model', () => {
    fc.assert(
      fc.property(arbList, arbList, (a, b) => {
        const ca = cells(a);
        const cb = cells(b);
        expect(cells(union(a, b))).toEqual(new Set([...ca, ...cb]));
        expect(cells(intersect(a, b))).toEqual(new Set([...ca].filter((t) => cb.has(t))));
        expect(cells(subtract(a, b))).toEqual(new Set([...ca].filter((t) => !cb.has(t))));
        expect(totalSeconds(a)).toBe(ca.size);
        // normalized: sorted, disjoint, non-adjacent
        const u = pairs(union(a, b));
        for (let i = 1; i < u.length; i++) expect(u[i]![0]).toBeGreaterThan(u[i - 1]![1]);
      }),
    );
  });

  it('the union of intervals clipped to a month never exceeds the month', () => {
    const month = iv(0, 30);
    fc.assert(
      fc.property(arbList, (a) => {
        expect(totalSeconds(clip(a, month))).toBeLessThanOrEqual(30);
        expect(totalSeconds(union(a))).toBeLessThanOrEqual(a.reduce((sum, i) => sum + totalSeconds([i]), 0));
      }),
    );
  });
});
