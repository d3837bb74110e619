// Set operations on half-open time intervals [start, end), the arithmetic under GTD (domain.md §5:
// overlapping interruptions count once; exclusions are subtracted once).
//
// A "normalized" list is sorted by start, disjoint, non-adjacent and without empty intervals.
// `union` returns one; `intersect` and `subtract` accept any lists and return normalized ones.
import type { Interval } from './calendar.ts';

export type { Interval } from './calendar.ts';

const MS_PER_SECOND = 1000;

/** Intervals as [startMs, endMs] pairs, the form the operations work on. */
type Span = readonly [number, number];

function toSpans(intervals: readonly Interval[]): Span[] {
  const spans: Span[] = [];
  for (const { start, end } of intervals) {
    const s = start.getTime();
    const e = end.getTime();
    if (e > s) spans.push([s, e]);
  }
  return spans;
}

function fromSpans(spans: readonly Span[]): Interval[] {
  return spans.map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
}

/** Sorts and merges spans; overlapping or touching spans become one. Empty spans are dropped. */
function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of spans) {
    if (e <= s) continue;
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else {
      out.push([s, e]);
    }
  }
  return out;
}

/** The union of any number of interval lists, normalized: overlaps count once. */
export function union(...lists: readonly (readonly Interval[])[]): Interval[] {
  return fromSpans(mergeSpans(lists.flatMap(toSpans)));
}

/** The intersection of two interval lists, normalized. Linear after sorting. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = mergeSpans(toSpans(a));
  const y = mergeSpans(toSpans(b));
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const [xs, xe] = x[i] as Span;
    const [ys, ye] = y[j] as Span;
    const s = Math.max(xs, ys);
    const e = Math.min(xe, ye);
    if (e > s) out.push([s, e]);
    if (xe < ye) i++;
    else j++;
  }
  return fromSpans(out);
}

/** `a` minus `b`, normalized: the parts of `a` that no interval of `b` covers. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = mergeSpans(toSpans(a));
  const y = mergeSpans(toSpans(b));
  const out: Span[] = [];
  let j = 0;
  for (const [xs, xe] of x) {
    let cursor = xs;
    while (j < y.length && (y[j] as Span)[1] <= cursor) j++;
    let k = j;
    while (k < y.length && (y[k] as Span)[0] < xe) {
      const [ys, ye] = y[k] as Span;
      if (ys > cursor) out.push([cursor, ys]);
      cursor = Math.max(cursor, ye);
      if (cursor >= xe) break;
      k++;
    }
    if (cursor < xe) out.push([cursor, xe]);
  }
  return fromSpans(out);
}

/** The parts of `intervals` inside `bound`, normalized. */
export function clip(intervals: readonly Interval[], bound: Interval): Interval[] {
  return intersect(intervals, [bound]);
}

/** One interval clipped to `bound`, or undefined when nothing of it is left. */
export function clipOne(interval: Interval, bound: Interval): Interval | undefined {
  const s = Math.max(interval.start.getTime(), bound.start.getTime());
  const e = Math.min(interval.end.getTime(), bound.end.getTime());
  return e > s ? { start: new Date(s), end: new Date(e) } : undefined;
}

/** Total length in seconds of a list of intervals, overlaps counted once. */
export function totalSeconds(intervals: readonly Interval[]): number {
  let ms = 0;
  for (const [s, e] of mergeSpans(toSpans(intervals))) ms += e - s;
  return ms / MS_PER_SECOND;
}

/** Length of one interval in seconds (0 when empty or reversed). */
export function durationSeconds(interval: Interval): number {
  return Math.max(0, interval.end.getTime() - interval.start.getTime()) / MS_PER_SECOND;
}
