// The certificate reloader on a real directory updated the way the kubelet updates a Secret
// volume (new hidden directory, `..data` symlink renamed over, old directory removed), with
// real inotify for the watch path and a ManualClock for the poll path.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../test/controlplane/pki.ts';
import { SecretVolume, tlsFiles } from '../../test/support/secret-volume.ts';
import { CertificateReloader, inspectCertificatePair, type CertificatePair } from './cert-reloader.ts';
import { ManualClock, realClock } from './clock.ts';
import type { CertificateMetrics, CertificateOutcome } from './metrics.ts';

const ca = createCertificateAuthority('reloader test CA');
const issue = (cn: string): CertificatePair => {
  const c = ca.issue({ commonName: cn, ipAddresses: ['127.0.0.1'], usage: 'server' });
  return { cert: c.certPem, key: c.keyPem };
};
const A = issue('a');
const B = issue('b');
const C = issue('c');
const silent = pino({ level: 'silent' });

function recordingMetrics(): CertificateMetrics & { outcomes: CertificateOutcome[]; notAfter: number[] } {
  const outcomes: CertificateOutcome[] = [];
  const notAfter: number[] = [];
  return { outcomes, notAfter, certificateReload: (_c, o) => { outcomes.push(o); }, certificateNotAfter: (_c, s) => { notAfter.push(s); } };
}

/** Each pair given to onChange, and a promise for the next one. */
function changes(): { seen: CertificatePair[]; next: () => Promise<CertificatePair>; onChange: (p: CertificatePair) => void } {
  const seen: CertificatePair[] = [];
  let waiters: ((p: CertificatePair) => void)[] = [];
  return {
    seen,
    next: () => new Promise((resolve) => { waiters.push(resolve); }),
    onChange: (p) => { seen.push(p); const w = waiters; waiters = []; for (const r of w) r(p); },
  };
}

const volumes: SecretVolume[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const v of volumes.splice(0)) v.remove();
});

/** A volume whose `write(pair)` swaps the pair in as the kubelet would. */
function volume(pair: CertificatePair): { dir: string; write: (p: CertificatePair) => void } {
  const v = new SecretVolume(tlsFiles(pair));
  volumes.push(v);
  return { dir: v.dir, write: (p) => { v.write(tlsFiles(p)); } };
}

function run(reloader: CertificateReloader): void {
  const stop = new AbortController();
  const running = reloader.start(stop.signal);
  stops.push(async () => { stop.abort(); await running; });
}

describe('inspectCertificatePair', () => {
  const now = new Date();
  it.each([
    ['a matching pair', A, now, undefined],
    ['a key of another certificate', { cert: A.cert, key: B.key }, now, /tls\.key does not match the certificate in tls\.crt/],
    ['no certificate', { cert: 'not a certificate', key: A.key }, now, /tls\.crt is not a PEM certificate/],
    ['no key', { cert: A.cert, key: '' }, now, /tls\.key is not a PEM private key/],
    ['an expired certificate', A, new Date(now.getTime() + 2 * 365 * 24 * 3_600_000), /expired on/],
  ])('%s', (_what, pair, at, refused) => {
    const got = inspectCertificatePair(pair, at);
    if (refused === undefined) expect(got).toMatchObject({ ok: true });
    else expect(got).toMatchObject({ ok: false, reason: expect.stringMatching(refused) as unknown });
  });
});

describe('CertificateReloader', () => {
  it('follows a kubelet-style symlink swap through the directory watch (the poll is an hour away)', async () => {
    const v = volume(A);
    const seen = changes();
    const metrics = recordingMetrics();
    const reloader = new CertificateReloader({
      name: 'webhook', dir: v.dir, initial: A, onChange: seen.onChange, clock: realClock, logger: silent, metrics, debounceMs: 10, pollIntervalMs: 3_600_000,
    });
    run(reloader);
    const first = seen.next();
    v.write(B);
    expect(await first).toEqual(B);
    const second = seen.next();
    v.write(C);
    expect(await second).toEqual(C);
    expect(seen.seen).toEqual([B, C]);
    expect(reloader.current()).toEqual(C);
    expect(metrics.outcomes).toEqual(['loaded', 'loaded']);
  });

  it('keeps serving the old pair when the new one is bad, reports it once, and takes the next good one', async () => {
    const v = volume(A);
    const seen = changes();
    const metrics = recordingMetrics();
    const reloader = new CertificateReloader({ name: 'webhook', dir: v.dir, initial: A, onChange: seen.onChange, clock: new ManualClock(), logger: silent, metrics, watch: false });
    expect(await reloader.check()).toEqual({ kind: 'unchanged' });

    v.write({ cert: B.cert, key: C.key }); // a writer that changed one file and not yet the other
    expect(await reloader.check()).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/does not match/) as unknown });
    expect(await reloader.check()).toMatchObject({ kind: 'invalid' });
    expect(reloader.current()).toEqual(A);
    expect(seen.seen).toEqual([]);
    expect(metrics.outcomes).toEqual(['invalid']);

    v.write(B);
    expect(await reloader.check()).toMatchObject({ kind: 'loaded' });
    expect(seen.seen).toEqual([B]);
    expect(metrics.outcomes).toEqual(['invalid', 'loaded']);
  });

  it('a pair the server refuses is not taken either', async () => {
    const v = volume(A);
    const reloader = new CertificateReloader({
      name: 'metrics', dir: v.dir, initial: A, onChange: () => { throw new Error('bad context'); }, clock: new ManualClock(), logger: silent, watch: false,
    });
    v.write(B);
    expect(await reloader.check()).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/the server refused the new pair: bad context/) as unknown });
    expect(reloader.current()).toEqual(A);
  });

  it('missing files keep the old pair', async () => {
    const v = volume(A);
    rmSync(join(v.dir, 'tls.key'));
    const reloader = new CertificateReloader({ name: 'webhook', dir: v.dir, initial: A, onChange: () => undefined, clock: new ManualClock(), logger: silent, watch: false });
    expect(await reloader.check()).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/cannot read tls\.crt and tls\.key/) as unknown });
    expect(reloader.current()).toEqual(A);
  });

  it('without a watch, the poll on the clock finds the new pair', async () => {
    const v = volume(A);
    const clock = new ManualClock(new Date());
    const seen = changes();
    const metrics = recordingMetrics();
    const reloader = new CertificateReloader({ name: 'metrics', dir: v.dir, initial: A, onChange: seen.onChange, clock, logger: silent, metrics, watch: false, pollIntervalMs: 30_000 });
    run(reloader);
    const next = seen.next();
    v.write(B);
    clock.advance(29_999);
    expect(seen.seen).toEqual([]);
    clock.advance(1);
    expect(await next).toEqual(B);
    expect(metrics.notAfter).toHaveLength(2); // the initial pair's, then B's
  });

  it('stops its timers on shutdown', async () => {
    const v = volume(A);
    const clock = new ManualClock(new Date());
    const reloader = new CertificateReloader({ name: 'metrics', dir: v.dir, initial: A, onChange: () => undefined, clock, logger: silent, watch: false });
    const stop = new AbortController();
    const running = reloader.start(stop.signal);
    expect(clock.pending()).toBe(1);
    stop.abort();
    await running;
    expect(clock.pending()).toBe(0);
  });
});
