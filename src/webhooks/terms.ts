// The SupportContract rules that need the stored object and the clock (domain.md §3): the terms
// in force are history. An entry of spec.supportLevels or spec.amendments whose month has begun
// in the tenant's time zone (a base entry, or the base terms, once the contract started) is never
// edited or removed, and no new entry takes effect in a month already begun. The rules that need
// neither (from on or after the start month, one entry per environment and month, no lowering
// during a commitment) are the schema's refinements (support-contract.ts), run here too and offline.
import { DateTime } from 'luxon';
import type { SupportContract } from '../api/v1alpha1/index.ts';
import { monthOf } from '../domain/calendar.ts';
import { addMonths } from '../domain/terms.ts';
import type { Violation } from './admission.ts';

type Spec = SupportContract['spec'];
type LevelEntry = Spec['supportLevels'][number];
type Amendment = NonNullable<Spec['amendments']>[number];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Violations of "an entry in force is never edited or removed" by the update `old` → `next`, at `now`. */
export function termsInForceViolations(old: SupportContract, next: SupportContract, timeZone: string, now: Date): Violation[] {
  const started = now.getTime() >= DateTime.fromISO(old.spec.start, { zone: timeZone }).startOf('day').toMillis();
  if (!started) return [];
  const month = monthOf(now, timeZone);
  const startMonth = old.spec.start.slice(0, 7);
  const later = addMonths(month, 1);
  const when = `the current month is ${month} in ${timeZone}`;
  const out: Violation[] = [];

  // The base terms: in force since the start.
  if (next.spec.start !== old.spec.start) out.push({ path: 'spec.start', message: `the contract started on ${old.spec.start}: its start is history and no longer changes` });
  if (next.spec.monthlyTokens !== old.spec.monthlyTokens) {
    out.push({ path: 'spec.monthlyTokens', message: `the token pack from the start (${old.spec.monthlyTokens}) is in force since ${old.spec.start}: change it from a later month with an entry of spec.amendments (from: ${later}) (domain.md §3)` });
  }
  if (next.spec.monthlyTickets !== old.spec.monthlyTickets) {
    out.push({ path: 'spec.monthlyTickets', message: `the ticket quota from the start (${old.spec.monthlyTickets ?? 'none'}) is in force since ${old.spec.start}: change it from a later month with an entry of spec.amendments (from: ${later}) (domain.md §3, seed §9.5)` });
  }
  for (const field of ['currency', 'tokenPrice', 'monthlyFees', 'monthlyMinimum', 'ticketPrices', 'runRevenue'] as const) {
    if (same(next.spec.prices[field], old.spec.prices[field])) continue;
    const how = field === 'currency' ? 'the currency of a contract never changes' : `change it from a later month with an entry of spec.amendments (from: ${later})`;
    out.push({ path: `spec.prices.${field}`, message: `spec.prices.${field} is in force since ${old.spec.start}: ${how} (domain.md §3)` });
  }

  // SYNTEC indices (issue 13, seed §9.3.1): a year's index, once recorded for a year begun, is what
  // that year's revisions were computed with: never edited or removed. One published late is added.
  const year = Number(month.slice(0, 4));
  const nextIndices = new Map((next.spec.syntecIndices ?? []).map((e, i) => [e.year, { e, i }]));
  for (const e of old.spec.syntecIndices ?? []) {
    if (e.year > year) continue;
    const now_ = nextIndices.get(e.year);
    if (now_ === undefined) out.push({ path: 'spec.syntecIndices', message: `the SYNTEC index of ${e.year} (${e.index}) is recorded for a year begun (${when}): it is history and cannot be removed (seed §9.3.1)` });
    else if (now_.e.index !== e.index) out.push({ path: `spec.syntecIndices[${now_.i}].index`, message: `the SYNTEC index of ${e.year} (${e.index}) is recorded for a year begun (${when}): it cannot be edited (seed §9.3.1)` });
  }

  // Support levels, identified by environment and month.
  const levelKey = (e: LevelEntry): string => `${e.environment}@${e.from ?? startMonth}`;
  const inForce = (from: string | undefined): boolean => from === undefined || from <= month;
  const nextLevels = new Map(next.spec.supportLevels.map((e, i) => [levelKey(e), { e, i }]));
  const oldLevels = new Set(old.spec.supportLevels.map(levelKey));
  for (const e of old.spec.supportLevels) {
    if (!inForce(e.from)) continue;
    const since = e.from ?? startMonth;
    const now_ = nextLevels.get(levelKey(e));
    if (now_ === undefined) {
      out.push({ path: 'spec.supportLevels', message: `the entry ${e.environment} ${e.level} from ${since} is in force (${when}): it is history and cannot be removed (domain.md §3)` });
    } else if (now_.e.level !== e.level) {
      out.push({ path: `spec.supportLevels[${now_.i}].level`, message: `the entry ${e.environment} ${e.level} from ${since} is in force (${when}): it cannot be edited; add an entry from ${later} instead (domain.md §3)` });
    }
  }
  next.spec.supportLevels.forEach((e, i) => {
    if (oldLevels.has(levelKey(e)) || !inForce(e.from)) return;
    const path = e.from === undefined ? `spec.supportLevels[${i}]` : `spec.supportLevels[${i}].from`;
    out.push({ path, message: `${e.environment} ${e.level} from ${e.from ?? startMonth} would take effect in a month already begun (${when}): a new level takes effect on the 1st of a later month, from: ${later} at the earliest (domain.md §3)` });
  });

  // Amendments, identified by their month.
  const nextAmendments = new Map((next.spec.amendments ?? []).map((a, i) => [a.from, { a, i }]));
  const oldAmendments = new Set((old.spec.amendments ?? []).map((a) => a.from));
  for (const a of old.spec.amendments ?? []) {
    if (a.from > month) continue;
    const now_ = nextAmendments.get(a.from);
    if (now_ === undefined) out.push({ path: 'spec.amendments', message: `the amendment from ${a.from} is in force (${when}): it is history and cannot be removed (domain.md §3)` });
    else if (!same(stripped(now_.a), stripped(a))) out.push({ path: `spec.amendments[${now_.i}]`, message: `the amendment from ${a.from} is in force (${when}): it cannot be edited; add an amendment from ${later} instead (domain.md §3)` });
  }
  (next.spec.amendments ?? []).forEach((a, i) => {
    if (oldAmendments.has(a.from) || a.from > month) return;
    out.push({ path: `spec.amendments[${i}].from`, message: `an amendment from ${a.from} would take effect in a month already begun (${when}): from: ${later} at the earliest (domain.md §3)` });
  });
  return out;
}

/** The terms of an amendment (its description is free text, not a term). */
function stripped(a: Amendment): unknown {
  const { description: _description, ...terms } = a;
  return terms;
}
