// The Helm chart (docs/install.md): its copies of crds/ and config/ are current, its README is
// generated from values.yaml, `helm lint` passes, `helm template` (defaults, and every switch on)
// renders what design.md §5 asks for and passes a server-side dry-run on the real API server, and
// a real `helm install` creates the objects. helm is built once from the pinned tools module by
// test/controlplane/build-helm.sh.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { adminKubeConfig, createNamespace } from '../controlplane/client.ts';
import { installCrds, readCrds, type CrdManifest } from '../controlplane/crds.ts';
import { documentedValues, renderReadme } from '../../scripts/chart-readme.ts';
import { renderSchema } from '../../scripts/chart-schema.ts';
import { differences } from '../../scripts/sync-chart-crds.ts';
import { GROUP, KINDS, VERSION } from '../../src/api/v1alpha1/index.ts';
import {
  chartDir, deleteObject, getObject, helmTemplate, identity, packagingTools, resetDiscovery, root, serverSideApply,
  thirdPartyCrds, tool, type Manifest,
} from './packaging-support.ts';

const info = inject('controlPlane');
const kc = adminKubeConfig(info);

/** Every switch of values.yaml on. */
const ALL_ON = {
  serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  grafanaDashboards: { enabled: true },
  webhook: { enabled: true, certManager: { enabled: true } },
  networkPolicy: { enabled: true, metricsFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
  podDisruptionBudget: { enabled: true },
  rbac: { create: true, createUserRoles: true },
};

const find = (objects: readonly Manifest[], kind: string, name?: string): Manifest[] =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (objects: readonly Manifest[], kind: string, name?: string): Manifest => {
  const found = find(objects, kind, name);
  expect(found.map(identity), `exactly one ${kind}${name ? ` ${name}` : ''}`).toHaveLength(1);
  return found[0]!;
};

type Container = {
  name: string; args?: string[]; env?: { name: string; value?: string }[]; ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string; scheme?: string } }; readinessProbe?: { httpGet?: { path: string; port: string; scheme?: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>; volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = { securityContext?: Record<string, unknown>; containers: Container[]; volumes?: { name: string; emptyDir?: unknown; secret?: { secretName: string } }[]; serviceAccountName?: string };
const podSpec = (d: Manifest): PodSpec => (d as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

let ns: string;
let valuesAllOn: string;

beforeAll(async () => {
  await packagingTools(); // builds helm and kustomize once (minutes), cached afterwards
  ns = await createNamespace(kc, 'chart');
  valuesAllOn = join(mkdtempSync(join(tmpdir(), 'mao-chart-')), 'all-on.yaml');
  writeFileSync(valuesAllOn, JSON.stringify(ALL_ON));
}, 900_000);

describe('chart sources', () => {
  it('holds current copies of crds/, config/prometheus/rules.yaml, the dashboards, config/rbac and config/webhook (npm run chart:sync)', () => {
    expect(differences()).toEqual([]);
  });

  it('documents every value, and its README is the one generated from values.yaml (npm run chart:readme)', () => {
    const values = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
    const docs = documentedValues(values);
    expect(docs.map((d) => d.key)).toEqual(expect.arrayContaining(['replicaCount', 'webhook.certManager.enabled', 'serviceMonitor.enabled', 'networkPolicy.enabled']));
    for (const d of docs) expect(d.description, d.key).not.toBe('');
    expect(readFileSync(join(chartDir, 'README.md'), 'utf8')).toBe(renderReadme(values, readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')));
  });

  it('holds values.schema.json as generated from values.yaml (npm run chart:sync)', () => {
    expect(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')).toBe(renderSchema(readFileSync(join(chartDir, 'values.yaml'), 'utf8')));
  });

  it('lists every CRD of the registry for Artifact Hub (Chart.yaml artifacthub.io/crds)', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { annotations: Record<string, string> };
    const crds = parse(chart.annotations['artifacthub.io/crds'] ?? '[]') as { kind: string; version: string; name: string; description: string }[];
    expect(crds).toEqual(KINDS.map((k): unknown => expect.objectContaining({ kind: k.kind, version: VERSION, name: `${k.plural}.${GROUP}`, description: k.description })));
    for (const key of ['artifacthub.io/images', 'artifacthub.io/links', 'artifacthub.io/changes']) expect(parse(chart.annotations[key] ?? ''), key).toEqual(expect.any(Array));
  });

  it('refuses an undocumented value', () => {
    expect(() => documentedValues('# -- documented\na: 1\nb: 2\n')).toThrow(/no "# --" comment on b/);
  });
});

describe('helm lint and helm template', () => {
  it('passes helm lint --strict with the defaults and with every switch on', async () => {
    const out = await tool('helm', ['lint', '--strict', chartDir]);
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const allOn = await tool('helm', ['lint', '--strict', chartDir, '-f', valuesAllOn]);
    expect(allOn).toMatch(/0 chart\(s\) failed/);
  });

  it.each([
    // values.schema.json: a wrong value fails with its path, instead of being ignored or rendered.
    ['a string for an integer', 'replicaCount=abc', /at '\/replicaCount': got string, want integer/],
    ['a misspelt key', 'metrics.prot=8443', /at '\/metrics': additional properties 'prot' not allowed/],
    ['a log level that does not exist', 'logLevel=verbose', /at '\/logLevel': value must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace'/],
    ['a port out of range', 'webhook.port=70000', /at '\/webhook\/port': maximum: got 70,000, want 65,535/],
  ])('helm lint and helm template refuse %s, naming it', async (_name, set, expected) => {
    await expect(tool('helm', ['lint', '--strict', chartDir, '--set', set])).rejects.toThrow(expected);
    await expect(tool('helm', ['template', 'x', chartDir, '--set', set])).rejects.toThrow(expected);
  });

  it('renders the defaults of design.md §5', async () => {
    const objects = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', ns, '--include-crds']);

    // CRDs: exactly those of crds/.
    const crdNames = readCrds(join(root, 'crds')).map((c) => c.metadata.name).sort();
    expect(find(objects, 'CustomResourceDefinition').map((c) => c.metadata.name).sort()).toEqual(crdNames);

    const deployment = one(objects, 'Deployment', 'managed-apps-operator');
    expect((deployment as unknown as { spec: { replicas: number } }).spec.replicas).toBe(2);
    const pod = podSpec(deployment);
    const c = pod.containers[0]!;
    expect(c.args?.[0]).toBe('run');
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ MANAGEDAPPS_LEADER_ELECT: 'true', MANAGEDAPPS_METRICS_PORT: '8080', MANAGEDAPPS_WEBHOOK: 'true', MANAGEDAPPS_WEBHOOK_PORT: '9443' });
    expect(c.env?.find((e) => e.name === 'POD_NAMESPACE')).toBeDefined();
    // The metrics port serves HTTPS (secure metrics, issue 19): the kubelet probes it so.
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'metrics', scheme: 'HTTPS' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics', scheme: 'HTTPS' });
    expect(c.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources?.limits?.memory).toBeDefined();
    // The restricted Pod Security Standard.
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
    expect(pod.serviceAccountName).toBe(one(objects, 'ServiceAccount').metadata.name);

    const metrics = one(objects, 'Service', 'managed-apps-operator-metrics');
    expect(metrics.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'managed-apps-operator', 'app.kubernetes.io/component': 'metrics' });
    expect((metrics as unknown as { spec: { ports: { name: string }[] } }).spec.ports.map((p) => p.name)).toEqual(['metrics']);
    // The ServiceMonitor of config/prometheus selects this Service.
    const sm = parse(readFileSync(join(root, 'config', 'prometheus', 'servicemonitor.yaml'), 'utf8')) as { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(metrics.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);

    one(objects, 'Service', 'managed-apps-operator-webhook');
    expect((one(objects, 'PodDisruptionBudget') as unknown as { spec: { minAvailable: number } }).spec.minAvailable).toBe(1);
    one(objects, 'NetworkPolicy');
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'Issuer', 'Certificate']) expect(find(objects, kind), kind).toEqual([]);
    expect(find(objects, 'ConfigMap')).toEqual([]);

    // RBAC: the operator's ServiceAccount is bound to a ClusterRole and to a Role for its Lease.
    const sa = one(objects, 'ServiceAccount').metadata.name;
    const boundTo = (kind: string): string[] =>
      find(objects, kind)
        .filter((b) => ((b as unknown as { subjects?: { kind: string; name: string }[] }).subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === sa))
        .map((b) => (b as unknown as { roleRef: { name: string } }).roleRef.name);
    expect(boundTo('ClusterRoleBinding').length).toBeGreaterThan(0);
    const leaseRoles = find(objects, 'Role').filter((r) =>
      ((r as unknown as { rules: { apiGroups: string[]; resources: string[] }[] }).rules).some((rule) => rule.apiGroups.includes('coordination.k8s.io') && rule.resources.includes('leases')));
    expect(leaseRoles.map((r) => r.metadata.name).filter((n) => boundTo('RoleBinding').includes(n))).toHaveLength(1);
    // The people roles of design.md §5.
    expect(find(objects, 'ClusterRole').map((r) => r.metadata.name)).toEqual(expect.arrayContaining(['managedapps-client', 'managedapps-provider']));

    // The webhook configuration points at the chart's Service.
    const configs = [...find(objects, 'ValidatingWebhookConfiguration'), ...find(objects, 'MutatingWebhookConfiguration')];
    expect(configs.length).toBeGreaterThan(0);
    for (const cfg of configs) {
      for (const w of (cfg as unknown as { webhooks: { clientConfig: { service: { name: string; namespace: string } }; failurePolicy: string }[] }).webhooks) {
        expect(w.clientConfig.service).toMatchObject({ name: 'managed-apps-operator-webhook', namespace: ns });
        expect(w.failurePolicy).toBe('Fail');
      }
    }
  });

  it('renders webhook.separate: the webhook in a Deployment of its own, with its Lease and PDB; the operator pods serve none', async () => {
    const objects = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', ns, '--set', 'webhook.separate=true']);
    const env = (d: Manifest) => Object.fromEntries((podSpec(d).containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    const ports = (d: Manifest) => (podSpec(d).containers[0]?.ports ?? []).map((p) => p.name);
    const labelsOf = (d: Manifest) => (d as unknown as { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } }).spec;
    const operator = one(objects, 'Deployment', 'managed-apps-operator');
    const webhook = one(objects, 'Deployment', 'managed-apps-operator-webhook');
    expect(env(operator)).toMatchObject({ MANAGEDAPPS_WEBHOOK: 'false', MANAGEDAPPS_CONTROLLERS: 'true', MANAGEDAPPS_LEADER_ELECTION_NAME: 'managed-apps-operator' });
    expect(ports(operator)).toEqual(['metrics']);
    expect(env(webhook)).toMatchObject({
      MANAGEDAPPS_WEBHOOK: 'true', MANAGEDAPPS_CONTROLLERS: 'false', MANAGEDAPPS_PROBES: 'false', MANAGEDAPPS_LEADER_ELECTION_NAME: 'managed-apps-operator-webhook',
    });
    expect(ports(webhook)).toEqual(['metrics', 'webhook']);
    // Neither Deployment selects the other's pods; the webhook Service selects the webhook's only.
    const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const [o, w] = [labelsOf(operator), labelsOf(webhook)];
    expect(matches(o.selector.matchLabels, w.template.metadata.labels)).toBe(false);
    expect(matches(w.selector.matchLabels, o.template.metadata.labels)).toBe(false);
    const service = (one(objects, 'Service', 'managed-apps-operator-webhook') as unknown as { spec: { selector: Record<string, string> } }).spec.selector;
    expect(matches(service, w.template.metadata.labels)).toBe(true);
    expect(matches(service, o.template.metadata.labels)).toBe(false);
    // The metrics Service scrapes both (the webhook's latency is in the webhook pods).
    const metrics = (one(objects, 'Service', 'managed-apps-operator-metrics') as unknown as { spec: { selector: Record<string, string> } }).spec.selector;
    expect(matches(metrics, w.template.metadata.labels) && matches(metrics, o.template.metadata.labels)).toBe(true);
    const pdb = (one(objects, 'PodDisruptionBudget', 'managed-apps-operator-webhook') as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }).spec.selector.matchLabels;
    expect(pdb).toEqual(w.selector.matchLabels);
    // The Role lets the webhook's replicas take their own Lease.
    const role = one(objects, 'Role', 'managed-apps-operator') as unknown as { rules: { resources: string[]; resourceNames?: string[] }[] };
    expect(role.rules.find((r) => r.resources.includes('leases') && r.resourceNames !== undefined)?.resourceNames).toContain('managed-apps-operator-webhook');
  });

  it('renders capacity.*: the operator pods get the Prometheus, the queries as written, the token and CA mounted; the separate webhook none; a URL without a query fails', async () => {
    const objects = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', ns, '--set', 'webhook.separate=true', '--set', 'capacity.prometheusUrl=http://prometheus:9090',
      '--set-string', 'capacity.queries.cpu=max(up{unit="{{unit}}"})', '--set', 'capacity.bearerTokenSecret=prom-token', '--set', 'capacity.caConfigMap=prom-ca']);
    const env = (d: Manifest) => Object.fromEntries((podSpec(d).containers[0]?.env ?? []).map((e) => [e.name, e.value]));
    const operator = one(objects, 'Deployment', 'managed-apps-operator');
    expect(env(operator)).toMatchObject({
      MANAGEDAPPS_CAPACITY_PROMETHEUS_URL: 'http://prometheus:9090', MANAGEDAPPS_CAPACITY_QUERY_CPU: 'max(up{unit="{{unit}}"})', MANAGEDAPPS_CAPACITY_STEP: '300', MANAGEDAPPS_CAPACITY_TIMEOUT: '30',
      MANAGEDAPPS_CAPACITY_BEARER_TOKEN_FILE: '/etc/managedapps/capacity-token/token', MANAGEDAPPS_CAPACITY_CA_FILE: '/etc/managedapps/capacity-ca/ca.crt',
    });
    expect(env(operator)).not.toHaveProperty('MANAGEDAPPS_CAPACITY_QUERY_MEMORY');
    expect(podSpec(operator).containers[0]?.volumeMounts?.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/etc/managedapps/capacity-token', '/etc/managedapps/capacity-ca']));
    expect(podSpec(operator).volumes?.find((v) => v.name === 'capacity-token')?.secret?.secretName).toBe('prom-token');
    const webhook = one(objects, 'Deployment', 'managed-apps-operator-webhook');
    expect(Object.keys(env(webhook)).filter((k) => k.startsWith('MANAGEDAPPS_CAPACITY_'))).toEqual([]);
    await expect(tool('helm', ['template', 'x', chartDir, '--set', 'capacity.prometheusUrl=http://prometheus:9090'])).rejects.toThrow(/capacity.prometheusUrl needs at least one of capacity.queries.cpu, memory, disk/);
  });

  it('renders every switch on: ServiceMonitor, PrometheusRule from rules.yaml, dashboards, cert-manager', async () => {
    const objects = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', ns, '-f', valuesAllOn]);
    const sm = one(objects, 'ServiceMonitor');
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect((sm as unknown as { spec: { endpoints: { port: string; honorLabels: boolean }[] } }).spec.endpoints[0]).toMatchObject({ port: 'metrics', honorLabels: true });
    const rule = one(objects, 'PrometheusRule');
    expect((rule as unknown as { spec: unknown }).spec).toEqual(parse(readFileSync(join(root, 'config', 'prometheus', 'rules.yaml'), 'utf8')));
    const dashboards = find(objects, 'ConfigMap');
    expect(dashboards).toHaveLength(5);
    for (const cm of dashboards) {
      expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
      const [file, json] = Object.entries((cm as unknown as { data: Record<string, string> }).data)[0]!;
      expect(json).toBe(readFileSync(join(root, 'config', 'grafana', 'dashboards', file), 'utf8').replace(/\n$/, ''));
    }
    one(objects, 'Issuer');
    const cert = one(objects, 'Certificate');
    const secretName = (cert as unknown as { spec: { secretName: string; dnsNames: string[] } }).spec.secretName;
    expect((cert as unknown as { spec: { dnsNames: string[] } }).spec.dnsNames).toContain(`managed-apps-operator-webhook.${ns}.svc`);
    const pod = podSpec(one(objects, 'Deployment'));
    expect(pod.volumes?.find((v) => v.secret?.secretName === secretName)).toBeDefined();
    for (const cfg of [...find(objects, 'ValidatingWebhookConfiguration'), ...find(objects, 'MutatingWebhookConfiguration')]) {
      expect(cfg.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe(`${ns}/${cert.metadata.name}`);
    }
  });
});

describe('on the API server', () => {
  const thirdParty = thirdPartyCrds();

  beforeAll(async () => {
    // prometheus-operator's and cert-manager's kinds, as minimal CRDs (see thirdPartyCrds).
    await installCrds(kc, thirdParty as unknown as CrdManifest[]);
    resetDiscovery();
  });

  afterAll(async () => {
    for (const crd of thirdParty) await deleteObject(kc, crd);
  });

  it('accepts the default render, the all-switches render and webhook.separate (server-side dry-run)', async () => {
    for (const args of [[], ['-f', valuesAllOn], ['--set', 'webhook.separate=true']]) {
      const objects = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', ns, '--include-crds', ...args]);
      const answered = await serverSideApply(kc, objects, { dryRun: true });
      expect(answered.map(identity).sort()).toEqual(objects.map(identity).sort());
    }
    // Dry-run: nothing was stored.
    expect(await getObject(kc, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'managed-apps-operator', namespace: ns } })).toBeUndefined();
  });

  it('installs with helm install: every object is created; helm uninstall removes them', async () => {
    const kubeconfig = ['--kubeconfig', info.kubeconfigPath];
    const rendered = await helmTemplate(['managed-apps-operator', chartDir, '--namespace', ns]);
    try {
      const out = await tool('helm', ['install', 'managed-apps-operator', chartDir, '--namespace', ns, ...kubeconfig]);
      expect(out).toMatch(/STATUS: deployed/);
      for (const o of rendered) {
        const stored = await getObject(kc, { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace } });
        expect(stored, identity(o)).toBeDefined();
        expect(stored?.metadata.labels?.['app.kubernetes.io/managed-by'], identity(o)).toBe('Helm');
      }
      const status = JSON.parse(await tool('helm', ['status', 'managed-apps-operator', '--namespace', ns, '-o', 'json', ...kubeconfig])) as { info: { status: string } };
      expect(status.info.status).toBe('deployed');
    } finally {
      await tool('helm', ['uninstall', 'managed-apps-operator', '--namespace', ns, ...kubeconfig]).catch(() => undefined);
      // Never leave a webhook configuration behind: with no pod to answer, it would refuse the
      // managedapps.dev objects of the following test files.
      for (const o of rendered) if (o.kind.endsWith('WebhookConfiguration')) await deleteObject(kc, o);
    }
    for (const o of rendered.filter((r) => r.kind !== 'CustomResourceDefinition')) {
      expect(await getObject(kc, o), `${identity(o)} after uninstall`).toBeUndefined();
    }
  });
});
