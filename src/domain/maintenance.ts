// Maintenance windows (domain.md §11; design.md §1 MaintenanceWindow): recurring windows agreed
// with the client, as an RFC 5545 RRULE + a local start time + a duration in a time zone, and
// one-off windows.
//
// Recurrences are expanded in LOCAL time: the rule runs on "floating" dates (UTC fields read as
// the zone's wall clock), then each local occurrence becomes an instant through luxon with the
// schedule's zone. So "every Sunday 02:30 Europe/Paris" stays 02:30 local across DST changes.
// rrule's own TZID support is not used (it depends on the machine's zone).
//   - A local start that does not exist (spring-forward gap) moves forward by the gap, as cron
//     and most schedulers do: 02:30 on 29 March 2026 in Paris starts at 03:30 CEST.
//   - A local start that exists twice (fall-back) takes the first, the summer-time one
//     (time.ts instantOfLocal, shared with the business calendar).
//   - The duration is real elapsed time: a 2 h window is 2 h even across a DST change.
import { DateTime } from 'luxon';
import { isTimeZone, type Interval } from './calendar.ts';
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, MAX_MAINTENANCE_DURATION_HOURS, RRULE_HORIZON_YEARS } from './limits.ts';
import { civil, dayNumber, expandDays, parseRule, type ParsedRule } from './rrule.ts';
import { planYearOf } from './patching.ts';
import { instantOfLocal } from './time.ts';

export interface MaintenanceSchedule {
  /** IANA zone of the local start time and of the rule's days. */
  readonly timeZone: string;
  readonly recurrence?: {
    /** RFC 5545 RRULE body, e.g. 'FREQ=WEEKLY;BYDAY=SU' or 'FREQ=MONTHLY;BYDAY=2TU'. */
    readonly rrule: string;
    /** 'HH:MM' local. */
    readonly startTime: string;
    /** No occurrence starts before this instant; the rule's INTERVAL and COUNT count from here. */
    readonly from?: Date;
    /** No occurrence starts after this instant (inclusive, like RRULE's UNTIL). */
    readonly until?: Date;
  };
  readonly oneOff?: { readonly start: Date };
  readonly durationSeconds: number;
  /** The client's approval of each occurrence (domain.md §11); absent: none needed. */
  readonly approvals?: OccurrenceApprovals | undefined;
}

/**
 * domain.md §11 **Reading**: a window that needs the client's approval excludes nothing
 * (availability, incident detection) until the client approved it, occurrence by occurrence; its
 * work does not run either (§10: a provider change needs the client's explicit approval before).
 */
export interface OccurrenceApprovals {
  /** The window needs the client's approval (MaintenanceWindow spec.requiresClientApproval). */
  readonly required: boolean;
  /** Start instants of the occurrences a ChangeApprover contact approved. */
  readonly approvedStarts: readonly Date[];
  /**
   * The years a ChangeApprover contact approved as a plan (seed §5.8: security updates on a
   * yearly plan agreed with the client): each occurrence whose local start (the schedule's zone)
   * falls in the year and not before the plan's approval is approved. Absent: none.
   */
  readonly approvedYears?: readonly PlanApproval[] | undefined;
}

/** The client's approval of a year of a window's occurrences at once (patching.ts, domain.md §11 "as an agreed plan"). */
export interface PlanApproval {
  readonly year: number;
  /** When the client approved the plan: an occurrence that started before is not approved by it (approved before it starts, §10). */
  readonly approvedAt: Date;
}

/** An occurrence's standing: no approval needed, approved, or awaiting the client's approval (then it excludes nothing). */
export type OccurrenceApproval = 'NotRequired' | 'Approved' | 'AwaitingApproval';

export function occurrenceApproval(schedule: MaintenanceSchedule, occurrence: Interval): OccurrenceApproval {
  const approvals = schedule.approvals;
  if (approvals?.required !== true) return 'NotRequired';
  const start = occurrence.start.getTime();
  if (approvals.approvedStarts.some((d) => d.getTime() === start)) return 'Approved';
  return approvedByPlan(schedule, occurrence) === undefined ? 'AwaitingApproval' : 'Approved';
}

/** The year of the plan that approves an occurrence (its local start in that year, the plan approved before it started), or undefined. */
export function approvedByPlan(schedule: MaintenanceSchedule, occurrence: Interval): number | undefined {
  const plans = schedule.approvals?.approvedYears ?? [];
  if (plans.length === 0) return undefined;
  const year = planYearOf(occurrence.start, schedule.timeZone);
  return plans.find((p) => p.year === year && p.approvedAt.getTime() <= occurrence.start.getTime())?.year;
}

/** Whether an occurrence counts as agreed with the client: it needs no approval or has one. */
export function occurrenceAgreed(schedule: MaintenanceSchedule, occurrence: Interval): boolean {
  return occurrenceApproval(schedule, occurrence) !== 'AwaitingApproval';
}

/**
 * Anchor of a rule without `from`: Monday 1 January 2024, local. It fixes what a bare rule means
 * (FREQ=WEEKLY → Mondays, FREQ=MONTHLY → the 1st, FREQ=YEARLY → 1 January) and the phase of an
 * INTERVAL; no occurrence of such a rule falls before it.
 */
export const DEFAULT_RECURRENCE_ANCHOR = { year: 2024, month: 1, day: 1 } as const;

const MS_PER_SECOND = 1000;
const SECONDS_PER_HOUR = 3600;
const MS_PER_DAY = 86_400_000;
/** The horizon of nextOccurrences, in ms: a rule with nothing in it has nothing left (limits.ts). */
const HORIZON_MS = RRULE_HORIZON_YEARS * 366 * MS_PER_DAY;

// ---------------------------------------------------------------------------------------------
// Validation

const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
const WEEKDAY = /^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const FORBIDDEN: Readonly<Record<string, string>> = {
  DTSTART: 'DTSTART is not part of an RRULE body: use recurrence.from',
  UNTIL: 'use recurrence.until instead of UNTIL',
  BYHOUR: 'the time of day is recurrence.startTime, not BYHOUR',
  BYMINUTE: 'the time of day is recurrence.startTime, not BYMINUTE',
  BYSECOND: 'the time of day is recurrence.startTime, not BYSECOND',
  TZID: 'the zone is timeZone, not TZID',
};

function intList(value: string, min: number, max: number, allowNegative: boolean): boolean {
  return value.split(',').every((part) => {
    if (!/^[+-]?\d{1,3}$/.test(part)) return false;
    const n = Number(part);
    const magnitude = Math.abs(n);
    return magnitude >= min && magnitude <= max && (allowNegative || n > 0);
  });
}

/**
 * Checks an RRULE body of the subset this operator supports: FREQ DAILY to YEARLY, INTERVAL,
 * COUNT, BYDAY (with ordinals like 2TU for monthly and yearly rules), BYMONTHDAY, BYMONTH,
 * BYYEARDAY, BYWEEKNO, BYSETPOS, WKST. Returns an error message, or undefined when valid.
 */
export function validateRrule(body: string): string | undefined {
  if (body.trim() === '') return 'RRULE is empty: give at least FREQ, e.g. FREQ=WEEKLY;BYDAY=SU';
  if (/^RRULE:/i.test(body)) return "give the RRULE body without the 'RRULE:' prefix";
  const seen = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) return `'${part}' is not NAME=VALUE`;
    const name = part.slice(0, eq).toUpperCase();
    const value = part.slice(eq + 1).toUpperCase();
    if (seen.has(name)) return `${name} appears twice`;
    seen.set(name, value);
    const forbidden = FORBIDDEN[name];
    if (forbidden !== undefined) return forbidden;
    switch (name) {
      case 'FREQ':
        if (!(FREQUENCIES as readonly string[]).includes(value)) return `FREQ must be one of ${FREQUENCIES.join(', ')}, got '${value}'`;
        break;
      case 'INTERVAL':
      case 'COUNT':
        if (!/^[1-9]\d{0,3}$/.test(value)) return `${name} must be a positive integer, got '${value}'`;
        break;
      case 'WKST':
        if (!/^(MO|TU|WE|TH|FR|SA|SU)$/.test(value)) return `WKST must be a weekday (MO..SU), got '${value}'`;
        break;
      case 'BYDAY':
        for (const day of value.split(',')) {
          const match = WEEKDAY.exec(day);
          if (match === null) return `BYDAY '${day}' is not a weekday like SU or 2TU`;
          const ordinal = match[2];
          if (ordinal !== undefined && (Number(ordinal) < 1 || Number(ordinal) > 53)) return `BYDAY '${day}': ordinal must be 1 to 53`;
        }
        break;
      case 'BYMONTHDAY':
        if (!intList(value, 1, 31, true)) return `BYMONTHDAY must list days ±1..31, got '${value}'`;
        break;
      case 'BYMONTH':
        if (!intList(value, 1, 12, false)) return `BYMONTH must list months 1..12, got '${value}'`;
        break;
      case 'BYYEARDAY':
        if (!intList(value, 1, 366, true)) return `BYYEARDAY must list days ±1..366, got '${value}'`;
        break;
      case 'BYWEEKNO':
        if (!intList(value, 1, 53, true)) return `BYWEEKNO must list weeks ±1..53, got '${value}'`;
        break;
      case 'BYSETPOS':
        if (!intList(value, 1, 366, true)) return `BYSETPOS must list positions ±1..366, got '${value}'`;
        break;
      default:
        return `unsupported RRULE part '${name}'`;
    }
  }
  const freq = seen.get('FREQ');
  if (freq === undefined) return 'FREQ is required, e.g. FREQ=WEEKLY;BYDAY=SU';
  const byday = seen.get('BYDAY');
  if (byday !== undefined && (freq === 'DAILY' || freq === 'WEEKLY') && /\d/.test(byday)) {
    return `BYDAY ordinals like 2TU need FREQ=MONTHLY or YEARLY, not ${freq}`;
  }
  if (seen.has('BYWEEKNO') && freq !== 'YEARLY') return 'BYWEEKNO needs FREQ=YEARLY';
  return undefined;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Every problem of a schedule, each prefixed with its field; empty when valid. */
export function validateSchedule(schedule: MaintenanceSchedule): string[] {
  const errors: string[] = [];
  if (!isTimeZone(schedule.timeZone)) errors.push(`timeZone: unknown time zone '${schedule.timeZone}'`);
  if (!Number.isFinite(schedule.durationSeconds) || schedule.durationSeconds <= 0) errors.push('durationSeconds: must be > 0');
  else if (schedule.durationSeconds > MAX_MAINTENANCE_DURATION_HOURS * SECONDS_PER_HOUR) errors.push(`durationSeconds: must be at most ${MAX_MAINTENANCE_DURATION_HOURS}h`);
  if (schedule.recurrence === undefined && schedule.oneOff === undefined) errors.push('a schedule needs a recurrence or a one-off window');
  const recurrence = schedule.recurrence;
  if (recurrence !== undefined) {
    const rruleError = validateRrule(recurrence.rrule);
    if (rruleError !== undefined) errors.push(`recurrence.rrule: ${rruleError}`);
    if (!HH_MM.test(recurrence.startTime)) errors.push(`recurrence.startTime: '${recurrence.startTime}' is not HH:MM`);
    if (recurrence.from !== undefined && recurrence.until !== undefined && recurrence.until < recurrence.from) {
      errors.push('recurrence.until: before recurrence.from');
    }
    for (const [field, instant] of [['recurrence.from', recurrence.from], ['recurrence.until', recurrence.until]] as const) {
      const problem = yearProblem(instant);
      if (problem !== undefined) errors.push(`${field}: ${problem}`);
    }
  }
  const oneOffProblem = yearProblem(schedule.oneOff?.start);
  if (oneOffProblem !== undefined) errors.push(`oneOff.start: ${oneOffProblem}`);
  if (errors.length === 0 && recurrence !== undefined) {
    const empty = emptyRecurrence(schedule);
    if (empty !== undefined) errors.push(`recurrence.rrule: ${empty}`);
  }
  return errors;
}

/** Why an instant is outside the calendar years a schedule may name (limits.ts), or undefined. */
function yearProblem(instant: Date | undefined): string | undefined {
  if (instant === undefined) return undefined;
  const year = instant.getUTCFullYear();
  if (Number.isNaN(year)) return 'not a valid instant';
  return year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR ? `year ${year} is outside ${CALENDAR_MIN_YEAR} to ${CALENDAR_MAX_YEAR}` : undefined;
}

/**
 * Why a (otherwise valid) recurrence yields no occurrence within the horizon of its first day, or
 * undefined when it yields one: such a rule (30 February, a BYSETPOS that selects nothing, an
 * `until` before the first match) is refused rather than searched for ever.
 */
function emptyRecurrence(schedule: MaintenanceSchedule): string | undefined {
  const expander = expanderOfValid(schedule);
  if (expander === undefined) return undefined;
  const { year, month, day } = civil(expander.firstDay);
  const startMs = instantOfLocal({ year, month, day, hour: expander.hour, minute: expander.minute }, expander.zone);
  if (recurrenceStarts(expander, startMs, startMs + HORIZON_MS, 1).length > 0) return undefined;
  const first = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (expander.untilMs < startMs + HORIZON_MS) return `yields no occurrence between its first day (${first}) and recurrence.until`;
  return `yields no occurrence within ${RRULE_HORIZON_YEARS} years of its first day (${first}): a rule that never matches (such as 30 February) is refused`;
}

// ---------------------------------------------------------------------------------------------
// Expansion (rrule.ts: bounded, day by day)

interface Expander {
  readonly rule: ParsedRule;
  /** The rule's first local day (its DTSTART), as a day number. */
  readonly firstDay: number;
  readonly hour: number;
  readonly minute: number;
  readonly zone: string;
  readonly fromMs: number;
  readonly untilMs: number;
}

/** The first local day whose start time is not before `from` (so that COUNT counts only real occurrences), or the anchor. */
function firstDayOf(recurrence: NonNullable<MaintenanceSchedule['recurrence']>, zone: string, hour: number, minute: number): number {
  if (recurrence.from === undefined) return dayNumber(DEFAULT_RECURRENCE_ANCHOR.year, DEFAULT_RECURRENCE_ANCHOR.month, DEFAULT_RECURRENCE_ANCHOR.day);
  const local = DateTime.fromMillis(recurrence.from.getTime(), { zone });
  let first = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (first.toMillis() < recurrence.from.getTime()) first = first.plus({ days: 1 }).set({ hour, minute });
  return dayNumber(first.year, first.month, first.day);
}

function expanderOfValid(schedule: MaintenanceSchedule): Expander | undefined {
  const recurrence = schedule.recurrence;
  if (recurrence === undefined) return undefined;
  const zone = schedule.timeZone;
  const [hour, minute] = recurrence.startTime.split(':').map(Number) as [number, number];
  return {
    rule: parseRule(recurrence.rrule),
    firstDay: firstDayOf(recurrence, zone, hour, minute),
    hour,
    minute,
    zone,
    fromMs: recurrence.from?.getTime() ?? Number.NEGATIVE_INFINITY,
    untilMs: recurrence.until?.getTime() ?? Number.POSITIVE_INFINITY,
  };
}

function expanderOf(schedule: MaintenanceSchedule): Expander | undefined {
  const errors = validateSchedule(schedule);
  if (errors.length > 0) throw new RangeError(`invalid maintenance schedule: ${errors.join('; ')}`);
  return expanderOfValid(schedule);
}

/** The local day (in `zone`) of an instant, as a day number. */
function localDay(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  return dayNumber(local.year, local.month, local.day);
}

/** Starts (ms) of the recurrence whose real start lies in [lowMs, highMs), in order; at most `limit`. */
function recurrenceStarts(expander: Expander, lowMs: number, highMs: number, limit = Number.POSITIVE_INFINITY): number[] {
  const low = Math.max(lowMs, expander.fromMs);
  const high = Math.min(highMs, expander.untilMs + 1);
  if (high <= low) return [];
  // A local day's start lies within a day of its UTC midnight (zone offsets are under 24 h), so
  // the local days of [low, high) widened by one day hold every candidate; the instant decides.
  // At most one candidate a day: the two widening days before `low` may hold two that are not starts.
  const days = expandDays(expander.rule, expander.firstDay, localDay(low, expander.zone) - 1, localDay(high, expander.zone) + 2, limit + 2).days;
  const starts: number[] = [];
  for (const d of days) {
    const { year, month, day } = civil(d);
    const start = instantOfLocal({ year, month, day, hour: expander.hour, minute: expander.minute }, expander.zone);
    if (start >= low && start < high) {
      starts.push(start);
      if (starts.length >= limit) break;
    }
  }
  return starts;
}

function occurrence(startMs: number, durationMs: number): Interval {
  return { start: new Date(startMs), end: new Date(startMs + durationMs) };
}

/** Occurrences whose start lies in [lowMs, highMs), recurring and one-off, ordered by start. */
function startsIn(schedule: MaintenanceSchedule, expander: Expander | undefined, lowMs: number, highMs: number, limit?: number): number[] {
  const starts = expander === undefined ? [] : recurrenceStarts(expander, lowMs, highMs, limit);
  const oneOff = schedule.oneOff?.start.getTime();
  if (oneOff !== undefined && oneOff >= lowMs && oneOff < highMs) {
    starts.push(oneOff);
    starts.sort((a, b) => a - b);
  }
  return starts;
}

function durationMsOf(schedule: MaintenanceSchedule): number {
  return Math.round(schedule.durationSeconds * MS_PER_SECOND);
}

/** Occurrences overlapping [from, to), ordered by start. Throws a RangeError on an invalid schedule. */
export function occurrencesBetween(schedule: MaintenanceSchedule, from: Date, to: Date): Interval[] {
  const expander = expanderOf(schedule);
  const durationMs = durationMsOf(schedule);
  if (to.getTime() <= from.getTime()) return [];
  return startsIn(schedule, expander, from.getTime() - durationMs + 1, to.getTime()).map((s) => occurrence(s, durationMs));
}

/** The occurrence in progress at `at` (start <= at < end); the earliest-started when several overlap. */
export function activeOccurrence(schedule: MaintenanceSchedule, at: Date): Interval | undefined {
  return occurrencesBetween(schedule, at, new Date(at.getTime() + 1))[0];
}

/**
 * The next `count` occurrences starting strictly after `after`, in order, within the horizon
 * (limits.ts RRULE_HORIZON_YEARS); fewer when the schedule ends or the horizon holds fewer.
 */
export function nextOccurrences(schedule: MaintenanceSchedule, after: Date, count: number): Interval[] {
  const expander = expanderOf(schedule);
  const durationMs = durationMsOf(schedule);
  if (count <= 0) return [];
  const low = after.getTime() + 1;
  const starts = startsIn(schedule, expander, low, low + HORIZON_MS, count);
  return starts.slice(0, count).map((s) => occurrence(s, durationMs));
}

/** The next start or end of an occurrence strictly after `after`: when to requeue. Undefined when none is left. */
export function nextEdge(schedule: MaintenanceSchedule, after: Date): Date | undefined {
  const afterMs = after.getTime();
  const ends = occurrencesBetween(schedule, after, new Date(afterMs + 1)).map((o) => o.end.getTime());
  const next = nextOccurrences(schedule, after, 1)[0]?.start.getTime();
  const edges = next === undefined ? ends : [...ends, next];
  const candidates = edges.filter((e) => e > afterMs);
  return candidates.length === 0 ? undefined : new Date(Math.min(...candidates));
}

/** The agreed occurrences overlapping [from, to) (occurrenceAgreed): what excludes from availability and suppresses incidents. */
export function agreedOccurrencesBetween(schedule: MaintenanceSchedule, from: Date, to: Date): Interval[] {
  return occurrencesBetween(schedule, from, to).filter((o) => occurrenceAgreed(schedule, o));
}

/** The agreed occurrence in progress at `at`; the earliest-started when several overlap. */
export function activeAgreedOccurrence(schedule: MaintenanceSchedule, at: Date): Interval | undefined {
  return agreedOccurrencesBetween(schedule, at, new Date(at.getTime() + 1))[0];
}

/** Whether `at` is the start of one of the schedule's occurrences (what an approval names). */
export function isOccurrenceStart(schedule: MaintenanceSchedule, at: Date): boolean {
  return occurrencesBetween(schedule, at, new Date(at.getTime() + 1)).some((o) => o.start.getTime() === at.getTime());
}
