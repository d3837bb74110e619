// The chart's watched namespaces (values watch.namespaces, watch.namespaceSelector; docs/install.md
// "Watched namespaces"): what `helm template` renders (the operator's environment, and its RBAC:
// a Role and RoleBinding per listed namespace instead of cluster-wide access to our kinds; the
// ClusterRole as it is with a selector), what helm refuses (both at once), and on the real API
// server what the list's RBAC grants the operator's ServiceAccount (SubjectAccessReviews).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KINDS } from '../../src/api/v1alpha1/index.ts';
import { adminKubeConfig, createNamespace } from '../controlplane/client.ts';
import { chartDir, deleteObject, helmTemplate, identity, packagingTools, serverSideApply, tool, type Manifest } from './packaging-support.ts';

const info = inject('controlPlane');
const kc = adminKubeConfig(info);

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[] };
const rulesOf = (o: Manifest): Rule[] => (o as unknown as { rules?: Rule[] }).rules ?? [];
const groupsOf = (o: Manifest): string[] => rulesOf(o).flatMap((r) => r.apiGroups ?? []);
const envOf = (objects: readonly Manifest[]): Record<string, string | undefined> => {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const env = (deployment as unknown as { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } }).spec.template.spec.containers[0]?.env ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e.value]));
};
const valuesFile = (values: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'mao-chart-watch-')), 'values.yaml');
  writeFileSync(path, JSON.stringify(values));
  return path;
};

let ns: string;
let watchedA: string;
let watchedB: string;
let other: string;
const release = `w${randomBytes(3).toString('hex')}`;
/** The chart's full name for a release without the chart's name in it (_helpers.tpl mao.fullname). */
const fullname = `${release}-managed-apps-operator`;

beforeAll(async () => {
  await packagingTools(); // builds helm and kustomize once (minutes), cached afterwards
  ns = await createNamespace(kc, 'chart-watch');
  watchedA = await createNamespace(kc, 'chart-watch-a');
  watchedB = await createNamespace(kc, 'chart-watch-b');
  other = await createNamespace(kc, 'chart-watch-other');
}, 900_000);

describe('helm template: watch.namespaces', () => {
  let objects: Manifest[];
  beforeAll(async () => {
    objects = await helmTemplate([release, chartDir, '--namespace', ns, '-f', valuesFile({ watch: { namespaces: [watchedA, watchedB] } })]);
  });

  it('passes the list to the operator', () => {
    expect(envOf(objects).MANAGEDAPPS_WATCH_NAMESPACE).toBe(`${watchedA},${watchedB}`);
    expect(envOf(objects).MANAGEDAPPS_WATCH_NAMESPACE_SELECTOR).toBeUndefined();
  });

  it('grants our kinds, Events and Jobs by a Role and RoleBinding in each listed namespace, not in the ClusterRole', () => {
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === `${fullname}-watch`);
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual([watchedA, watchedB].sort());
    for (const role of roles) {
      expect([...new Set(groupsOf(role))].sort()).toEqual(['batch', 'events.k8s.io', 'managedapps.dev']);
      // The four rules of config/rbac/operator-clusterrole.yaml on our group (read/watch, create/delete, status, finalizers), the one on Events and the one on the runbooks' Jobs.
      expect(rulesOf(role)).toHaveLength(6);
      expect(rulesOf(role).find((r) => r.resources?.includes('serviceunits'))?.verbs).toEqual(['get', 'list', 'watch', 'update', 'patch']);
    }
    const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.name === `${fullname}-watch`);
    expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual([watchedA, watchedB].sort());
    for (const b of bindings) {
      expect((b as unknown as { subjects: unknown[] }).subjects).toEqual([{ kind: 'ServiceAccount', name: fullname, namespace: ns }]);
      expect((b as unknown as { roleRef: unknown }).roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${fullname}-watch` });
    }
    const cluster = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === fullname)!;
    expect(groupsOf(cluster)).not.toContain('managedapps.dev');
    expect(groupsOf(cluster)).not.toContain('events.k8s.io');
    expect(groupsOf(cluster)).not.toContain('batch');
    // What stays cluster-wide: namespaces, TokenReviews, SubjectAccessReviews, the webhook configurations.
    expect(rulesOf(cluster).map((r) => r.resources?.join(',')).sort()).toEqual(['mutatingwebhookconfigurations,validatingwebhookconfigurations', 'namespaces', 'subjectaccessreviews', 'tokenreviews']);
  });
});

/** The namespaceSelector of each webhook of the rendered configurations, by webhook name. */
function webhookSelectors(objects: Manifest[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of objects.filter((x) => x.kind === 'ValidatingWebhookConfiguration' || x.kind === 'MutatingWebhookConfiguration')) {
    for (const w of (o as unknown as { webhooks: { name: string; namespaceSelector?: unknown }[] }).webhooks) out[w.name] = w.namespaceSelector;
  }
  return out;
}

describe('helm template: the webhooks follow the watched namespaces', () => {
  // Objects in a namespace the operator does not watch are not its own, and its caches hold none of
  // their tenants: sent to its webhooks they would all be refused. So the API server sends it only
  // the watched namespaces' writes.
  it('by name for a list, as matchLabels for a key=value selector, as given by webhook.namespaceSelector', async () => {
    const byName = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['a', 'b'] }] };
    const cases: [Record<string, unknown>, unknown][] = [
      [{ watch: { namespaces: ['a', 'b'] } }, byName],
      [{ watch: { namespaceSelector: 'managedapps.dev/managed=true,tier==gold' } }, { matchLabels: { 'managedapps.dev/managed': 'true', tier: 'gold' } }],
      [{ watch: { namespaceSelector: 'env in (prod)' }, webhook: { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } } },
        { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }],
      [{}, undefined],
    ];
    for (const [values, selector] of cases) {
      const selectors = webhookSelectors(await helmTemplate([release, chartDir, '--namespace', ns, '-f', valuesFile(values)]));
      expect(Object.keys(selectors).sort(), JSON.stringify(values)).toEqual(['mutate.managedapps.dev', 'validate.managedapps.dev']);
      for (const [name, got] of Object.entries(selectors)) expect(got, `${name} ${JSON.stringify(values)}`).toEqual(selector);
    }
  });

  it('refuses a set-based selector without webhook.namespaceSelector, saying which value to set', async () => {
    await expect(helmTemplate([release, chartDir, '--namespace', ns, '-f', valuesFile({ watch: { namespaceSelector: 'env in (prod)' } })]))
      .rejects.toThrow(/watch.namespaceSelector "env in \(prod\)" is not only key=value terms: set webhook.namespaceSelector/);
  });
});

describe('helm template: watch.namespaceSelector', () => {
  it('passes the selector and keeps the cluster-wide ClusterRole, which lists and watches namespaces', async () => {
    const objects = await helmTemplate([release, chartDir, '--namespace', ns, '-f', valuesFile({ watch: { namespaceSelector: 'managedapps.dev/managed=true' } })]);
    expect(envOf(objects).MANAGEDAPPS_WATCH_NAMESPACE_SELECTOR).toBe('managedapps.dev/managed=true');
    expect(envOf(objects).MANAGEDAPPS_WATCH_NAMESPACE).toBeUndefined();
    expect(objects.filter((o) => o.metadata.name === `${fullname}-watch`)).toEqual([]);
    const cluster = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === fullname)!;
    expect(rulesOf(cluster).find((r) => r.resources?.includes('serviceunits'))?.verbs).toEqual(['get', 'list', 'watch', 'update', 'patch']);
    expect(rulesOf(cluster).find((r) => r.resources?.includes('namespaces'))?.verbs).toEqual(['get', 'list', 'watch']);
  });

  it('refuses both at once, saying so', async () => {
    await expect(helmTemplate([release, chartDir, '--namespace', ns, '-f', valuesFile({ watch: { namespaces: ['a'], namespaceSelector: 'x=y' } })]))
      .rejects.toThrow(/watch.namespaces and watch.namespaceSelector: give one or the other, not both/);
  });

  it('helm lint --strict passes with either', async () => {
    for (const values of [{ watch: { namespaces: ['a', 'b'] } }, { watch: { namespaceSelector: 'x=y' } }]) {
      await tool('helm', ['lint', '--strict', chartDir, '-f', valuesFile(values)]);
    }
  });
});

describe('on the API server: the RBAC of watch.namespaces', () => {
  let applied: Manifest[] = [];
  const sa = () => `system:serviceaccount:${ns}:${fullname}`;
  const can = async (attrs: { verb: string; resource: string; group: string; namespace?: string; subresource?: string }) => {
    const review = await kc.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: { spec: { user: sa(), groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`], resourceAttributes: attrs } },
    });
    return review.status?.allowed === true;
  };

  beforeAll(async () => {
    const objects = await helmTemplate([release, chartDir, '--namespace', ns, '-f', valuesFile({ watch: { namespaces: [watchedA, watchedB] }, rbac: { createUserRoles: false } })]);
    applied = objects.filter((o) => ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(o.kind));
    await serverSideApply(kc, applied, { dryRun: false, fieldManager: 'chart-watch-test' });
  });

  afterAll(async () => {
    for (const o of applied) await deleteObject(kc, o);
  });

  it('lets the operator read, watch and write the status of every kind in the listed namespaces only', async () => {
    for (const { plural } of KINDS) {
      for (const verb of ['list', 'watch']) {
        expect(await can({ verb, resource: plural, group: 'managedapps.dev', namespace: watchedA }), `${verb} ${plural} in a listed namespace`).toBe(true);
        expect(await can({ verb, resource: plural, group: 'managedapps.dev', namespace: watchedB }), `${verb} ${plural} in the other listed namespace`).toBe(true);
        expect(await can({ verb, resource: plural, group: 'managedapps.dev', namespace: other }), `${verb} ${plural} elsewhere`).toBe(false);
        expect(await can({ verb, resource: plural, group: 'managedapps.dev' }), `${verb} ${plural} cluster-wide`).toBe(false);
      }
      expect(await can({ verb: 'patch', resource: plural, subresource: 'status', group: 'managedapps.dev', namespace: watchedA })).toBe(true);
      expect(await can({ verb: 'patch', resource: plural, subresource: 'status', group: 'managedapps.dev', namespace: other })).toBe(false);
    }
    expect(await can({ verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: watchedB })).toBe(true);
    expect(await can({ verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: other })).toBe(false);
    // Still cluster-wide: the reviews of secure metrics, and namespaces.
    expect(await can({ verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io' })).toBe(true);
    expect(await can({ verb: 'list', resource: 'namespaces', group: '' })).toBe(true);
  });

  it('applied a Role into each listed namespace (the namespaces exist first)', () => {
    expect(applied.map(identity)).toContain(`Role/${watchedA}/${fullname}-watch`);
  });
});
