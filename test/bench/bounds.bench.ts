// Issue 20, "every computation driven by user data has a bound": measured in one run.
//   1. A window's next occurrences (what the window controller computes on every reconcile), with
//      the expansion before issue 20 (legacy-maintenance.ts: rrule.js, searching to year 9999)
//      and the bounded one (src/domain/rrule.ts), for the rules the issue names and for the worst
//      rule accepted now (DAILY, COUNT, a 29 February from 1970, looked at in 2199: every day
//      from 1970 is looked at). A rule refused now is timed as its refusal (validateSchedule).
//   2. The webhook's answer (validate, as the server calls it) for each bad body of the issue, and
//      the slowest of 2,000 generated bad bodies, against a per-case deadline of 100 ms (the API
//      server gives a webhook 10 s by default): "met" or "MISSED".
import { validate, type TenantView } from '../../src/webhooks/rules.ts';
import type { AdmissionRequest } from '../../src/webhooks/admission.ts';
import { nextOccurrences, validateSchedule, type MaintenanceSchedule } from '../../src/domain/maintenance.ts';
import { nextOccurrences as legacyNextOccurrences } from './legacy-maintenance.ts';
import { measure, seededRandom, type Benchmark, type Figure } from './harness.ts';

const DEADLINE_MS = 100;
const NOW = new Date('2026-11-26T10:00:00Z');
const H = 'managedapps.dev/v1alpha1';

const schedule = (rrule: string, from?: string): MaintenanceSchedule => ({
  timeZone: 'Europe/Paris',
  recurrence: { rrule, startTime: '02:30', ...(from === undefined ? {} : { from: new Date(from) }) },
  durationSeconds: 7200,
});

const RULES: readonly { label: string; schedule: MaintenanceSchedule; after: Date }[] = [
  { label: 'weekly Sunday (common)', schedule: schedule('FREQ=WEEKLY;BYDAY=SU'), after: NOW },
  { label: 'never: DAILY 30 February', schedule: schedule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'), after: NOW },
  { label: 'never: YEARLY 30 February', schedule: schedule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'), after: NOW },
  { label: 'never: MONTHLY BYSETPOS=6 Sunday', schedule: schedule('FREQ=MONTHLY;BYDAY=SU;BYSETPOS=6'), after: NOW },
  { label: 'worst accepted: DAILY COUNT 29 Feb from 1970, in 2199', schedule: schedule('FREQ=DAILY;COUNT=9999;BYMONTH=2;BYMONTHDAY=29', '1970-01-01T00:00:00Z'), after: new Date('2199-06-01T00:00:00Z') },
];

const meta = (name: string) => ({ name, namespace: 'acme', creationTimestamp: '2026-01-01T00:00:00Z' });
const BODIES: readonly { label: string; kind: string; spec: Record<string, unknown>; name?: string }[] = [
  { label: 'MaintenanceWindow never (YEARLY 30 Feb)', kind: 'MaintenanceWindow', spec: { purpose: 'Maintenance', recurrence: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', startTime: '02:30' }, duration: '2h', selector: {} } },
  { label: 'MaintenanceWindow never (BYSETPOS=6)', kind: 'MaintenanceWindow', spec: { purpose: 'Maintenance', recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=SU;BYSETPOS=6', startTime: '02:30' }, duration: '2h', selector: {} } },
  { label: 'MaintenanceWindow until 9999', kind: 'MaintenanceWindow', spec: { purpose: 'Maintenance', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU', startTime: '02:30', until: '9999-12-31T00:00:00Z' }, duration: '2h', selector: {} } },
  { label: 'SupportContract start 9999', kind: 'SupportContract', spec: { start: '9999-01-01', supportChain: 'FullFrance', supportLevels: [{ environment: 'Production', level: 'Standard' }], subscribedLevels: ['OS'], prices: { currency: 'EUR', tokenPrice: 95 } } },
  { label: 'SupportContract monthlyTokens 2^31', kind: 'SupportContract', spec: { start: '2026-01-01', supportChain: 'FullFrance', supportLevels: [{ environment: 'Production', level: 'Standard' }], subscribedLevels: ['OS'], prices: { currency: 'EUR', tokenPrice: 95 }, monthlyTokens: 2 ** 31 } },
  { label: 'SupportContract tokenPrice -0', kind: 'SupportContract', spec: { start: '2026-01-01', supportChain: 'FullFrance', supportLevels: [{ environment: 'Production', level: 'Standard' }], subscribedLevels: ['OS'], prices: { currency: 'EUR', tokenPrice: -0 } } },
  { label: 'ManagedFunction charge 1e308', kind: 'ManagedFunction', spec: { family: 'OS', monthlyCharge: 1e308 } },
  { label: 'SLAReport month 9999', kind: 'SLAReport', name: 'c-9999-12', spec: { contractRef: { name: 'c' }, month: '9999-12' } },
  { label: 'Incident opened in year 1', kind: 'Incident', spec: { unitRefs: [{ name: 'u' }], priority: 'P2', summary: 's', openedAt: '0001-01-01T00:00:00Z' } },
  { label: 'ChangeRequest requested in 9999', kind: 'ChangeRequest', spec: { unitRefs: [{ name: 'u' }], category: 'StandardSimple', catalogItem: 'x', summary: 's', tokens: 1, requestedAt: '9999-01-01T00:00:00Z' } },
];

const view: TenantView = { tenants: () => [], contracts: () => [], units: () => [], changes: () => [], incidents: () => [], reports: () => [] };
const identity = { providerGroups: ['provider'], operatorUsername: 'op' };
const request = (kind: string, object: unknown): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind }, namespace: 'acme', operation: 'CREATE',
  userInfo: { username: kind === 'SLAReport' ? 'op' : 'paul', groups: ['provider'] }, object,
});
const answer = (kind: string, object: unknown) => validate(request(kind, object), { view, identity, now: NOW });

/** A seeded bad body: one of the issue's, with a field replaced by a value of the property test's kinds. */
function generatedBodies(count: number): { kind: string; object: unknown }[] {
  const random = seededRandom(20);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const values: unknown[] = [1e308, -0, 2 ** 31, -1, Number.NaN, '9999-12-31T23:59:59Z', '0001-01-01', '9999-12', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6', '999999h', 'x'.repeat(5000), null, {}];
  return Array.from({ length: count }, () => {
    const body = pick(BODIES);
    const spec = structuredClone(body.spec);
    const key = pick(Object.keys(spec));
    spec[key] = pick(values);
    if (body.kind === 'MaintenanceWindow' && random() < 0.5) spec.recurrence = { rrule: pick(values.filter((v) => typeof v === 'string' && v.startsWith('FREQ'))), startTime: '02:30' };
    return { kind: body.kind, object: { apiVersion: H, kind: body.kind, metadata: meta(body.name ?? 'x'), spec } };
  });
}

const fmt = (value: number): string => (value >= 100 ? `${value.toFixed(0)} ms` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`);

const bench: Benchmark = {
  name: 'bounds',
  description: 'bounded RRULE expansion and webhook answers for the bad bodies of issue 20 (before = rrule.js search of legacy-maintenance.ts)',
  async run(log) {
    const figures: Figure[] = [];
    for (const rule of RULES) {
      log(rule.label);
      const before = await measure(() => legacyNextOccurrences(rule.schedule, rule.after, 3), { warmup: 1, runs: 3 });
      const refused = validateSchedule(rule.schedule).length > 0;
      const after = await measure(() => (refused ? validateSchedule(rule.schedule) : nextOccurrences(rule.schedule, rule.after, 3)), { warmup: 2, runs: 7 });
      figures.push({
        label: `next 3 occurrences, ${rule.label}`,
        value: `before ${fmt(before.medianMs)}, after ${fmt(after.medianMs)}${refused ? ' (refused at admission)' : ''}, ratio ${(before.medianMs / after.medianMs).toFixed(0)}×`,
      });
    }
    let worstIssue = 0;
    for (const body of BODIES) {
      const object = { apiVersion: H, kind: body.kind, metadata: meta(body.name ?? 'x'), spec: body.spec };
      const timing = await measure(() => answer(body.kind, object), { warmup: 2, runs: 7 });
      const verdict = timing.last;
      worstIssue = Math.max(worstIssue, ...timing.samplesMs);
      figures.push({
        label: `webhook, ${body.label}`,
        value: `${fmt(timing.medianMs)} ${verdict.allowed ? 'ALLOWED' : `refused: ${verdict.violations.map((v) => v.path).join(', ')}`}`,
      });
    }
    figures.push({ label: 'webhook, slowest answer to the issue\'s bodies', value: `${fmt(worstIssue)} (deadline ${DEADLINE_MS} ms: ${worstIssue <= DEADLINE_MS ? 'met' : 'MISSED'})` });
    log('2,000 generated bad bodies');
    let slowest = 0;
    for (const { kind, object } of generatedBodies(2000)) {
      const start = performance.now();
      answer(kind, object);
      slowest = Math.max(slowest, performance.now() - start);
    }
    figures.push({ label: 'webhook, slowest of 2,000 generated bad bodies', value: `${fmt(slowest)} (deadline ${DEADLINE_MS} ms: ${slowest <= DEADLINE_MS ? 'met' : 'MISSED'})` });
    return figures;
  },
};

export default bench;
