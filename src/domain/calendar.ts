// Business calendars and covered time (domain.md §4).
//
// Every instant is a `Date` (UTC milliseconds); every local reading goes through luxon with the
// calendar's explicit zone, never through the machine's zone (no `getHours()` and friends), so
// results depend only on the calendar. Business time is precomputed per calendar and per UTC year
// as sorted intervals with prefix sums: covered time and the deadline function are two binary
// searches, whatever the span.
import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { instantOfLocal } from './time.ts';

export interface BusinessCalendar {
  /** IANA time zone, e.g. 'Europe/Paris'. */
  readonly timeZone: string;
  /** ISO country whose public holidays are not business days (date-holidays), 'FR' = metropolitan France. */
  readonly holidayCountry: string;
  /** 'HH:MM' local. */
  readonly businessDayStart: string;
  /** 'HH:MM' local, after `businessDayStart`. */
  readonly businessDayEnd: string;
}

/** domain.md §4: Europe/Paris, French public holidays (metropolitan France), 09:00–18:00, Monday–Friday. */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: 'Europe/Paris',
  holidayCountry: 'FR',
  businessDayStart: '09:00',
  businessDayEnd: '18:00',
};

/** When a guarantee's clock runs (domain.md §4: "time counted only over covered periods"). */
export type ServiceWindow =
  | { readonly kind: 'Always' }
  | { readonly kind: 'BusinessHours'; readonly calendar: BusinessCalendar };

/** A half-open interval [start, end). */
export interface Interval {
  readonly start: Date;
  readonly end: Date;
}

const MS_PER_SECOND = 1000;
const MS_PER_DAY = 86_400_000;
/** domain.md §4: Monday (1) to Friday (5), ISO weekday numbering. */
const LAST_BUSINESS_WEEKDAY = 5;
/** A calendar without a single business hour in this many consecutive years is a misconfiguration, not a deadline. */
const MAX_EMPTY_YEARS = 3;

// ---------------------------------------------------------------------------------------------
// Holidays and business days

const holidayEngines = new Map<string, Holidays>();

/**
 * date-holidays, loaded at the first holiday asked for (issue 17): its engine and calendars are
 * about a hundred modules, a tenth of a second that a command or a process needing no holiday
 * (`--help`, the kubectl plugin, the webhook) does not pay. Its CommonJS build, so synchronously;
 * the same release as the ES module build.
 */
const requireCjs = createRequire(import.meta.url);
let holidaysEngine: typeof Holidays | undefined;
function holidaysClass(): typeof Holidays {
  holidaysEngine ??= requireCjs('date-holidays') as typeof Holidays;
  return holidaysEngine;
}
const holidaysByCountryYear = new Map<string, ReadonlySet<string>>();

/** Local dates ('YYYY-MM-DD') of the public holidays of `country` in `year`; observances do not count. */
export function publicHolidays(country: string, year: number): ReadonlySet<string> {
  const key = `${country}|${year}`;
  const cached = holidaysByCountryYear.get(key);
  if (cached !== undefined) return cached;
  let engine = holidayEngines.get(country);
  if (engine === undefined) {
    const Engine = holidaysClass();
    engine = new Engine(country, { types: ['public'] });
    holidayEngines.set(country, engine);
  }
  const dates = new Set<string>();
  for (const holiday of engine.getHolidays(year)) {
    // date-holidays gives 'YYYY-MM-DD hh:mm:ss' in the country's own calendar; substitutes included.
    if (holiday.type === 'public') dates.add(holiday.date.slice(0, 10));
  }
  holidaysByCountryYear.set(key, dates);
  return dates;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseLocalDate(localDate: string): { year: number; month: number; day: number } {
  const match = LOCAL_DATE.exec(localDate);
  if (match === null) throw new RangeError(`not a local date YYYY-MM-DD: '${localDate}'`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Monday–Friday and not a public holiday of the calendar's country (domain.md §4). */
export function isBusinessDay(calendar: BusinessCalendar, localDate: string): boolean {
  const { year, month, day } = parseLocalDate(localDate);
  // A civil date's weekday does not depend on any zone: compute it on the UTC calendar.
  const isoWeekday = ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
  if (isoWeekday > LAST_BUSINESS_WEEKDAY) return false;
  return !publicHolidays(calendar.holidayCountry, year).has(localDate);
}

// ---------------------------------------------------------------------------------------------
// Business-time timeline: per calendar and UTC year, sorted disjoint intervals with prefix sums.

interface YearTimeline {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** cumulative[i] = covered ms of intervals 0..i-1; cumulative[n] = the year's total. */
  readonly cumulative: Float64Array;
  readonly total: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseHourMinute(value: string): { hour: number; minute: number } {
  const match = HH_MM.exec(value);
  if (match === null) throw new RangeError(`not a local time HH:MM: '${value}'`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * Whether `timeZone` is an IANA zone the runtime knows. Luxon's IANAZone.isValidZone builds an
 * Intl.DateTimeFormat on every call (about a millisecond): the calendar of every incident, change
 * and report reconcile asked it, so that a burst of 1,000 incidents spent seconds of CPU there
 * (profiled in the fault tests). The answer for a name cannot change while the process runs (its
 * time-zone database is fixed), so it is remembered: a cache of a pure function, not state.
 */
export function isTimeZone(timeZone: string): boolean {
  let known = ZONES.get(timeZone);
  if (known === undefined) {
    known = IANAZone.isValidZone(timeZone);
    // Bounded: names come from specs; beyond a few hundred distinct ones, stop remembering.
    if (ZONES.size < 1024) ZONES.set(timeZone, known);
  }
  return known;
}
const ZONES = new Map<string, boolean>();

function zoneOrThrow(timeZone: string): string {
  if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
  return timeZone;
}

function valid(dt: DateTime, what: string): DateTime {
  if (!dt.isValid) throw new RangeError(`${what}: ${dt.invalidExplanation ?? dt.invalidReason ?? 'invalid'}`);
  return dt;
}

function calendarKey(calendar: BusinessCalendar): string {
  return `${calendar.timeZone}|${calendar.holidayCountry}|${calendar.businessDayStart}|${calendar.businessDayEnd}`;
}

// Timelines are shared by calendars of equal content; the WeakMap spares building the key on each call.
const timelinesByKey = new Map<string, Map<number, YearTimeline>>();
const timelinesByCalendar = new WeakMap<BusinessCalendar, Map<number, YearTimeline>>();

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function buildYear(calendar: BusinessCalendar, utcYear: number): YearTimeline {
  const zone = zoneOrThrow(calendar.timeZone);
  const open = parseHourMinute(calendar.businessDayStart);
  const close = parseHourMinute(calendar.businessDayEnd);
  if (open.hour * 60 + open.minute >= close.hour * 60 + close.minute) {
    throw new RangeError(`business day must start before it ends: ${calendar.businessDayStart}–${calendar.businessDayEnd}`);
  }
  const yearStart = Date.UTC(utcYear, 0, 1);
  const yearEnd = Date.UTC(utcYear + 1, 0, 1);
  const starts: number[] = [];
  const ends: number[] = [];
  // Local dates two days either side cover every zone offset (±14 h); intervals are clipped to the UTC year.
  for (let dayMs = yearStart - 2 * MS_PER_DAY; dayMs < yearEnd + 2 * MS_PER_DAY; dayMs += MS_PER_DAY) {
    const civil = new Date(dayMs);
    const year = civil.getUTCFullYear();
    const month = civil.getUTCMonth() + 1;
    const day = civil.getUTCDate();
    if (!isBusinessDay(calendar, `${year}-${pad2(month)}-${pad2(day)}`)) continue;
    const start = instantOfLocal({ year, month, day, ...open }, zone);
    const end = instantOfLocal({ year, month, day, ...close }, zone);
    const clippedStart = Math.max(start, yearStart);
    const clippedEnd = Math.min(end, yearEnd);
    if (clippedEnd > clippedStart) {
      starts.push(clippedStart);
      ends.push(clippedEnd);
    }
  }
  const cumulative = new Float64Array(starts.length + 1);
  for (let i = 0; i < starts.length; i++) cumulative[i + 1] = (cumulative[i] ?? 0) + ((ends[i] ?? 0) - (starts[i] ?? 0));
  return {
    starts: Float64Array.from(starts),
    ends: Float64Array.from(ends),
    cumulative,
    total: cumulative[starts.length] ?? 0,
  };
}

function timeline(calendar: BusinessCalendar, utcYear: number): YearTimeline {
  let years = timelinesByCalendar.get(calendar);
  if (years === undefined) {
    const key = calendarKey(calendar);
    years = timelinesByKey.get(key) ?? new Map<number, YearTimeline>();
    timelinesByKey.set(key, years);
    timelinesByCalendar.set(calendar, years);
  }
  let year = years.get(utcYear);
  if (year === undefined) {
    year = buildYear(calendar, utcYear);
    years.set(utcYear, year);
  }
  return year;
}

/** Index of the first interval whose end is > ms (n when none). */
function firstEndingAfter(year: YearTimeline, ms: number): number {
  let lo = 0;
  let hi = year.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((year.ends[mid] ?? 0) > ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Covered ms of the year's intervals before `ms`. */
function coveredBefore(year: YearTimeline, ms: number): number {
  const i = firstEndingAfter(year, ms);
  const before = year.cumulative[i] ?? year.total;
  const start = year.starts[i];
  return start !== undefined && ms > start ? before + (ms - start) : before;
}

function utcYearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

function businessCoveredMs(calendar: BusinessCalendar, from: number, to: number): number {
  const fromYear = utcYearOf(from);
  const toYear = utcYearOf(to);
  const first = timeline(calendar, fromYear);
  if (fromYear === toYear) return coveredBefore(first, to) - coveredBefore(first, from);
  let covered = first.total - coveredBefore(first, from);
  for (let y = fromYear + 1; y < toYear; y++) covered += timeline(calendar, y).total;
  return covered + coveredBefore(timeline(calendar, toYear), to);
}

function businessInstantAfter(calendar: BusinessCalendar, start: number, ms: number): number {
  let y = utcYearOf(start);
  let year = timeline(calendar, y);
  let target = coveredBefore(year, start) + ms;
  let emptyYears = 0;
  while (target > year.total) {
    emptyYears = year.total === 0 ? emptyYears + 1 : 0;
    if (emptyYears >= MAX_EMPTY_YEARS) throw new RangeError(`calendar ${calendarKey(calendar)} has no business time`);
    target -= year.total;
    y += 1;
    year = timeline(calendar, y);
  }
  // The first interval whose cumulative end reaches the target; ending exactly on an interval's end
  // yields that end, the earliest instant at which the covered time is reached.
  let lo = 0;
  let hi = year.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((year.cumulative[mid + 1] ?? 0) >= target) hi = mid;
    else lo = mid + 1;
  }
  return (year.starts[lo] ?? 0) + (target - (year.cumulative[lo] ?? 0));
}

// ---------------------------------------------------------------------------------------------
// The window API

/** Seconds of `window` inside [from, to); 0 when to <= from. Exact across DST changes and holidays (ms precision). */
export function coveredSeconds(window: ServiceWindow, from: Date, to: Date): number {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (toMs <= fromMs) return 0;
  switch (window.kind) {
    case 'Always':
      return (toMs - fromMs) / MS_PER_SECOND;
    case 'BusinessHours':
      return businessCoveredMs(window.calendar, fromMs, toMs) / MS_PER_SECOND;
  }
}

/**
 * The deadline function: the earliest instant at which `seconds` of covered time have elapsed
 * since `start`. A deadline of 0 covered seconds is `start` itself, covered or not; otherwise a
 * deadline always lies inside or at the end of a covered interval, never in the gap after it.
 * `seconds` is rounded to the millisecond.
 */
export function instantAfterCovered(window: ServiceWindow, start: Date, seconds: number): Date {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`covered seconds must be finite and >= 0, got ${seconds}`);
  const ms = Math.round(seconds * MS_PER_SECOND);
  const startMs = start.getTime();
  if (ms === 0) return new Date(startMs);
  switch (window.kind) {
    case 'Always':
      return new Date(startMs + ms);
    case 'BusinessHours':
      return new Date(businessInstantAfter(window.calendar, startMs, ms));
  }
}

/** The covered intervals of `window` inside [from, to), clipped to it, in order and disjoint. */
export function coveredIntervals(window: ServiceWindow, from: Date, to: Date): Interval[] {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (toMs <= fromMs) return [];
  if (window.kind === 'Always') return [{ start: new Date(fromMs), end: new Date(toMs) }];
  const out: { start: number; end: number }[] = [];
  for (let y = utcYearOf(fromMs); y <= utcYearOf(toMs); y++) {
    const year = timeline(window.calendar, y);
    for (let i = firstEndingAfter(year, fromMs); i < year.starts.length; i++) {
      const s = year.starts[i] ?? 0;
      if (s >= toMs) break;
      const start = Math.max(s, fromMs);
      const end = Math.min(year.ends[i] ?? 0, toMs);
      const last = out[out.length - 1];
      // An interval split at a UTC new year is one covered interval.
      if (last !== undefined && last.end === start) last.end = end;
      else out.push({ start, end });
    }
  }
  return out.map(({ start, end }) => ({ start: new Date(start), end: new Date(end) }));
}

// ---------------------------------------------------------------------------------------------
// Calendar months

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The calendar month 'YYYY-MM' in `timeZone`: [the 1st at 00:00 local, the next month's 1st at
 * 00:00 local). Real elapsed time, so a month with a DST change has 743 or 745 hours (domain.md §5).
 */
export function monthPeriod(month: string, timeZone: string): Interval {
  const match = MONTH.exec(month);
  if (match === null) throw new RangeError(`not a month YYYY-MM: '${month}'`);
  const year = Number(match[1]);
  const monthNumber = Number(match[2]);
  const zone = zoneOrThrow(timeZone);
  const next = monthNumber === 12 ? { year: year + 1, month: 1 } : { year, month: monthNumber + 1 };
  return {
    start: new Date(instantOfLocal({ year, month: monthNumber, day: 1, hour: 0, minute: 0 }, zone)),
    end: new Date(instantOfLocal({ ...next, day: 1, hour: 0, minute: 0 }, zone)),
  };
}

/** The calendar month 'YYYY-MM' of `instant` in `timeZone`. */
export function monthOf(instant: Date, timeZone: string): string {
  return valid(DateTime.fromMillis(instant.getTime(), { zone: timeZone }), `instant in '${timeZone}'`).toFormat('yyyy-MM');
}

/** The local date 'YYYY-MM-DD' of `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): string {
  return valid(DateTime.fromMillis(instant.getTime(), { zone: timeZone }), `instant in '${timeZone}'`).toFormat('yyyy-MM-dd');
}
