// Serving certificates that rotate under a running server (issue 20 item 5): a directory holding
// `tls.crt` and `tls.key` (a Secret volume written by cert-manager, or any mount) is watched and
// the new pair handed to the server once it is known good.
//
// How the kubelet updates a Secret volume: it writes the new files into a fresh hidden
// directory (`..2026_12_02_05_00_00.123`), points a `..data_tmp` symlink at it, renames that
// over `..data` (one atomic rename) and removes the old directory; `tls.crt` itself is a symlink
// to `..data/tls.crt` and never changes. So the directory is watched (a watch on the file would
// follow the old inode), events are debounced (one swap is several events), and the directory is
// also read every `pollIntervalMs`: inotify can miss events (a volume remounted, a watch that
// failed to start, a filesystem without notifications), the poll cannot.
//
// A new pair is used only when both files parse, the key matches the certificate and the
// certificate has not expired: a writer that replaces the two files one after the other (not
// atomically) shows a mismatched pair for a moment, and a broken Secret must not take the
// server down. Until a good pair appears the server keeps the one it has; each distinct bad
// pair is logged once and counted (`<prefix>certificate_reloads_total{outcome="invalid"}`).
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock, Timer } from './clock.ts';
import type { CertificateMetrics } from './metrics.ts';
import type { Runnable } from './runnable.ts';

export const CERT_FILE = 'tls.crt';
/** The symlink kubelet's atomic writer swaps to the directory of the current version. */
const DATA_LINK = '..data';
/** Reads again when `..data` moved during a read, at most this many times. */
const SWAP_RETRIES = 3;
export const KEY_FILE = 'tls.key';
/** The poll that backs the watch up (cert-manager renews days ahead: a minute late is harmless). */
export const DEFAULT_CERT_POLL_INTERVAL_MS = 60_000;
/** One kubelet swap is a burst of events within a few milliseconds: read once, after it. */
export const DEFAULT_CERT_DEBOUNCE_MS = 250;

export interface CertificatePair {
  /** PEM certificate chain, the serving certificate first. */
  readonly cert: string;
  /** PEM private key of the first certificate. */
  readonly key: string;
}

export type PairInspection =
  | { readonly ok: true; readonly notAfter: Date; readonly serialNumber: string; readonly fingerprint256: string }
  | { readonly ok: false; readonly reason: string };

/** Whether `pair` can be served at `now`: parseable, key matching the (first) certificate, not expired. */
export function inspectCertificatePair(pair: CertificatePair, now: Date): PairInspection {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pair.cert);
  } catch (err) {
    return { ok: false, reason: `${CERT_FILE} is not a PEM certificate (${err instanceof Error ? err.message : String(err)})` };
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(pair.key));
  } catch (err) {
    return { ok: false, reason: `${KEY_FILE} is not a PEM private key (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!matches) return { ok: false, reason: `${KEY_FILE} does not match the certificate in ${CERT_FILE} (serial ${x509.serialNumber})` };
  const notAfter = new Date(x509.validTo);
  if (notAfter.getTime() <= now.getTime()) return { ok: false, reason: `the certificate (serial ${x509.serialNumber}) expired on ${notAfter.toISOString()}` };
  return { ok: true, notAfter, serialNumber: x509.serialNumber, fingerprint256: x509.fingerprint256 };
}

/** What one look at the directory found. */
export type ReloadOutcome =
  | { readonly kind: 'loaded'; readonly serialNumber: string; readonly notAfter: Date }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'invalid'; readonly reason: string };

export interface CertificateReloaderOptions {
  /** Names the certificate in logs and the metric's `certificate` label: `webhook`, `metrics`. */
  readonly name: string;
  readonly dir: string;
  /** The pair served now (read at start): the reloader calls `onChange` only for a different one. */
  readonly initial: CertificatePair;
  /** Hands a validated new pair to the server (`setCertificate`); a throw counts as invalid and keeps the old pair. */
  readonly onChange: (pair: CertificatePair) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: CertificateMetrics;
  readonly pollIntervalMs?: number;
  readonly debounceMs?: number;
  /** false: poll only (no inotify). Default true. */
  readonly watch?: boolean;
}

/**
 * A Runnable (every replica, not leader-bound: each serves its own TLS) that keeps a server's
 * certificate in step with a mounted directory. `check()` looks once, now.
 */
export class CertificateReloader implements Runnable {
  readonly name: string;
  readonly needLeaderElection = false;
  readonly #o: CertificateReloaderOptions;
  readonly #log: Logger;
  #current: CertificatePair;
  /** Digest of the last bad pair reported, so a poll does not repeat the same warning. */
  #lastRejected: string | undefined;
  /** Checks run one at a time; a request during a check runs one more after it. */
  #running: Promise<ReloadOutcome> | undefined;
  #again = false;

  constructor(options: CertificateReloaderOptions) {
    this.#o = options;
    this.name = `certificate-reloader-${options.name}`;
    this.#log = options.logger.child({ component: 'certificate-reloader', certificate: options.name, dir: options.dir });
    this.#current = options.initial;
    const first = inspectCertificatePair(options.initial, options.clock.now());
    if (first.ok) options.metrics?.certificateNotAfter(options.name, first.notAfter.getTime() / 1000);
  }

  /** The pair the server was last given. */
  current(): CertificatePair {
    return this.#current;
  }

  /** Reads the directory once and swaps when it holds a different, valid pair. Never rejects. */
  check(): Promise<ReloadOutcome> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    // Read through a call: the compiler keeps `this.#again` narrowed to false across the await.
    const again = (): boolean => this.#again;
    const run = async (): Promise<ReloadOutcome> => {
      let outcome: ReloadOutcome;
      do {
        this.#again = false;
        outcome = await this.#checkOnce();
      } while (again());
      return outcome;
    };
    this.#running = run().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #checkOnce(): Promise<ReloadOutcome> {
    let pair: CertificatePair;
    try {
      pair = await this.#readPair();
    } catch (err) {
      return this.#reject(`cannot read ${CERT_FILE} and ${KEY_FILE}: ${err instanceof Error ? err.message : String(err)}`, `read:${String((err as NodeJS.ErrnoException).code)}`);
    }
    if (pair.cert === this.#current.cert && pair.key === this.#current.key) {
      this.#lastRejected = undefined;
      return { kind: 'unchanged' };
    }
    const digest = createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
    const inspection = inspectCertificatePair(pair, this.#o.clock.now());
    if (!inspection.ok) return this.#reject(inspection.reason, digest);
    try {
      this.#o.onChange(pair);
    } catch (err) {
      return this.#reject(`the server refused the new pair: ${err instanceof Error ? err.message : String(err)}`, digest);
    }
    this.#current = pair;
    this.#lastRejected = undefined;
    this.#o.metrics?.certificateReload(this.#o.name, 'loaded');
    this.#o.metrics?.certificateNotAfter(this.#o.name, inspection.notAfter.getTime() / 1000);
    this.#log.info({ serialNumber: inspection.serialNumber, notAfter: inspection.notAfter.toISOString() }, 'serving certificate reloaded');
    return { kind: 'loaded', serialNumber: inspection.serialNumber, notAfter: inspection.notAfter };
  }

  /**
   * Both files as of one version of the volume. kubelet's atomic writer swaps `..data` and then
   * removes the old directory: two reads can straddle a swap (the old certificate with the new
   * key, or a file of the removed directory gone). When `..data` moved during the read, read again
   * (at most SWAP_RETRIES times): only a pair read within one version is judged.
   */
  async #readPair(): Promise<CertificatePair> {
    const version = (): Promise<string | undefined> => readlink(join(this.#o.dir, DATA_LINK)).catch(() => undefined);
    for (let attempt = 0; ; attempt++) {
      const before = await version();
      const read = await Promise.all([readFile(join(this.#o.dir, CERT_FILE), 'utf8'), readFile(join(this.#o.dir, KEY_FILE), 'utf8')])
        .then(([cert, key]) => ({ ok: true as const, pair: { cert, key } }), (error: unknown) => ({ ok: false as const, error }));
      if ((await version()) === before || attempt >= SWAP_RETRIES) {
        if (read.ok) return read.pair;
        throw read.error;
      }
    }
  }

  #reject(reason: string, digest: string): ReloadOutcome {
    if (digest !== this.#lastRejected) {
      this.#lastRejected = digest;
      this.#o.metrics?.certificateReload(this.#o.name, 'invalid');
      this.#log.warn({ reason }, 'new serving certificate refused: still serving the previous one');
    }
    return { kind: 'invalid', reason };
  }

  async start(signal: AbortSignal): Promise<void> {
    const clock = this.#o.clock;
    const pollMs = this.#o.pollIntervalMs ?? DEFAULT_CERT_POLL_INTERVAL_MS;
    const debounceMs = this.#o.debounceMs ?? DEFAULT_CERT_DEBOUNCE_MS;
    let watcher: FSWatcher | undefined;
    let debounce: Timer | undefined;
    let poll: Timer | undefined;
    const openWatch = (): void => {
      if (this.#o.watch === false || watcher !== undefined || signal.aborted) return;
      try {
        const w = watch(this.#o.dir, { persistent: false }, () => {
          debounce?.cancel();
          debounce = clock.setTimeout(() => { void this.check(); }, debounceMs);
        });
        // A watch that breaks (the directory removed, a remount) is reopened at the next poll.
        w.on('error', (err) => {
          this.#log.warn({ err }, 'watch of the certificate directory failed; polling until it can be reopened');
          w.close();
          if (watcher === w) watcher = undefined;
        });
        watcher = w;
      } catch (err) {
        this.#log.warn({ err }, 'cannot watch the certificate directory; polling it');
      }
    };
    const schedule = (): void => {
      poll = clock.setTimeout(() => {
        openWatch();
        void this.check().finally(() => { if (!signal.aborted) schedule(); });
      }, pollMs);
    };
    openWatch();
    schedule();
    // The files may have changed between the read at start and the watch.
    await this.check();
    if (!signal.aborted) await new Promise<void>((resolve) => { signal.addEventListener('abort', () => { resolve(); }, { once: true }); });
    watcher?.close();
    debounce?.cancel();
    poll?.cancel();
    await this.#running;
  }
}
