// A small, synchronous certificate authority for the test control plane.
//
// node:crypto makes keys and signatures but not X.509 certificates. The certificate structure is
// built with @peculiar/asn1-x509 (the ASN.1 layer under @peculiar/x509: plain DER classes,
// synchronous, no global polyfill) and signed with node:crypto. @peculiar/x509 itself was not
// used because its generator is asynchronous (WebCrypto) and needs the global `reflect-metadata`
// polyfill, while `mintUser()` returns a kubeconfig synchronously. The openssl CLI was not used
// because the operator image (which will issue webhook certificates the same way) has no openssl.
//
// The certificates are signed by src/webhooks/pki.ts's signCertificate, as the operator's webhook
// certificates are. Keys are ECDSA P-256: generated in about a millisecond, accepted by
// kube-apiserver for serving, client certificates and service-account tokens (ES256).
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_kp_clientAuth, id_kp_serverAuth } from '@peculiar/asn1-x509';
import { caExtensions, distinguishedName, keyIdentifier, leafExtensions, signCertificate, toPem } from '../../src/webhooks/pki.ts';

const HOUR = 3_600_000;

export interface KeyPair {
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
}

export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

export interface CertificateAuthority extends IssuedCertificate {
  issue(request: CertificateRequest): IssuedCertificate;
}

export interface CertificateRequest {
  /** Subject CN: the user name for client certificates. */
  readonly commonName: string;
  /** Subject O, one per entry: the groups for client certificates. */
  readonly organizations?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usage: 'server' | 'client' | 'server-and-client';
  /** Validity; defaults to one year. */
  readonly validForMs?: number;
}

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A new self-signed CA (ten years). */
export function createCertificateAuthority(commonName: string): CertificateAuthority {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = distinguishedName(commonName, []);
  const ski = keyIdentifier(spki);
  const der = signCertificate({
    subject: name,
    issuer: name,
    spki,
    now: new Date(),
    validForMs: 10 * 365 * 24 * HOUR,
    signer: privateKey,
    extensions: caExtensions(ski),
  });
  return certificateAuthority(toPem('CERTIFICATE', der), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** A CA from its certificate and PKCS#8 (or SEC1/PKCS#1) key PEM, as written in a cert dir. */
export function loadCertificateAuthority(certPem: string, keyPem: string): CertificateAuthority {
  return certificateAuthority(certPem, keyPem);
}

function certificateAuthority(certPem: string, keyPem: string): CertificateAuthority {
  const caKey = createPrivateKey(keyPem);
  const caCert = new X509Certificate(certPem);
  const caSpki = caCert.publicKey.export({ type: 'spki', format: 'der' });
  const caSubject = AsnConvert.parse(caCert.raw, Certificate).tbsCertificate.subject;
  const caKeyId = keyIdentifier(caSpki);
  return {
    certPem,
    keyPem,
    issue(request: CertificateRequest): IssuedCertificate {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const spki = publicKey.export({ type: 'spki', format: 'der' });
      const purposes = {
        server: [id_kp_serverAuth],
        client: [id_kp_clientAuth],
        'server-and-client': [id_kp_serverAuth, id_kp_clientAuth],
      }[request.usage];
      const extensions = leafExtensions({ spki, caKeyId, purposes, dnsNames: request.dnsNames, ipAddresses: request.ipAddresses });
      const der = signCertificate({
        subject: distinguishedName(request.commonName, request.organizations ?? []),
        issuer: caSubject,
        spki,
        now: new Date(),
        validForMs: request.validForMs ?? 365 * 24 * HOUR,
        signer: caKey,
        extensions,
      });
      return { certPem: toPem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    },
  };
}
