import { describe, expect, it } from 'vitest';
import type { Cents } from './money.ts';
import { ticketsLine, ticketsOfMonth, ticketTariff, type TicketPrices } from './tickets.ts';

const c = (n: number) => n as Cents;
// A price sheet: Premium 90.00, Standard 60.00, Initial 40.00, no SLA 25.00.
const PRICES: TicketPrices = { Premium: c(9000), Standard: c(6000), Initial: c(4000), NoSLA: c(2500) };

describe('ticketTariff: the highest support level among the environments (seed §9.6)', () => {
  it.each([
    [{ Production: 'Standard', Development: 'Initial' }, 'Standard'],
    [{ Production: 'Initial', PreProduction: 'Premium', Development: 'Standard' }, 'Premium'],
    [{ Development: 'Initial' }, 'Initial'],
    [{}, 'NoSLA'],
  ] as const)('%o → %s', (levels, tariff) => {
    expect(ticketTariff(levels)).toBe(tariff);
  });
});

describe('ticketsOfMonth: client-reported incidents, by the month they were opened in', () => {
  it('counts the client\'s, not monitoring\'s, in the tenant\'s zone', () => {
    const records = [
      { name: 'b', detection: 'Client', openedAt: new Date('2026-11-02T10:00:00Z') },
      { name: 'a', detection: 'Client', openedAt: new Date('2026-10-31T23:30:00Z') }, // 1 Nov 00:30 Paris: November
      { name: 'm', detection: 'Monitoring', openedAt: new Date('2026-11-05T10:00:00Z') },
      { name: 'd', detection: 'Client', openedAt: new Date('2026-11-30T23:30:00Z') }, // 1 Dec 00:30 Paris: December
    ] as const;
    expect(ticketsOfMonth(records, '2026-11', 'Europe/Paris')).toEqual(['a', 'b']);
  });
});

describe('ticketsLine: overage × unit price', () => {
  it.each([
    // Production Standard + PreProduction Premium → Premium; 13 used on a quota of 10: 3 × 90.00 = 270.00.
    [10, 13, ticketTariff({ Production: 'Standard', PreProduction: 'Premium' }), 3, 9000, 27000],
    // within the quota: nothing.
    [10, 10, 'Standard' as const, 0, 6000, 0],
    // no quota, no SLA: 4 × 25.00 = 100.00.
    [0, 4, 'NoSLA' as const, 4, 2500, 10000],
  ])('quota %d, used %d, %s', (quota, used, tariff, overage, unitPrice, amount) => {
    expect(ticketsLine(quota, used, tariff, PRICES)).toEqual({ quota, used, overage, tariff, unitPrice, amount });
  });
});
