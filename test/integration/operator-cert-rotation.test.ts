// Certificates that rotate (issue 20 item 5), on the real API server: the operator runs as a
// process with its webhook (url mode, 127.0.0.1) and metrics server serving certificates from
// directories laid out and updated as the kubelet updates a cert-manager Secret volume
// (test/support/secret-volume.ts). A client writes ManagedTenants continuously (each write is an
// UPDATE the API server sends to the validating webhook over TLS) while the test rotates the
// webhook's certificate to one of a NEW CA, the way cert-manager and its cainjector do it with a
// trust overlap: caBundle [old CA, new CA] first, then the files, then caBundle [new CA]. Not one
// write may fail, and a new TLS handshake must show the new certificate. The API server reuses
// its keep-alive connection to the webhook, so a second loop also makes, all along, the handshake
// a new API server connection would make (verified against the caBundle configured at that
// moment): without the overlap step, that one fails.
//
// The operator writes its webhook configurations without a namespaceSelector, so while this file
// runs they see every namespace (only this file runs: fileParallelism is off); afterAll deletes them.
import { randomBytes, X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/runtime/kube.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, pemCertificates, readCertificateSecret, type WebhookConfiguration } from '../../src/webhooks/certs.ts';
import { createNamespace, eventually } from '../controlplane/client.ts';
import { freePorts } from '../controlplane/net.ts';
import { createCertificateAuthority, type CertificateAuthority } from '../controlplane/pki.ts';
import { startOperatorProcess, type OperatorProcess } from '../support/operator.ts';
import { SecretVolume, tlsFiles } from '../support/secret-volume.ts';
import { GROUP, VERSION, tenant } from './fixtures.ts';
import { operatorKubeconfig, operatorSuite } from './operator-support.ts';

const run = randomBytes(4).toString('hex');
const CONFIG_NAME = `mao-rotation-test-${run}`;
const ADMISSION = '/apis/admissionregistration.k8s.io/v1';

const serving = (ca: CertificateAuthority, cn: string) => {
  const issued = ca.issue({ commonName: cn, ipAddresses: ['127.0.0.1'], usage: 'server' });
  return { cert: issued.certPem, key: issued.keyPem };
};

/** A TLS handshake on `port` that must verify against `ca` (PEM bundle), as the API server's would. */
function verifiedHandshake(port: number, ca: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, rejectUnauthorized: true }, () => { socket.end(); resolve(); });
    socket.on('error', reject);
  });
}

/** The certificate a new TLS handshake on `port` is answered with. */
function servedCertificate(port: number): Promise<{ fingerprint256: string; serialNumber: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve({ fingerprint256: peer.fingerprint256, serialNumber: peer.serialNumber });
    });
    socket.on('error', reject);
  });
}

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('certificates that rotate under a running operator', () => {
  const suite = operatorSuite('cert-rotation');
  const { kc } = suite;
  const client = new KubeClient(kc);
  const api = kc.makeApiClient(CustomObjectsApi);
  const volumes: SecretVolume[] = [];
  const caA = createCertificateAuthority(`rotation A ${run}`);
  const caB = createCertificateAuthority(`rotation B ${run}`);
  const webhookA = serving(caA, 'webhook-a');
  const webhookB = serving(caB, 'webhook-b');
  const metricsCa = createCertificateAuthority(`rotation metrics ${run}`);
  const metrics1 = serving(metricsCa, 'metrics-1');
  const metrics2 = serving(metricsCa, 'metrics-2');
  let namespace: string;
  let webhookPort: number;
  let webhookVolume: SecretVolume;
  let metricsVolume: SecretVolume;
  let operator: OperatorProcess;

  const metricsPort = () => Number(new URL(operator.metricsUrl).port);

  /** What cert-manager's cainjector does: writes caBundle into both configurations. */
  const injectCaBundle = async (bundle: string): Promise<void> => {
    for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      const path = `${ADMISSION}/${plural}/${CONFIG_NAME}`;
      const current = await client.request<WebhookConfiguration>('GET', path);
      const webhooks = current.webhooks.map((w) => ({ ...w, clientConfig: { ...(w.clientConfig as Record<string, unknown>), caBundle: Buffer.from(bundle).toString('base64') } }));
      await client.request('PUT', path, { body: { ...current, webhooks } });
    }
  };

  beforeAll(async () => {
    namespace = await createNamespace(kc, 'cert-rotation');
    const leaseNamespace = await createNamespace(kc, 'cert-rotation-lease');
    // The tenant exists before any webhook intercepts our kinds.
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'managedtenants', body: { ...tenant('acme'), metadata: { name: 'acme', namespace } } });
    webhookVolume = new SecretVolume(tlsFiles(webhookA, caA.certPem));
    metricsVolume = new SecretVolume(tlsFiles(metrics1));
    volumes.push(webhookVolume, metricsVolume);
    [webhookPort] = (await freePorts(1)) as [number];
    // The installation's configurations, with the CA cainjector would have injected (the
    // operator keeps a caBundle it did not generate).
    await ensureWebhookConfiguration(client, { mode: 'url', url: `https://127.0.0.1:${webhookPort}`, name: CONFIG_NAME, caBundle: caA.certPem });
    operator = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElectionNamespace: leaseNamespace, watchNamespace: namespace, metricsSecure: true,
      args: [
        '--webhook', 'true', '--webhook-mode', 'url', '--webhook-host', '127.0.0.1', '--webhook-port', String(webhookPort),
        '--webhook-cert-dir', webhookVolume.dir, '--webhook-configuration-name', CONFIG_NAME, '--metrics-cert-dir', metricsVolume.dir,
      ],
    });
    suite.operators.push(operator);
    await operator.ready();
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(client, CONFIG_NAME);
    for (const v of volumes) v.remove();
  });

  it('the webhook swaps to a certificate of a new CA while a client writes, and no write fails', async () => {
    const write = (n: number) => api.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace, plural: 'managedtenants', name: 'acme', body: { metadata: { labels: { 'managedapps.dev/write': String(n) } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // The webhook answers (the operator listens and has written its configurations).
    await eventually(async () => { await write(0); return true; }, { timeoutMs: 30_000, intervalMs: 200 });
    expect((await servedCertificate(webhookPort)).fingerprint256).toBe(fingerprintOf(webhookA.cert));

    const failures: string[] = [];
    let succeeded = 0;
    const writing = new AbortController();
    const writer = (async () => {
      for (let n = 1; !writing.signal.aborted; n++) {
        try {
          await write(n);
          succeeded++;
        } catch (err) {
          failures.push(err instanceof ApiException ? `${String(err.code)}: ${String(err.body)}` : String(err));
        }
      }
    })();
    // The API server's connection is kept alive (see below), so also check what a NEW
    // connection of the API server would see at every moment: a handshake verified against the
    // caBundle the configuration holds then.
    let handshaken = 0;
    const handshakes = (async () => {
      while (!writing.signal.aborted) {
        const stored = await client.request<WebhookConfiguration>('GET', `${ADMISSION}/validatingwebhookconfigurations/${CONFIG_NAME}`);
        const bundle = Buffer.from((stored.webhooks[0]?.clientConfig as { caBundle?: string } | undefined)?.caBundle ?? '', 'base64').toString('utf8');
        try {
          await verifiedHandshake(webhookPort, bundle);
          handshaken++;
        } catch (err) {
          failures.push(`a new connection trusting the configured caBundle: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    /** Resolves once `more` writes have succeeded since the call. */
    const afterWrites = async (more: number) => {
      const target = succeeded + more;
      await eventually(() => succeeded >= target || failures.length > 0, { timeoutMs: 30_000, intervalMs: 20 });
    };

    try {
      await afterWrites(10);
      // cainjector's overlap: both CAs trusted before the new certificate is served.
      await injectCaBundle(caA.certPem + caB.certPem);
      await afterWrites(10);
      webhookVolume.write(tlsFiles(webhookB, caB.certPem));
      await eventually(async () => (await servedCertificate(webhookPort)).fingerprint256 === fingerprintOf(webhookB.cert), { timeoutMs: 30_000, intervalMs: 50 });
      await afterWrites(10);
      // The API server keeps its keep-alive connection to the webhook (handshaken with the old
      // certificate, which stays valid on it); a new caBundle value makes it build a new client,
      // so each step below is a fresh handshake that the new certificate must pass.
      await injectCaBundle(caB.certPem + caA.certPem);
      await afterWrites(10);
      // The old CA leaves the bundle: only the new certificate is trusted now.
      await injectCaBundle(caB.certPem);
      await afterWrites(20);
    } finally {
      writing.abort();
      await writer;
      await handshakes;
    }
    expect(failures).toEqual([]);
    expect(succeeded).toBeGreaterThanOrEqual(50);
    expect(handshaken).toBeGreaterThan(0);

    // The webhook still decides (a second tenant in the namespace is refused by its rule).
    const second = await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'managedtenants', body: { ...tenant('other'), metadata: { name: 'other', namespace } } })
      .then(() => 'created', (err: unknown) => (err instanceof ApiException ? String(err.body) : String(err)));
    expect(second).toContain(`namespace '${namespace}' already has ManagedTenant 'acme'`);
    expect(operator.process.said(/"certificate":"webhook".*serving certificate reloaded/)).toBe(true);
  });

  it('the metrics server keeps its certificate on a bad pair and swaps to the next good one', async () => {
    expect((await servedCertificate(metricsPort())).fingerprint256).toBe(fingerprintOf(metrics1.cert));
    // A key that is not the certificate's: refused, the first pair still served.
    metricsVolume.write(tlsFiles({ cert: metrics2.cert, key: metrics1.key }));
    await eventually(() => operator.process.said(/"certificate":"metrics".*new serving certificate refused/), { timeoutMs: 30_000, intervalMs: 50 });
    expect((await servedCertificate(metricsPort())).fingerprint256).toBe(fingerprintOf(metrics1.cert));
    metricsVolume.write(tlsFiles(metrics2));
    await eventually(async () => (await servedCertificate(metricsPort())).fingerprint256 === fingerprintOf(metrics2.cert), { timeoutMs: 30_000, intervalMs: 50 });
    // The probes still answer over the new certificate.
    expect((await operator.get('/readyz')).status).toBe(200);
  });
});

// The generated certificate (service mode, no cert dir: the default in a cluster), as main.ts
// wires it: the Secret deleted by hand under the running leader is made again, the caBundle
// (new and previous CA) written, and the new certificate served, without a restart. No Service
// or kubelet here: the API server cannot call this webhook, so this part checks the wiring only;
// the renewal order is webhook-renewal.test.ts's, the no-drop swap the test above's.
describe('the generated webhook certificate under a running operator', () => {
  const suite = operatorSuite('cert-renewal');
  const { kc } = suite;
  const client = new KubeClient(kc);
  const configName = `mao-generated-test-${run}`;
  const secretName = 'managed-apps-operator-webhook-selfsigned-tls';

  afterAll(async () => {
    await deleteWebhookConfiguration(client, configName);
  });

  const configuredBundle = async (): Promise<string> => {
    const stored = await client.request<WebhookConfiguration>('GET', `${ADMISSION}/validatingwebhookconfigurations/${configName}`);
    return Buffer.from((stored.webhooks[0]?.clientConfig as { caBundle?: string } | undefined)?.caBundle ?? '', 'base64').toString('utf8');
  };

  it('a Secret deleted by hand is made again by the leader, its CA published, and served', async () => {
    const namespace = await createNamespace(kc, 'cert-renewal');
    const operatorNamespace = await createNamespace(kc, 'cert-renewal-operator');
    const [port] = (await freePorts(1)) as [number];
    const operator = await startOperatorProcess({
      kubeconfigPath: operatorKubeconfig(suite.info, suite.user), leaderElectionNamespace: operatorNamespace, watchNamespace: namespace,
      args: [
        '--webhook', 'true', '--webhook-mode', 'service', '--webhook-host', '127.0.0.1', '--webhook-port', String(port),
        '--webhook-configuration-name', configName, '--cert-poll-interval', '1',
      ],
    });
    suite.operators.push(operator);
    await operator.ready();
    const first = await eventually(async () => {
      const stored = await readCertificateSecret(client, operatorNamespace, secretName);
      return stored !== undefined && (await configuredBundle()) === stored.caPem ? stored : false;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await servedCertificate(port)).fingerprint256).toBe(fingerprintOf(first.certPem));

    await kc.makeApiClient(CoreV1Api).deleteNamespacedSecret({ namespace: operatorNamespace, name: secretName });
    const second = await eventually(async () => {
      const stored = await readCertificateSecret(client, operatorNamespace, secretName);
      return stored !== undefined && stored.certPem !== first.certPem ? stored : false;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect(pemCertificates(second.caPem).slice(1)).toEqual([first.caPem]);
    // Published before the Secret was made again (renewal.ts), so already there.
    expect(await configuredBundle()).toBe(second.caPem);
    await eventually(async () => (await servedCertificate(port)).fingerprint256 === fingerprintOf(second.certPem), { timeoutMs: 30_000, intervalMs: 100 });
  });
});
