// SLAClaim admission as tables (issue 13 item 1), on a fixture view; the integration test
// (test/integration/claims.test.ts) runs them through the real API server.
//
// The tenant is in Europe/Paris. October 2026 ends at 2026-10-31T23:00Z (CET since 25 October);
// its claim deadline is 30 calendar days later, 2026-11-30T23:00Z (domain.md §8). The webhook's
// clock reads 2026-11-10T12:00Z unless a case says otherwise.
import { describe, expect, it } from 'vitest';
import type { Incident, ManagedTenant, SLAReport, SupportContract } from '../api/v1alpha1/index.ts';
import type { AdmissionRequest, JsonPatchOp, Operation } from './admission.ts';
import { mutate } from './mutate.ts';
import { validate, type TenantView } from './rules.ts';
import { applyJsonPatch } from '../../test/support/json-patch.ts';

const ns = 'acme';
const API = 'managedapps.dev/v1alpha1';
const meta = (name: string) => ({ name, namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z' });
const tenant = {
  apiVersion: API, kind: 'ManagedTenant', metadata: meta('acme'),
  spec: {
    managementModel: 'FullyManaged', iaas: { provider: 'X' }, calendar: { timeZone: 'Europe/Paris', holidayCountry: 'FR', businessHours: { start: '09:00', end: '18:00' } },
    contacts: [
      { name: 'claire', email: 'c@x.example', users: ['claire'], roles: ['SLAClaimer'] },
      { name: 'carol', email: 'k@x.example', users: ['carol'], roles: ['IncidentReporter'] },
    ],
  },
} as unknown as ManagedTenant;
const contract = {
  apiVersion: API, kind: 'SupportContract', metadata: meta('c'),
  spec: { start: '2026-10-01', commitmentMonths: 12, supportChain: 'FullFrance', supportLevels: [{ environment: 'Production', level: 'Premium' }], subscribedLevels: ['OS'], prices: { currency: 'EUR', tokenPrice: 100 }, monthlyTokens: 0 },
} as unknown as SupportContract;
const report = (month: string, final: boolean): SLAReport => ({
  apiVersion: API, kind: 'SLAReport', metadata: meta(`c-${month}`), spec: { contractRef: { name: 'c' }, month },
  status: { final, gtr: { resolved: 1, late: 1, deviationPercent: 20, creditPercent: 5, creditAmount: 0, incidents: [{ name: 'inc-1', priority: 'P1', supportLevel: 'Premium', coveredSeconds: 1, late: true, applicable: true }] }, gtc: { completed: 1, late: 1, creditAmount: 50, changes: [{ name: 'chg-1', category: 'StandardSimple', accelerated: false, supportLevel: 'Premium', coveredSeconds: 1, late: true, applicable: true, tokensCharged: 1, price: 100 }] } },
}) as unknown as SLAReport;
// A P1 opened on 31 October and resolved on 1 November: it interrupted October, listed in November's GTR rows.
const spanning = { apiVersion: API, kind: 'Incident', metadata: meta('inc-2'), spec: { unitRefs: [{ name: 'u' }], priority: 'P1', summary: 's', detection: 'Client', openedAt: '2026-10-31T20:00:00Z', resolvedAt: '2026-11-01T02:00:00Z', cause: 'Provider' } } as unknown as Incident;
const view = (reports: SLAReport[] = [report('2026-10', true)]): TenantView => ({
  tenants: () => [tenant], contracts: () => [contract], units: () => [], changes: () => [], incidents: () => [spanning], reports: () => reports,
});
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
const claim = (spec: Record<string, unknown> = {}, status?: Record<string, unknown>) => ({
  apiVersion: API, kind: 'SLAClaim', metadata: meta('claim-1'),
  spec: { contractRef: { name: 'c' }, month: '2026-10', incidents: ['inc-1'], ...spec }, ...(status === undefined ? {} : { status }),
});
const req = (operation: Operation, object: unknown, user: string, groups: string[] = [], oldObject?: unknown): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'SLAClaim' }, namespace: ns, operation, userInfo: { username: user, groups }, object, oldObject,
});
const NOW = new Date('2026-11-10T12:00:00Z');
/** As the API server does: the mutating hook's patch applied, then the validating hook. */
const decide = (r: AdmissionRequest, now = NOW, reports?: SLAReport[]): string => {
  const m = r.object === undefined ? undefined : mutate(r, view(reports), identity, now);
  const object = m?.allowed === true ? applyJsonPatch(r.object, m.patch ?? []) : r.object;
  const v = validate({ ...r, object }, { view: view(reports), identity, now });
  return v.allowed ? 'allowed' : `${v.reason} ${v.violations.map((x) => `${x.path}: ${x.message}`).join('; ')}`;
};
const filed = { filedBy: { username: 'claire' }, filedAt: '2026-11-10T12:00:00Z' };
const answered = (answer: Record<string, unknown>) => claim({ ...filed, answer }, { creditAmount: 50 });

describe('SLAClaim admission', () => {
  it.each([
    ['an SLAClaimer contact files for October', req('CREATE', claim(filed), 'claire'), NOW, /^allowed$/],
    ['a ticket the report does not list, but a P1 that interrupted October', req('CREATE', claim({ ...filed, incidents: ['inc-2'] }), 'claire'), NOW, /^allowed$/],
    ['a contact without the role', req('CREATE', claim(filed), 'carol'), NOW, /^Forbidden metadata: user 'carol' is contact 'carol' of ManagedTenant 'acme' without the SLAClaimer role/],
    ['a stranger', req('CREATE', claim(filed), 'eve'), NOW, /^Forbidden metadata: user 'eve' is not a named contact of ManagedTenant 'acme'/],
    ['the provider writes a new claim', req('CREATE', claim(), 'paul', ['provider']), NOW, /^Forbidden spec\.filedBy: a claim is filed by the client's SLAClaimer contact/],
    ['the provider re-creates a recorded claim', req('CREATE', claim(filed), 'paul', ['provider']), NOW, /^allowed$/],
    // GitOps order: before its contract and report (the controller judges the rest), but on its recorded filedAt.
    ['the provider re-creates one before its contract is there', req('CREATE', claim({ ...filed, contractRef: { name: 'later' } }), 'paul', ['provider']), NOW, /^allowed$/],
    ['the provider re-creates one recorded after the deadline', req('CREATE', claim({ ...filed, filedAt: '2026-12-01T00:00:00Z' }), 'paul', ['provider']), NOW, /^Invalid spec\.month: the claim deadline of 2026-10 was 2026-11-30T23:00:00\.000Z/],
    // 2026-11-30T23:00Z is the deadline (exclusive): filed at it, late.
    ['a claim at the deadline', req('CREATE', claim({ ...filed, filedAt: '2026-11-30T23:00:00Z' }), 'claire'), new Date('2026-11-30T23:00:00Z'), /^Invalid spec\.month: the claim deadline of 2026-10 was 2026-11-30T23:00:00\.000Z/],
    ['a claim a second before the deadline', req('CREATE', claim({ ...filed, filedAt: '2026-11-30T22:59:59Z' }), 'claire'), new Date('2026-11-30T22:59:59Z'), /^allowed$/],
    ['a month not over (November, on 10 November)', req('CREATE', claim({ ...filed, month: '2026-11' }), 'claire'), NOW, /^Invalid spec\.month: 2026-11 is not over/],
    ['a month whose report is not final yet', req('CREATE', claim(filed), 'claire'), NOW, /^Invalid spec\.month: the report of 2026-10 \(SLAReport c-2026-10\) is not final yet/, [report('2026-10', false)]],
    ['a contract of another tenant', req('CREATE', claim({ ...filed, contractRef: { name: 'other' } }), 'claire'), NOW, /^Invalid spec\.contractRef\.name: no SupportContract 'other' in namespace 'acme'/],
    ['a month before the contract', req('CREATE', claim({ ...filed, month: '2026-09' }), 'claire'), NOW, /^Invalid spec\.month: 2026-09 is before the start of SupportContract 'c'/],
    ['a ticket not of the month', req('CREATE', claim({ ...filed, incidents: ['inc-1', 'inc-9'] }), 'claire'), NOW, /^Invalid spec\.incidents\[1\]: inc-9 is not a ticket of 2026-10's report/],
    ['an incident listed twice', req('CREATE', claim({ ...filed, incidents: ['inc-1', 'chg-1', 'inc-1'] }), 'claire'), NOW, /^Invalid spec\.incidents\[2\]: inc-1 is listed twice \(spec\.incidents\[0\]\)/],
    ['a client answering on creation', req('CREATE', claim({ ...filed, answer: { decision: 'Accepted' } }), 'claire'), NOW, /^Forbidden spec\.answer: the provider answers a claim/],
    // Answers (on the claim filed, its credit 50 computed by the operator: status.creditAmount).
    ['the provider accepts', req('UPDATE', answered({ decision: 'Accepted' }), 'paul', ['provider'], claim(filed, { creditAmount: 50 })), NOW, /^allowed$/],
    ['the provider grants 30 of 50', req('UPDATE', answered({ decision: 'PartlyAccepted', amount: 30, reason: 'chg-1 waited on the client' }), 'paul', ['provider'], claim(filed, { creditAmount: 50 })), NOW, /^allowed$/],
    ['the provider grants 60 of 50', req('UPDATE', answered({ decision: 'PartlyAccepted', amount: 60, reason: 'x' }), 'paul', ['provider'], claim(filed, { creditAmount: 50 })), NOW, /^Invalid spec\.answer\.amount: 60 is above the claim's credit of 50/],
    ['a negative amount (the CRD refuses it first)', req('UPDATE', answered({ decision: 'PartlyAccepted', amount: -5, reason: 'x' }), 'paul', ['provider'], claim(filed, { creditAmount: 50 })), NOW, /^Invalid spec\.answer\.amount: /],
    ['a rejection without a reason', req('UPDATE', answered({ decision: 'Rejected' }), 'paul', ['provider'], claim(filed, { creditAmount: 50 })), NOW, /^Invalid spec\.answer\.reason: a Rejected answer gives its reason/],
    ['an answer before the operator computed the credit', req('UPDATE', claim({ ...filed, answer: { decision: 'Accepted' } }), 'paul', ['provider'], claim(filed)), NOW, /^Invalid spec\.answer: the operator has not computed the claim's credit yet \(status\.creditAmount\)/],
    ['a client contact answers', req('UPDATE', answered({ decision: 'Accepted' }), 'claire', [], claim(filed, { creditAmount: 50 })), NOW, /^Forbidden spec\.answer: the provider answers a claim \(seed §8\.2\); user 'claire' is a client contact/],
    ['the claimer edits its filed claim', req('UPDATE', claim({ ...filed, description: 'more' }), 'claire', [], claim(filed)), NOW, /^Forbidden spec: a filed claim is frozen/],
    ['a re-apply of the same claim', req('UPDATE', claim(filed), 'claire', [], claim(filed)), NOW, /^allowed$/],
  ] as const)('%s', (_name, request, now, expected, reports?: readonly SLAReport[]) => {
    expect(decide(request, now, reports === undefined ? undefined : [...reports])).toMatch(expected);
  });

  it('stamps the filer and the instant, never the body\'s, and the provider\'s answer', () => {
    const apply = (r: AdmissionRequest): JsonPatchOp[] => {
      const v = mutate(r, view(), identity, NOW);
      return v.allowed ? [...(v.patch ?? [])] : [];
    };
    // A client's body claiming another filer and an earlier instant: replaced by the request's.
    expect(apply(req('CREATE', claim({ filedBy: { username: 'someone' }, filedAt: '2026-11-01T00:00:00Z' }), 'claire', ['acme:people']))).toEqual([
      { op: 'add', path: '/spec/filedBy', value: { username: 'claire', groups: ['acme:people'] } },
      { op: 'add', path: '/spec/filedAt', value: '2026-11-10T12:00:00Z' },
    ]);
    // The provider's answer: answeredBy and answeredAt from the request; the trace records it.
    const patch = apply(req('UPDATE', claim({ ...filed, answer: { decision: 'Accepted', answeredBy: { username: 'x' } } }), 'paul', ['provider'], claim(filed)));
    expect(patch.slice(0, 2)).toEqual([
      { op: 'add', path: '/spec/answer/answeredBy', value: { username: 'paul', groups: ['provider'] } },
      { op: 'add', path: '/spec/answer/answeredAt', value: '2026-11-10T12:00:00Z' },
    ]);
    const trace = patch[2] as { op: 'add'; path: string; value: Record<string, string> };
    expect(trace.path).toBe('/metadata/annotations');
    expect(JSON.parse(trace.value['managedapps.dev/history'] ?? '[]')).toEqual([
      { at: '2026-11-10T12:00:00Z', by: 'paul', field: 'spec.answer', to: { answeredAt: '2026-11-10T12:00:00Z', answeredBy: { groups: ['provider'], username: 'paul' }, decision: 'Accepted' } },
    ]);
    // An acceptance records the claim's credit (50), whatever amount the body says.
    const accepted = apply(req('UPDATE', claim({ ...filed, answer: { decision: 'Accepted', amount: 80 } }), 'paul', ['provider'], claim(filed, { creditAmount: 50 })));
    expect(accepted).toContainEqual({ op: 'add', path: '/spec/answer/amount', value: 50 });
    // A stored answer and stamps are put back, whatever the body says.
    const storedAnswer = { decision: 'Rejected', reason: 'r', answeredBy: { username: 'paul' }, answeredAt: '2026-11-12T00:00:00Z' };
    const stored = claim({ ...filed, answer: storedAnswer });
    expect(apply(req('UPDATE', claim({ filedBy: { username: 'x' }, filedAt: '2026-11-01T00:00:00Z', answer: { decision: 'Accepted' } }), 'paul', ['provider'], stored)).slice(0, 3)).toEqual([
      { op: 'add', path: '/spec/filedBy', value: { username: 'claire' } },
      { op: 'add', path: '/spec/filedAt', value: '2026-11-10T12:00:00Z' },
      { op: 'add', path: '/spec/answer', value: storedAnswer },
    ]);
  });

  it('keeps a claim while its month\'s report exists', () => {
    const del = (reports: SLAReport[]) => decide({ ...req('DELETE', undefined, 'paul', ['provider'], claim(filed)), name: 'claim-1' }, NOW, reports);
    expect(del([report('2026-10', true)])).toMatch(/^Forbidden metadata: user 'paul' \(groups provider\) may not delete SLAClaim 'claim-1': SLAReport 'c-2026-10' is kept, and its month's claims with it/);
    expect(del([])).toBe('allowed');
  });
});
