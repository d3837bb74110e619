import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateServingCertificate, serialNumber } from './pki.ts';

describe('serialNumber', () => {
  // The random bytes that broke it: a zero first byte (non-minimal DER) and a high first byte (negative).
  it.each([
    ['zero first byte', [0x00, 0x05]],
    ['high bit set', [0xff, 0x00]],
    ['ordinary', [0x12, 0x34]],
  ])('is a positive, minimally encoded INTEGER (%s)', (_name, head) => {
    const serial = serialNumber((size) => Buffer.concat([Buffer.from(head), Buffer.alloc(size - head.length, 0xab)]));
    expect(serial).toHaveLength(16);
    expect(serial[0]).toBeGreaterThanOrEqual(0x40);
    expect(serial[0]).toBeLessThan(0x80);
  });

  it('ends up in certificates as 16 bytes', () => {
    const cert = generateServingCertificate({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'] });
    expect(new X509Certificate(cert.certPem).serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });
});
