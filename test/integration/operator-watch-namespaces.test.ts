// The watched namespaces (issue 18 item 7; docs/design.md §2 "Namespace scope"), with the operator
// as a real process on the shared control plane:
//   - `--watch-namespace a,b`: the objects of a and b are reconciled, those of c are not: the
//     operator's cache of MaintenanceWindows holds exactly the two (the control plane holds many
//     more, left by other files) and the audit log shows no write of its user in c;
//   - `--watch-namespace-selector`: the objects of a labelled namespace are reconciled, those of an
//     unlabelled one are not until it is labelled; a namespace that loses the label is dropped from
//     the cache, and a change of its object is not reconciled (checked after a change in a watched
//     namespace was: the windows' events of the selector mode come in one watch, in order);
//   - both flags at once: the process exits at start, naming them.
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { GROUP, VERSION } from './fixtures.ts';
import { auditBarrier, metricSum, operatorKubeconfig, operatorSuite, readAudit, writesOf, type Obj } from './operator-support.ts';

const LABEL = 'managedapps.dev/watch-test';
const CACHE_METRIC = 'managedapps_informer_cached_objects';
const WINDOWS = { resource: 'maintenancewindows.managedapps.dev' };

/** A one-off window in the past that selects nothing: reconciled on its own (no tenant needed). */
const windowSpec = (description: string) => ({ purpose: 'Maintenance', description, start: '2020-01-01T00:00:00Z', duration: '1h', selector: { matchLabels: { 'managedapps.dev/none': 'none' } } });

async function createWindow(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP, version: VERSION, plural: 'maintenancewindows', namespace,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MaintenanceWindow', metadata: { name }, spec: windowSpec('first') },
  });
}
async function changeWindow(kc: KubeConfig, namespace: string, name: string, description: string): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
    { group: GROUP, version: VERSION, plural: 'maintenancewindows', namespace, name, body: { spec: { description } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}
const readWindow = async (kc: KubeConfig, namespace: string, name: string): Promise<Obj> =>
  (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: 'maintenancewindows', namespace, name })) as Obj;
/** Resolves once the window carries a status of its current generation; returns that generation. */
const reconciled = (kc: KubeConfig, namespace: string, name: string): Promise<number> => eventually(async () => {
  const w = await readWindow(kc, namespace, name);
  expect(w.status?.observedGeneration, `${namespace}/${name}`).toBe(w.metadata.generation);
  return w.metadata.generation!;
}, { timeoutMs: 60_000, intervalMs: 200 });
const cachedWindows = async (operator: OperatorProcess): Promise<number> => metricSum((await operator.get('/metrics')).body, CACHE_METRIC, WINDOWS);
const label = async (kc: KubeConfig, namespace: string, value: string | null): Promise<void> => {
  await kc.makeApiClient(CoreV1Api).patchNamespace({ name: namespace, body: { metadata: { labels: { [LABEL]: value } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
};

describe('--watch-namespace and --watch-namespace-selector', () => {
  const suite = operatorSuite('op-watch');
  const run = Math.random().toString(36).slice(2, 8);

  it('--watch-namespace a,b reconciles the objects of a and b, not those of c', async () => {
    const { kc } = suite;
    const [a, b, c] = [await createNamespace(kc, 'watch-a'), await createNamespace(kc, 'watch-b'), await createNamespace(kc, 'watch-c')];
    // Created before the operator starts: a cluster-wide operator would list the three together.
    for (const ns of [c, a, b]) await createWindow(kc, ns, 'w');
    const { end: start } = readAudit(suite.auditLogPath);
    const operator = await startOperatorProcess({ kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElect: false, watchNamespace: `${a},${b}`, identity: `watch-list-${run}` });
    suite.operators.push(operator);
    await operator.ready();
    await reconciled(kc, a, 'w');
    await reconciled(kc, b, 'w');
    // The one window of a and the one of b: nothing of c nor of the other files' namespaces.
    expect(await cachedWindows(operator)).toBe(2);
    await auditBarrier(kc, suite.auditLogPath, c);
    const writes = writesOf(readAudit(suite.auditLogPath, start).entries, suite.user).filter((w) => w.objectRef?.apiGroup === GROUP);
    expect(writes.filter((w) => w.objectRef?.namespace === c)).toEqual([]);
    expect(new Set(writes.map((w) => w.objectRef?.namespace))).toEqual(new Set([a, b]));
    expect((await readWindow(kc, c, 'w')).status).toBeUndefined();
    await operator.stop();
  }, 120_000);

  it('--watch-namespace-selector follows namespaces as they gain and lose the label', async () => {
    const { kc } = suite;
    const selected = await createNamespace(kc, 'watch-x');
    const later = await createNamespace(kc, 'watch-y');
    await label(kc, selected, run);
    for (const ns of [later, selected]) await createWindow(kc, ns, 'w');
    const operator = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElect: false, identity: `watch-selector-${run}`, args: ['--watch-namespace-selector', `${LABEL}=${run}`],
    });
    suite.operators.push(operator);
    await operator.ready();

    // Only the labelled namespace.
    expect(await reconciled(kc, selected, 'w')).toBe(1);
    expect(await cachedWindows(operator)).toBe(1);
    expect((await readWindow(kc, later, 'w')).status).toBeUndefined();

    // Labelled at runtime: its object is brought in and reconciled.
    await label(kc, later, run);
    expect(await reconciled(kc, later, 'w')).toBe(1);
    expect(await cachedWindows(operator)).toBe(2);

    // Unlabelled: dropped from the cache; a change of its object is not reconciled.
    await label(kc, selected, null);
    await eventually(async () => { expect(await cachedWindows(operator)).toBe(1); });
    await changeWindow(kc, selected, 'w', 'changed after the label was removed');
    // A later change in the watched namespace, reconciled: the dropped namespace's change came
    // first in the same watch of MaintenanceWindows, and was not taken.
    await changeWindow(kc, later, 'w', 'barrier');
    expect(await reconciled(kc, later, 'w')).toBe(2);
    const dropped = await readWindow(kc, selected, 'w');
    expect(dropped.metadata.generation).toBe(2);
    expect(dropped.status?.observedGeneration).toBe(1);
    expect(await cachedWindows(operator)).toBe(1);
    await operator.stop();
  }, 120_000);

  it('refuses both flags at once, and a bad selector, at start', async () => {
    for (const [args, message] of [
      [['--watch-namespace', 'a', '--watch-namespace-selector', 'x=y'], /give either a list of namespaces \(watchNamespace\) or a namespace label selector, not both/],
      [['--watch-namespace-selector', 'team in (a'], /invalid option watchNamespaceSelector .*unbalanced parentheses/],
      [['--watch-namespace', 'a,,b'], /invalid option watchNamespace .*an empty namespace name/],
    ] as const) {
      const operator = await startOperatorProcess({ kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElect: false, identity: `watch-bad-${run}`, args });
      suite.operators.push(operator);
      await expect(operator.ready(30_000)).rejects.toThrow(message);
    }
  }, 120_000);
});
