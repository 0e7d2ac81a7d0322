import { type KeyObject, createHash, randomFillSync, sign } from 'node:crypto';
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

const SERIAL_BYTES = 17;
// One CSPRNG call per 256 serials: a randomBytes call per serial was 2 % of the issuing thread's time.
const serialPool = Buffer.alloc(SERIAL_BYTES * 256);
let serialPoolAt = serialPool.length;

/** A random positive serial of 134 bits: 17 bytes, the first in 0x40..0x7f so the encoding is always 17 bytes. */
export function newSerial(): Buffer {
  if (serialPoolAt === serialPool.length) {
    randomFillSync(serialPool);
    serialPoolAt = 0;
  }
  const serial = Buffer.from(serialPool.subarray(serialPoolAt, (serialPoolAt += SERIAL_BYTES)));
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

/** Key identifier: SHA-256 of the SubjectPublicKeyInfo, truncated to 160 bits (RFC 7093 style). */
export function keyIdentifier(subjectPublicKeyInfo: Uint8Array): Buffer {
  return createHash('sha256').update(subjectPublicKeyInfo).digest().subarray(0, 20);
}

// Encoded once per process: the OID never changes.
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
  return tbsCertificate({
    serial: newSerial(),
    issuer: params.issuer?.subject ?? subject,
    subject,
    notBeforeMs: params.notBeforeMs,
    notAfterMs: params.notAfterMs,
    spki: params.subjectPublicKeyInfo,
    extensions: [
      ...caExtensions(params),
      ...(params.issuer ? [authorityKeyIdentifier(params.issuer.keyIdentifier)] : []),
    ],
  });
}

/**
 * The extensions a CA certificate of this trust domain has, but the issuer's
 * key identifier: cA with the path length, keyCertSign and cRLSign, its own key
 * identifier, the trust domain's ID. Also what a request for one asks for.
 */
export function caExtensions(params: Pick<CaCertificateParams, 'subjectPublicKeyInfo' | 'trustDomainId' | 'pathLength'>): Buffer[] {
  const constraints = params.pathLength === undefined ? [boolean(true)] : [boolean(true), smallInteger(params.pathLength)];
  return [
    extension(OID.basicConstraints, true, sequence(...constraints)),
    // keyCertSign (bit 5) and cRLSign (bit 6): content 0x06, unused bits 1.
    extension(OID.keyUsage, true, encode(0x03, Buffer.from([0x01, 0x06]))),
    subjectKeyIdentifier(keyIdentifier(params.subjectPublicKeyInfo)),
    uriSan(params.trustDomainId),
  ];
}

/**
 * The constant parts of every X509-SVID one issuer signs, encoded once. The
 * profile (DESIGN.md): one URI SAN, cA=false, key usage critical
 * digitalSignature only, EKU serverAuth + clientAuth.
 *
 * A leaf is written in one pass into one buffer: the lengths are summed first,
 * then each header is written once, so no byte is copied more than once. The
 * result is byte for byte what the general encoder (tbsCertificate above) makes;
 * a test compares the two over random inputs.
 */
export class LeafTemplate {
  /** ALGORITHM || issuer Name: everything between the serial and the validity. */
  readonly #algorithmAndIssuer: Buffer;
  readonly #subject = distinguishedName();
  /** The extensions every leaf carries, concatenated, in the profile's order. */
  readonly #fixedExtensions: Buffer;
  readonly #times = new Map<number, Buffer>();

  constructor(issuer: { readonly subject: Buffer; readonly keyIdentifier: Buffer }) {
    this.#algorithmAndIssuer = Buffer.concat([ALGORITHM, issuer.subject]);
    this.#fixedExtensions = Buffer.concat([
      extension(OID.basicConstraints, true, sequence()),
      // digitalSignature (bit 0): content 0x80, unused bits 7.
      extension(OID.keyUsage, true, encode(0x03, Buffer.from([0x07, 0x80]))),
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))),
      authorityKeyIdentifier(issuer.keyIdentifier),
    ]);
  }

  /**
   * The TBSCertificate for one leaf. `spiffeId` must already be a checked
   * canonical SPIFFE ID; `lineage`, an agent's delegation lineage (DER), goes
   * into a non-critical extension, where the CA's signature covers it.
   */
  tbs(params: { serial: Buffer; notBeforeMs: number; notAfterMs: number; subjectPublicKeyInfo: Buffer; spiffeId: string; lineage?: Buffer }): Buffer {
    const serial = unsignedInteger(params.serial);
    const notBefore = this.#time(params.notBeforeMs);
    const notAfter = this.#time(params.notAfterMs);
    const spki = params.subjectPublicKeyInfo;
    const uriLength = Buffer.byteLength(params.spiffeId, 'latin1');
    const lineage = params.lineage;

    // Content lengths, innermost first.
    const validity = notBefore.length + notAfter.length;
    const sanNames = tlvLength(uriLength); // content of GeneralNames: one [6] URI
    const sanValue = tlvLength(sanNames); // content of extnValue: OCTET STRING { GeneralNames }
    const sanExtension = SAN_OID.length + tlvLength(sanValue);
    const lineageExtension = lineage ? LINEAGE_OID_DER.length + tlvLength(lineage.length) : 0;
    const extensionList = this.#fixedExtensions.length + SKI_EXTENSION_PREFIX.length + 20 + tlvLength(sanExtension)
      + (lineage ? tlvLength(lineageExtension) : 0);
    const extensions = tlvLength(extensionList); // [3] EXPLICIT { SEQUENCE { ... } }
    const content = VERSION_3.length + serial.length + this.#algorithmAndIssuer.length + tlvLength(validity)
      + this.#subject.length + spki.length + tlvLength(extensions);

    const out = Buffer.allocUnsafe(tlvLength(content));
    let at = writeHeader(out, 0, TAG_SEQUENCE, content);
    at += VERSION_3.copy(out, at);
    at += serial.copy(out, at);
    at += this.#algorithmAndIssuer.copy(out, at);
    at = writeHeader(out, at, TAG_SEQUENCE, validity);
    at += notBefore.copy(out, at);
    at += notAfter.copy(out, at);
    at += this.#subject.copy(out, at);
    at += spki.copy(out, at);
    at = writeHeader(out, at, 0xa3, extensions);
    at = writeHeader(out, at, TAG_SEQUENCE, extensionList);
    at += this.#fixedExtensions.copy(out, at);
    at += SKI_EXTENSION_PREFIX.copy(out, at);
    at += keyIdentifier(spki).copy(out, at);
    at = writeHeader(out, at, TAG_SEQUENCE, sanExtension);
    at += SAN_OID.copy(out, at);
    at = writeHeader(out, at, TAG_OCTET_STRING, sanValue);
    at = writeHeader(out, at, TAG_SEQUENCE, sanNames);
    at = writeHeader(out, at, 0x86, uriLength);
    at += out.write(params.spiffeId, at, 'latin1');
    if (lineage) {
      at = writeHeader(out, at, TAG_SEQUENCE, lineageExtension);
      at += LINEAGE_OID_DER.copy(out, at);
      at = writeHeader(out, at, TAG_OCTET_STRING, lineage.length);
      at += lineage.copy(out, at);
    }
    if (at !== out.length) throw new Error(`leaf template wrote ${at} of ${out.length} bytes`);
    return out;
  }

  /** The encoded Time of a whole second; every leaf of the same second shares it. */
  #time(ms: number): Buffer {
    const second = Math.floor(ms / 1000);
    let encoded = this.#times.get(second);
    if (!encoded) {
      if (this.#times.size >= 64) this.#times.clear();
      encoded = time(second * 1000);
      this.#times.set(second, encoded);
    }
    return encoded;
  }
}

const TAG_SEQUENCE = 0x30;
const TAG_OCTET_STRING = 0x04;
const SAN_OID = oid(OID.subjectAltName);
/** A subjectKeyIdentifier extension up to its 20 key-identifier bytes. */
const SKI_EXTENSION_PREFIX = subjectKeyIdentifier(Buffer.alloc(20)).subarray(0, -20);

/** Bytes of a DER element (header and content) whose content is `length` bytes. */
function tlvLength(length: number): number {
  return length + (length < 0x80 ? 2 : length < 0x100 ? 3 : length < 0x10000 ? 4 : length < 0x1000000 ? 5 : 6);
}

/** Writes a DER tag and definite length (X.690 8.1.3, minimal form) at `at`; returns where the content starts. */
function writeHeader(out: Buffer, at: number, tag: number, length: number): number {
  out[at++] = tag;
  if (length < 0x80) {
    out[at++] = length;
    return at;
  }
  const bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
  out[at++] = 0x80 | bytes;
  for (let i = bytes - 1; i >= 0; i--) out[at++] = (length / 2 ** (8 * i)) & 0xff;
  return at;
}
