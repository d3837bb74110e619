// Local wall-clock time → instant, with one rule for DST edges, used by calendars and maintenance.
import { DateTime } from 'luxon';

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * The instant (epoch ms) of a local wall-clock time in `zone`.
 * - A time that exists twice (fall-back) is the first of the two, the one before the change.
 * - A time that does not exist (spring-forward gap) moves forward by the gap (02:30 → 03:30), as luxon and cron do.
 * Throws a RangeError on an unknown zone or impossible fields.
 */
export function instantOfLocal(local: LocalDateTime, zone: string): number {
  const dt = DateTime.fromObject({ ...local }, { zone });
  if (!dt.isValid) throw new RangeError(`local time in '${zone}': ${dt.invalidExplanation ?? dt.invalidReason}`);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Each offset in force around that day gives a candidate; keep those whose offset really applies.
  let earliest = dt.toMillis();
  for (const probe of [dt.toMillis() - MS_PER_DAY, dt.toMillis() + MS_PER_DAY]) {
    const offset = DateTime.fromMillis(probe, { zone }).offset;
    const candidate = wall - offset * MS_PER_MINUTE;
    if (candidate < earliest && DateTime.fromMillis(candidate, { zone }).offset === offset) earliest = candidate;
  }
  return earliest;
}
