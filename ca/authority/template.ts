import { type KeyObject, createHash, randomBytes, sign } from 'node:crypto';
import {
  bitString, boolean, encode, explicit, octetString, oid, sequence, set, smallInteger, time, unsignedInteger, utf8String,
} from '../../agent-sdk/der.js';
import { OID } from '../../agent-sdk/certificate.js';
import { LINEAGE_OID } from '../../agent-sdk/lineage.js';

// Certificates are assembled from DER pieces and signed with node:crypto: the parts
// that never change for an issuer are encoded once (LeafTemplate), so issuing a
// leaf is a few buffer copies and one ECDSA signature.

const ALGORITHM = sequence(oid(OID.ecdsaWithSha256));
const VERSION_3 = explicit(0, smallInteger(2));
const ATTR_ORGANIZATION = '2.5.4.10';
const ATTR_COMMON_NAME = '2.5.4.3';

/** A DER Name: O=Tessera, plus CN when given. */
export function distinguishedName(commonName?: string): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(ATTR_ORGANIZATION, 'Tessera'), ...(commonName ? [rdn(ATTR_COMMON_NAME, commonName)] : []));
}

/** One Extension: extnID, critical (only when true, as DER requires), extnValue. */
export function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** A random positive serial of 134 bits: 17 bytes, the first in 0x40..0x7f so the encoding is always 17 bytes. */
export function newSerial(): Buffer {
  const serial = randomBytes(17);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

/** Key identifier: SHA-256 of the SubjectPublicKeyInfo, truncated to 160 bits (RFC 7093 style). */
export function keyIdentifier(subjectPublicKeyInfo: Uint8Array): Buffer {
  return createHash('sha256').update(subjectPublicKeyInfo).digest().subarray(0, 20);
}

// Encoded once: the 2.25 UUID arc takes BigInt arithmetic.
const LINEAGE_OID_DER = oid(LINEAGE_OID);
const authorityKeyIdentifier = (keyId: Buffer) =>
  extension(OID.authorityKeyIdentifier, false, sequence(encode(0x80, keyId)));
const subjectKeyIdentifier = (keyId: Buffer) => extension(OID.subjectKeyIdentifier, false, octetString(keyId));
const uriSan = (uri: string) => extension(OID.subjectAltName, false, sequence(encode(0x86, Buffer.from(uri, 'ascii'))));

function tbsCertificate(parts: {
  serial: Buffer; issuer: Buffer; subject: Buffer; notBeforeMs: number; notAfterMs: number; spki: Uint8Array; extensions: Buffer[];
}): Buffer {
  return sequence(
    VERSION_3,
    unsignedInteger(parts.serial),
    ALGORITHM,
    parts.issuer,
    sequence(time(parts.notBeforeMs), time(parts.notAfterMs)),
    parts.subject,
    parts.spki,
    explicit(3, sequence(...parts.extensions)),
  );
}

/** Signs a TBSCertificate with ECDSA P-256/SHA-256 and wraps it as a Certificate. */
export function signCertificate(tbs: Buffer, signingKey: KeyObject): Buffer {
  return sequence(tbs, ALGORITHM, bitString(sign('sha256', tbs, { key: signingKey, dsaEncoding: 'der' })));
}

/** What a CA certificate needs to be built. */
export interface CaCertificateParams {
  readonly commonName: string;
  readonly subjectPublicKeyInfo: Buffer;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** The trust domain's own SPIFFE ID, spiffe://<td> (X509-SVID 4.1: a signing certificate may carry it). */
  readonly trustDomainId: string;
  /** RFC 5280 4.2.1.9 pathLenConstraint; omitted for a root. */
  readonly pathLength?: number;
  /** The issuer; omitted for a self-signed root. */
  readonly issuer?: { readonly subject: Buffer; readonly keyIdentifier: Buffer };
}

/** Builds the TBSCertificate of a root or intermediate CA certificate. */
export function caTbsCertificate(params: CaCertificateParams): Buffer {
  const subject = distinguishedName(params.commonName);
  const keyId = keyIdentifier(params.subjectPublicKeyInfo);
  const constraints = params.pathLength === undefined ? [boolean(true)] : [boolean(true), smallInteger(params.pathLength)];
  return tbsCertificate({
    serial: newSerial(),
    issuer: params.issuer?.subject ?? subject,
    subject,
    notBeforeMs: params.notBeforeMs,
    notAfterMs: params.notAfterMs,
    spki: params.subjectPublicKeyInfo,
    extensions: [
      extension(OID.basicConstraints, true, sequence(...constraints)),
      // keyCertSign (bit 5) and cRLSign (bit 6): content 0x06, unused bits 1.
      extension(OID.keyUsage, true, encode(0x03, Buffer.from([0x01, 0x06]))),
      subjectKeyIdentifier(keyId),
      ...(params.issuer ? [authorityKeyIdentifier(params.issuer.keyIdentifier)] : []),
      uriSan(params.trustDomainId),
    ],
  });
}

/**
 * The constant parts of every X509-SVID one issuer signs, encoded once. The
 * profile (DESIGN.md): one URI SAN, cA=false, key usage critical
 * digitalSignature only, EKU serverAuth + clientAuth.
 */
export class LeafTemplate {
  readonly #issuer: Buffer;
  readonly #subject = distinguishedName();
  readonly #fixedExtensions: Buffer[];

  constructor(issuer: { readonly subject: Buffer; readonly keyIdentifier: Buffer }) {
    this.#issuer = issuer.subject;
    this.#fixedExtensions = [
      extension(OID.basicConstraints, true, sequence()),
      // digitalSignature (bit 0): content 0x80, unused bits 7.
      extension(OID.keyUsage, true, encode(0x03, Buffer.from([0x07, 0x80]))),
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))),
      authorityKeyIdentifier(issuer.keyIdentifier),
    ];
  }

  /**
   * The TBSCertificate for one leaf. `spiffeId` must already be a checked
   * canonical SPIFFE ID; `lineage`, an agent's delegation lineage (DER), goes
   * into a non-critical extension, where the CA's signature covers it.
   */
  tbs(params: { serial: Buffer; notBeforeMs: number; notAfterMs: number; subjectPublicKeyInfo: Buffer; spiffeId: string; lineage?: Buffer }): Buffer {
    return tbsCertificate({
      serial: params.serial,
      issuer: this.#issuer,
      subject: this.#subject,
      notBeforeMs: params.notBeforeMs,
      notAfterMs: params.notAfterMs,
      spki: params.subjectPublicKeyInfo,
      extensions: [
        ...this.#fixedExtensions,
        subjectKeyIdentifier(keyIdentifier(params.subjectPublicKeyInfo)),
        uriSan(params.spiffeId),
        ...(params.lineage ? [sequence(LINEAGE_OID_DER, octetString(params.lineage))] : []),
      ],
    });
  }
}
