// A bounded expander of the RRULE subset of maintenance windows (maintenance.ts validateRrule):
// FREQ DAILY to YEARLY, INTERVAL, COUNT, BYDAY (ordinals with MONTHLY/YEARLY), BYMONTHDAY,
// BYMONTH, BYYEARDAY, BYWEEKNO (YEARLY), BYSETPOS, WKST; one occurrence a day at most (the time of
// day is the schedule's startTime). It follows RFC 5545 as python-dateutil and rrule.js read it
// (the same defaults from the first day, the same week numbering, BYDAY and ordinals filtering
// together), and a property test checks it against rrule.js day for day (rrule.test.ts).
//
// Why not rrule.js itself: rrule.js looks for the next occurrence until year 9999 whatever the
// window, period by period, so a rule that never matches (30 February, a BYSETPOS that selects
// nothing) costs seconds of CPU per call (issue 20). Here the work is counted in days looked at,
// and it depends only on the window and the rule's start, never on what the rule matches: a rule
// without COUNT is entered at the period of the window's start; a rule with COUNT is expanded from
// its first day (COUNT counts from there). EXPANSION_DAY_CAP bounds either: beyond it the expansion
// stops with an ExpansionCapError, so no input costs more.
//
// Days are whole days since 1970-01-01 of the proleptic Gregorian calendar ("floating" local
// dates: no zone; maintenance.ts turns a day and the start time into an instant).
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, RRULE_HORIZON_YEARS } from './limits.ts';

export const RRULE_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type RruleFrequency = (typeof RRULE_FREQUENCIES)[number];

/** Weekdays as rrule numbers them: MO = 0 ... SU = 6. */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A parsed rule of the subset, BY parts as lists (empty when absent). */
export interface ParsedRule {
  readonly freq: RruleFrequency;
  readonly interval: number;
  readonly count: number | undefined;
  readonly byMonth: readonly number[];
  readonly byMonthDay: readonly number[];
  readonly byYearDay: readonly number[];
  readonly byWeekNo: readonly number[];
  /** Plain weekdays (BYDAY=MO,TU). */
  readonly byWeekday: readonly number[];
  /** Weekdays with an ordinal (BYDAY=2TU,-1FR): [weekday, n]. */
  readonly byNthWeekday: readonly (readonly [number, number])[];
  readonly bySetPos: readonly number[];
  readonly wkst: number;
}

/**
 * The most days one expansion looks at: a rule that starts in the first year a schedule may name
 * and a window that ends a horizon after the last one (limits.ts), plus a year of slack (a YEARLY
 * period is a year): years 1970 to 2211, 366 days each. Accepted schedules never reach it; it is
 * the bound for everything else.
 */
export const EXPANSION_DAY_CAP = (CALENDAR_MAX_YEAR + 1 + RRULE_HORIZON_YEARS - CALENDAR_MIN_YEAR + 1) * 366;

export class ExpansionCapError extends RangeError {
  readonly days: number;

  constructor(days: number) {
    super(`maintenance schedule: expansion stopped after looking at ${days} days (cap ${EXPANSION_DAY_CAP})`);
    this.name = 'ExpansionCapError';
    this.days = days;
  }
}

const list = (value: string | undefined): number[] => (value === undefined ? [] : value.split(',').map(Number));

/** Parses a body that validateRrule accepted. */
export function parseRule(body: string): ParsedRule {
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    parts.set(part.slice(0, eq).toUpperCase(), part.slice(eq + 1).toUpperCase());
  }
  const freq = parts.get('FREQ') as RruleFrequency;
  const byWeekday: number[] = [];
  const byNthWeekday: [number, number][] = [];
  for (const day of parts.get('BYDAY')?.split(',') ?? []) {
    const weekday = WEEKDAYS.indexOf(day.slice(-2) as (typeof WEEKDAYS)[number]);
    const ordinal = day.slice(0, -2);
    // rrule.js: an ordinal only counts with MONTHLY and YEARLY (validateRrule refuses it otherwise).
    if (ordinal === '' || ordinal === '+' || ordinal === '-' || freq === 'DAILY' || freq === 'WEEKLY') byWeekday.push(weekday);
    else byNthWeekday.push([weekday, Number(ordinal)]);
  }
  const wkst = parts.get('WKST');
  const count = parts.get('COUNT');
  return {
    freq,
    interval: Number(parts.get('INTERVAL') ?? '1'),
    count: count === undefined ? undefined : Number(count),
    byMonth: list(parts.get('BYMONTH')),
    byMonthDay: list(parts.get('BYMONTHDAY')),
    byYearDay: list(parts.get('BYYEARDAY')),
    byWeekNo: list(parts.get('BYWEEKNO')),
    byWeekday,
    byNthWeekday,
    bySetPos: list(parts.get('BYSETPOS')),
    wkst: wkst === undefined ? 0 : WEEKDAYS.indexOf(wkst as (typeof WEEKDAYS)[number]),
  };
}

// ---- calendar arithmetic on day numbers --------------------------------------------------------

const MS_PER_DAY = 86_400_000;
const mod = (a: number, b: number): number => ((a % b) + b) % b;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

export function civil(dayNum: number): CivilDate {
  const date = new Date(dayNum * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** MO = 0 ... SU = 6; 1 January 1970 was a Thursday (3). */
const weekdayOf = (dayNum: number): number => mod(dayNum + 3, 7);
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const yearLength = (year: number): number => (isLeap(year) ? 366 : 365);
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const monthLength = (year: number, month: number): number => (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1] ?? 31);

/**
 * Days of `year` (0-based day of the year) that BYWEEKNO selects, weeks starting on `wkst`:
 * rrule.js's `rebuildYear` (python-dateutil's), line for line, quirks included.
 */
function weekNumberMask(year: number, byWeekNo: readonly number[], wkst: number): Set<number> {
  const mask = new Set<number>();
  const first = dayNumber(year, 1, 1);
  const yearlen = yearLength(year);
  const yearweekday = weekdayOf(first);
  const wday = (i: number): number => mod(yearweekday + i, 7);
  const firstwkst = mod(7 - yearweekday + wkst, 7);
  let no1wkst = firstwkst;
  let wyearlen: number;
  if (no1wkst >= 4) {
    no1wkst = 0;
    wyearlen = yearlen + mod(yearweekday - wkst, 7);
  } else {
    wyearlen = yearlen - no1wkst;
  }
  const numweeks = Math.floor(Math.floor(wyearlen / 7) + mod(wyearlen, 7) / 4);
  const markWeekFrom = (start: number): void => {
    let i = start;
    for (let k = 0; k < 7; k++) {
      mask.add(i);
      i++;
      if (wday(i) === wkst) break;
    }
  };
  for (const number of byWeekNo) {
    const n = number < 0 ? number + numweeks + 1 : number;
    if (!(n > 0 && n <= numweeks)) continue;
    let i: number;
    if (n > 1) {
      i = no1wkst + (n - 1) * 7;
      if (no1wkst !== firstwkst) i -= 7 - firstwkst;
    } else {
      i = no1wkst;
    }
    markWeekFrom(i);
  }
  if (byWeekNo.includes(1)) {
    let i = no1wkst + numweeks * 7;
    if (no1wkst !== firstwkst) i -= 7 - firstwkst;
    if (i < yearlen) markWeekFrom(i);
  }
  if (no1wkst !== 0) {
    let lnumweeks: number;
    if (!byWeekNo.includes(-1)) {
      const lyearweekday = weekdayOf(dayNumber(year - 1, 1, 1));
      let lno1wkst = mod(7 - lyearweekday + wkst, 7);
      const lyearlen = yearLength(year - 1);
      let weekst: number;
      if (lno1wkst >= 4) {
        lno1wkst = 0;
        weekst = lyearlen + mod(lyearweekday - wkst, 7);
      } else {
        weekst = yearlen - no1wkst;
      }
      lnumweeks = Math.floor(52 + mod(weekst, 7) / 4);
    } else {
      lnumweeks = -1;
    }
    if (byWeekNo.includes(lnumweeks)) for (let i = 0; i < no1wkst; i++) mask.add(i);
  }
  // Indexes past the year's end (days of next year's week 1) are not days of this year's period.
  for (const i of mask) if (i >= yearlen) mask.delete(i);
  return mask;
}

// ---- expansion ---------------------------------------------------------------------------------

/** The rule with rrule.js's defaults from its first day (a bare WEEKLY rule means that weekday, ...). */
function withDefaults(rule: ParsedRule, first: CivilDate, firstDay: number): ParsedRule {
  const anyBy = rule.byWeekNo.length > 0 || rule.byYearDay.length > 0 || rule.byMonthDay.length > 0 || rule.byWeekday.length > 0 || rule.byNthWeekday.length > 0;
  if (anyBy) return rule;
  switch (rule.freq) {
    case 'YEARLY': return { ...rule, byMonth: rule.byMonth.length > 0 ? rule.byMonth : [first.month], byMonthDay: [first.day] };
    case 'MONTHLY': return { ...rule, byMonthDay: [first.day] };
    case 'WEEKLY': return { ...rule, byWeekday: [weekdayOf(firstDay)] };
    case 'DAILY': return rule;
  }
}

export interface Expansion {
  /** Occurrence days in the window, ascending. */
  readonly days: number[];
  /** Days looked at: what the expansion cost. */
  readonly evaluated: number;
}

/**
 * The occurrence days of `rule` starting on `firstDay` that lie in [lowDay, highDay), ascending,
 * at most `limit` of them. Throws an ExpansionCapError after EXPANSION_DAY_CAP days looked at.
 */
export function expandDays(ruleWithoutDefaults: ParsedRule, firstDay: number, lowDay: number, highDay: number, limit = Number.POSITIVE_INFINITY): Expansion {
  const first = civil(firstDay);
  const rule = withDefaults(ruleWithoutDefaults, first, firstDay);
  const days: number[] = [];
  let evaluated = 0;
  if (highDay <= lowDay || limit <= 0) return { days, evaluated };
  const n = rule.interval;
  let remaining = rule.count;
  const weekStart0 = firstDay - mod(weekdayOf(firstDay) - rule.wkst, 7);
  const month0 = first.year * 12 + (first.month - 1);

  // The period of index k (k-th selected period: interval apart), as [start, end) days.
  const period = (k: number): [number, number] => {
    switch (rule.freq) {
      case 'DAILY': return [firstDay + k * n, firstDay + k * n + 1];
      // The first week starts on the first day (rrule.js: days before it are not in its set).
      case 'WEEKLY': return [Math.max(firstDay, weekStart0 + 7 * n * k), weekStart0 + 7 * n * k + 7];
      case 'MONTHLY': {
        const m = month0 + n * k;
        const year = Math.floor(m / 12);
        const month = mod(m, 12) + 1;
        const start = dayNumber(year, month, 1);
        return [start, start + monthLength(year, month)];
      }
      case 'YEARLY': {
        const year = first.year + n * k;
        const start = dayNumber(year, 1, 1);
        return [start, start + yearLength(year)];
      }
    }
  };
  // Without COUNT nothing before the window matters: enter at the period holding lowDay.
  let k = 0;
  if (remaining === undefined && lowDay > firstDay) {
    const low = civil(lowDay);
    const units = rule.freq === 'DAILY' ? lowDay - firstDay
      : rule.freq === 'WEEKLY' ? Math.floor((lowDay - weekStart0) / 7)
      : rule.freq === 'MONTHLY' ? low.year * 12 + (low.month - 1) - month0
      : low.year - first.year;
    k = Math.max(0, Math.floor(units / n));
  }

  let yearMasks: { year: number; weekNo: Set<number> } | undefined;
  for (;; k++) {
    const [start, end] = period(k);
    if (start >= highDay) break;
    const matched: number[] = [];
    for (let d = start; d < end; d++) {
      evaluated++;
      if (evaluated > EXPANSION_DAY_CAP) throw new ExpansionCapError(evaluated);
      const date = civil(d);
      if (rule.byWeekNo.length > 0 && yearMasks?.year !== date.year) {
        yearMasks = { year: date.year, weekNo: weekNumberMask(date.year, rule.byWeekNo, rule.wkst) };
      }
      if (matches(rule, d, date, yearMasks?.weekNo)) matched.push(d);
    }
    const selected = rule.bySetPos.length === 0 ? matched : setPositions(matched, rule.bySetPos);
    for (const d of selected) {
      if (d < firstDay) continue;
      if (d >= highDay) return { days, evaluated };
      if (d >= lowDay) {
        days.push(d);
        if (days.length >= limit) return { days, evaluated };
      }
      if (remaining !== undefined && --remaining === 0) return { days, evaluated };
    }
  }
  return { days, evaluated };
}

function setPositions(matched: readonly number[], positions: readonly number[]): number[] {
  const picked = new Set<number>();
  for (const pos of positions) {
    const index = pos > 0 ? pos - 1 : matched.length + pos;
    const day = matched[index];
    if (day !== undefined) picked.add(day);
  }
  return [...picked].sort((a, b) => a - b);
}

/** rrule.js's isFiltered, negated, for one day in its own year. */
function matches(rule: ParsedRule, d: number, date: CivilDate, weekNo: Set<number> | undefined): boolean {
  const { year, month, day } = date;
  if (rule.byMonth.length > 0 && !rule.byMonth.includes(month)) return false;
  const yearDay = d - dayNumber(year, 1, 1) + 1;
  const yearlen = yearLength(year);
  if (weekNo !== undefined && !weekNo.has(yearDay - 1)) return false;
  const weekday = weekdayOf(d);
  if (rule.byWeekday.length > 0 && !rule.byWeekday.includes(weekday)) return false;
  if (rule.byNthWeekday.length > 0) {
    // The range an ordinal counts in: the month (MONTHLY, or YEARLY with BYMONTH), else the year.
    const inMonth = rule.freq === 'MONTHLY' || rule.byMonth.length > 0;
    const position = inMonth ? day : yearDay;
    const length = inMonth ? monthLength(year, month) : yearlen;
    const fromStart = Math.floor((position - 1) / 7) + 1;
    const fromEnd = -(Math.floor((length - position) / 7) + 1);
    if (!rule.byNthWeekday.some(([w, n]) => w === weekday && (n === fromStart || n === fromEnd))) return false;
  }
  if (rule.byMonthDay.length > 0 && !rule.byMonthDay.includes(day) && !rule.byMonthDay.includes(day - monthLength(year, month) - 1)) return false;
  if (rule.byYearDay.length > 0 && !rule.byYearDay.includes(yearDay) && !rule.byYearDay.includes(yearDay - yearlen - 1)) return false;
  return true;
}
