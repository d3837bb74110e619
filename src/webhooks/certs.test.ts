import { describe, expect, it } from 'vitest';
import { pemCertificates, renewedCaBundle } from './certs.ts';
import { generateServingCertificate } from './pki.ts';

const now = new Date();
const caOf = (cn: string) => generateServingCertificate({ commonName: cn, now }).caPem;
const previous = caOf('previous');
const older = caOf('older');
const next = caOf('next');
const leaf = generateServingCertificate({ commonName: 'leaf', now }).certPem;

describe('renewedCaBundle', () => {
  const elevenYears = new Date(now.getTime() + 11 * 365 * 24 * 3_600_000);
  it.each([
    ['nothing before', '', now, [next]],
    ['a previous CA: kept after the new one', previous, now, [next, previous]],
    ['a bundle of two: only its first (the CA in use) is kept', previous + older, now, [next, previous]],
    ['an expired previous CA is dropped', previous, elevenYears, [next]],
    ['a previous bundle that is not a CA is dropped', leaf, now, [next]],
    ['unreadable text is dropped', 'garbage', now, [next]],
    ['the same CA is not repeated', next, now, [next]],
  ])('%s', (_what, before, at, expected) => {
    expect(pemCertificates(renewedCaBundle(next, before, at))).toEqual(expected);
  });
});
