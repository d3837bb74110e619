// Billable effort (seed §8.4.4 c and d, §5.11.5, domain.md §8, §10): the work time the provider
// spends on an incident that the client caused, or shares the cause of, and on a business
// application's remediation procedure beyond 15 minutes, billed in change tokens. Pure.
import { monthPeriod } from './calendar.ts';
import { TOKEN_MINUTES } from './tokens.ts';
import type { IncidentCause } from './vocabulary.ts';

/** seed §8.4.4 d (domain.md §8): with a shared responsibility the client bears 50 % of the time spent. */
export const SHARED_EFFORT_CLIENT_PERCENT = 50;

/** seed §5.11.5 (domain.md §10): a business application's remediation procedure takes at most 15 minutes; beyond, it is billed on the time spent. */
export const REMEDIATION_INCLUDED_MINUTES = 15;

/**
 * seed §5.11.5 "au-delà de cette durée, l'effort sera facturé sur la base du temps passé".
 * **Reading**: the part beyond the 15 minutes is billed (the first 15 are the service's); set
 * to false to bill the whole time of a remediation that passes them.
 */
export const REMEDIATION_BILLS_BEYOND_ONLY: boolean = true;

/**
 * seed §8.4.4 c "facturé au temps passé sous forme de Tokens de Change". **Reading**: an
 * incident's billed minutes are rounded up to whole tokens of 30 minutes (a token is the unit
 * sold: domain.md §1), once per incident.
 */
export function tokensForMinutes(minutes: number): number {
  return minutes > 0 ? Math.ceil(minutes / TOKEN_MINUTES) : 0;
}

/** An incident as the billing of effort reads it. */
export interface EffortRecord {
  readonly name: string;
  readonly cause: IncidentCause;
  /** Its units are co-managed (seed §8.4.4 is about co-managed units). */
  readonly coManaged: boolean;
  /** It is on a business application unit (an Application whose level 3 is the client's, seed §5.11.3), resolved by its remediation procedure. */
  readonly businessApplication: boolean;
  /** The provider's recorded investigation and repair time, in minutes. */
  readonly workMinutes: number;
  readonly resolvedAt?: Date | undefined;
}

/** Why an incident's effort is billed. */
export const EFFORT_BASES = ['ClientCaused', 'SharedResponsibility', 'RemediationBeyond15Minutes'] as const;
export type EffortBasis = (typeof EFFORT_BASES)[number];

export interface EffortLine {
  readonly name: string;
  readonly basis: EffortBasis;
  readonly workMinutes: number;
  readonly billedMinutes: number;
  readonly tokens: number;
}

/**
 * What an incident's effort bills, or undefined when it bills nothing. **Reading** (seed §8.4.4 is
 * headed "Pour les Unités de Services co-managées"): the cause rules apply to co-managed units
 * only; a fully managed tenant's incidents are the provider's to fix. On an incident that both
 * rules could bill, the cause rule applies (it already bills the whole, or half, of the time).
 */
export function billableEffort(record: EffortRecord): EffortLine | undefined {
  const line = (basis: EffortBasis, billedMinutes: number): EffortLine | undefined =>
    billedMinutes > 0 ? { name: record.name, basis, workMinutes: record.workMinutes, billedMinutes, tokens: tokensForMinutes(billedMinutes) } : undefined;
  if (record.coManaged && record.cause === 'Client') return line('ClientCaused', record.workMinutes);
  if (record.coManaged && record.cause === 'Shared') return line('SharedResponsibility', (record.workMinutes * SHARED_EFFORT_CLIENT_PERCENT) / 100);
  if (record.businessApplication && record.workMinutes > REMEDIATION_INCLUDED_MINUTES) {
    return line('RemediationBeyond15Minutes', REMEDIATION_BILLS_BEYOND_ONLY ? record.workMinutes - REMEDIATION_INCLUDED_MINUTES : record.workMinutes);
  }
  return undefined;
}

/**
 * The effort billed in `month`. **Reading**: effort is billed in the month the incident is resolved
 * (tenant's time zone), as a change's tokens are charged in the month it is completed (domain.md
 * §10); an unresolved incident bills nothing yet. Sorted by name.
 */
export function effortOfMonth(records: readonly EffortRecord[], month: string, timeZone: string): EffortLine[] {
  const period = monthPeriod(month, timeZone);
  return records
    // By the month's interval, as ticketsOfMonth.
    .filter((r) => r.resolvedAt !== undefined && r.resolvedAt.getTime() >= period.start.getTime() && r.resolvedAt.getTime() < period.end.getTime())
    .flatMap((r) => billableEffort(r) ?? [])
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
