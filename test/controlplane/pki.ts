// A small, synchronous certificate authority for the test control plane.
//
// node:crypto makes keys and signatures but not X.509 certificates. The certificate structure is
// built with @peculiar/asn1-x509 (the ASN.1 layer under @peculiar/x509: plain DER classes,
// synchronous, no global polyfill) and signed with node:crypto. @peculiar/x509 itself was not
// used because its generator is asynchronous (WebCrypto) and needs the global `reflect-metadata`
// polyfill, while `mintUser()` returns a kubeconfig synchronously. The openssl CLI was not used
// because the operator image (which will issue webhook certificates the same way) has no openssl.
//
// Keys are ECDSA P-256: generated in about a millisecond, accepted by kube-apiserver for serving,
// client certificates and service-account tokens (ES256).
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
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
    validForMs: 10 * 365 * 24 * HOUR,
    signer: privateKey,
    extensions: [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(ski)),
    ],
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
      const altNames = [
        ...(request.dnsNames ?? []).map((dNSName) => new GeneralName({ dNSName })),
        ...(request.ipAddresses ?? []).map((iPAddress) => new GeneralName({ iPAddress })),
      ];
      const extensions = [
        extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
        extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
        extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(purposes)),
        extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
        extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(caKeyId) })),
      ];
      if (altNames.length > 0) extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(altNames)));
      const der = signCertificate({
        subject: distinguishedName(request.commonName, request.organizations ?? []),
        issuer: caSubject,
        spki,
        validForMs: request.validForMs ?? 365 * 24 * HOUR,
        signer: caKey,
        extensions,
      });
      return { certPem: toPem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    },
  };
}

interface ToSign {
  readonly subject: Name;
  readonly issuer: Name;
  readonly spki: Buffer;
  readonly validForMs: number;
  readonly signer: KeyObject;
  readonly extensions: Extension[];
}

function signCertificate(input: ToSign): Buffer {
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: algorithm,
    issuer: input.issuer,
    // An hour back: the apiserver and the test process share a clock, but not every host's is exact.
    validity: new Validity({ notBefore: new Date(now - HOUR), notAfter: new Date(now + input.validForMs) }),
    subject: input.subject,
    subjectPublicKeyInfo: AsnConvert.parse(input.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(input.extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, input.signer); // DER-encoded ECDSA signature, as X.509 wants
  const certificate = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: toArrayBuffer(signature) });
  return Buffer.from(AsnConvert.serialize(certificate));
}

function distinguishedName(commonName: string, organizations: readonly string[]): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new Name([...organizations.map((o) => rdn(OID_ORGANIZATION, o)), rdn(OID_COMMON_NAME, commonName)]);
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spkiDer: Buffer): ArrayBuffer {
  const bits = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo).subjectPublicKey;
  return toArrayBuffer(createHash('sha1').update(Buffer.from(bits)).digest());
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
