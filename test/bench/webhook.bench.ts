// Issue 20, "Benchmarks": the admission webhook under load, and the event loop while the worst
// accepted MaintenanceWindow is reconciled. Measured in one run, whole process:
//   - a private control plane (etcd + kube-apiserver), the CRDs, config/samples applied;
//   - twice, in one run: the webhook in the operator's process (shared), then alone in its own
//     (`--controllers=false`, the chart's webhook.separate) beside a controllers-only process;
//     ratios separate / shared of the webhook's p99 and of its event loop's delay;
//   - the operator as a process (`managedapps run --webhook --webhook-mode url`, leader election
//     and probers off), registered against that API server as `managedapps run` registers itself,
//     with webhook-probe.ts loaded (`--import`): the webhook's own handling time per call and the
//     event loop's delay every 500 ms, from inside the operator, without changing it;
//   - idle: the event loop's delay for IDLE_SECONDS with nothing to do;
//   - the worst accepted MaintenanceWindow: the rule, among candidates of the RRULE subset, whose
//     window computation (nextOccurrences + activeOccurrence, as the window controller calls them)
//     costs the most here while validateSchedule still accepts it (the bounds of src/domain/rrule.ts:
//     COUNT up to 9999 counted from a `from` in 1970, so every day from 1970 to now is looked at),
//     selecting every unit; created, then its spec changed once a second for UPDATE_SECONDS (each
//     change is a reconcile of the window and of every unit that measures it);
//   - the load: creates through the API server, open loop at RATE a second for LOAD_SECONDS (each
//     sent at its instant, whatever the earlier ones), a seeded mix of valid objects (renamed
//     copies of config/samples: units with their own targets, incidents, changes, functions,
//     windows) and bad ones (every single-document create of test/fixtures/invalid, the bounds-
//     RRULE ones among them). Each admission's client round trip is timed from its planned instant
//     (no coordinated omission), and the webhook's handling of it (mutate + validate) by the probe.
// Printed: p50/p95/p99/max of both, p99 / 100 ms (the aim) and p99 / the webhook's timeout (read
// from the registered configuration), how many round trips passed the timeout (must be 0), bad p99
// / valid p99, and the event loop's delay (max and p99 of the 500 ms samples, and the operator's own
// managedapps_event_loop_lag_max_seconds) idle, while the worst window is reconciled, and under load.
// The before: the same rule expanded by the pre-issue-20 code (legacy-maintenance.ts) in this
// process, which is what one reconcile of it blocked the loop for then.
// MAO_BENCH_WEBHOOK_RATE (default 50), MAO_BENCH_WEBHOOK_SECONDS (default 30) change the load.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readObjects, applyObjects } from '../../src/cli/apply.ts';
import { KINDS } from '../../src/api/v1alpha1/index.ts';
import { activeOccurrence, nextOccurrences, validateSchedule, type MaintenanceSchedule } from '../../src/domain/maintenance.ts';
import { installCrds } from '../../src/main.ts';
import { collectionPath, KubeClient, objectPath, type KindRef } from '../../src/runtime/kube.ts';
import { ApiError } from '../../src/runtime/errors.ts';
import { userKubeConfig } from '../controlplane/client.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { freePorts } from '../controlplane/net.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { nextOccurrences as legacyNextOccurrences } from './legacy-maintenance.ts';
import { measure, ms, seededRandom, type Benchmark, type Figure } from './harness.ts';

const RATE = Number(process.env.MAO_BENCH_WEBHOOK_RATE ?? 50);
const LOAD_SECONDS = Number(process.env.MAO_BENCH_WEBHOOK_SECONDS ?? 30);
const IDLE_SECONDS = 20;
const UPDATE_SECONDS = 20;
/** Issue 20's aim for the p99 of an admission. */
const AIM_MS = 100;
const GROUP = 'managedapps.dev';
const VERSION = 'v1alpha1';
const H = `${GROUP}/${VERSION}`;
const USER = 'bench-webhook-operator';
const NAMESPACE = 'acme-logistics';
const CONFIGURATION = 'managed-apps-operator';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec: Record<string, unknown> };
type Sample = { class: 'valid' | 'bad'; label: string; manifest: Manifest };
type Sent = { name: string; class: 'valid' | 'bad'; label: string; kind: string; ms: number; status: number; message: string };
type ProbeLine = { type: 'webhook'; path: string; name: string; ms: number; at: number } | { type: 'lag'; at: number; maxMs: number; p99Ms: number };

const kindRef = (kind: string): KindRef => {
  const k = KINDS.find((x) => x.kind === kind);
  if (k === undefined) throw new Error(`unknown kind ${kind}`);
  return { group: GROUP, version: VERSION, plural: k.plural };
};
const sleep = (delayMs: number): Promise<void> => new Promise((r) => setTimeout(r, delayMs));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const fmt = (value: number): string => (Number.isNaN(value) ? 'n/a' : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);
const spread = (values: readonly number[]): string =>
  `p50 ${fmt(percentile(values, 50))}, p95 ${fmt(percentile(values, 95))}, p99 ${fmt(percentile(values, 99))}, max ${fmt(Math.max(...values))} (n ${values.length})`;

// ---- the worst accepted window ---------------------------------------------------------------

const FROM_1970 = new Date('1970-01-01T00:00:00Z');
const numbers = (n: number, sign = 1): string => Array.from({ length: n }, (_, i) => String(sign * (i + 1))).join(',');
const ORDINAL_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'].flatMap((d) => [1, 2, 3, 4, 5].map((n) => `${n}${d}`)).join(',');
/** Rules that make the expansion look at every day from 1970 (COUNT) and test many BY parts per day; the worst accepted is taken. */
const CANDIDATES: readonly string[] = [
  'FREQ=DAILY;COUNT=9999;BYMONTH=2;BYMONTHDAY=29',
  'FREQ=YEARLY;COUNT=9999;BYMONTH=2;BYMONTHDAY=29',
  `FREQ=YEARLY;COUNT=9999;BYMONTH=2;BYMONTHDAY=29;BYSETPOS=${numbers(366)}`,
  `FREQ=YEARLY;COUNT=9999;BYWEEKNO=${numbers(53)};BYDAY=MO,TU,WE,TH,FR,SA,SU;BYMONTH=2;BYMONTHDAY=29`,
  `FREQ=YEARLY;COUNT=9999;BYYEARDAY=${numbers(366)};BYMONTH=2;BYMONTHDAY=29;BYSETPOS=${numbers(366, -1)}`,
  `FREQ=DAILY;COUNT=9999;BYMONTH=2;BYMONTHDAY=29;BYYEARDAY=${numbers(366)};BYDAY=MO,TU,WE,TH,FR,SA,SU`,
  `FREQ=MONTHLY;COUNT=9999;BYMONTH=2;BYMONTHDAY=29;BYDAY=${ORDINAL_DAYS};BYSETPOS=${numbers(31)}`,
];
const scheduleOf = (rrule: string): MaintenanceSchedule => ({ timeZone: 'Europe/Paris', recurrence: { rrule, startTime: '02:30', from: FROM_1970 }, durationSeconds: 7200 });

/** The costliest candidate that validateSchedule and then the API server (schema, CEL, webhook: `accepts`) accept. */
async function worstAcceptedRule(now: Date, accepts: (rrule: string) => Promise<boolean>): Promise<{ rrule: string; medianMs: number; legacyMs: number }> {
  const timed: { rrule: string; medianMs: number }[] = [];
  for (const rrule of CANDIDATES) {
    const schedule = scheduleOf(rrule);
    if (validateSchedule(schedule).length > 0) continue;
    const timing = await measure(() => [nextOccurrences(schedule, now, 3), activeOccurrence(schedule, now)], { warmup: 1, runs: 7 });
    timed.push({ rrule, medianMs: timing.medianMs });
  }
  timed.sort((a, b) => b.medianMs - a.medianMs);
  let worst: { rrule: string; medianMs: number } | undefined;
  for (const candidate of timed) {
    if (await accepts(candidate.rrule)) {
      worst = candidate;
      break;
    }
  }
  if (worst === undefined) throw new Error('no candidate rule is accepted');
  const legacy = await measure(() => legacyNextOccurrences(scheduleOf(worst.rrule), now, 3), { warmup: 1, runs: 3 });
  return { ...worst, legacyMs: legacy.medianMs };
}

// ---- the objects sent ------------------------------------------------------------------------

const root = new URL('../../', import.meta.url);

/** config/samples but the namespace, the tenant, the contract and the change catalogue (one of each per namespace): renamed copies are valid. */
function validTemplates(): Manifest[] {
  return (readObjects(new URL('config/samples/', root).pathname) as unknown as Manifest[])
    .filter((o) => o.apiVersion === H && o.kind !== 'ManagedTenant' && o.kind !== 'SupportContract' && o.kind !== 'ChangeCatalog');
}

/** Every fixture of test/fixtures/invalid that is one create (not an update, not a status write). */
function badTemplates(): { file: string; manifest: Manifest }[] {
  const dir = new URL('test/fixtures/invalid/', root).pathname;
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Manifest);
    if (docs.length !== 1 || /^# (update|subresource):/m.test(text)) return [];
    return [{ file, manifest: docs[0]! }];
  });
}

/** Request `i`'s object: a fresh name (and, for a unit, fresh targets), so that each create is judged on its own. */
function instance(sample: Sample, i: number): Manifest {
  const m = structuredClone(sample.manifest);
  const name = `${sample.class === 'valid' ? 'ok' : 'bad'}-${i}-${m.metadata.name}`.slice(0, 200);
  m.metadata = { ...m.metadata, name, namespace: NAMESPACE };
  if (sample.class === 'valid' && m.kind === 'ServiceUnit' && Array.isArray(m.spec.targets)) {
    m.spec.targets = (m.spec.targets as { name: string }[]).map((t) => ({ ...t, name: `${t.name}-${i}` }));
  }
  return m;
}

async function create(client: KubeClient, m: Manifest): Promise<{ status: number; message: string }> {
  try {
    // As kubectl sends it: an unknown field is refused, not pruned with a warning.
    await client.request('POST', collectionPath(kindRef(m.kind), NAMESPACE), { body: m, query: { fieldValidation: 'Strict' } });
    return { status: 201, message: '' };
  } catch (err) {
    if (err instanceof ApiError) return { status: err.statusCode, message: err.message };
    return { status: 0, message: err instanceof Error ? err.message : String(err) };
  }
}

// ---- the probe's lines -----------------------------------------------------------------------

function readProbe(path: string): ProbeLine[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ProbeLine);
}
const lagBetween = (lines: readonly ProbeLine[], from: number, to: number): { maxMs: number[]; p99Ms: number[] } => {
  const lags = lines.filter((l): l is Extract<ProbeLine, { type: 'lag' }> => l.type === 'lag' && l.at > from && l.at <= to);
  return { maxMs: lags.map((l) => l.maxMs), p99Ms: lags.map((l) => l.p99Ms) };
};
const lagMaxMetric = async (operator: OperatorProcess): Promise<number> => {
  const body = (await operator.get('/metrics')).body;
  return Number(/^managedapps_event_loop_lag_max_seconds (\S+)$/m.exec(body)?.[1] ?? Number.NaN) * 1000;
};

/** Where the webhook runs: in the operator's process (the default), or alone (`--controllers=false`, the chart's webhook.separate). */
type Layout = 'shared' | 'separate';
const LAYOUTS: readonly Layout[] = (process.env.MAO_BENCH_WEBHOOK_LAYOUTS ?? 'shared,separate').split(',').map((l) => {
  if (l !== 'shared' && l !== 'separate') throw new Error(`MAO_BENCH_WEBHOOK_LAYOUTS: ${l} is neither shared nor separate`);
  return l;
});

interface LayoutFigures {
  readonly figures: readonly Figure[];
  readonly p99Webhook: number;
  readonly p99Trip: number;
  readonly loadLagMaxMs: number;
  readonly worstLagMaxMs: number;
}

/** One whole measurement (a control plane of its own) with the webhook served as `layout` says. */
async function measureLayout(layout: Layout, log: (line: string) => void): Promise<LayoutFigures> {
  let cp: ControlPlane | undefined;
  let operator: OperatorProcess | undefined;
  let controllers: OperatorProcess | undefined;
  try {
    cp = await startControlPlane();
    const kc = cp.kubeConfig();
    await installCrds(kc);
    const admin = new KubeClient(kc);
    await applyObjects(kc, readObjects(new URL('config/samples/', root).pathname));
    const dir = mkdtempSync(join(tmpdir(), 'managedapps-bench-webhook-'));
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, userKubeConfig(cp.info, USER, ['system:masters']).exportConfig(), { mode: 0o600 });
    await admin.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'managedapps-system' } } });

    const probePath = join(dir, 'probe.jsonl');
    process.env.MAO_BENCH_WEBHOOK_PROBE = probePath;
    // The admin (system:masters) sends the load as the provider would; the operator's own user is
    // its kubeconfig's (no flags for these two: variables only, inherited by the process).
    process.env.MANAGEDAPPS_PROVIDER_GROUPS = 'managedapps:provider,system:masters';
    process.env.MANAGEDAPPS_OPERATOR_USERNAME = USER;
    const [webhookPort] = await freePorts(1);
    // The probe goes into the process that serves the webhook: the operator (shared), or the
    // webhook-only one (separate), next to which the controllers run in a process of their own.
    operator = await startOperatorProcess({
      kubeconfigPath, leaderElect: false, probes: false, identity: `bench-webhook-${layout}`,
      nodeOptions: ['--import', new URL('webhook-probe.ts', import.meta.url).pathname],
      args: [
        '--webhook', 'true', '--webhook-mode', 'url', '--webhook-host', '127.0.0.1', '--webhook-port', String(webhookPort),
        ...(layout === 'separate' ? ['--controllers', 'false'] : []),
      ],
    });
    if (layout === 'separate') {
      controllers = await startOperatorProcess({ kubeconfigPath, leaderElect: false, probes: false, identity: 'bench-controllers', args: ['--webhook', 'false'] });
      await controllers.ready(120_000);
    }
    await operator.ready(120_000);
    // The operator registers its configurations once its webhook listens (after /readyz may be green).
    let timeoutMs = 0;
    for (let i = 0; timeoutMs === 0; i++) {
      const registered = await admin.request<{ webhooks: { timeoutSeconds?: number }[] }>('GET', `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${CONFIGURATION}`).catch(() => undefined);
      if (registered !== undefined) timeoutMs = (registered.webhooks[0]?.timeoutSeconds ?? 10) * 1000;
      else if (i > 300) throw new Error('the operator registered no webhook configuration in 30 s');
      else await sleep(100);
    }
    // The API server watches webhook configurations: wait until a create reaches the webhook.
    const rrule = badTemplates().find((t) => t.file === 'bounds-window-rrule-february-30.yaml');
    if (rrule === undefined) throw new Error('test/fixtures/invalid/bounds-window-rrule-february-30.yaml is missing');
    for (let i = 0; ; i++) {
      const answer = await create(admin, instance({ class: 'bad', label: rrule.file, manifest: rrule.manifest }, -1 - i));
      if (/admission webhook/.test(answer.message)) break;
      if (i > 100) throw new Error(`the webhook does not answer: ${answer.status} ${answer.message}`);
      await sleep(100);
    }
    log(`operator ready, webhook registered (timeout ${ms(timeoutMs)})`);

    // Idle.
    const idleFrom = Date.now();
    await sleep(IDLE_SECONDS * 1000);
    const idleTo = Date.now();
    const idleMetric = await lagMaxMetric(operator);

    // The worst accepted window, reconciled again and again.
    const windowOf = (rrule: string): Manifest => ({
      apiVersion: H, kind: 'MaintenanceWindow', metadata: { name: 'worst-accepted', namespace: NAMESPACE },
      spec: { purpose: 'Maintenance', description: 'update 0', recurrence: { rrule, startTime: '02:30', from: '1970-01-01T00:00:00Z' }, duration: '2h', timeZone: 'Europe/Paris', selector: {} },
    });
    const worst = await worstAcceptedRule(new Date(), (rrule) =>
      admin.request('POST', collectionPath(kindRef('MaintenanceWindow'), NAMESPACE), { body: windowOf(rrule), query: { dryRun: 'All' } }).then(() => true, () => false));
    log(`worst accepted rule: ${worst.rrule.slice(0, 80)}${worst.rrule.length > 80 ? '…' : ''} (${fmt(worst.medianMs)} here, ${fmt(worst.legacyMs)} with the legacy expansion)`);
    const window = windowOf(worst.rrule);
    const windowFrom = Date.now();
    const created = await create(admin, window);
    if (created.status !== 201) throw new Error(`the worst accepted window was refused: ${created.message}`);
    const path = objectPath(kindRef('MaintenanceWindow'), NAMESPACE, 'worst-accepted');
    // Each change goes through the webhook too: one that fails (the webhook late or its connection reset) is counted, not retried.
    const updateFailures: string[] = [];
    for (let i = 1; i <= UPDATE_SECONDS; i++) {
      await sleep(1000);
      await admin.request('PATCH', path, { contentType: 'application/merge-patch+json', body: { spec: { description: `update ${i}` } } })
        .catch((err: unknown) => { updateFailures.push(err instanceof Error ? err.message.replace(/^PATCH \S+: /, '') : String(err)); });
    }
    await sleep(2000);
    const windowTo = Date.now();
    const windowMetric = await lagMaxMetric(operator);
    const stored = await admin.request<{ metadata: { generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] } }>('GET', path);
    const valid = stored.status?.conditions?.find((c) => c.type === 'Valid')?.status ?? 'none';
    log(`worst window: generation ${stored.metadata.generation}, observed ${stored.status?.observedGeneration ?? 'none'}, Valid ${valid}`);
    // Deleted before the load: every unit created would measure it too, and the load would time that.
    await admin.request('DELETE', path);
    await sleep(5000);

    // The valid pool: the templates whose renamed copy the webhook admits (a server-side dry run,
    // which calls the webhooks): a copy of an approved change, say, no longer matches the digest of its approval.
    const candidates = validTemplates().map((manifest): Sample => ({ class: 'valid', label: `${manifest.kind} ${manifest.metadata.name}`, manifest }));
    const valids: Sample[] = [];
    const leftOut: string[] = [];
    for (const [k, sample] of candidates.entries()) {
      const m = instance(sample, 100_000 + k);
      const answer = await admin.request('POST', collectionPath(kindRef(m.kind), NAMESPACE), { body: m, query: { dryRun: 'All', fieldValidation: 'Strict' } }).then(() => '', (err: unknown) => (err instanceof Error ? err.message : String(err)));
      // An accelerated change is valid six times a year (domain.md §10), not at every copy.
      if (answer === '' && sample.manifest.spec.accelerated === true) leftOut.push(`${sample.label}: accelerated (at most 6 a year)`);
      else if (answer === '') valids.push(sample);
      else leftOut.push(`${sample.label}: ${answer.replace(/^POST \S+: /, '').slice(0, 160)}`);
    }
    log(`valid templates: ${valids.length} of ${candidates.length} admitted as renamed copies${leftOut.length > 0 ? `; left out: ${leftOut.join(' | ')}` : ''}`);

    // The load.
    const random = seededRandom(50);
    const bads = badTemplates().map(({ file, manifest }): Sample => ({ class: 'bad', label: file, manifest }));
    const total = Math.round(RATE * LOAD_SECONDS);
    const plan = Array.from({ length: total }, (_, i) => {
      const pool = random() < 0.5 ? valids : bads;
      const sample = pool[Math.floor(random() * pool.length)]!;
      return { sample, manifest: instance(sample, i) };
    });
    log(`load: ${total} creates at ${RATE}/s (${valids.length} valid templates, ${bads.length} bad ones)`);
    const sent: Sent[] = [];
    const loadFrom = Date.now();
    const t0 = performance.now() + 100;
    await Promise.all(plan.map(async ({ sample, manifest: m }, i) => {
      const at = t0 + (i * 1000) / RATE;
      await sleep(Math.max(0, at - performance.now()));
      const answer = await create(admin, m);
      sent.push({ name: m.metadata.name, class: sample.class, label: sample.label, kind: m.kind, ms: performance.now() - at, ...answer });
    }));
    const loadTo = Date.now();
    const loadMetric = await lagMaxMetric(operator);
    await sleep(1500); // the probe's last lines
    const lines = readProbe(probePath);

    // Figures.
    const webhookOf = new Map<string, number>();
    for (const l of lines) if (l.type === 'webhook' && l.at >= loadFrom) webhookOf.set(l.name, (webhookOf.get(l.name) ?? 0) + l.ms);
    const calls = lines.filter((l): l is Extract<ProbeLine, { type: 'webhook' }> => l.type === 'webhook' && l.at >= loadFrom);
    const trip = sent.map((s) => s.ms);
    const handled = sent.flatMap((s) => (webhookOf.has(s.name) ? [webhookOf.get(s.name)!] : []));
    const byClass = (c: Sent['class']) => sent.filter((s) => s.class === c);
    const wrong = sent.filter((s) => (s.class === 'valid') !== (s.status === 201));
    const late = sent.filter((s) => s.ms > timeoutMs).length;
    const lateCalls = calls.filter((c) => c.ms > timeoutMs).length;
    const failedCalls = sent.filter((s) => /failed calling webhook/.test(s.message)).length;
    const p99 = percentile(trip, 99);
    const p99Webhook = percentile(handled, 99);
    const tripRatio = percentile(byClass('bad').map((s) => s.ms), 99) / percentile(byClass('valid').map((s) => s.ms), 99);
    const handledOf = (c: Sent['class']) => byClass(c).flatMap((s) => (webhookOf.has(s.name) ? [webhookOf.get(s.name)!] : []));
    const webhookRatio = percentile(handledOf('bad'), 99) / percentile(handledOf('valid'), 99);
    const idle = lagBetween(lines, idleFrom, idleTo);
    const worstLag = lagBetween(lines, windowFrom, windowTo);
    const loadLag = lagBetween(lines, loadFrom, loadTo);
    const lagFigure = (l: { maxMs: number[]; p99Ms: number[] }, metric: number) =>
      `max ${fmt(Math.max(...l.maxMs))}, p99 of 500 ms samples' max ${fmt(percentile(l.maxMs, 99))}, median sample p99 ${fmt(percentile(l.p99Ms, 50))}; managedapps_event_loop_lag_max_seconds ${fmt(metric)}`;
    const refusedBy = (where: RegExp) => byClass('bad').filter((s) => s.status !== 201 && where.test(s.message)).length;
    const figures: Figure[] = [
      { label: 'creates sent (valid / bad)', value: `${sent.length} (${byClass('valid').length} / ${byClass('bad').length}), over ${ms(loadTo - loadFrom)}` },
      { label: 'bad refused by the webhook / by the schema', value: `${refusedBy(/admission webhook/)} / ${byClass('bad').length - refusedBy(/admission webhook/)}` },
      { label: 'outcome not the expected one (valid refused, bad accepted)', value: wrong.length === 0 ? '0' : `${wrong.length}: ${[...new Map(wrong.map((w) => [w.label, `${w.label} ${w.status} ${w.message.replace(/^POST \S+: /, '').slice(0, 200)}`])).values()].slice(0, 6).join(' | ')}` },
      { label: 'client round trip (from its planned instant)', value: spread(trip) },
      { label: '  valid objects', value: spread(byClass('valid').map((s) => s.ms)) },
      { label: '  bad objects', value: spread(byClass('bad').map((s) => s.ms)) },
      { label: 'webhook handling per admission (mutate + validate)', value: spread(handled) },
      { label: '  per call, /mutate', value: spread(calls.filter((c) => c.path === '/mutate').map((c) => c.ms)) },
      { label: '  per call, /validate', value: spread(calls.filter((c) => c.path === '/validate').map((c) => c.ms)) },
      { label: `p99 / ${AIM_MS} ms aim: round trip, webhook`, value: `${(p99 / AIM_MS).toFixed(2)}, ${(p99Webhook / AIM_MS).toFixed(3)}` },
      { label: `p99 / webhook timeout (${ms(timeoutMs)}): round trip, webhook`, value: `${(p99 / timeoutMs).toFixed(3)}, ${(p99Webhook / timeoutMs).toFixed(4)}` },
      { label: 'webhook calls past the timeout (must be 0); creates refused as "failed calling webhook"', value: `${lateCalls}; ${failedCalls}` },
      { label: 'client round trips past the webhook timeout (API server + etcd + webhook)', value: String(late) },
      { label: 'bad p99 / valid p99: round trip, webhook', value: `${tripRatio.toFixed(2)}, ${webhookRatio.toFixed(2)}` },
      { label: 'worst accepted rule', value: `${worst.rrule.length > 60 ? `${worst.rrule.slice(0, 60)}… (${worst.rrule.length} chars)` : worst.rrule}, from 1970-01-01` },
      { label: '  one window computation, in this process', value: `before (legacy-maintenance.ts) ${fmt(worst.legacyMs)}, after ${fmt(worst.medianMs)}, ratio ${(worst.legacyMs / worst.medianMs).toFixed(1)}×` },
      { label: `worst window: its ${UPDATE_SECONDS} changes through the API server, failed`, value: updateFailures.length === 0 ? '0' : `${updateFailures.length}: ${[...new Set(updateFailures.map((f) => f.slice(0, 200)))].slice(0, 3).join(' | ')}` },
      { label: `event loop, idle ${IDLE_SECONDS} s`, value: lagFigure(idle, idleMetric) },
      { label: `event loop, worst window created + ${UPDATE_SECONDS} updates`, value: lagFigure(worstLag, windowMetric) },
      { label: `event loop, under the ${RATE}/s load`, value: lagFigure(loadLag, loadMetric) },
      { label: 'event loop max: worst window / idle, load / idle', value: `${(Math.max(...worstLag.maxMs) / Math.max(...idle.maxMs)).toFixed(1)}, ${(Math.max(...loadLag.maxMs) / Math.max(...idle.maxMs)).toFixed(1)}` },
    ];
    return { figures, p99Webhook, p99Trip: p99, loadLagMaxMs: Math.max(...loadLag.maxMs), worstLagMaxMs: Math.max(...worstLag.maxMs) };
  } finally {
    await operator?.stop();
    await controllers?.stop();
    await cp?.stop();
  }
}

const benchmark: Benchmark = {
  name: 'webhook',
  description: `admission through the API server at ${RATE}/s for ${LOAD_SECONDS} s (valid and bad objects), and the event loop that serves the webhook while the worst accepted MaintenanceWindow is reconciled; the webhook in the operator's process, then in its own (${LAYOUTS.join(', ')})`,
  async run(log) {
    const measured = new Map<Layout, LayoutFigures>();
    for (const layout of LAYOUTS) {
      log(`layout ${layout}`);
      measured.set(layout, await measureLayout(layout, log));
    }
    const figures: Figure[] = [...measured].flatMap(([layout, m]) => m.figures.map((f) => ({ ...f, label: `${layout}: ${f.label}` })));
    const shared = measured.get('shared');
    const separate = measured.get('separate');
    if (shared !== undefined && separate !== undefined) {
      const ratio = (a: number, b: number) => `${(a / b).toFixed(2)} (${fmt(a)} / ${fmt(b)})`;
      figures.push(
        { label: 'webhook handling p99: separate / shared', value: ratio(separate.p99Webhook, shared.p99Webhook) },
        { label: 'client round trip p99: separate / shared', value: ratio(separate.p99Trip, shared.p99Trip) },
        { label: 'webhook event loop max under the load: separate / shared', value: ratio(separate.loadLagMaxMs, shared.loadLagMaxMs) },
        { label: 'webhook event loop max, worst window reconciled: separate / shared', value: ratio(separate.worstLagMaxMs, shared.worstLagMaxMs) },
      );
    }
    return figures;
  },
};

export default benchmark;
