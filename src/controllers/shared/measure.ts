// Month-to-date availability of a unit (domain.md §5) from the cache: its P1 incidents (index
// `unit`), the occurrences of the maintenance windows that select it and exclude it, its
// subscription. The unit and function controllers both measure through here, so they agree.
import {
  activeOccurrence, monthOf, monthPeriod, occurrencesBetween, unitAvailability, type Interval, type UnitAvailability,
} from '../../domain/index.ts';
import type { Caches } from './cache.ts';
import type { UnitObj, WindowObj } from './kinds.ts';
import { familyOf, incidentInput, scheduleOf, selectorMatches, unitInput, unitValidated } from './to-domain.ts';

/** The calendar month of `now` in `timeZone`, as 'YYYY-MM' and as an interval. */
export function currentMonth(now: Date, timeZone: string): { month: string; period: Interval } {
  const month = monthOf(now, timeZone);
  return { month, period: monthPeriod(month, timeZone) };
}

/** The maintenance windows of the namespace whose selector matches the unit. */
export function windowsOf(caches: Caches, unit: UnitObj): WindowObj[] {
  return caches.windows.list(unit.namespace).filter((w) => selectorMatches(w.spec.selector, unit.labels));
}

/** The windows selecting the unit and excluding it from availability that are active at `now`. */
export function activeExclusions(caches: Caches, unit: UnitObj, now: Date): { window: WindowObj; occurrence: Interval }[] {
  const out: { window: WindowObj; occurrence: Interval }[] = [];
  for (const window of windowsOf(caches, unit)) {
    if (!window.spec.excludeFromAvailability) continue;
    const occurrence = activeOccurrence(scheduleOf(window), now);
    if (occurrence !== undefined) out.push({ window, occurrence });
  }
  return out;
}

export function measureUnit(caches: Caches, unit: UnitObj, period: Interval, now: Date): UnitAvailability {
  const tenant = caches.tenant(unit.namespace);
  const input = unitInput(unit, tenant);
  const maintenance: Interval[] = [];
  for (const window of windowsOf(caches, unit)) {
    if (window.spec.excludeFromAvailability) maintenance.push(...occurrencesBetween(scheduleOf(window), period.start, period.end));
  }
  return unitAvailability(
    {
      unit: { name: unit.name, subscription: input.subscription, coManaged: input.coManaged, prerequisitesValidated: unitValidated(unit) },
      family: familyOf(unit),
      incidents: caches.incidents.byIndex('unit', unit.namespace, unit.name).map(incidentInput),
      maintenance,
    },
    period,
    now,
  );
}
