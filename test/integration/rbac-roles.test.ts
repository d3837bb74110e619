// config/rbac on the real API server: the operator's ClusterRole is least privilege (no
// wildcard; webhook configurations by name only; no Secrets outside its namespace) and the
// people's roles are what docs/security.md says, asked with SubjectAccessReviews.
import { AuthorizationV1Api, CoreV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KINDS } from '../../src/api/v1alpha1/index.ts';
import { rbacManifests, type RbacManifest } from '../../src/webhooks/rbac.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';

describe('config/rbac', () => {
  const info = inject('controlPlane');
  let admin: KubeConfig;
  let opNs: string;
  let tenantNs: string;
  let manifests: RbacManifest[];
  let operator: string;

  const can = async (user: string, groups: string[], attrs: { verb: string; resource: string; group?: string; namespace?: string; name?: string; subresource?: string }) => {
    const review = await admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: { spec: { user, groups, resourceAttributes: { group: attrs.group ?? 'managedapps.dev', ...attrs } } },
    });
    return review.status?.allowed === true;
  };

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    opNs = await createNamespace(admin, 'rbac-operator');
    tenantNs = await createNamespace(admin, 'rbac-tenant');
    operator = `system:serviceaccount:${opNs}:managed-apps-operator`;
    manifests = rbacManifests({ namespace: opNs });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    for (const m of manifests) {
      const body = m as unknown as Parameters<RbacAuthorizationV1Api['createClusterRole']>[0]['body'];
      const opts = { name: m.metadata.name, body, fieldManager: 'rbac-test', force: true };
      if (m.kind === 'ClusterRole') await rbac.patchClusterRole(opts, ssa);
      if (m.kind === 'ClusterRoleBinding') await rbac.patchClusterRoleBinding(opts, ssa);
      if (m.kind === 'Role') await rbac.patchNamespacedRole({ ...opts, namespace: opNs }, ssa);
      if (m.kind === 'RoleBinding') await rbac.patchNamespacedRoleBinding({ ...opts, namespace: opNs }, ssa);
    }
    for (const [name, role, group] of [['client', 'managedapps-client', 'clients'], ['provider', 'managedapps-provider', 'providers'], ['viewers', 'view', 'viewers'], ['editors', 'edit', 'editors'], ['admins', 'admin', 'admins']] as const) {
      await rbac.createNamespacedRoleBinding({ namespace: tenantNs, body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }] } });
    }
    // Aggregation into view/edit/admin is done by kube-controller-manager: wait until it shows,
    // so that the denials below are not just "not aggregated yet".
    await eventually(async () => {
      expect(await can('someone', ['viewers'], { verb: 'list', resource: 'slareports', namespace: tenantNs })).toBe(true);
      expect(await can('someone', ['editors'], { verb: 'create', resource: 'changerequests', namespace: tenantNs })).toBe(true);
      expect(await can('someone', ['admins'], { verb: 'delete', resource: 'incidents', namespace: tenantNs })).toBe(true);
    }, { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const m of manifests) {
      if (m.kind === 'ClusterRole') await rbac.deleteClusterRole({ name: m.metadata.name }).catch(() => undefined);
      if (m.kind === 'ClusterRoleBinding') await rbac.deleteClusterRoleBinding({ name: m.metadata.name }).catch(() => undefined);
    }
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of [opNs, tenantNs]) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('has no wildcard verb, resource or group, and names every kind of ours', () => {
    for (const m of manifests) {
      for (const rule of m.rules ?? []) {
        expect([...rule.verbs, ...(rule.resources ?? []), ...(rule.apiGroups ?? []), ...(rule.nonResourceURLs ?? [])], `${m.kind}/${m.metadata.name}`).not.toContain('*');
      }
    }
    const provider = manifests.find((m) => m.metadata.name === 'managedapps-provider');
    expect(provider?.rules?.[0]?.resources).toEqual(KINDS.map((k) => k.plural));
  });

  it('the operator may do its work and no more', async () => {
    const sa = ['system:serviceaccounts', `system:serviceaccounts:${opNs}`];
    const allowed = async (attrs: Parameters<typeof can>[2]) => can(operator, sa, attrs);
    for (const k of KINDS) {
      expect(await allowed({ verb: 'watch', resource: k.plural }), `watch ${k.plural}`).toBe(true);
      expect(await allowed({ verb: 'patch', resource: k.plural, subresource: 'status', namespace: tenantNs }), `patch ${k.plural}/status`).toBe(true);
    }
    expect(await allowed({ verb: 'create', resource: 'slareports', namespace: tenantNs })).toBe(true);
    expect(await allowed({ verb: 'create', resource: 'incidents', namespace: tenantNs })).toBe(true);
    expect(await allowed({ verb: 'create', resource: 'supportcontracts', namespace: tenantNs })).toBe(false);
    expect(await allowed({ verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: tenantNs })).toBe(true);
    // Runbook Jobs (issue 14 item 3): created and watched in tenant namespaces, never changed or deleted (owned by their change).
    expect(await allowed({ verb: 'create', resource: 'jobs', group: 'batch', namespace: tenantNs })).toBe(true);
    expect(await allowed({ verb: 'watch', resource: 'jobs', group: 'batch' })).toBe(true);
    expect(await allowed({ verb: 'update', resource: 'jobs', group: 'batch', namespace: tenantNs })).toBe(false);
    expect(await allowed({ verb: 'delete', resource: 'jobs', group: 'batch', namespace: tenantNs })).toBe(false);
    expect(await allowed({ verb: 'create', resource: 'cronjobs', group: 'batch', namespace: tenantNs })).toBe(false);
    expect(await allowed({ verb: 'create', resource: 'pods', group: '', namespace: tenantNs })).toBe(false);
    expect(await allowed({ verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: opNs, name: 'managed-apps-operator' })).toBe(true);
    expect(await allowed({ verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: tenantNs, name: 'managed-apps-operator' })).toBe(false);
    expect(await allowed({ verb: 'update', resource: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io', name: 'managed-apps-operator' })).toBe(true);
    expect(await allowed({ verb: 'update', resource: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io', name: 'someone-else' })).toBe(false);
    expect(await allowed({ verb: 'create', resource: 'mutatingwebhookconfigurations', group: 'admissionregistration.k8s.io' })).toBe(false);
    expect(await allowed({ verb: 'get', resource: 'secrets', group: '', namespace: opNs, name: 'managed-apps-operator-webhook-selfsigned-tls' })).toBe(true);
    expect(await allowed({ verb: 'get', resource: 'secrets', group: '', namespace: opNs, name: 'other' })).toBe(false);
    expect(await allowed({ verb: 'get', resource: 'secrets', group: '', namespace: tenantNs, name: 'managed-apps-operator-webhook-selfsigned-tls' })).toBe(false);
    expect(await allowed({ verb: 'list', resource: 'namespaces', group: '' })).toBe(true);
    expect(await allowed({ verb: 'delete', resource: 'namespaces', group: '', name: tenantNs })).toBe(false);
    // Secure metrics: it reviews tokens and access, and is not itself a metrics reader.
    expect(await allowed({ verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io' })).toBe(true);
    expect(await allowed({ verb: 'create', resource: 'subjectaccessreviews', group: 'authorization.k8s.io' })).toBe(true);
    expect(await allowed({ verb: 'create', resource: 'localsubjectaccessreviews', group: 'authorization.k8s.io', namespace: tenantNs })).toBe(false);
  });

  it.each([
    ['clients', 'create', 'incidents', true], ['clients', 'create', 'changerequests', true], ['clients', 'update', 'changerequests', true],
    ['clients', 'update', 'incidents', true], ['clients', 'delete', 'incidents', false], ['clients', 'delete', 'changerequests', false], ['clients', 'update', 'supportcontracts', false],
    ['clients', 'create', 'serviceunits', false], ['clients', 'patch', 'managedfunctions', false], ['clients', 'create', 'maintenancewindows', false],
    ['clients', 'update', 'slareports', false], ['clients', 'list', 'slareports', true], ['clients', 'get', 'managedtenants', true],
    // The webhook then admits a ChangeApprover contact in force only, for spec.contacts (src/webhooks/contacts.ts).
    ['clients', 'update', 'managedtenants', true], ['clients', 'create', 'managedtenants', false], ['clients', 'delete', 'managedtenants', false],
    ['providers', 'create', 'supportcontracts', true], ['providers', 'delete', 'serviceunits', true], ['providers', 'deletecollection', 'incidents', true],
    ['viewers', 'list', 'supportcontracts', true], ['viewers', 'create', 'incidents', false],
    ['editors', 'create', 'incidents', true], ['editors', 'update', 'supportcontracts', false],
    ['admins', 'delete', 'changerequests', true], ['admins', 'create', 'managedtenants', false],
    // issue 14 item 5: the change catalogue is the provider's; its prices are known to the client (seed §10).
    ['providers', 'update', 'changecatalogs', true], ['clients', 'get', 'changecatalogs', true], ['clients', 'update', 'changecatalogs', false],
    ['viewers', 'list', 'changecatalogs', true], ['admins', 'create', 'changecatalogs', false],
    // SLA claims (issue 13): the client files (the webhook admits an SLAClaimer contact only), the provider answers.
    ['clients', 'create', 'slaclaims', true], ['clients', 'update', 'slaclaims', false], ['clients', 'delete', 'slaclaims', false],
    ['providers', 'patch', 'slaclaims', true], ['viewers', 'list', 'slaclaims', true], ['viewers', 'create', 'slaclaims', false],
  ] as const)('%s: %s %s → %s', async (group, verb, resource, expected) => {
    expect(await can(`someone-${group}`, [group], { verb, resource, namespace: tenantNs })).toBe(expected);
  });
});
