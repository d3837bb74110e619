import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.ts';
import type { MaintenanceSchedule } from './maintenance.ts';
import { RUNBOOK_SEARCH_DAYS, runbookStart, type RunbookFacts } from './runbook.ts';

const at = (iso: string) => new Date(iso);
// Friday 20 November 2026, 12:00Z = 13:00 Paris (CET, UTC+1): inside business hours (09:00-18:00).
const NOW = at('2026-11-20T12:00:00Z');
const client: RunbookFacts = { requestedAt: at('2026-11-20T10:00:00Z'), initiator: 'Client', category: 'StandardSimple' };
const provider: RunbookFacts = { ...client, initiator: 'Provider' };
const approved = { decision: 'Approved' as const, at: at('2026-11-20T11:00:00Z') };
// Saturdays 23:00 Paris (22:00Z), 4 h.
const saturdays: MaintenanceSchedule = { timeZone: 'Europe/Paris', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SA', startTime: '23:00' }, durationSeconds: 4 * 3600 };

describe('runbookStart: when a change\'s runbook may start (domain.md §4, §10, §11)', () => {
  it('a client change inside business hours starts now', () => {
    expect(runbookStart(client, DEFAULT_CALENDAR, NOW)).toEqual({ kind: 'At', at: NOW, by: 'AdministrationWindow', slot: { start: NOW, end: at('2026-11-20T17:00:00Z') } });
  });

  it('after business hours it waits for the next business day\'s 09:00 (Friday 19:30 Paris → Monday 09:00 Paris = 08:00Z)', () => {
    const evening = at('2026-11-20T18:30:00Z');
    const start = runbookStart(client, DEFAULT_CALENDAR, evening);
    expect(start).toMatchObject({ kind: 'At', at: at('2026-11-23T08:00:00Z'), by: 'AdministrationWindow' });
  });

  it('never before its request: requested Monday 23 November 10:00Z, judged on the Friday before → Monday 10:00Z', () => {
    expect(runbookStart({ ...client, requestedAt: at('2026-11-23T10:00:00Z') }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'At', at: at('2026-11-23T10:00:00Z') });
  });

  it('a provider change waits for the client\'s approval, known at its instant, and never runs once rejected', () => {
    expect(runbookStart(provider, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'AwaitingApproval', recheckAt: undefined });
    const future = { decision: 'Approved' as const, at: at('2026-11-20T15:00:00Z') };
    expect(runbookStart({ ...provider, approval: future }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'AwaitingApproval', recheckAt: future.at });
    expect(runbookStart({ ...provider, approval: { decision: 'Rejected', at: approved.at } }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'Rejected' });
    expect(runbookStart({ ...provider, approval: approved }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'At', at: NOW, by: 'AdministrationWindow' });
  });

  it('the P1 exception runs at once, unapproved and outside business hours (Saturday 03:00Z)', () => {
    const night = at('2026-11-21T03:00:00Z');
    expect(runbookStart({ ...provider, openP1: 'inc-1', window: { name: 'w', schedule: saturdays } }, DEFAULT_CALENDAR, night)).toEqual({ kind: 'At', at: night, by: 'P1Exception' });
  });

  it('a non-standard change waits for the provider\'s validation, and never runs once refused', () => {
    const ns: RunbookFacts = { ...client, category: 'NonStandard' };
    expect(runbookStart(ns, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'AwaitingValidation' });
    expect(runbookStart({ ...ns, validation: { decision: 'Refused', at: approved.at } }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'Refused' });
    expect(runbookStart({ ...ns, validation: { decision: 'Accepted', at: approved.at } }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'At', at: NOW });
    // A P1 does not stand in for the provider's own validation.
    expect(runbookStart({ ...ns, initiator: 'Provider', openP1: 'inc-1' }, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'AwaitingValidation' });
  });

  it('in its window: at the next occurrence\'s start (Saturday 21 November 23:00 Paris = 22:00Z), or now inside a running one', () => {
    const f: RunbookFacts = { ...provider, approval: approved, window: { name: 'w', schedule: saturdays } };
    expect(runbookStart(f, DEFAULT_CALENDAR, NOW)).toEqual({
      kind: 'At', at: at('2026-11-21T22:00:00Z'), by: 'MaintenanceWindow', slot: { start: at('2026-11-21T22:00:00Z'), end: at('2026-11-22T02:00:00Z') },
    });
    // 01:00Z on Sunday: the occurrence started 3 h before and ends at 02:00Z.
    const inside = at('2026-11-22T01:00:00Z');
    expect(runbookStart(f, DEFAULT_CALENDAR, inside)).toMatchObject({ kind: 'At', at: inside, slot: { start: at('2026-11-21T22:00:00Z') } });
    // 02:00Z: that one has ended; the next Saturday, 28 November 22:00Z.
    expect(runbookStart(f, DEFAULT_CALENDAR, at('2026-11-22T02:00:00Z'))).toMatchObject({ kind: 'At', at: at('2026-11-28T22:00:00Z') });
  });

  it('a window that needs the client\'s approval counts only its approved occurrences (domain.md §11)', () => {
    const schedule: MaintenanceSchedule = { ...saturdays, approvals: { required: true, approvedStarts: [at('2026-12-05T22:00:00Z')] } };
    const f: RunbookFacts = { ...client, window: { name: 'w', schedule } };
    // 21 and 28 November await approval; 5 December is approved.
    expect(runbookStart(f, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'At', at: at('2026-12-05T22:00:00Z'), by: 'MaintenanceWindow' });
    const none: RunbookFacts = { ...client, window: { name: 'w', schedule: { ...schedule, approvals: { required: true, approvedStarts: [] } } } };
    expect(runbookStart(none, DEFAULT_CALENDAR, NOW)).toMatchObject({ kind: 'Waiting', reason: 'NoAgreedOccurrence' });
    expect(RUNBOOK_SEARCH_DAYS).toBe(366);
  });
});
