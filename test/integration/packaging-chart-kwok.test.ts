// `helm install --wait` of the chart passes (issue 18 item 5): on a control plane with simulated
// nodes (kube-scheduler and kwok, test/controlplane/kwok.ts, built by build-kwok.sh), the chart's
// Deployment gets its pods scheduled onto a fake KWOK node and marked Running and Ready, so helm's
// status watcher (kstatus) sees every object Current and helm exits 0. The image reference is never
// pulled: kwok fakes the containers. And the wait can fail: pods that no node can take keep the
// Deployment InProgress, and `helm install --wait --timeout` fails naming it.
//
// Why a control plane of its own, not the shared one of the integration project: the chart
// registers the operator's admission webhooks with failurePolicy Fail (the values' default,
// asserted by packaging-chart.test.ts) on CREATE/UPDATE of managedapps.dev objects. With KWOK
// the webhook Service even gets Ready endpoints, but no operator answers behind them (no container
// runs), so while the release is installed, or if an uninstall fails, every managedapps.dev write
// of every later test file would be refused (the first test below shows it). kwok also renews a node Lease
// (coordination.k8s.io) every 10 s, a quarter of its 40 s, and the shared plane's audit log counts
// those writes. A fresh instance (about 4 s to start) cannot hurt anyone; it is stopped, with
// everything on it, in afterAll.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createNamespace } from '../controlplane/client.ts';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { ensureKwokTools, KWOK_PLACEMENT, startSimulatedNodes, type SimulatedNodes } from '../controlplane/kwok.ts';
import { chartDir, packagingTools, tool } from './packaging-support.ts';

const RELEASE = 'managed-apps-operator';
// The release name contains the chart name, so the Deployment is named as the release
// (values.yaml fullnameOverride: "" and the rule of _helpers.tpl "mao.fullname").
const DEPLOYMENT = RELEASE;
const NODE = 'kwok-node-0';

let plane: ControlPlane | undefined;
let kubeconfig: string;
let nodes: SimulatedNodes | undefined;
let kc: KubeConfig;
let valuesDir: string;

beforeAll(async () => {
  // Both build once (minutes), cached afterwards; .ci/run builds them in earlier steps.
  await Promise.all([packagingTools(), ensureKwokTools()]);
  plane = await startControlPlane();
  kc = plane.kubeConfig();
  kubeconfig = plane.info.kubeconfigPath;
  nodes = await startSimulatedNodes(plane.info, { nodes: [NODE] });
  valuesDir = mkdtempSync(join(tmpdir(), 'mao-chart-kwok-'));
}, 900_000);

afterAll(async () => {
  await nodes?.stop();
  await plane?.stop();
});

/** A values file (JSON is YAML) holding `values`; returns its path. */
function valuesFile(name: string, values: unknown): string {
  const path = join(valuesDir, `${name}.yaml`);
  writeFileSync(path, JSON.stringify(values));
  return path;
}

/** `helm install --wait` into a new namespace; resolves with helm's stdout, rejects with its stderr. */
async function helmInstall(ns: string, args: readonly string[]) {
  return tool('helm', ['install', RELEASE, chartDir, '--namespace', ns, '--kubeconfig', kubeconfig, '--wait', ...args]);
}

/**
 * Runs `body` on a new namespace, then uninstalls the release whatever happened: the chart's
 * cluster-scoped objects (ClusterRoles, webhook configurations) would make the next install fail.
 */
async function inNamespace(prefix: string, body: (ns: string) => Promise<void>): Promise<void> {
  const ns = await createNamespace(kc, prefix);
  try {
    await body(ns);
  } finally {
    await tool('helm', ['uninstall', RELEASE, '--namespace', ns, '--kubeconfig', kubeconfig, '--wait']).catch(() => undefined);
  }
}

async function podsOf(ns: string): Promise<V1Pod[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns, labelSelector: 'app.kubernetes.io/component=operator' });
  return list.items;
}

describe('helm install --wait on simulated nodes (KWOK)', () => {
  it('the fake node is Ready and carries the taint and label KWOK documents', async () => {
    expect(nodes?.nodes).toEqual([NODE]);
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: NODE });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
    expect(node.metadata?.labels?.type).toBe('kwok');
    expect(node.spec?.taints).toContainEqual({ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' });
  });

  it('passes: helm exits 0, the Deployment has its replicas available, the pods run Ready on the KWOK node', () => inNamespace('chart-kwok', async (ns) => {
    // The chart's defaults, plus the placement KWOK's docs ask of a pod for a fake node (the
    // chart's nodeSelector and tolerations values).
    const placement = valuesFile('placement', KWOK_PLACEMENT);
    // Replicas expected: values.yaml `replicaCount: 2` (read here, and checked to be that 2 by hand).
    const replicas = (parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as { replicaCount: number }).replicaCount;
    expect(replicas).toBe(2);

    const out = await helmInstall(ns, ['-f', placement, '--timeout', '90s']);
    expect(out).toMatch(/STATUS: deployed/);

    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: DEPLOYMENT, namespace: ns });
    expect(deployment.spec?.replicas).toBe(replicas);
    expect(deployment.status?.availableReplicas).toBe(replicas);
    expect(deployment.status?.readyReplicas).toBe(replicas);
    expect(deployment.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');

    const pods = await podsOf(ns);
    expect(pods).toHaveLength(replicas);
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '?';
      expect(pod.spec?.nodeName, name).toBe(NODE);
      expect(pod.status?.phase, name).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, name).toBe('True');
      // kwok's pod-ready stage: an address from the harness' pod range 10.244.0.0/16.
      expect(pod.status?.podIP, name).toMatch(/^10\.244\./);
      // The image was never pulled: kwok only reports the container as running.
      expect(pod.status?.containerStatuses?.map((c) => [c.name, c.ready, c.state?.running !== undefined]), name).toEqual([['operator', true, true]]);
    }

    // Why this file has a control plane of its own: with the release installed, the API server
    // calls the chart's webhook for our kinds, and nothing answers there.
    await expect(kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'managedapps.dev', version: 'v1alpha1', namespace: ns, plural: 'managedtenants',
      body: { apiVersion: 'managedapps.dev/v1alpha1', kind: 'ManagedTenant', metadata: { name: 'refused' }, spec: {} },
    })).rejects.toThrow(/failed calling webhook \W*mutate\.managedapps\.dev/); // the JSON body quotes the name

    const status = JSON.parse(await tool('helm', ['status', RELEASE, '--namespace', ns, '-o', 'json', '--kubeconfig', kubeconfig])) as { info: { status: string } };
    expect(status.info.status).toBe('deployed');
  }));

  it('fails when no node can take the pods: helm --wait times out naming the Deployment', () => inNamespace('chart-kwok-nonode', async (ns) => {
    // The KWOK placement, but a nodeSelector no node has (the fake node is labelled only as
    // fakeNode() says): the scheduler leaves both pods Pending.
    const nowhere = valuesFile('nowhere', { ...KWOK_PLACEMENT, nodeSelector: { ...KWOK_PLACEMENT.nodeSelector, 'managedapps.dev/no-such-node': 'true' } });
    // kstatus' message for a Deployment is `Available: <available>/<replicas>`: 0 of the values' 2.
    await expect(helmInstall(ns, ['-f', nowhere, '--timeout', '15s'])).rejects.toThrow(
      new RegExp(`resource Deployment/${ns}/${DEPLOYMENT} not ready\\. status: InProgress, message: Available: 0/2\\s+context deadline exceeded`),
    );

    // Why: the pods exist, unscheduled, and the scheduler says so.
    const pods = await podsOf(ns);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      expect(pod.spec?.nodeName, pod.metadata?.name).toBeUndefined();
      expect(pod.status?.phase).toBe('Pending');
      expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    }
    const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: DEPLOYMENT, namespace: ns });
    expect(deployment.status?.availableReplicas ?? 0).toBe(0);
  }));
});
