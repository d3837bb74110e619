// The operator at scale (issue 5, "Performance"; issue 17 item 3, a lean operator): on a private
// control plane (etcd + kube-apiserver, audit log on), 10,000 ServiceUnits, 1,000 ManagedFunctions
// and 4,000 Incidents (with a tenant and a contract) in 5 namespaces; the operator process (leader election off)
// started cold; measured until every object carries a status of its generation. Then, against the
// same API server in the same run, a bare client sends the same number of status patches
// (server-side apply of the very status bodies the operator wrote, onto fresh copies of the same
// objects) at the same concurrency as the operator (4 keys at a time per kind, the runtime's
// default per controller, every kind at once). Printed:
//   - operator time (process start → last status write), bare time, and bare/operator (aim ≥ 0.9);
//   - the operator's RSS once converged (VmRSS of /proc/<pid>/status; aim < 200 MB), and its heap
//     then (heap-probe.js, loaded with `--import`: used, and live after a full collection);
//     (MAO_BENCH_HEAP_SNAPSHOT=<file>: and a heap snapshot, written after the RSS is read);
//   - the RSS of a bare Node process (same Node flags) holding the same objects as parsed JSON,
//     the objects as the API server lists them and as the operator's caches keep them
//     (stripForCache), and operator / bare-as-cached (aim ≤ 3);
//   - its CPU seconds from the start to convergence (utime + stime of /proc/<pid>/stat, with its
//     live descendants), in total and per converged object (issue 11: one evaluation per tenant);
//   - its writes to managedapps.dev in a quiet window afterwards (aim 0), counted in the audit log
//     by the operator's own user; MAO_BENCH_OPERATOR_QUIET_SECONDS sets the window (default 60).
// The operator gets MAO_BENCH_OPERATOR_LIMIT_SECONDS (default 600) to converge; past it, the
// figures are bounds (how many objects it reached, the ratio as "< x") and the quiet window is skipped.
// Writes are timed by the API server's audit log (stageTimestamp), not by polling.
// MAO_BENCH_OPERATOR_HISTORY_MONTHS=24 (issue 12, "two years of history per contract"): each
// contract starts that many months before the current one and carries one dated entry of each
// term per month since (24 support levels, 6 per environment, valid under domain.md §3; 24
// amendments of the token pack and price), and one SLAReport per past month created in its month
// (so final at its first reconcile, as after a restart). The run then measures both, each on a
// control plane of its own, without history first, and prints history/none for the convergence
// time, the RSS and the CPU (aim: within 10 %, i.e. at most 1.10).
// MAO_BENCH_OPERATOR_CHECKOUT=<dir>: run the operator of another checkout (its src/cli/program.ts,
// with the Node flags of its Dockerfile), e.g. main's for BEFORE figures:
//   git archive main | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/node_modules
// The operator runs as the image runs it: compiled (the checkout's `npm run build`, tsc into its
// dist/, then dist/cli/program.js). Run from the TypeScript source, Node's type stripping adds
// some 25 MB of RSS the image does not have. MAO_BENCH_OPERATOR_SOURCE=1 runs src/cli/program.ts.
import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from '../controlplane/index.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { collectionPath, KubeClient, objectPath, type KindRef } from '../../src/runtime/kube.ts';
import { stripForCache } from '../../src/runtime/informer.ts';
import { DateTime } from 'luxon';
import { seededRandom, ms, type Benchmark, type Figure } from './harness.ts';
import { startAuditedControlPlane } from './audit.ts';

const NAMESPACES = 5;
/** MAO_BENCH_OPERATOR_SCALE (default 1) scales the three counts, e.g. 0.1 for a quick run. */
const SCALE = Number(process.env.MAO_BENCH_OPERATOR_SCALE ?? 1);
const UNITS = Math.round(10_000 * SCALE);
const FUNCTIONS = Math.max(4 * 5, Math.round(1_000 * SCALE));
const INCIDENTS = Math.round(4_000 * SCALE);
/** Another checkout whose operator is measured (BEFORE figures); default this one. */
const CHECKOUT = process.env.MAO_BENCH_OPERATOR_CHECKOUT;
const FROM_SOURCE = process.env.MAO_BENCH_OPERATOR_SOURCE === '1';
const ROOT = resolve(CHECKOUT ?? fileURLToPath(new URL('../..', import.meta.url)));

/** The operator's entry point: the checkout compiled as the image compiles it (tsc -p tsconfig.build.json into dist/), or its source. */
function operatorEntry(log: (line: string) => void): string {
  if (FROM_SOURCE) return join(ROOT, 'src', 'cli', 'program.ts');
  const t = performance.now();
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  log(`compiled ${ROOT} into dist/ in ${ms(performance.now() - t)}`);
  return join(ROOT, 'dist', 'cli', 'program.js');
}
/** MAO_BENCH_OPERATOR_HISTORY_MONTHS (default 0): months of contract history per namespace (dated terms, past reports). */
const HISTORY_MONTHS = Number(process.env.MAO_BENCH_OPERATOR_HISTORY_MONTHS ?? 0);
const CREATE_CONCURRENCY = 16;
/** The runtime's default per controller (src/runtime/controller.ts). */
const PER_KIND_CONCURRENCY = 4;
const QUIET_SECONDS = Number(process.env.MAO_BENCH_OPERATOR_QUIET_SECONDS ?? 60);
/** How long the operator may take to converge before the figures are printed as bounds. */
const LIMIT_SECONDS = Number(process.env.MAO_BENCH_OPERATOR_LIMIT_SECONDS ?? 600);
const GROUP = 'managedapps.dev';
const VERSION = 'v1alpha1';
const USER = 'bench-operator';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> };
type Stored = { kind: string; metadata: { name: string; namespace: string; generation?: number }; spec: Record<string, unknown>; status?: { observedGeneration?: number } & Record<string, unknown> };

const KINDS: Record<string, KindRef> = {
  ManagedTenant: { group: GROUP, version: VERSION, plural: 'managedtenants' },
  SupportContract: { group: GROUP, version: VERSION, plural: 'supportcontracts' },
  ServiceUnit: { group: GROUP, version: VERSION, plural: 'serviceunits' },
  ManagedFunction: { group: GROUP, version: VERSION, plural: 'managedfunctions' },
  Incident: { group: GROUP, version: VERSION, plural: 'incidents' },
  SLAReport: { group: GROUP, version: VERSION, plural: 'slareports' },
};
const kindRef = (kind: string): KindRef => {
  const ref = KINDS[kind];
  if (ref === undefined) throw new Error(`no KindRef for ${kind}`);
  return ref;
};

const manifest = (kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>): Manifest =>
  ({ apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, ...(labels !== undefined ? { labels } : {}) }, spec });

const iso = (t: number): string => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

const ENVIRONMENTS = ['Production', 'PreProduction', 'Integration', 'Development'] as const;
/**
 * Each environment's level every 4 months (domain.md §3): raises, an unchanged level, a lowering
 * 8 months after the last change (its 6-month commitment over), a raise again.
 */
const LEVEL_CYCLE = ['Standard', 'Premium', 'Premium', 'Standard', 'Premium', 'Premium'] as const;

/** The contract's terms with `months` of history before the current month (Europe/Paris, the bench tenant's default zone). */
function contractTerms(now: number, months: number): Record<string, unknown> {
  if (months === 0) {
    return { start: '2026-01-01', supportLevels: [{ environment: 'Production', level: 'Premium' }, { environment: 'PreProduction', level: 'Standard' }] };
  }
  const start = DateTime.fromMillis(now, { zone: 'Europe/Paris' }).startOf('month').minus({ months });
  const month = (k: number): string => start.plus({ months: k }).toFormat('yyyy-MM');
  // Entry k (1..months) changes environment (k - 1) % 4, the (k - 1) / 4-th step of its cycle; the base is Initial.
  const dated = Array.from({ length: months }, (_, i) => ({ environment: ENVIRONMENTS[i % 4]!, level: LEVEL_CYCLE[Math.floor(i / 4) % LEVEL_CYCLE.length]!, from: month(i + 1) }));
  return {
    start: start.toFormat('yyyy-MM-dd'),
    supportLevels: [{ environment: 'Production', level: 'Initial' }, { environment: 'PreProduction', level: 'Initial' }, ...dated],
    amendments: Array.from({ length: months }, (_, i) => ({ from: month(i + 1), monthlyTokens: 20 + ((i + 1) % 5), prices: { tokenPrice: 100 + i + 1 } })),
  };
}

/** The past months' reports of a contract with history, each created in its month (final at its first reconcile: reportFinalAt). */
function pastReports(now: number, months: number): Manifest[] {
  const current = DateTime.fromMillis(now, { zone: 'Europe/Paris' }).startOf('month');
  return Array.from({ length: months }, (_, i) => {
    const m = current.minus({ months: months - i });
    const report = manifest('SLAReport', `bench-contract-${m.toFormat('yyyy-MM')}`, { contractRef: { name: 'bench-contract' }, month: m.toFormat('yyyy-MM') });
    return { ...report, metadata: { ...report.metadata, annotations: { [`${GROUP}/created-at`]: iso(m.toMillis()) } } };
  });
}

/** One namespace's objects: a tenant, a contract, then units, functions and incidents (this order), then past reports with history. */
function namespaceObjects(index: number, now: number, months: number): Manifest[] {
  const random = seededRandom(1_000 + index);
  const units = UNITS / NAMESPACES;
  const applications = FUNCTIONS / NAMESPACES - 3;
  const out: Manifest[] = [
    manifest('ManagedTenant', 'bench-tenant', {
      managementModel: 'FullyManaged', iaas: { provider: 'OutscaleCloud' },
      contacts: [{ name: 'alice', email: 'alice@client.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] }],
      serviceDeliveryManager: { fullName: 'Sam Delivery', email: 'sdm@provider.example' },
      contractBusinessManager: { fullName: 'Cam Business', email: 'cbm@provider.example' },
    }),
    manifest('SupportContract', 'bench-contract', {
      commitmentMonths: 36, supportChain: 'FullFrance', ...contractTerms(now, months),
      subscribedLevels: ['OS', 'Database', 'Middleware', 'Application', 'Kubernetes', 'Containers'],
      prices: { currency: 'EUR', tokenPrice: 100 }, monthlyTokens: 20,
    }),
  ];
  // 40 % OS, 20 % Database, 10 % Middleware, 30 % Application (labelled with one of the applications).
  const levels = ['OS', 'OS', 'OS', 'OS', 'Database', 'Database', 'Middleware', 'Application', 'Application', 'Application'] as const;
  for (let i = 0; i < units; i++) {
    const level = levels[i % levels.length]!;
    const labels = level === 'Application' ? { 'managedapps.dev/application': `app-${i % applications}` } : undefined;
    out.push(manifest('ServiceUnit', `unit-${i}`, {
      level, targets: [{ kind: 'VirtualMachine', name: `vm-${index}-${i}` }],
      environment: i % 5 === 4 ? 'PreProduction' : 'Production',
      ...(level === 'Application' ? { levelThreeOwner: 'Client' } : {}),
      subscription: { start: '2026-01-01T00:00:00+01:00' },
      prerequisites: { validated: ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'] },
    }, labels));
  }
  out.push(
    manifest('ManagedFunction', 'os', { family: 'OS', monthlyCharge: 450 }),
    manifest('ManagedFunction', 'databases', { family: 'Database', monthlyCharge: 600 }),
    manifest('ManagedFunction', 'middleware', { family: 'Middleware', monthlyCharge: 380 }),
  );
  for (let a = 0; a < applications; a++) {
    out.push(manifest('ManagedFunction', `app-${a}`, { family: 'Application', selector: { matchLabels: { 'managedapps.dev/application': `app-${a}` } }, monthlyCharge: 500 }));
  }
  // Resolved incidents before now (each lasts at most 2 h): in the current month, or, in its first
  // day (too short a month so far), in the ten days before now.
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const from = now - monthStart >= 86_400_000 ? monthStart : now - 10 * 86_400_000;
  const span = now - from - 4 * 3_600_000;
  for (let i = 0; i < INCIDENTS / NAMESPACES; i++) {
    const opened = from + Math.floor(random() * span);
    out.push(manifest('Incident', `inc-${i}`, {
      unitRefs: [{ name: `unit-${Math.floor(random() * units)}` }], priority: `P${1 + (i % 4)}`, summary: `incident ${i}`,
      openedAt: iso(opened), resolvedAt: iso(opened + (5 + Math.floor(random() * 115)) * 60_000), cause: 'Provider',
    }));
  }
  out.push(...pastReports(now, months));
  return out;
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function createAll(client: KubeClient, sets: readonly { namespace: string; objects: readonly Manifest[] }[]): Promise<void> {
  const items = sets.flatMap((s) => s.objects.map((o) => ({ namespace: s.namespace, o })));
  await pool(items, CREATE_CONCURRENCY, async ({ namespace, o }) => {
    await client.request('POST', collectionPath(kindRef(o.kind), namespace), { body: { ...o, metadata: { ...o.metadata, namespace } } });
  });
}

async function createNamespaces(client: KubeClient, prefix: string): Promise<string[]> {
  const names = Array.from({ length: NAMESPACES }, (_, i) => `${prefix}-${i}`);
  for (const name of names) await client.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
  return names;
}

async function listAll(client: KubeClient, namespaces: readonly string[]): Promise<Stored[]> {
  const out: Stored[] = [];
  for (const kind of Object.keys(KINDS)) {
    for (const namespace of namespaces) {
      const list = await client.request<{ items: Stored[] }>('GET', collectionPath(kindRef(kind), namespace));
      out.push(...list.items.map((o) => ({ ...o, kind })));
    }
  }
  return out;
}

const sleep = (msDelay: number): Promise<void> => new Promise((r) => setTimeout(r, msDelay));

/** VmRSS of a process and its descendants, in MB (10^6 bytes). */
function rssMB(pid: number): number {
  const own = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  let kb = Number(own?.[1] ?? 0);
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((s) => s !== '')) kb += rssMB(Number(task)) * 1000;
  } catch {
    // no children file: no descendants counted
  }
  return (kb * 1024) / 1e6;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) a process and its live descendants have used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the command's closing parenthesis: state is 3rd, utime the 14th, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((x) => x !== '')) ticks += cpuSeconds(Number(task)) * CLOCK_TICKS;
  } catch {
    // no children file: no descendants counted
  }
  return ticks / CLOCK_TICKS;
}

/** The Node flags of the image's ENTRYPOINT (the Dockerfile is their one source): the operator runs here as it runs there. */
function imageNodeOptions(): string[] {
  const dockerfile = join(ROOT, 'Dockerfile');
  const entrypoint = /^ENTRYPOINT \[(.*)\]$/m.exec(readFileSync(dockerfile, 'utf8'))?.[1] ?? '';
  return [...entrypoint.matchAll(/"(--[^"]+)"/g)].map((m) => m[1] ?? '');
}

/** The operator's resident memory split as the kernel counts it: anonymous (heap, buffers) and file-backed (the node binary, libraries). */
function rssSplit(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return `anon ${((kb('RssAnon') * 1024) / 1e6).toFixed(0)} MB, file ${((kb('RssFile') * 1024) / 1e6).toFixed(0)} MB`;
}

/** What heap-probe.js writes on SIGUSR2 (MB, 10^6 bytes). */
type HeapProbe = { usedMB: number; totalMB: number; liveMB: number; liveTotalMB: number; limitMB: number; externalMB: number; spaces: Record<string, { usedMB: number; sizeMB: number }> };

/** Asks the operator's heap probe for its statistics (it collects garbage first: call it after the RSS is read). */
async function heapOf(pid: number, file: string): Promise<HeapProbe | undefined> {
  process.kill(pid, 'SIGUSR2');
  // A heap snapshot (MAO_BENCH_HEAP_SNAPSHOT) of a few hundred MB takes a minute on a loaded machine.
  for (let i = 0; i < 1_800; i++) {
    await sleep(100);
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as HeapProbe;
      } catch {
        // written as we read: next round
      }
    }
  }
  return undefined;
}

/**
 * The floor the operator's RSS is compared with: a bare Node process, with the same Node flags,
 * that parses `objects` (as JSON, from a file) and keeps them; its RSS once it has collected the
 * garbage of the parse. Nothing else is loaded in it.
 */
async function bareProcessRss(objects: readonly unknown[], nodeOptions: readonly string[]): Promise<number> {
  const file = join(mkdtempSync(join(tmpdir(), 'managedapps-bench-bare-')), 'objects.json');
  writeFileSync(file, JSON.stringify(objects));
  const script = "globalThis.kept = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8')); gc(); process.stdout.write('ready ' + globalThis.kept.length + '\\n'); setInterval(() => {}, 60000);";
  const child = spawn(process.execPath, [...nodeOptions, '--expose-gc', '-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().startsWith('ready')) resolve(); });
      child.on('exit', (code) => { reject(new Error(`the bare process exited (${String(code)})`)); });
    });
    await sleep(1_000);
    return rssMB(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

const benchmark: Benchmark = {
  name: 'operator',
  description: `the operator process converging ${UNITS} units, ${FUNCTIONS} functions, ${INCIDENTS} incidents${HISTORY_MONTHS > 0 ? `, ${HISTORY_MONTHS} months of contract history` : ''} vs a bare client's status patches`,
  async run(log) {
    if (HISTORY_MONTHS === 0) return (await converge(0, log)).figures;
    const none = await converge(0, (line) => { log(`without history: ${line}`); });
    const history = await converge(HISTORY_MONTHS, (line) => { log(`${HISTORY_MONTHS} months: ${line}`); });
    const ratio = (a: number, b: number): string => (a / b).toFixed(2);
    const bound = none.converged && history.converged ? '' : '(a run did not converge: bounds) ';
    return [
      ...none.figures.map((f) => ({ ...f, label: `without history: ${f.label}` })),
      ...history.figures.map((f) => ({ ...f, label: `${HISTORY_MONTHS} months: ${f.label}` })),
      { label: `${HISTORY_MONTHS} months / none: start → every status written (aim ≤ 1.10)`, value: `${bound}${ratio(history.operatorMs, none.operatorMs)}` },
      { label: `${HISTORY_MONTHS} months / none: RSS once converged (aim ≤ 1.10)`, value: `${bound}${ratio(history.rss, none.rss)}` },
      { label: `${HISTORY_MONTHS} months / none: CPU to convergence`, value: `${bound}${ratio(history.cpu, none.cpu)}` },
    ];
  },
};

interface Converged {
  readonly figures: Figure[];
  readonly converged: boolean;
  readonly operatorMs: number;
  readonly rss: number;
  readonly cpu: number;
}

/** One measurement on a control plane of its own: the operator converging the namespaces' objects with `months` of history, then the bare client. */
async function converge(months: number, log: (line: string) => void): Promise<Converged> {
  const figures: Figure[] = [];
  let cp: ControlPlane | undefined;
  let operator: OperatorProcess | undefined;
  try {
    const cluster = await startAuditedControlPlane(USER, GROUP);
    cp = cluster.cp;
    const { client, kubeconfigPath, audit } = cluster;

    const now = Date.now();
    const objectsOf = Array.from({ length: NAMESPACES }, (_, i) => namespaceObjects(i, now, months));
    const total = objectsOf.reduce((n, o) => n + o.length, 0);
    const operatorNamespaces = await createNamespaces(client, 'bench-operator');
    let t = performance.now();
    await createAll(client, operatorNamespaces.map((namespace, i) => ({ namespace, objects: objectsOf[i]! })));
    log(`created ${total} objects in ${NAMESPACES} namespaces in ${ms(performance.now() - t)} (${CREATE_CONCURRENCY} in flight)`);
    audit.read();
    audit.writes.length = 0;

    // The operator, cold: from the process start until every object has a status of its generation.
    const nodeOptions = (process.env.MAO_BENCH_OPERATOR_NODE_OPTIONS ?? imageNodeOptions().join(' ')).split(' ').filter((x) => x !== '');
    const heapFile = join(mkdtempSync(join(tmpdir(), 'managedapps-bench-heap-')), 'heap.json');
    const entry = operatorEntry(log);
    const started = Date.now();
    operator = await startOperatorProcess({
      kubeconfigPath, leaderElect: false, probes: false, identity: 'bench',
      nodeOptions: [...nodeOptions, '--import', new URL('heap-probe.js', import.meta.url).pathname],
      env: { MAO_BENCH_HEAP_PROBE: heapFile, ...(process.env.MAO_BENCH_HEAP_SNAPSHOT !== undefined ? { MAO_BENCH_HEAP_SNAPSHOT: process.env.MAO_BENCH_HEAP_SNAPSHOT } : {}) },
      entry,
    });
    await operator.ready(120_000);
    log(`operator ready (caches synced) after ${ms(Date.now() - started)}`);
    const statusWritten = new Set<string>();
    let converged = false;
    for (let lastLog = Date.now(); ;) {
      for (const w of audit.read()) if (w.objectRef?.subresource === 'status') statusWritten.add(`${w.objectRef.resource}/${w.objectRef.namespace}/${w.objectRef.name}`);
      if (statusWritten.size >= total) {
        const stored = await listAll(client, operatorNamespaces);
        const pending = stored.filter((o) => o.status?.observedGeneration !== o.metadata.generation);
        if (stored.length >= total && pending.length === 0) {
          converged = true;
          break;
        }
        log(`${statusWritten.size} statuses written, ${pending.length} of ${stored.length} objects not converged yet`);
      }
      if (operator.process.exitStatus !== undefined) throw new Error(`the operator exited: ${operator.process.tail().join('\n')}`);
      if (Date.now() - started > LIMIT_SECONDS * 1000) break;
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        log(`${ms(Date.now() - started)}: ${statusWritten.size} of ${total}+ objects have a status, RSS ${rssMB(operator.pid).toFixed(0)} MB`);
      }
      await sleep(1_000);
    }
    // Settled: no operator write for 5 s; converged at its last write.
    for (let lastCount = -1; converged && lastCount !== audit.writes.length;) {
      lastCount = audit.writes.length;
      await sleep(5_000);
      audit.read();
    }
    const writes = [...audit.writes];
    const statusWrites = writes.filter((w) => w.objectRef?.subresource === 'status');
    const firstWrite = Math.min(...statusWrites.map((w) => Date.parse(w.stageTimestamp)));
    const lastWrite = converged ? Math.max(...writes.map((w) => Date.parse(w.stageTimestamp))) : Date.now();
    const operatorMs = lastWrite - started;
    const rss = rssMB(operator.pid);
    const rssAtEnd = rssSplit(operator.pid);
    // CPU from the start to convergence (its 5 s settle included): the reconcile cost per object.
    const cpu = cpuSeconds(operator.pid);
    const heap = await heapOf(operator.pid, heapFile);
    const stored = await listAll(client, operatorNamespaces);
    const withStatus = stored.filter((o) => o.status?.observedGeneration === o.metadata.generation).length;
    log(`operator ${converged ? 'converged' : `NOT converged after ${LIMIT_SECONDS} s`}: ${withStatus} of ${stored.length} objects with a status, ${statusWrites.length} status writes, ${writes.length - statusWrites.length} other writes, first status write ${ms(firstWrite - started)} after the start`);
    // A busy operator may not answer /metrics in time: its reconcile counts are then left out.
    const operatorMetrics = await operator.get('/metrics').then((r) => r.body, () => '');
    const reconciles = [...operatorMetrics.matchAll(/^controller_runtime_reconcile_total\{controller="([^"]+)",result="[^"]+"\} (\d+)/gm)]
      .reduce((m, [, c, n]) => m.set(c!, (m.get(c!) ?? 0) + Number(n)), new Map<string, number>());

    // A quiet window, once converged: the operator's writes to our group.
    let quiet = 'not measured (not converged)';
    if (converged) {
      audit.writes.length = 0;
      await sleep(QUIET_SECONDS * 1000);
      audit.read();
      const sample = audit.writes.slice(0, 5).map((w) => `${w.verb} ${w.objectRef?.resource}${w.objectRef?.subresource !== undefined ? `/${w.objectRef.subresource}` : ''} ${w.objectRef?.namespace}/${w.objectRef?.name}`);
      quiet = audit.writes.length === 0 ? '0' : `${audit.writes.length}: ${sample.join(', ')}`;
    }
    await operator.stop();
    operator = undefined;

    // The floor: the same objects as parsed JSON in a bare Node process, as listed and as cached.
    const bareServed = await bareProcessRss(stored, nodeOptions);
    const bareCached = await bareProcessRss(stored.map((o) => stripForCache(structuredClone(o))), nodeOptions);
    log(`bare Node process holding the ${stored.length} objects: ${bareServed.toFixed(0)} MB as listed, ${bareCached.toFixed(0)} MB as cached`);

    // The bare client: fresh copies of the same objects (the operator's reports included), then
    // one server-side apply of the operator's status body to /status of each, per kind 4 at a time.
    const bareNamespaces = await createNamespaces(client, 'bench-bare');
    const reports = operatorNamespaces.map((ns) => stored.filter((o) => o.kind === 'SLAReport' && o.metadata.namespace === ns)
      .map((o) => manifest('SLAReport', o.metadata.name, o.spec)));
    t = performance.now();
    // The past reports of a history run are among the operator's reports: copied once.
    await createAll(client, bareNamespaces.map((namespace, i) => ({ namespace, objects: [...objectsOf[i]!.filter((o) => o.kind !== 'SLAReport'), ...reports[i]!] })));
    log(`bare: created ${stored.length} copies in ${ms(performance.now() - t)}`);
    const bareNamespaceOf = new Map(operatorNamespaces.map((ns, i) => [ns, bareNamespaces[i]!]));
    // Objects the operator did not reach (when it did not converge) get a status it wrote for another of their kind.
    const template = new Map<string, Stored['status']>();
    for (const o of stored) if (o.status !== undefined && !template.has(o.kind)) template.set(o.kind, o.status);
    const byKind = new Map<string, Stored[]>();
    for (const o of stored) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), { ...o, status: o.status ?? template.get(o.kind) }]);
    t = performance.now();
    await Promise.all([...byKind].map(([kind, objects]) => pool(objects, PER_KIND_CONCURRENCY, async (o) => {
      const namespace = bareNamespaceOf.get(o.metadata.namespace)!;
      await client.request('PATCH', objectPath(kindRef(kind), namespace, o.metadata.name, 'status'), {
        query: { fieldManager: 'bench-bare', force: true },
        contentType: 'application/apply-patch+yaml',
        body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name: o.metadata.name, namespace }, status: o.status },
      });
    })));
    const bareMs = performance.now() - t;

    const bound = converged ? '' : '< ';
    figures.push(
      { label: 'objects (with the operator\'s SLAReports)', value: String(stored.length) },
      { label: 'contract history per namespace (dated levels, amendments, past reports)', value: months > 0 ? `${months} months: ${months}, ${months}, ${stored.filter((o) => o.kind === 'SLAReport' && o.status?.final === true).length / NAMESPACES} final` : 'none' },
      { label: 'operator: start → every status written', value: converged ? ms(operatorMs) : `not converged after ${ms(operatorMs)}: ${withStatus} of ${stored.length} objects with a status` },
      { label: 'operator: first → last status write', value: `${converged ? '' : '> '}${ms(lastWrite - firstWrite)}` },
      { label: 'operator: status writes (per object)', value: `${statusWrites.length} (${(statusWrites.length / stored.length).toFixed(2)})` },
      { label: 'operator: reconciles by controller', value: reconciles.size > 0 ? [...reconciles].map(([c, n]) => `${c} ${n}`).join(', ') : '/metrics did not answer in 5 s' },
      { label: `bare client: ${stored.length} status applies, ${PER_KIND_CONCURRENCY}/kind`, value: ms(bareMs) },
      { label: 'bare / operator (start → last write; aim ≥ 0.9)', value: `${bound}${(bareMs / operatorMs).toFixed(2)}` },
      { label: 'bare / operator (first → last write)', value: `${bound}${(bareMs / (lastWrite - firstWrite)).toFixed(2)}` },
      { label: 'operator CPU to convergence (per converged object)', value: `${cpu.toFixed(1)} s (${((1000 * cpu) / Math.max(1, withStatus)).toFixed(2)} ms)` },
      { label: `operator RSS ${converged ? 'once converged' : 'at the limit'} (aim < 200 MB)`, value: `${rss.toFixed(0)} MB (${rssAtEnd})` },
      { label: 'operator heap then: used / live after a full GC / limit', value: heap === undefined ? 'the heap probe did not answer' : `${heap.usedMB} / ${heap.liveMB} / ${heap.limitMB} MB (old space ${heap.spaces.old_space?.usedMB ?? '?'}, code ${heap.spaces.code_space?.usedMB ?? '?'}, large objects ${heap.spaces.large_object_space?.usedMB ?? '?'}, external ${heap.externalMB})` },
      { label: 'operator run as', value: `node ${nodeOptions.join(' ')} ${entry.replace(`${ROOT}/`, '')}${CHECKOUT !== undefined ? ` (of ${CHECKOUT})` : ''}` },
      { label: 'bare Node process holding the same objects as parsed JSON: as listed / as cached', value: `${bareServed.toFixed(0)} MB / ${bareCached.toFixed(0)} MB` },
      { label: 'operator RSS / bare process as cached (aim ≤ 3)', value: `${(rss / bareCached).toFixed(2)} (as listed: ${(rss / bareServed).toFixed(2)})` },
      { label: `operator writes in a quiet ${QUIET_SECONDS} s (aim 0)`, value: quiet },
    );
    return { figures, converged, operatorMs, rss, cpu };
  } finally {
    await operator?.stop();
    await cp?.stop();
  }
}

export default benchmark;
