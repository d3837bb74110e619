// Renewal of the generated webhook certificate (issue 20 item 5), on every replica.
//
// The certificate lives in a Secret of the operator's namespace (certs.ts), one for all
// replicas. Every `periodMs` each replica reads it and serves what it holds when that differs
// from what it serves (another replica renewed it). The replica allowed to renew (`mayRenew`: the
// leader, or the only replica; one writer, so two replicas never publish two different new CAs)
// replaces it once `needsRenewal` says so (a third of its year left, pki.ts), in this order, so
// that no admission request fails on a certificate the API server does not trust yet:
//   1. the CA bundle [new CA, previous CA] is written into both configurations' caBundle;
//   2. `propagationMs` later (the API server's webhook client picks a configuration up from its
//      informer, within milliseconds normally), the Secret gets the new certificate, its ca.crt
//      holding the same bundle;
//   3. each replica swaps to the new certificate at its next read; until then it serves the old
//      one, still trusted through the previous CA.
// The CA key is not kept (the Secret holds none), so a renewal brings a new CA: hence the
// two-CA bundle; the previous CA is dropped at the renewal after.
import type { Logger } from 'pino';
import { inspectCertificatePair, isAborted, sleep, type CertificateMetrics, type Clock, type KubeClient, type Runnable } from '../runtime/index.ts';
import { ensureCertificateSecret, readCertificateSecret, serviceDnsNames } from './certs.ts';
import { needsRenewal, type ServingCertificate } from './pki.ts';
import type { TlsMaterial } from './server.ts';

/** How often every replica reads the Secret (a renewal is due months ahead: a minute is plenty). */
export const DEFAULT_RENEWAL_PERIOD_MS = 60_000;
/** Between publishing a new CA bundle and storing the certificate it trusts. */
export const DEFAULT_CA_PROPAGATION_MS = 5_000;
/** The `certificate` label of the metrics. */
const CERTIFICATE = 'webhook';

export interface CertificateRenewerOptions {
  readonly client: KubeClient;
  /** Timers and `now`. main.ts passes the real clock: the API server judges a certificate's validity on it, whatever --clock-at says. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: CertificateMetrics;
  readonly namespace: string;
  readonly service: string;
  readonly secretName: string;
  /** The certificate served now, as stored (ca.crt included). */
  readonly served: ServingCertificate;
  /** Whether this replica may renew now (the leader, or the only replica). */
  readonly mayRenew: () => boolean;
  /** Writes `caBundle` into both webhook configurations. */
  readonly publishCaBundle: (caBundle: string) => Promise<void>;
  /** Gives the server the new pair (`setCertificate`). */
  readonly onCertificate: (tls: TlsMaterial) => void;
  readonly periodMs?: number;
  readonly propagationMs?: number;
}

export type RenewalOutcome = 'unchanged' | 'renewed' | 'loaded' | 'failed';

/** A Runnable on every replica (not leader-bound: each one serves, and must follow the Secret). */
export class CertificateRenewer implements Runnable {
  readonly name = 'webhook-certificate-renewer';
  readonly needLeaderElection = false;
  readonly #o: CertificateRenewerOptions;
  readonly #log: Logger;
  #served: ServingCertificate;

  constructor(options: CertificateRenewerOptions) {
    this.#o = options;
    this.#served = options.served;
    this.#log = options.logger.child({ component: 'webhook-certificate', secret: `${options.namespace}/${options.secretName}` });
    this.#noteNotAfter(options.served);
  }

  /** The certificate this replica serves. */
  served(): ServingCertificate {
    return this.#served;
  }

  /** One round: read the Secret, renew it when due and allowed, serve what it holds. Never rejects. */
  async sync(signal?: AbortSignal): Promise<RenewalOutcome> {
    const { client, clock, namespace, secretName } = this.#o;
    try {
      let stored = await readCertificateSecret(client, namespace, secretName);
      const now = clock.now();
      const due = stored === undefined ? 'the Secret is missing' : needsRenewal(stored, { dnsNames: serviceDnsNames(this.#o.service, namespace) }, now);
      let renewed = false;
      if (due !== undefined && this.#o.mayRenew()) {
        this.#log.info({ reason: due }, 'renewing the webhook certificate');
        const before = stored?.certPem;
        stored = await ensureCertificateSecret(client, {
          namespace, name: secretName, service: this.#o.service, now, previousCaBundle: this.#served.caPem,
          beforeStore: async (caBundle) => {
            await this.#o.publishCaBundle(caBundle);
            await sleep(clock, this.#o.propagationMs ?? DEFAULT_CA_PROPAGATION_MS, signal);
            if (signal !== undefined && isAborted(signal)) throw new Error('stopping: the certificate is renewed by the next replica to run');
          },
        });
        renewed = stored.certPem !== before;
      }
      if (stored === undefined || stored.certPem === this.#served.certPem) return 'unchanged';
      const inspection = inspectCertificatePair({ cert: stored.certPem, key: stored.keyPem }, now);
      if (!inspection.ok) {
        // Not this replica's to fix unless it may renew (then needsRenewal said so above).
        this.#log.warn({ reason: inspection.reason }, 'the stored webhook certificate cannot be served: keeping the current one');
        this.#o.metrics?.certificateReload(CERTIFICATE, 'invalid');
        return 'failed';
      }
      this.#o.onCertificate({ cert: stored.certPem, key: stored.keyPem });
      this.#served = stored;
      this.#o.metrics?.certificateReload(CERTIFICATE, renewed ? 'renewed' : 'loaded');
      this.#noteNotAfter(stored);
      this.#log.info({ serialNumber: inspection.serialNumber, notAfter: inspection.notAfter.toISOString(), renewed }, 'serving the webhook certificate of the Secret');
      return renewed ? 'renewed' : 'loaded';
    } catch (err) {
      this.#log.warn({ err }, 'webhook certificate: read or renewal failed; retried next period');
      this.#o.metrics?.certificateReload(CERTIFICATE, 'failed');
      return 'failed';
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    const period = this.#o.periodMs ?? DEFAULT_RENEWAL_PERIOD_MS;
    while (!isAborted(signal)) {
      await sleep(this.#o.clock, period, signal);
      if (isAborted(signal)) break;
      await this.sync(signal);
    }
  }

  #noteNotAfter(cert: ServingCertificate): void {
    const inspection = inspectCertificatePair({ cert: cert.certPem, key: cert.keyPem }, this.#o.clock.now());
    if (inspection.ok) this.#o.metrics?.certificateNotAfter(CERTIFICATE, inspection.notAfter.getTime() / 1000);
  }
}
