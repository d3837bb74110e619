// The webhook's certificates and configurations against the real API server, and its
// fail-closed answer on a cold cache (served over real TLS, in time).
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Manager } from '../../src/runtime/manager.ts';
import { deleteWebhookConfiguration, ensureCertificateSecret, ensureWebhookConfiguration, webhookCertificates, type WebhookConfiguration } from '../../src/webhooks/certs.ts';
import { needsRenewal } from '../../src/webhooks/pki.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace } from '../controlplane/client.ts';

const run = randomBytes(4).toString('hex');

function post(port: number, ca: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }); });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('webhook certificates and configurations', () => {
  const info = inject('controlPlane');
  let admin: KubeConfig;
  let ns: string;
  let manager: Manager;

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    ns = await createNamespace(admin, 'webhook-certs');
    manager = new Manager({ kubeConfig: admin, logger: pino({ level: 'silent' }), leaderElection: false });
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(manager.client, `mao-certs-test-${run}`);
    await admin.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
  });

  it('a cold cache is refused with a clear message, within the time limit, over TLS', async () => {
    // The Manager is never started: its caches never sync.
    const certs = await webhookCertificates(manager.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({
      manager, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: ['managedapps:provider'], operatorUsername: 'operator',
      logger: pino({ level: 'silent' }), cacheWaitMs: 300,
    });
    const stop = new AbortController();
    const running = server.start(stop.signal);
    try {
      const { port } = await server.listening;
      const review = {
        apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
        request: {
          uid: 'u-1', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'ServiceUnit' }, namespace: ns, name: 'os-1', operation: 'CREATE',
          userInfo: { username: 'paul', groups: ['managedapps:provider'] },
          object: { apiVersion: 'managedapps.dev/v1alpha1', kind: 'ServiceUnit', metadata: { name: 'os-1', namespace: ns }, spec: { level: 'OS', environment: 'Production', targets: [{ kind: 'VirtualMachine', name: 'vm-1' }] } },
        },
      };
      const answer = await post(port, certs.caBundle ?? '', '/validate', review);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        kind: 'AdmissionReview',
        response: { uid: 'u-1', allowed: false, status: { code: 503, reason: 'ServiceUnavailable', message: expect.stringMatching(/caches of ManagedTenants, SupportContracts, ServiceUnits, Incidents, ChangeRequests, ChangeCatalogs and SLAReports are not synced after 300 ms/) as unknown } },
      });
      // The mutating hook needs no cache to stamp a reporter.
      const stamped = await post(port, certs.caBundle ?? '', '/mutate', {
        ...review,
        request: { ...review.request, uid: 'u-2', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'Incident' }, object: { apiVersion: 'managedapps.dev/v1alpha1', kind: 'Incident', metadata: { name: 'i' }, spec: { reporter: { username: 'mallory' } } } },
      });
      const response = (stamped.json as { response: { allowed: boolean; patch: string } }).response;
      expect(response.allowed).toBe(true);
      expect(JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'))).toEqual([{ op: 'add', path: '/spec/reporter', value: { username: 'paul', groups: ['managedapps:provider'] } }]);
    } finally {
      stop.abort();
      await running;
    }
  });

  it('the generated certificate is kept in one Secret shared by the replicas, and renewed for other names', async () => {
    const first = await ensureCertificateSecret(manager.client, { namespace: ns, name: 'webhook-tls', service: 'managed-apps-operator-webhook' });
    const second = await ensureCertificateSecret(manager.client, { namespace: ns, name: 'webhook-tls', service: 'managed-apps-operator-webhook' });
    expect(second).toEqual(first);
    expect(needsRenewal(first, { dnsNames: [`managed-apps-operator-webhook.${ns}.svc`] }, new Date())).toBeUndefined();
    const renamed = await ensureCertificateSecret(manager.client, { namespace: ns, name: 'webhook-tls', service: 'other-webhook' });
    expect(renamed.caPem).not.toBe(first.caPem);
    expect(needsRenewal(renamed, { dnsNames: [`other-webhook.${ns}.svc`] }, new Date())).toBeUndefined();
  });

  it('ensureWebhookConfiguration creates, updates, and keeps the caBundle that cert-manager injected', async () => {
    const name = `mao-certs-test-${run}`;
    // Selects no namespace: it can never block anyone.
    const base = { mode: 'url' as const, url: 'https://127.0.0.1:1', name, namespaceSelector: { matchLabels: { 'managedapps.dev/never': run } } };
    await ensureWebhookConfiguration(manager.client, { ...base, caBundle: 'CA-ONE' });
    await ensureWebhookConfiguration(manager.client, { ...base, certManagerInjectFrom: 'ops/webhook' });
    for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      const stored = await manager.client.request<WebhookConfiguration>('GET', `/apis/admissionregistration.k8s.io/v1/${plural}/${name}`);
      expect(stored.metadata.annotations).toMatchObject({ 'cert-manager.io/inject-ca-from': 'ops/webhook' });
      expect(stored.webhooks).toHaveLength(1);
      expect(stored.webhooks[0]).toMatchObject({ failurePolicy: 'Fail', sideEffects: 'None', timeoutSeconds: 5, matchPolicy: 'Equivalent', clientConfig: { caBundle: Buffer.from('CA-ONE').toString('base64') } });
    }
  });
});
