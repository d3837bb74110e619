// Month-to-date availability of a unit (domain.md §5) from the cache: its P1 incidents (index
// `unit`), the occurrences of the maintenance windows that select it and exclude it, its
// subscription. The unit and function controllers both measure through here, so they agree.
import {
  activeOccurrence, monthOf, monthPeriod, occurrencesBetween, unitAvailability, type Interval, type UnitAvailability,
} from '../../domain/index.ts';
import type { Caches } from './cache.ts';
import type { UnitObj, WindowObj } from './kinds.ts';
import { incidentToDomain, matchesSelector, scheduleToDomain, unitFamily, unitPrerequisitesValidated, unitToDomain } from '../../api/v1alpha1/index.ts';
import { converted } from './kinds.ts';

/** The calendar month of `now` in `timeZone`, as 'YYYY-MM' and as an interval. */
export function currentMonth(now: Date, timeZone: string): { month: string; period: Interval } {
  const month = monthOf(now, timeZone);
  return { month, period: monthPeriod(month, timeZone) };
}

/** The maintenance windows of the namespace whose selector matches the unit. */
export function windowsOf(caches: Caches, unit: UnitObj): WindowObj[] {
  return caches.windows.list(unit.namespace).filter((w) => matchesSelector(w.spec.selector, unit.labels));
}

/** The windows selecting the unit and excluding it from availability that are active at `now`. */
export function activeExclusions(caches: Caches, unit: UnitObj, now: Date): { window: WindowObj; occurrence: Interval }[] {
  const out: { window: WindowObj; occurrence: Interval }[] = [];
  for (const window of windowsOf(caches, unit)) {
    if (!window.spec.excludeFromAvailability) continue;
    const occurrence = activeOccurrence(converted(scheduleToDomain(window)), now);
    if (occurrence !== undefined) out.push({ window, occurrence });
  }
  return out;
}

export function measureUnit(caches: Caches, unit: UnitObj, period: Interval, now: Date): UnitAvailability {
  const tenant = caches.tenant(unit.namespace);
  const input = converted(unitToDomain(unit, tenant));
  const maintenance: Interval[] = [];
  for (const window of windowsOf(caches, unit)) {
    if (window.spec.excludeFromAvailability) maintenance.push(...occurrencesBetween(converted(scheduleToDomain(window)), period.start, period.end));
  }
  return unitAvailability(
    {
      unit: { name: unit.name, subscription: input.subscription, coManaged: input.coManaged, prerequisitesValidated: unitPrerequisitesValidated(unit) },
      family: unitFamily(unit),
      incidents: caches.incidents.byIndex('unit', unit.namespace, unit.name).map((i) => converted(incidentToDomain(i))),
      maintenance,
    },
    period,
    now,
  );
}
