// The service windows of domain.md §4, by environment and priority.
import type { BusinessCalendar, ServiceWindow } from './calendar.ts';
import type { Environment, Priority } from './vocabulary.ts';

const ALWAYS: ServiceWindow = { kind: 'Always' };

function businessHours(calendar: BusinessCalendar): ServiceWindow {
  return { kind: 'BusinessHours', calendar };
}

/** domain.md §4: monitoring is 24×7 in every environment. */
export function monitoringWindow(): ServiceWindow {
  return ALWAYS;
}

/**
 * domain.md §4, exploitation (incidents): Production P1, P2 24×7, P3 business hours;
 * non-production P1–P3 business hours. P4 carries no commitment (§6); its clock runs in
 * business hours so that its status still shows a covered time.
 */
export function exploitationWindow(calendar: BusinessCalendar, environment: Environment, priority: Priority): ServiceWindow {
  if (environment === 'Production' && (priority === 'P1' || priority === 'P2')) return ALWAYS;
  return businessHours(calendar);
}

/** domain.md §4: administration (changes) runs in business hours in every environment. */
export function administrationWindow(calendar: BusinessCalendar): ServiceWindow {
  return businessHours(calendar);
}
