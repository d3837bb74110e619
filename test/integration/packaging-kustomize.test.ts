// The kustomize bases and overlays of config/ (docs/install.md): each renders with kustomize (built
// once from the pinned tools module, like helm), passes a server-side dry-run on the real API
// server, and config/default renders the same objects as the chart's default values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { adminKubeConfig } from '../controlplane/client.ts';
import { installCrds, type CrdManifest } from '../controlplane/crds.ts';
import {
  chartDir, deleteObject, getObject, helmTemplate, identity, kustomizeBuild, packagingTools, resetDiscovery, serverSideApply,
  thirdPartyCrds, type Manifest,
} from './packaging-support.ts';

const info = inject('controlPlane');
const kc = adminKubeConfig(info);
const NAMESPACE = 'managedapps-system';
const OVERLAYS = ['config/default', 'config/overlays/with-prometheus', 'config/overlays/with-cert-manager'];

/** Labels the chart puts on every object and kustomize does not (Helm's bookkeeping, the release). */
const HELM_ONLY_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version', 'app.kubernetes.io/instance', 'app.kubernetes.io/part-of'];

/** Lists of named items (env, volumes, volumeMounts, ports...) sorted by name: their order does not matter. */
function sortNamed(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(sortNamed);
    const named = items.every((i) => typeof i === 'object' && i !== null && typeof (i as { name?: unknown }).name === 'string');
    return named ? items.sort((a, b) => (a as { name: string }).name.localeCompare((b as { name: string }).name)) : items;
  }
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortNamed(v)]));
  return value;
}

/** The fields that matter of an object, with Helm's bookkeeping labels removed. */
function essence(o: Manifest): unknown {
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !HELM_ONLY_LABELS.includes(k)));
  const { metadata: _m, ...rest } = o;
  return sortNamed({ ...rest, metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels, annotations: o.metadata.annotations ?? {} } });
}

let createdNamespace = false;
const thirdParty = thirdPartyCrds();

beforeAll(async () => {
  await packagingTools();
  // The overlays target managedapps-system: it must exist for the dry-run of namespaced objects.
  if (!(await getObject(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }))) {
    await serverSideApply(kc, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'managedapps.dev/test': 'true' } } }], { dryRun: false });
    createdNamespace = true;
  }
  await installCrds(kc, thirdParty as unknown as CrdManifest[]);
  resetDiscovery();
}, 900_000);

afterAll(async () => {
  for (const crd of thirdParty) await deleteObject(kc, crd);
  if (createdNamespace) await deleteObject(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
});

describe('kustomize overlays', () => {
  it.each(OVERLAYS)('%s renders and passes a server-side dry-run', async (dir) => {
    const objects = await kustomizeBuild(dir);
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      if (!['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].includes(o.kind)) {
        expect(o.metadata.namespace, identity(o)).toBe(NAMESPACE);
      }
    }
    const answered = await serverSideApply(kc, objects, { dryRun: true });
    expect(answered.map(identity).sort()).toEqual(objects.map(identity).sort());
  });

  it('config/default renders the same objects as the chart with its default values', async () => {
    const kustomized = (await kustomizeBuild('config/default')).filter((o) => o.kind !== 'Namespace');
    const charted = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', NAMESPACE, '--include-crds']);
    expect(kustomized.map(identity).sort()).toEqual(charted.map(identity).sort());
    const byId = new Map(charted.map((o) => [identity(o), o]));
    for (const o of kustomized) {
      const c = byId.get(identity(o))!;
      const expected = essence(c) as Manifest;
      const actual = essence(o) as Manifest;
      if (o.kind === 'Deployment') {
        // The image: the chart's appVersion tag on both sides.
        expect(JSON.stringify(actual)).toContain(`ghcr.io/managedapps/managed-apps-operator:${(parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion}`);
      }
      if (o.kind === 'CustomResourceDefinition') {
        expect(o, identity(o)).toEqual(c);
        continue;
      }
      expect(actual, identity(o)).toEqual(expected);
    }
  });

  it('config/overlays/with-prometheus adds what the chart adds with its Prometheus and Grafana switches', async () => {
    const overlay = await kustomizeBuild('config/overlays/with-prometheus');
    const charted = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', NAMESPACE, '--set', 'serviceMonitor.enabled=true,prometheusRule.enabled=true,grafanaDashboards.enabled=true']);
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'ConfigMap']) {
      const a = overlay.filter((o) => o.kind === kind);
      const b = charted.filter((o) => o.kind === kind);
      expect(a.map(identity).sort(), kind).toEqual(b.map(identity).sort());
      for (const o of a) {
        const c = b.find((x) => identity(x) === identity(o))!;
        const { metadata: _a, ...bodyA } = o;
        const { metadata: _b, ...bodyB } = c;
        if (kind === 'ConfigMap') {
          // The same dashboard JSON (the chart's block scalar drops the final newline).
          const dataA = (bodyA as unknown as { data: Record<string, string> }).data;
          const dataB = (bodyB as unknown as { data: Record<string, string> }).data;
          expect(Object.keys(dataA)).toEqual(Object.keys(dataB));
          for (const k of Object.keys(dataA)) expect(JSON.parse(dataA[k]!)).toEqual(JSON.parse(dataB[k]!));
          expect(o.metadata.labels?.grafana_dashboard).toBe('1');
        } else if (kind === 'ServiceMonitor') {
          // The chart narrows the selector to its release (app.kubernetes.io/instance).
          const endpointsA = (bodyA as unknown as { spec: { endpoints: unknown } }).spec.endpoints;
          expect(endpointsA).toEqual((bodyB as unknown as { spec: { endpoints: unknown } }).spec.endpoints);
        } else {
          expect(bodyA, identity(o)).toEqual(bodyB);
        }
      }
    }
  });

  it('config/overlays/with-cert-manager adds what the chart adds with webhook.certManager.enabled', async () => {
    const overlay = await kustomizeBuild('config/overlays/with-cert-manager');
    const charted = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', NAMESPACE, '--set', 'webhook.certManager.enabled=true']);
    for (const kind of ['Issuer', 'Certificate', 'Deployment', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const a = overlay.filter((o) => o.kind === kind).map((o) => essence(o));
      const b = charted.filter((o) => o.kind === kind).map((o) => essence(o));
      expect(a, kind).toEqual(b);
    }
  });
});
