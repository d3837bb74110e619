// Certificates for the webhook's HTTPS server: a self-signed CA and a serving certificate.
//
// Shared with the test control plane's CA (test/controlplane/pki.ts): the X.509 structure is
// built with @peculiar/asn1-x509 (plain DER classes, synchronous, no polyfill) and signed with
// node:crypto; keys are ECDSA P-256. No openssl: the operator image has none. Only what the
// webhook needs is here (a CA, a server certificate for DNS names and IP addresses, and reading
// a certificate's validity and names back).
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject, createPrivateKey } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, AuthorityKeyIdentifier, BasicConstraints, Certificate,
  ExtendedKeyUsage, Extension, Extensions, GeneralName, KeyIdentifier, KeyUsage, KeyUsageFlags, Name,
  RelativeDistinguishedName, SubjectAlternativeName, SubjectKeyIdentifier, SubjectPublicKeyInfo, TBSCertificate, Validity,
  Version, id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier, id_kp_serverAuth,
} from '@peculiar/asn1-x509';
import { realClock } from '../runtime/index.ts';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
const DAY_MS = 24 * 3_600_000;
/** The CA lives 10 years; serving certificates 1 year (renewed by `needsRenewal`). */
export const CA_VALIDITY_MS = 10 * 365 * DAY_MS;
export const SERVING_VALIDITY_MS = 365 * DAY_MS;
/** Clock skew allowance: certificates are valid from an hour ago (not every host's clock is exact). */
const BACKDATE_MS = 3_600_000;

export interface ServingCertificate {
  /** PEM of the CA that signed `certPem`: the `caBundle` of the webhook configurations. */
  readonly caPem: string;
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

export interface ServingRequest {
  readonly commonName: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Default the real clock's now: the API server and clients judge a certificate's validity on theirs, whatever --clock-at says. */
  readonly now?: Date;
}

/** A fresh self-signed CA and a serving certificate it signed. */
export function generateServingCertificate(request: ServingRequest): ServingCertificate {
  const now = request.now ?? realClock.now();
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const caName = distinguishedName(`${request.commonName} CA`);
  const caKeyId = keyIdentifier(caSpki);
  const caDer = signCertificate({
    subject: caName, issuer: caName, spki: caSpki, now, validForMs: CA_VALIDITY_MS, signer: ca.privateKey,
    extensions: caExtensions(caKeyId),
  });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const extensions = leafExtensions({ spki, caKeyId, purposes: [id_kp_serverAuth], dnsNames: request.dnsNames, ipAddresses: request.ipAddresses });
  const der = signCertificate({
    subject: distinguishedName(request.commonName), issuer: caName, spki, now, validForMs: SERVING_VALIDITY_MS, signer: ca.privateKey, extensions,
  });
  return {
    caPem: toPem('CERTIFICATE', caDer),
    certPem: toPem('CERTIFICATE', der),
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Whether a stored serving certificate must be replaced: unreadable, key not matching, not
 * signed by `caPem`, a name missing, or less than a third of a year left.
 */
export function needsRenewal(cert: ServingCertificate, names: { dnsNames?: readonly string[]; ipAddresses?: readonly string[] }, now: Date): string | undefined {
  try {
    const x509 = new X509Certificate(cert.certPem);
    const ca = new X509Certificate(cert.caPem);
    if (!x509.checkIssued(ca) || !x509.verify(ca.publicKey)) return 'not signed by the stored CA';
    if (!x509.checkPrivateKey(createPrivateKey(cert.keyPem))) return 'the key does not match the certificate';
    for (const dns of names.dnsNames ?? []) if (x509.checkHost(dns, { subject: 'never' }) === undefined) return `no DNS name ${dns}`;
    for (const ip of names.ipAddresses ?? []) if (x509.checkIP(ip) === undefined) return `no IP address ${ip}`;
    const left = new Date(x509.validTo).getTime() - now.getTime();
    if (left < SERVING_VALIDITY_MS / 3) return `expires on ${new Date(x509.validTo).toISOString()}`;
    return undefined;
  } catch (err) {
    return `unreadable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The extensions of a CA certificate whose key identifier is `keyId`. */
export function caExtensions(keyId: ArrayBuffer): Extension[] {
  return [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true })),
    extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature)),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
  ];
}

/** The extensions of an end-entity certificate for `purposes` (extended key usages), signed by the CA of `caKeyId`. */
export function leafExtensions(leaf: {
  readonly spki: Buffer;
  readonly caKeyId: ArrayBuffer;
  readonly purposes: readonly string[];
  readonly dnsNames?: readonly string[] | undefined;
  readonly ipAddresses?: readonly string[] | undefined;
}): Extension[] {
  const altNames = [
    ...(leaf.dnsNames ?? []).map((dNSName) => new GeneralName({ dNSName })),
    ...(leaf.ipAddresses ?? []).map((iPAddress) => new GeneralName({ iPAddress })),
  ];
  const extensions = [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
    extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
    extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([...leaf.purposes])),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(leaf.spki))),
    extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(leaf.caKeyId) })),
  ];
  if (altNames.length > 0) extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(altNames)));
  return extensions;
}

/** What signCertificate needs: one X.509 v3 certificate, ECDSA P-256 / SHA-256. */
export interface ToSign {
  readonly subject: Name;
  readonly issuer: Name;
  readonly spki: Buffer;
  readonly now: Date;
  readonly validForMs: number;
  readonly signer: KeyObject;
  readonly extensions: Extension[];
}

/**
 * 16 random bytes as a certificate serial: a positive INTEGER in minimal DER, so top bit clear
 * (else negative) and first byte non-zero (else not minimal, which Go's x509, and so the API
 * server, refuses as a "malformed serial number" — one certificate in 256 before this).
 */
export function serialNumber(random: (size: number) => Buffer = randomBytes): Buffer {
  const serial = random(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return serial;
}

/** A DER X.509 certificate signed by `signer`. */
export function signCertificate(input: ToSign): Buffer {
  const serial = serialNumber();
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const now = input.now.getTime();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(serial),
    signature: algorithm,
    issuer: input.issuer,
    validity: new Validity({ notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + input.validForMs) }),
    subject: input.subject,
    subjectPublicKeyInfo: AsnConvert.parse(input.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(input.extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, input.signer); // DER-encoded ECDSA signature, as X.509 wants
  const certificate = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: toArrayBuffer(signature) });
  return Buffer.from(AsnConvert.serialize(certificate));
}

/** CN, after one O per organization (the groups of a client certificate). */
export function distinguishedName(commonName: string, organizations: readonly string[] = []): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new Name([...organizations.map((o) => rdn(OID_ORGANIZATION, o)), rdn(OID_COMMON_NAME, commonName)]);
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Buffer): ArrayBuffer {
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
