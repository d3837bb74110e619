import { describe, expect, it } from 'vitest';
import { computeMonthlyReport, DEFAULT_CALENDAR, PREREQUISITES, type ChangeInput, type ReportInput } from '../domain/index.ts';
import { formatReports } from './output.ts';

describe('the report table lists the month\'s releases (seed Table 1)', () => {
  // Five releases on a Premium production Application unit, Mon 2 … Fri 6 November 2026, 3 tokens each.
  const release = (day: number): ChangeInput => ({
    name: `rel-${day}`, unitNames: ['app-1'], category: 'StandardComplex', tokens: 3, accelerated: false, outsideBusinessHours: false, release: true, initiator: 'Client',
    requestedAt: new Date(`2026-11-0${day}T09:00:00Z`), completedAt: new Date(`2026-11-0${day}T11:00:00Z`),
  });
  const input: ReportInput = {
    calendar: DEFAULT_CALENDAR,
    contract: { currency: 'EUR', start: '2026-01-01', commitmentMonths: 12, supportLevels: { Production: 'Premium' }, payAsYouGoTokenPrice: 100, monthlyTokens: 10 },
    units: [{
      name: 'app-1', level: 'Application', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-app-1' }],
      subscription: { start: new Date('2026-01-01T00:00:00Z') }, prerequisites: PREREQUISITES, coManaged: false, levelThreeOwner: 'Provider', labels: {},
    }],
    functions: [],
    incidents: [],
    changes: [2, 3, 4, 5, 6].map(release),
    maintenanceWindows: [],
  };

  it('count of quota per level, and how many are billed', () => {
    const report = computeMonthlyReport(input, '2026-11', new Date('2027-01-15T00:00:00Z'));
    const text = formatReports([{ namespace: 'acme', contract: 'c', report }], 'table');
    // 5 of 4: rel-6 billed, its 3 tokens of the pack of 10.
    expect(text).toContain('Releases  Premium 5 of 4 (1 over, billed as changes)');
    expect(text).toContain('Tokens  3 used of a pack of 10, 0 extra = 0.00 EUR');
  });
});
