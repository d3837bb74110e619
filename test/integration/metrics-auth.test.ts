// Metrics behind authentication (issue 19 item 6), against the real API server: the operator
// process serves /metrics over HTTPS and asks the API server who the caller is (TokenReview)
// and whether it may GET /metrics (SubjectAccessReview). Callers are ServiceAccounts whose
// tokens come from the TokenRequest API (the harness' kube-apiserver signs them with its
// service-account key): `scraper` is bound to config/rbac's metrics-reader ClusterRole,
// `tenant-pod` is not. /healthz and /readyz stay open (the kubelet sends no token).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, RbacAuthorizationV1Api, type V1ClusterRole } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createNamespace } from '../controlplane/client.ts';
import { startOperatorProcess } from '../support/operator.ts';
import { operatorKubeconfig, operatorSuite } from './operator-support.ts';

const root = join(import.meta.dirname, '..', '..');

describe('secure metrics: TokenReview and SubjectAccessReview on /metrics', () => {
  const suite = operatorSuite('metrics-auth');
  const { kc } = suite;
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const reader = parse(readFileSync(join(root, 'config/rbac/metrics-reader-clusterrole.yaml'), 'utf8')) as V1ClusterRole;
  const binding = `metrics-auth-${Math.random().toString(36).slice(2, 8)}`;

  afterAll(async () => {
    await rbac.deleteClusterRoleBinding({ name: binding }).catch(() => undefined);
  });

  const tokenOf = async (namespace: string, name: string): Promise<string> => {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
    const request = await core.createNamespacedServiceAccountToken({ namespace, name, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const token = request.status?.token;
    if (token === undefined) throw new Error('TokenRequest returned no token');
    return token;
  };

  it('refuses an unauthenticated (401) and an unauthorized (403) scrape, serves an authorized one (200)', async () => {
    const namespace = await createNamespace(kc, 'metrics-auth');
    const leaseNamespace = await createNamespace(kc, 'metrics-auth-lease');
    // The metrics-reader ClusterRole exactly as config/rbac ships it, bound to `scraper`.
    await rbac.createClusterRole({ body: reader }).catch(async () => { await rbac.replaceClusterRole({ name: reader.metadata?.name ?? '', body: reader }); });
    const scraper = await tokenOf(namespace, 'scraper');
    const tenantPod = await tokenOf(namespace, 'tenant-pod');
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: binding },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reader.metadata?.name ?? '' },
        subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace }],
      },
    });

    const operator = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElectionNamespace: leaseNamespace, watchNamespace: namespace, metricsSecure: true,
    });
    suite.operators.push(operator);
    expect(operator.metricsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await operator.ready();

    // The probes need no token.
    expect((await operator.get('/healthz')).status).toBe(200);
    expect((await operator.get('/readyz')).status).toBe(200);

    const none = await operator.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body).toContain('a bearer token is required');
    expect(none.body).not.toContain('managedapps_');

    const forged = await operator.get('/metrics', { token: 'not-a-token' });
    expect(forged.status).toBe(401);
    expect(forged.body).toContain('token not authenticated');

    const denied = await operator.get('/metrics', { token: tenantPod });
    expect(denied.status).toBe(403);
    expect(denied.body).toContain(`user "system:serviceaccount:${namespace}:tenant-pod" cannot get path "/metrics"`);
    expect(denied.body).not.toContain('managedapps_');

    const allowed = await operator.get('/metrics', { token: scraper });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('# TYPE managedapps_incidents_open gauge');
    expect(allowed.body).toContain('leader_election_master_status 1');
  }, 120_000);
});
