// Incident tickets (domain.md §13, seed §9.5, §9.6): a quota per contract and month, the tickets a
// month uses, and the overage billed at the unit ticket price of the highest support level among
// the tenant's environments. Pure; amounts in integer cents (money.ts).
import { monthPeriod } from './calendar.ts';
import type { Cents } from './money.ts';
import { SUPPORT_LEVELS, type Detection, type Environment, type SupportLevel } from './vocabulary.ts';

/** seed §9.6: four support levels, four ticket tariffs ("Ticket SLA Premium, Standard, Initial, pas de SLA"), highest first. */
export const TICKET_TARIFFS = ['Premium', 'Standard', 'Initial', 'NoSLA'] as const;
export type TicketTariff = (typeof TICKET_TARIFFS)[number];

/** The price sheet's unit ticket price of each tariff. */
export type TicketPrices = Readonly<Record<TicketTariff, Cents>>;

/**
 * seed §9.6: with several environments at different support levels, the ticket is priced at the
 * highest. **Reading**: the tenant's environments are those the contract gives a support level in
 * the month (termsInMonth's `supportLevels`); the "no SLA" tariff is that of a month in which the
 * contract gives no environment a support level.
 */
export function ticketTariff(supportLevels: Readonly<Partial<Record<Environment, SupportLevel>>>): TicketTariff {
  let best = -1;
  for (const level of Object.values(supportLevels)) best = Math.max(best, SUPPORT_LEVELS.indexOf(level));
  return best < 0 ? 'NoSLA' : (SUPPORT_LEVELS[best] ?? 'NoSLA');
}

/** An incident as the ticket count reads it. */
export interface TicketRecord {
  readonly name: string;
  readonly detection: Detection;
  readonly openedAt: Date;
}

/**
 * The tickets a month uses (seed §9.5, §5.11.7 "Incident signalé par le client: par ticket
 * d'incident"): the incidents the client reported. **Reading**: an incident the operator opened
 * from monitoring (proactive, domain.md §9) is the provider's own and uses no ticket; a ticket
 * counts in the month it was opened (tenant's time zone), whatever its priority (a P4 request
 * is a ticket of the desk too). Sorted by name.
 */
export function ticketsOfMonth(records: readonly TicketRecord[], month: string, timeZone: string): string[] {
  // By the month's interval, not monthOf per record (the same months: monthOf is one zone conversion per record, 50,000 of them cost a second).
  const { start, end } = monthPeriod(month, timeZone);
  return records.filter((r) => r.detection === 'Client' && r.openedAt.getTime() >= start.getTime() && r.openedAt.getTime() < end.getTime()).map((r) => r.name).sort();
}

export interface TicketsLine {
  readonly quota: number;
  readonly used: number;
  /** Tickets beyond the quota. */
  readonly overage: number;
  readonly tariff: TicketTariff;
  readonly unitPrice: Cents;
  /** overage × unitPrice. */
  readonly amount: Cents;
}

/** seed §9.5: every ticket beyond the contract's quota is billed at the unit ticket price of the month's tariff. */
export function ticketsLine(quota: number, used: number, tariff: TicketTariff, prices: TicketPrices): TicketsLine {
  const overage = Math.max(0, used - quota);
  const unitPrice = prices[tariff];
  return { quota, used, overage, tariff, unitPrice, amount: (overage * unitPrice) as Cents };
}
