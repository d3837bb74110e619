// Renewal of the generated webhook certificate (issue 20 item 5) against the real API server,
// on a ManualClock moved months ahead: the Secret the replicas share, the caBundle of both
// configurations (published BEFORE the Secret changes, holding the new and the previous CA), and
// a replica that may not renew following the Secret another one renewed.
import { randomBytes, X509Certificate } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.ts';
import { KubeClient } from '../../src/runtime/kube.ts';
import { deleteWebhookConfiguration, ensureCertificateSecret, ensureWebhookConfiguration, pemCertificates, readCertificateSecret, type WebhookConfiguration } from '../../src/webhooks/certs.ts';
import type { ServingCertificate } from '../../src/webhooks/pki.ts';
import { CertificateRenewer, type RenewalOutcome } from '../../src/webhooks/renewal.ts';
import type { TlsMaterial } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';

const run = randomBytes(4).toString('hex');
const CONFIG_NAME = `mao-renewal-test-${run}`;
const SERVICE = 'managed-apps-operator-webhook';
const DAY = 24 * 3_600_000;

describe('renewal of the generated webhook certificate', () => {
  const info = inject('controlPlane');
  const kc = adminKubeConfig(info);
  const client = new KubeClient(kc);
  let ns: string;
  // Selects no namespace: it can never block anyone.
  const base = { mode: 'url' as const, url: 'https://127.0.0.1:1', name: CONFIG_NAME, namespaceSelector: { matchLabels: { 'managedapps.dev/never': run } } };

  beforeAll(async () => {
    ns = await createNamespace(kc, 'webhook-renewal');
  });

  afterAll(async () => {
    await deleteWebhookConfiguration(client, CONFIG_NAME);
    await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
  });

  const caBundles = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      const stored = await client.request<WebhookConfiguration>('GET', `/apis/admissionregistration.k8s.io/v1/${plural}/${CONFIG_NAME}`);
      const clientConfig = stored.webhooks[0]?.clientConfig as { caBundle?: string } | undefined;
      out.push(Buffer.from(clientConfig?.caBundle ?? '', 'base64').toString('utf8'));
    }
    return out;
  };

  /** A replica's renewer on `clock`, recording what it publishes and serves. */
  const replica = (secretName: string, served: ServingCertificate, clock: ManualClock, mayRenew: boolean) => {
    const published: { bundle: string; secretAtThatMoment: string | undefined }[] = [];
    const swapped: TlsMaterial[] = [];
    const renewer = new CertificateRenewer({
      client, clock, logger: pino({ level: 'silent' }), namespace: ns, service: SERVICE, secretName, served,
      mayRenew: () => mayRenew,
      publishCaBundle: async (bundle) => {
        published.push({ bundle, secretAtThatMoment: (await readCertificateSecret(client, ns, secretName))?.certPem });
        await ensureWebhookConfiguration(client, { ...base, caBundle: bundle });
      },
      onCertificate: (tls) => { swapped.push(tls); },
      propagationMs: 5_000,
    });
    /** One sync, moving the clock on while it waits out the CA propagation. */
    const sync = async (): Promise<RenewalOutcome> => {
      const outcome = renewer.sync();
      const done = { yes: false };
      void outcome.then(() => { done.yes = true; });
      await eventually(() => { clock.advance(1_000); return done.yes; }, { timeoutMs: 30_000, intervalMs: 20 });
      return outcome;
    };
    return { renewer, published, swapped, sync };
  };

  it('renews at two thirds of its life: CA bundle first (new and previous CA), then the Secret; another replica follows', async () => {
    const start = new Date();
    const secretName = `renew-${run}`;
    const first = await ensureCertificateSecret(client, { namespace: ns, name: secretName, service: SERVICE, now: start });
    await ensureWebhookConfiguration(client, { ...base, caBundle: first.caPem });
    const clock = new ManualClock(start);
    const leader = replica(secretName, first, clock, true);
    const follower = replica(secretName, first, clock, false);

    // 200 days in: 165 days left, more than a third of the year (121.7 days): nothing to do.
    clock.advance(200 * DAY);
    expect(await leader.renewer.sync()).toBe('unchanged');
    expect(leader.published).toEqual([]);

    // 250 days in: 115 days left.
    clock.advance(50 * DAY);
    expect(await follower.sync()).toBe('unchanged'); // may not renew: serves what the Secret holds
    expect(await leader.sync()).toBe('renewed');

    const stored = await readCertificateSecret(client, ns, secretName);
    if (stored === undefined) throw new Error('the Secret is gone');
    expect(stored.certPem).not.toBe(first.certPem);
    const [newCa, previousCa, ...more] = pemCertificates(stored.caPem);
    expect(more).toEqual([]);
    expect(previousCa).toBe(first.caPem);
    const renewed = new X509Certificate(stored.certPem);
    expect(renewed.verify(new X509Certificate(newCa ?? '').publicKey)).toBe(true);
    expect(new X509Certificate(first.certPem).verify(new X509Certificate(previousCa ?? '').publicKey)).toBe(true);
    expect(renewed.checkHost(`${SERVICE}.${ns}.svc`, { subject: 'never' })).toBe(`${SERVICE}.${ns}.svc`);
    // A year from the renewal (the ManualClock's now), not from the first certificate.
    expect(new Date(renewed.validTo).getTime()).toBeGreaterThan(new Date(new X509Certificate(first.certPem).validTo).getTime());

    // The bundle was published once, while the Secret still held the previous certificate.
    expect(leader.published).toEqual([{ bundle: stored.caPem, secretAtThatMoment: first.certPem }]);
    expect(await caBundles()).toEqual([stored.caPem, stored.caPem]);
    expect(leader.swapped).toEqual([{ cert: stored.certPem, key: stored.keyPem }]);
    expect(leader.renewer.served().certPem).toBe(stored.certPem);

    // The replica that may not renew swaps at its next read, publishing nothing.
    expect(await follower.sync()).toBe('loaded');
    expect(follower.swapped).toEqual([{ cert: stored.certPem, key: stored.keyPem }]);
    expect(follower.published).toEqual([]);
    expect(await follower.sync()).toBe('unchanged');
  });

  it('the next renewal drops the CA before the previous one', async () => {
    const start = new Date();
    const secretName = `renew-twice-${run}`;
    const first = await ensureCertificateSecret(client, { namespace: ns, name: secretName, service: SERVICE, now: start });
    const clock = new ManualClock(start);
    const leader = replica(secretName, first, clock, true);
    clock.advance(250 * DAY);
    expect(await leader.sync()).toBe('renewed');
    const second = leader.renewer.served();
    clock.advance(250 * DAY);
    expect(await leader.sync()).toBe('renewed');
    const third = await readCertificateSecret(client, ns, secretName);
    const cas = pemCertificates(third?.caPem ?? '');
    expect(cas).toHaveLength(2);
    expect(cas[1]).toBe(pemCertificates(second.caPem)[0]);
    expect(cas).not.toContain(first.caPem);
  });

  it('a Secret deleted by hand is made again, the CA in use still trusted beside the new one', async () => {
    const start = new Date();
    const secretName = `renew-deleted-${run}`;
    const first = await ensureCertificateSecret(client, { namespace: ns, name: secretName, service: SERVICE, now: start });
    const clock = new ManualClock(start);
    const leader = replica(secretName, first, clock, true);
    await kc.makeApiClient(CoreV1Api).deleteNamespacedSecret({ namespace: ns, name: secretName });
    expect(await leader.sync()).toBe('renewed');
    const made = await readCertificateSecret(client, ns, secretName);
    expect(pemCertificates(made?.caPem ?? '')).toEqual([pemCertificates(made?.caPem ?? '')[0], first.caPem]);
    expect(made?.certPem).not.toBe(first.certPem);
    expect(leader.published).toEqual([{ bundle: made?.caPem, secretAtThatMoment: undefined }]);
    expect(leader.swapped).toEqual([{ cert: made?.certPem, key: made?.keyPem }]);
  });

  it('runs on the clock until stopped', async () => {
    const start = new Date();
    const secretName = `renew-loop-${run}`;
    const first = await ensureCertificateSecret(client, { namespace: ns, name: secretName, service: SERVICE, now: start });
    const clock = new ManualClock(start);
    const leader = replica(secretName, first, clock, true);
    const stop = new AbortController();
    const running = leader.renewer.start(stop.signal);
    clock.advance(250 * DAY); // the first period's timer fires, on a clock now 250 days on
    await eventually(() => { clock.advance(1_000); return leader.swapped.length === 1; }, { timeoutMs: 30_000, intervalMs: 20 });
    stop.abort();
    await running;
    expect(clock.pending()).toBe(0);
  });
});
